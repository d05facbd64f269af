"""Parse a question once into a :class:`~llm_extract.core.types.Query`.

Everything the answering steps want to know about the question is read here: its
normalized text (for retrieval and for comparing with passages), the years and
place names it writes, the numbers it prints (an answer may repeat them without
a passage printing them), its subject words (character bigrams without question
words, places and years) and whether it asks for a figure.
"""

from __future__ import annotations

import re
from typing import Sequence

from ..core.types import Query
from .segments import bigrams, relative_years, term_end_years, year_spans, years_in

# Words that say what kind of answer is wanted or which report is meant, not what the answer is about.
_QUESTION_WORDS = re.compile(
    r"多少|是什么|有哪些|哪些|什么|怎样|如何|是否|为何|几个|几项|几|吗|呢|请问|"
    r"该镇|全镇|这个镇|那个镇|那篇|这篇|报告中|报告|工作总结|工作汇报|汇报|中|提出|指出|预计|预期|计划|目标|"
    r"同比|变化|实现|完成|达到"
)
_QUANTITY_Q = re.compile(r"多少|几|多大|多高|多长|比例|增长|增幅|下降")
_PUNCT = re.compile(r"[\s，。、；：:,.;（）()《》“”\"'？?！!【】\[\]]")
# Place names and years say which report is meant; narrowing and the year rule check them, and
# as subject words they would let any sentence of the right report pass as on topic.
_PLACE_OR_YEAR = re.compile(r"[\u4e00-\u9fff]{1,4}?(?:镇|乡|县|区|市)|(?:19|20)\d{2}年?|\d+")
_YEAR_OR_NUMBER = re.compile(r"(?:19|20)\d{2}年?|\d+")
_PLACE_SUFFIX = re.compile(r"(?<=[\u4e00-\u9fff]{2})[镇乡县](?!长)")  # 县长, 镇长: an office, not a place
# A character before 镇/乡/县 that makes the word generic ("全镇", "那个镇", "城镇", "各乡", "所在镇", "下辖县"), not a name.
_GENERIC_BEFORE = set("全该本我个各城集村乡一每两三四五等的此这那某镇在属辖邻")


def subject_terms(normalized: str, places: "Sequence[str] | None" = None) -> frozenset[str]:
    """Subject bigrams of a normalized question (punctuation, question words, places and years removed).

    ``places``: the place names to leave out when the caller knows them (the question's scope); the
    generic pattern (one to four characters before 镇/乡/县/区/市) is then not used, since it also
    takes words such as 满意度在市 (满意度在市里测评中排第几位)."""
    if places is None:
        q = _PLACE_OR_YEAR.sub("|", normalized)
    else:
        q = _YEAR_OR_NUMBER.sub("|", normalized)
        for name in sorted(places, key=len, reverse=True):
            q = q.replace(name, "|") if name else q
    q = _QUESTION_WORDS.sub("|", q)
    return frozenset(g for part in _PUNCT.sub("|", q).split("|") if len(part) >= 2 for g in bigrams(part))


def parse_query(question: str) -> Query:
    """The question as a typed :class:`Query` (see the module docstring)."""
    from .normalize import normalize_query
    from .numbers import numbers_in

    q = normalize_query(question)
    mentions = tuple(
        q[m.start() - 2 : m.end()] for m in _PLACE_SUFFIX.finditer(q) if q[m.start() - 1] not in _GENERIC_BEFORE
    )
    return Query(
        text=question,
        normalized=q,
        years=tuple(dict.fromkeys(years_in(q) + term_end_years(q))),  # 截至“十四五”末 asks about 2025
        years_spanned=tuple(year_spans(q)),
        relative_years=tuple(relative_years(q)),
        place_mentions=mentions,
        numbers=tuple(numbers_in(q)),
        terms=subject_terms(q),
        wants_quantity=bool(_QUANTITY_Q.search(question)),
    )


def as_query(question: "str | Query") -> Query:
    """A :class:`Query` for a question given either way (library callers may pass plain text)."""
    return question if isinstance(question, Query) else parse_query(question)


__all__ = ["parse_query", "as_query", "subject_terms"]
