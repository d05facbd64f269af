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


def _assert_wraps_joined_and_blocks_kept(s: str) -> None:
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


def test_wrapped_sentences_are_joined_in_the_search_text_only():
    norm, chunks = _chunks(WRAPPED)
    _assert_wraps_joined_and_blocks_kept(norm.simplified)
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


# The same page exported double-spaced: a blank line after every printed line.
DOUBLE_SPACED = "".join(line + "\n\n" for line in WRAPPED.split("\n"))

# Double-spaced, 24 ideographs a line; real paragraph breaks shown by two blank lines, by an
# indented next line, and by sentence punctuation.  Lines 1-2 and 5-6 of each paragraph wrap mid-word.
SPACED_PARAGRAPHS = """一、农业

全年云岭镇粮食播种面积 12.6 万亩，比上年增加 0.4 万亩，其

中，水稻种植面积 5.2 万亩，玉米种植面积 4.1 万亩，新建高标

准农田 1.8 万亩，全镇农业机械总动力达到 23.5 万千瓦，比上年

增长 3.1%，主要农作物耕种收综合机械化率达到 76.0%，农业生

产条件持续改善，现代农业发展基础进一步夯实，粮食产量达到

3.62 万吨，比上年增长 2.4%，其中秋粮产量 2.95 万吨，全镇新


青川县茶叶种植面积 8.4 万亩，比上年增加 0.6 万亩，茶叶产量

1.26 万吨，增长 9.4%，茶叶综合产值 21.3 亿元，比上年增长 1

1.2%，全县新培育茶叶加工企业 6 家，其中规模以上企业 2 家，

建成茶旅融合示范点 4 个，接待游客 12.6 万人次，实现旅游收入

   云岭镇全年新增食用菌种植基地 3 个，全年食用菌收获面积达到

2.59 万亩，产量 1.36 万吨，比上年增长 5.6%，实现产值 4.8 亿

元，带动农户 1260 户，户均增收 1.2 万元，产业带动能力增强。

二、工业

全县规模以上工业增加值比上年增长 8.1%，其中，轻工业增加值

增长 9.0%，重工业增加值增长 7.4%，全县工业用电量 4.52 亿千

瓦时，比上年增长 3.3%，工业经济运行总体平稳向好，发展后劲

持续增强，新签约工业项目 26 个，总投资 86.4 亿元，同比增长

"""


def test_double_spaced_wraps_are_joined_like_single_spaced_ones():
    norm, chunks = _chunks(DOUBLE_SPACED)
    s = norm.simplified
    _assert_wraps_joined_and_blocks_kept(s)
    # the same sentences as the single-spaced export, line for line
    single = [ln for ln in normalize(WRAPPED).simplified.split("\n") if ln.strip()]
    assert [ln for ln in s.split("\n") if ln.strip()] == single
    # notes stay one block, flagged
    assert [c.is_note for c in chunks] == [c.is_note for c in _chunks(WRAPPED)[1]]


def test_double_spaced_offsets_stay_exact():
    for text in (DOUBLE_SPACED, SPACED_PARAGRAPHS):
        norm, chunks = _chunks(text, size=120)
        for c in chunks:
            assert text[c.start : c.end] == c.text
        for i in range(len(norm.text)):
            assert 0 <= norm.src_start[i] < norm.src_end[i] <= len(text)
    norm, chunks = _chunks(SPACED_PARAGRAPHS, size=400)
    whole = [c for c in chunks if "新建高标准农田1.8万亩" in c.search_text]
    assert whole and "新建高标\n\n准农田" in whole[0].text  # the quote keeps the blank line of the file


def test_double_spaced_paragraph_breaks_survive():
    s = normalize(SPACED_PARAGRAPHS).simplified
    assert "其中,水稻种植面积5.2万亩" in s and "新建高标准农田1.8万亩" in s
    assert "茶叶综合产值21.3亿元,比上年增长11.2%" in s
    assert "食用菌收获面积达到2.59万亩" in s and "增加值增长9.0%" in s
    assert "\n\n青川县茶叶种植面积" in s  # two blank lines: a paragraph ends
    assert "\n\n云岭镇全年新增食用菌" in s  # an indented line starts a paragraph
    assert "\n\n二、工业\n" in s  # headings keep their lines
    assert "产业带动能力增强。\n" in s


def test_single_blank_lines_stay_paragraph_breaks_in_single_spaced_text():
    # Hard-wrapped, lines touching inside paragraphs: one blank line between paragraphs is structure.
    para = ["全年云岭镇粮食播种面积12.6万亩比上年增加0.4万亩其中水", "稻种植面积5.2万亩玉米种植面积4.1万亩新建高标准农田"]
    lines = (para * 2 + [""]) * 4
    drop = [False] * len(lines)
    joins = wrap_joins(lines, drop, drop)
    assert joins and all(lines[j - 1].strip() for j in joins)  # never across a blank line
