"""Consistency checks of the hand-labeled gold sets under ``eval/gold``.

The gold files are written by people, so these tests guard against the usual
slips: an evidence quote that is not a verbatim substring of the original file
(easy with traditional characters and pinyin glosses), a number in the record
that the quote does not contain, a placeholder that still carries a value, or
a field that the shared pydantic record types would reject.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import pytest

from llm_extract.core.types import RECORD_TYPES

ROOT = Path(__file__).resolve().parents[1]
EXTRACTION_DIR = ROOT / "eval" / "gold" / "extraction"
QA_FILE = ROOT / "eval" / "gold" / "qa.jsonl"

# Keys that only the gold set carries; they are dropped before the record is
# validated against the shared pydantic models (which forbid extra keys).
GOLD_ONLY_KEYS = {"occurrence", "report", "note", "yoy_placeholder", "investment_placeholder"}
COMMON_KEYS = {"record_type", "source", "evidence", "occurrence", "report"}
REQUIRED_KEYS = {
    "indicator": {
        "metric", "metric_raw", "period", "kind", "value", "unit", "value_base",
        "yoy_pct", "yoy_basis", "qualifier", "placeholder",
    },
    "project": {"name", "investment_value", "investment_unit", "investment_base", "status", "period"},
    "problem": {"problem", "category"},
    "task": {"task", "value", "unit", "deadline", "period"},
}
PROBLEM_CATEGORIES = {"经济", "产业", "财政", "民生", "社会稳定", "环境", "基层组织", "作风", "其他"}
# Fields whose number must be visible in the evidence quote.
NUMBER_FIELDS = ("value", "yoy_pct", "investment_value")
# Multipliers to the base unit, in both scripts because units are kept as printed.
UNIT_MULTIPLIER = {
    "元": Decimal(1),
    "万元": Decimal(10) ** 4, "萬元": Decimal(10) ** 4,
    "亿元": Decimal(10) ** 8, "億元": Decimal(10) ** 8,
    "万美元": Decimal(10) ** 4, "萬美元": Decimal(10) ** 4,
}
PERIOD_RE = re.compile(r"^\d{4}(-\d{4})?$")
REPORT_MARK_RE = re.compile(r"【第(\d+)篇")
FULLWIDTH = str.maketrans("０１２３４５６７８９．－％", "0123456789.-%")


def _gold_lines() -> Iterator[tuple[str, int, dict[str, Any]]]:
    for path in sorted(EXTRACTION_DIR.glob("*.jsonl")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                yield path.name, lineno, json.loads(line)


GOLD = list(_gold_lines())
_TEXT_CACHE: dict[str, str] = {}


def _original(source: str) -> str:
    """The text gold quotes point into: the loader's text (decoded .txt; text layer of .html/.docx/.pdf)."""
    if source not in _TEXT_CACHE:
        from llm_extract.text.loading import load_text

        _TEXT_CACHE[source] = load_text(ROOT / source)
    return _TEXT_CACHE[source]


def _nth_position(text: str, needle: str, n: int) -> int:
    pos = -1
    for _ in range(n):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            return -1
    return pos


def _number_spellings(v: float) -> set[str]:
    """Ways a number may be printed; the absolute value covers 同比下降17.7% -> -17.7."""
    out: set[str] = set()
    for x in (v, abs(v)):
        out.add(f"{x:g}")
        if float(x).is_integer():
            out.add(str(int(x)))
        out.add(format(Decimal(str(x)).normalize(), "f"))
    return out


# eval/README: a magnitude printed without a digit is that figure (突破万亿元 = 1 万亿元, 超百亿元 = 100 亿元).
_BARE_MAGNITUDES = {1.0: "(?<![十百千])万亿", 10.0: "十(?:万|亿)", 100.0: "百(?:万|亿)", 1000.0: "千(?:万|亿)"}


def number_in_evidence(v: float, evidence: str) -> bool:
    folded = evidence.translate(FULLWIDTH)
    bare = _BARE_MAGNITUDES.get(abs(v))
    if bare and re.search(r"(?<![0-9.一二三四五六七八九两])" + bare, folded):
        return True
    return any(s in folded for s in _number_spellings(v))


def _ids() -> list[str]:
    return [f"{name}:{lineno}" for name, lineno, _ in GOLD]


def test_gold_files_present() -> None:
    assert EXTRACTION_DIR.is_dir(), "eval/gold/extraction is missing"
    assert GOLD, "no gold extraction records found"


@pytest.mark.parametrize("name,lineno,rec", GOLD, ids=_ids())
def test_gold_record(name: str, lineno: int, rec: dict[str, Any]) -> None:
    rtype = rec.get("record_type")
    assert rtype in REQUIRED_KEYS, f"bad record_type {rtype!r}"
    missing = (COMMON_KEYS | REQUIRED_KEYS[rtype]) - rec.keys()
    assert not missing, f"missing keys {sorted(missing)}"
    model = RECORD_TYPES[rtype]
    unknown = rec.keys() - set(model.model_fields) - GOLD_ONLY_KEYS
    assert not unknown, f"unknown keys {sorted(unknown)}"

    # --- the file and the quote
    source = rec["source"]
    assert isinstance(source, str) and not Path(source).is_absolute(), "source must be repo-relative"
    assert Path(name).stem == Path(source).stem, "gold file must be named after its source"
    assert (ROOT / source).is_file(), f"source {source} does not exist"
    evidence = rec["evidence"]
    assert isinstance(evidence, str) and evidence.strip(), "empty evidence"
    occurrence = rec["occurrence"]
    assert isinstance(occurrence, int) and not isinstance(occurrence, bool) and occurrence >= 1
    text = _original(source)
    assert text.count(evidence) >= occurrence, f"evidence not found {occurrence}x: {evidence!r}"

    # --- the report index: the quote must sit inside that report's range
    report = rec["report"]
    assert isinstance(report, int) and not isinstance(report, bool) and report >= 1
    marks = [(int(m.group(1)), m.start()) for m in REPORT_MARK_RE.finditer(text)]
    if marks:
        starts = dict(marks)
        assert report in starts, f"report {report} has no 【第{report}篇 marker"
        pos = _nth_position(text, evidence, occurrence)
        later = [s for k, s in marks if k > report]
        assert pos >= starts[report], "evidence lies before its report's marker"
        assert not later or pos < min(later), "evidence lies in a later report"
    else:
        assert report == 1, "file holds a single report"

    if "note" in rec:
        assert rec["note"] is None or isinstance(rec["note"], str)

    # --- validation by the shared record type
    fields = {k: v for k, v in rec.items() if k not in GOLD_ONLY_KEYS}
    obj = model(**fields)
    assert obj.evidence == evidence

    # --- numbers of the record must be printed in the quote
    for fld in NUMBER_FIELDS:
        v = rec.get(fld)
        if v is not None:
            assert isinstance(v, (int, float)) and not isinstance(v, bool)
            assert number_in_evidence(v, evidence), f"{fld}={v} not in evidence {evidence!r}"

    period = rec.get("period")
    if period is not None:
        assert PERIOD_RE.match(period), f"bad period {period!r}"

    if rtype == "indicator":
        assert rec["metric"].strip() and rec["metric_raw"].strip()
        assert isinstance(rec["placeholder"], bool)
        if rec["placeholder"]:
            assert rec["value"] is None and rec["value_base"] is None, "placeholder must have no value"
        if rec["value"] is None:
            assert rec["value_base"] is None
        if rec.get("yoy_placeholder"):
            assert rec["yoy_pct"] is None, "placeholder rate must be null"
        unit = rec["unit"]
        if rec["value"] is not None and unit in UNIT_MULTIPLIER:
            expected = float(Decimal(str(rec["value"])) * UNIT_MULTIPLIER[unit])
            assert rec["value_base"] is not None and math.isclose(rec["value_base"], expected, rel_tol=1e-9), (
                f"value_base {rec['value_base']} != {expected}"
            )
        if unit == "%":
            assert rec["value_base"] is None, "value_base is null for percentages"
    elif rtype == "project":
        assert rec["name"].strip()
        if rec.get("investment_placeholder"):
            assert rec["investment_value"] is None
        if rec["investment_value"] is None:
            assert rec["investment_base"] is None
        elif rec["investment_unit"] in UNIT_MULTIPLIER:
            expected = float(Decimal(str(rec["investment_value"])) * UNIT_MULTIPLIER[rec["investment_unit"]])
            assert rec["investment_base"] is not None and math.isclose(rec["investment_base"], expected, rel_tol=1e-9)
    elif rtype == "problem":
        assert rec["problem"].strip()
        assert rec["category"] in PROBLEM_CATEGORIES, f"bad category {rec['category']!r}"
    elif rtype == "task":
        assert rec["task"].strip()


def test_number_check_can_fail() -> None:
    assert number_in_evidence(-17.7, "同比下降17.7%")
    assert number_in_evidence(3.0, "同比增长3.0%")
    assert number_in_evidence(80.43, "实现地区生产总值(GDP)８０.４３亿元")
    assert not number_in_evidence(80.4, "地区生产总值81.43亿元")


# ---------------------------------------------------------------------------
# QA gold (optional until the QA labeler has written it)
# ---------------------------------------------------------------------------


def _qa_lines() -> list[tuple[int, dict[str, Any]]]:
    if not QA_FILE.is_file():
        return []
    return [
        (lineno, json.loads(line))
        for lineno, line in enumerate(QA_FILE.read_text(encoding="utf-8").splitlines(), 1)
        if line.strip()
    ]


def _quotes(rec: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(source, quote) pairs of a QA item, tolerating the shapes a labeler may use."""
    default_source = rec.get("source")
    for item in rec.get("evidence") or []:
        if isinstance(item, str):
            yield default_source, item
        else:
            quote = item.get("quote", item.get("evidence", item.get("text")))
            yield item.get("source", default_source), quote


QA = _qa_lines()


def test_qa_gold_is_there() -> None:
    assert len(QA) >= 250


@pytest.mark.parametrize("lineno,rec", QA, ids=[f"qa:{n}" for n, _ in QA])
def test_qa_item(lineno: int, rec: dict[str, Any]) -> None:
    for key in ("id", "question", "answerable"):
        assert key in rec, f"missing {key}"
    assert isinstance(rec["question"], str) and rec["question"].strip()
    assert isinstance(rec["answerable"], bool)
    quotes = list(_quotes(rec))
    if rec["answerable"]:
        assert quotes, "an answerable question needs evidence"
    for source, quote in quotes:
        assert isinstance(source, str) and (ROOT / source).is_file(), f"bad source {source!r}"
        assert isinstance(quote, str) and quote and quote in _original(source), f"quote not in {source}: {quote!r}"


def test_qa_ids_unique() -> None:
    ids = [rec.get("id") for _, rec in QA]
    assert len(ids) == len(set(ids)), "duplicate QA ids"
