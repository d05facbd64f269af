"""How an indicator record reads to a person: its figures as printed, its growth, and what keeps it out of a year.

Shared by ``table`` and ``report``.  A record stores its value as a float; shown with
``f"{x:g}"`` 32193.15 became 32193.2 and 4.60 became 4.6.  Here a figure is shown as the
evidence prints it, and a growth-only record (``增长6.5%``, no total) as ``+6.5%``.

Two kinds of statement are not a year's value and are marked (:func:`statement_note`):
a *threshold* from a definition (规模以上工业企业指年主营业务收入2000万元及以上的工业企业) and a
*cumulative* multi-year total (五年来累计完成投资…, "十三五"时期…).
"""

from __future__ import annotations

import math
import re
from typing import Optional

from ..text.notes import is_note_line
from ..text.numerals import ARABIC_RE, UNIT_RE, fold, to_float

THRESHOLD = "threshold"
CUMULATIVE = "cumulative"

_SUFFIX_QUALS = {"以上", "左右", "以下", "以内", "多", "余"}
# After the figure and its unit: a bound qualifying a noun (…2000万元及以上的工业企业) is a definition.
_BOUND_AFTER = re.compile(r"\s*(?:及以上|以上|及以下|以下)\s*(?:的|[）)]|企业|单位|法人|工业|项目|批发|零售|住宿|餐饮|服务)")
# A definition before the figure: "…企业指年主营…", "是指", "统计范围为…".
_DEFINES = re.compile(r"是指|系指|指的是|(?<=[业位人目构户])指(?!标)|统计范围|起点标准|标准为")
# Several years in one figure: 五年来, 近三年, "十三五"时期, 2011-2015年累计, 2011年以来累计.
_MULTI_YEAR = re.compile(
    r"(?<![\d一])(?:[两二三四五六七八九十]|[2-9]|[1-9]\d)年(?:来|间|以来|累计)"
    r"|(?:过去|近|这)(?:[两二三四五六七八九十]|[2-9])年"
    r"|十[一二三四五六七八九]五\W{0,2}(?:时期|期间|以来)"
    r"|(?:19|20)\d\d\s*年?\s*[-—–~～至到]\s*(?:19|20)\d\d\s*年[^，。；]{0,12}?(?:累计|共计|合计|总计)"
    r"|(?:19|20)\d\d\s*年以来[^。；]{0,20}?(?:累计|共计|合计|总计)"
    r"|历年累计"
)
_SUM_WORD = re.compile(r"累计|共计|合计|总计")
_MULTI_YEAR_SECTION = re.compile(r"(?:[两二三四五六七八九十]|[2-9])年|十[一二三四五六七八九]五|以来")


def plain_number(x: float) -> str:
    """The shortest text that reads back as ``x`` (never rounded): 32193.15, 3, 0.25."""
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    text = repr(float(x))
    return f"{x:f}".rstrip("0").rstrip(".") if "e" in text else text


def printed_number(value: float, evidence: str, *, unit: str = "") -> tuple[str, int]:
    """``abs(value)`` as ``evidence`` prints it (``4.60`` stays ``4.60``) and where (-1 when not printed).

    Among equal numbers the one followed by ``unit`` wins (the 6.5 of 增长6.5% for a growth rate).
    """
    folded = fold(evidence or "")
    target = abs(value)
    first: Optional[tuple[str, int]] = None
    for m in ARABIC_RE.finditer(folded):
        if not math.isclose(to_float(m.group(0)), target, rel_tol=1e-9, abs_tol=1e-12):
            continue
        if unit and folded[m.end():].lstrip().startswith(unit):
            return m.group(0), m.start()
        first = first or (m.group(0), m.start())
    return first or (plain_number(target), -1)


def _with_sign(value: float, printed: str) -> str:
    return f"-{printed}" if value < 0 else printed


def value_text(rec: dict) -> str:
    """The total as printed (``32193.15亿元``), ``未披露(万元)`` for a placeholder, "" when there is none."""
    unit = rec.get("unit") or ""
    if rec.get("placeholder"):
        return f"未披露({unit})" if unit else "未披露"
    value = _number(rec.get("value"))
    if value is None:
        return ""
    return _with_sign(value, printed_number(value, rec.get("evidence", ""), unit=unit)[0]) + unit


def growth_text(rec: dict) -> str:
    """The year-on-year change as ``+6.5%`` / ``-2.1%``, "" when there is none."""
    yoy = _number(rec.get("yoy_pct"))
    if yoy is None:
        return ""
    return ("-" if yoy < 0 else "+") + printed_number(yoy, rec.get("evidence", ""), unit="%")[0] + "%"


def figure_parts(rec: dict) -> list[str]:
    """Value and growth as printed, the qualifier on the figure it goes with: ``["303.6亿元", "+7.2%"]``, ``["+6.5%左右"]``."""
    parts = [p for p in (value_text(rec), growth_text(rec)) if p]
    qual = (rec.get("qualifier") or "").strip()
    if parts and qual and not rec.get("placeholder"):
        if qual in _SUFFIX_QUALS:
            parts[-1] += qual
        else:
            parts[0] = qual + parts[0]
    return parts


def shown(rec: dict) -> str:
    """Value and growth as one short text: ``303.6亿元 +7.2%``, ``+6.5%左右``, ``未披露(万元)``; ``?`` when neither."""
    return " ".join(figure_parts(rec)) or "?"


def _number(x) -> Optional[float]:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        return None
    return float(x)


def is_threshold(rec: dict) -> bool:
    """The figure bounds a definition (企业指年主营业务收入2000万元及以上的…), not a year's value."""
    evidence = fold(rec.get("evidence") or "")
    value = _number(rec.get("value"))
    if value is None:
        return False
    printed, at = printed_number(value, evidence, unit=rec.get("unit") or "")
    if at < 0:
        return False
    end = at + len(printed)
    unit = UNIT_RE.match(evidence, end)
    if _BOUND_AFTER.match(evidence, unit.end() if unit else end):
        return True
    return is_note_line(evidence) or _DEFINES.search(evidence, 0, at) is not None


def is_cumulative(rec: dict) -> bool:
    """A total or rate over several years (五年来, 近三年, "十三五"时期, 2011年以来累计) given a single year or none."""
    period = str(rec.get("period") or "")
    if period and not re.fullmatch(r"(?:19|20)\d\d", period):
        return False  # already a range of years: its own column
    evidence = rec.get("evidence") or ""
    if _MULTI_YEAR.search(evidence):
        return True
    return bool(_SUM_WORD.search(evidence) and _MULTI_YEAR_SECTION.search(rec.get("section") or ""))


def statement_note(rec: dict) -> str:
    """``threshold``, ``cumulative`` or "" for an indicator record."""
    if is_threshold(rec):
        return THRESHOLD
    if is_cumulative(rec):
        return CUMULATIVE
    return ""


def record_line(rec: dict) -> str:
    """One readable line per record: ``地区生产总值 · 2016 · actual · 303.6亿元 · +7.2%``."""
    kind = rec.get("record_type", "")
    if kind == "indicator":
        parts = [rec.get("metric") or rec.get("metric_raw"), rec.get("period"), rec.get("kind"), *figure_parts(rec),
                 statement_note(rec)]
    elif kind == "project":
        invest = _number(rec.get("investment_value"))
        money = (plain_number(invest) + (rec.get("investment_unit") or "")) if invest is not None else ""
        parts = [rec.get("name"), rec.get("period"), rec.get("status"), money]
    elif kind == "problem":
        parts = [rec.get("category"), rec.get("problem")]
    elif kind == "task":
        amount = _number(rec.get("value"))
        parts = [rec.get("task"), rec.get("period"), rec.get("deadline"),
                 (plain_number(amount) + (rec.get("unit") or "")) if amount is not None else ""]
    else:
        parts = [kind, rec.get("evidence")]
    return " · ".join(str(p) for p in parts if p not in (None, "", "unknown"))


__all__ = ["shown", "figure_parts", "value_text", "growth_text", "printed_number", "plain_number", "statement_note", "is_threshold",
           "is_cumulative", "record_line", "THRESHOLD", "CUMULATIVE"]
