"""A figure the report leaves blank: 新建茶园x.xx万亩, 税收达万元,增长%, 覆盖率达,.

Template copies print ``x.xx万亩``/``xx%`` where the figure belongs and redacted copies drop the
number and print nothing (``达万元``, ``率达,``).  Rule extraction stores a placeholder only when it
reads a metric there; for any other figure the question asks about, this route finds the clause of
the question's report that is about what is asked and prints a blank where its number belongs, and
answers that the report gives no figure there, citing the clause — with no number.

Strict, because a wrong "not given" is a confident wrong answer:

* the question asks for a figure and the report is settled (a place it names, the one place-less
  report it describes, or the index's only report);
* the question's subject is its bigrams without question words, years, places, the words that
  describe the report (…的那个镇, …所在镇的, …汇报中) and the describing phrase itself; at least
  :data:`MIN_TERMS` of them;
* a clause (between commas) holding a blank — a placeholder with a unit, a gap
  (:func:`~llm_extract.text.placeholders.find_number_gaps`), or the unit the question asks printed right
  after its object and a verb that counts, with no number (``入驻电商企业家,`` for 多少家电商企业) —
  must hold :data:`MIN_COVER` of the subject in its sentence up to the clause's end and
  :data:`MIN_CLAUSE` of it in the clause itself, and be the one best such clause;
* a unit the question asks for (多少户, 多少家, …率) must be the blank's unit;
* a year the question names must not contradict the years the blank's sentence names;
* no clause printing a real figure is as close to the question (the figure may be given there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional

from ..core.types import NormalizedText, Query
from ..text.segments import bigrams, years_in
from .record_text import Cites, CitedSpan, RecordAnswer

__all__ = ["answer_blank_figure", "blank_figure_in_scope", "question_subject", "asked_words", "asked_units",
           "unit_class", "trimmed_span", "MIN_TERMS", "MIN_COVER", "MIN_CLAUSE"]

MIN_TERMS = 2  # fewer subject bigrams than this say too little to pick a clause
MIN_COVER = 0.6  # share of the subject the sentence up to the blank's clause must hold
MIN_CLAUSE = 0.3  # share of the subject the blank's clause itself must hold

# The words of a question that point at its report rather than ask: 煤矿整合的那个镇，… / …所在镇的… / …汇报中，…
# (…工作情况汇报提出，… and 那份2010年以来工作情况汇报… too: the report's title, years and all)
_POINTER = re.compile(r"^.*(?:那[个篇份][^，,。]{0,20}?(?:镇|乡|县|市|区|报告|汇报|总结|文件)|"
                      r"所在(?:镇|乡|县|市|区|地)|(?:报告|汇报|总结|公报|文件)(?:中|里)?(?:提出|指出)?)的?")
_Q_CLAUSE = re.compile(r"[，,；;：:（）()？?！!]")
_CLAUSE = re.compile(r"[，,；;。！？!?\n：:]")
_SENTENCE = re.compile(r"[；;。！？!?\n]")
_FUNCTION_CHARS = "的了是"
_TIME_TERMS = {"今年", "去年", "明年", "全年", "当年", "本年", "年末", "年底", "年度", "上年"}
_PLAN_TERM = r"[“\"]?十[一二三四五]五[”\"]?(?:时期|期间|末|以来)?"
_UNIT_WORDS = r"亿元|万元|千元|元|万美元|美元|户|家|个|人|名|项|亩|吨|所|座|处|条|次|件|盏|株|公里|平方米"
_ASKED_UNIT = re.compile(rf"多少({_UNIT_WORDS})|几({_UNIT_WORDS})")
_ASKED_RATE = re.compile(r"百分之几|百分比|(?:率|比重|比例|占比)(?:是|为|达|有)?多少")
# 多少家电商企业: a count of an object; a report with the number deleted prints 入驻电商企业家, — right
# after a verb that counts (支持民营企业家, is about entrepreneurs, not a count of firms).
_COUNTED = re.compile(rf"多少({_UNIT_WORDS})([\u4e00-\u9fff]{{2,8}})")
_COUNTING_VERB = r"(?:引进|新增|入驻|落户|新建|建成|培育|认定|签约|开工|共有|累计|达到|达|有)了?"
_EDGE = ",，;；:：。!！?？、"
_MONEY = {"亿元", "万元", "千元", "元", "万美元", "亿美元", "美元"}


@dataclass
class _Spot:
    """A clause of one report holding a blank or a printed figure (normalized offsets), and how well it fits."""

    doc: dict
    norm: NormalizedText
    start: int
    end: int
    units: set  # units of the blanks it holds (empty: it prints a figure, no blank)
    cover: float  # share of the subject in its sentence up to the clause's end
    own: float  # share of the subject in the clause itself
    blank_end: int = 0  # where its last blank ends


def asked_words(query: Query, described: str = "") -> str:
    """The question without the words that point at its report (…的那个镇, …汇报中, the describing
    phrase ``described``), its clauses joined by ``|``."""
    parts = [_POINTER.sub("", part) for part in _Q_CLAUSE.split(query.normalized)]
    asked = "|".join(p for p in parts if p and p != described)
    return asked.replace(described, "|") if described else asked


def question_subject(query: Query, described: str = "", places=None) -> set[str]:
    """The question's subject bigrams: what it asks about, not the words that point at its report.
    ``places``: the place names to leave out, when known (see :func:`~llm_extract.text.query.subject_terms`)."""
    from ..text.query import subject_terms

    # a time word is cut out, not left to join the words beside it (今年技术… gives no 年技), and so is a
    # plan term (“十五五”时期): the time a figure is of, which its statement need not print
    asked = re.sub("|".join(_TIME_TERMS) + "|" + _PLAN_TERM, "|", asked_words(query, described))
    terms = subject_terms(asked, places)
    return {t for t in terms if not set(t) & set(_FUNCTION_CHARS) and t not in _TIME_TERMS}


def unit_class(unit: str) -> str:
    return "money" if unit in _MONEY else ("%" if unit in ("%", "个百分点") else unit)


def asked_units(query: Query) -> set[str]:
    """Unit classes the question asks for in so many words ({} = any)."""
    q = query.normalized
    units = {unit_class(m.group(1) or m.group(2)) for m in _ASKED_UNIT.finditer(q)}
    return units | ({"%"} if _ASKED_RATE.search(q) else set())


def _blanks(query: Query, text: str) -> list[tuple[int, int, str]]:
    """``(start, end, unit)`` of every blank figure of a report's (simplified) text."""
    from ..text.numbers import find_quantities
    from ..text.placeholders import find_number_gaps

    spots = [(q.start, q.end, q.unit or "") for q in find_quantities(text, include_placeholders=True) if q.placeholder]
    spots += find_number_gaps(text)
    counted = _COUNTED.search(query.normalized)
    if counted:
        unit, thing = counted.group(1), counted.group(2)
        for m in re.finditer(_COUNTING_VERB + re.escape(thing + unit) + r"(?=[,，。；;])", text):
            spots.append((m.end() - len(unit), m.end(), unit))
    return spots


def _spans(rx: re.Pattern, text: str) -> list[tuple[int, int]]:
    bounds = [0] + [m.end() for m in rx.finditer(text)] + [len(text)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def _printed(q) -> bool:
    """A real figure: digits, or a Chinese numeral with a unit of money or a percentage (一期, 三个 are no figures)."""
    return any(c.isdigit() for c in q.raw) or (q.unit or "") in _MONEY | {"%"}


def _scored(query: Query, subject: set[str], doc: dict, norm: NormalizedText) -> list[_Spot]:
    """The report's clauses holding a blank or printing a figure, in order, each scored against the subject.
    A clause printing a figure beside a blank counts as printing one (the figure may be the answer)."""
    import bisect

    from ..text.numbers import find_quantities

    text = norm.simplified
    blanks = _blanks(query, text)
    if not blanks:
        return []  # a report printing every figure (most do) is not read further
    figures = [q.start for q in find_quantities(text) if q.unit and q.unit != "年" and _printed(q)]
    sentences = _spans(_SENTENCE, text)
    starts = [a for a, _ in sentences]
    spots = []
    for a, b in _spans(_CLAUSE, text):
        printed = any(a <= s < b for s in figures)
        held = [] if printed else [(e, u) for s, e, u in blanks if a <= s < b]
        if not held and not printed:
            continue
        own = len(subject & bigrams(text[a:b])) / len(subject)
        sent_start = starts[bisect.bisect_right(starts, a) - 1]
        cover = len(subject & bigrams(text[sent_start:b])) / len(subject)
        spots.append(_Spot(doc, norm, a, b, {u for _, u in held}, cover, own, max((e for e, _ in held), default=b)))
    return spots


def _year_fits(query: Query, spot: _Spot) -> bool:
    """A year the question names is named by the blank's sentence too, or the sentence names none."""
    if not query.years:
        return True
    text = spot.norm.simplified
    a = max((m.end() for m in _SENTENCE.finditer(text, 0, spot.start)), default=0)
    said = set(years_in(text[a:spot.end]))
    return not said or bool(said & set(query.years))


def answer_blank_figure(query: Query, docs: list[dict], normalized_of: Callable[[dict], NormalizedText],
                        described: str = "") -> Optional[RecordAnswer]:
    """"The report prints no figure here", citing the one clause of ``docs`` that is about what the
    question asks and leaves its figure blank; ``None`` when unsure (see the module docstring).

    ``described``: the phrase that named the question's place-less report (:mod:`.described`), not
    part of what is asked."""
    if not query.wants_quantity or not docs:
        return None
    subject = question_subject(query, described)
    if len(subject) < MIN_TERMS:
        return None
    spots = [spot for d in docs for spot in _scored(query, subject, d, normalized_of(d))]
    wanted = asked_units(query)
    fits = [s for s in spots if s.units and s.cover >= MIN_COVER and s.own >= MIN_CLAUSE
            and (not wanted or wanted & {unit_class(u) for u in s.units}) and _year_fits(query, s)]
    if not fits:
        return None
    best = max(fits, key=lambda s: (s.own, s.cover))
    # Another clause as much about the question — a blank or, worse, a printed figure — leaves it open.
    if any(s is not best and s.own >= best.own and s.cover >= MIN_COVER for s in spots):
        return None
    return _compose(_following(best, spots), subject)


def _following(best: _Spot, spots: list[_Spot]) -> list[_Spot]:
    """``best`` and the clauses right behind it in its sentence that hold a blank of something the
    question asks too (城镇居民人均收入xxxxx元,增长x% for 是多少、增长多少)."""
    run = [best]
    for s in spots[spots.index(best) + 1:]:
        if s.start != run[-1].end or not s.units or s.own == 0 or _SENTENCE.search(best.norm.simplified[s.start - 1]):
            break
        run.append(s)
    return run


def _compose(run: list[_Spot], subject: set[str]) -> RecordAnswer:
    """The answer: the clauses cited whole, the words up to their last blank shown, no figure stated."""
    best, norm, doc = run[0], run[0].norm, run[0].doc
    a, b = trimmed_span(norm.text, best.start, run[-1].end)
    span = norm.to_original(a, b)
    cites = Cites()
    mark = cites.add(CitedSpan(doc["doc_id"], doc["source"], span.start, span.end, norm.original[span.start:span.end]))
    shown = norm.text[a:max(a, min(b, run[-1].blank_end))].strip()
    how = "以占位符代替数字" if _has_placeholder(shown) else "数字空缺"
    text = f"报告此处未印具体数字（原文印为“{shown}”，{how}），未给出具体数值{mark}。"
    reason = (f"blank figure in {doc['doc_id']}: {len(subject)} subject bigram(s), {best.cover:.2f} in the "
              f"sentence, {best.own:.2f} in the clause")
    return RecordAnswer(text, cites.citations, cites.passages, reasons=[reason])


def trimmed_span(text: str, a: int, b: int) -> tuple[int, int]:
    """``[a, b)`` without the spaces and punctuation around it."""
    while a < b and (text[a].isspace() or text[a] in _EDGE):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in _EDGE):
        b -= 1
    return a, b


def _has_placeholder(text: str) -> bool:
    from ..text.placeholders import find_placeholders

    return bool(find_placeholders(text))


def blank_figure_in_scope(query: Query, docs: list[dict], doc_ids: Optional[list[str]], settings,
                          texts: Optional[Callable[[dict], str]] = None) -> Optional[RecordAnswer]:
    """:func:`answer_blank_figure` over the question's report(s): those its places narrowed to
    (``doc_ids``), else the one place-less report it describes (``texts`` reads the reports, as
    :mod:`.described` wants), else the index's only report; ``None`` when there is none."""
    from .described import described_document
    from .document_text import normalized_documents
    from .understand import understand

    if not query.wants_quantity:
        return None
    described = ""
    if doc_ids:
        wanted = set(doc_ids)
        in_scope = [d for d in docs if d["doc_id"] in wanted]
    elif len(docs) == 1:
        in_scope = docs
    elif texts is not None:
        picked = described_document(understand(query), docs, texts)
        if picked is None:
            return None
        in_scope, described = [d for d in docs if d["doc_id"] == picked[0]], picked[1]
    else:
        return None
    return answer_blank_figure(query, in_scope, normalized_documents(settings), described)
