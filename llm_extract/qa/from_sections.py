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
  a report with fewer than two such items, or more than :data:`MAX_ITEMS`, goes to the model — except
  that a long problem paragraph stored clause by clause (a provincial report's 甲方面压力不小，有效需求
  不足，…；乙方面仍需加快，…；) is listed one stated difficulty a line: the clauses of its section
  with the most of them, grouped where the report separates them (；, 。, a new line), when that gives
  2 to :data:`MAX_ITEMS` lines, each cited to its whole span.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Optional, Protocol

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


def _stated(items: list[StoredItem], original: str) -> list:
    """The clauses of the section holding most of ``items``, grouped into the difficulties the report
    separates by ；, 。 or a new line, each as a span to cite (see the module docstring)."""
    from collections import Counter

    from .record_text import CitedSpan

    section = Counter(i.section for i in items).most_common(1)[0][0]
    clauses = sorted((i for i in items if i.section == section), key=lambda i: i.start)
    groups: list[list[StoredItem]] = []
    for item in clauses:
        if groups and not re.search(r"[；;。\n]", original[groups[-1][-1].end : item.start]):
            groups[-1].append(item)
        else:
            groups.append([item])
    first = clauses[0]
    return [CitedSpan(first.doc_id, first.source, g[0].start, g[-1].end, original[g[0].start : g[-1].end], section)
            for g in groups]


def answer_from_sections(query: Query, items: list[StoredItem], docs: dict[str, dict],
                         original_of: Optional[Callable[[dict], str]] = None):
    """A cited list of the report's own problems or tasks, or ``None`` (see the module docstring);
    ``original_of`` reads a report's original text (to group a long problem paragraph's clauses)."""
    from .record_text import Cites, RecordAnswer

    kind = list_kind(query)
    if not kind:
        return None
    of_kind = [i for i in items if i.record_type == kind]
    if kind == "task":
        of_kind = [i for i in of_kind if is_headline(i)]
    doc_ids = {i.doc_id for i in of_kind}
    if len(doc_ids) != 1 or len(of_kind) < 2:
        return None
    doc = docs.get(next(iter(doc_ids)), {})
    cites = Cites()
    if len(of_kind) > MAX_ITEMS:
        if kind != "problem" or original_of is None or not doc:
            return None
        stated = _stated(of_kind, original_of(doc))
        if not 2 <= len(stated) <= MAX_ITEMS:
            return None
        lines = [f"{n}. {''.join(span.evidence.split())}{cites.add(span)}" for n, span in enumerate(stated, 1)]
    else:
        lines = [f"{n}. {item.text.strip()}{cites.add(item)}"
                 for n, item in enumerate(sorted(of_kind, key=lambda i: i.start), 1)]
    what = "存在的主要问题和困难" if kind == "problem" else "部署的主要任务"
    named = doc.get("title") or Path(doc.get("source") or "").name  # a file's name, not its path
    head = f"{doc.get('place') or '报告'}{what}（{named}）：".replace("（）", "")
    grouped = f" ({len(of_kind)} clauses grouped as the report separates them)" if len(of_kind) > MAX_ITEMS else ""
    reasons = [f"list of {kind}s: {len(lines)} item(s) stored for {doc.get('doc_id') or next(iter(doc_ids))}{grouped}"]
    return RecordAnswer(text=head + "\n" + "\n".join(lines), citations=cites.citations, passages=cites.passages,
                        reasons=reasons)


__all__ = ["answer_from_sections", "list_kind", "is_headline", "StoredItem", "MAX_ITEMS"]
