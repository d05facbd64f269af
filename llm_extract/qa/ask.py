"""Cited question answering over the index: :func:`ask`, its routes in order, and the model route.

What the index already knows answers first, composed by code (:mod:`.code_routes`). The rest goes to
the model: it sees numbered passages and must cite them as ``[n]``.  What it says
is then checked against the passages, never trusted: citations must name shown
passages and every number in the answer must be printed in a cited passage.
An answer that fails is re-asked once, then withheld as unsupported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from ..core.config import Settings
from ..core.errors import IndexStoreError
from ..core.types import Citation, Hit, Query
from ..text.query import as_query
from .answer_checks import check_answer, citation_span, claims_undisclosed, recite, shows_placeholder
from .code_routes import ScopeRecords, answer_by_code, years_given
from .passages import focus_passages, format_passages
from .scope import names_unknown_place, narrow_documents  # noqa: F401  (re-exported)

ABSTAIN_TEXT = "资料中没有相关信息"
UNSUPPORTED_TEXT = "无法从资料中给出有依据的回答"


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
    route: str = "model"  # record | section | model | extract | abstain
    explain: list[str] = field(default_factory=list)  # the parsed question and why this route was taken

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "route": self.route,
            "citations": [
                {"id": c.id, "doc_id": c.doc_id, "source": c.source, "start": c.start, "end": c.end, "quote": c.quote,
                 "section": c.section}
                for c in self.citations
            ],
            "usage": self.usage,
            # An abstention still shows where the index came closest (the caller can read on).
            "passages": [{"doc_id": h.doc_id, "source": h.source, "start": h.start, "end": h.end, "text": h.text,
                          "section": h.section} for h in self.passages[:3]] if self.abstained else [],
            "problems": self.problems,
        }


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
    records=None,
) -> Answer:
    """Answer ``question`` from the index with verified citations, or abstain (see the module docstring).

    The question is parsed once into a :class:`Query` that every later step reads.  Routes, in
    order: a ``--place``/``--year`` that matches no document abstains and says what the index
    holds; a quantity question the stored indicator records settle is answered from them
    (``route="record"``, no model call), as is a metric over years or across places, and a figure of a
    place-less report the question describes (:mod:`.described`); the items of a counted name the
    report lists (“六个攻坚战”是哪些, :mod:`.enumerations`) and a list of the report's own problems or
    tasks (read from its stored items) take ``route="section"``; everything
    else goes to the model (``route="model"``).  When the model abstains on a question asking for one
    figure, the one clause of its passages that prints it may answer instead (``route="extract"``,
    :mod:`.extractive`; ``ask.extractive`` switches it off).
    ``records`` injects a record store (default: the index's, refreshed when stale).
    """
    from ..index.access import list_documents
    from .rerank import METHODS as RERANK_METHODS
    from .scope import Scope, anchor_years, by_role, doc_years, resolve_scope, role_years, unknown_places
    from .understand import understand

    settings = settings or Settings()
    query = as_query(question)
    method = (rerank or settings.ask.rerank or "none").lower()
    if method not in RERANK_METHODS:
        from ..core.errors import ConfigError

        raise ConfigError(f"unknown rerank method {method!r}", hint="use " + " | ".join(RERANK_METHODS))
    docs = list_documents(settings) if doc_ids is None else []
    scope = resolve_scope(query, docs, place=place, year=year) if doc_ids is None else Scope(doc_ids=list(doc_ids))
    explain = [f"query: years {list(query.years)}, places named {scope.places or '-'}"]
    if scope.problem:
        return Answer(query.text, ABSTAIN_TEXT, True, route="abstain", problems=[scope.problem],
                      explain=explain + [scope.problem])
    query, anchored = anchor_years(query, docs, scope)
    explain += [anchored] if anchored else []
    stored = ScopeRecords(scope, docs, settings, records)  # the store is opened at most once per question
    try:
        coded = answer_by_code(query, docs, scope, stored, settings, whole_index=doc_ids is None)
        if coded.answer is not None:
            return _composed(query, coded.answer, coded.route, explain + coded.explain)
        texts = coded.texts
        unknown = unknown_places(query, docs) if doc_ids is None and place is None else []
        unknown_place = bool(unknown)
        years_of = {d["doc_id"]: doc_years(d) for d in docs}
        model_ids, described = scope.doc_ids, ""
        if texts is not None and settings.ask.records and not unknown_place:
            model_ids, described = coded.described[0] or scope.doc_ids, coded.described[1]
        understood = understand(query)  # read once for the model route and the extractive fallback
        role_ids = by_role(understood, docs, model_ids)
        if role_ids:  # 2025年…是多少 over a place's 2025 and 2026 reports: the one that looks back on 2025
            model_ids = role_ids
            explain.append(f"model route over the report(s) that {'plan' if understood.kind == 'target' else 'review'} "
                           f"{understood.years[0]}年: {', '.join(role_ids)}")
        ans = _ask_model(understood, model_ids, settings, retriever, llm, k, method, on_token,
                         second_look=settings.ask.second_look and not unknown_place, years_of=years_of)
        ans.explain = explain + ([described] if described else []) + [f"model route: {len(ans.passages)} passage(s)"
                                 + (", no second look: the question names a place the index does not hold"
                                    if unknown_place else "")]
        if unknown_place and not ans.abstained and not _cites_place(ans, unknown):
            # the passages are about other places: their figure is not the asked place's
            return Answer(query.text, ABSTAIN_TEXT, True, passages=ans.passages, usage=ans.usage, route="model",
                          problems=[f"the question names {'、'.join(unknown)}, which no cited passage mentions"],
                          explain=ans.explain + [f"{'、'.join(unknown)}: no indexed report is about it, no cited passage names it"])
        if not ans.abstained and query.years and not _cites_year(understood, ans, years_of, settings):
            # a figure of another year (the review year's for a year the report only mentions, a target)
            ans = Answer(query.text, ABSTAIN_TEXT, True, passages=ans.passages, usage=ans.usage, route="model",
                         problems=[f"no cited sentence is of {'、'.join(map(str, query.years))}年"],
                         explain=ans.explain + [f"answer withheld: no cited sentence, paragraph, heading or document "
                                                f"is of {'、'.join(map(str, query.years))}年"])
        if ans.abstained and ans.route == "model" and settings.ask.extractive and not unknown_place:
            from ..index.access import load_original
            from .extractive import extract_answer  # the one clause of the passages printing the figure asked
            from .extractive_parts import extract_parts, slot_parts  # or the two figures a question asks

            extract = extract_parts if slot_parts(understood) else extract_answer
            # an undated figure is of the years the report looks back on (plans, for a goal)
            role_years_of = {d["doc_id"]: role_years(d, understood.kind) for d in docs}
            found = extract(understood, ans.passages, places=scope.names, doc_ids=model_ids,
                            years_of=role_years_of or years_of, original_of=lambda src: load_original(src, settings))
            if found is not None:
                return Answer(query.text, found.text, False, citations=found.citations or [found.citation],
                              passages=ans.passages, usage=ans.usage, route="extract",
                              explain=ans.explain + [found.reason])
        if ans.abstained and settings.ask.records and scope.doc_ids:
            given = years_given(query, stored)
            if given:
                ans.answer += f"。{given}"
                ans.explain.append(given)
        return ans
    finally:
        stored.close()


def _cites_year(query: Query, ans: Answer, years_of: dict, settings: Settings) -> bool:
    """Whether a cited sentence is of the year asked: named in it, else in its paragraph, its headings or
    its document (:func:`~.statement_time.cited_year_fits`)."""
    from ..index.access import load_original
    from .statement_time import cited_year_fits

    originals: dict[str, str] = {}  # each cited file read once

    def original(source: str) -> str:
        if source not in originals:
            try:
                originals[source] = load_original(source, settings)
            except IndexStoreError:  # no index (an injected retriever): the paragraph is not read
                originals[source] = ""
        return originals[source]

    return any(cited_year_fits(query, c, original(c.source), years_of) for c in ans.citations)


def _cites_place(ans: Answer, places: list[str]) -> bool:
    """Whether a passage the answer cites names one of ``places`` (with or without its suffix)."""
    from ..text.normalize import normalize_query
    from ..text.places import aliases

    cited = {c.id for c in ans.citations}
    texts = [normalize_query(h.text) for n, h in enumerate(ans.passages, 1) if n in cited]
    return any(a in t for p in places for a in aliases(p) for t in texts)


def _composed(query: Query, ra, route: str, explain: list[str]) -> Answer:
    """The :class:`Answer` for a reply composed by code from stored records or items (no model call)."""
    return Answer(query.text, ra.text, ra.abstain, citations=ra.citations, passages=ra.passages, route=route,
                  explain=explain + ra.reasons, usage={"prompt_tokens": 0, "completion_tokens": 0, "seconds": 0.0, "calls": 0})


def _ask_model(query: Query, doc_ids, settings: Settings, retriever, llm, k, method: str, on_token,
               second_look: bool, years_of: Optional[dict] = None) -> Answer:
    from ..index.access import open_retriever
    from .rerank import rerank as rerank_hits, rerank_depth

    retriever = retriever or open_retriever(settings)
    k = k or settings.ask.k
    hits = retriever.search(query, k=rerank_depth(k, settings.ask.rerank_depth if method != "none" else None),
                            doc_ids=doc_ids)
    if not hits:
        return Answer(query.text, ABSTAIN_TEXT, True, passages=[], route="abstain")
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
        return _answer(query, hits, llm, usage_total, on_token, second_look, years_of)
    finally:
        if own_llm:
            llm.close()


def _answer(query: Query, hits: list[Hit], llm, usage_total: dict, on_token, second_look: bool = True,
            years_of: Optional[dict] = None) -> Answer:
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

    quoted = False

    def quote_once() -> Optional[str]:
        # The small model declines (or botches) many answerable questions; copying the answering
        # sentence is easier for it, and code decides whether the copy answers (see second_look.py).
        nonlocal quoted
        if quoted or not second_look:
            return None
        quoted = True
        from .second_look import accept_quote

        quote_prompt = get_prompt("quote")
        reply = call(quote_prompt.render(question=question, passages=format_passages(hits)), quote_prompt.version)
        accepted = accept_quote(query, reply, hits, years_of=years_of)
        if accepted and on_token:
            on_token("\n[第二次查看：资料原文]\n" + accepted)
        return accepted

    text = call(messages, prompt.version)
    if ABSTAIN_TEXT in text:
        text = quote_once() or text
    if ABSTAIN_TEXT in text:
        return Answer(question, ABSTAIN_TEXT, True, passages=hits, usage=usage_total)
    from .second_look import accept_uncited

    text = accept_uncited(query, text, hits, years_of=years_of) or text
    text, cited, problems = _checked(text, hits, query)
    if problems:
        if on_token:
            on_token("\n[答案未通过核对，重新生成]\n")
        feedback = ("你的回答未通过核对：" + "；".join(problems) +
                    f"。请只依据资料重新回答，数字必须与资料一致并标注编号；资料中没有答案就回答：{ABSTAIN_TEXT}")
        text = call(messages + [{"role": "assistant", "content": text}, {"role": "user", "content": feedback}],
                    prompt.version + "+retry")
        if ABSTAIN_TEXT not in text:
            text, cited, problems = _checked(text, hits, query)
        if ABSTAIN_TEXT in text or problems:
            accepted = quote_once()
            if accepted:
                text, cited, problems = _checked(accepted, hits, query)
            elif ABSTAIN_TEXT in text:
                return Answer(question, ABSTAIN_TEXT, True, passages=hits, usage=usage_total)
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
    from .answer_fit import fit_problems

    cited, problems = check_answer(text, hits, query)
    if problems:
        fixed = recite(text, hits, query)
        if fixed is not None:
            cited2, problems2 = check_answer(fixed, hits, query)
            if not problems2:
                return fixed, cited2, fit_problems(fixed, hits, cited2, query)
        return text, cited, problems
    return text, cited, fit_problems(text, hits, cited, query)
