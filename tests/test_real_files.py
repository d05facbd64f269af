"""Real files through loading, normalization and chunking (sources: tests/data/README.md).

Assertions are about layout (furniture gone, wraps joined, notes flagged,
offsets exact, encoding), never about a report's title or place: metadata has
tests of its own.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from llm_extract.core.types import Document
from llm_extract.text.chunking import chunk_document
from llm_extract.text.loading import load_file
from llm_extract.text.normalize import normalize
from llm_extract.text.outline import parse_outline

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "data" / "real"


def pipeline(path: Path):
    raw = load_file(path)
    norm = normalize(raw.text)
    doc = Document(doc_id=path.stem, source=str(path), start=0, end=len(raw.text))
    chunks = chunk_document(doc, norm, parse_outline(norm), size=300, overlap=40)
    for c in chunks:
        assert raw.text[c.start : c.end] == c.text  # offsets into the loaded text stay exact
    return raw, norm, chunks


def test_pdf_page_numbers_go_and_wrapped_lines_join():
    raw, norm, chunks = pipeline(REAL / "qiandongnan-2023-tjgb-p1-3-4-20-21.pdf")
    assert raw.format == "pdf"
    pages = re.findall(r"^— \d+ —$", raw.text, flags=re.M)
    assert len(pages) == 5
    assert not re.search(r"— \d+ —", norm.text)
    # A sentence wrapped across the page 3 / page 4 break reads whole in the search text ...
    assert "食用菌收获面积2.59万亩" in norm.simplified
    assert "收获面\n" in raw.text and "收获面积" not in raw.text
    # ... and the chunk holding it quotes the original, page number included.
    holder = [c for c in chunks if "收获面积" in c.search_text]
    assert holder and "— 4 —" in holder[0].text
    # Prose lines are joined: far fewer lines than the text layer has.
    assert norm.text.count("\n") < raw.text.count("\n") / 2


def test_pdf_notes_are_flagged_and_report_text_is_not():
    _, _, chunks = pipeline(REAL / "qiandongnan-2023-tjgb-p1-3-4-20-21.pdf")
    notes = [c for c in chunks if c.is_note]
    assert notes
    assert any("注释" in c.search_text for c in notes) and any("资料来源" in c.search_text for c in notes)
    assert all(not c.is_note for c in chunks if "一、综合" in c.search_text)
    first_note = min(c.ordinal for c in notes)
    assert all(c.is_note for c in chunks if c.ordinal >= first_note)  # notes close the communiqué


def test_docx_paragraphs_are_neither_dropped_nor_joined_and_the_note_block_is_flagged():
    raw, norm, chunks = pipeline(REAL / "qiandongnan-2016-tjgb-trimmed.docx")
    assert raw.format == "docx"
    kept = [ln for ln in norm.text.split("\n") if ln.strip()]
    assert len(kept) == len([ln for ln in raw.text.split("\n") if ln.strip()])
    notes = [c for c in chunks if c.is_note]
    assert notes and notes[0].search_text.split("\n")[-1].startswith("注")
    assert sum(c.text.count("\n") + 1 for c in notes) >= 8  # 注:1. … 8.: the numbered items go along
    assert not any(c.is_note for c in chunks if "表2" in c.text)


def test_gbk_text_without_a_title_line():
    raw, norm, chunks = pipeline(REAL / "002-town-report-gbk.txt")
    assert raw.encoding in ("gb18030", "gbk")
    assert raw.text == (REAL / "002-town-report-gbk.txt").read_bytes().decode("gbk")
    assert len(chunks) >= 5 and not any(c.is_note for c in chunks)
    assert norm.text.count("\n") == raw.text.strip().count("\n")  # no line dropped or joined


def test_government_page_furniture_is_out_of_the_index():
    raw, norm, chunks = pipeline(REAL / "county-gzbg-page.html")
    searched = "\n".join(c.search_text for c in chunks)
    for furniture in ("索引号", "发布机构", "主题分类", "成文日期", "浏览次数", "字体", "打印本页", "关闭窗口",
                      "分享到", "当前位置", "上一篇", "网站标识码", "ICP备", "版权所有", "主办", "联系我们", "长者模式",
                      "政务服务", "走进青川"):
        assert furniture in re.sub(r"\s", "", raw.text)
        assert furniture not in searched, furniture
    for content in ("各位代表", "全县地区生产总值完成186.4亿元", "云岭镇茶叶产业园建成投产", "二、2024年主要目标",
                    "城镇新增就业3200人"):
        assert content in searched
    notes = [c for c in chunks if c.is_note]
    assert len(notes) == 1 and notes[0].text.startswith("注：")


# Lines each dev document loses to chrome and page furniture, as reviewed line by line: any change
# is either a content line dropped (a bug) or new furniture found (update the count after reading it).
DEV_DROPS = {
    "city-qiandongnan-2023-tjgb.pdf": 21,  # its 21 page numbers "— N —"
    "city-qiandongnan-2016-tjgb.docx": 0,
    "prov-ningxia-2025-gzbg.txt": 1,  # "来源：…日报"
    "prov-jilin-2025-gzbg.docx": 1,
    "prov-shaanxi-2025-gzbg.docx": 1,
    "prov-xizang-2025-gzbg.docx": 1,
    "prov-hunan-2025-gzbg.docx": 1,
    "prov-zhejiang-2025-gzbg.docx": 1,
    "prov-anhui-2025-gzbg.docx": 1,  # 来源：… line
    "prov-fujian-2025-gzbg.docx": 1,  # 来源：… line
    "prov-guizhou-2025-gzbg.docx": 1,  # 来源：… line
    "prov-hainan-2025-gzbg.docx": 1,  # 来源：… line
    "prov-jiangxi-2025-gzbg.docx": 1,  # 来源：… line
    "prov-liaoning-2025-gzbg.docx": 1,  # 来源：… line
    "prov-neimenggu-2025-gzbg.docx": 0,
    "prov-qinghai-2025-gzbg.docx": 1,  # 来源：… line
    "prov-shanghai-2025-gzbg.docx": 1,  # 来源：… line
    "prov-shanxi-2025-gzbg.docx": 1,  # 来源：… line
    "prov-xinjiang-2025-gzbg.docx": 1,  # 来源：… line
    "district-hailaer-2016-gzbg.txt": 0,
    "district-hailaer-2019-gzbg.txt": 0,
    "district-hailaer-2014-gzbg.txt": 0,
    "district-hailaer-2018-gzbg.txt": 0,
    "city-xian-2025-tjgb.pdf": 15,  # page numbers — N —
    "city-loudi-2025-tjgb.html": 14,  # the statistics bureau site's menus, breadcrumb, share buttons and footer
    "city-hotan-2025-tjgb.docx": 0,
    "city-jingzhou-2025-tjgb.pdf": 0,
    "city-quanzhou-2025-tjgb.html": 24,  # site menus, a month picker (01–12), breadcrumb, footer
    "city-urumqi-2025-tjgb.html": 11,  # site menus, share buttons, footer
    "city-yinchuan-2025-tjgb.html": 16,  # site menus, index line, footer
    "prov-henan-2025-gzbg.docx": 0,
    "prov-guangdong-2023-gzbg.txt": 6,  # the portal's breadcrumb, time and source lines, print/font/share buttons
    "prov-hunan-2026-gzbg.txt": 5,  # print/collect/font buttons, source and time lines
    "prov-zhejiang-2026-gzbg.txt": 5,  # the same page template
    "prov-jilin-2026-gzbg.txt": 5,  # the same page template
    "prov-henan-2026-gzbg.txt": 5,  # the same page template
    "prov-liaoning-2026-gzbg.txt": 5,  # the same page template
    "prov-shanxi-2026-gzbg.txt": 5,  # the same page template
    "prov-neimenggu-2026-gzbg.txt": 5,  # the same page template
    "prov-guizhou-2026-gzbg.txt": 0,  # no page chrome kept in this copy
    "prov-shaanxi-2026-gzbg.txt": 4,  # the provincial portal's share buttons, source line and QR-code line
    "prov-fujian-2026-gzbg.txt": 5,  # the same page template as the other 2026 copies
    "prov-xinjiang-2026-gzbg.txt": 5,  # the same page template
    "prov-anhui-2026-gzbg.txt": 5,  # the same page template
    "prov-hainan-2026-gzbg.txt": 0,  # no page chrome kept in this copy
    "prov-shanghai-2026-gzbg.txt": 5,  # the same page template
    "prov-ningxia-2026-gzbg.txt": 10,  # the regional portal's location line, source, font size, QR code, print/close buttons
    "prov-qinghai-2026-gzbg.txt": 3,  # source line (twice) and the editor's line
    "prov-xizang-2026-gzbg.txt": 5,  # the same page template
    "city-nanyang-2025-tjgb.html": 5,  # breadcrumb, print/font buttons, date line, share
    "city-pingdingshan-2025-tjgb.html": 22,  # the city portal's menus (twice), breadcrumb, buttons, footer
    "city-xuchang-2025-tjgb.html": 5,  # breadcrumb, the release's fields and buttons, QR-code and social links
    "city-hengyang-2025-tjgb.html": 15,  # the provincial bureau's menus, breadcrumb, source lines, buttons, footer
    "city-shijiazhuang-2025-tjgb.html": 18,  # site menus (twice), breadcrumb, footer, visitor counter
    "city-xinyang-2025-tjgb.html": 6,  # breadcrumb, footer
    "city-yingkou-2025-tjgb.html": 10,  # breadcrumb, the release's index fields, share buttons
    "city-xiangtan-2025-tjgb.pdf": 18,  # page numbers — N —
    "city-jiaozuo-2025-tjgb.pdf": 13,  # page numbers — N —
    "city-changde-2025-tjgb.html": 15,  # the statistics bureau site's menus, breadcrumb, source line, share buttons, footer
    "city-xiangxi-2025-tjgb.pdf": 0,
    "city-bortala-2025-tjgb.html": 24,  # the prefecture portal's menus (twice), breadcrumb, share line, footer
    "000_ae76d08569899c59.txt": 2,  # publication stamp, site disclaimer
    "001_a5468e0cb521a9da.txt": 0,
    "002_a1402d6e438c0524.txt": 0,
    "003_382408bda239f675.txt": 16,  # a template site's header, related-articles list and footer
    "004_8f4dc4ad24e9474b.txt": 0,
}


def _dev_files() -> list[Path]:
    dev = set(json.loads((ROOT / "eval" / "splits.json").read_text(encoding="utf-8"))["dev"])
    found = [p for p in sorted((ROOT / "eval" / "corpus").iterdir()) if p.stem in dev]
    return found + sorted((ROOT / "examples" / "corpus").glob("*.txt"))


@pytest.mark.parametrize("path", _dev_files(), ids=lambda p: p.name)
def test_dev_documents_lose_no_content_line(path):
    from llm_extract.text.chrome import chrome_mask
    from llm_extract.text.layout import page_furniture
    from llm_extract.text.normalize import _core, to_simplified

    text = load_file(path).text
    lines = [to_simplified("".join(ln.cs)) for ln in _core(text, 0, len(text))]
    dropped = [ln for ln, c, f in zip(lines, chrome_mask(lines), page_furniture(lines)) if (c or f) and ln]
    assert len(dropped) == DEV_DROPS[path.name], dropped
    if path.suffix == ".pdf":
        assert all(re.fullmatch(r"— \d+ —", ln) for ln in dropped)
    # Only the PDF is hard-wrapped: every other document keeps one paragraph a line.
    norm = normalize(text)
    if path.suffix != ".pdf":
        assert norm.text.count("\n") + 1 == len([ln for ln in lines if ln]) - len(dropped) + norm.text.count("\n\n")
