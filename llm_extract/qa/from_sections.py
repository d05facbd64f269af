"""List answers composed from the problem and task items a report's structure gives.

``青川县存在哪些问题？`` and ``云岭镇2022年的重点工作任务有哪些？`` ask for a list the report itself
lays out: the paragraph of difficulties (我们也清醒地看到…一是…二是…) or the numbered headings of
the plan part (（一）…（二）…).  Rule extraction stores those items beside the index, each with
its exact span; this route lists them, one citation per item, without the model (which, shown
five passages, returns two or three of ten items and often the wrong part of the report).

It answers only when it is sure what is asked and where:

* the question asks for a list (``shape == "list"``) of problems (问题/困难/不足/短板/差距/挑战) or of
  tasks (任务/工作重点/重点工作/工作安排/措施/打算), and not of something narrower than the report's
  own list (a sector, a programme, projects: 农业方面/领域/项目/工程 go to the model);
* the question's scope holds exactly one document with items of that kind;
* tasks are listed at the level the report numbers them (its headline items), problems as stated;
  a report with fewer than two such items, or more than :data:`MAX_ITEMS`, goes to the model.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional, Protocol

from ..core.types import Query

MAX_ITEMS = 20
_PROBLEM_Q = re.compile(r"问题|困难|不足|短板|差距|挑战|矛盾|弱项|薄弱")
_TASK_Q = re.compile(r"任务|工作重点|重点工作|工作安排|主要工作|措施|举措|打算|工作部署|哪[几些]个?方面")
# Words of a question about something narrower than the report's own list (a sector, a project, a
# programme): 农业方面存在哪些问题 is not the report's list of problems.
_NARROWER = re.compile(r"方面的问题|领域|行业|项目|工程|产业|企业|农业|工业|教育|医疗|交通|环境|安全")


class StoredItem(Protocol):
    """What the route reads of a stored task or problem item (:class:`~llm_extract.extract.record_store.StoredItem`)."""

    doc_id: str
    record_type: str
    text: str
    source: str
    start: int
    end: int
    evidence: str
    section: str

    @property
    def heading_path(self) -> list[str]: ...


def is_headline(item: StoredItem) -> bool:
    """Whether a task is the heading of its own section (（一）做强特色产业), not a clause of its body."""
    path = item.heading_path
    text = "".join(item.text.split())
    return bool(path and text and text in "".join(path[-1].split()))


def list_kind(query: Query) -> str:
    """``problem``, ``task`` or "" for a list question."""
    if query.shape != "list":
        return ""
    q = query.normalized
    if _NARROWER.search(q):
        return ""
    if _PROBLEM_Q.search(q):
        return "problem"
    if _TASK_Q.search(q):
        return "task"
    return ""


def answer_from_sections(query: Query, items: list[StoredItem], docs: dict[str, dict]):
    """A cited list of the report's own problems or tasks, or ``None`` (see the module docstring)."""
    from .record_text import Cites, RecordAnswer

    kind = list_kind(query)
    if not kind:
        return None
    of_kind = [i for i in items if i.record_type == kind]
    if kind == "task":
        of_kind = [i for i in of_kind if is_headline(i)]
    doc_ids = {i.doc_id for i in of_kind}
    if len(doc_ids) != 1 or not 2 <= len(of_kind) <= MAX_ITEMS:
        return None
    doc = docs.get(next(iter(doc_ids)), {})
    cites = Cites()
    lines = [f"{n}. {item.text.strip()}{cites.add(item)}" for n, item in enumerate(sorted(of_kind, key=lambda i: i.start), 1)]
    what = "存在的主要问题和困难" if kind == "problem" else "部署的主要任务"
    named = doc.get("title") or Path(doc.get("source") or "").name  # a file's name, not its path
    head = f"{doc.get('place') or '报告'}{what}（{named}）：".replace("（）", "")
    reasons = [f"list of {kind}s: {len(lines)} item(s) stored for {doc.get('doc_id') or next(iter(doc_ids))}"]
    return RecordAnswer(text=head + "\n" + "\n".join(lines), citations=cites.citations, passages=cites.passages,
                        reasons=reasons)


__all__ = ["answer_from_sections", "list_kind", "is_headline", "StoredItem", "MAX_ITEMS"]
