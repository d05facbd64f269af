"""When the model declines: the one clause of its passages that prints the figure asked for.

The small model abstains on many questions whose answer sits in one clause of the passages it was
shown (计划完成电工培训300人, 排57位, 以实施第二轮…为契机).  :func:`extract_answer` finds that clause
by code and answers with it, quoted and cited, only when nothing else competes:

* the question asks for one figure (shape quantity or rate) of a unit read from its words: 多少人/家/只/
  万元… → that unit (人 also 人次/名), 多少…人口 → 人, 增长多少 or 覆盖/比例/…率 → %, money words
  (资金/投资/收入…) → money, 第几轮 → 第N轮, 排第几位 → 第N位/排N位; else any figure but a percentage;
* a *statement* is a clause printing one such figure (not a number the question prints), with the
  clauses continuing it (，同比增长…); a list 茶叶3.2万吨、竹笋1.5万吨 is cut into one per figure.  Its
  score is the share of the question's subject (:func:`~.blank_figures.question_subject` without
  places, years, question words, the asked slot and the words pointing at a place-less report) in the
  shortest best window reaching over the figure-less clauses of its sentence before it (and after it,
  when the question goes on after its slot);
* the best needs :data:`MIN_COVER`, every character of the subject in its window (省级 is not 全国),
  one figure of the asked kind, and a lead of :data:`MARGIN` over any statement of the same year and
  kind; one of another year or kind that is that much more on topic leaves the question unanswered;
* its year and kind are those asked (:mod:`.statement_time`: the year its sentence, paragraph, heading
  or document states; a goal for a target question, 预计 for an estimate, no goal for what was done);
* a metric the question names (vocabulary) is named before the figure, and so is each word that makes
  a figure another (新增, 累计, 城镇, 人均, 出口 …); the passage is in the question's documents, and a
  question naming none is answered only when every passage is of one report.

The answer is the window as printed (simplified), cited with its exact span in the original.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from typing import Callable, Optional

from ..core.types import Citation, Hit, NormalizedText, Query
from ..text.numerals import UNIT_RE
from ..text.segments import bigrams, years_in

__all__ = ["Extracted", "extract_answer", "wanted_units", "MIN_COVER", "MARGIN"]

MIN_COVER = 0.6  # share of the question's subject the statement's window must print
MARGIN = 0.25  # lead of the best statement over any other that fits (one bigram of five is not enough)
MIN_TERMS = 2  # a subject of fewer bigrams says too little to pick a clause

_SENTENCE = re.compile(r"[。！？!?；;\n]")
_CLAUSE = re.compile(r"[，,：:]")
# A clause that goes on about the figure before it (3.1亿元，同比增长18% / 排57位，比上年前进了6位)
# or gives the figure of the one before (产量增长12%、达36万辆).
_CONTINUES = re.compile(r"^\s*(?:同比|比上年|比去年|较上年|较去年|较|比|增长|下降|增幅|增速|占|居(?:全|第|于|前)|"
                        r"(?:达到?|为)\s*[\d一二三四五六七八九十])")
_ORDINAL_ASKED = re.compile(r"(?:排名|排|位居|居|列)?第几([\u4e00-\u9fff])")
_NUMERAL = r"([0-9]+|[一二三四五六七八九十百零〇两]+)"
_PEOPLE_ASKED = re.compile(r"(?:多少|几)[^，,。？?]{0,6}?(?:人口|人数|人员|劳动力)")
_PERCENT_ASKED = re.compile(r"覆盖(?!多少)|比例|比重|占比|百分|率|强度")
_MONEY_ASKED = re.compile(r"资金|投资|金额|资额|收入|产值|总额|税收|财力|销售额|营业额|利润|增加值|生产总值|GDP")
# The asked slot with the unit or measure it names (多少人次, 多少资金, 规模多大, 第几轮) and the words that
# frame the question (列出的, 要求, 等): no part of what the answer must print.
_SLOT = re.compile(r"(?:排名|排|位居|居|列)?第几[\u4e00-\u9fff]|(?:规模|面积)?多大(?:的)?(?:规模|面积)?|"
                   r"(?:多少|几)(?:资金|金额|钱|规模|" + UNIT_RE.pattern + ")?")
_TAIL = re.compile(r"[\s？?。！!]|的|是|吗|呢")
_LIGHT = set("为对在将把被从向与和及并或其之中")  # characters that need not be printed for a window to be whole
_FRAMING = re.compile(r"[的是有了]|列出|要求|要|等")
# Words that stand for the place the question is about (全省, 该市, 我镇 …).
_GENERIC_PLACES = tuple(w + p for w in "全我本该" for p in "省市州县区镇乡")
_PEOPLE = {"人", "人次", "名"}
# Words that make a figure another figure: a flow or a stock, a group of residents, a direction of trade.
# A question writing one needs it in the statement's window (新增科技型企业 is not 科技型企业达到360家).
_QUALIFIERS = [re.compile(w) for w in (
    "新增", "累计", "净增", "新建", "新开工", "年末", "余额", "人均", "城镇", "农村", "全体", "(?<!进)出口", "(?<!出)进口",
)]


@dataclass
class Extracted:
    """The fallback's answer: its text (the quoted window and ``[n]``), the citation and why it was chosen."""

    text: str
    citation: Citation
    reason: str
    citations: list[Citation] = field(default_factory=list)  # every citation ([] = ``[citation]``)
    figure_end: int = -1  # where the figure answered ends (original offset; -1 = not one figure)


@dataclass
class _Asked:
    units: set[str]  # unit classes asked for (see wanted_units)
    ordinal: Optional[re.Match]  # 第几轮: the counter asked
    subject: set[str]
    onward: bool  # the question goes on after its slot (以实施第几轮…为契机搞…): a window may reach forward


@dataclass
class _Statement:
    hit_no: int  # 1-based, as the passages are numbered
    norm: NormalizedText
    sentence: int  # where its sentence starts (normalized)
    start: int  # the window (normalized offsets of the passage)
    end: int
    figure: tuple[int, int]  # the first figure asked for
    cover: float
    clear: bool  # it gives one figure of the kind asked, and its window prints every character of the subject


def extract_answer(query: Query, hits: list[Hit], *, places=(), doc_ids: Optional[list[str]] = None,
                   years_of: Optional[dict] = None,
                   original_of: Optional[Callable[[str], str]] = None) -> Optional[Extracted]:
    """The one statement of ``hits`` that answers the understood ``query``, or ``None`` (see the module
    docstring).  ``places``: the place names the question was narrowed by; ``doc_ids``: its documents
    (``None`` = any); ``years_of``: doc id → the years each covers; ``original_of``: source → its
    original text (to read the sentence and paragraph a passage begins inside of)."""
    from .blank_figures import asked_words, question_subject

    if query.shape not in ("quantity", "rate") or not hits:
        return None
    if doc_ids is None and len({h.doc_id for h in hits}) > 1:
        return None  # a question naming no report of several: which report's figure would it be?
    words = asked_words(query)
    # a year inside the words that point at the report (2010年以来工作情况汇报中) is not the year asked —
    # unless the question asks about 今年, the year of that report (2026年…报告中，今年…的目标)
    asked = tuple(y for y in query.years if y in years_in(words))
    pointed = tuple(y for y in query.years if y not in asked)
    if not asked and 0 in query.relative_years and len(pointed) == 1:
        asked = pointed
    query = replace(query, years=asked)
    ordinal = _ORDINAL_ASKED.search(query.normalized)
    framed = _FRAMING.sub("|", _SLOT.sub("|", query.normalized))
    subject = question_subject(replace(query, normalized=framed),
                               places=list(places) + list(query.place_mentions) + list(_GENERIC_PLACES))
    if len(subject) < MIN_TERMS:
        return None
    slot = _SLOT.search(query.normalized)
    onward = slot is not None and len(_TAIL.sub("", query.normalized[slot.end():])) >= 2
    asked = _Asked(wanted_units(query, ordinal), ordinal, subject, onward)
    found = [s for n, h in enumerate(hits, 1) if doc_ids is None or h.doc_id in doc_ids
             for s in _statements(n, h, query, asked)]
    unique = {(hits[s.hit_no - 1].doc_id, s.norm.to_original(*s.figure).start + hits[s.hit_no - 1].start): s
              for s in found}
    ranked = sorted(unique.values(), key=lambda s: -s.cover)
    originals, qualifiers = _cached(original_of), [rx for rx in _QUALIFIERS if rx.search(words)]
    # (of the year and kind asked, names what is asked) for the statements close enough to matter
    fit = {id(s): _fits(query, s, hits[s.hit_no - 1], years_of, originals, qualifiers)
           for s in ranked if s.cover >= MIN_COVER - MARGIN}
    best = next((s for s in ranked if s.clear and all(fit.get(id(s), (False, False)))), None)
    if best is None or best.cover < MIN_COVER or any(
            s.cover - best.cover >= MARGIN or (fit.get(id(s), (False,))[0] and best.cover - s.cover < MARGIN)
            for s in ranked if s is not best):
        return None
    second = max((s.cover for s in ranked if s is not best), default=0.0)
    return _extracted(best, hits[best.hit_no - 1], len(subject), second)


def _cached(original_of: Optional[Callable[[str], str]]) -> Callable[[str], str]:
    """``original_of`` reading each source at most once ("" when there is none to read)."""
    from ..core.errors import LlmExtractError

    @functools.lru_cache(maxsize=None)
    def read(source: str) -> str:
        try:
            return original_of(source) if original_of is not None else ""
        except (LlmExtractError, OSError):  # no index or no such file (an injected retriever): the passage decides
            return ""
    return read


def _fits(query: Query, st: "_Statement", hit: Hit, years_of: Optional[dict], originals: Callable[[str], str],
          qualifiers: list) -> tuple[bool, bool]:
    """Whether the statement is of the year and kind asked, and whether its window names what is asked
    (the question's metric, before the figure, and its qualifiers: 新增, 城镇, 出口 …)."""
    from .statement_time import kind_fits, year_fits

    text, original = st.norm.simplified, originals(hit.source)
    window = text[st.start:st.figure[1]]
    timely = (kind_fits(query, hit, text, st.sentence, st.figure, original)
              and year_fits(query, hit, st.norm, st.sentence, st.end, original, years_of))
    return timely, _metric_named(query, window) and all(rx.search(window) for rx in qualifiers)


def wanted_units(query: Query, ordinal=None) -> set[str]:
    """The unit classes the question asks for ({} = any figure but a percentage; {"第"+counter} = an ordinal)."""
    from .blank_figures import asked_units

    if ordinal:
        return {"第" + ordinal.group(1)}
    text = query.normalized
    wanted = asked_units(query)
    if wanted:
        return wanted | (_PEOPLE if wanted & _PEOPLE else set())
    if _PEOPLE_ASKED.search(text):
        return set(_PEOPLE)
    if query.shape == "rate" or _PERCENT_ASKED.search(text):
        return {"%"}
    return {"money"} if _MONEY_ASKED.search(text) else set()


def _figures(text: str, asked: set[str], ordinal, query: Query) -> list[tuple[int, int]]:
    """Spans of the figures of ``text`` of an asked unit (any figure of a unit when ``asked`` is
    empty, a percentage excepted), numbers the question prints left out."""
    from ..text.numbers import find_quantities
    from .blank_figures import unit_class

    if ordinal:
        counter = re.escape(ordinal.group(1))
        rx = re.compile(rf"(?:(?<=[排居列])第?|第){_NUMERAL}{counter}")
        return [(m.start(), m.end()) for m in rx.finditer(text)]
    out = []
    for q in find_quantities(text):
        kind = unit_class(q.base_unit or q.unit or "")
        if not q.unit or q.unit == "年" or any(abs(q.value - n) < 1e-9 for n in query.numbers):
            continue
        if (kind in asked) if asked else kind != "%":
            out.append((q.start, q.end))
    return out


def _spans(rx: re.Pattern, text: str, a: int, b: int, cuts: frozenset = frozenset()) -> list[tuple[int, int]]:
    """The non-blank pieces of ``text[a:b]`` ended by ``rx`` or after each of ``cuts``."""
    bounds = sorted({a, b} | {m.end() for m in rx.finditer(text, a, b)} | {c + 1 for c in cuts if a < c + 1 < b})
    return [(x, y) for x, y in zip(bounds, bounds[1:]) if text[x:y].strip()]


def _statements(n: int, hit: Hit, query: Query, asked: _Asked) -> list[_Statement]:
    """Each statement of the passage printing a figure asked for, scored (see the module docstring)."""
    from ..text.normalize import normalize
    from ..text.numbers import find_quantities

    norm = normalize(hit.text)
    text = norm.simplified
    wanted = _figures(text, asked.units, asked.ordinal, query)
    any_figure = [q.start for q in find_quantities(text) if q.unit and q.unit != "年"] + [a for a, _ in wanted]
    # 茶叶3.2万吨、竹笋1.5万吨: a 、 right after a figure of the kind asked starts another statement
    cuts = frozenset(b for _, b in wanted if text[b:b + 1] == "、")
    out = []
    for s0, s1 in _spans(_SENTENCE, text, 0, len(text)):
        groups: list[list[tuple[int, int]]] = []
        for c in _spans(_CLAUSE, text, s0, s1, cuts):
            if groups and _CONTINUES.match(text[c[0]:c[1]]):
                groups[-1].append(c)
            else:
                groups.append([c])
        spans = [(g[0][0], g[-1][1]) for g in groups]
        bare = [not any(a <= f < b for f in any_figure) for a, b in spans]
        for i, (a, b) in enumerate(spans):
            held = [f for f in wanted if a <= f[0] < b]
            if held:
                cover, start, end = _window(text, spans, bare, i, asked)
                # one figure of the kind asked (分别新认定8家和5家 says not which is which), every
                # character of the subject printed (省级 is not 全国, 产值 not 产量)
                clear = len(held) == 1 and {c for t in asked.subject for c in t} - _LIGHT <= set(text[start:end])
                out.append(_Statement(n, norm, s0, start, end, held[0], cover, clear))
    return out


def _window(text: str, spans: list[tuple[int, int]], bare: list[bool], i: int,
            asked: _Asked) -> tuple[float, int, int]:
    """``(cover, start, end)`` of the shortest window around statement ``i`` of a sentence that prints the
    most of the subject: it reaches back over the statements before it that print no figure (``bare``),
    and forward over those after it when the question goes on after its slot."""
    first, last = i, i
    while first > 0 and bare[first - 1]:
        first -= 1
    while asked.onward and last + 1 < len(spans) and bare[last + 1]:
        last += 1
    windows = [(spans[j][0], spans[k][1]) for j in range(i, first - 1, -1) for k in range(i, last + 1)]
    subject = asked.subject
    # max() keeps the first of equals: the shortest reach back, then forward
    return max(((len(subject & bigrams(_squash(text[a:b]))) / len(subject), a, b) for a, b in windows),
               key=lambda w: w[0])


def _squash(text: str) -> str:
    return re.sub(r"[\s，,。、；;：:（）()“”\"'《》]", "", text)


def _metric_named(query: Query, window: str) -> bool:
    """A metric the question names (the vocabulary's) is named in the window."""
    from ..extract.vocab import default_index

    if not query.metric:
        return True
    named = {canon for _, _, canon in default_index().mentions(window)}
    # 出口总额 printed inside 进出口总额 is another metric: the words count only where no metric is read
    return query.metric in named or (not named and bool(query.metric_raw) and query.metric_raw in window)


def _extracted(best: _Statement, hit: Hit, terms: int, second: float) -> Extracted:
    from .blank_figures import trimmed_span

    a, b = trimmed_span(best.norm.text, best.start, best.end)
    span = best.norm.to_original(a, b)
    citation = Citation(id=best.hit_no, doc_id=hit.doc_id, source=hit.source, start=hit.start + span.start,
                        end=hit.start + span.end, quote=hit.text[span.start:span.end], section=hit.section)
    reason = (f"extracted from passage [{best.hit_no}]: {best.cover:.2f} of {terms} subject bigram(s) in the "
              f"statement's window, next best {second:.2f}")
    figure_end = hit.start + best.norm.to_original(*best.figure).end
    return Extracted(f"{best.norm.simplified[a:b]}[{best.hit_no}]", citation, reason, figure_end=figure_end)
