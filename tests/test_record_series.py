"""Series and rankings from stored records (invented reports): every figure cited, unsure cases declined."""

from __future__ import annotations

from llm_extract.extract.record_store import StoredIndicator
from llm_extract.qa.from_records import answer_from_records
from llm_extract.qa.understand import understand
from llm_extract.text.query import parse_query
from llm_extract.text.segments import year_spans

TEXTS = {
    "a19": "2019年全县实现地区生产总值48.1亿元，增长6.0%。",
    "a20": "2020年全县实现地区生产总值50.35亿元，增长3.1%。一般公共预算收入4.2亿元。",
    "a21": "2021年全县地区生产总值预计达到55亿元，增长7%。",
    "b20": "2020年云岭县一般公共预算收入5.6亿元，增长2%。",
    "c20": "2020年石门县一般公共预算收入38000万元。",
}
DOCS = {
    "a19": {"doc_id": "a19", "place": "青川县"}, "a20": {"doc_id": "a20", "place": "青川县"},
    "a21": {"doc_id": "a21", "place": "青川县"}, "b20": {"doc_id": "b20", "place": "云岭县"},
    "c20": {"doc_id": "c20", "place": "石门县"},
}


def _rec(doc, evidence, metric, *, period, value=None, unit=None, yoy=None, kind="actual"):
    start = TEXTS[doc].index(evidence)
    return StoredIndicator(doc_id=doc, metric=metric, metric_raw=metric, period=period, kind=kind, value=value,
                           unit=unit, yoy_pct=yoy, qualifier=None, placeholder=False, source=f"{doc}.txt",
                           start=start, end=start + len(evidence), evidence=evidence, section="")


GDP = [
    _rec("a19", "全县实现地区生产总值48.1亿元，增长6.0%", "地区生产总值", period="2019", value=48.1, unit="亿元", yoy=6.0),
    _rec("a20", "全县实现地区生产总值50.35亿元，增长3.1%", "地区生产总值", period="2020", value=50.35, unit="亿元", yoy=3.1),
    _rec("a21", "地区生产总值预计达到55亿元，增长7%", "地区生产总值", period="2021", value=55, unit="亿元", yoy=7,
         kind="estimate"),
]
REVENUE = [
    _rec("a20", "一般公共预算收入4.2亿元", "一般公共预算收入", period="2020", value=4.2, unit="亿元"),
    _rec("b20", "一般公共预算收入5.6亿元，增长2%", "一般公共预算收入", period="2020", value=5.6, unit="亿元", yoy=2),
    _rec("c20", "一般公共预算收入38000万元", "一般公共预算收入", period="2020", value=38000, unit="万元"),
]


def _ask(question, records, places=()):
    return answer_from_records(understand(parse_query(question)), records, DOCS, places=list(places))


def _grounded(ans):
    for c in ans.citations:
        assert TEXTS[c.doc_id][c.start:c.end] == c.quote
        assert f"[{c.id}]" in ans.text


def test_year_ranges_are_read_as_every_year_between():
    assert year_spans("2019到2021年") == [2019, 2020, 2021]
    assert year_spans("从2016年至2018年") == [2016, 2017, 2018]
    assert year_spans("2016—2020年") == [2016, 2017, 2018, 2019, 2020]
    assert year_spans("2021年和2022年") == [] and year_spans("2022-2015") == []


def test_understand_tells_trend_ranking_and_base_years():
    q = understand(parse_query("青川县2019到2021年地区生产总值怎么变化"))
    assert (q.shape, q.measure, q.years_spanned) == ("trend", "quantity", (2019, 2020, 2021))
    q = understand(parse_query("哪个县2020年一般公共预算收入增速最快"))
    assert (q.shape, q.measure) == ("ranking", "rate")
    q = understand(parse_query("青川县2020年地区生产总值比2019年增长多少"))
    assert (q.shape, q.years) == ("rate", (2020,))


def test_a_series_cites_every_year_and_names_the_years_missing():
    ans = _ask("青川县2018到2021年地区生产总值怎么变化？", GDP, ["青川县", "青川"])
    assert ans.text.startswith("青川县地区生产总值：2019年为48.1亿元（增长6%）[1]；2020年为50.35亿元（增长3.1%）[2]；")
    assert "2021年为55亿元（增长7%）[3]" in ans.text  # the estimate stands in for a missing actual
    assert ans.text.endswith("记录中没有2018年的数字。")
    _grounded(ans)
    rates = _ask("青川县历年地区生产总值增速是多少", GDP, ["青川县"])
    assert "2019年增长6%[1]；2020年增长3.1%[2]" in rates.text


def test_a_series_declines_when_unsure():
    assert _ask("青川县2019到2020年一般公共预算收入怎么变化", REVENUE, ["青川县"]) is None  # one year only
    mixed = GDP + [REVENUE[1]]
    assert _ask("2019到2021年一般公共预算收入怎么变化", mixed) is None
    itself = GDP + [_rec("a20", "一般公共预算收入4.2亿元", "地区生产总值", period="2020", value=4.2, unit="亿元")]
    assert _ask("青川县2019到2021年地区生产总值怎么变化", itself, ["青川县"]) is None  # one report, two figures


def test_a_ranking_orders_places_in_one_base_unit_each_cited():
    ans = _ask("哪个县2020年一般公共预算收入最高？", REVENUE)
    assert ans.text.startswith("2020年一般公共预算收入最高的是云岭县。依次为：云岭县5.6亿元（增长2%）[1]、"
                               "青川县4.2亿元[2]、石门县38000万元[3]")
    _grounded(ans)
    low = _ask("哪个县2020年一般公共预算收入最低？", REVENUE)
    assert low.text.startswith("2020年一般公共预算收入最低的是石门县。")
    DOCS["c20"]["level"] = "city"  # 哪个县 ranks the county-level documents only
    try:
        assert "石门县" not in _ask("哪个县2020年一般公共预算收入最低？", REVENUE).text
    finally:
        del DOCS["c20"]["level"]


def test_a_ranking_declines_without_two_comparable_places():
    assert _ask("哪个县2020年一般公共预算收入最高", REVENUE[:1]) is None
    assert _ask("哪个县2021年一般公共预算收入最高", REVENUE) is None
    odd = REVENUE + [_rec("c20", "一般公共预算收入38000万元", "一般公共预算收入", period="2020", value=3.9, unit="亿元")]
    assert _ask("哪个县2020年一般公共预算收入最高", odd) is None  # 石门县's report disagrees with itself


class _Store:
    def __init__(self, records):
        self._records = records

    def records(self, doc_ids=None):
        return [r for r in self._records if doc_ids is None or r.doc_id in doc_ids]


class _NoModel:
    def complete(self, *a, **k):
        raise AssertionError("the model is not called without passages")

    structured = complete


class _NoPassages:
    def search(self, *a, **k):
        return []


def test_an_abstention_names_the_years_the_records_do_give(tmp_path):
    from llm_extract.core.config import Settings
    from llm_extract.qa.ask import ask

    ans = ask("青川县2018年地区生产总值是多少？", settings=Settings(index=str(tmp_path)), doc_ids=["a19", "a20"],
              retriever=_NoPassages(), llm=_NoModel(), records=_Store(GDP))
    assert ans.abstained and ans.answer.endswith("记录中地区生产总值有数字的年份：2019年、2020年")
    series = ask("2019到2020年地区生产总值怎么变化？", settings=Settings(index=str(tmp_path)),
                 doc_ids=["a19", "a20"], retriever=_NoPassages(), llm=_NoModel(), records=_Store(GDP))
    assert series.route == "record" and [c.id for c in series.citations] == [1, 2]


def test_relative_years_are_read_against_the_report_year():
    from llm_extract.qa.scope import Scope, anchor_years
    from llm_extract.text.segments import relative_years

    assert relative_years("去年地区生产总值是多少") == [-1] and relative_years("明年的目标") == [1]
    assert relative_years("比上年增长多少") == [] and relative_years("与去年同期相比") == []
    docs = [{"doc_id": "a21", "place": "青川县", "report_year": 2021}]
    q, note = anchor_years(parse_query("青川县去年地区生产总值是多少"), docs, Scope(doc_ids=["a21"]))
    assert q.years == (2020,) and "2021" in note
    two = docs + [{"doc_id": "a20", "place": "青川县", "report_year": 2020}]
    assert anchor_years(parse_query("去年地区生产总值是多少"), two, Scope())[0].years == ()  # which report?


def test_documents_that_disagree_are_shown_side_by_side_each_cited():
    later = _rec("a21", "地区生产总值预计达到55亿元，增长7%", "地区生产总值", period="2020", value=51, unit="亿元")
    DOCS["a20"]["title"], DOCS["a21"]["title"] = "青川县2020年工作总结", "青川县2021年政府工作报告"
    try:
        ans = _ask("青川县2020年地区生产总值是多少？", [GDP[1], later], ["青川县"])
    finally:
        del DOCS["a20"]["title"], DOCS["a21"]["title"]
    assert ans.text == ("青川县2020年地区生产总值，各文档给出的数字不同：《青川县2020年工作总结》为50.35亿元[1]；"
                        "《青川县2021年政府工作报告》为51亿元[2]。")
    _grounded(ans)
