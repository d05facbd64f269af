"""Series and rankings composed from stored indicator records: one metric over years, or across places.

``云岭镇2019到2021年地区生产总值怎么变化`` and ``哪个县2022年一般公共预算收入最高`` ask for several
figures at once.  Each is a stored record (rule-extracted, grounded), so code can line them up and
cite every figure with its own span — ``2019年为48.1亿元[1]；2020年为50.3亿元[2]`` — which a small
model reading five passages does not do reliably.  The same care as a single-figure answer applies:

* the metric is named with only places, years and filler before it;
* per year (series) or per place (ranking) the records of the asked kind must agree; an ``actual``
  question also takes an ``estimate`` when no actual is stored;
* records of one document that disagree leave the question to the model; documents that disagree
  with each other are shown side by side, each cited (a 2022 report's estimate beside the 2023
  communiqué's figure is worth seeing);
* a series needs two years with figures, a ranking two places, with levels in one base unit
  (万元 and 亿元 are compared as 元); years or places the records do not give are named;
* 哪个省 / 哪个县 / 哪个镇 ranks only the documents of that level.
"""

from __future__ import annotations

import re
from typing import Optional

from ..core.types import Query
from ..extract.record_store import StoredIndicator
from ..text.numerals import unit_multiplier
from .record_text import Cites, RecordAnswer, figure_of, fmt, prefix_is_filler, qualifier_of

# What may stand before the metric besides places and years: range words, and the place question.
_SERIES_FILLER = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)|从|到|至|—|–|-|~|～|历年|逐年|各年|每年|近几年|这几年|近年来?|以来|间|期间|之间")
_RANKING_FILLER = re.compile(
    r"哪(?:个|一个|些)?(?:省份|省|自治区|地区|城市|市|州|县|区|旗|盟|镇|乡|街道|地方)|各(?:省|市|州|县|区|镇|乡)|在|中|里|当中")
# The kind of place a ranking compares (哪个省 / 哪个市 …) → the document level it ranks.
_LEVEL_WORD = re.compile(r"(?:哪个|哪一个|哪些|各)(省份|省|自治区|城市|市|州|盟|县|区|旗|镇|乡|街道)")
_LEVELS = {"省份": "province", "省": "province", "自治区": "province", "城市": "city", "市": "city", "州": "city",
           "盟": "city", "县": "county", "区": "district", "旗": "county", "镇": "town", "乡": "town", "街道": "town"}
_EXTREME = re.compile(r"最(?:高|低|多|少|大|小|快|慢)")
_LOW = re.compile(r"最(?:低|少|小|慢)")
_KINDS = {"actual": ("actual", "estimate"), "target": ("target",), "estimate": ("estimate", "actual")}


def _pool(records: list[StoredIndicator], kind: str, measure: str) -> list[tuple[StoredIndicator, tuple[float, str]]]:
    """Records carrying the measured figure, of the asked kind (an estimate standing in for a missing actual)."""
    for k in _KINDS.get(kind or "actual", ("actual",)):
        pool = [(r, f) for r in records if r.kind == k for f in [figure_of(r, measure)] if f is not None]
        if pool:
            return pool
    return []


def settled_figures(pool: list[tuple[StoredIndicator, tuple[float, str]]]) -> Optional[list]:
    """One ``(record, figure)`` per distinct figure, or ``None`` when one document disagrees with itself."""
    by_value: dict[tuple[float, str], tuple[StoredIndicator, tuple[float, str]]] = {}
    docs_of: dict[str, set] = {}
    for r, (v, u) in pool:
        key = (round(v, 9), u)
        by_value.setdefault(key, (r, (v, u)))
        docs_of.setdefault(r.doc_id, set()).add(key)
    if any(len(keys) > 1 for keys in docs_of.values()):
        return None
    return list(by_value.values())


def _figure_text(r: StoredIndicator, value: float, unit: str, measure: str) -> str:
    if measure == "rate":
        return f"{'增长' if value >= 0 else '下降'}{fmt(abs(value))}%{qualifier_of(r)}"
    text = f"{fmt(value)}{unit}{qualifier_of(r)}"
    if r.yoy_pct is not None and unit != "%":
        text += f"（{'增长' if r.yoy_pct >= 0 else '下降'}{fmt(abs(r.yoy_pct))}%）"
    return text


def _one_place(records: list[StoredIndicator], docs: dict[str, dict]) -> Optional[str]:
    """The place all ``records`` are about ("" when the index does not know it), or ``None`` if several."""
    found = {docs.get(r.doc_id, {}).get("place") or "" for r in records}
    return found.pop() if len(found) == 1 else None


def answer_series(query: Query, records: list[StoredIndicator], docs: dict[str, dict], *,
                  places: list[str]) -> Optional[RecordAnswer]:
    """A metric year by year for one place, every figure cited (see the module docstring)."""
    if not query.metric or not prefix_is_filler(query, places, _SERIES_FILLER):
        return None
    measure = query.measure or "quantity"
    of_metric = [r for r in records if r.metric == query.metric and r.period and r.period.isdigit()]
    where = _one_place(of_metric, docs) if of_metric else None
    if where is None:
        return None
    asked = list(query.years_spanned or sorted(set(query.years)))
    years = asked or sorted({int(r.period) for r in of_metric})
    cites, parts, missing = Cites(), [], []
    for y in years:
        settled = settled_figures(_pool([r for r in of_metric if r.period == str(y)], query.kind, measure))
        if settled is None:
            return None
        if not settled:
            missing.append(y)
            continue
        shown = [f"{_figure_text(r, v, u, measure)}{cites.add(r)}" for r, (v, u) in settled]
        parts.append(f"{y}年{'为' if measure == 'quantity' else ''}" + "，另一文档为".join(shown))
    if len(parts) < 2:
        return None
    text = f"{where}{query.metric_raw or query.metric}：" + "；".join(parts) + "。"
    if missing and asked:
        text += "记录中没有" + "、".join(f"{y}年" for y in missing) + "的数字。"
    reasons = [f"trend of {query.metric} ({measure}) for {where or 'the one place'}: {len(parts)} year(s) with figures"
               + (f", none for {missing}" if missing else "")]
    return RecordAnswer(text=text, citations=cites.citations, passages=cites.passages, reasons=reasons)


def _in_base(value: float, unit: str, measure: str) -> Optional[tuple[float, str]]:
    if measure == "rate":
        return value, "%"
    scale = unit_multiplier(unit)
    return (value * scale[0], scale[1] or unit) if scale else None


def _ranking_year(query: Query, of_metric: list[StoredIndicator]) -> Optional[str]:
    if len(set(query.years)) == 1:
        return str(query.years[0])
    if not query.years:
        periods = {r.period for r in of_metric if r.period}
        return periods.pop() if len(periods) == 1 else None
    return None


def answer_ranking(query: Query, records: list[StoredIndicator], docs: dict[str, dict], *,
                   places: list[str]) -> Optional[RecordAnswer]:
    """Places ordered by one metric in one year, every figure cited (see the module docstring)."""
    if not query.metric or not prefix_is_filler(query, places, _RANKING_FILLER):
        return None
    measure = query.measure or "quantity"
    of_metric = [r for r in records if r.metric == query.metric]
    year = _ranking_year(query, of_metric)
    if year is None:
        return None
    level_word = _LEVEL_WORD.search(query.normalized)
    level = _LEVELS.get(level_word.group(1)) if level_word else None
    ranked_docs = {k: d for k, d in docs.items() if d.get("place") and (level is None or d.get("level") in (level, "", None))}
    by_place: dict[str, list[StoredIndicator]] = {}
    for r in of_metric:
        place = ranked_docs.get(r.doc_id, {}).get("place")
        if place and r.period == year:
            by_place.setdefault(place, []).append(r)
    ranked: list[tuple[float, str, str, StoredIndicator, float, str]] = []  # base value, base unit, place, …
    for place, rs in by_place.items():
        settled = settled_figures(_pool(rs, query.kind, measure))
        if settled is None or len(settled) > 1:
            return None  # a place whose documents disagree cannot be ranked
        if not settled:
            continue
        r, (v, u) = settled[0]
        base = _in_base(v, u, measure)
        if base is None:
            return None
        ranked.append((base[0], base[1], place, r, v, u))
    if len(ranked) < 2 or len({b for _, b, *_ in ranked}) != 1:
        return None
    extreme = _EXTREME.search(query.normalized)
    low = bool(extreme and _LOW.match(extreme.group(0)))
    ranked.sort(key=lambda x: x[0], reverse=not low)
    cites = Cites()
    shown = [f"{place}{_figure_text(r, v, u, measure)}{cites.add(r)}" for _, _, place, r, v, u in ranked]
    name = (query.metric_raw or query.metric) + ("增速" if measure == "rate" else "")
    text = f"{year}年{name}{extreme.group(0) if extreme else '最高'}的是{ranked[0][2]}。依次为：" + "、".join(shown) + "。"
    without = sorted({d["place"] for d in ranked_docs.values()} - {x[2] for x in ranked})
    if without and not places:
        text += "记录中没有" + "、".join(without) + f"{year}年的该项数字。"
    reasons = [f"ranking of {query.metric} ({measure}) in {year} over {len(ranked)} place(s)"]
    return RecordAnswer(text=text, citations=cites.citations, passages=cites.passages, reasons=reasons)


__all__ = ["answer_series", "answer_ranking", "settled_figures"]
