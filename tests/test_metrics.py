"""Scoring: span + normalized-value matching, strict/relaxed, QA answer checks, thresholds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm_extract.evaluation.reporting import check_thresholds, compare, write_html
from llm_extract.evaluation.answers import answer_correct, first_relevant_rank
from llm_extract.evaluation.metrics import score_extraction

GOLD = [
    {"record_type": "indicator", "source": "a.txt", "start": 10, "end": 40, "metric": "地区生产总值", "metric_raw": "地区生产总值",
     "period": "2013", "kind": "target", "value": 80.43, "unit": "亿元", "value_base": 8043000000.0, "yoy_pct": 0.25,
     "qualifier": None, "placeholder": False, "evidence": "x"},
    {"record_type": "indicator", "source": "a.txt", "start": 50, "end": 70, "metric": "财政收入", "metric_raw": "財政收入",
     "period": "2007", "kind": "estimate", "value": 3, "unit": "億元", "value_base": 300000000.0, "yoy_pct": None,
     "qualifier": None, "placeholder": False, "evidence": "y"},
]


def pred(**kw):
    base = dict(GOLD[0])
    base.update(kw)
    return base


def test_same_value_in_other_unit_matches_strictly_except_unit():
    p = pred(value=804300, unit="万元", value_base=8043000000.0, start=12, end=38)
    s = score_extraction([p], GOLD).by_type["indicator"]
    assert s["relaxed"]["tp"] == 1 and s["relaxed"]["fn"] == 1 and s["relaxed"]["fp"] == 0
    assert s["field_accuracy"]["value"] == 1.0 and s["field_accuracy"]["unit"] == 0.0
    assert s["strict"]["tp"] == 0


def test_traditional_metric_and_unit_match_simplified():
    p = dict(GOLD[1], metric="财政收入", unit="亿元", start=55, end=65)
    s = score_extraction([p], GOLD).by_type["indicator"]
    assert s["strict"]["tp"] == 1


def test_short_forms_of_a_metric_name_are_the_same_metric_and_other_words_are_not():
    def matched(pred_name, gold_name):
        g = dict(GOLD[0], metric=gold_name, metric_raw=gold_name)
        return score_extraction([dict(g, metric=pred_name)], [g]).by_type["indicator"]["relaxed"]["tp"] == 1

    assert matched("规模以上科技服务业营业收入", "规上科技服务业营收")
    assert matched("限上家电类零售额", "限额以上家电类零售额")
    assert matched("以旧换新带动消费", "以旧换新拉动消费")
    assert not matched("景区营业收入", "景区经营收入")  # 经营收入 is no 营收
    assert not matched("家电类零售额", "限额以上家电类零售额")
    assert matched("研发经费投入", "全社会研发经费投入")  # 全社会: a scope word, as 全镇
    assert not matched("研发经费投入", "企业研发经费投入")
    assert matched("原保险保费收入", "保费收入") and matched("财产险赔付", "财产险赔付支出")
    assert matched("住户贷款余额", "住户贷款") and matched("住户存款余额", "境内住户存款余额")
    assert matched("技术合同成交总额", "技术合同成交额")
    assert not matched("财产险保费收入", "保费收入") and not matched("住户存款余额", "住户贷款余额")


def test_no_span_overlap_no_match_and_wrong_value_is_fp_and_fn():
    far = pred(start=200, end=230)
    wrong = pred(value=80.0, value_base=8.0e9)
    s = score_extraction([far, wrong], GOLD).by_type["indicator"]
    assert s["relaxed"]["tp"] == 0 and s["relaxed"]["fp"] == 2 and s["relaxed"]["fn"] == 2


def test_a_labeled_file_without_gold_of_a_kind_counts_false_positives():
    p = pred(source="b.txt")
    s = score_extraction([p], GOLD, sources_by_kind={"indicator": {"a.txt", "b.txt"}}).by_type["indicator"]
    assert s["relaxed"]["fp"] == 1
    s = score_extraction([p], GOLD).by_type["indicator"]
    assert s["relaxed"]["fp"] == 0  # b.txt not labeled: not scored


@pytest.mark.parametrize(
    "item,answer,abstained,expected",
    [
        ({"answerable": True, "type": "number", "value": 80.43, "unit": "亿元"}, "目标为80.43亿元[1]", False, 1.0),
        ({"answerable": True, "type": "number", "value": 80.43, "unit": "亿元"}, "目标为804300万元[1]", False, 1.0),
        ({"answerable": True, "type": "number", "value": 80.43, "unit": "亿元"}, "目标为80亿元[1]", False, 0.0),
        ({"answerable": True, "type": "number", "value": -17.7, "unit": "%"}, "同比下降17.7%[1]", False, 1.0),
        ({"answerable": False, "type": "abstain"}, "资料中没有相关信息", True, 1.0),
        ({"answerable": False, "type": "abstain"}, "80亿元[1]", False, 0.0),
        ({"answerable": True, "type": "placeholder"}, "文件未披露具体数字[1]", False, 1.0),
        ({"answerable": True, "type": "placeholder"}, "为12345万元[1]", False, 0.0),
        ({"answerable": True, "type": "list", "items": ["产业层次不高", "农民收入增长较慢"]}, "产业层次不高[1]", False, 0.5),
        # Strict: a growth rate is no answer to a question about a total, and the reverse.
        ({"answerable": True, "type": "number", "value": 48.7, "unit": "亿元"}, "增长48.7%[1]", False, 0.0),
        ({"answerable": True, "type": "number", "value": 8.5, "unit": "%"}, "达到8.5亿元[1]", False, 0.0),
        # The first figure of the asked unit class counts; a growth rate beside it is context.
        ({"answerable": True, "type": "number", "value": 48.7, "unit": "亿元"}, "增长8.5%，达到48.7亿元[1]", False, 1.0),
        ({"answerable": True, "type": "number", "value": 48.7, "unit": "亿元"}, "为3.2亿元，另有48.7亿元[1]", False, 0.0),
        # A decline must be worded as one.
        ({"answerable": True, "type": "number", "value": -17.7, "unit": "%"}, "同比增长17.7%[1]", False, 0.0),
        # A placeholder answer that still names a figure is wrong.
        ({"answerable": True, "type": "placeholder"}, "未披露，约为5亿元[1]", False, 0.0),
        ({"answerable": True, "type": "placeholder"}, "地区生产总值印为xxxxx万元[1]", False, 1.0),
        # A text answer needs the gold's figures, not those of the labeler's note in （…）.
        ({"answerable": True, "type": "text", "answer": "18个，总投资约40亿元（建成后新增产值60多亿元）"},
         "共有18个项目，总投资约40亿元[1]", False, 1.0),
        ({"answerable": True, "type": "text", "answer": "18个，总投资约40亿元（建成后新增产值60多亿元）"},
         "共有18个项目[1]", False, 0.0),
    ],
)
def test_answer_correct(item, answer, abstained, expected):
    assert answer_correct(item, answer, abstained) == pytest.approx(expected)


def test_a_percentage_never_matches_a_money_value_in_extraction():
    p = pred(value=80.43, unit="%", value_base=None, start=12, end=38)
    s = score_extraction([p], GOLD).by_type["indicator"]
    assert s["relaxed"]["tp"] == 0


def test_grounding_is_measured_not_assumed():
    from llm_extract.evaluation.metrics import grounding_report

    text = "全县地区生产总值52.1亿元，增长6%。"
    ok = {"source": "a", "start": 2, "end": 13, "evidence": text[2:13], "value": 52.1, "grounding": "exact"}
    shifted = dict(ok, start=3, end=14, grounding="fuzzy")
    no_number = dict(ok, value=99.0, grounding="normalized")
    rep = grounding_report([ok, shifted, no_number], lambda s: text)
    assert rep["records"] == 3 and rep["valid"] == pytest.approx(1 / 3, abs=1e-3)
    assert rep["exact"] == rep["fuzzy"] == rep["normalized"] == pytest.approx(1 / 3, abs=1e-3)
    empty = grounding_report([], lambda s: text)
    assert empty["valid"] is None  # an empty run measures nothing; a floor on it fails
    assert check_thresholds({"extraction": {"rules": {"grounding": empty}}}, {"extraction.rules.grounding.valid": 1.0})


def test_a_floor_naming_a_missing_or_unknown_metric_fails():
    cur = {"qa": {"answer_accuracy": 0.5}}
    assert check_thresholds(cur, {"qa.answer_acuracy": 0.4})  # misspelt: fails, is not skipped
    assert check_thresholds(cur, {"extracton.rules.f1": 0.4})  # unknown section
    assert not check_thresholds(cur, {"extraction.rules.by_type.indicator.relaxed.f1": 0.4})  # part not run


def test_first_relevant_rank():
    gold = [{"source": "a.txt", "start": 10, "end": 20}]
    hits = [{"source": "a.txt", "start": 30, "end": 40}, {"source": "a.txt", "start": 15, "end": 25}]
    assert first_relevant_rank(hits, gold) == 2
    assert first_relevant_rank(hits[:1], gold) is None


def test_thresholds_and_compare_flag_regressions():
    cur = {"extraction": {"rules": {"by_type": {"indicator": {"relaxed": {"f1": 0.6}}}}}, "qa": {"answer_accuracy": 0.5}}
    prev = {"extraction": {"rules": {"by_type": {"indicator": {"relaxed": {"f1": 0.7}}}}}, "qa": {"answer_accuracy": 0.5}}
    fails = check_thresholds(cur, {"extraction.rules.by_type.indicator.relaxed.f1": 0.65, "qa.answer_accuracy": 0.4})
    assert len(fails) == 1 and "relaxed.f1" in fails[0]
    rows = {r["metric"]: r for r in compare(prev, cur)}
    assert rows["extraction.rules.by_type.indicator.relaxed.f1"]["regression"]
    assert not rows["qa.answer_accuracy"]["regression"]


def test_html_report_escapes_misses(tmp_path):
    result = {"extraction": {"rules": {"misses": [{"type": "fp", "kind": "indicator", "fields": [],
                                                  "pred": {"metric": "<script>alert(1)</script>"}, "gold": None}]}},
              "qa": {"items": [{"id": "q1", "question": "<b>q</b>", "gold": "1", "answer": "<img src=x onerror=1>", "correct": 0}]}}
    out = tmp_path / "r.html"
    write_html(result, out)
    page = out.read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page and "&lt;script&gt;" in page


def test_the_gold_side_of_metric_matching_is_frozen_not_the_extractors_vocabulary(monkeypatch):
    """Every gold metric has its canonical name frozen in eval/gold/metric_names.json, and the scorer reads
    it from there: a vocabulary that maps everything to one name cannot make a wrong metric match."""
    from llm_extract.evaluation import metrics
    from llm_extract.evaluation.metrics import METRIC_NAMES, _simp

    root = Path(__file__).resolve().parent.parent
    names = json.loads((root / "eval" / "gold" / METRIC_NAMES).read_text(encoding="utf-8"))
    for f in (root / "eval" / "gold" / "extraction").glob("*.jsonl"):
        for line in f.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line) if line.strip() else {}
            if rec.get("metric"):
                assert _simp(rec["metric"]) in names, (f.name, rec["metric"])  # run scripts/freeze_metric_names.py
    gold = dict(GOLD[0], metric="规上工业增加值", metric_canon="规模以上工业增加值")
    assert metrics._metric_eq(pred(metric="规模以上工业增加值"), gold)  # the frozen canonical name
    assert metrics._metric_eq(pred(metric="规上工业增加值"), gold)  # the gold's own name
    monkeypatch.setattr("llm_extract.extract.vocab.canonical_metric", lambda raw, vocab=None: "规模以上工业增加值")
    assert not metrics._metric_eq(pred(metric="工业"), gold)  # a vocabulary gone wide changes nothing here


def test_a_gold_figure_in_a_unit_the_number_reader_does_not_know_is_still_compared():
    from llm_extract.evaluation.answers import number_answer_correct

    item = {"value": 512, "unit": "列"}
    assert number_answer_correct(item, "云岭班列全年开行512 列，增长3.1%")
    assert not number_answer_correct(item, "云岭班列全年开行521列")
    assert not number_answer_correct(item, "增长512%")


def test_a_gold_figure_of_more_than_six_digits_is_compared_in_full():
    from llm_extract.evaluation.answers import number_answer_correct

    item = {"value": 13902.67, "unit": "亿元"}
    assert number_answer_correct(item, "地区生产总值为13902.67亿元，增长4.7%")
    assert not number_answer_correct(item, "地区生产总值为13902.7亿元")
    assert number_answer_correct({"value": 1200000.5, "unit": "万元"}, "共1200000.5万元")
