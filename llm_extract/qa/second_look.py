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

from ..core.types import Hit

_CITE = re.compile(r"\[(\d{1,2})\]")
# Words that say what kind of answer is wanted or which report is meant, not what the answer is about.
_QUESTION_WORDS = re.compile(
    r"多少|是什么|有哪些|哪些|什么|怎样|如何|是否|为何|几个|几项|几|吗|呢|请问|"
    r"该镇|全镇|这个镇|那个镇|那篇|这篇|报告中|报告|工作总结|工作汇报|汇报|中|提出|指出|预计|预期|计划|目标|"
    r"同比|变化|实现|完成|达到"
)
_QUANTITY_Q = re.compile(r"多少|几|多大|多高|多长|比例|增长|增幅|下降")
_PUNCT = re.compile(r"[\s，。、；：:,.;（）()《》“”\"'？?！!【】\[\]]")


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


# Place names and years say which report is meant; they are checked by narrowing and the year rule,
# and would otherwise let any sentence of the right report pass as on topic.
_PLACE_OR_YEAR = re.compile(r"[\u4e00-\u9fff]{1,4}?(?:镇|乡|县|区|市)|(?:19|20)\d{2}年?|\d+")


def question_terms(question: str) -> set[str]:
    """The question's subject bigrams (simplified; punctuation, question words, places and years removed)."""
    from ..text.normalize import normalize_query

    q = _QUESTION_WORDS.sub("|", _PLACE_OR_YEAR.sub("|", normalize_query(question)))
    return {g for part in _PUNCT.sub("|", q).split("|") if len(part) >= 2 for g in _bigrams(part)}


def _squash(text: str) -> str:
    from ..text.normalize import normalize_query

    return _PUNCT.sub("", normalize_query(text))


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[。；;！？!?\n])", text)
    out = []
    for p in parts:
        p = p.strip()
        # Long lists of figures are cut at commas too, as focus_passages does.
        out.extend(x.strip() for x in (re.split(r"(?<=[，,])", p) if len(p) > 120 else [p]) if x.strip())
    return out


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def _on_topic(question: str, text: str, terms: set[str], min_overlap: float, min_shared: int) -> bool:
    from ..text.normalize import find_placeholders, normalize_query
    from ..text.numbers import find_quantities

    shared = terms & _bigrams(_squash(text))
    if not terms or len(shared) < min_shared or len(shared) / len(terms) < min_overlap:
        return False
    # A figure for another year is not the answer: a quote naming years names one the question asks about.
    asked, named = set(_YEAR.findall(normalize_query(question))), set(_YEAR.findall(normalize_query(text)))
    if asked and named and not asked & named:
        return False
    if _QUANTITY_Q.search(question):
        # "过去的一年" is a duration, not the figure asked for.
        figures = [q for q in find_quantities(text) if q.unit != "年"]
        return bool(figures or find_placeholders(text))
    return True


def accept_quote(question: str, reply: str, hits: list[Hit], *, min_overlap: float = 0.5,
                 min_shared: int = 2) -> Optional[str]:
    """The reply as an answer (``quote[n]``) when it passes the checks above, else ``None``.

    The model often answers with the passage number alone ("[2]"): that is its
    choice of passage, and the sentence of that passage that shares most with
    the question stands as the quote, under the same checks.
    """
    cited = [int(n) for n in _CITE.findall(reply) if 1 <= int(n) <= len(hits)]
    if not cited:
        return None
    body = _CITE.sub("", reply).strip().strip("。；;，, ")
    body = next((line.strip() for line in body.splitlines() if line.strip()), "")
    terms = question_terms(question)
    quote = _squash(body)
    if len(quote) >= 4:
        where = next((n for n in cited if quote in _squash(hits[n - 1].text)), None)
        if where is None or not _on_topic(question, body, terms, min_overlap, min_shared):
            return None
        return f"{body}[{where}]"
    n = cited[0]
    sentences = _sentences(hits[n - 1].text)
    if not sentences:
        return None
    best = max(sentences, key=lambda x: len(terms & _bigrams(_squash(x))))
    if not _on_topic(question, best, terms, min_overlap, min_shared):
        return None
    return f"{best.rstrip('。；;，, ')}[{n}]"


__all__ = ["accept_quote", "question_terms"]
