"""Shared data types of the pipeline.

This module imports nothing else from ``llm_extract`` so that every stage can
depend on it without cycles.  All ``start``/``end`` pairs are half-open
character offsets into the *original* decoded text of a file (what
:func:`llm_extract.text.loading.load_file` returns as ``RawFile.text``), never into
normalized text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator


@dataclass(frozen=True, order=True)
class Span:
    """Half-open interval ``[start, end)`` of character offsets."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"bad span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end

    def overlap(self, other: "Span") -> int:
        return max(0, min(self.end, other.end) - max(self.start, other.start))


@dataclass
class RawFile:
    """A file decoded to text.

    ``text`` is the original text every span points into.  For plain text
    formats it is the decoded file content; for HTML, DOCX and PDF it is the
    text layer the loader extracted (stored beside the index so spans stay
    checkable).
    """

    path: str
    text: str
    encoding: str
    format: str  # txt | md | html | docx | pdf
    sha256: str  # of the file's bytes
    title: str = ""  # the file's own title: HTML <title>, PDF /Title, DOCX core title ("" if none)


@dataclass
class NormalizedText:
    """Normalized view of ``original[base_start:base_end]`` with an offset map.

    ``text`` is the cleaned text in the original script; ``simplified`` has
    exactly the same length and is the traditional->simplified conversion of
    ``text`` (used for embedding and keyword search).  For every index ``i``
    of ``text``, ``src_start[i]``/``src_end[i]`` is the half-open range of the
    original text that produced ``text[i]``.  Both lists are non-decreasing.
    """

    original: str
    text: str
    simplified: str
    src_start: list[int]
    src_end: list[int]
    base_start: int = 0
    base_end: int = 0
    # Spans in *normalized* coordinates where a placeholder number was printed.
    placeholders: list[tuple[int, int]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.text)

    def to_original(self, start: int, end: int) -> Span:
        """Map a normalized span to the smallest original span covering it."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span [{start}, {end}) outside normalized text of length {len(self.text)}")
        if start == end:
            pos = self.src_start[start] if start < len(self.text) else self.base_end
            return Span(pos, pos)
        return Span(self.src_start[start], self.src_end[end - 1])

    def from_original(self, start: int, end: int) -> tuple[int, int]:
        """Map an original span to the normalized span of characters inside it."""
        import bisect

        lo = bisect.bisect_left(self.src_start, start)
        hi = bisect.bisect_right(self.src_end, end)
        return lo, max(lo, hi)


@dataclass
class Section:
    """A node of a document's outline."""

    title: str  # heading as printed (normalized, simplified)
    level: int  # 0 = document root, 1 = 一、, 2 = （一）, 3 = 1., 4 = （1）, 5 = ①
    path: list[str]  # titles from level 1 down to this section
    start: int  # original offsets of the whole section, heading included
    end: int
    heading_end: int  # original offset where the heading text ends

    @property
    def path_str(self) -> str:
        return " > ".join(self.path)


# What kind of report a document is ("" = the report does not say).
REPORT_TYPES = ("government_work_report", "work_summary", "work_plan", "statistical_communique", "other")
# Values older indexes stored, read as their current name.
LEGACY_REPORT_TYPES = {"review": "work_summary", "review_and_plan": "work_summary", "plan": "work_plan"}
# Administrative level of the reporting government (prefecture-level 州/盟/地区 are city; a 区 is a district,
# of county rank).
LEVELS = ("province", "city", "county", "district", "town")


def canonical_report_type(value: str) -> str:
    """The current name of a report type, also for values an older index stored."""
    return LEGACY_REPORT_TYPES.get(value or "", value or "")


@dataclass
class Document:
    """One report. A file may hold several (``【第1篇`` … pages).

    ``provenance`` says where each metadata field was read (``title``,
    ``byline``, ``file_title``, ``filename``, ``body``, ``inferred``); a field
    nothing states is empty and has no provenance entry.
    """

    doc_id: str
    source: str  # path of the original file as ingested
    start: int  # this report's range inside the file's original text
    end: int
    title: str = ""
    place: str = ""
    years: list[int] = field(default_factory=list)
    report_type: str = ""  # one of REPORT_TYPES or ""
    sha256: str = ""
    sections: list[Section] = field(default_factory=list)
    level: str = ""  # one of LEVELS or ""
    report_year: Optional[int] = None  # year the report was delivered / published
    review_years: list[int] = field(default_factory=list)  # years the report looks back on
    plan_years: list[int] = field(default_factory=list)  # years it plans for
    provenance: dict[str, str] = field(default_factory=dict)


@dataclass
class Chunk:
    chunk_id: str
    doc_id: str
    source: str
    start: int  # original offsets; original[start:end] == text
    end: int
    text: str  # original characters of the chunk
    search_text: str  # normalized + simplified text that is embedded and keyword-indexed
    section: str  # section path joined by " > "
    ordinal: int
    has_placeholder: bool = False
    is_note: bool = False  # a note (注释, 注：…, 资料来源): ranked below report text


@dataclass
class Hit:
    """One search result."""

    doc_id: str
    source: str
    start: int
    end: int
    text: str
    section: str
    score: float
    chunk_id: str = ""
    search_text: str = ""
    is_note: bool = False


@dataclass
class Citation:
    id: int
    doc_id: str
    source: str
    start: int
    end: int
    quote: str  # original[start:end]
    section: str = ""


@dataclass(frozen=True)
class Query:
    """A question, parsed once (by :func:`llm_extract.text.query.parse_query`) and passed to every
    later step — retrieval, narrowing, passage focusing, answer checks — none of which re-reads it."""

    text: str  # as asked
    normalized: str  # folded and simplified the way indexed text is
    years: tuple[int, ...] = ()  # years the question names, in order
    years_spanned: tuple[int, ...] = ()  # every year of a range it writes (2015到2018年 → 2015…2018)
    relative_years: tuple[int, ...] = ()  # offsets from the report's year it writes (今年 0, 去年 -1, 明年 1)
    place_mentions: tuple[str, ...] = ()  # names ending in 镇/乡/县 written in the question (not 全镇, 城镇 …)
    numbers: tuple[float, ...] = ()  # every number the question prints (years included)
    terms: frozenset[str] = frozenset()  # subject bigrams: question words, places and years left out
    wants_quantity: bool = False  # asks for a figure (多少, 几, 增长 …)
    # Filled by qa.understand (it needs the metric vocabulary of the extract stage):
    metric: str = ""  # canonical metric the question names ("" = none found)
    metric_raw: str = ""  # the metric as the question writes it
    kind: str = ""  # actual | target | estimate
    shape: str = ""  # quantity | rate | trend | ranking | list | compound | other
    measure: str = ""  # for trend / ranking: what is compared, quantity (a level) or rate (a growth rate)
    total: bool = False  # asks for a total in so many words (总量, 多少亿元), which a growth rate does not answer


# ---------------------------------------------------------------------------
# Extraction records (pydantic: they are validated LLM output and user data)
# ---------------------------------------------------------------------------

IndicatorKind = Literal["actual", "estimate", "target"]
ProjectStatus = Literal["planned", "started", "under_construction", "completed", "in_operation", "unknown"]


class Grounded(BaseModel):
    """Fields every record carries once grounded in the original file."""

    model_config = ConfigDict(extra="forbid")

    doc_id: str = ""
    source: str = ""
    start: int = -1
    end: int = -1
    evidence: str = Field("", description="Exact quote of the original text that states the record")
    section: str = ""
    prompt_version: str = ""
    grounding: str = Field(
        "", description="How the evidence was found in the original: exact, normalized (script/width/glosses) or fuzzy"
    )


class IndicatorRecord(Grounded):
    record_type: Literal["indicator"] = "indicator"
    metric: str = Field(description="Canonical metric name from the vocabulary, or metric_raw if none fits")
    metric_raw: str = Field(description="Metric name as written in the document")
    period: Optional[str] = Field(None, description="Year such as '2013' or range such as '2001-2007'")
    kind: IndicatorKind = "actual"
    value: Optional[float] = Field(None, description="Number as printed; null when a placeholder is printed")
    unit: Optional[str] = Field(None, description="Unit as written: 亿元, 万元, 元, %, 亩 …")
    value_base: Optional[float] = Field(None, description="Value in the base unit (亿元 -> 元)")
    yoy_pct: Optional[float] = Field(None, description="Signed year-on-year change in percent")
    yoy_basis: Optional[str] = None
    qualifier: Optional[str] = None
    placeholder: bool = False

    @model_validator(mode="after")
    def _placeholder_has_no_value(self) -> "IndicatorRecord":
        if self.placeholder and self.value is not None:
            raise ValueError("a placeholder indicator must have value null")
        return self


class ProjectRecord(Grounded):
    record_type: Literal["project"] = "project"
    name: str
    investment_value: Optional[float] = None
    investment_unit: Optional[str] = None
    investment_base: Optional[float] = None
    status: ProjectStatus = "unknown"
    period: Optional[str] = None


class ProblemRecord(Grounded):
    record_type: Literal["problem"] = "problem"
    problem: str = Field(description="The problem in the report's words")
    category: str = Field(description="Short category such as 经济, 民生, 环境, 作风")


class TaskRecord(Grounded):
    record_type: Literal["task"] = "task"
    task: str
    value: Optional[float] = None
    unit: Optional[str] = None
    deadline: Optional[str] = None
    period: Optional[str] = None


RECORD_TYPES: dict[str, type[Grounded]] = {
    "indicator": IndicatorRecord,
    "project": ProjectRecord,
    "problem": ProblemRecord,
    "task": TaskRecord,
}
