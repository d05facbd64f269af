"""Tests of llm_extract.extract.grounding: locating quotes in original files and checking record numbers."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llm_extract.extract.grounding import _best_alignment, _myers_end_scores, check_numbers, ground, ground_record
from llm_extract.core.types import IndicatorRecord, ProblemRecord, ProjectRecord, TaskRecord

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"


def _corpus(prefix: str) -> str:
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def file000():
    from llm_extract.text.normalize import normalize

    text = _corpus("000")
    return text, normalize(text)


def _ind(**kw) -> IndicatorRecord:
    base = dict(metric="地区生产总值", metric_raw="地区生产总值")
    base.update(kw)
    return IndicatorRecord(**base)


# ---------------------------------------------------------------------------
# ground
# ---------------------------------------------------------------------------


def test_ground_exact_prefers_occurrence_near_hint():
    original = "财政收入3亿元。中间还有很多别的文字。财政收入3亿元。"
    first = ground("财政收入3亿元", original)
    assert (first.start, first.end) == (0, 7)
    second = ground("财政收入3亿元", original, hint=(len(original) - 5, len(original)))
    assert original[second.start : second.end] == "财政收入3亿元"
    assert second.start > 7


def test_ground_strips_added_punctuation_and_quotes():
    original = "全镇生产总值完成6.87亿元,同比增长8.5%。规模以上工业增加值"
    span = ground("“全镇生产总值完成6.87亿元,同比增长8.5%。”", original)
    assert original[span.start : span.end] == "全镇生产总值完成6.87亿元,同比增长8.5%。"


def test_ground_simplified_quote_in_traditional_file_with_glosses(file000):
    original, norm = file000
    span = ground("预计实现财政收入3亿元", original, norm=norm)
    assert span is not None
    assert original[span.start : span.end] == "預計實現(xiàn)財政收入3億元"
    # without a prepared NormalizedText the function builds one
    assert ground("预计实现财政收入3亿元", original) == span


def test_ground_quote_across_line_break_and_case(file000):
    original, norm = file000
    span = ground("主要经济发展目标是:工商两业纳税营销116.5亿元", original, norm=norm)
    assert span is not None
    got = original[span.start : span.end]
    assert got == "主要經(jīng)濟發(fā)展目標是:\n\n工商兩業(yè)納稅營銷116.5億元"
    span = ground("人均GDP6万元", original, norm=norm)
    assert original[span.start : span.end] == "人均gdp6萬元"


def test_ground_fuzzy_one_wrong_char(file000):
    original, norm = file000
    span = ground("预计实现财政收人3亿元,比2001年增长183%", original, norm=norm)  # 人 for 入
    assert span is not None
    assert original[span.start : span.end] == "預計實現(xiàn)財政收入3億元,比2001年增長183%"


def test_ground_fuzzy_one_missing_char_plain_text():
    original = "前文。" * 50 + "社会消费品零售总额53.1亿元,同比增长3.0%;" + "后文。" * 50
    span = ground("社会消费品零售额53.1亿元,同比增长3.0%", original)
    assert original[span.start : span.end] == "社会消费品零售总额53.1亿元,同比增长3.0%"


def test_ground_fuzzy_limits():
    original = "前文。" * 10 + "社会消费品零售总额53.1亿元,同比增长3.0%;" + "后文。" * 10
    quote = "社会消费品零售额53.1亿元,同比增长3.0%"
    assert ground(quote, original, max_fuzzy_len=10) is None
    # too many copy errors: below the 0.85 similarity bar
    assert ground("社会商品批发总额53.1亿元,同比减少3.0%", original) is None


def test_ground_failures(file000):
    original, norm = file000
    assert ground("这句话根本不在原文里面出现过的内容", original, norm=norm) is None
    assert ground("预计实现国防支出9亿元", original, norm=norm) is None
    assert ground("", original, norm=norm) is None
    assert ground("   ", original, norm=norm) is None
    assert ground("abc", "") is None


def test_ground_every_sentence_of_004_round_trips():
    from llm_extract.extract.clauses import split_sentences

    original = _corpus("004")
    rng = random.Random(7)
    spans = split_sentences(original)
    for a, b in rng.sample(spans, 10):
        got = ground(original[a:b], original)
        assert original[got.start : got.end] == original[a:b]


# ---------------------------------------------------------------------------
# Myers alignment
# ---------------------------------------------------------------------------


def _dp_end_scores(p: str, t: str) -> list[int]:
    prev = list(range(len(p) + 1))
    out = []
    for c in t:
        cur = [0]
        for i, pc in enumerate(p, 1):
            cur.append(min(prev[i] + 1, cur[i - 1] + 1, prev[i - 1] + (pc != c)))
        out.append(cur[-1])
        prev = cur
    return out


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="abc", min_size=1, max_size=12), st.text(alphabet="abcd", max_size=30))
def test_myers_matches_dynamic_programming(p, t):
    assert _myers_end_scores(p, t) == _dp_end_scores(p, t)


def test_best_alignment_finds_the_substring():
    dist, s, e = _best_alignment("财政收入3亿元", "前面的话预计实现财政收人3亿元后面")
    assert dist == 1
    assert "前面的话预计实现财政收人3亿元后面"[s:e] == "财政收人3亿元"
    assert _best_alignment("abc", "") is None


# ---------------------------------------------------------------------------
# check_numbers
# ---------------------------------------------------------------------------


def test_check_numbers_accepts_supported_record():
    rec = _ind(value=80.43, unit="亿元", value_base=8043000000.0, yoy_pct=0.25, yoy_basis="同比")
    assert check_numbers(rec, "实现地区生产总值(GDP)80.43亿元,同比增长0.25%") == []
    rec = _ind(value=91.8, unit="亿元", value_base=9180000000.0, yoy_pct=-17.7)
    assert check_numbers(rec, "规模以上企业工业总产值91.8亿元,同比下降17.7%") == []
    rec = _ind(value=3.0, unit="亿元", value_base=300000000.0)
    assert check_numbers(rec, "預計實現(xiàn)財政收入3億元") == []


def test_check_numbers_reasons():
    ev = "实现地区生产总值(GDP)80.43亿元,同比增长0.25%"
    assert any("value 80.42" in r for r in check_numbers(_ind(value=80.42, unit="亿元"), ev))
    assert any("wrong sign" in r for r in check_numbers(_ind(value=80.43, unit="亿元", yoy_pct=-0.25), ev))
    assert any("yoy_pct 8.5" in r for r in check_numbers(_ind(value=80.43, unit="亿元", yoy_pct=8.5), ev))
    bad_base = _ind(value=80.43, unit="亿元", value_base=80430000.0)
    assert any("value_base" in r for r in check_numbers(bad_base, ev))
    # a base value with no value must itself be printed (in some form)
    assert check_numbers(_ind(value_base=8043000000.0), ev) == []
    assert check_numbers(_ind(value_base=1.0), ev) != []


def test_check_numbers_placeholders():
    ev = "全镇完成地区生产总值xxxxx万元,同比增长xx.xx%"
    assert check_numbers(_ind(placeholder=True, unit="万元"), ev) == []
    assert check_numbers(_ind(placeholder=True), "全镇完成地区生产总值80.43亿元") != []
    assert check_numbers(_ind(placeholder=True), "××镇完成地区生产总值") != []


def test_check_numbers_other_record_types():
    ev = "以及投资90万元扩建山场小学宿舍楼工程"
    proj = ProjectRecord(name="扩建山场小学宿舍楼工程", investment_value=90, investment_unit="万元", investment_base=900000)
    assert check_numbers(proj, ev) == []
    proj = ProjectRecord(name="扩建山场小学宿舍楼工程", investment_value=900, investment_unit="万元")
    assert check_numbers(proj, ev) != []
    task = TaskRecord(task="完成职业技能培训", value=1000, unit="人")
    assert check_numbers(task, "计划完成职业技能培训1000人") == []
    assert check_numbers(task, "计划完成职业技能培训100人") != []
    assert check_numbers(ProblemRecord(problem="产业层次不高", category="经济"), "一是产业层次不高") == []


# ---------------------------------------------------------------------------
# ground_record
# ---------------------------------------------------------------------------


def test_ground_record_sets_fields_on_a_copy(file000):
    original, norm = file000
    rec = _ind(metric="财政收入", metric_raw="财政收入", value=3.0, unit="亿元", value_base=3e8, kind="estimate",
               period="2007", evidence="预计实现财政收入3亿元")
    got, reason = ground_record(rec, original, norm, doc_id="doc0", source="000.txt", section="一、2001年以来的工作情况")
    assert reason is None
    assert got is not rec and rec.start == -1 and rec.evidence == "预计实现财政收入3亿元"
    assert original[got.start : got.end] == got.evidence == "預計實現(xiàn)財政收入3億元"
    assert (got.doc_id, got.source, got.section) == ("doc0", "000.txt", "一、2001年以来的工作情况")
    assert (got.value, got.kind, got.period) == (3.0, "estimate", "2007")


def test_ground_record_failures(file000):
    original, norm = file000
    wrong = _ind(metric="财政收入", metric_raw="财政收入", value=4.0, unit="亿元", evidence="预计实现财政收入3亿元")
    got, reason = ground_record(wrong, original, norm, doc_id="d", source="s")
    assert got is None and "value 4" in reason
    missing = _ind(value=1.0, unit="亿元", evidence="实现地区生产总值1亿元并且全部来自想象")
    got, reason = ground_record(missing, original, norm, doc_id="d", source="s")
    assert got is None and "not found" in reason
    empty = _ind(value=1.0, evidence="")
    assert ground_record(empty, original, norm, doc_id="d", source="s") == (None, "empty evidence")


def test_rules_records_ground_exactly_in_every_corpus_file():
    from llm_extract.extract.rules import rules_extract_indicators
    from llm_extract.text.normalize import normalize

    total = 0
    for path in sorted(CORPUS.glob("*.txt")):
        original = path.read_text(encoding="utf-8")
        norm = normalize(original)
        for rec in rules_extract_indicators(norm.simplified):
            span = norm.to_original(rec.start, rec.end)
            got, reason = ground_record(rec, original, norm, doc_id=path.stem, source=str(path),
                                        hint=(span.start, span.end))
            assert reason is None, (rec.evidence, reason)
            assert (got.start, got.end) == (span.start, span.end)
            assert original[got.start : got.end] == got.evidence
            total += 1
    assert total >= 50


def test_check_numbers_custom_schema_and_unparsed_change():
    from pydantic import BaseModel

    class Station(BaseModel):
        name: str
        count: int
        length_km: float
        open: bool = True
        evidence: str = ""
        start: int = -1
        end: int = -1

    ev = "新建充电站12座,线路46.6公里"
    assert check_numbers(Station(name="充电站", count=12, length_km=46.6), ev) == []
    reasons = check_numbers(Station(name="充电站", count=13, length_km=46.6), ev)
    assert reasons == ["count 13 is not printed in the evidence"]
    # a change the clause parser does not know is still accepted when its number is printed
    assert check_numbers(_ind(yoy_pct=-3.0), "地区生产总值增幅为负3%") == []


def test_ground_reuses_view_for_same_norm(file000):
    from llm_extract.extract import grounding

    original, norm = file000
    ground("预计实现财政收入3亿元", original, norm=norm)
    view = grounding._view_of(norm)
    ground("工商两业纳税营销116.5亿元", original, norm=norm)
    assert grounding._view_of(norm) is view


def test_ground_fuzzy_prefers_hint_among_equal_matches():
    sentence = "全镇固定资产投资完成6.21亿元,同比增长5%。"
    original = sentence + "中间的文字。" * 40 + sentence
    quote = "全镇固定资产投资完成6.21亿元,同比增涨5%"  # 涨 for 长
    first = ground(quote, original)
    assert first.start == 0
    second = ground(quote, original, hint=(len(original) - len(sentence), len(original)))
    assert second.start == len(original) - len(sentence)
    assert original[second.start : second.end].startswith("全镇固定资产投资完成6.21亿元")


def test_grounding_in_many_documents_from_many_threads_gives_each_its_own_spans():
    from concurrent.futures import ThreadPoolExecutor

    from llm_extract.extract.grounding import ground
    from llm_extract.text.normalize import normalize

    docs = []
    for i in range(12):
        original = f"第{i}份報告。" + "前言文字。" * (i + 1) + f"全縣實現財政收入{i + 3}.5億元，增長{i}%。結語。"
        docs.append((original, normalize(original), f"全县实现财政收入{i + 3}.5亿元"))

    def one(job):
        original, norm, quote = job
        span = ground(quote, original, norm=norm)
        return original[span.start : span.end] if span else None

    with ThreadPoolExecutor(max_workers=8) as pool:
        for _round in range(5):
            got = list(pool.map(one, docs))
            assert got == [f"全縣實現財政收入{i + 3}.5億元" for i in range(12)]
