"""The second look: which copies (or passage choices) of a declining model count as answers."""

from __future__ import annotations

from llm_extract.qa.second_look import accept_quote, question_terms

from fakes import hits_from_texts as _hits

P1 = "全镇完成地区生产总值80.43亿元,同比增长0.25%;规模以上企业工业总产值91.8亿元。过去的一年,我镇圆满完成年度任务。"
P2 = "2013年全镇經濟社會發展的主要預期目標是:實現地區生產總值(GDP)80.43億元,同比增長0.25%。"
P3 = "全鎮(zhèn)對符合危房改造政策的96戶實施了危房改造。"


def test_question_terms_leave_out_question_words():
    terms = question_terms("该镇地区生产总值是多少？")
    assert "生产" in terms and "总值" in terms
    assert not any("多少" in t or "该镇" == t for t in terms)


def test_a_verbatim_on_topic_quote_is_accepted_with_its_citation():
    hits = _hits(P1)
    assert accept_quote("地区生产总值是多少？", "全镇完成地区生产总值80.43亿元,同比增长0.25%[1]", hits) == \
        "全镇完成地区生产总值80.43亿元,同比增长0.25%[1]"


def test_a_quote_not_printed_in_the_cited_passage_is_refused():
    assert accept_quote("地区生产总值是多少？", "全镇完成地区生产总值99亿元[1]", _hits(P1)) is None
    assert accept_quote("地区生产总值是多少？", "全镇完成地区生产总值80.43亿元", _hits(P1)) is None  # no citation


def test_a_bare_passage_number_picks_that_passages_best_sentence():
    out = accept_quote("對多少戶實施了危房改造？", "[2]", _hits(P1, P3))
    assert out is not None and "96" in out and out.endswith("[2]")


def test_off_topic_or_figureless_or_other_year_quotes_keep_the_abstention():
    assert accept_quote("财政收入是多少？", "[1]", _hits(P3)) is None  # nothing about 财政收入
    assert accept_quote("全镇完成了多少年度任务？", "过去的一年,我镇圆满完成年度任务[1]", _hits(P1)) is None  # 一年 is no figure
    assert accept_quote("2008年地区生产总值目标是多少？", "[1]", _hits(P2)) is None  # the passage is about 2013
    assert accept_quote("2013年地区生产总值目标是多少？", "[1]", _hits(P2)) is not None


def test_traditional_quotes_match_simplified_questions():
    out = accept_quote("2013年地区生产总值预期目标是多少？", "實現地區生產總值(GDP)80.43億元[1]", _hits(P2))
    assert out == "實現地區生產總值(GDP)80.43億元[1]"


def test_the_year_asked_is_required_of_the_quote_its_section_or_its_document():
    from llm_extract.core.types import Hit
    from llm_extract.qa.understand import understand
    from llm_extract.text.query import parse_query

    text = "全县实现地区生产总值88.61亿元，增长7.2%。"
    hit = Hit(doc_id="d1", source="x.txt", start=0, end=len(text), text=text, section="一、工作回顾", score=1.0)
    q = understand(parse_query("青川县2021年地区生产总值是多少？"))
    assert accept_quote(q, "[1]", [hit], years_of={"d1": {2021, 2022}}) is not None  # the document covers 2021
    assert accept_quote(q, "[1]", [hit], years_of={"d1": {2019}}) is None  # a report about another year
    dated = Hit(doc_id="d1", source="x.txt", start=0, end=len(text), text=text, section="一、2020年工作回顾", score=1.0)
    assert accept_quote(q, "[1]", [dated], years_of={"d1": {2020, 2021}}) is None  # its section names 2020


def test_a_goal_does_not_answer_what_was_done():
    from llm_extract.core.types import Hit
    from llm_extract.qa.understand import understand
    from llm_extract.text.query import parse_query

    text = "预期目标：地区生产总值增长6.5%左右。"
    hit = Hit(doc_id="d1", source="x.txt", start=0, end=len(text), text=text, section="", score=1.0)
    years = {"d1": {2022}}
    assert accept_quote(understand(parse_query("青川县2022年地区生产总值增长了多少？")), "[1]", [hit], years_of=years) is None
    assert accept_quote(understand(parse_query("青川县2022年地区生产总值的预期目标是多少？")), "[1]", [hit],
                        years_of=years) is not None
