"""Heading hierarchy of Chinese official documents.

:func:`parse_outline` cuts a normalized report into a flat, ordered list of
:class:`~llm_extract.core.types.Section` segments.  Each segment runs from one
heading to the next heading of any level, so the segments tile the text; the
first one is a preface (``path == []``, ``level == 0``) when there is text
before the first heading.

Numbering styles and their *rank* (smaller = outer)::

    第一部分 / 第一章        0
    一、                     1
    （一） / (一)            2
    1. / 1、 / 1．           3
    （1） / (1)              4
    ①                        5

An unnumbered line is a heading only when it is short (at most
:data:`UNNUMBERED_MAX` characters, mostly CJK), has no sentence end, colon or
trailing comma, is not the first line of the text (that is the document's
title, kept in the preface), and the next line is prose (has a full stop, or
is long and has commas).  Such lines (``2008年工作安排``, ``主要工作``) get a fractional
rank chosen from context: if the next numbered heading restarts its numbering
(ordinal 1), the line is the parent of that list (rank just above it: this is
how ``2008年工作安排`` becomes the parent of ``一、总体思路``); otherwise it
nests just inside the deepest open heading.  Ranks only order the nesting:
``Section.level`` is the depth of the heading in the tree (``len(path)``).
For a document whose outline is complete this gives the usual levels
(一、 = 1, （一） = 2, 1. = 3 …); a ``第X部分`` or an unnumbered banner above
``一、`` pushes everything below it one level down, and a skipped level
(``(1)`` directly under ``一、``) does not leave a hole.

Where a heading may start
    * at the start of a line (after indentation): any numbering is accepted,
      because printed documents do contain typos (``五、`` after ``六、``);
    * inline, right after a full stop (``。！？!?``): only styles of rank 0–4
      (a ``①`` inside a paragraph is a list item), only when the number is
      plausible (ordinal 1, or at most three more than the previous heading of
      the same style under the same parent), and not when the run-in text ends
      at a semicolon.  Markers after a semicolon are never headings:
      ``…：一、扩大投资；二、促进消费；三、稳定外贸。`` is a list;
    * inline, right where the title of an inline heading is cut (see below),
      only as the next number of the same style or the first of a deeper one
      (``二、奋斗目标三、主要任务`` from a page without line breaks).

Where a heading's title ends
    The title is the marker plus at most :data:`TITLE_MAX` characters, and
    stops earlier at the end of the line, at ``。！？；!?;：:``, or at a run of
    spaces.  For inline headings, whose body follows without any break, it also
    stops before a year (``一、总体思路2008年工作的总体思路是``) and before
    another heading marker (``…打造“四个小雄”一、三区…``), once the title has a
    few characters of its own.

False positives guarded against: decimals and dates (``1.5亿元``,
``2.8%``, ``2013.01.22``), enumerations (``一、二、三产业``, ``1、2月份``),
markers in the middle of a sentence (``按第(一)项``), ``1.`` inside a
sentence.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..core.types import NormalizedText, Section
from .places import OFFICE_SUFFIXES

#: Characters of a heading title after its marker (the rest is body text).
TITLE_MAX = 30
#: Longest line that can be an unnumbered heading.
UNNUMBERED_MAX = 25

_FULL_STOP = "。！？!?"
_TITLE_STOP = "。！？；!?;：:"
_SPACE = " \t\u3000\xa0"
_CN_VALUE = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# One alternative per numbering style; the group name says which.
_MARKER = re.compile(
    r"(?:"
    r"第(?P<part>[零〇一二三四五六七八九十百两\d]{1,4})(?:部分|章)"
    r"|(?P<cn>[一二三四五六七八九十]{1,3})[、．]"
    r"|[（(](?P<pcn>[一二三四五六七八九十]{1,3})[）)]"
    r"|(?P<ar>\d{1,2})(?:[、．]|\.(?!\d))"
    r"|[（(](?P<par>\d{1,2})[）)]"
    r"|(?P<circ>[①-⑳])"
    r")"
    # ``(二)、发展目标``: a stray 、 after the marker, then optional spaces.
    r"(?:、)?[ \t\u3000\xa0]*"
)
_RANK = {"part": 0, "cn": 1, "pcn": 2, "ar": 3, "par": 4, "circ": 5}

# What may not follow a marker: the marker was a number in a list or a value.
_LIST_AFTER = re.compile(r"[一二三四五六七八九十]{1,3}[、，,]|[（(][一二三四五六七八九十\d]{1,2}[）)]")
# Inline cut points of a run-in title.
_YEAR = re.compile(r"\d{4}年")
_INNER_MARKER = re.compile(r"[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,2}[）)]|[①-⑳]")
_SPACE_RUN = re.compile(r"[ \t\xa0]{2,}|[\t\u3000]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NOT_UNNUMBERED = re.compile(r"[。！？；!?;：:>|@]|https?|www\.", re.IGNORECASE)
# The speaker's line under a report's title (省长 某某, 自治区人民政府主席 某某, 县长某某): a name, not a heading.
_SPEAKER = re.compile(rf"(?:代理)?(?:[{OFFICE_SUFFIXES}]长|主席)\s*[\u4e00-\u9fff·]{{2,4}}")
# A heading may open with a quoted name (“十四五”时期发展成就和2025年工作回顾); a quoted line is no heading.
_QUOTED_LEAD = re.compile(r"“[^”]{1,12}”[\u4e00-\u9fff]{4,}")


def cn_to_int(text: str) -> int | None:
    """Value of a small Chinese or Arabic numeral (``十二`` -> 12), None if not one."""
    if not text:
        return None
    if text.isdecimal():
        return int(text)
    if "百" in text:
        head, _, tail = text.partition("百")
        hundreds = _CN_VALUE.get(head, 1 if not head else -1)
        rest = cn_to_int(tail.lstrip("零〇")) if tail else 0
        if hundreds < 0 or rest is None:
            return None
        return hundreds * 100 + rest
    if "十" in text:
        head, _, tail = text.partition("十")
        tens = _CN_VALUE.get(head, 1 if not head else -1)
        ones = _CN_VALUE.get(tail, 0 if not tail else -1)
        if tens < 0 or ones < 0 or "十" in tail:
            return None
        return tens * 10 + ones
    if len(text) == 1 and text in _CN_VALUE:
        return _CN_VALUE[text]
    return None


@dataclass
class _Marker:
    pos: int  # where the marker starts (normalized)
    rank: float
    ordinal: int
    body: int  # where the title text after the marker starts


@dataclass
class _Heading:
    pos: int
    title_end: int
    rank: float
    title: str
    path: list[str]


@dataclass
class _State:
    """Open headings and the last number seen per style under the current parent."""

    stack: list[tuple[float, str]] = field(default_factory=list)
    last_ord: dict[float, int] = field(default_factory=dict)

    def push(self, rank: float, title: str, ordinal: int | None) -> list[str]:
        """Open a heading; returns its path (titles of the open headings, outermost first)."""
        while self.stack and self.stack[-1][0] >= rank:
            self.stack.pop()
        self.stack.append((rank, title))
        for r in [r for r in self.last_ord if r > rank]:
            del self.last_ord[r]
        if ordinal is not None:
            self.last_ord[rank] = ordinal
        return [t for _, t in self.stack]


def match_marker(s: str, pos: int) -> _Marker | None:
    """The numbering marker at ``s[pos]`` if it passes the false-positive guards."""
    m = _MARKER.match(s, pos)
    if not m:
        return None
    kind = m.lastgroup
    ordinal = _CIRCLED.index(m.group(kind)) + 1 if kind == "circ" else cn_to_int(m.group(kind))
    if ordinal is None or ordinal < 1:
        return None
    body = m.end()
    if body >= len(s) or s[body] in "\r\n":
        return None  # a bare number on its own line is not a heading
    nxt = s[body]
    if nxt in "、，,。；;：:)）%％‰":
        return None
    if kind == "ar" and (nxt.isdigit() or nxt in ".．"):
        return None  # 1.5亿元, 1、2月份, 2.8%
    if _LIST_AFTER.match(s, body):
        return None  # 一、二、三产业 / （一）、（二）两项: numbers listed, not a heading
    return _Marker(pos=pos, rank=_RANK[kind], ordinal=ordinal, body=body)


def _line_end(s: str, pos: int) -> int:
    end = s.find("\n", pos)
    return len(s) if end < 0 else end


def _title_end(s: str, mk: _Marker, inline: bool) -> tuple[int, str]:
    """End of the heading title and the character that stopped it ('' if none)."""
    limit = min(_line_end(s, mk.body), mk.body + TITLE_MAX)
    end, stop = limit, ""
    for i in range(mk.body, limit):
        if s[i] in _TITLE_STOP:
            end, stop = i, s[i]
            break
    sp = _SPACE_RUN.search(s, mk.body + 1, end)
    if sp:
        end, stop = sp.start(), ""
    if inline:
        # Body text runs straight on: a year or another marker a few characters
        # in is where the title most likely ended.
        y = _YEAR.search(s, mk.body + 4, end)
        if y:
            end, stop = y.start(), ""
        im = _INNER_MARKER.search(s, mk.body + 2, end)
        if im:
            end, stop = im.start(), "marker"
    while end > mk.body and s[end - 1] in _SPACE:
        end -= 1
    return end, stop


def _candidate_positions(s: str) -> list[tuple[int, bool]]:
    """(position, inline) of every place a numbered heading may start."""
    out: dict[int, bool] = {}
    starts = [0] + [m.end() for m in re.finditer("\n", s)]
    for p in starts:
        while p < len(s) and s[p] in _SPACE:
            p += 1
        if p < len(s) and s[p] != "\n":
            out[p] = False
    # Not after a semicolon: ``…；二、促进消费；三、稳定外贸。`` is a list.
    for m in re.finditer(f"[{_FULL_STOP}]+[”’」』）)\"']*", s):
        p = m.end()
        while p < len(s) and s[p] in _SPACE:
            p += 1
        if p < len(s) and s[p] != "\n" and p not in out:
            out[p] = True
    return sorted(out.items())


def _is_body_line(line: str) -> bool:
    """Prose: a sentence end, or a long line with clause commas (not a ``发布时间:…`` line)."""
    line = line.strip()
    if any(c in line for c in _FULL_STOP):
        return True
    return len(line) > UNNUMBERED_MAX and any(c in line for c in "，,；;")


def _unnumbered_headings(s: str) -> dict[int, int]:
    """{line start: title end} of short unnumbered heading lines followed by body text."""
    lines: list[tuple[int, str]] = []
    pos = 0
    for raw in s.split("\n"):
        lines.append((pos, raw))
        pos += len(raw) + 1
    nonempty = [(p, ln) for p, ln in lines if ln.strip()]
    out: dict[int, int] = {}
    # The first line is the document's own title, part of the preface.
    for k in range(1, len(nonempty) - 1):
        p, ln = nonempty[k]
        text = ln.strip()
        lead = len(ln) - len(ln.lstrip())
        n_cjk = len(_CJK.findall(text))
        if not (2 <= len(text) <= UNNUMBERED_MAX) or n_cjk < 2 or n_cjk * 2 < len(text):
            continue  # too long for a heading, or mostly digits and symbols (2013.01.22)
        if _NOT_UNNUMBERED.search(text):
            continue
        if text[-1] in "、，," or (text[0] in "【《•·●■□◆-—*>\"“" and not _QUOTED_LEAD.match(text)):
            continue
        speaker = _SPEAKER.search(text)
        if speaker is not None and speaker.end() == len(text):
            continue
        if match_marker(s, p + lead) is not None or not _is_body_line(nonempty[k + 1][1]):
            continue
        out[p + lead] = p + lead + len(text)
    return out


def _find_headings(s: str) -> list[_Heading]:
    """Accepted headings in reading order, each with its path."""
    unnumbered = _unnumbered_headings(s)
    numbered = _candidate_positions(s)
    markers = {p: match_marker(s, p) for p, _ in numbered}
    pending: list[tuple[int, str]] = [(p, "inline" if inl else "line") for p, inl in numbered]
    pending += [(p, "unnumbered") for p in unnumbered if p not in markers or markers[p] is None]
    pending.sort()
    marker_positions = [p for p, _ in numbered if markers[p] is not None]

    state = _State()
    headings: list[_Heading] = []
    i = 0
    while i < len(pending):
        pos, kind = pending[i]
        i += 1
        if headings and pos < headings[-1].title_end:
            continue
        if kind == "unnumbered":
            rank = _unnumbered_rank(state, markers, marker_positions, pos)
            title = s[pos:unnumbered[pos]].strip()
            path = state.push(rank, title, None)
            headings.append(_Heading(pos, unnumbered[pos], rank, title, path))
            continue
        mk = markers.get(pos) if kind != "cut" else match_marker(s, pos)
        if mk is None:
            continue
        inline = kind != "line"
        if inline and not _plausible_inline(state, mk, kind, headings):
            continue
        end, stop = _title_end(s, mk, inline)
        if inline and stop in (";", "；"):
            continue  # run-in text ending at a semicolon: an item of a list
        title = s[pos:end].strip()
        path = state.push(mk.rank, title, mk.ordinal)
        headings.append(_Heading(pos, end, mk.rank, title, path))
        if stop == "marker":
            # The title was cut at another marker: it may be the next heading.
            pending.insert(i, (end, "cut"))
    return headings


def _plausible_inline(state: _State, mk: _Marker, kind: str, headings: list[_Heading]) -> bool:
    """Whether an inline marker continues the numbering well enough to be a heading."""
    if mk.rank >= 5:
        return False
    if kind == "cut":
        prev = headings[-1]
        if mk.rank == prev.rank:
            return state.last_ord.get(mk.rank) == mk.ordinal - 1
        return mk.rank > prev.rank and mk.ordinal == 1
    if mk.ordinal == 1:
        return True
    last = state.last_ord.get(mk.rank)
    return last is not None and last < mk.ordinal <= last + 3


def _unnumbered_rank(state: _State, markers: dict, marker_positions: list[int], pos: int) -> float:
    """Parent of the list that restarts after it, else a child of the deepest open heading."""
    k = bisect.bisect_right(marker_positions, pos)
    if k < len(marker_positions):
        nxt = markers[marker_positions[k]]
        if nxt.ordinal == 1:
            return nxt.rank - 0.5
    return state.stack[-1][0] + 0.5 if state.stack else 0.5


def parse_outline(norm: NormalizedText) -> list[Section]:
    """Flat list of consecutive sections covering all of ``norm.text``.

    Offsets are original offsets: the first section starts at
    ``norm.base_start``, the last ends at ``norm.base_end``, and each section
    ends where the next one starts, so every original offset of the report
    falls in exactly one section.  Titles are taken from ``norm.simplified``.
    """
    s = norm.simplified
    n = len(s)
    if n == 0:
        return []
    first = min(norm.base_start, norm.src_start[0])
    last = max(norm.base_end, norm.src_end[-1])

    headings = _find_headings(s)
    # (normalized start, title, level, path, title_end)
    segs: list[tuple[int, str, int, list[str], int]] = []
    if not headings or s[: headings[0].pos].strip():
        segs.append((0, "", 0, [], 0))
    for h in headings:
        segs.append((h.pos, h.title, len(h.path), h.path, h.title_end))

    sections: list[Section] = []
    for k, (pos, title, level, path, title_end) in enumerate(segs):
        start = first if k == 0 else norm.src_start[pos]
        end = norm.src_start[segs[k + 1][0]] if k + 1 < len(segs) else last
        heading_end = norm.src_end[title_end - 1] if title_end > pos else start
        sections.append(Section(title=title, level=level, path=path, start=start, end=end,
                                heading_end=max(start, min(heading_end, end))))
    return sections
