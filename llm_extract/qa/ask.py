"""Cited question answering over the index.

The model sees numbered passages and must cite them as ``[n]``.  What it says
is then checked against the passages, never trusted: citations must name shown
passages and every number in the answer must be printed in a cited passage.
An answer that fails is re-asked once, then withheld as unsupported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from ..core.config import Settings
from ..core.types import Citation, Hit, Query
from ..text.query import as_query
from ..text.segments import sentence_spans
from .passages import focus_passages, format_passages

ABSTAIN_TEXT = "资料中没有相关信息"
UNSUPPORTED_TEXT = "无法从资料中给出有依据的回答"
_CITE = re.compile(r"\[(\d{1,2})\]")
_NOT_DISCLOSED = re.compile(r"未披露|没有披露|未公布|未给出具体|占位")
# A figure left blank in the text: a verb directly followed by a unit, with no number between.
_BLANK_FIGURE = re.compile(r"(?:达到|完成|实现|为|达|增长|下降)(?:亿|万|千)?(?:元|美元|美金|%|吨|户|人)")


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    passages: list[Hit] = field(default_factory=list)
    supported: bool = True
    usage: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [
                {"id": c.id, "doc_id": c.doc_id, "source": c.source, "start": c.start, "end": c.end, "quote": c.quote,
                 "section": c.section}
                for c in self.citations
            ],
            "usage": self.usage,
        }


def _stem(place: str) -> str:
    return place[:-1] if len(place) > 2 and place[-1] in "镇乡县区市" else place


def narrow_documents(question: "str | Query", docs: list[dict], *, place: Optional[str] = None,
                     year: Optional[int] = None) -> list[str] | None:
    """Doc ids the question is about, from places and years it names; None = no narrowing."""
    query = as_query(question)
    q = query.normalized
    chosen = docs
    places = [place] if place else []
    if not places:
        for d in docs:
            p = d.get("place") or ""
            stem = _stem(p)
            if p and (p in q or (len(stem) >= 2 and stem in q)):
                places.append(p)
    if places:
        chosen = [d for d in chosen if d.get("place") in places]
    years = [year] if year else list(query.years)
    if years and chosen:
        with_year = [d for d in chosen if set(d.get("years") or []) & set(years)]
        # Only narrow by year alongside a place: many reports mention many years.
        if with_year and places:
            chosen = with_year
    if chosen is docs or not chosen:
        return None
    return [d["doc_id"] for d in chosen]


def names_unknown_place(question: "str | Query", docs: list[dict]) -> bool:
    """Whether the question names a town or county that no indexed document is about (华士镇 in a
    corpus without it): nothing in the index can answer it, whatever a passage happens to say."""
    query = as_query(question)
    if not query.place_mentions:
        return False
    stems = [_stem(d.get("place") or "") for d in docs if d.get("place")]
    return not any(stem and stem in query.normalized for stem in stems)


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
    have = [h for n in cited for h in _passage_numbers(hits[n - 1])]
    for v in claimed_numbers(answer, query):
        if not any(_close(v, h) for h in have):
            problems.append(f"number {v:g} is not in the cited passages")
    return cited, problems


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


def ask(
    question: "str | Query",
    *,
    settings: Optional[Settings] = None,
    retriever=None,
    llm=None,
    k: Optional[int] = None,
    doc_ids: Optional[list[str]] = None,
    year: Optional[int] = None,
    place: Optional[str] = None,
    on_token: Optional[Callable[[str], None]] = None,
    rerank: Optional[str] = None,
) -> Answer:
    """Answer ``question`` from the index with verified citations, or abstain (see the module docstring).

    The question is parsed once into a :class:`Query` that every later step reads.
    """
    from ..index.access import list_documents, open_retriever
    from .rerank import METHODS as RERANK_METHODS, rerank as rerank_hits, rerank_depth

    settings = settings or Settings()
    query = as_query(question)
    retriever = retriever or open_retriever(settings)
    k = k or settings.ask.k
    unknown_place = False
    if doc_ids is None:
        docs = list_documents(settings)
        doc_ids = narrow_documents(query, docs, place=place, year=year)
        unknown_place = place is None and names_unknown_place(query, docs)
    method = (rerank or settings.ask.rerank or "none").lower()
    if method not in RERANK_METHODS:
        from ..core.errors import ConfigError

        raise ConfigError(f"unknown rerank method {method!r}", hint="use " + " | ".join(RERANK_METHODS))
    hits = retriever.search(query, k=rerank_depth(k, settings.ask.rerank_depth if method != "none" else None),
                            doc_ids=doc_ids)
    if not hits:
        return Answer(query.text, ABSTAIN_TEXT, True, passages=[])
    own_llm = llm is None
    if own_llm:
        from ..llm.client import LLMClient

        llm = LLMClient(settings)
    usage_total = {"prompt_tokens": 0, "completion_tokens": 0, "seconds": 0.0, "calls": 0}
    try:
        hits, used = rerank_hits(query, hits, method, llm=llm, focus_chars=settings.ask.focus_chars)
        for key, value in used.items():
            usage_total[key] += value
        hits = hits[:k]
        if settings.ask.focus_chars:
            hits = focus_passages(query, hits, settings.ask.focus_chars)
        # The second look never answers for a place the index does not hold.
        return _answer(query, hits, llm, usage_total, on_token, settings.ask.second_look and not unknown_place)
    finally:
        if own_llm:
            llm.close()


def _answer(query: Query, hits: list[Hit], llm, usage_total: dict, on_token, second_look: bool = True) -> Answer:
    """Generate, check and (once) re-ask; the caller owns the client's lifetime."""
    from ..llm.prompts import get_prompt

    question = query.text
    prompt = get_prompt("answer")
    messages = prompt.render(question=question, passages=format_passages(hits))

    def call(msgs, version):
        text, usage = llm.complete(msgs, template_version=version, stream=on_token is not None, on_token=on_token)
        usage_total["calls"] += 1
        usage_total["prompt_tokens"] += getattr(usage, "prompt_tokens", 0) or 0
        usage_total["completion_tokens"] += getattr(usage, "completion_tokens", 0) or 0
        usage_total["seconds"] += getattr(usage, "wall_time", 0.0) or 0.0
        return text.strip()

    text = call(messages, prompt.version)
    if ABSTAIN_TEXT in text and second_look:
        # The small model declines most answerable questions; copying the answering sentence is
        # easier for it, and code decides whether the copy answers (see second_look.py).
        from .second_look import accept_quote

        quote_prompt = get_prompt("quote")
        reply = call(quote_prompt.render(question=question, passages=format_passages(hits)), quote_prompt.version)
        accepted = accept_quote(query, reply, hits)
        if accepted:
            if on_token:
                on_token("\n[第二次查看：资料原文]\n" + accepted)
            text = accepted
    if ABSTAIN_TEXT in text:
        return Answer(question, ABSTAIN_TEXT, True, passages=hits, usage=usage_total)
    text, cited, problems = _checked(text, hits, query)
    if problems:
        if on_token:
            on_token("\n[答案未通过核对，重新生成]\n")
        feedback = ("你的回答未通过核对：" + "；".join(problems) +
                    f"。请只依据资料重新回答，数字必须与资料一致并标注编号；资料中没有答案就回答：{ABSTAIN_TEXT}")
        text = call(messages + [{"role": "assistant", "content": text}, {"role": "user", "content": feedback}],
                    prompt.version + "+retry")
        if ABSTAIN_TEXT in text:
            return Answer(question, ABSTAIN_TEXT, True, passages=hits, usage=usage_total)
        text, cited, problems = _checked(text, hits, query)
    if problems:
        return Answer(question, UNSUPPORTED_TEXT, True, passages=hits, supported=False, usage=usage_total,
                      problems=problems)
    if claims_undisclosed(text) and not shows_placeholder(hits, cited):
        # "Not disclosed" is a claim about the text too: without a placeholder in what it cites,
        # it only means the passages do not hold the answer.
        return Answer(question, ABSTAIN_TEXT, True, passages=hits, usage=usage_total,
                      problems=["claims the figure is undisclosed, but no cited passage prints a placeholder"])
    citations = []
    for n in cited:
        h = hits[n - 1]
        s, e = citation_span(h, text, query)
        quote = h.text[s - h.start : e - h.start]
        citations.append(Citation(id=n, doc_id=h.doc_id, source=h.source, start=s, end=e, quote=quote, section=h.section))
    return Answer(question, text, False, citations=citations, passages=hits, usage=usage_total)


def _checked(text: str, hits: list[Hit], query: Query) -> tuple[str, list[int], list[str]]:
    """Check an answer; when its figures are printed in another shown passage than it cites, cite that one."""
    cited, problems = check_answer(text, hits, query)
    if problems:
        fixed = recite(text, hits, query)
        if fixed is not None:
            cited2, problems2 = check_answer(fixed, hits, query)
            if not problems2:
                return fixed, cited2, problems2
    return text, cited, problems
