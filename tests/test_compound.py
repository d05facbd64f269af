"""Questions asking two figures at once, answered part by part from the stored records (invented data)."""

from __future__ import annotations

from llm_extract.extract.record_store import StoredIndicator
from llm_extract.qa.compound import question_parts
from llm_extract.qa.from_records import answer_from_records
from llm_extract.qa.understand import understand
from llm_extract.text.query import parse_query

ORIGINAL = ("一、2021年工作回顾\n粮食总产量8.6万吨，同比增长2.1%；新建公园3个；进出口总额3.6亿元。\n"
            "二、新一年主要目标\n粮食总产量9万吨，比上年增长4.7%；进出口总额4000万美元。\n")


def _rec(metric, evidence, *, period, kind="actual", value=None, unit=None, yoy=None):
    from llm_extract.extract.vocab import default_index

    start = ORIGINAL.index(evidence)
    return StoredIndicator(doc_id="d1", metric=default_index().lookup(metric) or metric, metric_raw=metric, period=period, kind=kind, value=value,
                           unit=unit, yoy_pct=yoy, qualifier=None, placeholder=False, source="x.txt",
                           start=start, end=start + len(evidence), evidence=evidence, section="")


RECORDS = [
    _rec("粮食总产量", "粮食总产量8.6万吨，同比增长2.1%", period="2021", value=8.6, unit="万吨", yoy=2.1),
    _rec("粮食总产量", "粮食总产量9万吨，比上年增长4.7%", period="2022", kind="target", value=9, unit="万吨", yoy=4.7),
    _rec("进出口总额", "进出口总额3.6亿元", period="2021", value=3.6, unit="亿元"),
    _rec("进出口总额", "进出口总额4000万美元", period="2022", kind="target", value=4000, unit="万美元"),
]
DOCS = {"d1": {"doc_id": "d1", "place": "青川县"}}


def _ask(question, records=RECORDS):
    names = sorted({r.metric_raw for r in records})
    q = understand(parse_query(question), metric_names=names)
    return answer_from_records(q, records, DOCS, places=["青川县", "青川"])


def test_a_question_is_split_at_its_question_marks():
    q = understand(parse_query("青川县2021年粮食总产量是多少？新一年的目标是多少？"))
    assert q.shape == "compound"
    assert question_parts(q) == ["青川县2021年粮食总产量是多少", "新一年的目标是多少"]
    assert question_parts(understand(parse_query("青川县粮食总产量是多少、增长多少？"))) == []


def test_each_part_is_answered_from_its_record_and_cited():
    ans = _ask("青川县2021年粮食总产量是多少？新一年的目标是多少？")
    assert ans.text == "青川县2021年粮食总产量为8.6万吨，增长2.1%[1]。青川县2022年粮食总产量预期目标为9万吨，增长4.7%[2]。"
    assert [c.id for c in ans.citations] == [1, 2]
    for c in ans.citations:
        assert ORIGINAL[c.start:c.end] == c.quote


def test_a_goal_first_and_the_year_done_second():
    ans = _ask("青川县新一年进出口总额的目标是多少？2021年实际完成多少？")
    assert ans is not None and "4000万美元[1]" in ans.text and "3.6亿元[2]" in ans.text


def test_the_route_declines_unless_every_part_is_answered_from_the_records():
    assert _ask("青川县2021年粮食总产量是多少？年度任务数是多少？") is None  # 任务: not the metric's figure
    assert _ask("青川县2021年新建公园多少个？新一年力争新建多少？") is None  # no record of either figure
    assert _ask("青川县2021年进出口总额是多少？其中一般贸易占比多少？") is None  # another figure
    later = RECORDS + [_rec("粮食总产量", "粮食总产量9万吨，比上年增长4.7%", period="2025", kind="target", value=10, unit="万吨")]
    assert _ask("青川县2021年粮食总产量是多少？新一年的目标是多少？", later) is None  # goals of two years
    same_year = RECORDS + [_rec("粮食总产量", "粮食总产量8.6万吨，同比增长2.1%", period="2022", value=8.6, unit="万吨")]
    assert _ask("青川县2022年粮食总产量是多少？", same_year) is not None
    assert _ask("青川县2022年粮食总产量是多少？新一年的目标是多少？", same_year) is None  # goal's year no later


def test_two_metrics_joined_before_分别_are_asked_one_a_part():
    from llm_extract.qa.compound import question_parts
    from llm_extract.text.query import parse_query

    assert question_parts(parse_query("青川县2021年城镇和农村居民人均可支配收入分别是多少？")) == [
        "青川县2021年城镇居民人均可支配收入是多少", "青川县2021年农村居民人均可支配收入是多少"]
    assert question_parts(parse_query("青川县2021年第二产业和第三产业增加值分别是多少？"))[0] == "青川县2021年第二产业增加值是多少"
    assert question_parts(parse_query("青川县2021年招商引资和项目建设分别有多少？")) == []  # not two known metrics
