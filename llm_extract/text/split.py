"""Split a page that holds several reports into one range per report.

Aggregator sites paste several towns' reports onto one page under markers
such as ``【第一篇】`` or ``第二篇:``.  Kept apart from
:mod:`llm_extract.text.normalize` because it is a consumer of normalization, not a
step of it: it normalizes the page, looks for trustworthy markers in the
simplified text and maps the parts back to original offsets.
"""

from __future__ import annotations

import re
from typing import Optional

from .chrome import is_weak_line
from .normalize import normalize

__all__ = ["split_reports"]

_NUM = "0-9一二三四五六七八九十百两"
_R_MARK_BRACKET = re.compile(
    rf"^[【\[]\s*(?:第\s*([{_NUM}]+)\s*篇|篇\s*([{_NUM}]+))\s*[】\]]?\s*[:、.]?\s*"
)
_R_MARK_PLAIN = re.compile(rf"^(?:第\s*([{_NUM}]+)\s*篇|篇\s*([{_NUM}]+))\s*[:、.]?\s*")
_R_COUNT = re.compile(r"[(\[【]?\s*[二三四五六七八九十两\d]+\s*篇\s*[)\]】]?")
_R_CHAPTER = re.compile(r"^第[一二三四五六七八九十\d]+章", re.M)
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _cn_number(s: str) -> int:
    if s.isdigit():
        return int(s)
    if s in _CN_DIGITS:
        return _CN_DIGITS[s]
    if "十" in s:
        tens, _, ones = s.partition("十")
        return _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0)
    return -1


def _line_starts(text: str) -> list[int]:
    starts = [0]
    pos = text.find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


def _is_report_text(segment: str) -> bool:
    return any(len(ln) >= 50 or "。" in ln for ln in segment.split("\n"))


def _find_marks(text: str, simp: str, starts: list[int], lines: list[str]) -> list[tuple[int, int, int]]:
    """``(line start, title start, number)`` of the report markers worth trusting."""

    def find(regex: re.Pattern, max_len: int) -> list[tuple[int, int, int]]:
        found = []
        for k, (a, ln) in enumerate(zip(starts, lines)):
            m = regex.match(ln)
            if m and len(ln) <= max_len:
                nxt = starts[k + 1] if k + 1 < len(starts) else len(text)
                found.append((a, a + m.end(), _cn_number(m.group(1) or m.group(2)), nxt))
        # A table of contents lists the markers without text: skip those lines.
        kept = []
        for i, (a, t, num, nxt) in enumerate(found):
            seg_end = found[i + 1][0] if i + 1 < len(found) else len(text)
            if _is_report_text(text[nxt:seg_end]):
                kept.append((a, t, num))
        return kept

    marks = find(_R_MARK_BRACKET, 200)
    if len({num for _, _, num in marks}) >= 2:
        return marks
    plain = find(_R_MARK_PLAIN, 60)
    nums = [num for _, _, num in plain]
    header = simp[: plain[0][0]] if plain else ""
    # Unbracketed "第一篇" also heads parts of long plans: trust it only when
    # numbered 1..k and the page announces its count or has no chapters.
    if len(plain) >= 2 and nums == list(range(1, len(plain) + 1)) and (
        _R_COUNT.search(header) or not _R_CHAPTER.search(simp)
    ):
        return plain
    return []


def split_reports(original: str, start: int = 0, end: Optional[int] = None) -> list[tuple[int, int, str]]:
    """One ``(start, end, title)`` per report of ``original[start:end]``, in original offsets.

    Chrome (site header, related-article lists) is left out of every range;
    a page without report markers gives one range over its content.  A range
    lets a very large file be split part by part without normalizing it whole.
    """
    nt = normalize(original, start, end)
    text, simp = nt.text, nt.simplified
    if not text:
        return []
    starts = _line_starts(text)
    lines = [simp[a : (starts[i + 1] - 1 if i + 1 < len(starts) else len(simp))] for i, a in enumerate(starts)]
    marks = _find_marks(text, simp, starts, lines)

    def orig_range(a: int, b: int) -> Optional[tuple[int, int]]:
        seg = text[a:b]
        b = a + len(seg.rstrip())
        a = a + (len(seg) - len(seg.lstrip()))
        if a >= b:
            return None
        return nt.src_start[a], nt.src_end[b - 1]

    if not marks:
        first = lines[0]
        title = text[: len(first)] if is_weak_line(first) and len(starts) > 1 else ""
        rng = orig_range(0, len(text))
        return [(rng[0], rng[1], title)] if rng else []

    bounds = [a for a, _, _ in marks] + [len(text)]
    if _is_report_text(text[: bounds[0]]):
        bounds[0] = 0  # the page holds text before the first marker: keep it
    out: list[tuple[int, int, str]] = []
    for k, (a, title_start, _) in enumerate(marks):
        rng = orig_range(bounds[k], bounds[k + 1])
        if rng is None:
            continue
        line_end = text.find("\n", a)
        line_end = len(text) if line_end < 0 else line_end
        title = text[title_start:line_end].strip().strip("】]").strip()
        out.append((rng[0], rng[1], title))
    return out
