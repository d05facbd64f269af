"""Cut a report into overlapping, section-bounded chunks for retrieval.

Chunks are measured and cut in *normalized* characters (what gets embedded)
but carry *original* offsets, so ``norm.original[c.start:c.end] == c.text``
always holds and a hit can be quoted from the file as it is.

Rules, in order of precedence:

* a chunk never crosses a section boundary (sections come from
  :func:`llm_extract.text.outline.parse_outline`);
* a chunk never mixes notes (注释, 注：…, 资料来源; :mod:`llm_extract.text.notes`)
  with report text, and a chunk of notes is flagged ``is_note``;
* a chunk never spans a stretch of more than ``max_gap`` original characters
  that normalization removed (web-page chrome between two parts of a page):
  a quote spanning it would show the reader text that was never indexed;
* inside those blocks, text is cut into sentences (``。！？；!?;`` and line
  breaks); a sentence longer than ``size`` is cut at commas (``，,、``), and a
  clause still longer is cut hard every ``size`` characters;
* sentences are packed greedily up to ``size`` characters; each chunk after
  the first of a block starts with the last whole sentences of the previous
  chunk that fit in ``overlap`` characters (or, when the last sentence is too
  long, its last ``overlap`` characters starting at a clause if possible);
* a short last piece (fewer than ``size / 4`` new characters) is merged into
  the chunk before it when the result stays within ``1.5 * size``.
"""

from __future__ import annotations

import bisect

from ..core.types import Chunk, Document, NormalizedText, Section
from .notes import note_spans
from .segments import trimmed

_SENT_END = "。！？；!?;"
_CLOSERS = "”’」』）)]\"'"
_CLAUSE_END = "，,、"


def _blocks(norm: NormalizedText, lo: int, hi: int, max_gap: int) -> list[tuple[int, int]]:
    """Split ``[lo, hi)`` where normalization dropped more than ``max_gap`` original characters."""
    out: list[tuple[int, int]] = []
    start = lo
    for i in range(lo, hi - 1):
        if norm.src_start[i + 1] - norm.src_end[i] > max_gap:
            out.append((start, i + 1))
            start = i + 1
    if start < hi:
        out.append((start, hi))
    return out


def _note_pieces(lo: int, hi: int, notes: list[tuple[int, int]]) -> list[tuple[int, int, bool]]:
    """``[lo, hi)`` cut at the edges of note spans: ``(start, end, is_note)`` in order."""
    out: list[tuple[int, int, bool]] = []
    pos = lo
    k = bisect.bisect_right([b for _, b in notes], lo)
    while pos < hi:
        if k < len(notes) and notes[k][0] < hi:
            a, b = max(notes[k][0], pos), min(notes[k][1], hi)
            if a > pos:
                out.append((pos, a, False))
            if b > a:
                out.append((a, b, True))
            pos = max(pos, b)
            k += 1
        else:
            out.append((pos, hi, False))
            break
    return out


def _sentences(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Trimmed, non-empty sentence spans of ``text[lo:hi]``."""
    out: list[tuple[int, int]] = []
    start = lo
    i = lo
    while i < hi:
        ch = text[i]
        if ch == "\n" or ch in _SENT_END:
            end = i + 1
            while end < hi and (text[end] in _SENT_END or text[end] in _CLOSERS):
                end += 1
            span = trimmed(text, start, end)
            if span:
                out.append(span)
            start = i = end
            continue
        i += 1
    span = trimmed(text, start, hi)
    if span:
        out.append(span)
    return out


def _split_long(text: str, s: int, e: int, size: int) -> list[tuple[int, int]]:
    """Cut a span longer than ``size`` at clause commas, then hard at ``size``."""
    clauses: list[tuple[int, int]] = []
    start = s
    for i in range(s, e):
        if text[i] in _CLAUSE_END:
            clauses.append((start, i + 1))
            start = i + 1
    if start < e:
        clauses.append((start, e))
    pieces: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for cs, ce in clauses:
        if ce - cs > size:
            if cur:
                pieces.append(cur)
                cur = None
            for hs in range(cs, ce, size):
                pieces.append((hs, min(hs + size, ce)))
        elif cur and ce - cur[0] <= size:
            cur = (cur[0], ce)
        else:
            if cur:
                pieces.append(cur)
            cur = (cs, ce)
    if cur:
        pieces.append(cur)
    return [t for t in (trimmed(text, a, b) for a, b in pieces) if t]


def _units(text: str, lo: int, hi: int, size: int) -> list[tuple[int, int]]:
    units: list[tuple[int, int]] = []
    for s, e in _sentences(text, lo, hi):
        units.extend(_split_long(text, s, e, size) if e - s > size else [(s, e)])
    return units


def _overlap_start(text: str, units: list[tuple[int, int]], first: int, last: int, overlap: int,
                   limit: int) -> int | None:
    """Start of the overlap carried from a chunk made of ``units[first:last]``.

    The carried text may not start before ``limit``, so that the next new
    sentence still fits in the chunk.
    """
    if overlap <= 0:
        return None
    end = units[last - 1][1]
    j = last
    # Whole sentences, but never the chunk's first one: that would repeat it entirely.
    while j - 1 > first and end - units[j - 1][0] <= overlap:
        j -= 1
    if j < last:
        for k in range(j, last):
            if units[k][0] >= limit:
                return units[k][0]
    start = max(units[last - 1][0], end - overlap, limit)
    if start >= end:
        return None
    # Start the carried tail at a clause when there is one inside it.
    for i in range(start, end - 1):
        if text[i] in _CLAUSE_END or text[i] in _SENT_END:
            tail = trimmed(text, i + 1, end)
            return tail[0] if tail else None
    # No clause boundary: a few characters cut from the middle of a clause are
    # noise, not context.
    tail = trimmed(text, start, end)
    return tail[0] if tail and tail[1] - tail[0] >= max(1, overlap // 2) else None


def _pack(text: str, units: list[tuple[int, int]], size: int, overlap: int) -> list[tuple[int, int, int]]:
    """Greedy packing; returns ``(start, end, new_start)`` with ``new_start`` where non-overlap text begins."""
    pieces: list[tuple[int, int, int]] = []
    i = 0
    prev: tuple[int, int] | None = None  # unit index range of the previous chunk
    while i < len(units):
        first_new = units[i]
        start = first_new[0]
        if prev is not None:
            ov = _overlap_start(text, units, prev[0], prev[1], overlap, first_new[1] - size)
            if ov is not None and ov < start:
                start = ov
        j = i + 1
        while j < len(units) and units[j][1] - start <= size:
            j += 1
        pieces.append((start, units[j - 1][1], first_new[0]))
        prev = (i, j)
        i = j
    return pieces


def _merge_tail(pieces: list[tuple[int, int, int]], size: int) -> list[tuple[int, int, int]]:
    if len(pieces) >= 2:
        ps, _, pn = pieces[-2]
        _, e, n = pieces[-1]
        if e - n < size / 4 and e - ps <= 1.5 * size:
            pieces = pieces[:-2] + [(ps, e, pn)]
    return pieces


def _section_ranges(norm: NormalizedText, sections: list[Section]) -> list[tuple[Section, int, int]]:
    """Normalized ``[lo, hi)`` of each section: the characters whose source starts inside it."""
    out = []
    n = len(norm.text)
    for sec in sorted(sections, key=lambda x: (x.start, x.end)):
        lo = bisect.bisect_left(norm.src_start, sec.start)
        hi = bisect.bisect_left(norm.src_start, sec.end)
        if out and lo < out[-1][2]:
            lo = out[-1][2]  # overlapping input sections: never emit a character twice
        if lo < hi:
            out.append((sec, lo, min(hi, n)))
    return out


def chunk_document(doc: Document, norm: NormalizedText, sections: list[Section], *, size: int = 400,
                   overlap: int = 60, max_gap: int = 20) -> list[Chunk]:
    """Chunks of one report, in reading order, ``ordinal`` 0.. and ids ``<doc_id>:<ordinal:05d>``.

    ``sections`` should tile the report (as :func:`~llm_extract.text.outline.parse_outline`
    returns them); text outside every section is not chunked.  With no
    sections at all the whole text is one untitled section.
    """
    if size < 1:
        raise ValueError("chunk size must be positive")
    overlap = max(0, min(overlap, size // 2))  # an overlap as long as the chunk would never advance
    text = norm.text
    if not text.strip():
        return []
    if not sections:
        sections = [Section(title="", level=0, path=[], start=norm.src_start[0], end=norm.src_end[-1],
                            heading_end=norm.src_start[0])]
    placeholders = sorted(norm.placeholders)
    ph_starts = [p[0] for p in placeholders]

    def has_placeholder(s: int, e: int) -> bool:
        k = bisect.bisect_left(ph_starts, e)
        return any(ps < e and pe > s for ps, pe in placeholders[:k])

    notes = note_spans(norm.simplified)
    pieces = [(sec, blo, bhi) for sec, lo, hi in _section_ranges(norm, sections)
              for blo, bhi in _blocks(norm, lo, hi, max_gap)]
    chunks: list[Chunk] = []
    for sec, plo, phi in pieces:
        path = sec.path_str
        for blo, bhi, is_note in _note_pieces(plo, phi, notes):
            units = _units(text, blo, bhi, size)
            if not units:
                continue
            for s, e, _ in _merge_tail(_pack(text, units, size, overlap), size):
                span = norm.to_original(s, e)
                body = norm.simplified[s:e]
                ordinal = len(chunks)
                chunks.append(Chunk(
                    chunk_id=f"{doc.doc_id}:{ordinal:05d}",
                    doc_id=doc.doc_id,
                    source=doc.source,
                    start=span.start,
                    end=span.end,
                    text=norm.original[span.start:span.end],
                    search_text=f"{path}\n{body}" if path else body,
                    section=path,
                    ordinal=ordinal,
                    has_placeholder=has_placeholder(s, e),
                    is_note=is_note,
                ))
    return chunks
