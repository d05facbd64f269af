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

from .config import Settings
from .types import Citation, Hit

ABSTAIN_TEXT = "资料中没有相关信息"
UNSUPPORTED_TEXT = "无法从资料中给出有依据的回答"
_CITE = re.compile(r"\[(\d{1,2})\]")
_YEAR_Q = re.compile(r"((?:19|20)\d{2})\s*年?")
_SENT_END = re.compile(r"[。！？；!?;\n]")


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
    from .normalize import normalize_query

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


def format_passages(hits: list[Hit]) -> str:
    from .normalize import normalize_query

    parts = []
    for i, h in enumerate(hits, 1):
        # The model reads the cleaned, simplified passage; citations still point at the original characters.
        body = normalize_query(h.text)
        parts.append(f"[{i}] 《{h.doc_id}》 {h.section or ''}\n{body.strip()}")
    return "\n\n".join(parts)


def check_answer(answer: str, hits: list[Hit]) -> tuple[list[int], list[str]]:
    """Cited passage numbers, and the problems found (empty when the answer is supported)."""
    from .numbers import numbers_in

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


def citation_span(hit: Hit, answer: str) -> tuple[int, int]:
    """The sentence(s) of a cited passage that hold the answer's numbers (else the whole passage), in original offsets."""
    from .numbers import numbers_in

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
) -> Answer:
    from .api import list_documents, open_retriever
    from .prompts import get_prompt

    settings = settings or Settings()
    retriever = retriever or open_retriever(settings)
    k = k or settings.search_k
    if doc_ids is None:
        doc_ids = narrow_documents(question, list_documents(settings), place=place, year=year)
    hits = retriever.search(question, k=k, doc_ids=doc_ids)
    if not hits:
        return Answer(question, ABSTAIN_TEXT, True, passages=[])
    prompt = get_prompt("answer")
    messages = prompt.render(question=question, passages=format_passages(hits))
    own_llm = llm is None
    if own_llm:
        from .llm import LLMClient

        llm = LLMClient(settings)
    usage_total = {"prompt_tokens": 0, "completion_tokens": 0, "seconds": 0.0, "calls": 0}

    def call(msgs, version):
        text, usage = llm.complete(msgs, template_version=version, stream=on_token is not None, on_token=on_token)
        usage_total["calls"] += 1
        usage_total["prompt_tokens"] += getattr(usage, "prompt_tokens", 0) or 0
        usage_total["completion_tokens"] += getattr(usage, "completion_tokens", 0) or 0
        usage_total["seconds"] += getattr(usage, "seconds", 0.0) or 0.0
        return text.strip()

    try:
        text = call(messages, prompt.version)
        if ABSTAIN_TEXT in text and not _CITE.search(text):
            return Answer(question, ABSTAIN_TEXT, True, passages=hits, usage=usage_total)
        cited, problems = check_answer(text, hits)
        if problems:
            if on_token:
                on_token("\n[答案未通过核对，重新生成]\n")
            feedback = ("你的回答未通过核对：" + "；".join(problems) +
                        f"。请只依据资料重新回答，数字必须与资料一致并标注编号；资料中没有答案就回答：{ABSTAIN_TEXT}")
            text = call(messages + [{"role": "assistant", "content": text}, {"role": "user", "content": feedback}],
                        prompt.version + "+retry")
            if ABSTAIN_TEXT in text and not _CITE.search(text):
                return Answer(question, ABSTAIN_TEXT, True, passages=hits, usage=usage_total)
            cited, problems = check_answer(text, hits)
        if problems:
            return Answer(question, UNSUPPORTED_TEXT, True, passages=hits, supported=False, usage=usage_total,
                          problems=problems)
    finally:
        if own_llm:
            llm.close()
    citations = []
    for n in cited:
        h = hits[n - 1]
        s, e = citation_span(h, text)
        quote = h.text[s - h.start : e - h.start]
        citations.append(Citation(id=n, doc_id=h.doc_id, source=h.source, start=s, end=e, quote=quote, section=h.section))
    return Answer(question, text, False, citations=citations, passages=hits, usage=usage_total)
