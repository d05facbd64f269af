"""Checks on a model's answer against the passages it was shown: figures, citations, placeholders.

Nothing the model says is trusted: every figure it claims must be printed in a passage it cites
(:func:`check_answer`); a right figure cited to the wrong passage is re-cited (:func:`recite`); a
claim that the report leaves a figure blank must be borne out by a placeholder in the passage
(:func:`shows_placeholder`); a citation points at the sentences holding the figures
(:func:`citation_span`).
"""

from __future__ import annotations

import re
from typing import Optional

from ..core.types import Hit, Query
from ..text.query import as_query
from ..text.segments import sentence_spans

__all__ = ["check_answer", "recite", "claims_undisclosed", "shows_placeholder", "citation_span", "claimed_numbers"]

_CITE = re.compile(r"\[(\d{1,2})\]")
_NOT_DISCLOSED = re.compile(r"未披露|没有披露|未公布|未给出具体|占位")
# A figure left blank in the text: a verb directly followed by a unit, with no number between.
_BLANK_FIGURE = re.compile(r"(?:达到|完成|实现|为|达|增长|下降)(?:亿|万|千)?(?:元|美元|美金|%|吨|户|人)")

# 那一年, 这一年, 一年来: the 一 of a set phrase is no figure the answer claims.
_ONE_YEAR = re.compile(r"(?<![〇零一二三四五六七八九十百千万两])一年")


def _close(v: float, h: float) -> bool:
    return abs(v - h) <= 1e-9 * max(1.0, abs(h))


def claimed_numbers(answer: str, query: Optional[Query] = None) -> list[float]:
    """The figures an answer states: its numbers, less the citation marks, set phrases such as 那一年,
    and numbers it repeats from the question (a year or figure the asker wrote needs no passage)."""
    from ..text.numbers import numbers_in

    body = _ONE_YEAR.sub("", _CITE.sub("", answer))
    asked = query.numbers if query else ()
    return [v for v in numbers_in(body) if not any(_close(v, a) for a in asked)]


def _passage_numbers(hit: Hit) -> list[float]:
    """Numbers of the passage the model was shown (the focused slice, read raw and normalized)."""
    from ..text.normalize import normalize_query
    from ..text.numbers import numbers_in

    return numbers_in(normalize_query(hit.text) + "\n" + hit.text)


def check_answer(answer: str, hits: list[Hit], question: "str | Query | None" = None) -> tuple[list[int], list[str]]:
    """Cited passage numbers, and the problems found (empty when the answer is supported).

    Every figure the answer claims (:func:`claimed_numbers`) must be printed in a cited passage
    as the model saw it — the focused sentences, not the rest of the chunk they came from.
    """
    query = as_query(question) if question is not None else None
    problems: list[str] = []
    cited = sorted({int(n) for n in _CITE.findall(answer)})
    bad = [n for n in cited if not 1 <= n <= len(hits)]
    if bad:
        problems.append(f"cites passages that were not shown: {bad}")
    cited = [n for n in cited if 1 <= n <= len(hits)]
    if not cited:
        problems.append("no valid citation")
        return cited, problems
    if _without_substance(answer) or (query is not None and _echoes(answer, query)):
        problems.append("the answer says nothing the question asks (only "
                        f"{_CITE.sub('', answer).strip()!r}); answer with what the passage says")
    have = [h for n in cited for h in _passage_numbers(hits[n - 1])]
    for v in claimed_numbers(answer, query):
        if not any(_close(v, h) for h in have):
            problems.append(f"number {v:g} is not in the cited passages")
    return cited, problems


_NO_SUBSTANCE = re.compile(r"\[\d{1,2}\]|[\s，,。.；;：:、“”\"'‘’（）()《》！!？?]")


_ANNOUNCES = re.compile(r"[:：]\s*(?:\[\d{1,2}\])*\s*[。.]?\s*$")


def _without_substance(answer: str) -> bool:
    """An answer of at most two characters and no figure (镇[1], 镇区[1]): the small model sometimes returns the
    last word of the sentence it read instead of the answer; or one that only announces what follows
    (``要抓好以下八个方面的工作：[1]``) and stops."""
    body = _NO_SUBSTANCE.sub("", answer)
    return (len(body) <= 2 and not re.search(r"\d", body)) or bool(_ANNOUNCES.search(answer.strip()))


def _echoes(answer: str, query: Query) -> bool:
    """An answer that only repeats words of the question (要扎实办好哪些民生实事？ → 扎实办好民生实事[1])."""
    from ..text.normalize import normalize_query

    body = _NO_SUBSTANCE.sub("", normalize_query(answer))
    return len(body) >= 4 and not re.search(r"\d", body) and set(body) <= set(query.normalized)


def recite(answer: str, hits: list[Hit], question: "str | Query | None" = None) -> Optional[str]:
    """The answer citing the shown passage that prints all its figures, when the model cited another.

    A small model often writes the right figure with the wrong ``[n]``; when exactly one shown
    passage prints every claimed figure (and the cited ones do not), its number replaces the
    citations.  ``None`` when no such passage exists or the answer claims no figure.
    """
    query = as_query(question) if question is not None else None
    wanted = claimed_numbers(answer, query)
    if not wanted or not _CITE.search(answer):
        return None
    holders = [i for i, h in enumerate(hits, 1)
               if all(any(_close(v, x) for x in _passage_numbers(h)) for v in wanted)]
    if len(holders) != 1:
        return None
    return _CITE.sub(f"[{holders[0]}]", answer)


def claims_undisclosed(answer: str) -> bool:
    return bool(_NOT_DISCLOSED.search(_CITE.sub("", answer)))


def shows_placeholder(hits: list[Hit], cited: list[int]) -> bool:
    """Whether a cited passage really prints a placeholder (xx, ___, a blank) instead of a figure."""
    from ..text.normalize import find_placeholders, normalize_query

    for n in cited:
        text = normalize_query(hits[n - 1].text)
        if find_placeholders(text) or _BLANK_FIGURE.search(text):
            return True
    return False


def citation_span(hit: Hit, answer: str, question: "str | Query | None" = None) -> tuple[int, int]:
    """The sentence(s) of a cited passage that hold the answer's figures (else the whole passage), in original offsets."""
    from ..text.numbers import numbers_in

    wanted = claimed_numbers(answer, as_query(question) if question is not None else None)
    text = hit.text
    picked = [
        (a, b) for a, b in sentence_spans(text)
        if wanted and any(any(_close(v, h) for h in numbers_in(text[a:b])) for v in wanted)
    ]
    if not picked:
        return hit.start, hit.end
    a, b = picked[0][0], picked[-1][1]
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return hit.start + a, hit.start + b
