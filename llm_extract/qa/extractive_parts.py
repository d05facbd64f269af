"""A question asking two figures in one breath, answered by the extractive fallback part by part.

``青川县2021年新建了多少座水库、新增灌溉面积多少亩？`` and ``云岭镇发生多少起火灾、死亡多少人？`` ask two
figures; the small model declines most such questions and :func:`~.extractive.extract_answer`, which
reads one figure, cannot settle them.  :func:`extract_parts` splits the question where its second asked
slot begins (at the 、，？ between the two slots) and answers each part:

* each part is parsed like a question of its own and takes from the whole question what it leaves out:
  its years, places and kind (计划…几家、形成多大…规模: the second part is a plan too);
* the first part is answered by :func:`~.extractive.extract_answer`, with all its checks (subject
  covered, one figure of the kind asked, year and kind, no rival statement);
* the second part likewise when it says enough on its own (two subject bigrams); a part that says little
  (死亡多少人, 增长了多少) is read as going on from the first: the next figure of the unit it asks for in the
  first part's sentence, its own words printed between the two figures;
* the answer is given only when both parts are answered; two answers in one sentence are quoted as one
  span reaching from the first to the second.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable, Optional

from ..core.types import Citation, Hit, Query

__all__ = ["slot_parts", "extract_parts"]

# The words that ask for a figure (多少, 几家, 多大): where a part's slot is.
_ASKED = re.compile(r"多少|多大|几(?=[\u4e00-\u9fff])")
_BETWEEN = re.compile(r"[、，,？?；;]")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def slot_parts(query: Query) -> list[str]:
    """The question cut where its second slot's part begins (``[first, second]``), or [] when it asks for
    one figure, or more than two, or writes nothing between its two slots that parts them.  One slot
    after two names joined by 和/及/与/、 (A和B的目标是多少) asks two figures too: each name with the words
    after the second (``[…A的目标是多少, B的目标是多少]``)."""
    text = query.normalized.rstrip("？?。 ")
    slots = list(_ASKED.finditer(text))
    if len(slots) == 1:
        return _joined_names(text, slots[0].start())
    if len(slots) != 2:
        return []
    cut = _BETWEEN.search(text, slots[0].end(), slots[1].start())
    if cut is None:
        return []
    first, second = text[: cut.start()].strip(), text[cut.end():].strip()
    return [first, second] if first and second else []


_JOIN = re.compile(r"和|及|与|、")
_SLOT_VERB = re.compile(r"(?:分别|各)?(?:是|为|达到|有)?$")


def _joined_names(text: str, slot: int) -> list[str]:
    """``[…A的目标是多少, B的目标是多少]`` for …A和B的目标是多少 (the names unpunctuated before the slot)."""
    lead = text[:slot]
    joins = [m for m in _JOIN.finditer(lead) if not re.search(r"[，,。；;：:？?]", lead[m.end():])]
    if not joins:
        return []
    join = joins[-1]
    named = lead[join.end():]  # B and the words after it up to the slot
    of = named.rfind("的")
    tail_at = join.end() + (of if of >= 0 else len(named) - len(_SLOT_VERB.search(named).group(0)))
    first, second = text[: join.start()] + text[tail_at:], text[join.end():]
    if len(text[join.end():tail_at]) < 2 or len(lead[: join.start()].rstrip()) < 2:
        return []
    return [first, second]


def _part(text: str, whole: Query) -> Query:
    """A part parsed and understood, with the years, places and kind of the whole where it names none."""
    from ..text.query import parse_query
    from .understand import understand

    part = understand(parse_query(text))
    if not part.years and not part.relative_years:
        part = replace(part, years=whole.years, relative_years=whole.relative_years)
    if not part.place_mentions:
        part = replace(part, place_mentions=whole.place_mentions)
    if part.kind == "actual" and whole.kind != "actual":
        part = replace(part, kind=whole.kind)
    if part.shape not in ("quantity", "rate"):
        part = replace(part, shape="quantity")
    return part


def extract_parts(query: Query, hits: list[Hit], *, places=(), doc_ids: Optional[list[str]] = None,
                  years_of: Optional[dict] = None,
                  original_of: Optional[Callable[[str], str]] = None):
    """An :class:`~.extractive.Extracted` answering both parts of a two-slot ``query`` (its ``citations``
    one or two), or ``None`` (see the module docstring)."""
    from .blank_figures import question_subject
    from .extractive import MIN_TERMS, Extracted, extract_answer

    texts = slot_parts(query)
    if not texts:
        return None
    first, second = (_part(t, query) for t in texts)
    found = extract_answer(first, hits, places=places, doc_ids=doc_ids, years_of=years_of, original_of=original_of)
    if found is None:
        return None
    hit = hits[found.citation.id - 1]
    if len(question_subject(second, places=list(places) + list(second.place_mentions))) >= MIN_TERMS:
        later = extract_answer(second, hits, places=places, doc_ids=doc_ids, years_of=years_of,
                               original_of=original_of)
        if later is None:
            return None
        if later.citation.id == found.citation.id and _one_sentence(hit, found.citation, later.citation):
            return _spanning(hit, found.citation, later.citation.end, "both parts in one sentence")
        return Extracted(f"{found.text}；{later.text}", found.citation, f"two parts: {found.reason}; {later.reason}",
                         citations=[found.citation, later.citation])
    end = _continued(hit, found, second, places)
    if end is None:
        return None
    return _spanning(hit, found.citation, max(end, found.citation.end), "the second part goes on from the first")


def _one_sentence(hit: Hit, a: Citation, b: Citation) -> bool:
    lo, hi = sorted((a, b), key=lambda c: c.start)
    return lo.start == a.start and not _SENTENCE_END.search(hit.text, lo.end - hit.start, hi.start - hit.start)


def _continued(hit: Hit, first, part: Query, places) -> Optional[int]:
    """Where (original offset) the figure a little-saying part asks for ends: the next figure of its unit
    after the first part's figure (``first``, an Extracted) in its sentence, the part's own words printed
    before it; ``None`` when there is none."""
    from ..text.normalize import normalize
    from ..text.numbers import find_quantities
    from ..text.segments import bigrams
    from .blank_figures import question_subject, unit_class
    from .extractive import wanted_units

    at = first.figure_end - hit.start
    stop = _SENTENCE_END.search(hit.text, at)
    norm = normalize(hit.text[at: stop.start() if stop else len(hit.text)])
    text = norm.simplified
    asked = wanted_units(part)
    words = question_subject(part, places=list(places) + list(part.place_mentions))
    for q in find_quantities(text):
        if not q.unit or q.unit == "年":
            continue
        kind = unit_class(q.base_unit or q.unit)
        if (kind in asked) if asked else kind != "%":
            before = re.sub(r"\s", "", text[: q.start])
            return hit.start + at + norm.to_original(q.start, q.end).end if words <= bigrams(before) else None
    return None


def _spanning(hit: Hit, cited: Citation, end: int, why: str):
    """One answer quoting ``hit`` from the first part's start to ``end`` (original offsets)."""
    from ..text.normalize import normalize
    from .extractive import Extracted

    quote = hit.text[cited.start - hit.start: end - hit.start]
    citation = replace(cited, end=end, quote=quote)
    return Extracted(f"{normalize(quote).simplified}[{cited.id}]", citation, f"two parts, one quote: {why}",
                     citations=[citation])
