"""Answers composed by code, before the model: the routes that read what the index already knows.

In order (:func:`answer_by_code`): a quantity question the stored indicator records settle
(:mod:`.from_records`, also a metric over years or across places); a figure of a place-less report the
question describes (:mod:`.described`); a figure the report leaves blank (:mod:`.blank_figures`); the
items of a counted name the report lists (:mod:`.enumerations`); the report's own problems or tasks
(:mod:`.from_sections`); the parts of a total or the projects of a kind (:mod:`.components`,
:mod:`.project_lists`); a figure printed only in a table row (:mod:`.table_figures`).  Each answers only
when sure; ``None`` hands the question on, and in the end to the model (:mod:`.ask`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..core.config import Settings
from ..core.types import Query

NAMED_LIST_SCAN = 50  # documents read for a named list when the question names no place (~0.05 s each)


@dataclass
class CodeAnswer:
    """What the code routes made of a question: an answer and its route, or none (``answer is None``);
    ``texts`` are the whole reports' text when a route read them (the model route may reuse them)."""

    answer: object = None  # a RoutedAnswer (text, abstain, citations, passages, reasons)
    route: str = ""
    explain: list[str] = field(default_factory=list)
    texts: Optional[dict] = None
    described: tuple = (None, "", "")  # (doc ids, line, phrase) of the place-less report the question describes,
    # read when no route answered (the model route searches only that report)


def answer_by_code(query: Query, docs: list[dict], scope, stored: "ScopeRecords", settings: Settings, *,
                   whole_index: bool = True) -> CodeAnswer:
    """The first code route that answers ``query`` (see the module docstring).  ``whole_index`` says the
    question may range over every document (no ``doc_ids`` given by the caller)."""
    if not settings.ask.records:
        return CodeAnswer()
    if scope.doc_ids or len(docs) == 1 or _compares_places(query):
        found = _from_records(query, docs, scope.names, stored.indicators())
        if found is not None:
            return CodeAnswer(found[0], "record", [found[1]])
    texts = None  # the whole reports' text, read at most once per question (two routes may read them)
    placeless = whole_index and scope.doc_ids is None and not scope.places  # a report may be described, not named
    if placeless:
        from .document_text import document_texts

        texts = document_texts(settings)
        found = _from_described(query, docs, stored.indicators(), settings, texts)
        if found is not None:
            return CodeAnswer(found[0], "record", found[1], texts)
    if docs:
        from .blank_figures import blank_figure_in_scope  # a figure the report leaves blank (xx万亩, 达万元)

        blank = blank_figure_in_scope(query, docs, scope.doc_ids, settings, texts)
        if blank is not None:
            return CodeAnswer(blank, "record", [], texts)
    named = _named_list(query, docs, scope, settings) if whole_index else None
    if named is not None:
        return CodeAnswer(named, "section", [], texts)
    if scope.doc_ids or len(docs) == 1:
        found = _lists(query, docs, scope, stored, settings)
        if found is not None:
            return CodeAnswer(found[0], found[1], [], texts)
        tabled = _table_figure(query, docs, scope, settings)
        if tabled is not None:
            return CodeAnswer(tabled, "record", [], texts)
        return CodeAnswer(texts=texts)
    # the one place-less report the question describes (ids, line, phrase): read only when no route answered
    described = described_scope(query, docs, settings, texts) if placeless else (None, "", "")
    if described[0]:
        # a list asked of a place-less report the question describes (2001年以来工作情况汇报中，存在哪些问题)
        from .scope import Scope

        narrowed = Scope(doc_ids=described[0])
        own = ScopeRecords(narrowed, docs, settings, stored.injected)
        try:
            found = _lists(query, docs, narrowed, own, settings)
        finally:
            own.close()
        if found is not None:
            line = f"list over {described[0][0]} only: the question describes it ({described[2]})"
            return CodeAnswer(found[0], found[1], [line], texts)
    return CodeAnswer(texts=texts, described=described)


def _lists(query: Query, docs: list[dict], scope, stored: "ScopeRecords", settings: Settings):
    """The report's own problems or tasks (``route="section"``), or the parts of a total or the projects
    of a kind, as ``(answer, route)``; ``None`` when no list route answers."""
    listed = _from_sections(query, docs, stored, settings)
    if listed is not None:
        return listed, "section"
    return _parts_or_projects(query, docs, scope, stored, settings)


def years_given(query: Query, scope_records: "ScopeRecords") -> str:
    """For an abstention on one year's figure: the years the stored records give that metric ("" = none)."""
    from .understand import record_metric_names, understand

    if len(set(query.years)) != 1:
        return ""
    stored = scope_records.indicators()
    understood = understand(query, metric_names=record_metric_names(stored))
    if not understood.metric or understood.shape not in ("quantity", "rate"):
        return ""
    years = sorted({r.period for r in stored if r.metric == understood.metric and r.period and r.period.isdigit()
                    and not r.placeholder})
    if not years or str(understood.years[0]) in years:
        return ""
    return f"记录中{understood.metric_raw or understood.metric}有数字的年份：" + "、".join(f"{y}年" for y in years)


def _from_sections(query: Query, docs: list[dict], stored: "ScopeRecords", settings: Settings):
    """The section route's list answer (the report's own problems or tasks, each cited), or ``None``."""
    from .document_text import original_texts
    from .from_sections import answer_from_sections, list_kind
    from .understand import understand

    understood = understand(query)
    kind = list_kind(understood)
    if not kind:
        return None
    return answer_from_sections(understood, stored.items(kind), {d["doc_id"]: d for d in docs},
                                original_texts(settings))


def _parts_or_projects(query: Query, docs: list[dict], scope, stored: "ScopeRecords", settings: Settings):
    """The parts of a total (:mod:`.components`, ``route="record"``) or the projects of a kind and status
    (:mod:`.project_lists`, ``route="section"``) the question asks for, with the route, or ``None``."""
    from .components import answer_parts, parts_question
    from .document_text import normalized_documents
    from .project_lists import answer_projects, project_question

    in_scope = [d for d in docs if scope.doc_ids is None or d["doc_id"] in scope.doc_ids]
    if parts_question(query, scope.names) is not None:
        found = answer_parts(query, scope.names, stored.indicators(), in_scope, normalized_documents(settings))
        return (found, "record") if found is not None else None
    if project_question(query, scope.names) is not None:
        found = answer_projects(query, scope.names, stored.items("project"), {d["doc_id"]: d for d in docs},
                                normalized_documents(settings))
        return (found, "section") if found is not None else None
    return None


def _table_figure(query: Query, docs: list[dict], scope, settings: Settings):
    """A figure the question's one report prints only in a table row (:mod:`.table_figures`), or ``None``."""
    from .document_text import normalized_documents
    from .table_figures import answer_from_table
    from .understand import understand

    in_scope = [d for d in docs if scope.doc_ids is None or d["doc_id"] in scope.doc_ids]
    if len(in_scope) != 1 or not in_scope[0].get("source"):
        return None
    return answer_from_table(understand(query), scope.names, in_scope[0], normalized_documents(settings))


class ScopeRecords:
    """The stored records and items of one question's documents, the store opened (and its staleness
    checked) at most once per question and the indicator records read at most once."""

    def __init__(self, scope, docs: list[dict], settings: Settings, records=None):
        self._ids = scope.doc_ids or [d["doc_id"] for d in docs]
        self._docs, self._settings, self._injected = docs, settings, records
        self._store = None
        self._opened = False
        self._indicators: Optional[list] = None

    @property
    def injected(self):
        """The store the caller injected (``None``: the index's), for a narrower scope's records to share."""
        return self._injected

    def close(self) -> None:
        if self._store is not None and self._injected is None:
            self._store.close()

    def _open(self):
        from ..core.errors import IndexStoreError
        from ..extract.record_store import open_records

        if not self._opened:
            self._opened = True
            try:
                # The document list ask already read serves the staleness check (no second manifest read).
                self._store = self._injected or open_records(self._settings, documents=self._docs or None)
            except IndexStoreError:
                self._store = None  # an injected retriever without an index on disk: nothing is stored
        return self._store

    def indicators(self) -> list:
        """The scope's stored indicator records ([] when the index has no record store)."""
        if self._indicators is None:
            store = self._open()
            self._indicators = store.records(self._ids) if store is not None else []
        return self._indicators

    def items(self, kind: str) -> list:
        """The scope's stored task/problem items of ``kind``."""
        store = self._open()
        return [item for doc_id in self._ids for item in store.items(doc_id, kind)] if store is not None else []


def _compares_places(query: Query) -> bool:
    """A ranking question (哪个县…最高) is about the whole index even when it names no place."""
    from .understand import understand

    return understand(query).shape == "ranking"


def _understood(query: Query, stored: list) -> tuple[Query, str]:
    """The question read with the metric names of ``stored``, and a line saying how it was read."""
    from .understand import record_metric_names, understand

    understood = understand(query, metric_names=record_metric_names(stored))
    line = (f"understood: metric {understood.metric or '-'}, kind {understood.kind}, shape {understood.shape}; "
            f"{len(stored)} stored record(s) in scope")
    return understood, line


def _from_records(query: Query, docs: list[dict], places: list[str], stored: list):
    """The records route's answer and a line saying how the question was read, or ``None``."""
    from .from_records import answer_from_records

    if not stored:
        return None
    understood, line = _understood(query, stored)
    ra = answer_from_records(understood, stored, {d["doc_id"]: d for d in docs}, places=places)
    return (ra, line) if ra is not None else None


def _from_described(query: Query, docs: list[dict], stored: list, settings: Settings, texts=None):
    """The records route for one figure of a place-less document the question describes instead of
    naming a place (:mod:`.described`): its answer and the lines saying how it was read, or ``None``."""
    from .described import described_document
    from .document_text import document_texts
    from .from_records import answer_from_records

    if not stored or len(docs) < 2 or all(d.get("place") for d in docs):
        return None
    understood, line = _understood(query, stored)
    if not understood.metric or understood.shape not in ("quantity", "rate", "compound"):
        return None  # settled before any document's text is read
    picked = described_document(understood, docs, texts or document_texts(settings))
    if picked is None:
        return None
    doc_id, phrase = picked
    mine = [r for r in stored if r.doc_id == doc_id]
    # the describing phrase may share the metric's clause (氟化工园区所在镇的财政总收入): it is no qualifier of the metric
    ra = answer_from_records(understood, mine, {d["doc_id"]: d for d in docs}, places=[phrase], own_clause=True)
    return (ra, [line, f"document {doc_id} named by a phrase only it prints: {phrase}"]) if ra is not None else None


def described_scope(query: Query, docs: list[dict], settings: Settings,
                     texts=None) -> tuple[Optional[list[str]], str, str]:
    """The one place-less report a question describes (:mod:`.described`) as the model route's scope, a
    line saying so and the describing phrase; ``(None, "", "")`` when there is none (the model searches
    the whole index)."""
    from .described import described_document
    from .document_text import document_texts
    from .understand import understand

    if len(docs) < 2 or all(d.get("place") for d in docs):
        return None, "", ""
    picked = described_document(understand(query), docs, texts or document_texts(settings))
    if picked is None:
        return None, "", ""
    return [picked[0]], f"model route over {picked[0]} only: the question describes it ({picked[1]})", picked[1]


def _named_list(query: Query, docs: list[dict], scope, settings: Settings):
    """The named-list answer (:mod:`.enumerations`): over the question's documents, or over the whole
    index when it names no place and holds at most :data:`NAMED_LIST_SCAN` documents (the one report
    that lists the items is the one asked about; two that do make the route decline)."""
    from .document_text import normalized_documents
    from .enumerations import answer_named_list, named_list

    if named_list(query) is None:
        return None
    if scope.doc_ids is None and (scope.places or len(docs) > NAMED_LIST_SCAN):
        return None
    in_scope = [d for d in docs if scope.doc_ids is None or d["doc_id"] in scope.doc_ids]
    return answer_named_list(query, in_scope, normalized_documents(settings))
