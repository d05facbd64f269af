"""Items numbered right after a named list (三项重点：一是…；二是…, 六个“打造”＋（一）…（六） headings).

When the name ends its line or stands in a heading, its items are the run of sibling outline headings
numbered from 一/（一）/1 while the numbering continues, or the paragraphs opening with 一是/二是…, or
一是…；二是… / （1）…（2）… inside the paragraph that names the list; a name whose count stands outside
its quotes (六个“主攻”) may instead open a run of sibling headings (:func:`heading_group`).  Offsets
are normalized, as in :mod:`.named_lists`.
"""

from __future__ import annotations

import bisect
import re
from typing import Optional

from ..core.types import NormalizedText, Section
from .list_spans import CLOSE_QUOTES, PARA_ORDINAL, FoundItem, ListDoc, NamedList, lead_item
from .outline import cn_to_int

__all__ = ["numbered_after", "heading_group"]


def numbered_after(doc: ListDoc, end: int, n: int) -> Optional[list[FoundItem]]:
    """Items numbered right after the name: sibling outline headings, or 一是/二是 paragraphs or clauses."""
    s = doc.norm.simplified
    line_end = s.find("\n", end)
    line_end = len(s) if line_end < 0 else line_end
    inline = _inline_ordinals(s, end, line_end, n)
    if inline is not None:
        return inline
    rest = s[end:line_end].strip(CLOSE_QUOTES + " \t\u3000")
    # 十个方面工作：— the name's noun may go on a few words before the colon that leads to the parts
    if not _in_heading(doc, end) and rest.strip(":：。") and not re.fullmatch(r"[\u4e00-\u9fff]{1,4}[:：]", rest):
        return None  # the name is not what the line leads to (a slogan naming several lists, then the parts)
    nxt = line_end + 1
    while nxt < len(s) and s[nxt] in " \t\u3000\n":
        nxt += 1
    if nxt >= len(s) or nxt - end > 200:
        return None
    heading = _heading_at(doc, nxt)
    if heading is not None:
        return _siblings(doc, heading, n)
    return _paragraph_ordinals(doc, nxt, n)


def _in_heading(doc: ListDoc, pos: int) -> bool:
    orig = doc.norm.to_original(max(0, pos - 1), pos).start
    return any(sec.level >= 1 and sec.start <= orig < sec.heading_end for sec in doc.sections)


# Items numbered in brackets inside the paragraph: （1）A。（2）B… (一是A；二是B… is PARA_ORDINAL)
_BRACKETED_ORDINAL = re.compile(r"[(（](?P<n>[一二三四五六七八九十]{1,3}|\d{1,2})[)）]")


def _inline_ordinals(s: str, end: int, line_end: int, n: int) -> Optional[list[FoundItem]]:
    """``…：一是A；二是B；三是C。`` or ``办好“十件实事”。（1）A…（2）B…`` within the paragraph that names
    the list."""
    firsts = [(i, rx) for i, rx in ((s.find("一是", end, line_end), PARA_ORDINAL),
                                    (_first_bracketed(s, end, line_end), _BRACKETED_ORDINAL)) if i >= 0]
    if not firsts:
        return None
    first, rx = min(firsts, key=lambda f: f[0])
    between = s[end:first].strip(CLOSE_QUOTES)
    if rx is _BRACKETED_ORDINAL:
        between = between[:-1]  # 办好“十件实事”。（1）…: the sentence naming the list may end right before its items
    if first - end > 40 or re.search(r"[。!?！？]", between):
        return None  # …“两个攻坚战”，成效明显。抓了两件事：一是…: another sentence's list
    seq = []
    for m in rx.finditer(s, first, line_end):  # read lazily: a long paragraph is read once
        k = int(m.group("n")) if m.group("n").isdigit() else cn_to_int(m.group("n"))
        if k != len(seq) + 1 or len(seq) == n:
            return None  # the numbering restarts or runs on: not (only) this list's items
        seq.append(m)
    if len(seq) != n:
        return None
    out = []
    for k, m in enumerate(seq):
        stop = seq[k + 1].start() if k + 1 < len(seq) else line_end
        if item := lead_item(s, m.start(), stop):
            out.append(item)
    return out if len(out) == n else None


def _first_bracketed(s: str, end: int, line_end: int) -> int:
    m = _BRACKETED_ORDINAL.search(s, end, min(line_end, end + 60))
    return m.start() if m and m.group("n") in ("1", "一") else -1


def _heading_at(doc: ListDoc, pos: int) -> Optional[int]:
    """Index of the outline section whose heading starts at normalized ``pos`` (numbered 1)."""
    i = doc.section_at(pos, slack=1)
    if i is None:
        return None
    return i if re.match(r"^(?:第一|一、|[(（]一[)）]|1[、.．]|[(（]1[)）]|①)", doc.sections[i].title) else None


def _siblings(doc: ListDoc, first: int, n: int) -> Optional[list[FoundItem]]:
    """The heading at ``first`` and the headings after it under the same parent, at its level."""
    head = doc.sections[first]
    parent = head.path[:-1]
    found: list[Section] = []
    for sec in doc.sections[first:]:
        if sec.level < head.level or sec.path[: len(parent)] != parent:
            break
        if sec.level == head.level:
            if _ordinal(sec.title) != len(found) + 1:
                break  # the numbering stops (or a misprinted 五、 follows 六、): the list has ended
            found.append(sec)
    if len(found) != n:
        return None
    return [_heading_item(doc, sec) for sec in found]


def _ordinal(title: str) -> Optional[int]:
    from .outline import match_marker

    mk = match_marker(title, 0)
    return mk.ordinal if mk else None


def _heading_item(doc: ListDoc, sec: Section) -> FoundItem:
    a = _norm_pos(doc.norm, sec.start)
    b = _norm_pos(doc.norm, sec.heading_end)
    s = doc.norm.simplified
    line_end = s.find("\n", a)
    item = lead_item(s, a, max(b, line_end if line_end >= 0 else len(s)))
    return item or FoundItem(s[a:b], a, b)


def _norm_pos(norm: NormalizedText, orig: int) -> int:
    return min(len(norm.simplified), bisect.bisect_left(norm.src_start, orig))


def _paragraph_ordinals(doc: ListDoc, start: int, n: int) -> Optional[list[FoundItem]]:
    """Paragraphs opening with 一是, 二是 … from ``start``, until the numbering restarts or a heading
    of the outline's first two levels begins."""
    s = doc.norm.simplified
    out: list[FoundItem] = []
    pos = start
    while pos < len(s):
        end = s.find("\n", pos)
        end = len(s) if end < 0 else end
        p0 = pos + len(s[pos:end]) - len(s[pos:end].lstrip())
        m = PARA_ORDINAL.match(s, p0)
        if m:
            k = cn_to_int(m.group("n"))
            if k != len(out) + 1:
                break
            if item := lead_item(s, p0, end):
                out.append(item)
        elif not out:
            return None  # the numbering must begin right after the name
        elif (h := doc.section_at(p0)) is not None and doc.sections[h].level <= 2:
            break
        pos = end + 1
    return out if len(out) == n else None


def heading_group(doc: ListDoc, named: NamedList) -> Optional[list[FoundItem]]:
    """Sibling headings that open with the quoted word (（一）主攻产业转型 … for 六个“主攻”)."""
    groups: dict[tuple, list[Section]] = {}
    for sec in doc.sections:
        title = re.sub(r"^(?:第[一二三四五六七八九十\d]+(?:部分|章)|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|"
                       r"\d+[、.．]|[①-⑳])\s*", "", sec.title)
        if sec.level >= 1 and title.startswith(named.term):
            groups.setdefault((tuple(sec.path[:-1]), sec.level), []).append(sec)
    fits = [g for g in groups.values() if len(g) == named.count]
    return [_heading_item(doc, sec) for sec in fits[0]] if len(fits) == 1 else None
