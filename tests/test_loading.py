"""Tests of llm_extract.text.loading: encodings, binary/empty files, HTML, DOCX, PDF, folders."""

from __future__ import annotations

import hashlib
import os
import random
import re
from pathlib import Path

import pytest

from llm_extract.text import loading
from llm_extract.core.errors import (
    BinaryFileError,
    DecodeError,
    EmptyFileError,
    LoadError,
    OcrNeededError,
    UnsupportedFormatError,
)
from llm_extract.text.loading import (
    SUPPORTED_SUFFIXES,
    decode_bytes,
    html_to_text,
    iter_files,
    load_file,
    load_text,
)

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"


def _corpus(prefix: str) -> str:
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _paragraphs(text: str, start: int, n_chars: int) -> str:
    """A run of whole lines from ``start`` adding up to at least ``n_chars`` characters."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    out: list[str] = []
    for line in lines[start:]:
        out.append(line)
        if sum(map(len, out)) >= n_chars:
            break
    return "\n".join(out)


# Simplified text (004) and traditional text (000, pinyin glosses dropped: Big5 has no è).
SIMP_LONG = _paragraphs(_corpus("004"), 6, 1500)
PINYIN = re.compile(r"\([a-zü\u00c0-\u024f]+\)")
TRAD_LONG = _paragraphs(PINYIN.sub("", _corpus("000")), 3, 1500)
SIMP_SHORT = SIMP_LONG.splitlines()[0][:30]
TRAD_SHORT = [ln for ln in TRAD_LONG.splitlines() if len(ln) > 40][0][:30]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_samples_are_what_the_tests_claim():
    assert len(SIMP_SHORT) == 30 and len(TRAD_SHORT) == 30
    assert len(SIMP_LONG) >= 1500 and len(TRAD_LONG) >= 1500
    assert "業" in TRAD_LONG and "(" not in TRAD_SHORT
    TRAD_LONG.encode("big5")  # encodable, so the Big5 cases below are real


# ---------------------------------------------------------------------------
# Encodings
# ---------------------------------------------------------------------------

ROUND_TRIPS = [
    ("utf-8", lambda t: t.encode("utf-8"), "utf-8"),
    ("utf-8-sig", lambda t: t.encode("utf-8-sig"), "utf-8-sig"),
    ("utf-16-le+bom", lambda t: b"\xff\xfe" + t.encode("utf-16-le"), "utf-16"),
    ("utf-16-be+bom", lambda t: b"\xfe\xff" + t.encode("utf-16-be"), "utf-16"),
    ("utf-32+bom", lambda t: t.encode("utf-32"), "utf-32"),
    ("utf-16-le", lambda t: t.encode("utf-16-le"), "utf-16-le"),
    ("utf-16-be", lambda t: t.encode("utf-16-be"), "utf-16-be"),
    ("gb18030", lambda t: t.encode("gb18030"), "gb18030"),
    ("gbk", lambda t: t.encode("gbk"), "gb18030"),
]


@pytest.mark.parametrize("label,encode,expected", ROUND_TRIPS, ids=[r[0] for r in ROUND_TRIPS])
@pytest.mark.parametrize("sample", ["SIMP_SHORT", "SIMP_LONG", "TRAD_SHORT", "TRAD_LONG"])
def test_round_trip_unicode_and_gb(tmp_path, label, encode, expected, sample):
    text = globals()[sample]
    data = encode(text)
    raw = load_file(_write(tmp_path, "r.txt", data))
    assert raw.text == text
    assert raw.encoding == expected
    assert data.decode(raw.encoding) == raw.text  # the name is a codec that reproduces the text
    assert raw.format == "txt"
    assert raw.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("sample", ["TRAD_SHORT", "TRAD_LONG"])
def test_round_trip_big5(tmp_path, sample):
    text = globals()[sample]
    raw = load_file(_write(tmp_path, "b.md", text.encode("big5")))
    assert raw.text == text
    assert raw.encoding == "big5"
    assert raw.format == "md"


def test_short_gbk_and_big5_are_told_apart_across_the_corpus():
    rng = random.Random(7)
    simp, trad = _corpus("004"), PINYIN.sub("", _corpus("000"))
    for _ in range(40):
        i = rng.randrange(len(simp) - 30)
        data = simp[i : i + 30].encode("gbk", errors="ignore")
        assert decode_bytes(data) == (data.decode("gbk"), "gb18030")
        j = rng.randrange(len(trad) - 30)
        data = trad[j : j + 30].encode("big5", errors="ignore")
        assert decode_bytes(data) == (data.decode("big5"), "big5")


def test_hanzi_only_snippets_are_decided_by_character_frequency():
    """No ASCII and no punctuation: only the common-character score can tell the encodings apart."""
    rng = random.Random(5)
    simp = "".join(re.findall(r"[\u4e00-\u9fff]+", _corpus("004")))
    trad = "".join(re.findall(r"[\u4e00-\u9fff]+", PINYIN.sub("", _corpus("000"))))
    for _ in range(60):
        i = rng.randrange(len(simp) - 12)
        s = simp[i : i + 12]
        assert decode_bytes(s.encode("gbk")) == (s, "gb18030")
        for encoding in ("utf-16-le", "utf-16-be"):
            if b"\x00" not in s.encode(encoding):  # NUL-free: not the NUL-pattern path
                assert decode_bytes(s.encode(encoding)) == (s, encoding)
        j = rng.randrange(len(trad) - 12)
        t = trad[j : j + 12]
        assert decode_bytes(t.encode("big5", errors="ignore"))[1] == "big5"


def test_crlf_is_kept_and_spans_point_into_the_text(tmp_path):
    text = SIMP_LONG.replace("\n", "\r\n")
    path = _write(tmp_path, "crlf.txt", text.encode("gbk"))
    original = load_text(path)
    assert original == text and "\r\n" in original
    quote = "80.43亿元"
    start = original.index(quote)
    assert original[start : start + len(quote)] == quote


def test_mostly_utf8_with_one_bad_byte_decodes_with_replacement(tmp_path, caplog):
    data = SIMP_LONG.encode("utf-8")
    cut = data.index("。".encode("utf-8"))
    data = data[:cut] + b"\xff" + data[cut:]
    raw = load_file(_write(tmp_path, "mixed.txt", data))
    assert raw.encoding == "utf-8"
    assert raw.text.count("\ufffd") == 1
    assert raw.text.replace("\ufffd", "") == SIMP_LONG
    assert "replaced" in caplog.text


def test_ascii_file_with_one_gbk_character_is_gbk_not_lossy_utf8():
    text = "Annual report, see section 3 for details. " * 70 + "镇\n"
    data = text.encode("gbk")
    assert data.decode("utf-8", errors="replace").count("\ufffd") < len(data) * 0.001  # tolerable as UTF-8...
    assert decode_bytes(data) == (text, "gb18030")  # ...but GB18030 reads it cleanly


def test_utf8_with_many_bad_bytes_is_a_decode_error(tmp_path):
    data = bytearray(SIMP_LONG.encode("utf-8"))
    for i in range(0, len(data), 40):
        data[i] = 0xFF
    path = _write(tmp_path, "garbage.txt", bytes(data))
    with pytest.raises(DecodeError) as info:
        load_file(path)
    message = info.value.one_line()
    assert str(path) in message
    assert "UTF-8" in message and "iconv" in message


def test_random_high_bytes_are_not_mistaken_for_gb18030():
    rng = random.Random(3)
    data = bytes(rng.randrange(0x81, 0xFF) for _ in range(600))
    with pytest.raises(DecodeError):
        decode_bytes(data, path="x.txt")


def test_utf8_bom_with_bad_bytes_is_an_error():
    with pytest.raises(DecodeError):
        decode_bytes(b"\xef\xbb\xbf" + "中文".encode("gbk") * 50)


def test_decode_bytes_of_nothing():
    assert decode_bytes(b"") == ("", "utf-8")


# ---------------------------------------------------------------------------
# Binary and empty files
# ---------------------------------------------------------------------------


def test_random_binary_renamed_txt(tmp_path):
    data = random.Random(0).randbytes(4096)
    with pytest.raises(BinaryFileError) as info:
        load_file(_write(tmp_path, "data.txt", data))
    assert "binary file, not text" in info.value.one_line()


def test_png_header(tmp_path):
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + b"\x00" * 64
    with pytest.raises(BinaryFileError, match="binary file"):
        load_file(_write(tmp_path, "image.txt", data))


def test_nuls_not_explained_by_utf16_are_binary():
    data = SIMP_SHORT.encode("utf-8") + b"\x00\x00\x00\x01\x02" + b"\x00" * 9
    with pytest.raises(BinaryFileError):
        decode_bytes(data)


def test_control_bytes_are_binary():
    data = bytes(random.Random(1).choice(range(1, 9)) for _ in range(300)) + b"text"
    with pytest.raises(BinaryFileError):
        decode_bytes(data)


@pytest.mark.parametrize("data", [b"", b" \r\n\t  \n", "\u3000\u3000\n".encode("utf-8"), b"\xef\xbb\xbf"])
def test_empty_and_whitespace_only(tmp_path, data):
    with pytest.raises(EmptyFileError):
        load_file(_write(tmp_path, "empty.txt", data))


# ---------------------------------------------------------------------------
# File system errors
# ---------------------------------------------------------------------------


def test_missing_file(tmp_path):
    with pytest.raises(LoadError, match="not found") as info:
        load_file(tmp_path / "gone.txt")
    assert "gone.txt" in info.value.one_line()


def test_permission_error_via_patched_open(tmp_path, monkeypatch):
    path = _write(tmp_path, "locked.txt", b"hello")

    def deny(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(loading, "open", deny, raising=False)
    with pytest.raises(LoadError) as info:
        load_file(path)
    line = info.value.one_line()
    assert "permission denied" in line and "locked.txt" in line and "\n" not in line


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores file permissions")
def test_permission_error_via_chmod(tmp_path):
    path = _write(tmp_path, "locked.txt", b"hello")
    path.chmod(0)
    try:
        with pytest.raises(LoadError, match="permission denied"):
            load_file(path)
    finally:
        path.chmod(0o644)


def test_file_too_large(tmp_path):
    path = _write(tmp_path, "big.txt", b"a" * 3000)
    with pytest.raises(LoadError) as info:
        load_file(path, max_bytes=1024)
    line = info.value.one_line()
    assert "too large" in line and "LLM_EXTRACT_MAX_FILE_MB" in line
    assert load_file(path, max_bytes=3000).text == "a" * 3000


def test_unsupported_suffix(tmp_path):
    with pytest.raises(UnsupportedFormatError):
        load_file(_write(tmp_path, "sheet.xlsx", b"PK\x03\x04"))


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------

HTML_PAGE = """<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>站名 - 工作报告</title>
<style>p {{ color: red; }}</style>
<script type="text/javascript">var s = "<p>不可见</p>"; if (a < b) {{}}</script>
</head>
<body>
<div class="nav">当前位置：首页 &gt; 报告</div>
<h1>徐泾镇2013年的主要工作</h1>
<!-- 注释不可见 -->
<p>&nbsp;&nbsp;{para}</p>
<p>产值&lt;增长&gt; &amp; 效益&#12290;同比增长8&#37;</p>
<table><tr><th>指标</th><th>数值</th></tr><tr><td>地区生产总值</td><td>80.43亿元</td></tr></table>
<noscript>请启用脚本</noscript><template><p>模板</p></template>
第一行<br>第二行
</body></html>
"""


def test_html_article_title_meta_is_the_file_title(tmp_path):
    # a government page names its document in <meta name="ArticleTitle">; <title> may hold only the site
    page = ('<html><head><meta charset="utf-8"><title>青川县人民政府网</title>'
            '<meta name="ArticleTitle" content="2025年青川县政府工作报告"></head><body><p>正文</p></body></html>')
    (tmp_path / "a.html").write_text(page, encoding="utf-8")
    assert load_file(tmp_path / "a.html").title == "2025年青川县政府工作报告"
    (tmp_path / "b.html").write_text(page.replace('<meta name="ArticleTitle" content="2025年青川县政府工作报告">', ""),
                                     encoding="utf-8")
    assert load_file(tmp_path / "b.html").title == "青川县人民政府网"


def test_html_gbk_meta_charset(tmp_path):
    para = SIMP_LONG.splitlines()[1]
    data = HTML_PAGE.format(para=para).encode("gbk")
    raw = load_file(_write(tmp_path, "page.html", data))
    assert raw.format == "html" and raw.encoding == "gb18030"
    lines = raw.text.splitlines()
    assert lines[0] == "当前位置：首页 > 报告"
    assert lines[1] == "徐泾镇2013年的主要工作"
    assert lines[2] == para
    assert "产值<增长> & 效益。同比增长8%" in lines
    assert "指标\t数值" in lines and "地区生产总值\t80.43亿元" in lines
    assert lines[-2:] == ["第一行", "第二行"]
    for hidden in ("不可见", "color", "注释", "请启用", "模板", "站名"):
        assert hidden not in raw.text


def test_html_without_meta_is_detected(tmp_path):
    body = "".join(f"<p>{line}</p>\n" for line in TRAD_LONG.splitlines())
    data = f"<html><body>{body}</body></html>".encode("big5")
    raw = load_file(_write(tmp_path, "page.htm", data))
    assert raw.encoding == "big5"
    assert raw.text == TRAD_LONG


def test_html_utf8_mislabelled_gb2312(tmp_path):
    data = HTML_PAGE.format(para=SIMP_SHORT).encode("utf-8")
    raw = load_file(_write(tmp_path, "page.html", data))
    assert raw.encoding == "utf-8"
    assert SIMP_SHORT in raw.text


def test_html_to_text_block_and_whitespace_rules():
    assert html_to_text("<p>a\n  b</p><p></p><div>c<br/>d</div>") == "a b\nc\nd"
    assert html_to_text("<ul><li>一</li><li>二</li></ul>") == "一\n二"
    assert html_to_text("<script>x</script><style>y</style>") == ""
    # A source line break inside Chinese text is not a space; between Latin words it is.
    assert html_to_text("<p>政府工作\n    报告 for\nthe year</p>") == "政府工作报告 for the year"


def test_html_with_only_chrome_is_empty(tmp_path):
    with pytest.raises(EmptyFileError):
        load_file(_write(tmp_path, "e.html", b"<html><head><script>1</script></head><body> </body></html>"))


# ---------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------


def _docx_bytes(tmp_path: Path) -> Path:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("徐泾镇2013年的主要工作", level=1)
    document.add_paragraph(SIMP_SHORT)
    document.add_paragraph("")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "指标", "数值"
    table.cell(1, 0).text, table.cell(1, 1).text = "地区生产总值", "80.43亿元"
    document.add_paragraph("表后段落")
    path = tmp_path / "report.docx"
    document.save(path)
    return path


def test_docx_paragraphs_and_tables_in_body_order(tmp_path):
    path = _docx_bytes(tmp_path)
    raw = load_file(path)
    assert raw.format == "docx"
    assert raw.text.splitlines() == [
        "徐泾镇2013年的主要工作",
        SIMP_SHORT,
        "指标\t数值",
        "地区生产总值\t80.43亿元",
        "表后段落",
    ]
    assert raw.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_corrupt_docx(tmp_path):
    data = _docx_bytes(tmp_path).read_bytes()
    with pytest.raises(LoadError, match="corrupt .docx"):
        load_file(_write(tmp_path, "cut.docx", data[: len(data) // 2]))
    with pytest.raises(LoadError, match="corrupt .docx"):
        load_file(_write(tmp_path, "text.docx", "不是文档".encode("utf-8")))


# ---------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------


def _minimal_pdf(text: str) -> bytes:
    """A one-page PDF drawing ``text`` (ASCII) in Helvetica, with a correct xref table."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_with_text(tmp_path):
    pytest.importorskip("pypdf")
    raw = load_file(_write(tmp_path, "r.pdf", _minimal_pdf("GDP grew 8 percent in 2013")))
    assert raw.format == "pdf"
    assert "GDP grew 8 percent in 2013" in raw.text


def test_pdf_without_text_layer_needs_ocr(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "scan.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    with pytest.raises(OcrNeededError) as info:
        load_file(path)
    assert "ocrmypdf" in info.value.one_line()


def test_corrupt_pdf(tmp_path):
    pytest.importorskip("pypdf")
    with pytest.raises(LoadError) as info:
        load_file(_write(tmp_path, "bad.pdf", b"%PDF-1.4\nthis is not a pdf body at all\n"))
    assert not isinstance(info.value, OcrNeededError)


# ---------------------------------------------------------------------------
# Folders
# ---------------------------------------------------------------------------


def test_iter_files_nested_folder(tmp_path):
    for rel in [
        "b.txt",
        "a/z.md",
        "a/deeper/c.HTML",
        "a/deeper/d.pdf",
        "a/x.png",
        "a/.hidden.txt",
        ".git/config.txt",
        "a/.cache/e.txt",
        "a/~$lock.docx",
        "a/r.docx",
    ]:
        path = tmp_path / "root" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    root = tmp_path / "root"
    found = [p.relative_to(root).as_posix() for p in iter_files([root])]
    assert found == ["a/deeper/c.HTML", "a/deeper/d.pdf", "a/r.docx", "a/z.md", "b.txt"]
    # A file named explicitly is yielded; duplicates are yielded once.
    again = list(iter_files([root / "b.txt", str(root)]))
    assert again[0] == root / "b.txt" and len(again) == 5


def test_iter_files_missing_and_unsupported(tmp_path):
    with pytest.raises(LoadError) as info:
        list(iter_files([tmp_path / "nope"]))
    assert info.value.path and "nope" in info.value.path and info.value.hint
    with pytest.raises(UnsupportedFormatError):
        list(iter_files([_write(tmp_path, "a.xlsx", b"x")]))


def test_supported_suffixes():
    assert SUPPORTED_SUFFIXES == (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
