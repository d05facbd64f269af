"""The year a section's figures are about when their sentences do not say (the rules' period hint).

In order: the plan year of a section in a report's plan part (also a plan part no heading names:
:func:`.task_items.plan_part_year`); the year the first of a review's numbered parts opens with
(:func:`sibling_year`); the last year the section's headings name; the one year the document
covers or reviews (:func:`period_hint`).  A target its sentence does not date is for the report's
one plan year (:func:`plan_year_hint`).
"""

from __future__ import annotations

import re
from typing import Optional

from ..core.types import Document, NormalizedText, Section
from ..text.segments import plan_term_years
from .clauses import SPAN_VERBS


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年(?!以来|来)")


def period_hint(sentence: str, section: Section | None, doc: Document) -> Optional[str]:
    """The year a figure is about when the sentence itself does not say: section heading, then document.

    A heading year that opens a span (``2001年以来``) dates nothing; a document that reviews one
    year (a communiqué, the review part of a report) dates its figures to that year.
    """
    for text in ([section.path_str] if section else []):
        years = _YEAR.findall(text)
        if years:
            return years[-1]
    # outside its plan part a report's figures look back on the one year it reviews, even when the only
    # year it names is the one it plans (a 2026 report whose review heading is “十四五”时期工作回顾)
    if len(doc.review_years) == 1 and set(doc.years) <= set(doc.review_years) | set(doc.plan_years):
        return str(doc.review_years[0])
    if len(doc.years) == 1:
        return str(doc.years[0])
    if len(doc.review_years) == 1:
        return str(doc.review_years[0])
    return None


# A year opening a section's body (``一、经济稳步增长。2003年，全镇…``): the year that part is about.
_OPENING_YEAR = re.compile(r"[。；;：:\s]*(?:在|截至|截止)?((?:19|20)\d{2})年(?!以来|来|的|同期)\s*[，,]")


def sibling_year(section: Section | None, doc: Document, norm: NormalizedText) -> Optional[str]:
    """For a section whose headings name no year: the year the nearest earlier section under the same
    heading opened its body with.  Numbered parts of one review (一、…。2003年，全镇…  二、…  三、…)
    are about the year the first of them states."""
    if section is None or not section.path or _YEAR.search(section.path_str):
        return None
    found = None
    for s in doc.sections:
        if s.start >= section.start:
            break
        if s.level != section.level or s.path[:-1] != section.path[:-1]:
            continue
        b0, b1 = norm.from_original(s.heading_end, s.end)
        m = _OPENING_YEAR.match(norm.simplified, b0, b1)
        if m:
            found = m.group(1)
    return found


def plan_year_hint(section: Section | None, doc: Document) -> Optional[str]:
    """The year a target figure is for when neither its sentence nor its headings date it: the one
    year a report that reviews the past plans for (a plan part headed 二、奋勇争先 names no year)."""
    if section is not None and _YEAR.search(section.path_str):
        return None
    plan = [y for y in doc.plan_years if y not in doc.review_years]
    return str(plan[0]) if len(plan) == 1 and doc.review_years else None


def section_year(section: Section | None, doc: Document, norm: NormalizedText, text: str) -> Optional[str]:
    """The period hint for the figures of ``section`` (``text`` its normalized text): see the module docstring."""
    from .task_items import plan_part_year

    planned = plan_part_year(section.path, doc) if section is not None else None
    return planned or sibling_year(section, doc, norm) or period_hint(text, section, doc)


# A figure summed over a plan period or a run of years (“十二五”期间，累积完成…; 五年共…，累计完成…): its period
# is the span, not the last year.
_SUMMED_RE = re.compile(rf"累计|累积|共计|[二三四五]年(?:来)?共|(?:^|[，,；;。\s])(?:过去|近)?[二三四五]年(?:{SPAN_VERBS})")
_SPAN_RE = re.compile(rf"(十[一二三四五]五)[”\"]?(?:时期|期间)|(?:过去|近)?([二三四五])年(?:来|间|中|共|累计|(?={SPAN_VERBS}))")
# Words that date a sentence to one year (今年以来, 全年, 1-10月): its sums are that year's.
_THIS_YEAR_RE = re.compile(r"今年|全年|当年|本年|年内|去年|上年|\d{1,2}\s*[-—~至]\s*\d{1,2}\s*月|季度|上半年")
_SPAN_LENGTH = {"二": 2, "三": 3, "四": 4, "五": 5}


def summed_period(paragraph_before: str, sentence_before: str, year: Optional[str]) -> Optional[str]:
    """``"2011-2015"`` for a figure its sentence sums (累计, 五年共) over the plan period or the run of years
    its paragraph names before it (the last one named); the run ends at ``year``.  None otherwise."""
    if not _SUMMED_RE.search(sentence_before):
        return None
    spans = list(_SPAN_RE.finditer(sentence_before)) or (
        [] if _THIS_YEAR_RE.search(sentence_before) else list(_SPAN_RE.finditer(paragraph_before)))
    if not spans:
        return None  # 五年来…。今年1-10月，累计完成…: the sentence sums this year's months
    last = spans[-1]
    known = year is not None and year[-4:].isdigit()
    if last.group(1):
        first, end = plan_term_years(last.group(1))
        if known and first <= int(year[-4:]) < end:
            end = int(year[-4:])  # “十四五”期间 in a report on 2023: the years of the term so far
        return f"{first}-{end}"
    if not known:
        return None
    end = int(year[-4:])
    return f"{end - _SPAN_LENGTH[last.group(2)] + 1}-{end}"


# A paragraph looking back on a plan term (“十四五”时期是…的五年 / 这五年，… / 过去五年) or setting the next one's goals
# (“十五五”发展目标 / 第十五个五年规划): a growth printed alone there is over the term, not one year.
_TERM_NAME_RE = re.compile(r"(十[一二三四五]五)[”\"]?|第(十[一二三四五])个五年规划")
_FIVE_YEARS_OPEN_RE = re.compile(r"^\s*(?:——)?\s*(?:这|过去|近)五年|^\s*五年来|^\s*[“\"]?十[一二三四五]五[”\"]?(?:时期|期间|以来)")
_AVERAGE_RE = re.compile(r"年均")


def _term(name: str) -> tuple[int, int]:
    return plan_term_years(name if len(name) == 3 else name + "五")  # 第十四个五年规划 names 十四


def plan_term_period(paragraph_before: str, clause: str, kind: str, year: Optional[str],
                     headings: str = "") -> Optional[str]:
    """``"2021-2025"`` for a growth printed without a level in a paragraph that looks back on a plan term (it
    opens with 这五年 / “十四五”时期…; an average, 年均增长, anywhere such a term is named before it), and
    ``"2026-2030"`` for an average growth set as a goal where the paragraph names the next term (“十五五”);
    None otherwise.  ``year``: the figure's year as read so far (the end of a term looked back on).  An
    average is also over the term the section's ``headings`` name when its paragraph names none
    (二、“十五五”时期主要目标任务 > …年均增长5%左右)."""
    known = year is not None and year[-4:].isdigit()
    average = bool(_AVERAGE_RE.search(clause))
    terms = [_term(m.group(1) or m.group(2)) for m in _TERM_NAME_RE.finditer(paragraph_before)] or (
        [_term(m.group(1) or m.group(2)) for m in _TERM_NAME_RE.finditer(headings)] if average else [])
    if kind == "target":
        ahead = [t for t in terms if known and t[0] <= int(year[-4:]) <= t[1]]  # the term the goal's year is in
        return f"{ahead[-1][0]}-{ahead[-1][1]}" if average and ahead else None
    if kind != "actual" or not known:
        return None
    end = int(year[-4:])
    opens = _FIVE_YEARS_OPEN_RE.search(paragraph_before)
    done = [t for t in terms if t[0] <= end <= t[1]]  # the term looked back on holds the figure's year
    if done and (opens or average):  # a term that only begins in the figure's year is ahead: all of it
        return f"{done[-1][0]}-{end if end > done[-1][0] else done[-1][1]}"
    if opens or (average and re.search(r"五年(?!规划)", paragraph_before)):  # a term that holds no 2035
        return f"{end - 4}-{end}"
    return None


_ONE_YEAR_RE = re.compile(r"今年|明年|本年|当年|新的一年")
# A part about the term's first year (推动“十五五”开好局、起好步): the year planned, not the term.
_TERM_START_RE = re.compile(r"开局|开好局|起好步|起步之年|开篇")


def term_ahead(headings: str, paragraph_before: str, review_years) -> Optional[tuple[int, int]]:
    """The plan term a section's ``headings`` name when it begins after every year the report looks back on
    (二、“十五五”时期主要目标和重大任务 in a report on 2025): that part sets goals, whatever its sentences say —
    unless the headings also name a year (“十五五”时期主要目标和2026年重点工作) or the term's start (开好局), or the
    figure's paragraph names its year (今年…) or looks back on a term already under way (“十四五”时期，…)."""
    if not review_years or _YEAR.search(headings) or _TERM_START_RE.search(headings) or (
            _ONE_YEAR_RE.search(paragraph_before)):
        return None
    last = max(int(y) for y in review_years)
    terms = [_term(m.group(1) or m.group(2)) for m in _TERM_NAME_RE.finditer(headings)]
    ahead = [t for t in terms if t[0] > last]
    if not ahead or any(_term(m.group(1) or m.group(2))[0] <= last for m in _TERM_NAME_RE.finditer(paragraph_before)):
        return None
    return ahead[-1]


def goal_period(term: tuple[int, int], clause: str) -> str:
    """A goal under a term's heading: an average (年均) is over the term, a level for its last year."""
    return f"{term[0]}-{term[1]}" if _AVERAGE_RE.search(clause) else str(term[1])


_COMPARED_TERM_RE = re.compile(r"十[一二三四]五")


def compared_term_period(basis: Optional[str]) -> Optional[str]:
    """``"2021-2025"`` for a growth measured against the plan term before (比“十三五”时期增长x%): it compares
    two terms' totals, so it is over the term that follows the one named; None for any other basis."""
    m = _COMPARED_TERM_RE.search(basis or "")
    if m is None:
        return None
    first, end = plan_term_years(m.group(0))
    return f"{first + 5}-{end + 5}"

