"""The records route for questions that describe their document instead of naming a place, and the
question words it reads as filler or years (invented reports, places and figures)."""

from __future__ import annotations

from llm_extract.extract.record_store import StoredIndicator
from llm_extract.qa.described import described_document
from llm_extract.qa.from_records import answer_from_records
from llm_extract.qa.understand import understand
from llm_extract.text.query import parse_query

# Three reports: two name no place (a sample text, a report with its town blanked out), one is 青川县's.
TEXTS = {
    "s1": "某镇近年工作情况汇报及明年工作目标\n一、2015年以来的工作情况\n2019年，全镇预计完成工业开票销售42亿元；"
          "预计实现财政收入2.1亿元，比2015年增长96%。",
    "s2": "以生态立镇为总抓手，全镇上下共同努力。2022年全年财政收入318.5万元，其中税收收入270.2万元。"
          "全镇生产总值完成4.36亿元，同比增长6.2%。",
    "q1": "青川县2022年政府工作报告\n全县财政收入12.6亿元，增长5%。全县生产总值完成88.6亿元。",
}
DOCS = [{"doc_id": "s1", "place": ""}, {"doc_id": "s2", "place": ""}, {"doc_id": "q1", "place": "青川县"}]


def _rec(doc_id, metric, evidence, *, period, kind="actual", value=None, unit=None, yoy=None, raw=None):
    start = TEXTS[doc_id].index(evidence)
    return StoredIndicator(doc_id=doc_id, metric=metric, metric_raw=raw or metric, period=period, kind=kind,
                           value=value, unit=unit, yoy_pct=yoy, qualifier=None, placeholder=False, source=f"{doc_id}.txt",
                           start=start, end=start + len(evidence), evidence=evidence, section="")


RECORDS = [
    _rec("s1", "财政收入", "预计实现财政收入2.1亿元，比2015年增长96%", period="2019", kind="estimate", value=2.1, unit="亿元"),
    _rec("s2", "财政收入", "2022年全年财政收入318.5万元", period="2022", value=318.5, unit="万元"),
    _rec("s2", "税收收入", "其中税收收入270.2万元", period="2022", value=270.2, unit="万元"),
    _rec("s2", "地区生产总值", "全镇生产总值完成4.36亿元，同比增长6.2%", period="2022", value=4.36, unit="亿元", yoy=6.2,
         raw="全镇生产总值"),
    _rec("q1", "财政收入", "全县财政收入12.6亿元，增长5%", period="2022", value=12.6, unit="亿元", yoy=5.0),
]
NAMES = sorted({r.metric_raw for r in RECORDS})


def _understood(question):
    return understand(parse_query(question), metric_names=NAMES)


def _described(question):
    return described_document(_understood(question), DOCS, lambda d: TEXTS[d["doc_id"]])


def test_a_phrase_only_one_placeless_report_prints_names_it():
    assert _described("以生态立镇为总抓手的那个镇，2022年财政收入是多少？") == ("s2", "以生态立镇为总抓手")
    assert _described("那份“近年工作情况汇报”里，该镇2019年预计实现财政收入多少？")[0] == "s1"  # quotes join the title


def test_no_document_is_chosen_without_an_unmistakable_description():
    assert _described("2022年财政收入是多少？") is None  # no description at all
    assert _described("那个镇全年财政收入是多少？") is None  # too short to describe anything
    assert _described("青川县2022年政府工作报告中的财政收入是多少？") is None  # only a placed report prints it
    # two phrases, each printed by another report
    assert _described("以生态立镇为总抓手、近年工作情况汇报里的财政收入是多少？") is None
    assert described_document(_understood("以生态立镇为总抓手的那个镇，财政收入是多少？"), DOCS[1:2],
                              lambda d: TEXTS[d["doc_id"]]) is None  # one document: nothing to tell apart


def _answer(question, doc_id):
    mine = [r for r in RECORDS if r.doc_id == doc_id]
    return answer_from_records(_understood(question), mine, {d["doc_id"]: d for d in DOCS}, places=[], own_clause=True)


def test_the_described_reports_figure_is_read_from_the_metrics_own_clause():
    ans = _answer("以生态立镇为总抓手的那个镇，2022年税收收入是多少？", "s2")
    assert ans.text == "2022年税收收入为270.2万元[1]。"
    c = ans.citations[0]
    assert TEXTS["s2"][c.start:c.end] == c.quote
    # the metric's own clause must still be filler: 城镇 qualifies the metric
    assert _answer("以生态立镇为总抓手的那个镇，2022年城镇税收收入是多少？", "s2") is None


def test_a_period_start_year_is_not_the_year_asked():
    q = _understood("2015年以来工作情况汇报中，该镇2019年预计实现财政收入多少？")
    assert q.years == (2019,) and q.shape == "quantity" and q.kind == "estimate"
    assert _answer("2015年以来工作情况汇报中，该镇2019年预计实现财政收入多少？", "s1").text.startswith(
        "2019年财政收入预计2.1亿元")
    assert _understood("青川县2015年以来地区生产总值怎么变化？").years == (2015,)  # the only year stays
    assert _understood("青川县2015年以来到2019年地区生产总值如何变化？").shape == "trend"
    assert _understood("青川县2015年以来至2019年累计完成投资多少？").years == (2015, 2019)  # one span, one clause


def test_a_question_naming_no_year_takes_the_one_year_the_records_give():
    ans = _answer("以生态立镇为总抓手的那个镇，全镇生产总值完成多少？", "s2")
    assert ans.text.startswith("2022年全镇生产总值为4.36亿元")
    assert _answer("以生态立镇为总抓手的那个镇，今年全镇生产总值完成多少？", "s2") is not None  # 今年, report year unknown
    assert _answer("以生态立镇为总抓手的那个镇，去年全镇生产总值完成多少？", "s2") is None  # which year is 去年?
    both = [r for r in RECORDS if r.metric == "财政收入"]
    q = _understood("财政收入是多少？")
    assert answer_from_records(q, both, {d["doc_id"]: d for d in DOCS}, places=[]) is None  # two years given


def test_year_end_and_pointing_words_are_filler():
    q = _understood("青川县2022年末财政收入是多少？")
    assert answer_from_records(q, RECORDS[-1:], {"q1": DOCS[2]}, places=["青川县", "青川"]).text.startswith(
        "青川县2022年财政收入为12.6亿元")
    q = _understood("该县2022年财政收入是多少？")
    assert answer_from_records(q, RECORDS[-1:], {"q1": DOCS[2]}, places=["青川县"]) is not None


def test_ask_reads_the_described_report_only(monkeypatch):
    from llm_extract.core.config import Settings
    from llm_extract.qa import code_routes as ask_module

    from llm_extract.qa import document_text

    monkeypatch.setattr(document_text, "document_texts", lambda settings: (lambda d: TEXTS[d["doc_id"]]))
    found = ask_module._from_described(parse_query("以生态立镇为总抓手的那个镇，2022年财政收入是多少？"), DOCS,
                                       RECORDS, Settings())
    ra, lines = found
    assert ra.text == "2022年财政收入为318.5万元[1]。" and "s2" in lines[-1]
    assert ask_module._from_described(parse_query("2022年财政收入是多少？"), DOCS, RECORDS, Settings()) is None
    placed = [dict(d, place=d["place"] or "云岭镇") for d in DOCS]
    assert ask_module._from_described(parse_query("以生态立镇为总抓手的那个镇，2022年财政收入是多少？"), placed,
                                      RECORDS, Settings()) is None  # every report has a place: nothing to describe


def test_the_model_route_searches_only_the_report_a_question_describes(monkeypatch):
    from llm_extract.core.config import Settings
    from llm_extract.qa import code_routes as ask_module
    from llm_extract.qa import document_text

    monkeypatch.setattr(document_text, "document_texts", lambda settings: (lambda d: TEXTS[d["doc_id"]]))
    ids, line, phrase = ask_module.described_scope(parse_query("以生态立镇为总抓手的那个镇，税收收入占多大比重？"), DOCS,
                                                   Settings())
    assert ids == ["s2"] and "s2" in line and phrase in line
    assert ask_module.described_scope(parse_query("税收收入占多大比重？"), DOCS, Settings()) == (None, "", "")
    placed = [dict(d, place=d["place"] or "云岭镇") for d in DOCS]
    assert ask_module.described_scope(parse_query("以生态立镇为总抓手的那个镇，税收占比？"), placed, Settings()) == (None, "",
                                                                                                            "")


def test_a_figure_the_described_report_leaves_blank_is_answered_as_blank(monkeypatch):
    from llm_extract.core.config import Settings
    from llm_extract.qa import code_routes as ask_module
    from llm_extract.qa import document_text

    texts = dict(TEXTS, s3="以茶旅融合为主线，全镇实现财政收入xxx.x万元，农民人均可支配收入xxxxx元。")
    docs = DOCS + [{"doc_id": "s3", "place": ""}]
    blank = "全镇实现财政收入xxx.x万元"
    start = texts["s3"].index(blank)
    rec = StoredIndicator(doc_id="s3", metric="财政收入", metric_raw="财政收入", period=None, kind="actual", value=None,
                          unit="万元", yoy_pct=None, qualifier=None, placeholder=True, source="s3.txt", start=start,
                          end=start + len(blank), evidence=blank, section="")
    monkeypatch.setattr(document_text, "document_texts", lambda settings: (lambda d: texts[d["doc_id"]]))
    ra, _ = ask_module._from_described(parse_query("以茶旅融合为主线的那个镇，财政收入是多少？"), docs,
                                       RECORDS + [rec], Settings())
    assert "留空" in ra.text and ra.citations[0].quote == blank
    assert parse_query("云岭茶园所在镇的财政收入是多少？").place_mentions == ()  # 所在镇 names no place


def test_a_list_asked_of_a_described_placeless_report_is_read_from_its_stored_items(tmp_path):
    from fakes import ask_by_code, indexed_reports

    first = ("近几年工作情况汇报\n一、工作情况\n我镇坚持以茶旅融合为主线，财政收入逐年增长。\n二、当前主要存在的问题\n"
             "1、管理与快速发展之间的矛盾。管理水平尚未有新的提升。\n2、资金与快速发展之间的矛盾。资金的制约进一步突出。\n")
    second = ("工作总结\n一、主要成绩\n我镇坚持以生态立镇为总抓手，农业稳步发展。\n二、存在的问题\n"
              "一是集镇建设滞后。二是招商引资难度加大。\n")
    settings = indexed_reports(tmp_path, {"a.txt": first, "b.txt": second})
    ans = ask_by_code(settings, "以茶旅融合为主线的那份汇报中，当前主要存在哪些问题？")
    assert ans.route == "section" and "资金的制约进一步突出" in ans.answer
    assert "集镇建设" not in ans.answer
    assert any("the question describes it" in line for line in ans.explain)
    for c in ans.citations:
        assert first[c.start:c.end] == c.quote
