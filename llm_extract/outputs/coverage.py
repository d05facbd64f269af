"""Figures a document prints that no record covers: what a reviewer of a records run should look at.

A figure is a number with a unit or a percent sign (``162.4亿元``, ``6.5%``, ``xx万元``); years,
dates and spans of time (三年, 6个月) are not figures.  A figure is covered when some record's span
overlaps it.  Notes (注：…, 资料来源…) are left out: their figures are definitions, not statements.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..text.notes import note_spans
from ..text.numbers import find_quantities
from ..text.segments import sentence_spans, trimmed

_NOT_FIGURES = {"年", "个月", "天", "日", "小时", "分钟", "周"}


@dataclass
class Uncovered:
    """One sentence (original offsets) and the figures in it that no record covers."""

    start: int
    end: int
    figures: list[tuple[int, int]]


def uncovered_figures(original: str, start: int, end: int, spans: list[tuple[int, int]]) -> list[Uncovered]:
    """Sentences of ``original[start:end]`` holding figures outside every span of ``spans``."""
    text = original[start:end]
    notes = note_spans(text)
    misses: list[tuple[int, int]] = []
    for q in find_quantities(text, include_placeholders=True):
        if not q.unit or q.unit in _NOT_FIGURES:
            continue
        a, b = start + q.start, start + q.end
        if any(s < b and a < e for s, e in spans) or any(s <= q.start < e for s, e in notes):
            continue
        misses.append((a, b))
    out: list[Uncovered] = []
    i = 0
    for sa, sb in sentence_spans(text):
        inside = []
        while i < len(misses) and misses[i][0] < start + sb:
            if misses[i][0] >= start + sa:
                inside.append(misses[i])
            i += 1
        cut = trimmed(text, sa, sb)
        if inside and cut:
            out.append(Uncovered(start + cut[0], start + cut[1], inside))
    return out


__all__ = ["Uncovered", "uncovered_figures"]
