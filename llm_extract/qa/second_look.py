"""A second chance for questions the model declined: copy the sentence that answers, checked by code.

A 1.5B model asked "answer, or say the documents do not say" takes the second
way out for most answerable questions (measured in ``eval``).  Copying a
sentence is a much easier task for it than judging whether one answers.  So
when it abstains, ``ask`` asks once more for the verbatim sentence, and this
module decides — deterministically — whether that quote is an answer:

* it must be printed in the passage it cites (after the same normalization the
  passages were shown with), so nothing is invented;
* it must share enough of the question's own words (character bigrams, with
  the question's interrogative and document-describing words left out), so a
  random sentence from the right passage is not passed off as the answer;
* a question asking for a quantity (多少, 几) needs a figure or a placeholder
  in the quote.

What passes is returned as the answer (the quote and its ``[n]``); anything
else keeps the abstention.
"""

from __future__ import annotations

import re
from typing import Optional

from ..core.types import Hit, Query
from ..text.query import as_query, subject_terms
from ..text.segments import bigrams, sentence_spans, years_in

_CITE = re.compile(r"\[(\d{1,2})\]")
_PUNCT = re.compile(r"[\s，。、；：:,.;（）()《》“”\"'？?！!【】\[\]]")


def question_terms(question: "str | Query") -> set[str]:
    """The question's subject bigrams (simplified; punctuation, question words, places and years removed)."""
    return set(as_query(question).terms)


def _squash(text: str) -> str:
    from ..text.normalize import normalize_query

    return _PUNCT.sub("", normalize_query(text))


def _sentences(text: str) -> list[str]:
    """Sentences of a passage, stripped; long lists of figures cut at commas too, as focus_passages does."""
    return [text[a:b].strip() for a, b in sentence_spans(text, comma_over=120)]


# A quote stating a goal does not answer a question about what was done.
_TARGET_WORDS = re.compile(r"目标|预期|力争|争取|计划")


def _year_stated(query: Query, text: str, hit: Hit, years_of: Optional[dict]) -> bool:
    """The year asked about is the quote's: named in it, else in its section heading, else among the
    years its document covers (review, plan, report year) — required, not merely not contradicted."""
    from ..text.normalize import normalize_query

    if not query.years:
        return True
    asked = set(query.years)
    for where in (normalize_query(text), hit.section or ""):
        named = set(years_in(where))
        if named:
            return bool(asked & named)
    return bool(years_of and asked & set(years_of.get(hit.doc_id) or ()))


def _on_topic(query: Query, text: str, min_overlap: float, min_shared: int, hit: Optional[Hit] = None,
              years_of: Optional[dict] = None) -> bool:
    from ..text.normalize import find_placeholders, normalize_query
    from ..text.numbers import find_quantities

    terms = query.terms
    shared = terms & bigrams(_squash(text))
    if not terms or len(shared) < min_shared or len(shared) / len(terms) < min_overlap:
        return False
    if hit is not None and years_of is not None:
        if not _year_stated(query, text, hit, years_of):
            return False
        if query.kind == "actual" and _TARGET_WORDS.search(normalize_query(text)):
            return False
    else:
        # Without the documents' years: a quote naming years names one the question asks about.
        named = set(years_in(normalize_query(text)))
        if query.years and named and not set(query.years) & named:
            return False
    if query.wants_quantity:
        # "过去的一年" is a duration, not the figure asked for.
        figures = [q for q in find_quantities(text) if q.unit != "年"]
        return bool(figures or find_placeholders(text))
    return True


def accept_quote(question: "str | Query", reply: str, hits: list[Hit], *, min_overlap: float = 0.5,
                 min_shared: int = 2, years_of: Optional[dict] = None) -> Optional[str]:
    """The reply as an answer (``quote[n]``) when it passes the checks above, else ``None``.

    With ``years_of`` (doc id → the years each document covers) the year asked about is required of
    the quote (:func:`_year_stated`) and a goal (目标/预期/力争) does not answer a question about what
    was done.  The model often answers with the passage number alone ("[2]"): that is its
    choice of passage, and the sentence of that passage that shares most with
    the question stands as the quote, under the same checks.
    """
    query = as_query(question)
    cited = [int(n) for n in _CITE.findall(reply) if 1 <= int(n) <= len(hits)]
    if not cited:
        return None
    body = _CITE.sub("", reply).strip().strip("。；;，, ")
    body = next((line.strip() for line in body.splitlines() if line.strip()), "")
    quote = _squash(body)
    if len(quote) >= 4:
        where = next((n for n in cited if quote in _squash(hits[n - 1].text)), None)
        if where is None or not _on_topic(query, body, min_overlap, min_shared, hits[where - 1], years_of):
            return None
        return f"{body}[{where}]"
    n = cited[0]
    sentences = _sentences(hits[n - 1].text)
    if not sentences:
        return None
    best = max(sentences, key=lambda x: len(query.terms & bigrams(_squash(x))))
    if not _on_topic(query, best, min_overlap, min_shared, hits[n - 1], years_of):
        return None
    return f"{best.rstrip('。；;，, ')}[{n}]"


# Shortest uncited answer worth placing: shorter copies (一是, 全年) occur in many passages by chance.
_MIN_COPIED = 6


def accept_uncited(question: "str | Query", reply: str, hits: list[Hit], *,
                   years_of: Optional[dict] = None) -> Optional[str]:
    """A first answer that forgot its ``[n]`` but copies one shown passage word for word: the copy
    cited, when it passes the same checks as a second-look quote (:func:`accept_quote`), else ``None``.

    The small model sometimes answers by copying the sentence without a citation; that is a quote
    whose passage code can find, and it is judged like one — an off-topic copy stays rejected.
    """
    if _CITE.search(reply):
        return None
    body = reply.strip().strip("。；;，, ")
    body = next((line.strip() for line in body.splitlines() if line.strip()), "")
    squashed = [_squash(h.text) for h in hits]
    # the copy as written, else with a word of its own (要, 是) cut from either end: 要积极培育A、B等产业
    for a, b in ((0, 0), (1, 0), (0, 1), (2, 0), (1, 1), (0, 2)):
        part = body[a:len(body) - b]
        copied = _squash(part)
        if len(copied) < _MIN_COPIED:
            return None
        holders = [n for n, text in enumerate(squashed, 1) if copied in text]
        if len(holders) == 1:
            return accept_quote(question, f"{part}[{holders[0]}]", hits, years_of=years_of)
        if holders:
            return None  # copied from several passages: which one it read, code cannot tell
    return None


__all__ = ["accept_quote", "accept_uncited", "question_terms", "subject_terms"]
