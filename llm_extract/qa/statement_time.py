"""Whether a figure printed in a passage is of the year and the kind (result, goal, estimate) asked.

A focused passage is a slice of a report, and what says when a figure is from, or whether it is a
goal, is often printed outside it: at the start of its sentence before the slice (主要预期目标是：…；),
in a sentence opening its paragraph (2019年，全镇实现…), in its section heading (二、2024年工作安排), or
only by the document as a whole.  Both checks read those places, nearest first, and require the
answer rather than its absence:

* :func:`year_fits` — the year asked is the one the figure's sentence names (a base year 比2022年, a
  period's start 2015年以来 and numbers such as 1988.6亿元 are no years), else the last year opening a
  sentence of its paragraph before it (one said in passing, 在2021年全省考核第一的基础上, is not),
  else the year of its nearest section heading that names one, else its document's only year;
* :func:`kind_fits` — a goal (:func:`~.answer_fit.figure_is_goal`, read with the start of its sentence
  before the passage; or a heading of goals, tasks or plans) for a target question, 预计 before it in
  its sentence for an estimate, and no goal for a question about what was done.
"""

from __future__ import annotations

import re
from typing import Optional

from ..core.types import Citation, Hit, NormalizedText, Query

__all__ = ["year_fits", "kind_fits", "cited_year_fits"]

_GOAL_HEADING = re.compile(r"目标|计划|打算|安排|任务")
_LOOKS_BACK = re.compile(r"回顾|以来|成绩|总结|情况|成就|完成")
_TOPIC_YEAR = re.compile(r"(?:^|[。！？!?；;])\s*(?:在|到|至|截至)?((?:19|20)\d{2})年(?!以来|来)")
_YEAR_WRITTEN = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?=年|\s*[—–\-~～至到]\s*(?:19|20)\d{2})")
_BASE_YEAR = re.compile(r"(?:比|较|同比|相比)\s*(?:19|20)\d{2}年?|(?:19|20)\d{2}年?(?:以来|来)")
_SENTENCE_END = re.compile(r"[。！？!?\n]")


def _named_years(text: str) -> list[int]:
    """Years ``text`` names as its own, written as years (2024年, 2016—2020年)."""
    return [int(y) for y in _YEAR_WRITTEN.findall(_BASE_YEAR.sub("|", text))]


def year_fits(query: Query, hit: Hit, norm: NormalizedText, sentence: int, end: int, original: str,
              years_of: Optional[dict]) -> bool:
    """The year asked (``query.years``; none asked fits) is that of the figure whose sentence starts at
    ``sentence`` of the passage's normalized text ``norm`` and ends at ``end``.  ``original``: the
    document's original text ("" when unknown); ``years_of``: doc id → the years each covers."""
    if not query.years:
        return True
    at = hit.start + norm.to_original(sentence, sentence + 1).start
    return _year_is(set(query.years), norm.simplified[sentence:end], original, at, hit.section or "",
                    set((years_of or {}).get(hit.doc_id) or ()))


def _year_is(asked: set[int], sentence: str, original: str, at: int, section: str, held: Optional[set[int]],
             covered: bool = False) -> bool:
    """The reading order of :func:`year_fits`: the sentence (``sentence``, simplified, up to the figure),
    the paragraph of ``original`` before ``at``, the section headings, the document's only year — or,
    with ``covered``, any of its years (``held``: its years; ``None`` when the document is unknown,
    which contradicts nothing)."""
    from ..text.normalize import normalize_query

    said = _named_years(sentence)
    if said:
        return bool(asked & set(said))
    paragraph = normalize_query(original[max(0, at - 600):at].rsplit("\n", 1)[-1]) if original else ""
    said = [int(m.group(1)) for m in _TOPIC_YEAR.finditer(paragraph)]
    if said:
        return said[-1] in asked
    for part in reversed(section.split(">")):
        said = _named_years(part)
        if said:
            return bool(asked & set(said))
    return held is None or (bool(held & asked) if covered else (len(held) == 1 and held <= asked))


def cited_year_fits(query: Query, citation: Citation, original: str, years_of: Optional[dict]) -> bool:
    """The year asked (none asked fits) is that of the cited sentences (``citation.quote``), read as
    :func:`year_fits` reads a figure's sentence, except that when nothing nearer dates them a document
    covering the year asked (among its review, plan or report years, or naming it at least twice) will
    do; ``original``: the cited document's text ("" if unknown); a document ``years_of`` does not list
    (an injected retriever's) is not held against the answer."""
    from collections import Counter

    from ..text.normalize import normalize_query

    if not query.years:
        return True
    held = (years_of or {}).get(citation.doc_id)
    if held is not None:
        held = set(held)
        if original:
            # the years a report is about are also the ones it names throughout (a page of 200_年 reports,
            # posted in 2023, names 2003 and 2002 in its text): at least twice counts as covered
            held |= {y for y, n in Counter(_named_years(normalize_query(original))).items() if n >= 2}
    return _year_is(set(query.years), normalize_query(citation.quote), original, citation.start,
                    citation.section or "", held, covered=True)


def kind_fits(query: Query, hit: Hit, text: str, sentence: int, figure: tuple[int, int], original: str) -> bool:
    """The figure at ``text[figure]`` (the passage's simplified normalized text; its sentence starts at
    ``sentence``) is of the kind asked (``query.kind``).  ``original``: the document's original text."""
    from ..text.normalize import normalize_query
    from .answer_fit import figure_is_goal

    before = original[max(0, hit.start - 300):hit.start] if original else ""
    lead = normalize_query(_SENTENCE_END.split(before)[-1]).replace("\n", "") if before else ""
    a, b = figure
    if query.kind == "estimate":
        return "预计" in (lead + text[:a] if sentence == 0 else text[sentence:a])
    goal = figure_is_goal(lead + text, a + len(lead), b + len(lead))
    if query.kind == "target":
        # a heading of goals or plans anywhere above it, none looking back (一、2025年工作回顾 > （二）…目标任务)
        path = (hit.section or "").split(">")
        return goal or (any(_GOAL_HEADING.search(h) for h in path) and not any(_LOOKS_BACK.search(h) for h in path))
    return not goal
