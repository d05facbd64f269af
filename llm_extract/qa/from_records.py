"""Answers composed by code from stored indicator records, when they match a question without doubt.

A question such as 云岭镇2021年地区生产总值是多少 names a place, one year, a metric and (by its
words) the kind of figure and whether a total or a growth rate is wanted; rule extraction has
already stored every grounded figure of the index with those same fields.  When the records of the
question's documents agree on one figure for that metric, year and kind, ``ask`` answers with a
sentence built from the record (``云岭镇2021年地区生产总值为53.2亿元，增长6.1%[1]。``), citing the
record's exact span — no model call.

The route only answers when it is sure; anything else falls through to the model:

* the question asks for one figure (``quantity`` or ``rate``), names a metric and exactly one year
  (or none, when the records give that metric for one year only), and was narrowed to documents by a
  place it names, or describes one place-less document unmistakably (:mod:`.described`; the words
  before the metric are then read in its own clause), or the index holds one document;
* the words before the metric are only place names, the year and filler (全省/全年/完成 …): a
  question about 城镇居民人均可支配收入 is not answered with 居民人均可支配收入;
* a figure the report leaves blank (``xx亿元``) is answered as such, cited, with no number;
* records of that metric, year and kind exist (an ``actual`` question also takes an ``estimate``
  when no actual is stored), carry the asked figure (a growth rate for ``rate``; a total for
  ``quantity``), and all agree.  Records of different documents that disagree are shown side by
  side, each cited; records of one document that disagree are left to the model.

A metric over several years (``trend``) or across places (``ranking``) is answered from the same
records by :mod:`.record_series`, each figure with its own citation; a question asking two figures at
once (…是多少？新一年的目标是多少？) part by part by :mod:`.compound`.
"""

from __future__ import annotations

from typing import Optional

from ..core.types import Query
from ..extract.record_store import StoredIndicator
from .compound import answer_compound
from .record_series import answer_ranking, answer_series, settled_figures
from .record_text import (
    Cites, RecordAnswer, cited, figure_of, fmt, prefix_is_filler, qualifier_of, rate_range_end, shown_name,
)


def _compose(query: Query, r: StoredIndicator, value: float, unit: str, where: str, year: str) -> str:
    name = shown_name(r)
    if where and name.startswith(where) and len(name) > len(where) + 1:
        name = name[len(where) :]  # 云岭市2024年地区生产总值, not 云岭市2024年云岭市地区生产总值
    target = "预期目标为" if r.kind == "target" else ("预计" if r.kind == "estimate" else "")
    if query.shape == "rate":
        verb = "增长" if value >= 0 else "下降"
        upper = rate_range_end(r, abs(value))  # 增长5%—5.5%: said as printed
        shown = fmt(abs(value)) + ("%" + upper if upper else "")
        return f"{where}{year}年{name}{target}{verb}{shown}%{qualifier_of(r)}[1]。"
    text = f"{where}{year}年{name}{target or '为'}{fmt(value)}{unit}{qualifier_of(r)}"
    if r.yoy_pct is not None and unit != "%":
        text += f"，{'增长' if r.yoy_pct >= 0 else '下降'}{fmt(abs(r.yoy_pct))}%"
    return text + "[1]。"


def _blank(query: Query, r: StoredIndicator, year: str) -> RecordAnswer:
    """The report prints a placeholder (xx, ___) where the figure belongs: say so, cite it, state no number."""
    text = f"报告中{shown_name(r)}的数字留空，原文以占位符代替，未给出具体数值[1]。"
    citations, passages = cited(r)
    return RecordAnswer(text=text, citations=citations, passages=passages,
                        reasons=[f"metric {query.metric}, year {year}: the report prints a placeholder"])


def _only_growth(query: Query, same: list[StoredIndicator], year: str) -> Optional[RecordAnswer]:
    """A total asked in so many words (总量, 多少亿元) where the report states only the growth rate:
    an abstention that says what the report does give, cited.  Only when every record of that
    metric and year is growth-only and one agrees on the rate."""
    if query.shape != "quantity" or not query.total or not same:
        return None
    if any(r.value is not None and r.unit != "%" for r in same) or any(r.yoy_pct is None for r in same):
        return None
    rates = {round(r.yoy_pct, 9) for r in same}
    if len(rates) != 1:
        return None
    r = same[0]
    verb = "增长" if r.yoy_pct >= 0 else "下降"
    text = f"报告只给出{shown_name(r)}{verb}{fmt(abs(r.yoy_pct))}%，没有给出总量[1]。"
    citations, passages = cited(r)
    return RecordAnswer(text=text, citations=citations, passages=passages, abstain=True,
                        reasons=[f"metric {query.metric}, year {year}: only a growth rate is stated ({len(same)} record(s))"])


def _asked_year(query: Query, records: list[StoredIndicator]) -> Optional[str]:
    """The one year asked about: the one the question names; for a question naming none (or only
    今年 of a report whose year is unknown), the one year the records give that metric for at all."""
    if len(set(query.years)) == 1:
        return str(query.years[0])
    if query.years or set(query.relative_years) - {0}:
        return None
    periods = {r.period or "" for r in records if r.metric == query.metric}
    year = periods.pop() if len(periods) == 1 else ""
    return year if len(year) == 4 and year.isdigit() else None


def answer_from_records(query: Query, records: list[StoredIndicator], docs: dict[str, dict], *,
                        places: list[str], own_clause: bool = False) -> Optional[RecordAnswer]:
    """A composed, cited answer when the records settle the question (see the module docstring).

    ``own_clause``: the question described its document in a clause of its own (:mod:`.described`),
    so only the metric's clause must be places, years and filler before the metric."""
    if query.shape in ("trend", "ranking"):
        pick = answer_series if query.shape == "trend" else answer_ranking
        return pick(query, records, docs, places=places)
    if query.shape == "compound":
        return answer_compound(query, records, docs, places=places, own_clause=own_clause,
                               answer_part=answer_from_records)
    year = _asked_year(query, records)
    if query.shape not in ("quantity", "rate") or not query.metric:
        return None
    if year is None:
        return _blank_undated(query, records, places, own_clause)
    if not prefix_is_filler(query, places, own_clause=own_clause):
        return None
    same = [r for r in records if r.period == year and r.metric == query.metric]
    wanted = {"actual": ("actual", "estimate"), "target": ("target",), "estimate": ("estimate", "actual")}
    for kind in wanted.get(query.kind or "actual", ("actual",)):
        of_kind = [r for r in same if r.kind == kind]
        pool = [(r, f) for r in of_kind for f in [figure_of(r, query.shape)] if f is not None]
        if pool:
            break
        if of_kind and all(r.placeholder for r in of_kind):
            return _blank(query, of_kind[0], year)
    else:
        return _only_growth(query, same, year)
    distinct = {(round(v, 9), u) for _, (v, u) in pool}
    if len(distinct) != 1:
        return _side_by_side(query, pool, docs, year)
    r, (value, unit) = pool[0]
    doc = docs.get(r.doc_id, {})
    where = doc.get("place") or ""
    text = _compose(query, r, value, unit, where, year)
    citations, passages = cited(r)
    reasons = [f"metric {query.metric} ({query.metric_raw}), year {year}, kind {r.kind}, shape {query.shape}",
               f"{len(pool)} agreeing record(s) in {len({p.doc_id for p, _ in pool})} document(s)"]
    return RecordAnswer(text=text, citations=citations, passages=passages, reasons=reasons)


def _blank_undated(query: Query, records: list[StoredIndicator], places: list[str],
                   own_clause: bool) -> Optional[RecordAnswer]:
    """A question naming no year about a metric the report states only as a placeholder, in a clause
    that names no year either (全镇实现税收收入xxx.x万元): the blank, cited."""
    if query.years or query.relative_years or not prefix_is_filler(query, places, own_clause=own_clause):
        return None
    of_metric = [r for r in records if r.metric == query.metric]
    if of_metric and all(r.placeholder and not r.period for r in of_metric):
        return _blank(query, of_metric[0], "")
    return None


def _side_by_side(query: Query, pool: list, docs: dict[str, dict], year: str) -> Optional[RecordAnswer]:
    """Documents that disagree on the figure (a report's estimate, the next year's communiqué): each
    document's figure, cited, side by side.  ``None`` when one document disagrees with itself."""
    settled = settled_figures(pool)
    if settled is None:
        return None
    parts = []
    cites = Cites()
    for r, (value, unit) in settled:
        doc = docs.get(r.doc_id, {})
        shown = f"{'增长' if value >= 0 else '下降'}{fmt(abs(value))}%" if query.shape == "rate" else f"{fmt(value)}{unit}"
        parts.append(f"《{doc.get('title') or r.source}》为{shown}{qualifier_of(r)}{cites.add(r)}")
    where = docs.get(settled[0][0].doc_id, {}).get("place") or ""
    text = f"{where}{year}年{shown_name(settled[0][0])}，各文档给出的数字不同：" + "；".join(parts) + "。"
    reasons = [f"metric {query.metric}, year {year}: {len(settled)} documents give different figures, shown side by side"]
    return RecordAnswer(text=text, citations=cites.citations, passages=cites.passages, reasons=reasons)


__all__ = ["RecordAnswer", "answer_from_records"]
