"""Locate evidence quotes in the original file and check records against them.

A model quotes what it read: normalized, simplified text, sometimes with a
copying slip.  :func:`ground` finds where the quote stands in the original
file (traditional characters, pinyin glosses, full-width digits and all), so
that ``original[span.start:span.end]`` becomes the record's evidence.
:func:`check_numbers` then requires every number of the record to be printed
in that evidence.
"""

from __future__ import annotations

import math
import re
import threading
from typing import Optional

from pydantic import BaseModel

from llm_extract.text.growth import find_changes
from llm_extract.text.numbers import find_placeholder_numbers, number_in_text
from llm_extract.text.numerals import unit_multiplier
from llm_extract.core.types import NormalizedText, Span

__all__ = ["ground", "check_numbers", "ground_record", "FUZZY_MIN_SIMILARITY"]

FUZZY_MIN_SIMILARITY = 0.85
_EDGE_PUNCT = " \t\r\n\"'“”‘’「」『』《》()（）[]【】。，,；;：:、！!？?…."
_QUOTE_MARKS = " \t\r\n\"'“”‘’「」『』"
_MAX_ANCHOR_HITS = 200
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


# ---------------------------------------------------------------------------
# Exact and normalized search
# ---------------------------------------------------------------------------


def _gap(a: int, b: int, hint: tuple[int, int] | None) -> int:
    """Distance from ``[a, b)`` to the hint region (0 when they touch)."""
    if hint is None:
        return 0
    h0, h1 = hint
    if b <= h0:
        return h0 - b
    if a >= h1:
        return a - h1
    return 0


def _occurrences(hay: str, needle: str) -> list[int]:
    out = []
    pos = hay.find(needle)
    while pos >= 0 and len(out) < 1000:
        out.append(pos)
        pos = hay.find(needle, pos + 1)
    return out


def _variants(quote: str) -> list[str]:
    """The quote, then the quote without the punctuation and quote marks a model adds around it."""
    out = [quote]
    for trimmed in (quote.strip(_QUOTE_MARKS), quote.strip(_EDGE_PUNCT)):
        if trimmed and trimmed not in out:
            out.append(trimmed)
    return out


class _View:
    """``norm.simplified`` without whitespace, with each character's index in the normalized text."""

    def __init__(self, norm: NormalizedText):
        self.norm = norm
        self.idx = [i for i, ch in enumerate(norm.simplified) if not ch.isspace()]
        self.text = "".join(norm.simplified[i] for i in self.idx).translate(_ASCII_LOWER)

    def to_original(self, a: int, b: int) -> Span:
        return self.norm.to_original(self.idx[a], self.idx[b - 1] + 1)

    def hint_in_view(self, hint: tuple[int, int] | None) -> tuple[int, int] | None:
        if hint is None:
            return None
        import bisect

        n0, n1 = self.norm.from_original(*hint)
        return bisect.bisect_left(self.idx, n0), bisect.bisect_left(self.idx, n1)


_VIEWS_LOCK = threading.Lock()


def _view_of(norm: NormalizedText) -> _View:
    """The search view of ``norm``, built once per text and shared by every thread grounding in it.

    Kept on the text object itself (so it lives exactly as long as the document being grounded
    and never belongs to another one), built under a lock (bulk workers ground concurrently).
    """
    view = getattr(norm, "_search_view", None)
    if view is not None and view.norm is norm:
        return view
    with _VIEWS_LOCK:
        view = getattr(norm, "_search_view", None)
        if view is None or view.norm is not norm:
            view = _View(norm)
            norm._search_view = view  # type: ignore[attr-defined]
    return view


def _squash(s: str) -> str:
    """Whitespace dropped and ASCII lower-cased (人均GDP matches 人均gdp), length otherwise kept."""
    return re.sub(r"\s+", "", s).translate(_ASCII_LOWER)


# ---------------------------------------------------------------------------
# Bounded fuzzy search (Myers' bit-parallel edit distance)
# ---------------------------------------------------------------------------


def _myers_end_scores(pattern: str, text: str) -> list[int]:
    """``out[j]``: least edit distance between ``pattern`` and any substring of ``text`` ending at ``j``.

    Myers (1999) bit-vector algorithm in search mode: Python integers serve
    as bit vectors of any length, so one pass costs O(len(text)) big-int ops.
    """
    m = len(pattern)
    peq: dict[str, int] = {}
    for i, c in enumerate(pattern):
        peq[c] = peq.get(c, 0) | (1 << i)
    mask = (1 << m) - 1
    high = 1 << (m - 1)
    pv, mv, score = mask, 0, m
    out = []
    for c in text:
        eq = peq.get(c, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & mask)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        # Shifting in zeros (not ones) lets a match start anywhere in text.
        ph = (ph << 1) & mask
        mh = (mh << 1) & mask
        pv = mh | (~(xv | ph) & mask)
        mv = ph & xv
        out.append(score)
    return out


def _best_alignment(pattern: str, text: str) -> tuple[int, int, int] | None:
    """``(distance, start, end)`` of the substring of ``text`` closest to ``pattern``."""
    if not text:
        return None
    ends = _myers_end_scores(pattern, text)
    dist = min(ends)
    end = ends.index(dist) + 1
    # Run backwards from that end to find where the best substring starts.
    back = _myers_end_scores(pattern[::-1], text[:end][::-1])
    m = len(pattern)
    best_k = min((k for k, d in enumerate(back) if d == dist), key=lambda k: abs((k + 1) - m), default=None)
    if best_k is None:
        return None
    return dist, end - (best_k + 1), end


def _anchors(q: str) -> list[str]:
    """Pieces of the quote to look for: its numbers, then evenly spread 3-grams."""
    nums = sorted(set(re.findall(r"\d+(?:\.\d+)?", q)), key=len, reverse=True)
    out = [n for n in nums if len(n) >= 2] or nums[:2]
    if len(q) >= 3:
        step = max(1, (len(q) - 3) // 7)
        out += [q[i : i + 3] for i in range(0, len(q) - 2, step)][:8]
    return out


def _fuzzy(view: _View, q: str, hint_view: tuple[int, int] | None) -> tuple[int, int] | None:
    text, m = view.text, len(q)
    slack = m // 4 + 4
    windows: list[tuple[int, int]] = []
    hits = 0
    for anchor in _anchors(q):
        for pos in _occurrences(text, anchor):
            windows.append((max(0, pos - m - slack), min(len(text), pos + len(anchor) + m + slack)))
            hits += 1
            if hits >= _MAX_ANCHOR_HITS:
                break
    if not windows:
        return None
    windows.sort()
    merged = [windows[0]]
    for a, b in windows[1:]:
        if a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    best: tuple[float, int, int, int] | None = None  # (similarity, -gap, start, end)
    for a, b in merged:
        found = _best_alignment(q, text[a:b])
        if found is None:
            continue
        dist, s, e = found
        sim = 1.0 - dist / max(m, e - s)
        key = (sim, -_gap(a + s, a + e, hint_view), a + s, a + e)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None or best[0] < FUZZY_MIN_SIMILARITY:
        return None
    return best[2], best[3]


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def ground(
    quote: str,
    original: str,
    *,
    norm: NormalizedText | None = None,
    hint: tuple[int, int] | None = None,
    max_fuzzy_len: int = 400,
) -> Span | None:
    """Where ``quote`` stands in ``original``, or None (see :func:`locate`, which also says how)."""
    found = locate(quote, original, norm=norm, hint=hint, max_fuzzy_len=max_fuzzy_len)
    return found[0] if found else None


def locate(
    quote: str,
    original: str,
    *,
    norm: NormalizedText | None = None,
    hint: tuple[int, int] | None = None,
    max_fuzzy_len: int = 400,
) -> tuple[Span, str] | None:
    """``(span, how)`` of ``quote`` in ``original``, ``how`` being ``exact``, ``normalized`` or ``fuzzy``.

    Tries, in order: the quote as is; the quote normalized like the text
    (full-width fold, glosses dropped, traditional -> simplified, whitespace
    ignored) searched in ``norm.simplified``; a fuzzy match (similarity ≥
    0.85) around anchors of the quote, for quotes up to ``max_fuzzy_len``
    characters.  Among several matches the one nearest ``hint`` (a region in
    original offsets) wins.  The span is in original offsets.
    """
    if not quote or not quote.strip():
        return None
    for v in _variants(quote.strip()):
        occ = _occurrences(original, v)
        if occ:
            pos = min(occ, key=lambda p: (_gap(p, p + len(v), hint), p))
            return Span(pos, pos + len(v)), "exact"

    from llm_extract.text.normalize import normalize, normalize_query

    if norm is None:
        norm = normalize(original)
    view = _view_of(norm)
    hint_view = view.hint_in_view(hint)
    nq = _squash(normalize_query(quote))
    for v in _variants(nq):
        v = _squash(v)
        if not v:
            continue
        occ = _occurrences(view.text, v)
        if occ:
            pos = min(occ, key=lambda p: (_gap(p, p + len(v), hint_view), p))
            return view.to_original(pos, pos + len(v)), "normalized"

    q = _squash(nq.strip(_EDGE_PUNCT))
    if len(q) < 4 or len(q) > max_fuzzy_len:
        return None
    found = _fuzzy(view, q, hint_view)
    if found is None:
        return None
    return view.to_original(*found), "fuzzy"


# Number fields of the built-in records and the unit field each is printed with.
_NUMBER_FIELDS: dict[str, list[tuple[str, Optional[str]]]] = {
    "indicator": [("value", "unit"), ("yoy_pct", None)],
    "project": [("investment_value", "investment_unit")],
    "task": [("value", "unit")],
    "problem": [],
}
_DERIVED = {"value_base": ("value", "unit"), "investment_base": ("investment_value", "investment_unit")}
_GROUNDING_FIELDS = {"start", "end", "doc_id", "source", "evidence", "section", "prompt_version", "grounding"}


def _number_fields(record: BaseModel) -> list[tuple[str, Optional[str]]]:
    kind = getattr(record, "record_type", None)
    if kind in _NUMBER_FIELDS:
        return _NUMBER_FIELDS[kind]
    # A user schema: every number field must be printed in the evidence.
    return [
        (name, None)
        for name in type(record).model_fields
        if name not in _GROUNDING_FIELDS
        and isinstance(getattr(record, name), (int, float))
        and not isinstance(getattr(record, name), bool)
    ]


def _fmt(x: float) -> str:
    return f"{x:g}"


def check_numbers(record: BaseModel, evidence: str) -> list[str]:
    """Why ``record`` is not supported by ``evidence`` (empty list: it is).

    Every number field must be printed in the evidence in some equivalent
    form; a signed change must agree with the printed direction (下降 is
    negative); derived base values must equal value × unit; a placeholder
    record needs a placeholder in the evidence.
    """
    reasons: list[str] = []
    for name, unit_field in _number_fields(record):
        value = getattr(record, name, None)
        if value is None:
            continue
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            reasons.append(f"{name} is not a finite number")
            continue
        unit = getattr(record, unit_field, None) if unit_field else None
        if name == "yoy_pct":
            reason = _check_change(float(value), evidence)
            if reason:
                reasons.append(reason)
            continue
        if not number_in_text(float(value), evidence, unit=unit):
            reasons.append(f"{name} {_fmt(value)} is not printed in the evidence")
    for derived, (src, unit_field) in _DERIVED.items():
        base = getattr(record, derived, None)
        if base is None:
            continue
        value, unit = getattr(record, src, None), getattr(record, unit_field, None)
        mult = unit_multiplier(unit) if unit else None
        if value is not None and mult is not None:
            if not math.isclose(value * mult[0], base, rel_tol=1e-6, abs_tol=1e-6):
                reasons.append(f"{derived} {_fmt(base)} is not {src} {_fmt(value)} {unit}")
        elif not number_in_text(float(base), evidence, unit=None):
            reasons.append(f"{derived} {_fmt(base)} is not printed in the evidence")
    if getattr(record, "placeholder", False) and not find_placeholder_numbers(evidence):
        reasons.append("placeholder record but the evidence prints no placeholder number")
    return reasons


def _check_change(yoy: float, evidence: str) -> str | None:
    changes = [c for c in find_changes(evidence) if c.yoy_pct is not None]
    if any(math.isclose(c.yoy_pct, yoy, rel_tol=1e-6, abs_tol=1e-9) for c in changes):  # type: ignore[arg-type]
        return None
    if any(math.isclose(abs(c.yoy_pct), abs(yoy), rel_tol=1e-6, abs_tol=1e-9) for c in changes):  # type: ignore[arg-type]
        return f"yoy_pct {_fmt(yoy)} has the wrong sign for the evidence"
    if number_in_text(yoy, evidence):
        return None  # printed outside a clause the parser knows ("增幅为负3%")
    return f"yoy_pct {_fmt(yoy)} is not printed in the evidence"


def ground_record(
    record: BaseModel,
    original: str,
    norm: NormalizedText | None = None,
    *,
    doc_id: str,
    source: str,
    section: str = "",
    hint: tuple[int, int] | None = None,
) -> tuple[BaseModel | None, str | None]:
    """A grounded copy of ``record`` (evidence, offsets, doc and section set), or None and the reason."""
    quote = getattr(record, "evidence", "") or ""
    if not quote.strip():
        return None, "empty evidence"
    if norm is None:
        from llm_extract.text.normalize import normalize

        norm = normalize(original)
    found = locate(quote, original, norm=norm, hint=hint)
    if found is None or found[0].end <= found[0].start:
        return None, "evidence not found in the original text"
    span, how = found
    evidence = original[span.start : span.end]
    reasons = check_numbers(record, evidence)
    if reasons:
        # The raw span may hide a figure behind an entity or escape; the
        # normalized text of the same span is what a reader sees.
        n0, n1 = norm.from_original(span.start, span.end)
        if n1 > n0 and not check_numbers(record, norm.text[n0:n1]):
            reasons = []
    if reasons:
        return None, "; ".join(reasons)
    updates = {"evidence": evidence, "start": span.start, "end": span.end, "doc_id": doc_id, "source": source,
               "section": section, "grounding": how}
    fields = type(record).model_fields
    return record.model_copy(update={k: v for k, v in updates.items() if k in fields}), None
