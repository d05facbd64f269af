"""What the named-list readers share: the counted name asked about, an item found, and the report read.

:mod:`.named_lists` finds the items of a named enumeration (“六个攻坚战”, 三项重点) in a report;
:mod:`.numbered_items` reads the ones numbered after the name.  Both work on a report's normalized,
simplified text and return :class:`FoundItem` spans in it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Optional

from ..core.types import NormalizedText, Section

__all__ = ["COUNT", "CLASSIFIER", "OPEN_QUOTES", "CLOSE_QUOTES", "MAX_ITEM", "PARA_ORDINAL", "NamedList",
           "FoundItem", "ListDoc", "split_items", "trim_item", "lead_item"]

COUNT = r"[一二两三四五六七八九十]{1,3}|\d{1,2}"
CLASSIFIER = r"个|项|大|条|件|篇|方面|类|种|张"
OPEN_QUOTES, CLOSE_QUOTES = "“\"‘「", "”\"’」"
_SEP = re.compile(r"[、,，;；]")
PARA_ORDINAL = re.compile(r"(?P<n>[一二三四五六七八九十]{1,3})是")
MAX_ITEM = 80  # characters of an item shown; longer leads are cut at a comma


@dataclass(frozen=True)
class NamedList:
    """What the question names: ``count`` items, printed as ``term`` (or, when the count stands outside
    the quotes, items opening with ``term``), whose names end with ``head`` ("" = unknown)."""

    count: int
    term: str
    head: str = ""
    count_outside: bool = False


@dataclass
class FoundItem:
    """One listed item: its text and span in normalized coordinates."""

    text: str
    start: int
    end: int


@dataclass
class ListDoc:
    """A report as the readers see it: its normalized text and its outline sections."""

    norm: NormalizedText
    sections: list[Section] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)  # each section's original start, for bisect

    def __post_init__(self) -> None:
        self.starts = [sec.start for sec in self.sections]

    def section_at(self, pos: int, slack: int = 0) -> Optional[int]:
        """Index of the first numbered section whose heading starts within ``slack`` of normalized ``pos``."""
        if pos >= len(self.norm.simplified):
            return None
        orig = self.norm.to_original(pos, pos + 1).start
        i = bisect.bisect_left(self.starts, orig - slack)
        while i < len(self.sections) and self.starts[i] <= orig + slack:
            if self.sections[i].level >= 1:
                return i
            i += 1
        return None


def split_items(s: str, a: int, b: int, sep: re.Pattern = _SEP) -> list[FoundItem]:
    """The items of ``s[a:b]`` between matches of ``sep``, trimmed (an empty or one-character part is none)."""
    out: list[FoundItem] = []
    pos = a
    for m in list(sep.finditer(s, a, b)) + [None]:
        end = m.start() if m else b
        item = trim_item(s, pos, end)
        if item:
            out.append(item)
        pos = m.end() if m else b
    return out


def trim_item(s: str, a: int, b: int) -> Optional[FoundItem]:
    while a < b and s[a] in " \t\u3000\n" + OPEN_QUOTES + CLOSE_QUOTES:
        a += 1
    while b > a and s[b - 1] in " \t\u3000\n。" + OPEN_QUOTES + CLOSE_QUOTES:
        b -= 1
    return FoundItem(s[a:b], a, b) if b - a >= 2 else None


def lead_item(s: str, a: int, line_end: int) -> Optional[FoundItem]:
    """The lead sentence of an item starting at ``a`` (to 。/；/colon, at most :data:`MAX_ITEM` characters)."""
    stop = next((i for i in range(a, line_end) if s[i] in "。;；:："), line_end)
    if stop - a > MAX_ITEM:
        comma = s.rfind(",", a, a + MAX_ITEM)
        stop = comma if comma > a else a + MAX_ITEM
    return trim_item(s, a, stop)
