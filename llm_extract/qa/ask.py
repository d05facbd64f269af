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
from ..core.types import Citation, Hit
from .passages import focus_passages, format_passages

ABSTAIN_TEXT = "资料中没有相关信息"
UNSUPPORTED_TEXT = "无法从资料中给出有依据的回答"
_CITE = re.compile(r"\[(\d{1,2})\]")
_YEAR_Q = re.compile(r"((?:19|20)\d{2})\s*年?")
_SENT_END = re.compile(r"[。！？；!?;\n]")
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


def narrow_documents(question: str, docs: list[dict], *, place: Optional[str] = None, year: Optional[int] = None) -> list[str] | None:
    """Doc ids the question is about, from places and years it names; None = no narrowing."""
    from ..text.normalize import normalize_query

    q = normalize_query(question)
    chosen = docs
    places = [place] if place else []
    if not places:
        for d in docs:
            p = d.get("place") or ""
            stem = p[:-1] if len(p) > 2 and p[-1] in "镇乡县区市" else p
            if p and (p in q or (len(stem) >= 2 and stem in q)):
                places.append(p)
    if places:
        chosen = [d for d in chosen if d.get("place") in places]
    years = [year] if year else [int(y) for y in _YEAR_Q.findall(q)]
    if years and chosen:
        with_year = [d for d in chosen if set(d.get("years") or []) & set(years)]
        # Only narrow by year alongside a place: many reports mention many years.
        if with_year and places:
            chosen = with_year
    if chosen is docs or not chosen:
        return None
    return [d["doc_id"] for d in chosen]


_PLACE_SUFFIX = re.compile(r"(?<=[\u4e00-\u9fff]{2})[镇乡县]")
# A character before 镇/乡/县 that makes the word generic ("全镇", "那个镇", "城镇", "各乡"), not a name.
_GENERIC_BEFORE = set("全该本我个各城集村乡一每两三四五等的此这那某镇")


def names_unknown_place(question: str, docs: list[dict]) -> bool:
    """Whether the question names a town or county that no indexed document is about (华士镇 in a
    corpus without it): nothing in the index can answer it, whatever a passage happens to say."""
    from ..text.normalize import normalize_query

    q = normalize_query(question)
    names = [q[m.start() - 2 : m.end()] for m in _PLACE_SUFFIX.finditer(q) if q[m.start() - 1] not in _GENERIC_BEFORE]
    if not names:
        return False
    places = [d.get("place") or "" for d in docs]
    stems = [p[:-1] if len(p) > 2 and p[-1] in "镇乡县区市" else p for p in places if p]
    return not any(stem and stem in q for stem in stems)


def check_answer(answer: str, hits: list[Hit]) -> tuple[list[int], list[str]]:
    """Cited passage numbers, and the problems found (empty when the answer is supported)."""
    from ..text.numbers import numbers_in

    problems: list[str] = []
    cited = sorted({int(n) for n in _CITE.findall(answer)})
    bad = [n for n in cited if not 1 <= n <= len(hits)]
    if bad:
        problems.append(f"cites passages that were not shown: {bad}")
    cited = [n for n in cited if 1 <= n <= len(hits)]
    if not cited:
        problems.append("no valid citation")
        return cited, problems
    cited_text = "\n".join((hits[n - 1].search_text or "") + "\n" + hits[n - 1].text for n in cited)
    have = numbers_in(cited_text)
    body = _CITE.sub("", answer)
    for v in numbers_in(body):
        if not any(abs(v - h) <= 1e-9 * max(1.0, abs(h)) for h in have):
            problems.append(f"number {v:g} is not in the cited passages")
    return cited, problems


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


def citation_span(hit: Hit, answer: str) -> tuple[int, int]:
    """The sentence(s) of a cited passage that hold the answer's numbers (else the whole passage), in original offsets."""
    from ..text.numbers import numbers_in

    wanted = numbers_in(_CITE.sub("", answer))
    text = hit.text
    bounds = [0] + [m.end() for m in _SENT_END.finditer(text)] + [len(text)]
    sentences = [(a, b) for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]
    picked = [
        (a, b) for a, b in sentences
        if wanted and any(any(abs(v - h) <= 1e-9 * max(1.0, abs(h)) for h in numbers_in(text[a:b])) for v in wanted)
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
    question: str,
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
    from ..index.access import list_documents, open_retriever
    from .rerank import METHODS as RERANK_METHODS, rerank as rerank_hits, rerank_depth

    settings = settings or Settings()
    retriever = retriever or open_retriever(settings)
    k = k or settings.ask_k
    unknown_place = False
    if doc_ids is None:
        docs = list_documents(settings)
        doc_ids = narrow_documents(question, docs, place=place, year=year)
        unknown_place = place is None and names_unknown_place(question, docs)
    method = (rerank or settings.rerank or "none").lower()
    if method not in RERANK_METHODS:
        from ..core.errors import ConfigError

        raise ConfigError(f"unknown rerank method {method!r}", hint="use " + " | ".join(RERANK_METHODS))
    hits = retriever.search(question, k=rerank_depth(k, settings.rerank_depth if method != "none" else None),
                            doc_ids=doc_ids)
    if not hits:
        return Answer(question, ABSTAIN_TEXT, True, passages=[])
    own_llm = llm is None
    if own_llm:
        from ..llm.client import LLMClient

        llm = LLMClient(settings)
    usage_total = {"prompt_tokens": 0, "completion_tokens": 0, "seconds": 0.0, "calls": 0}
    try:
        hits, used = rerank_hits(question, hits, method, llm=llm, focus_chars=settings.focus_chars)
        for key, value in used.items():
            usage_total[key] += value
        hits = hits[:k]
        if settings.focus_chars:
            hits = focus_passages(question, hits, settings.focus_chars)
        # The second look never answers for a place the index does not hold.
        return _answer(question, hits, llm, usage_total, on_token, settings.second_look and not unknown_place)
    finally:
        if own_llm:
            llm.close()


def _answer(question: str, hits: list[Hit], llm, usage_total: dict, on_token, second_look: bool = True) -> Answer:
    """Generate, check and (once) re-ask; the caller owns the client's lifetime."""
    from ..llm.prompts import get_prompt

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
        # easier for it, and code decides whether the copy answers (see extractive.py).
        from .second_look import accept_quote

        quote_prompt = get_prompt("quote")
        reply = call(quote_prompt.render(question=question, passages=format_passages(hits)), quote_prompt.version)
        accepted = accept_quote(question, reply, hits)
        if accepted:
            if on_token:
                on_token("\n[第二次查看：资料原文]\n" + accepted)
            text = accepted
    if ABSTAIN_TEXT in text:
        return Answer(question, ABSTAIN_TEXT, True, passages=hits, usage=usage_total)
    cited, problems = check_answer(text, hits)
    if problems:
        if on_token:
            on_token("\n[答案未通过核对，重新生成]\n")
        feedback = ("你的回答未通过核对：" + "；".join(problems) +
                    f"。请只依据资料重新回答，数字必须与资料一致并标注编号；资料中没有答案就回答：{ABSTAIN_TEXT}")
        text = call(messages + [{"role": "assistant", "content": text}, {"role": "user", "content": feedback}],
                    prompt.version + "+retry")
        if ABSTAIN_TEXT in text:
            return Answer(question, ABSTAIN_TEXT, True, passages=hits, usage=usage_total)
        cited, problems = check_answer(text, hits)
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
        s, e = citation_span(h, text)
        quote = h.text[s - h.start : e - h.start]
        citations.append(Citation(id=n, doc_id=h.doc_id, source=h.source, start=s, end=e, quote=quote, section=h.section))
    return Answer(question, text, False, citations=citations, passages=hits, usage=usage_total)
