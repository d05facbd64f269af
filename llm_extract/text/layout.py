"""Print layout in extracted text: page furniture and lines wrapped inside a sentence.

A PDF's text layer is a list of printed lines.  Chinese has no spaces, so a
sentence cut at the right margin (``全年食用菌收获面`` / ``积 2.59 万亩``) is two
lines that must read as one: otherwise a metric name cut at the wrap is never
found whole.  Between pages the text layer also carries page numbers
(``— 12 —``, ``第 3 页``) and running headers that belong to no sentence.

This module only *decides*, on plain (folded, simplified) lines:

* :func:`page_furniture` — which lines are page numbers or running headers;
* :func:`wrap_joins` — which line breaks are layout (the next line continues
  the sentence), so :func:`llm_extract.text.normalize.normalize` leaves them
  out of the normalized text.  The original text is never changed: a joined
  line break is still in ``original[start:end]`` of a chunk that spans it.

A line "continues" when the document is hard-wrapped (many lines share one
printed width and most of those end mid-sentence: true of PDF text layers and
hard-wrapped .txt files, false of .docx/.html paragraphs), the line is at
least ~85 % of that width, it does not end with sentence punctuation, it is
not a table row, and the next line does not start a heading, note, table or
list item.

Some exports are *double-spaced*: ``pdftotext -layout`` of a loosely set
page, or a text export, puts a blank line after every printed line.  Read as
paragraph breaks, those blanks would keep every wrapped sentence cut.  Where
nearly every gap between neighbouring lines is exactly one blank line (almost
no two lines touch), a single blank is layout and the line break across it is
judged like a plain one; a real paragraph break there shows as two or more
blank lines, an indented next line, or sentence punctuation at the line end.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

__all__ = ["page_furniture", "wrap_joins", "display_width", "PAGE_NUMBER_RE"]

# "— 12 —", "- 3 -", "第 3 页", "第3页 共21页", "3 / 21", "Page 3".
PAGE_NUMBER_RE = re.compile(
    r"^[-—–－―~]{1,2}\s*(\d{1,4})\s*[-—–－―~]{1,2}$"
    r"|^第\s*(\d{1,4})\s*页(\s*[/,，]?\s*共\s*\d{1,4}\s*页)?$"
    r"|^(\d{1,4})\s*/\s*\d{1,4}$"
    r"|^page\s*(\d{1,4})(\s*of\s*\d{1,4})?$",
    re.I,
)
_SENTENCE_PUNCT = re.compile(r"[。！？；，,;!?]")
_BARE_NUMBER = re.compile(r"^(\d{1,3})$")
_DIGITS = re.compile(r"\d+")

# Sentence-final punctuation (after closing quotes are stripped).  A colon is not: a full line ending
# in one ("其中：") runs on; short label lines ("注释：") are never full.
_END_PUNCT = "。！？；!?;…"
_CLOSING_QUOTES = "”’」』\"'"
# A line that starts a block of its own never continues the one before.
_BLOCK_START = re.compile(
    r"^([一二三四五六七八九十百]+[、.]"
    r"|[（(][一二三四五六七八九十\d]{1,3}[）)]"
    r"|\d{1,2}[、.．](?!\d)"
    r"|[①-⑳]|[\[〔【]\d{1,2}[\]〕】]"
    r"|第[一二三四五六七八九十百\d]+[章节条部分篇]"
    r"|[表图]\s*\d"
    r"|注[释解]?\s*\d*\s*[:：]|附[注件表录]|资料来源|数据来源|说明\s*[:：]"
    r"|[•·●◆◇▪■□○►▶])"
)
_CAPTION = re.compile(r"^\s*[表图]\s*\d")
# A table row: figures separated by spaces and no clause punctuation.
_NUMERIC_CELL = re.compile(r"(?:^|\s)[#+\-]?\d[\d.,%‰]*(?=\s|$)")
_CLAUSE_PUNCT = re.compile(r"[，。；：、,;]")

_MIN_WIDTH, _MAX_WIDTH = 18, 60  # printed line widths (in ideographs) of a hard-wrapped page
_FULL = 0.8  # a line this share of the page width or wider reaches the margin (digits and spaces are
# estimated narrow, so a justified line with figures measures short)


_SPACE_RUN = re.compile(r"\s+")


def display_width(line: str) -> float:
    """Printed width in ideographs: wide characters 1, others 1/2, a run of spaces 1/2.

    Pass the line as extracted (before spaces are folded): ``总额 90111 万元`` is
    as wide on the page as its spaces make it.
    """
    line = _SPACE_RUN.sub(" ", line.strip())
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in line)


def _page_number(line: str) -> int | None:
    m = PAGE_NUMBER_RE.match(line.strip())
    if not m:
        return None
    return int(next(g for g in m.groups() if g and g.isdigit()))


def page_furniture(lines: list[str]) -> list[bool]:
    """Which lines are page numbers or running headers/footers.

    A page-number line counts only when at least two of the document's
    page-number lines rise in order (a lone ``— 5 —`` may be a list item); a
    bare number line (``12``) only when three or more rise.  A short line with
    no sentence punctuation that recurs three or more times, each time within
    two lines of a page number, is a running header or footer.
    """
    n = len(lines)
    out = [False] * n
    marked = [(i, _page_number(ln)) for i, ln in enumerate(lines)]
    marked = [(i, v) for i, v in marked if v is not None]
    bare = [(i, int(m.group(1))) for i, ln in enumerate(lines) if (m := _BARE_NUMBER.match(ln.strip()))]
    for found, least in ((marked, 2), (bare, 3)):
        if len(found) >= least and sum(b[1] > a[1] for a, b in zip(found, found[1:])) >= least - 1:
            for i, _ in found:
                out[i] = True
    numbers = [i for i in range(n) if out[i]]
    if len(numbers) < 2:
        return out
    near: dict[str, list[int]] = {}
    for p in numbers:
        for i in range(max(0, p - 2), min(n, p + 3)):
            key = _DIGITS.sub("#", lines[i].strip())
            if i != p and key and len(key) <= 40 and not out[i] and not _SENTENCE_PUNCT.search(key):
                near.setdefault(key, []).append(i)
    for key, idx in near.items():
        idx = sorted(set(idx))
        if len(idx) >= 3:
            for i in idx:
                out[i] = True
    return out


def _ends_sentence(line: str) -> bool:
    s = line.rstrip().rstrip(_CLOSING_QUOTES)
    return not s or s[-1] in _END_PUNCT


def _is_table_row(line: str) -> bool:
    return "\t" in line or (_NUMERIC_CELL.search(line) is not None and not _CLAUSE_PUNCT.search(line))


def _page_width(widths: list[float], lines: list[str]) -> float | None:
    """The printed width most lines reach, if the text is hard-wrapped; else None."""
    counts = Counter(round(w) for w in widths if w >= _MIN_WIDTH * _FULL)
    if not counts:
        return None
    smooth = {w: counts[w - 1] + counts[w] + counts[w + 1] for w in counts}
    width = max(smooth, key=lambda w: (smooth[w], w))
    if not _MIN_WIDTH <= width <= _MAX_WIDTH:
        return None
    band = [ln for ln, w in zip(lines, widths) if width - 1.5 <= w <= width + 1.5]
    if len(band) < 8 or len(band) < 0.2 * len(lines):
        return None
    # Paragraph-per-line text (.docx, .html) has many lines far wider than any one width.
    if sum(1 for w in widths if w > 2 * width) > 0.1 * len(lines):
        return None
    open_ended = sum(1 for ln in band if not _ends_sentence(ln) and not _is_table_row(ln))
    return float(width) if open_ended >= 0.5 * len(band) else None


_SPACED_WINDOW = 12  # gaps each side of a line break that decide whether its stretch is double-spaced
_SPACED_MIN = 6  # fewer gaps around than this: too little text to call it double-spaced
_TOUCHING_MAX = 0.1  # at most this share of neighbouring lines with no blank between
_SINGLE_MIN = 0.5  # and at least this share exactly one blank apart


def _blank_counts(lines: list[str], kept: list[int]) -> list[int]:
    """Blank lines between each two neighbouring kept lines."""
    return [sum(1 for i in range(a + 1, b) if not lines[i].strip()) for a, b in zip(kept, kept[1:])]


def _double_spaced(blanks: list[int]) -> list[bool]:
    """For each gap: does it sit in a double-spaced stretch, where one blank line is layout?"""
    n = len(blanks)
    touching, single = [0], [0]  # prefix sums
    for b in blanks:
        touching.append(touching[-1] + (b == 0))
        single.append(single[-1] + (b == 1))
    out = []
    for k in range(n):
        lo, hi = max(0, k - _SPACED_WINDOW), min(n, k + _SPACED_WINDOW + 1)
        size = hi - lo
        out.append(size >= _SPACED_MIN and touching[hi] - touching[lo] <= _TOUCHING_MAX * size
                   and single[hi] - single[lo] >= _SINGLE_MIN * size)
    return out


def _indent(raw: str) -> float:
    """Printed width of a line's leading white space (full-width space 1, others 1/2)."""
    lead = raw[: len(raw) - len(raw.lstrip())]
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in lead)


def wrap_joins(lines: list[str], drop: list[bool], furniture: list[bool],
               raw: list[str] | None = None) -> set[int]:
    """Indexes ``j`` of kept lines whose line break before them is layout.

    ``lines`` are folded, simplified lines, ``raw`` the same lines as extracted
    (for their printed width, and leading white space for their indent; default
    ``lines``); ``drop`` marks lines normalize leaves out (chrome and page
    furniture), ``furniture`` the page furniture among them.  The kept line
    before ``j`` is the one the break joins to; blank lines between the two
    block the join unless page furniture sits between them too (a page ends
    with blank lines in PDF text layers), or the text is double-spaced there,
    only one blank line sits between and the next line is not indented.
    """
    raw = raw or lines
    kept = [i for i, ln in enumerate(lines) if not drop[i] and ln.strip()]
    widths = [display_width(raw[i]) for i in kept]
    width = _page_width(widths, [lines[i] for i in kept])
    if width is None:
        return set()
    blanks = _blank_counts(lines, kept)
    spaced = _double_spaced(blanks)
    joins: set[int] = set()
    for k, ((a, wa), b) in enumerate(zip(zip(kept, widths), kept[1:])):
        prev, nxt = lines[a], lines[b].lstrip()
        if wa < _FULL * width or _ends_sentence(prev) or _is_table_row(prev) or _is_table_row(nxt):
            continue
        if _BLOCK_START.match(nxt) or _CAPTION.match(prev):
            continue
        between = range(a + 1, b)
        if blanks[k] and not any(furniture[i] for i in between):
            if not (blanks[k] == 1 and spaced[k] and _indent(raw[b]) < _indent(raw[a]) + 1):
                continue  # a paragraph break
        if any(drop[i] and not furniture[i] for i in between):
            continue  # web chrome between two lines: not one sentence
        joins.add(b)
    return joins
