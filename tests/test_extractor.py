"""Section extraction with a fake model: grounding, number checks, re-ask, drops, dedupe."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from llm_extract.core.config import Settings
from llm_extract.extract.drafts import IndicatorDraft, IndicatorList, custom_list_model
from llm_extract.extract.extractor import SectionExtractor
from llm_extract.text.normalize import normalize
from llm_extract.index.ingest import build_documents

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"
XUJING = CORPUS / "004_8f4dc4ad24e9474b.txt"
TRAD = CORPUS / "000_ae76d08569899c59.txt"


@dataclass
class Usage:
    prompt_tokens: int = 100
    completion_tokens: int = 20
    wall_time: float = 0.5


class FakeLLM:
    """Answers each call with the next scripted list of drafts (or a function of the messages)."""

    def __init__(self, script):
        self.script = list(script)
        self.calls = []

    def structured(self, model, messages, *, template_version, max_retries=None):
        self.calls.append((model, messages, template_version))
        item = self.script.pop(0) if self.script else []
        items = item(messages) if callable(item) else item
        return model(items=items), Usage()


def _doc(path: Path):
    raw = path.read_bytes().decode("utf-8")
    (doc, _chunks), = build_documents(raw, str(path), "sha", set(), Settings())
    return doc, normalize(raw, doc.start, doc.end), raw


def _target_section(doc, needle: str):
    return next(s for s in doc.sections if needle in s.path_str or needle in s.title) if needle else doc.sections[0]


def _section_with(doc, raw, text):
    pos = raw.index(text)
    return next(s for s in doc.sections if s.start <= pos < s.end)


GDP = dict(evidence="实现地区生产总值(GDP)80.43亿元，同比增长0.25%", metric_raw="地区生产总值(GDP)", period="2013",
           kind="target", value=80.43, unit="亿元", yoy_pct=0.25, qualifier=None, placeholder=False)


def test_llm_record_is_grounded_to_the_original_span():
    doc, norm, raw = _doc(XUJING)
    sec = _section_with(doc, raw, "80.43亿元")
    llm = FakeLLM([[IndicatorDraft(**GDP)]] + [[]] * 20)
    res = SectionExtractor(backend="llm", llm=llm).extract("indicator", doc, norm, sec)
    gdp = [r for r in res.records if r.value == 80.43]
    assert len(gdp) == 1
    r = gdp[0]
    assert raw[r.start : r.end] == r.evidence and "80.43" in r.evidence
    assert r.metric == "地区生产总值" and r.value_base == pytest.approx(8.043e9) and r.yoy_basis == "同比"
    assert r.prompt_version == "extract_indicator@2" and r.doc_id == doc.doc_id
    assert res.calls >= 1 and res.prompt_tokens >= 100


def test_invented_number_is_reasked_once_then_dropped_and_counted():
    doc, norm, raw = _doc(XUJING)
    sec = _section_with(doc, raw, "80.43亿元")
    bad = IndicatorDraft(**{**GDP, "value": 99.9})
    llm = FakeLLM([[bad], [bad]] + [[]] * 20)
    res = SectionExtractor(backend="llm", llm=llm).extract("indicator", doc, norm, sec)
    assert not [r for r in res.records if r.value == 99.9]
    assert any("99.9" in str(d["record"]) for d in res.dropped)
    assert llm.calls[1][2].endswith("+retry")
    assert "原因" in llm.calls[1][1][-1]["content"]


def test_reask_can_fix_a_record():
    doc, norm, raw = _doc(XUJING)
    sec = _section_with(doc, raw, "80.43亿元")
    bad = IndicatorDraft(**{**GDP, "evidence": "这句话原文里没有80.43亿元"})
    llm = FakeLLM([[bad], [IndicatorDraft(**GDP)]] + [[]] * 20)
    res = SectionExtractor(backend="llm", llm=llm).extract("indicator", doc, norm, sec)
    assert [r.value for r in res.records if r.value == 80.43] == [80.43] and not res.dropped


def test_failed_records_the_reask_leaves_out_are_counted_as_dropped():
    doc, norm, raw = _doc(XUJING)
    sec = _section_with(doc, raw, "80.43亿元")
    fixable = IndicatorDraft(**{**GDP, "value": 99.9})
    lost = IndicatorDraft(**{**GDP, "evidence": "规模以上企业工业总产值91.8亿元", "metric_raw": "工业总产值", "value": 77.7,
                             "yoy_pct": None})
    # The re-ask corrects one record and silently leaves out the other.
    llm = FakeLLM([[fixable, lost], [IndicatorDraft(**GDP)]] + [[]] * 20)
    res = SectionExtractor(backend="llm", llm=llm).extract("indicator", doc, norm, sec)
    assert [r.value for r in res.records if r.value == 80.43] == [80.43]
    dropped = [str(d["record"]) for d in res.dropped]
    assert len(dropped) == 1 and "77.7" in dropped[0]


def test_simplified_quote_is_grounded_in_traditional_file_with_glosses():
    doc, norm, raw = _doc(TRAD)
    sec = _section_with(doc, raw, "財政收入3億元")
    draft = IndicatorDraft(evidence="预计实现财政收入3亿元", metric_raw="财政收入", period="2007", kind="estimate",
                           value=3, unit="亿元", yoy_pct=None, qualifier=None, placeholder=False)
    llm = FakeLLM([[draft]] + [[]] * 40)
    res = SectionExtractor(backend="llm", llm=llm).extract("indicator", doc, norm, sec)
    rec = [r for r in res.records if r.value == 3][0]
    assert raw[rec.start : rec.end] == rec.evidence and "財政收入3億元" in rec.evidence


def test_rules_backend_needs_no_model_and_rules_plus_llm_dedupes():
    doc, norm, raw = _doc(XUJING)
    sec = _section_with(doc, raw, "80.43亿元")
    rules = SectionExtractor(backend="rules").extract("indicator", doc, norm, sec)
    assert {r.value for r in rules.records} >= {80.43, 91.8, 48.7, 53.1, 23.26, 6.49}
    for r in rules.records:
        assert raw[r.start : r.end] == r.evidence
    both = SectionExtractor(backend="rules+llm", llm=FakeLLM([[IndicatorDraft(**GDP)]] + [[]] * 20)).extract(
        "indicator", doc, norm, sec)
    assert len([r for r in both.records if r.value == 80.43]) == 1


def test_placeholder_draft_keeps_value_null():
    path = CORPUS / "002_a1402d6e438c0524.txt"
    doc, norm, raw = _doc(path)
    sec = _section_with(doc, raw, "xxxxx万元")
    draft = IndicatorDraft(evidence="全镇完成地区生产总值xxxxx万元,同比增长xx.xx%", metric_raw="地区生产总值", period=None,
                           kind="actual", value=None, unit="万元", yoy_pct=None, qualifier=None, placeholder=True)
    res = SectionExtractor(backend="llm", llm=FakeLLM([[draft]] + [[]] * 20)).extract("indicator", doc, norm, sec)
    rec = [r for r in res.records if r.placeholder][0]
    assert rec.value is None and raw[rec.start : rec.end] == rec.evidence


def test_custom_schema_gets_grounding_fields():
    from pydantic import BaseModel

    class Investment(BaseModel):
        project: str
        amount: float | None

    lm = custom_list_model(Investment)
    item_cls = lm.model_fields["items"].annotation.__args__[0]
    assert {"evidence", "start", "end", "doc_id", "project", "amount"} <= set(item_cls.model_fields)
    doc, norm, raw = _doc(XUJING)
    sec = _section_with(doc, raw, "80.43亿元")
    ok = item_cls(project="地区生产总值", amount=80.43, evidence="地区生产总值(GDP)80.43亿元")
    made_up = item_cls(project="虚构项目", amount=12345, evidence="地区生产总值(GDP)80.43亿元")
    llm = FakeLLM([[ok, made_up], [made_up]] + [[]] * 20)
    res = SectionExtractor(backend="llm", llm=llm, custom_schema=Investment).extract("Investment", doc, norm, sec)
    assert [r.amount for r in res.records] == [80.43]
    assert raw[res.records[0].start : res.records[0].end] == res.records[0].evidence
    assert res.dropped and "12345" in str(res.dropped[0]["record"])


@pytest.mark.parametrize("evidence,value,claimed,expected_placeholder,expected_value", [
    ("财政收入3.9亿元,同比增长30%", 3.9, True, False, 3.9),       # a real figure the model called a placeholder
    ("完成财政总收入xxxx.x万元", None, False, True, None),         # a placeholder the model missed
    ("完成财政总收入xxxx.x万元", None, True, True, None),
    ("财政收入3.9亿元", None, True, True, None),                  # no value and no placeholder: left for the check
])
def test_placeholder_flag_follows_the_evidence(evidence, value, claimed, expected_placeholder, expected_value):
    from llm_extract.extract.drafts import draft_to_record

    d = IndicatorDraft(evidence=evidence, metric_raw="财政收入", period=None, kind="actual", value=value,
                       unit="亿元" if value else "万元", yoy_pct=None, qualifier=None, placeholder=claimed)
    rec = draft_to_record("indicator", d)
    assert rec.placeholder is expected_placeholder and rec.value == expected_value


def test_problem_records_that_word_no_difficulty_are_dropped_and_counted():
    from llm_extract.extract.drafts import ProblemDraft

    doc, norm, raw = _doc(XUJING)
    sec = _section_with(doc, raw, "宏观经济形势依然严峻")
    real = ProblemDraft(evidence="宏观经济形势依然严峻", problem="宏观经济形势依然严峻", category="经济")
    task = ProblemDraft(evidence="2013年是贯彻落实党的十八大精神的第一年", problem="贯彻落实", category="其他")
    llm = FakeLLM([[real, task]] + [[]] * 20)
    res = SectionExtractor(backend="llm", llm=llm).extract("problem", doc, norm, sec)
    assert [r.evidence for r in res.records] == ["宏观经济形势依然严峻"]
    assert any(d["reason"] == "evidence words no difficulty" for d in res.dropped)
    assert all("重新输出" not in m[1][-1]["content"] for m in llm.calls)  # no re-ask for it


def test_plan_headings_reach_the_sections_under_them():
    from llm_extract.extract.candidates import find_candidates, section_context

    plan, problem = section_context("三、20xx年工作打算 > (一)主攻产业转型,壮大加速发展的经济引擎")
    assert plan and not problem
    assert section_context("二、主要问题和不足") == (False, True)
    assert section_context("一、20xx年工作开展情况 > (一)突出园区建设") == (False, False)
    assert section_context("(一)围绕一个中心", "plan") == (True, False)
    text = "抓好园区水、电、路、通讯、污水处理等基础设施建设,确保完成园区征地任务。"
    assert any("task" in c.kinds for c in find_candidates(text, plan=True))
    assert not any("task" in c.kinds for c in find_candidates(text, plan=False))


def _rules_of_report(tmp_path, raw: str):
    """The report ``raw`` as a file, its document, and every rule-extracted indicator, each grounded."""
    path = tmp_path / "report.txt"
    path.write_text(raw, encoding="utf-8")
    doc, norm, raw = _doc(path)
    records = [r for sec in doc.sections for r in SectionExtractor(backend="rules").extract("indicator", doc, norm, sec).records]
    assert all(raw[r.start:r.end] == r.evidence for r in records)
    return doc, records


def test_a_review_part_naming_only_the_plan_term_dates_its_figures_to_the_reviewed_year(tmp_path):
    # a 2026 report: the speaker's line is no heading; the review heading names the term, not 2025
    raw = ("2026年云岭省政府工作报告\n云岭省人民政府省长 李青川\n各位代表：\n现在，我代表省人民政府向大会报告工作。\n"
           "一、“十四五”时期工作回顾\n五年来，全省上下团结奋斗。刚刚过去的2025年，全省经济稳中有进，全年地区生产总值增长4.6%，"
           "居民人均可支配收入年均增长5.8%。\n"
           "二、2026年工作安排\n今年主要预期目标是：地区生产总值增长5%左右。\n")
    doc, records = _rules_of_report(tmp_path, raw)
    assert [s.path_str for s in doc.sections if s.path][:2] == ["一、“十四五”时期工作回顾", "二、2026年工作安排"]
    assert [(r.metric, r.period, r.kind, r.yoy_pct) for r in records] == [
        ("地区生产总值", "2025", "actual", 4.6), ("居民人均可支配收入", "2021-2025", "actual", 5.8),
        ("地区生产总值", "2026", "target", 5.0)]


def test_every_part_after_the_review_plans_when_no_heading_names_a_plan(tmp_path):
    raw = ("2026年云岭省政府工作报告\n各位代表：\n现在，我代表省人民政府向大会报告工作。\n"
           "一、砥砺奋进，各项事业取得新成效\n全省地区生产总值增长5.1%。\n"
           "二、一张蓝图绘到底，奋力谱写新篇章\n坚持稳中求进。\n"
           "三、一鼓作气勇争先，推动开好局\n（一）壮大实体经济\n全社会研发经费投入增长10%左右。\n"
           "四、全面加强政府自身建设\n政府工作人员要担当作为。\n")
    _, records = _rules_of_report(tmp_path, raw)
    assert [(r.metric, r.period, r.kind) for r in records] == [
        ("地区生产总值", "2025", "actual"), ("研发经费投入", "2026", "target")]
