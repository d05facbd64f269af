"""Levels stated as a change from one value to another: ``X由2020年的A增加到2024年的B，年均增长c%``, or
as the level an increase reached (``X增加A亿元，达到B亿元``, ``X翻番达到B``).

A review of several years (十三五时期, 过去五年) prints its aggregates this way.  The statement's
figure is the later level ``B``, of the later year when one is printed; ``A`` is the base it is
compared with (no statement of its own), and a rate printed after ``B`` (年均增长c%) is ``B``'s.
:func:`changed_levels` finds where such a statement's later level stands and where its ``由``
begins, so the rules extractor (:mod:`.rules`) can read the metric named before ``由``.
Works on folded, simplified text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Sequence

from ..text.numbers import Quantity

__all__ = ["ChangedLevel", "changed_levels"]

_YEAR = r"(?:(?P<{name}>(?:19|20)\d\d)年(?:末|底)?(?:的)?)"
# From the opening 由/从 to the start of the later level: 由2020年的A增加到2024年的 / 从A提高到; the verb
# of the change is printed (从A到B不等 is a range, no change).
_FROM_TO_RE = re.compile(
    r"(?:由|从)\s*" + _YEAR.format(name="y1") + r"?\s*(?P<a>\d+(?:\.\d+)?)\s*(?P<unit>[\u4e00-\u9fff%]{0,4}?)\s*"
    r"(?:增加|增长|提高|提升|上升|扩大|跃升|攀升|下降|减少|降低|回落|增|升|降)\s*(?:到|至)\s*"
    + _YEAR.format(name="y2") + r"?\s*$"
)
# A level reached after the increase that got there: X增加近A亿元，稳步达到B亿元 / X翻番达到B (X is named
# before the increase, which opens the statement); the increase is an amount of the same unit, not a rate.
_GREW_TO_RE = re.compile(
    r"(?P<open>(?:增加|增长|提高|提升|扩大)\s*了?\s*(?:近|约|超过|超|逾)?\s*\d+(?:\.\d+)?\s*(?P<unit>[\u4e00-\u9fff]{1,3}?)"
    r"|翻了?[一两]?番|创(?:历史)?新高)\s*[，,]?\s*(?:稳步|进一步|持续|首次)?\s*(?:达到|达|增至|升至|突破)\s*$"
)
_LOOKBACK = 48  # characters before the later level a 由…到 phrase may take


@dataclass(frozen=True)
class ChangedLevel:
    opening: int  # offset of 由/从: the metric is named in the clause before it
    quantity: Quantity  # the later level
    year: Optional[str]  # its year when printed (由2020年的A增加到2024年的B -> "2024")


def changed_levels(folded: str, quantities: Sequence[Quantity]) -> list[ChangedLevel]:
    """Each level of ``quantities`` that ends a ``由A…到B`` statement of ``folded``, with where the
    statement opens; the base ``A`` must be a figure of the same unit (or printed without one)."""
    out: list[ChangedLevel] = []
    for q in quantities:
        if q.placeholder:
            continue
        start = max(0, q.start - _LOOKBACK)
        window = folded[start : q.start]
        cut = max(window.rfind("。"), window.rfind("；"), window.rfind(";"))
        m = _FROM_TO_RE.search(window, cut + 1)
        if m is None:
            grew = _GREW_TO_RE.search(window, cut + 1)
            if grew and (grew.group("unit") is None or (q.unit and grew.group("unit")[-1] == q.unit[-1])):
                out.append(ChangedLevel(start + grew.start(), q, None))
            continue
        if m.group("unit") and q.unit and m.group("unit")[-1] != q.unit[-1]:
            continue  # 由3个增加到12亿元: no base of the same measure (9800元 and 1.5万元 are)
        out.append(ChangedLevel(start + m.start(), q, m.group("y2")))
    return out
