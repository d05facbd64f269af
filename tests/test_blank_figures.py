"""Figures a report leaves blank (x.xx万亩, 达万元, 率达,): answered as blank, cited, with no number (invented reports)."""

from __future__ import annotations

import pytest

from llm_extract.qa.blank_figures import answer_blank_figure
from llm_extract.text.normalize import normalize
from llm_extract.text.numbers import find_quantities
from llm_extract.text.placeholders import find_number_gaps
from llm_extract.text.query import parse_query

REPORT = (
    "云岭镇2023年工作总结\n"
    "一、2023年工作回顾\n"
    "全镇完成地区生产总值12.5亿元，同比增长6.2%；完成工业投资x.xx亿元；城镇居民人均收入xxxxx元，同比增长x%。\n"
    "深入开展节水行动，万元产值用水量下降x%。电商园区已入驻电商企业家，实现交易额达万元。\n"
    "全镇4200人参加城乡医保，医保参保率达，发放补贴达万元。\n"
    "新建村级文化广场8个和茶叶加工厂xx家。\n"
)
DOC = {"doc_id": "y1", "source": "yunling.txt", "place": "云岭镇"}


def _answer(question, text=REPORT, described=""):
    norm = normalize(text)
    return answer_blank_figure(parse_query(question), [DOC], lambda d: norm, described)


@pytest.mark.parametrize("question, quote, shown", [
    ("云岭镇2023年完成工业投资多少？", "完成工业投资x.xx亿元", "完成工业投资x.xx亿元"),
    ("云岭镇城镇居民人均收入是多少、增长多少？", "城镇居民人均收入xxxxx元，同比增长x%", "城镇居民人均收入xxxxx元,同比增长x%"),
    ("云岭镇万元产值用水量下降了多少？", "万元产值用水量下降x%", "万元产值用水量下降x%"),
    ("云岭镇医保参保率是多少？", "医保参保率达", "医保参保率达"),
    ("云岭镇电商园区已入驻多少家电商企业？", "电商园区已入驻电商企业家", "电商园区已入驻电商企业家"),
])
def test_the_clause_about_what_is_asked_is_cited_and_no_figure_stated(question, quote, shown):
    ans = _answer(question)
    assert ans is not None and not ans.abstain
    c = ans.citations[0]
    assert (REPORT[c.start:c.end], c.quote) == (quote, quote)
    assert f"“{shown}”" in ans.text and "未给出具体数值" in ans.text
    assert not [q for q in find_quantities(ans.text.replace("[1]", "")) if q.value == q.value]  # no figure stated


def test_a_placeholder_and_a_gap_are_told_apart():
    assert "以占位符代替数字" in _answer("云岭镇2023年完成工业投资多少？").text
    assert "数字空缺" in _answer("云岭镇医保参保率是多少？").text


@pytest.mark.parametrize("question", [
    "云岭镇2023年地区生产总值是多少？",  # printed
    "云岭镇新建了多少个村级文化广场？",  # printed
    "云岭镇有多少人参加城乡医保？",  # printed (4200人), though its sentence has blanks
    "云岭镇实际利用外资是多少？",  # no clause about it
    "云岭镇2023年社会消费品零售总额是多少？",  # no clause about it
    "云岭镇医保参保率有何变化？",  # asks for no figure
    "云岭镇新建了多少家茶叶加工厂？",  # its clause prints a figure beside the blank
])
def test_the_route_declines_what_the_report_prints_or_does_not_say(question):
    assert _answer(question) is None


def test_an_asked_unit_or_year_the_blank_contradicts_declines():
    assert _answer("云岭镇电商园区已入驻多少个电商项目？") is None  # 个 of 项目: no blank of that
    text = REPORT.replace("深入开展节水行动，", "2022年深入开展节水行动，")
    assert _answer("云岭镇2023年万元产值用水量下降了多少？", text) is None
    assert _answer("云岭镇2022年万元产值用水量下降了多少？", text) is not None


def test_two_blanks_equally_about_the_question_decline():
    text = REPORT + "全镇完成税收收入xx万元。镇属企业完成税收收入xx万元。\n"
    assert _answer("云岭镇完成税收收入多少？", text) is None


def test_the_words_that_describe_the_report_are_not_the_subject():
    placeless = REPORT.replace("云岭镇", "")
    ans = _answer("建有茶叶园区的那个镇（以生态立镇）完成工业投资多少？", placeless, described="以生态立镇")
    assert ans is not None and ans.citations[0].quote == "完成工业投资x.xx亿元"


def test_number_gaps_are_verbs_or_rates_with_nothing_before_the_unit():
    assert [g[2] for g in find_number_gaps("实现税收达万元，增长%。覆盖率达，罚没金额超过多万元。")] == ["万元", "%", "%", "万元"]
    assert find_number_gaps("引进亿元以上项目12个，降低万元GDP能耗，比上年增长总计% 1.2") == []
    assert find_number_gaps("实现税收125万元，增长6%。") == []


def test_ask_answers_a_blank_figure_of_the_named_report_without_the_model(tmp_path):
    from fakes import NoModel, indexed_reports

    from llm_extract.qa.ask import ask

    settings = indexed_reports(tmp_path, {
        "yunling-2023.txt": REPORT,
        "qingchuan-2023.txt": "青川县2023年工作总结\n一、主要工作\n全县电商园区入驻电商企业35家。\n",
    })
    ans = ask("云岭镇电商园区已入驻多少家电商企业？", settings=settings, llm=NoModel())  # no record reads it
    assert ans.route == "record" and not ans.abstained and "未印具体数字" in ans.answer
    c = ans.citations[0]
    assert REPORT[c.start:c.end] == c.quote == "电商园区已入驻电商企业家"


def test_an_object_and_its_unit_with_no_number_is_a_blank_only_after_a_verb_that_counts():
    text = REPORT + "全镇关心支持民营企业家，优化营商环境。\n"
    assert _answer("云岭镇有多少家民营企业？", text) is None  # 支持民营企业家: entrepreneurs, not a count
