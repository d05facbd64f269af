"""What the model is shown: each retrieved passage narrowed to the sentences that carry the
question's words, numbered, in cleaned simplified text (citations still point at the original)."""

from __future__ import annotations

from pathlib import Path

from ..core.types import Hit, Query
from ..text.query import as_query
from ..text.segments import PUNCT, bigrams, sentence_spans


def focus_passages(question: "str | Query", hits: list[Hit], max_chars: int = 160) -> list[Hit]:
    """Narrow each passage to its sentences that share most with the question.

    A 1.5B model reads five 400-character passages poorly (it misses the figure or
    abstains); the two or three sentences that carry the question's words are what it
    needs.  The narrowed hit is still an exact slice of the original text.
    """
    from ..text.normalize import normalize_query

    want = bigrams(as_query(question).normalized, skip=PUNCT)
    out = []
    for h in hits:
        text = h.text
        # Long sentences (lists of figures separated by commas) are split at commas too.
        pieces = sentence_spans(text, comma_over=max_chars)
        if not pieces:
            out.append(h)
            continue
        scores = [len(want & bigrams(normalize_query(text[a:b]), skip=PUNCT)) for a, b in pieces]
        best = max(range(len(pieces)), key=lambda i: (scores[i], -i))
        lo = hi = best
        # Grow around the best piece while it fits, preferring the better-scoring neighbour.
        while True:
            left = scores[lo - 1] if lo > 0 else -1
            right = scores[hi + 1] if hi + 1 < len(pieces) else -1
            if max(left, right) < 0:
                break
            nlo, nhi = (lo - 1, hi) if left >= right else (lo, hi + 1)
            if pieces[nhi][1] - pieces[nlo][0] > max_chars:
                break
            lo, hi = nlo, nhi
        a, b = pieces[lo][0], pieces[hi][1]
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        out.append(Hit(doc_id=h.doc_id, source=h.source, start=h.start + a, end=h.start + b, text=text[a:b],
                       section=h.section, score=h.score, chunk_id=h.chunk_id, search_text=h.search_text))
    return out


def passage_label(hit: Hit) -> str:
    """The name a passage's document goes by in prompts: its file name, not the index's doc id.

    Ids depend on metadata rules and on what else is indexed; the file name
    keeps a prompt (and so a recorded answer) the same when those change.
    """
    return Path(hit.source).stem or hit.doc_id


def format_passages(hits: list[Hit]) -> str:
    from ..text.normalize import normalize_query

    parts = []
    for i, h in enumerate(hits, 1):
        # The model reads the cleaned, simplified passage; citations still point at the original characters.
        body = normalize_query(h.text)
        parts.append(f"[{i}] 《{passage_label(h)}》 {h.section or ''}\n{body.strip()}")
    return "\n\n".join(parts)
