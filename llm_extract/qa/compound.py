"""A question asking two figures at once, answered part by part from the stored records.

``青川县2021年粮食总产量是多少？新一年的目标是多少？`` asks two things; each part alone is a
question the records route (:func:`~.from_records.answer_from_records`) settles or not.  The
question is split at its question marks and every part is parsed like a question of its own, then
answered from the records; the answer joins the parts' answers, each with its own citation.

A later part may leave out what an earlier part said:

* no metric (新一年的目标是多少): the earlier part's metric, only when nothing else is left once
  question words, kind words (预期/目标/力争 …) and words of that metric are read — 年度任务数是多少
  asks about a 任务, which no record names, so it is not read as the metric's figure;
* no year: an ``actual`` part takes the earlier part's year; a target or estimate part (新一年的
  目标) takes the one year the records give that metric's figures of its kind for (after the earlier
  part's year, if it has one).

The answer is given only when every part is answered from the records and none abstains; otherwise
the question goes on to the other routes, as a whole.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable, Optional

from ..core.types import Query
from ..extract.record_store import StoredIndicator
from .record_text import RecordAnswer
from .understand import record_metric_names

__all__ = ["answer_compound", "question_parts", "MAX_PARTS"]

MAX_PARTS = 3
_PART_END = re.compile(r"[？?]+")
# What a part naming no metric may say besides it: which year, the kind of figure, the question words.
_LEFT_OVER = re.compile(r"(?:19|20)\d{2}年?|新一年|新的一年|下一年|明年|来年|今年|全年|本年|年度|的|预期|目标|计划|力争|"
                        r"争取|确保|预计|实际|完成|实现|是|为|达到|有|要|将|可|能|多少|几|呢|吗|，|,|\s")
_CITE = re.compile(r"\[(\d+)\]")
# The year a report plans for, named by what it is: for a goal, the one year the records give goals for.
_PLAN_YEAR = re.compile(r"新一年|新的一年")


def question_parts(query: Query) -> list[str]:
    """The parts of a question that asks several things, each ending at its question mark, or the two
    metrics it joins before 分别 (:func:`_coordinated`); [] = one part."""
    parts = [p.strip() for p in _PART_END.split(query.normalized) if p.strip()]
    return parts if 2 <= len(parts) <= MAX_PARTS else _coordinated(query.normalized)


# 第二产业和第三产业增加值分别是多少: two metrics sharing their last words, joined before 分别/各.
_JOINED = re.compile(r"(?:和|与|及|、)(?P<bt>[\u4e00-\u9fff]{3,16}?)(?:分别|各自|各)(?:是|为|达到|完成|有)?(?:多少|几)")


def _coordinated(q: str) -> list[str]:
    """``["<前>第二产业增加值是多少", "<前>第三产业增加值是多少"]`` for a question joining two
    metrics the vocabulary knows (the first written without the words they share), else []."""
    from ..extract.vocab import default_index

    m = _JOINED.search(q)
    index = default_index()
    if m is None or index.lookup(m.group("bt")) is None:
        return []
    bt = m.group("bt")
    for k in range(1, 5):  # the second metric's own words, then the words both share
        tail = bt[k:]
        for n in range(4, 0, -1):  # the first metric's own words, longest first
            a = q[max(0, m.start() - n) : m.start()]
            if len(a) == n and re.fullmatch(r"[\u4e00-\u9fff]+", a) and index.lookup(a + tail):
                head = q[: m.start() - n]
                return [f"{head}{a}{tail}是多少", f"{head}{bt}是多少"]
    return []


def _parsed(text: str, names: dict[str, str]) -> Query:
    """A part parsed and understood as a question; 新一年 left out of a goal's part (its year is read from
    the records, :func:`_kind_year`)."""
    from ..text.query import parse_query
    from .understand import understand

    part = understand(parse_query(text), metric_names=names)
    if part.kind != "actual" and _PLAN_YEAR.search(text):
        part = understand(parse_query(_PLAN_YEAR.sub("", text)), metric_names=names)
    return part


def _part_query(text: str, earlier: Query, names: dict[str, str]) -> Optional[Query]:
    """A later part parsed as a question, the metric and year it leaves out taken from ``earlier``."""
    part = _parsed(text, names)
    if not part.metric:
        rest = _LEFT_OVER.sub("", text)
        if any(ch not in earlier.metric_raw for ch in rest):
            return None  # asks about something else (年度任务数), not the earlier metric's figure
        part = _parsed(earlier.metric_raw + text, names)
        if part.metric != earlier.metric:
            return None
    if not part.years and not part.relative_years and part.kind == "actual" and earlier.years:
        part = replace(part, years=earlier.years)
    return part


def _kind_year(part: Query, earlier: Optional[Query],
               records: list[StoredIndicator]) -> Optional[list[StoredIndicator]]:
    """For a target/estimate part naming no year: the records of that kind, when they give the metric
    for one year only and it comes after the earlier part's year (if any); else ``None``."""
    if part.years or part.relative_years or part.kind == "actual":
        return records
    mine = [r for r in records if r.kind == part.kind]
    years = {r.period for r in mine if r.metric == part.metric}
    if len(years) != 1:
        return None
    year = next(iter(years)) or ""
    if not year.isdigit() or (earlier is not None and any(year <= str(y) for y in earlier.years)):
        return None
    return mine


def answer_compound(query: Query, records: list[StoredIndicator], docs: dict[str, dict], *,
                    places: list[str], own_clause: bool = False,
                    answer_part: Callable[..., Optional[RecordAnswer]]) -> Optional[RecordAnswer]:
    """One answer to every part of ``query`` from ``records``, or ``None`` (see the module docstring).

    ``query`` is the understood whole question; ``answer_part`` answers one part from records
    (:func:`~.from_records.answer_from_records`, which calls this module: passed in, not imported), and
    ``places`` and ``own_clause`` are passed on to it."""
    texts = question_parts(query)
    if not texts:
        return None
    names = record_metric_names(records)
    earlier = _parsed(texts[0], names)
    answers = []
    for n, text in enumerate(texts):
        part = earlier if n == 0 else _part_query(text, earlier, names)
        if part is None or not part.metric or part.shape not in ("quantity", "rate"):
            return None
        pool = _kind_year(part, earlier if n else None, records)
        if pool is None:
            return None
        ra = answer_part(part, pool, docs, places=places, own_clause=own_clause or n > 0)
        if ra is None or ra.abstain:
            return None
        answers.append(ra)
        earlier = part
    return _joined(answers)


def _joined(answers: list[RecordAnswer]) -> RecordAnswer:
    """The parts' answers one after another, their citations numbered on."""
    text, citations, passages, reasons = "", [], [], []
    for ra in answers:
        offset = len(citations)
        text += _CITE.sub(lambda m: f"[{int(m.group(1)) + offset}]", ra.text)
        citations += [replace(c, id=c.id + offset) for c in ra.citations]
        passages += ra.passages
        reasons += ra.reasons
    return RecordAnswer(text, citations, passages, reasons=[f"compound question: {len(answers)} parts"] + reasons)
