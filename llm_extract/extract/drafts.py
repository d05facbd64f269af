"""What the model is asked to fill for each record kind, and how a filled draft becomes a record.

Drafts carry no offsets: :mod:`.extractor` grounds every record in the
original text afterwards.  Fields are required-but-nullable, so constrained
grammars fill them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal, Optional

from pydantic import BaseModel, Field, create_model

from ..core.types import Grounded, IndicatorRecord, ProblemRecord, ProjectRecord, TaskRecord

__all__ = ["IndicatorDraft", "ProjectDraft", "ProblemDraft", "TaskDraft", "IndicatorList", "ProjectList", "ProblemList",
           "TaskList", "DRAFT_LISTS", "draft_to_record", "custom_list_model"]


class IndicatorDraft(BaseModel):
    evidence: str = Field(description="逐字复制的原文小句")
    metric_raw: str
    period: Optional[str]
    kind: Literal["actual", "estimate", "target"]
    value: Optional[float]
    unit: Optional[str]
    yoy_pct: Optional[float]
    qualifier: Optional[str]
    placeholder: bool


class ProjectDraft(BaseModel):
    evidence: str
    name: str
    investment_value: Optional[float]
    investment_unit: Optional[str]
    status: Literal["planned", "started", "under_construction", "completed", "in_operation", "unknown"]
    period: Optional[str]


class ProblemDraft(BaseModel):
    evidence: str
    problem: str
    category: str


class TaskDraft(BaseModel):
    evidence: str
    task: str
    value: Optional[float]
    unit: Optional[str]
    deadline: Optional[str]
    period: Optional[str]


class IndicatorList(BaseModel):
    items: list[IndicatorDraft]


class ProjectList(BaseModel):
    items: list[ProjectDraft]


class ProblemList(BaseModel):
    items: list[ProblemDraft]


class TaskList(BaseModel):
    items: list[TaskDraft]


DRAFT_LISTS: dict[str, type[BaseModel]] = {
    "indicator": IndicatorList, "project": ProjectList, "problem": ProblemList, "task": TaskList,
}


def _finish_indicator(draft: IndicatorDraft) -> IndicatorRecord:
    from ..text.growth import parse_change
    from ..text.numbers import find_placeholder_numbers, parse_quantity
    from .vocab import canonical_metric

    # Whether the figure is printed as xx/___ is a fact of the text, not the model's call: small
    # models flag real figures as placeholders (and back). The evidence decides; a record whose
    # value is then unsupported still fails the number check and is re-asked.
    printed_placeholder = bool(find_placeholder_numbers(draft.evidence))
    if draft.placeholder != printed_placeholder and (printed_placeholder or draft.value is not None):
        draft = draft.model_copy(update={"placeholder": printed_placeholder})

    value_base = None
    if draft.value is not None and draft.unit:
        q = parse_quantity(f"{draft.value:g}{draft.unit}")
        if q is not None and q.value_base is not None:
            value_base = q.value_base
    change = parse_change(draft.evidence)
    return IndicatorRecord(
        metric=canonical_metric(draft.metric_raw), metric_raw=draft.metric_raw, period=draft.period, kind=draft.kind,
        value=None if draft.placeholder else draft.value, unit=draft.unit, value_base=None if draft.placeholder else value_base,
        yoy_pct=draft.yoy_pct, yoy_basis=getattr(change, "basis", None) if change else None,
        qualifier=draft.qualifier, placeholder=draft.placeholder, evidence=draft.evidence,
    )


def _finish_project(draft: ProjectDraft) -> ProjectRecord:
    from ..text.numbers import parse_quantity

    base = None
    if draft.investment_value is not None and draft.investment_unit:
        q = parse_quantity(f"{draft.investment_value:g}{draft.investment_unit}")
        base = q.value_base if q else None
    return ProjectRecord(name=draft.name, investment_value=draft.investment_value, investment_unit=draft.investment_unit,
                         investment_base=base, status=draft.status, period=draft.period, evidence=draft.evidence)


def draft_to_record(kind: str, draft: BaseModel) -> Grounded:
    if kind == "indicator":
        return _finish_indicator(draft)  # type: ignore[arg-type]
    if kind == "project":
        return _finish_project(draft)  # type: ignore[arg-type]
    if kind == "problem":
        return ProblemRecord(problem=draft.problem, category=draft.category, evidence=draft.evidence)  # type: ignore[attr-defined]
    if kind == "task":
        return TaskRecord(task=draft.task, value=draft.value, unit=draft.unit, deadline=draft.deadline,  # type: ignore[attr-defined]
                          period=draft.period, evidence=draft.evidence)  # type: ignore[attr-defined]
    # A user schema: the draft already is the record type.
    return draft  # type: ignore[return-value]


@lru_cache(maxsize=None)
def custom_list_model(record_cls: type[BaseModel]) -> type[BaseModel]:
    """Wrap a user's pydantic model: add the grounding fields, and return ``{"items": [...]}`` of it."""
    extra = {
        "evidence": (str, Field(description="逐字复制的原文小句")),
        "record_type": (str, record_cls.__name__),
        "doc_id": (str, ""), "source": (str, ""), "start": (int, -1), "end": (int, -1),
        "section": (str, ""), "prompt_version": (str, ""), "grounding": (str, ""),
    }
    fields = {k: v for k, v in extra.items() if k not in record_cls.model_fields}
    grounded = create_model(record_cls.__name__ + "Record", __base__=record_cls, **fields)
    return create_model(record_cls.__name__ + "List", items=(list[grounded], ...))
