"""The parts of a total (各类投资的增减情况) and those that grew (哪些行业增长), from a communiqué (invented)."""

from __future__ import annotations

import pytest

from llm_extract.qa.components import _clause_parts, parts_question
from llm_extract.text.query import parse_query

REPORT = (
    "云岭州2023年国民经济和社会发展统计公报\n"
    "一、综合\n"
    "全年全州地区生产总值500.12亿元，比上年增长5.1%。\n"
    "二、固定资产投资\n"
    "全年全州房地产开发投资比上年下降6.2%。其中，住宅投资下降3.1%；办公楼投资增长12.4%；其他投资下降1.5%。"
    "全年商品房销售面积100.5万平方米，比上年增长2.0%。\n"
    "全州固定资产投资比上年增长4.0%。其中，工业投资增长8.0%，民间投资下降2.5%，占全部投资的比重为40.0%。\n"
    "三、工业\n"
    "全州规模以上工业五大行业中，酒饮料和精制茶制造业、电力热力生产和供应业、非金属矿物制品业分别增长8.1%、6.0%、"
    "3.2%，木材加工业下降2.0%，医药制造业下降4.5%，五大行业增加值合计占规模以上工业的比重为60.0%。\n"
    "全州30个工业行业大类中，有18个行业增加值比上年增长，其中，烟草制品业增长10.0%，化学原料制造业增长5.0%。\n"
    "四、国内贸易\n"
    "全年限额以上单位商品零售额中，云雀器材类零售额比上年增长31.5%，其中，云雀手机增长55.1%；粮油、食品类增长7.4%；"
    "日用品类下降1.0%；化妆品类下降12.6%。\n"
    "全年重点监测的4种主要工业产品中（规模工业企业），原煤产量35.3万吨，比上年增长0.6%；生铁104.5万吨，下降0.1%；"
    "化肥（折纯）2.1万吨，下降62.2%；发电量14.2亿千瓦时，增长4.2%。\n"
    "规模工业主要行业中，云雀冶炼业35.8%，青川制造业下 2.7%，茶饮料制造业-11.2%，食品制造业 51.9%。\n"
    "五、财政\n全州一般公共预算支出151.5亿元、下降6.9%。其中，教育支出21.6亿元、增长2.3%；农林水支出30.5亿元、下降14%；"
    "资源勘探信息等支出1.4亿元、下降23%；交通运输支出4.6亿元、下降51.7%。\n"
    "六、价格\n全年全州居民消费价格比上年上涨0.5%。按类别分，食品烟酒类上涨1.1%，衣着类下降1.6%，居住类与上年持平，"
    "交通通信类累计下降3.2%，医疗保健类上涨0.7%。\n全年全州工业用电量比上年增长3.0%。分类别看，甲类用电增长1.0%，"
    "乙类用电增长2.0%，丙类用电下降1.0%。\n"
)


def _parts(question):
    return parts_question(parse_query(question), ["云岭州"])


def test_the_question_names_the_total_what_it_counts_and_the_direction():
    ask = _parts("云岭州2023年房地产开发投资中各类投资的增减情况如何？")
    assert (ask.total, ask.counted, ask.count, ask.direction) == ("房地产开发投资", "投资", None, 0)
    ask = _parts("2023年云岭州规模以上工业五大行业中，哪些行业的增加值比上年增长？")
    assert (ask.total, ask.count, ask.direction) == ("规模以上工业五大行业", 5, 1)
    assert _parts("云岭州房地产开发投资中哪些投资下降？").direction == -1
    for other in ("云岭州2023年房地产开发投资是多少？", "云岭州2023年有哪些行业？", "云岭州2022年和2023年投资中各类投资的增减情况？"):
        assert _parts(other) is None, other


@pytest.mark.parametrize("clause, expected", [
    ("甲业、乙业分别增长8.1%、6.0%", [("甲业", 8.1, "8.1"), ("乙业", 6.0, "6.0")]),
    ("甲业、乙业分别增长8.1%、下降6.0%", [("甲业", 8.1, "8.1"), ("乙业", -6.0, "6.0")]),
    ("丙业比上年下降2.0%", [("丙业", -2.0, "2.0")]),
    ("甲业、乙业分别增长8.1%", None),  # two names, one figure
    ("五大行业增加值合计占比为60.0%", None),  # a share, not a part's change
])
def test_a_clause_gives_its_parts_or_nothing(clause, expected):
    assert _clause_parts(clause) == expected


def _ask(settings, question):
    from fakes import ask_by_code

    return ask_by_code(settings, question)


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    from fakes import indexed_reports

    return indexed_reports(tmp_path_factory.mktemp("parts"), {"yunling-2023.txt": REPORT})


def test_every_part_of_a_stored_total_is_listed_with_its_change_and_cited(settings):
    ans = _ask(settings, "云岭州2023年房地产开发投资中各类投资的增减情况如何？")
    assert ans.route == "record"
    assert ans.answer.splitlines() == ["云岭州2023年房地产开发投资下降6.2%[1]，其中：", "1. 住宅投资下降3.1%[2]",
                                       "2. 办公楼投资增长12.4%[3]", "3. 其他投资下降1.5%[4]"]
    for c in ans.citations:
        assert REPORT[c.start:c.end] == c.quote
    fell = _ask(settings, "云岭州2023年房地产开发投资中哪些投资下降？")
    assert "其中下降的有2个" in fell.answer and "另：办公楼投资增长12.4%" in fell.answer


def test_the_parts_of_a_counted_group_are_read_when_the_report_prints_that_many(settings):
    ans = _ask(settings, "2023年云岭州规模以上工业五大行业中，哪些行业的增加值比上年增长？")
    assert ans.route == "record"
    lines = ans.answer.splitlines()
    assert lines[1:4] == ["1. 酒饮料和精制茶制造业增长8.1%[1]", "2. 电力热力生产和供应业增长6.0%[1]",
                          "3. 非金属矿物制品业增长3.2%[1]"]
    assert lines[4].startswith("另：木材加工业下降2.0%[2]")
    for c in ans.citations:
        assert REPORT[c.start:c.end] == c.quote


def test_an_uncounted_group_gives_every_clause_to_the_sentence_end_without_a_part_s_own_breakdown(settings):
    ans = _ask(settings, "云岭州2023年限额以上单位商品零售额中，哪些商品类别比上年下降？")
    assert ans.route == "record"
    lines = ans.answer.splitlines()
    assert lines[1:3] == ["1. 日用品类下降1.0%[1]", "2. 化妆品类下降12.6%[2]"]
    # the part's own breakdown (其中，云雀手机…) is no part; a name holding 、 stays one part
    assert lines[3] == "另：云雀器材类增长31.5%[3]；粮油、食品类增长7.4%[4]。"
    for c in ans.citations:
        assert REPORT[c.start:c.end] == c.quote


def test_parts_one_a_semicolon_segment_are_read_with_their_level_and_rate(settings):
    ans = _ask(settings, "云岭州2023年重点监测的4种主要工业产品中，哪些产品产量比上年增长？")
    assert ans.route == "record"
    assert ans.answer.splitlines()[1:] == ["1. 原煤产量增长0.6%[1]", "2. 发电量增长4.2%[2]",
                                          "另：生铁下降0.1%[3]；化肥(折纯)下降62.2%[4]。"]
    for c in ans.citations:
        assert REPORT[c.start:c.end] == c.quote
    assert _ask(settings, "云岭州2023年重点监测的5种主要工业产品中，哪些产品产量增长？").route not in ("record", "section")


def test_the_parts_after_a_total_s_own_figure_and_其中_are_read_one_a_segment(settings):
    ans = _ask(settings, "云岭州2023年一般公共预算支出中，哪些支出项目比上年下降？")
    assert ans.route == "record"
    lines = ans.answer.splitlines()
    assert len(lines) == 5 and lines[1].startswith("1. 农林水") and "下降14%" in lines[1]
    assert lines[-1].startswith("另：教育") and "增长2.3%" in lines[-1]
    for c in ans.citations:
        assert REPORT[c.start:c.end] == c.quote


def test_a_breakdown_by_a_dimension_is_read_where_the_total_s_paragraph_opens_it(settings):
    ans = _ask(settings, "云岭州2023年居民消费价格分类别看，哪些类别价格上涨？")
    assert ans.route == "record"
    lines = ans.answer.splitlines()
    assert lines[0] == "云岭州2023年居民消费价格按类别分，上涨的有2个："
    assert lines[1:3] == ["1. 食品烟酒类上涨1.1%[1]", "2. 医疗保健类上涨0.7%[2]"]
    assert lines[3] == "另：衣着类下降1.6%[3]；居住类持平[4]；交通通信类下降3.2%[5]。"
    for c in ans.citations:
        assert REPORT[c.start:c.end] == c.quote


def test_a_group_of_rates_prints_its_parts_signed_or_bare(settings):
    ans = _ask(settings, "云岭州2023年规模工业主要行业中，哪些行业增加值下降？")
    assert ans.route == "record"
    assert ans.answer.splitlines()[1:3] == ["1. 青川制造业下降2.7%[1]", "2. 茶饮料制造业下降11.2%[2]"]
    assert "云雀冶炼业增长35.8%" in ans.answer and "食品制造业增长51.9%" in ans.answer


@pytest.mark.parametrize("question", [
    "云岭州2023年固定资产投资中各类投资的增减情况如何？",   # a figure left unread after the parts (比重)
    "云岭州2023年30个工业行业大类中哪些行业增长？",       # 18 of 30 grew, two are named
    "云岭州2023年规模以上工业四大行业中哪些行业增长？",   # the report counts five, not four
    "云岭州2023年地区生产总值中各类产业的增减情况如何？",  # no parts follow the total
    "云岭州2023年固定资产投资按投资方向分，哪些方向的投资下降？",  # the report does not break it down so
])
def test_parts_that_cannot_be_bounded_are_left_to_the_model(settings, question):
    assert _ask(settings, question).route not in ("record", "section")
