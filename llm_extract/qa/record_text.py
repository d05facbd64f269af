"""What every answer composed from stored records shares: the answer type, citations, figures, wording.

Used by :mod:`.from_records` (one figure) and :mod:`.record_series` (series and rankings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ..core.types import Citation, Hit, Query
from ..extract.record_store import StoredIndicator

# Words that may stand between the place/year and the metric without changing what is asked.
# A year's end (2021年末), a year named relative to the report (今年: the years were already read), the
# kind words the question's kind already reads (预计, 预期), and a place named by pointing (该镇, 本县)
# add nothing either.
_FILLER = re.compile(r"(?:(?:19|20)\d{2}|今|去|明|本|当|上)年(?:度|末|底)?|全年|年末|年底|全口径|"
                     r"(?:截至|截止|到)?[“\"]?十[一二三四五]五[”\"]?(?:时期|规划)?期?末|"  # 截至“十四五”末: its last year
                     r"(?:全|该|本|所在|那个|这个)(?:省|市|州|县|区|镇|乡|盟|旗|地)|累计|完成|实现|"
                     r"预计|预期|共|的|年|和|，|,|\s")
# Where a clause ends: a question about a document it describes (以生态立镇为总抓手的那个镇，…) is read
# from the clause that names the metric.
_CLAUSE = re.compile(r"[，,：:；;]")
_RATIO_METRIC = re.compile(r"率|比重|比例|占比|指数")
_QUALIFIERS = ("左右", "以上", "以内", "以下", "上下", "多", "余")


@dataclass
class RecordAnswer:
    """What the records route found: the composed answer, its citation and why it was taken."""

    text: str
    citations: list[Citation]
    passages: list[Hit]
    reasons: list[str] = field(default_factory=list)
    abstain: bool = False  # the records say the asked figure is not given (what is given is cited)


def cited(r, n: int = 1) -> tuple[list[Citation], list[Hit]]:
    """The span of a stored record (an indicator, or a task/problem item: both carry ``doc_id``, ``source``,
    ``start``, ``end``, ``evidence``, ``section``) as the answer's citation ``[n]`` and the passage shown with it."""
    cite = Citation(id=n, doc_id=r.doc_id, source=r.source, start=r.start, end=r.end, quote=r.evidence, section=r.section)
    hit = Hit(doc_id=r.doc_id, source=r.source, start=r.start, end=r.end, text=r.evidence, section=r.section, score=1.0)
    return [cite], [hit]


@dataclass
class CitedSpan:
    """A span of a report's text cited as it is (a listed item, a clause): the fields :class:`Cites` reads."""

    doc_id: str
    source: str
    start: int
    end: int
    evidence: str
    section: str = ""


class Cites:
    """Citations numbered in the order the answer uses them; ``add`` returns the ``[n]`` to print."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []
        self.passages: list[Hit] = []

    def add(self, r) -> str:
        n = len(self.citations) + 1
        cites, hits = cited(r, n)
        self.citations += cites
        self.passages += hits
        return f"[{n}]"


def shown_name(r: StoredIndicator) -> str:
    """The metric as the report writes it, without footnote marks (全州生产总值[2]): a mark would read as a citation."""
    from ..text.notes import strip_footnote_marks

    return strip_footnote_marks(r.metric_raw or "") or r.metric


def fmt(v: float) -> str:
    return f"{v:.10g}"


def prefix_is_filler(query: Query, places: list[str], extra: Optional[re.Pattern] = None, *,
                     own_clause: bool = False) -> bool:
    """Whether only places, years and filler (and what ``extra`` matches) stand before the metric;
    with ``own_clause``, before it in its clause (the question described its document in another)."""
    at = query.normalized.find(query.metric_raw)
    if at < 0:
        return False
    prefix = query.normalized[:at]
    if own_clause:
        prefix = _CLAUSE.split(prefix)[-1]
    for name in sorted({p for p in places if p}, key=len, reverse=True):
        prefix = prefix.replace(name, "")
    if extra is not None:
        prefix = extra.sub("", prefix)
    return not _FILLER.sub("", prefix)


def figure_of(r: StoredIndicator, shape: str) -> Optional[tuple[float, str]]:
    """The figure a record gives for the asked shape: ``(value, unit)`` or ``None``."""
    if r.placeholder:
        return None
    if shape == "rate":
        if r.yoy_pct is not None:
            return r.yoy_pct, "%"
        if r.value is not None and r.unit == "%" and not _RATIO_METRIC.search(r.metric):
            return r.value, "%"
        return None
    if r.value is None or not r.unit:
        return None
    if r.unit == "%" and not _RATIO_METRIC.search(r.metric):
        return None  # a growth rate printed as the value is no total
    return r.value, r.unit


def qualifier_of(r: StoredIndicator) -> str:
    q = (r.qualifier or "").strip()
    return q if q in _QUALIFIERS else ""



def rate_range_end(r: StoredIndicator, rate: float) -> str:
    """``"—5.5"`` when the record's evidence prints the rate as a range (增长5%—5.5%, read as its lower bound), else ""."""
    from ..text.growth import RATE_RANGE_TAIL
    from ..text.normalize import normalize_query

    text = normalize_query(r.evidence)
    for m in re.finditer(re.escape(fmt(rate)), text):
        tail = RATE_RANGE_TAIL.match(text, m.end())
        if tail and not text[m.end():m.end() + 1].isdigit():
            return "—" + tail.group(1)
    return ""


__all__ = ["RecordAnswer", "Cites", "CitedSpan", "cited", "shown_name", "fmt", "prefix_is_filler", "figure_of", "qualifier_of",
           "rate_range_end"]
