"""What a question asks for, read once by code: the metric it names, the kind of figure, the shape.

:func:`llm_extract.text.query.parse_query` reads what any stage can (normalized text, years, places,
numbers, subject words); this module adds what needs the metric vocabulary of the extract stage:

* ``metric`` — the longest metric name the question writes, canonical when the vocabulary knows it
  (规上工业增加值 → 规模以上工业增加值), with the words as written in ``metric_raw``;
* ``kind`` — ``target`` (目标/预期/计划/力争/确保), ``estimate`` (预计), else ``actual``;
* ``shape`` — ``rate`` (how much something grew: 增长/增速/增幅/下降/变化 with 多少/几),
  ``quantity`` (a figure: 多少/几/规模/总量), ``list`` (哪些/有哪些/分别/几个方面), or ``other``;
  a question asking two things at once (其中, 两个问号, 分别是多少) is ``compound``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional

from ..core.types import Query
from ..extract.vocab import MetricIndex, default_index

_TARGET = re.compile(r"目标|预期|计划|力争|确保|争取|打算|安排")
_ESTIMATE = re.compile(r"预计")
_RATE = re.compile(r"增长|增速|增幅|下降|减少|变化|变动|提高|回落|比上年|同比")
_ASKS_FIGURE = re.compile(r"多少|几|多大|多高|规模|总量|总额|是多少|达到|为何值")
_LIST = re.compile(r"哪些|有哪几|哪几|分别是|几个方面|哪[几些]个|包括什么|有什么")
_COMPOUND = re.compile(r"其中|分别.{0,6}多少|多少.{1,30}多少|[？?].+[？?]")
# A total is asked for in so many words (总量 / 是多少亿元): a growth rate does not answer it.
_TOTAL = re.compile(r"总量|总额|规模|多少(?:亿|万)?(?:元|吨|人|户|个|亩|千瓦)")


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


def find_metric(normalized: str, names: Optional[list[str]] = None,
                index: Optional[MetricIndex] = None) -> tuple[str, str, int]:
    """``(canonical, as written, start)`` of the longest metric the question writes, or ``("", "", -1)``.

    ``names`` are further metric names to look for (those the index's records carry, so a metric
    the vocabulary lacks is still found); the vocabulary's variants map to their canonical name.
    """
    index = index or default_index()
    found: list[tuple[int, int, str]] = [(a, b, canon) for a, b, canon in index.mentions(normalized)]
    for name in names or ():
        if len(name) >= 2:
            at = normalized.find(name)
            if at >= 0:
                found.append((at, at + len(name), index.lookup(name) or name))
    if not found:
        return "", "", -1
    a, b, canon = max(found, key=lambda m: (m[1] - m[0], -m[0]))
    return canon, normalized[a:b], a


def understand(query: Query, *, metric_names: Optional[list[str]] = None) -> Query:
    """``query`` with ``metric``, ``metric_raw``, ``kind`` and ``shape`` filled in."""
    canon, raw, at = find_metric(query.normalized, metric_names)
    # The shape is read around the metric: 进出口总额 names a metric, it does not ask for a total.
    rest = query.normalized if at < 0 else query.normalized[:at] + "|" + query.normalized[at + len(raw):]
    return replace(query, metric=canon, metric_raw=raw, kind=_kind(rest), shape=_shape(rest),
                   total=bool(_TOTAL.search(rest)))


__all__ = ["understand", "find_metric"]
