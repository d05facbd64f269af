"""What a question asks for, read once by code: the metric it names, the kind of figure, the shape.

:func:`llm_extract.text.query.parse_query` reads what any stage can (normalized text, years, places,
numbers, subject words); this module adds what needs the metric vocabulary of the extract stage:

* ``metric`` — the longest metric name the question writes, canonical when the vocabulary knows it
  (规上工业增加值 → 规模以上工业增加值), with the words as written in ``metric_raw``;
* ``kind`` — ``target`` (目标/预期/计划/力争/确保), ``estimate`` (预计), else ``actual``;
* ``shape`` — ``rate`` (how much something grew: 增长/增速/增幅/下降/变化 with 多少/几),
  ``quantity`` (a figure: 多少/几/规模/总量), ``list`` (哪些/有哪些/分别/几个方面), or ``other``;
  a question asking two things at once (其中, 两个问号, 分别是多少) is ``compound``; a metric over
  several years (2015到2018年, 2021年和2022年, 历年/怎么变化 without a year) is ``trend``, and one
  compared across places (最高/最低/排名) is ``ranking`` — for both, ``measure`` says whether levels
  or growth rates (增速/增幅/增长率) are compared;
* ``years`` — a base year the question compares against (比2022年增长多少) is dropped: the figure
  asked for is the other year's; so is a period's first year (2015年以来工作情况汇报中，2019年…),
  unless the question asks how a figure changed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional

from ..core.types import Query
from ..extract.vocab import MetricIndex, default_index
from ..text.segments import years_in

_TARGET = re.compile(r"目标|预期|计划|力争|确保|争取|打算|安排")
_ESTIMATE = re.compile(r"预计")
_RATE = re.compile(r"增长|增速|增幅|下降|减少|变化|变动|提高|回落|比上年|同比")
_ASKS_FIGURE = re.compile(r"多少|几|多大|多高|规模|总量|总额|是多少|达到|为何值")
_LIST = re.compile(r"哪些|有哪几|哪几|分别是|几个方面|哪[几些]个|包括什么|有什么")
_COMPOUND = re.compile(r"其中|分别.{0,6}多少|多少.{1,30}多少|[？?].+[？?]")
# A total is asked for in so many words (总量 / 是多少亿元): a growth rate does not answer it.
_TOTAL = re.compile(r"总量|总额|规模|多少(?:亿|万)?(?:元|吨|人|户|个|亩|千瓦)")
_RANKING = re.compile(r"最(?:高|低|多|少|大|小|快|慢)|排名|排第|排在|位居")
_TREND = re.compile(r"变化|趋势|走势|历年|逐年|各年|每年|这几年|近几年|近年|演变|怎么变|如何变")
_RATE_MEASURE = re.compile(r"增速|增幅|增长率|增长(?:了)?多少|增长几|最快|最慢")
# The year a figure is compared against (比2022年增长多少): not the year asked about.
_BASE_YEAR = re.compile(r"(?:比|较|相比|对比|同比)\s*((?:19|20)\d{2})年?")
# A period's first year (2015年以来工作情况汇报): it names the report or the span, not the year asked about.
_SINCE_YEAR = re.compile(r"((?:19|20)\d{2})年(?:以来|来)")
_CLAUSE_BREAK = re.compile(r"[，,。；;:：()（）?？!！]")


def _shape(text: str) -> str:
    if _COMPOUND.search(text):
        return "compound"
    if _LIST.search(text):
        return "list"
    if _ASKS_FIGURE.search(text):
        if _RATE.search(text) and not _TOTAL.search(text):
            return "rate"
        return "quantity"
    return "other"


def _kind(text: str) -> str:
    if _ESTIMATE.search(text):
        return "estimate"
    if _TARGET.search(text):
        return "target"
    return "actual"


def record_metric_names(records) -> dict[str, str]:
    """The printed metric names of stored records, each with the metric its records carry (出口额 → 出口):
    a question writing the printed name asks for those records.  A printed name the records file under
    several metrics keeps the vocabulary's reading."""
    seen: dict[str, set[str]] = {}
    for r in records:
        if r.metric_raw:
            seen.setdefault(r.metric_raw, set()).add(r.metric)
    return {raw: next(iter(metrics)) if len(metrics) == 1 else "" for raw, metrics in sorted(seen.items())}


def find_metric(normalized: str, names=None, index: Optional[MetricIndex] = None) -> tuple[str, str, int]:
    """``(canonical, as written, start)`` of the longest metric the question writes, or ``("", "", -1)``.

    ``names`` are further metric names to look for (those the index's records carry, so a metric
    the vocabulary lacks is still found): a list, or a mapping to the metric each stands for
    (:func:`record_metric_names`); the vocabulary's variants map to their canonical name.
    """
    index = index or default_index()
    found: list[tuple[int, int, str]] = [(a, b, canon) for a, b, canon in index.mentions(normalized)]
    mapped = names if isinstance(names, dict) else {}
    for name in names or ():
        if len(name) >= 2:
            at = normalized.find(name)
            if at >= 0:
                found.append((at, at + len(name), mapped.get(name) or index.lookup(name) or name))
    if not found:
        return "", "", -1
    # 一般公共预算收入中，税收收入是多少: a part of a total is asked, not the total
    whole = [m for m in found if re.match(r"中[，,]?", normalized[m[1] : m[1] + 1])]
    if whole:
        after = [m for m in found if m[0] > min(w[1] for w in whole)]
        found = after or found
    a, b, canon = max(found, key=lambda m: (m[1] - m[0], -m[0]))
    return canon, normalized[a:b], a


def _asked_years(query: Query) -> tuple[int, ...]:
    """The question's years without a base year it compares against, nor (unless it asks how a figure
    changed) the first year of a period (2015年以来); each kept when it is the only year written."""
    text = query.normalized
    base = {int(m.group(1)) for m in _BASE_YEAR.finditer(text)}
    if not _TREND.search(text) and not query.years_spanned:
        # Only a period in a clause of its own (2015年以来…，2019年…): 2015年以来至2019年 is one span.
        for clause in _CLAUSE_BREAK.split(text):
            since = {int(m.group(1)) for m in _SINCE_YEAR.finditer(clause)}
            if since and not set(years_in(clause)) - since:
                base |= since
    kept = tuple(y for y in query.years if y not in base)
    return kept if kept else query.years


def _series_shape(rest: str, years: tuple[int, ...], spanned: tuple[int, ...]) -> str:
    """``ranking``, ``trend`` or "" for a question that names a metric."""
    if _RANKING.search(rest):
        return "ranking"
    if spanned or len(set(years)) >= 2 or (not years and _TREND.search(rest)):
        return "trend"
    return ""


def understand(query: Query, *, metric_names=None) -> Query:
    """``query`` with ``metric``, ``metric_raw``, ``kind``, ``shape`` and ``measure`` filled in."""
    canon, raw, at = find_metric(query.normalized, metric_names)
    # The shape is read around the metric: 进出口总额 names a metric, it does not ask for a total.
    rest = query.normalized if at < 0 else query.normalized[:at] + "|" + query.normalized[at + len(raw):]
    years = _asked_years(query)
    shape = (_series_shape(rest, years, query.years_spanned) if canon else "") or _shape(rest)
    measure = ("rate" if _RATE_MEASURE.search(rest) else "quantity") if shape in ("trend", "ranking") else ""
    return replace(query, years=years, metric=canon, metric_raw=raw, kind=_kind(rest), shape=shape,
                   measure=measure, total=bool(_TOTAL.search(rest)))


__all__ = ["understand", "find_metric", "record_metric_names"]
