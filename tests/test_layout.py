"""Print layout: page furniture dropped and wrapped lines joined, offsets into the original exact.

Every sentence here is invented (青川县, 云岭镇 and their figures do not exist).
"""

from __future__ import annotations

from llm_extract.core.types import Document
from llm_extract.text.chrome import chrome_mask
from llm_extract.text.chunking import chunk_document
from llm_extract.text.layout import display_width, page_furniture, wrap_joins
from llm_extract.text.normalize import normalize
from llm_extract.text.notes import note_spans
from llm_extract.text.outline import parse_outline

# A hard-wrapped page layout: 24 ideographs a line, page numbers "— N —" between pages.
WRAPPED = """— 1 —
青川县统计局
一、综合
全年全县地区生产总值 186.42 亿元，比上年增长 6.2%。其中
，第一产业增加值 31.27 亿元，增长 4.1%；第二产业增加值
52.80 亿元，增长 7.3%；第三产业增加值 102.35 亿元，增长
6.0%。全年全县技术合同成交额 8.76 亿元，比上年增长 12.5
%。全年云岭镇茶叶产量 1.26 万吨，比上年增长 9.4%；茶园面

— 2 —
积 3.45 万亩，比上年增长 2.2%。全年全县规模以上工业企业输
出技术合同成交额 2.31 亿元，比上年增长 18.0%，其中新签合
同 126 项，比上年增加 14 项，技术交易额达到历史最高水平。
表1 2023年青川县主要农产品产量
指标名称 产量（万吨） 比上年增长（%）
粮食 12.35 -1.2
茶叶 1.26 9.4
二、工业
全年全县规模以上工业增加值比上年增长 8.1%。其中，轻工业
— 3 —
增加值增长 9.0%；重工业增加值增长 7.4%。全县工业用电量
4.52 亿千瓦时，比上年增长 3.3%，工业经济运行总体平稳向好。
注释：
[1]本公报中数据为初步统计数，部分数据因四舍五入的原因，存
在总计与分项合计不等的情况。
[2]地区生产总值绝对数按现价计算，增长速度按不变价格计算。
"""


def _chunks(original: str, size: int = 400):
    norm = normalize(original)
    doc = Document(doc_id="d", source="d.pdf", start=0, end=len(original))
    return norm, chunk_document(doc, norm, parse_outline(norm), size=size, overlap=40)


def test_page_numbers_are_furniture_only_when_they_rise():
    lines = ["— 1 —", "正文", "— 2 —", "正文", "— 3 —"]
    assert page_furniture(lines) == [True, False, True, False, True]
    assert page_furniture(["— 5 —", "正文"]) == [False, False]  # a lone one may be a list item
    assert page_furniture(["3", "正文", "2"]) == [False, False, False]  # bare numbers need 3 rising
    assert page_furniture(["7", "a", "8", "b", "9"]) == [True, False, True, False, True]


def test_running_headers_near_page_numbers_are_furniture():
    lines = []
    for p in range(1, 5):
        lines += ["青川县2023年统计公报", f"第 {p} 页", "全县经济运行总体平稳。"]
    mask = page_furniture(lines)
    assert all(mask[i] for i, ln in enumerate(lines) if ln != "全县经济运行总体平稳。")
    assert not any(mask[i] for i, ln in enumerate(lines) if ln == "全县经济运行总体平稳。")


def test_wrapped_sentences_are_joined_in_the_search_text_only():
    norm, chunks = _chunks(WRAPPED)
    s = norm.simplified
    # metric names cut at a line wrap and at a page break read whole
    assert "技术合同成交额8.76亿元,比上年增长12.5%" in s
    assert "茶园面积3.45万亩" in s  # across "— 2 —" and a blank line
    assert "规模以上工业企业输出技术合同成交额2.31亿元" in s
    assert "轻工业增加值增长9.0%" in s  # across "— 3 —"
    assert "— 2 —" not in s and "— 3 —" not in s
    # table rows, captions, headings and notes keep their own lines
    assert "\n粮食 12.35 -1.2\n" in s or "\n粮食12.35 -1.2\n" in s
    assert "\n表1 2023年青川县主要农产品产量\n" in s
    assert "\n二、工业\n" in s and "\n注释:\n" in s
    assert "\n[2]地区生产总值" in s
    assert "[1]本公报中数据为初步统计数,部分数据因四舍五入的原因,存在总计" in s
    # offsets stay exact: every chunk quotes the original, page numbers and line breaks included
    for c in chunks:
        assert WRAPPED[c.start : c.end] == c.text
    whole = [c for c in chunks if "茶园面积3.45万亩" in c.search_text]
    assert whole and "— 2 —" in whole[0].text
    for i in range(len(norm.text)):
        a, b = norm.src_start[i], norm.src_end[i]
        assert 0 <= a < b <= len(WRAPPED)


def test_notes_become_flagged_chunks():
    norm, chunks = _chunks(WRAPPED)
    notes = [c for c in chunks if c.is_note]
    assert notes and all("注释" in c.text or c.text.startswith("[") for c in notes)
    assert all("茶叶" not in c.text for c in notes)
    assert not any(c.is_note for c in chunks if "工业用电量" in c.text)


def test_paragraph_per_line_text_is_never_joined():
    # .docx/.html: one paragraph a line, many far wider than any "page"; short lines of one width
    paras = ["(一)加快建设现代化产业体系", "全县新建标准化厂房12万平方米，引进项目36个，" * 4,
             "(二)持续改善城乡人居环境", "云岭镇完成农村改厕1200户，新建污水管网18公里，" * 3] * 5
    lines = [p for p in paras]
    drop = [False] * len(lines)
    assert wrap_joins(lines, drop, drop) == set()


def test_joined_words_of_latin_script_keep_a_space():
    text = "\n".join(["这是一个青川县的测试行用于排版宽度的估计共二十四字"] * 9
                     + ["全县引进的项目包括智能制造与新能源装备产业链项目 smart",
                        "factory 示范工程一期已经建成投产。"]) + "\n"
    s = normalize(text).simplified
    assert "smart factory" in s


def test_display_width_counts_ideographs_as_one_and_digits_as_half():
    assert display_width("青川县") == 3
    assert display_width("青川 2023 年") == 2 + 0.5 + 2 + 0.5 + 1


def test_note_spans_cover_note_lines_and_numbered_items_only():
    text = "一、综合\n全县生产总值186亿元。\n注:1.本公报数据为初步统计数。\n2.生产总值按现价计算。\n二、农业\n茶叶产量1.2万吨。"
    spans = note_spans(text)
    assert [text[a:b] for a, b in spans] == ["注:1.本公报数据为初步统计数。\n2.生产总值按现价计算。"]
    block = "三、其他\n注释:\n[1]数据为初步统计数。\n资料来源:\n本公报数据来自县统计局。"
    assert block[note_spans(block)[0][0]:].startswith("注释:")


def test_government_page_furniture_lines():
    furniture = [
        "索引号: 11510000MB1234567X/2024-00031主题分类:综合政务",
        "发布机构:青川县人民政府办公室成文日期: 2024-01-18",
        "文号:", "【字体:大中小】", "【打印本页】【关闭窗口】", "分享到:微信微博 QQ空间",
        "主办:青川县人民政府办公室承办:青川县大数据服务中心",
        "网站标识码:5108230001蜀ICP备05001234号-1",
        "您所在的位置:首页 > 政务公开 > 政府工作报告",
        "首页 | 政务公开 | 政务服务 | 互动交流",
        "无障碍 | 长者模式 | 繁体 | English",
    ]
    content = [
        "一、政务公开和政务服务",
        "全县采购打印机120台,用于乡镇便民服务中心。",
        "主办单位要加强安全管理,承办单位要落实责任。",
        "深化政务公开,政务服务事项网上可办率达到98%。",
        "云岭镇举办茶叶推介会3场,签约项目12个。",
    ]
    mask = chrome_mask(content[:2] + furniture + content[2:])
    assert mask == [False] * 2 + [True] * len(furniture) + [False] * 3


def test_one_menu_item_per_line_is_chrome_only_in_a_run():
    menu = ["首页", "政务公开", "政务服务", "互动交流", "走进青川"]
    assert chrome_mask(["青川县人民政府"] + menu + ["各位代表:", "现在,我代表县人民政府向大会报告工作。"])[1:6] == [True] * 5
    assert chrome_mask(["一、综合", "政务公开", "全县政务公开工作扎实推进。"]) == [False, False, False]


def test_a_label_alone_takes_its_value_line():
    lines = ["索引号:", "11510000MB1234567X/2024-00031", "发布日期:", "2024-01-26", "各位代表:",
             "现在,我代表县人民政府向大会报告工作,请予审议。"]
    assert chrome_mask(lines) == [True, True, True, True, False, False]
