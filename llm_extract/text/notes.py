"""Which lines of a report are notes: 注释, 注, 资料来源 and the like.

Statistical communiqués end with a block of notes (``注释：`` then ``[1]本公报中
数据为初步统计数…``) and put one-line notes under tables (``注：…按现价计算``);
work reports carry ``注：`` lines under their targets.  Notes are kept and
indexed (a question may be about a definition), but they restate metric
names without values, so retrieval and extraction rank them below report
text.  This module only finds them, on normalized text; chunking cuts chunks
at their edges and flags the chunks (``Chunk.is_note``).
"""

from __future__ import annotations

import re

__all__ = ["note_spans", "is_note_line", "FOOTNOTE_MARK", "strip_footnote_marks"]

# A footnote mark printed after a word (生产总值[2], 统计公报①, 收入（3）, 公报*): it points to a note below.
FOOTNOTE_MARK = re.compile(r"\[\d{1,2}\]|［\d{1,2}］|〔\d{1,2}〕|\(\d{1,2}\)|（\d{1,2}）|[①-⑳]|[*※]")


def strip_footnote_marks(text: str, *, trailing_only: bool = False) -> str:
    """``text`` without footnote marks (only those at its end when ``trailing_only``: a title's)."""
    if not trailing_only:
        return FOOTNOTE_MARK.sub("", text)
    while (m := _TRAILING_MARK.search(text)) is not None and m.start() > 0:
        text = text[: m.start()].rstrip()
    return text


_TRAILING_MARK = re.compile(r"(?:" + FOOTNOTE_MARK.pattern + r")\s*$")

# A line that is a note by itself: "注：", "注1：", "注释：…", "资料来源：…", "数据来源：…".
_NOTE_LINE = re.compile(r"^\s*(注\s*[\d①-⑳]*\s*[:：]|注释\s*[:：]|附注\s*[:：]|(资料|数据)来源\s*[:：])")
# A heading that opens a block of notes running to the next section heading.
_NOTE_HEADING = re.compile(r"^\s*(注|注释|注解|附注|说明|备注|资料来源|数据来源)\s*[:：]?\s*$")
# A heading of the report proper ends the notes block.
_SECTION_HEADING = re.compile(
    r"^\s*([一二三四五六七八九十]+、|第[一二三四五六七八九十百\d]+[章节部分篇]|附件\s*\d*\s*[:：]?)"
)


# A numbered item ("2.", "[3]", "③"): continues a block of notes it follows.
_NOTE_ITEM = re.compile(r"^\s*(\d{1,2}[.、．](?!\d)|[\[〔(（]\d{1,2}[\]〕)）]|[①-⑳])")


def is_note_line(line: str) -> bool:
    """True for a line that is a note by its own first words."""
    return _NOTE_LINE.match(line) is not None or _NOTE_HEADING.match(line) is not None


def note_spans(text: str) -> list[tuple[int, int]]:
    """Half-open ``[start, end)`` spans of ``text`` (normalized) that are notes, line by line, merged.

    Note lines with only blank lines between them (double-spaced text) make one span.
    """
    spans: list[tuple[int, int]] = []
    in_block = False  # under a notes heading, up to the next section heading
    in_items = False  # numbered items after a note line ("注：1.…" then "2.…")
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        if _NOTE_HEADING.match(line):
            in_block = True
        elif in_block and _SECTION_HEADING.match(line):
            in_block = False
        in_items = bool(_NOTE_LINE.match(line)) or (in_items and _NOTE_ITEM.match(line) is not None)
        if in_block or in_items:
            if spans and not text[spans[-1][1]:start].strip():  # blank lines between: one block
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    return spans
