"""Answers from stored records: question understanding and the conservative records route (invented data)."""

from __future__ import annotations

from llm_extract.extract.record_store import StoredIndicator
from llm_extract.qa.from_records import answer_from_records
from llm_extract.qa.understand import understand
from llm_extract.text.query import parse_query

ORIGINAL = "一、2021年工作回顾\n全县实现地区生产总值88.61亿元，增长7.2%。城镇居民人均可支配收入31250元。\n二、2022年目标\n地区生产总值增长6.5%左右。"


def _rec(metric, evidence, *, period, kind="actual", value=None, unit=None, yoy=None, qualifier=None, raw=None):
    start = ORIGINAL.index(evidence)
    return StoredIndicator(doc_id="d1", metric=metric, metric_raw=raw or metric, period=period, kind=kind, value=value,
                           unit=unit, yoy_pct=yoy, qualifier=qualifier, placeholder=False, source="x.txt",
                           start=start, end=start + len(evidence), evidence=evidence, section="")


RECORDS = [
    _rec("地区生产总值", "全县实现地区生产总值88.61亿元，增长7.2%", period="2021", value=88.61, unit="亿元", yoy=7.2),
    _rec("城镇居民人均可支配收入", "城镇居民人均可支配收入31250元", period="2021", value=31250, unit="元"),
    _rec("地区生产总值", "地区生产总值增长6.5%左右", period="2022", kind="target", yoy=6.5, qualifier="左右"),
]
DOCS = {"d1": {"doc_id": "d1", "place": "青川县"}}


def _ask(question):
    q = understand(parse_query(question))
    return answer_from_records(q, RECORDS, DOCS, places=["青川县", "青川"])


def test_understand_reads_metric_kind_and_shape():
    q = understand(parse_query("青川县2022年GDP的预期增长目标是多少？"))
    assert (q.metric, q.kind, q.shape) == ("地区生产总值", "target", "rate")
    q = understand(parse_query("青川县2021年外贸进出口总额比上年变化多少？"))
    assert q.shape == "rate"  # 总额 is part of the metric's name, not a request for a total
    assert understand(parse_query("青川县有哪些困难？")).shape == "list"
    assert understand(parse_query("青川县2021年实际使用外资多少？其中制造业占比多少？")).shape == "compound"


def test_a_total_is_answered_from_its_record_with_the_exact_span():
    ans = _ask("青川县2021年地区生产总值是多少？")
    assert ans.text == "青川县2021年地区生产总值为88.61亿元，增长7.2%[1]。"
    c = ans.citations[0]
    assert ORIGINAL[c.start : c.end] == c.quote


def test_a_rate_and_a_target_are_answered_as_such():
    assert "增长7.2%" in _ask("青川2021年地区生产总值增长了多少？").text
    assert _ask("青川县2022年地区生产总值的预期增长目标是多少？").text.endswith("预期目标为增长6.5%左右[1]。")


def test_the_end_of_a_plan_term_is_its_last_year():
    records = RECORDS + [_rec("地区生产总值", "全县实现地区生产总值88.61亿元", period="2025", value=95.2, unit="亿元")]
    q = understand(parse_query("截至“十四五”末，青川县地区生产总值达到多少？"))
    assert q.years == (2025,)
    ans = answer_from_records(q, records, DOCS, places=["青川县", "青川"])
    assert ans is not None and "95.2亿元" in ans.text


def test_the_route_declines_when_unsure():
    assert _ask("青川县2020年地区生产总值是多少？") is None  # no record of that year
    assert _ask("青川县2021年居民人均可支配收入是多少？") is None  # no record of that metric
    assert _ask("青川县2021年农村居民人均可支配收入是多少？") is None  # a qualifier the record lacks
    assert _ask("青川县地区生产总值是多少？") is None  # no year
    assert _ask("青川县2021年城镇居民人均可支配收入增长了多少？") is None  # no growth rate stored
    twice = RECORDS + [_rec("地区生产总值", "地区生产总值增长6.5%左右", period="2021", value=90.1, unit="亿元")]
    q = understand(parse_query("青川县2021年地区生产总值是多少？"))
    assert answer_from_records(q, twice, DOCS, places=["青川县"]) is None  # records disagree


def test_a_placeholder_figure_is_answered_as_left_blank_without_a_number():
    import dataclasses

    blank = dataclasses.replace(RECORDS[1], value=None, unit="元", placeholder=True)
    q = understand(parse_query("青川县2021年城镇居民人均可支配收入是多少？"))
    ans = answer_from_records(q, [blank], DOCS, places=["青川县"])
    assert ans is not None and "留空" in ans.text and not any(ch.isdigit() for ch in ans.text.replace("[1]", ""))


def test_a_total_asked_where_only_growth_is_stated_abstains_saying_what_is_given():
    growth_only = [_rec("地区生产总值", "地区生产总值增长6.5%左右", period="2021", yoy=6.5)]
    q = understand(parse_query("青川县2021年地区生产总值总量是多少亿元？"))
    ans = answer_from_records(q, growth_only, DOCS, places=["青川县"])
    assert ans is not None and ans.abstain and "没有给出总量" in ans.text
    q = understand(parse_query("青川县2021年地区生产总值增长多少？"))
    assert not answer_from_records(q, growth_only, DOCS, places=["青川县"]).abstain


def test_a_footnote_mark_in_the_metric_name_is_not_shown_as_a_citation():
    text = "全县生产总值[2]为88.61亿元，增长7.2%。"
    ev = text[:-1]
    rec = StoredIndicator(doc_id="d1", metric="地区生产总值", metric_raw="全县生产总值[2]", period="2021", kind="actual",
                          value=88.61, unit="亿元", yoy_pct=7.2, qualifier=None, placeholder=False, source="x.txt",
                          start=0, end=len(ev), evidence=ev, section="")
    ans = answer_from_records(understand(parse_query("青川县2021年地区生产总值是多少？")), [rec], DOCS,
                              places=["青川县"])
    assert ans.text == "青川县2021年全县生产总值为88.61亿元，增长7.2%[1]。"


def test_a_printed_name_opening_with_the_place_is_not_repeated_after_it():
    rec = _rec("地区生产总值", "城镇居民人均可支配收入31250元", period="2021", value=31250, unit="元", raw="青川县地区生产总值")
    q = understand(parse_query("青川县2021年地区生产总值是多少？"))
    ans = answer_from_records(q, [rec], DOCS, places=["青川县", "青川"])
    assert ans is not None and ans.text.startswith("青川县2021年地区生产总值为") and "青川县2021年青川县" not in ans.text


def test_a_question_writing_a_record_s_printed_name_asks_for_that_record_s_metric():
    from llm_extract.qa.understand import record_metric_names

    rec = _rec("出口", "城镇居民人均可支配收入31250元", period="2021", value=31250, unit="元", raw="出口总值")
    names = record_metric_names(RECORDS + [rec])
    assert names["出口总值"] == "出口" and names["地区生产总值"] == "地区生产总值"
    q = understand(parse_query("青川县2021年出口总值比上年变化多少？"), metric_names=names)
    assert (q.metric, q.metric_raw) == ("出口", "出口总值")
    # a printed name the records file under two metrics is read as the vocabulary reads it
    other = _rec("外贸出口", "城镇居民人均可支配收入31250元", period="2021", raw="出口总值")
    assert record_metric_names([rec, other])["出口总值"] == ""


def test_a_target_growth_printed_as_a_range_is_said_as_printed():
    original = "二、2022年目标\n地区生产总值增长5%—5.5%，一般公共预算收入增长3%。"
    ev = "地区生产总值增长5%—5.5%"
    r = StoredIndicator(doc_id="d1", metric="地区生产总值", metric_raw="地区生产总值", period="2022", kind="target",
                        value=None, unit=None, yoy_pct=5.0, qualifier=None, placeholder=False, source="x.txt",
                        start=original.index(ev), end=original.index(ev) + len(ev), evidence=ev, section="")
    ans = answer_from_records(understand(parse_query("青川县2022年地区生产总值的预期增长目标是多少？")), [r], DOCS,
                              places=["青川县", "青川"])
    assert ans.text.endswith("预期目标为增长5%—5.5%[1]。")
