"""Which indexed documents a question is about: the places and years it (or ``--place``/``--year``) names.

A place is matched through every way it is written (:func:`llm_extract.text.places.aliases`:
宁夏 for 宁夏回族自治区, 黔东南州 for 黔东南苗族侗族自治州, 徐泾 for 徐泾镇).  A document's years
are all it states: the years it reviews and plans, its report year and the years in its text.

* ``--place``/``--year`` are filters: when nothing matches, the scope says so (and which places or
  years the index holds) instead of quietly searching everything; ``--year`` applies without
  ``--place``.
* Years a question writes narrow only alongside a place it names (many reports mention many years).
* A question naming a place no document is about (:func:`unknown_places`) cannot be answered from
  the index unless a passage it cites names that place (a county's figure in its prefecture's report).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional

from ..core.types import Query
from ..text.places import aliases, expand
from ..text.query import as_query


@dataclass
class Scope:
    """The documents a question is about. ``doc_ids`` None = the whole index."""

    doc_ids: Optional[list[str]] = None
    places: list[str] = field(default_factory=list)  # full names of the matched places
    names: list[str] = field(default_factory=list)  # every form of those places (for reading the question)
    problem: str = ""  # why a filter matched nothing ("" = fine)


def doc_years(d: dict) -> set[int]:
    years = set(d.get("years") or []) | set(d.get("review_years") or []) | set(d.get("plan_years") or [])
    if d.get("report_year"):
        years.add(int(d["report_year"]))
    return years


def role_years(d: dict, kind: str) -> set[int]:
    """The years a figure of ``kind`` printed in document ``d`` is of when nothing nearer dates it: a goal's
    are the years the report plans, what was done (or is estimated) the years it looks back on; all its
    years when it names none in that role (a 2025 communiqué published in 2026 reviews 2025 only)."""
    own = {int(y) for y in d.get("plan_years" if kind == "target" else "review_years") or []}
    return own or doc_years(d)


def _places_named(query: Query, docs: list[dict], place: Optional[str]) -> list[str]:
    found: list[str] = []
    if place:
        want = aliases(place) | aliases(expand(place))
        found = [d["place"] for d in docs if d.get("place") and aliases(d["place"]) & want]
    else:
        found = [d["place"] for d in docs if d.get("place") and any(a in query.normalized for a in aliases(d["place"]))]
    return list(dict.fromkeys(found))


def resolve_scope(question: "str | Query", docs: list[dict], *, place: Optional[str] = None,
                  year: Optional[int] = None) -> Scope:
    """The :class:`Scope` of a question over ``docs`` (the index's document list)."""
    query = as_query(question)
    places = _places_named(query, docs, place)
    names = sorted({a for p in places for a in aliases(p)}, key=len, reverse=True)
    if place and not places:
        held = sorted({d["place"] for d in docs if d.get("place")})
        return Scope(doc_ids=[], problem=f"no indexed document is about {place}; places in the index: "
                     + ("、".join(held) if held else "none recorded"))
    chosen = [d for d in docs if d.get("place") in places] if places else docs
    if year:
        chosen = [d for d in chosen if year in doc_years(d)]
        if not chosen:
            held = sorted({y for d in docs for y in doc_years(d)})
            return Scope(doc_ids=[], places=places, names=names,
                         problem=f"no indexed document{' about ' + place if place else ''} covers {year}; years in "
                         "the index: " + (", ".join(map(str, held)) if held else "none recorded"))
    elif query.years and places:
        with_year = [d for d in chosen if doc_years(d) & (set(query.years) | set(query.years_spanned))]
        if with_year:
            chosen = with_year
    if chosen is docs or len(chosen) == len(docs):
        return Scope(doc_ids=None, places=places, names=names)
    return Scope(doc_ids=[d["doc_id"] for d in chosen], places=places, names=names)


def by_role(query: Query, docs: list[dict], doc_ids: Optional[list[str]]) -> Optional[list[str]]:
    """Of the documents in scope (``doc_ids``), those that look back on the one year asked when the question
    asks for a figure of what was done (its review years; the next year's report, not the plan that set the
    goal), or that plan it when it asks for a goal; ``None`` when that leaves all or none of them."""
    if doc_ids is None or len(doc_ids) < 2 or len(set(query.years)) != 1:
        return None
    year = query.years[0]
    # what was done is asked of a figure; 2025年重点做好哪些工作 (a list, no goal word) may be the plan's
    role = "plan_years" if query.kind == "target" else (
        "review_years" if query.kind in ("actual", "") and query.shape in ("quantity", "rate") else "")
    if not role:
        return None
    chosen = [d for d in docs if d["doc_id"] in doc_ids]
    kept = [d["doc_id"] for d in chosen if year in {int(y) for y in d.get(role) or []}]
    return kept if kept and len(kept) < len(chosen) else None


def anchor_years(query: Query, docs: list[dict], scope: Scope) -> tuple[Query, str]:
    """``query`` with the years it names relative to the report (去年, 今年, 明年) made absolute.

    Only when it writes no year itself and every document in scope has the same report year (a 2025
    work report's 去年 is 2024; a 2013 summary's 明年 is 2014).  Returns the query and a line saying
    how the years were read ("" when nothing was done).
    """
    if not query.relative_years or query.years:
        return query, ""
    chosen = [d for d in docs if scope.doc_ids is None or d["doc_id"] in scope.doc_ids]
    report_years = {d.get("report_year") for d in chosen}
    if len(report_years) != 1 or not next(iter(report_years)):
        return query, ""
    base = int(next(iter(report_years)))
    years = tuple(base + offset for offset in query.relative_years)
    return replace(query, years=years), f"relative years read as {list(years)} (the report year is {base})"


def narrow_documents(question: "str | Query", docs: list[dict], *, place: Optional[str] = None,
                     year: Optional[int] = None) -> list[str] | None:
    """Doc ids the question is about (``None`` = no narrowing; ``[]`` = a filter matched nothing)."""
    return resolve_scope(question, docs, place=place, year=year).doc_ids


def unknown_places(question: "str | Query", docs: list[dict]) -> list[str]:
    """The places the question names that no indexed document is about — a town or county (X镇/乡/县)
    anywhere, or the place the question opens with (牙克石市2017年…) — when it names no place the index
    holds; [] otherwise."""
    from ..text.places import leading_place

    query = as_query(question)
    known = {a for d in docs if d.get("place") for a in aliases(d["place"])}
    if any(a in query.normalized for a in known):
        return []
    named = list(query.place_mentions)
    lead = leading_place(query.normalized)
    if lead is not None:
        named.append("".join(lead.chain))
    return list(dict.fromkeys(named))


def names_unknown_place(question: "str | Query", docs: list[dict]) -> bool:
    """Whether the question names a place (see :func:`unknown_places`) that no indexed document is about."""
    return bool(unknown_places(question, docs))


__all__ = ["Scope", "resolve_scope", "anchor_years", "narrow_documents", "names_unknown_place", "unknown_places",
           "doc_years", "by_role"]
