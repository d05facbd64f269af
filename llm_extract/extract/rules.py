"""The rule-based indicator extractor: the evaluation baseline, precision over recall.

It works on the text it is given and returns offsets into it; callers pass
normalized, simplified text (``NormalizedText.simplified``) and map the
offsets back with ``NormalizedText.to_original``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from ..core.types import IndicatorRecord
from ..text.growth import RATE_RANGE_TAIL, Change, find_changes, parse_change
from ..text.numbers import MARK_QUALIFIERS, Quantity, find_quantities
from ..text.numerals import fold
from .carried import breakdown_level, breakdown_measure, carried_metric, firm_subject, household_subject, insurance_measure
from .clauses import NON_VALUE_UNITS, context_sentences, enclosing, segment_start
from .lists import rates_after_levels, shared_lists
from .metric_phrase import Metric, find_metric
from .periods import compared_term_period, goal_period, plan_term_period, summed_period, term_ahead
from .ranges import changed_levels
from .statement_cues import (
    LAST_YEAR_RE, QUARTER_RE, QUARTER_TOPIC_RE, SECURED_RE, sentence_period, statement_kind, topic_years,
)
from .vocab import COUNT_METRICS, MetricIndex, default_index

__all__ = ["rules_extract_indicators"]

_EXACT_AFTER_RE = re.compile(r"\s*[、，,]\s*(?:达到|达|为)\s*")
_NOTE_RE = re.compile(r"[(（][^()（）]{1,12}[)）]")
_MARK_RE = re.compile(r"(?:新|大)?(?:台阶|大关|关口)")
_SUFFIX_QUAL_RE = re.compile(r"(?:及\s*)?以上|左右|以内|以下")  # …万元及以上的企业: a threshold (see _figure_end)
_LIST_AFTER_RE = re.compile(r"\s*(?:和|及|与|、)\s*(?:[\dxX×*_]|[一二两三四五六七八九十])")
# A level printed right after the growth of its metric (地区生产总值增长6%、突破2万亿元).
_LEVEL_AFTER_RE = re.compile(r"\s*[、，,]\s*(?:总量)?(?P<verb>突破|达到|达|超过|超|为)\s*")
# Entities a figure is printed before without 的 (年销售收入超10亿元龙头企业达到100家): a threshold of them.
_ATTRIBUTE_OF_RE = re.compile(r"[\u4e00-\u9fff]{0,10}?(?:企业|项目|工程|园区|公司|集团)")
# Base units of the levels an indicator states: money, and physical output when the vocabulary names the metric.
MONEY_UNITS = ("元", "美元", "美金", "欧元", "港元", "日元", "元人民币", None)
OUTPUT_UNITS = ("吨", "斤", "公斤", "千克", "千瓦时", "方", "立方米", "担", "擔", "标准量")
# Counts of people are not economic aggregates (参保人数, 死亡人数, 城镇新增就业…万人).
_PEOPLE_RE = re.compile(r"(?:人数|人口|人次|就业)$")
# The output of one product (苹果产量, 太阳能电池产量) is no aggregate: its growth, like its level (see
# _level_fits), only when the vocabulary names the metric (粮食产量).
_OUTPUT_RE = re.compile(r"产量$")


# ---------------------------------------------------------------------------
# Growth after a figure
# ---------------------------------------------------------------------------


def _changes_after(text: str, pos: int, limit: int) -> tuple[list[Change], int]:
    """Growth clauses directly following a figure (``，同比增长8%``; ``比上年增764万元，增长23%``)."""
    out: list[Change] = []
    end = pos
    while len(out) < 3:
        ch = parse_change(text[end:limit], anchored=True)
        if ch is None:
            break
        out.append(ch)
        end += ch.end
    return out, end


def _year_on_year(changes: list[Change]) -> tuple[Change | None, str | None]:
    """The growth clause that gives the year-on-year rate, and the basis it is measured against."""
    yoy = next((c for c in changes if c.yoy_pct is not None or c.placeholder and c.amount is None), None)
    basis = yoy.basis if yoy else None
    if yoy is not None and basis is None:
        # "比上年同期增764万元，增长23%": the basis is printed once for both
        basis = next((c.basis for c in changes if c.basis), None)
    return yoy, basis


# ---------------------------------------------------------------------------
# Rules extractor
# ---------------------------------------------------------------------------


def rules_extract_indicators(
    text: str, *, period_hint: str | None = None, vocab: MetricIndex | None = None,
    plan_years: Sequence[int] = (), review_years: Sequence[int] = (), target_period: str | None = None,
    headings: str = "",
) -> list[IndicatorRecord]:
    """Indicator records stated as ``<metric>(完成|实现|为…)? <figure>[，<growth clause>]``.

    ``text`` should be normalized, simplified text; ``evidence`` is the exact
    clause ``text[start:end]``.  A figure is only taken when a metric names
    it (a vocabulary variant, or a short noun phrase ending in 收入/总值/产值 …),
    so precision stays high.  Placeholders (``xxxxx万元``) give ``value=None``
    and ``placeholder=True``.  Levels are money or, for a metric the vocabulary
    names, physical output; percentages are only read as growth, never as levels
    (shares and coverage rates are not indicators), and counts of people never.
    In a report that reviews ``review_years`` and plans ``plan_years``, a figure
    dated to a planned year only is a target; a target its sentence does not date
    is for ``target_period`` when given (else ``period_hint``, as every figure).  ``headings``: the
    section's heading path (a plan term it names dates the averages its paragraphs print undated).
    """
    run = _RulesRun(text, period_hint, vocab or default_index())
    run.target_period = target_period
    run.headings = headings
    if review_years:  # only a report that both reviews and plans tells the planned year apart
        run.plan_years = {y for y in plan_years if y not in set(review_years)}
        run.review_years = set(review_years)
    changes = find_changes(text)
    quantities = find_quantities(text, include_placeholders=True)  # read once: both readers below use them
    run.from_lists()
    run.from_changed_levels(quantities)
    run.from_figures(changes, quantities)
    run.pair_rates()
    run.from_growth_clauses(changes)
    run.records.sort(key=lambda r: r.start)
    return run.records


class _RulesRun:
    """One text being read: its folded view, its full sentences, and the records found so far."""

    def __init__(self, text: str, period_hint: str | None, index: MetricIndex):
        self.text = text
        self.folded = fold(text)
        self.sentences = context_sentences(self.folded)
        self.period_hint = period_hint
        self.index = index
        self.records: list[IndicatorRecord] = []
        self.consumed: list[tuple[int, int]] = []
        self.plan_years: set[int] = set()
        self.review_years: set[int] = set()
        self.target_period: str | None = None
        self.headings = ""
        self.topic_years = topic_years(self.folded, self.sentences)

    def from_figures(self, changes: list[Change], quantities: list[Quantity]) -> None:
        """A level named by a metric, with the growth clauses that follow it."""
        text, folded = self.text, self.folded
        # 各项贷款新增a亿元 prints an increment as a level (see find_metric); other amounts are changes.
        change_spans = [(c.start, c.end) for c in changes if not (
            c.amount is not None and c.yoy_pct is None and folded[c.start - 1 : c.start + 1] == "新增")]
        for q in quantities:
            if q.unit in NON_VALUE_UNITS or q.unit in ("%", "‰") or any(
                    a <= q.start < b for a, b in change_spans + self.consumed):
                continue
            sent0, sent1 = enclosing(self.sentences, q.start)
            seg0 = segment_start(folded, q.start, sent0)
            fig_end = self._figure_end(q)
            if fig_end is None:
                continue
            metric = find_metric(folded[seg0 : q.start], rate=False, index=self.index, base_unit=q.base_unit)
            raw = None
            if metric is None:
                metric = raw = self._carried(seg0, sent0, q)
            if metric is None or not self._level_fits(metric, q) or SECURED_RE.search(folded[seg0 : q.start]):
                continue  # funds obtained (争取中央投资a亿元) are no aggregate of the place
            exact = self._exact_after(q, fig_end, quantities)
            if exact:  # 首次突破3万元、达到30516元: the figure the mark was passed with
                q, fig_end = exact
                self.consumed.append((q.start, fig_end))
            after, end = _changes_after(text, fig_end, sent1 or len(text))
            if after and _LIST_AFTER_RE.match(folded, end):
                after = []  # …b亿元，增长x%和y%: rates of several levels, paired by pair_rates
            self._record(metric, seg0, q.start, end if after else fig_end, q, after, sent0,
                         raw=raw.canonical if raw else None)

    def _exact_after(self, q: Quantity, fig_end: int, quantities: list[Quantity]) -> tuple[Quantity, int] | None:
        """The exact level printed after a mark the metric passed (突破3万元、达到30516元), with its end."""
        if q.qualifier not in MARK_QUALIFIERS:
            return None
        m = _EXACT_AFTER_RE.match(self.folded, fig_end)
        exact = next((x for x in quantities if m and x.start == m.end()), None)
        if exact is None or exact.base_unit != q.base_unit or exact.placeholder:
            return None
        end = self._figure_end(exact)
        return (exact, end) if end is not None else None

    def from_changed_levels(self, quantities: list[Quantity]) -> None:
        """The later level of ``X由A增加到B`` (:mod:`.ranges`), dated to its printed year, with its rate."""
        levels = [q for q in quantities if not q.placeholder and q.unit not in NON_VALUE_UNITS and q.unit != "%"]
        for found in changed_levels(self.folded, levels):
            q = found.quantity
            sent0, sent1 = enclosing(self.sentences, q.start)
            seg0 = segment_start(self.folded, found.opening, sent0)
            metric = find_metric(self.folded[seg0 : found.opening], rate=False, index=self.index,
                                 base_unit=q.base_unit)
            fig_end = self._figure_end(q)
            if metric is None or fig_end is None or not self._level_fits(metric, q) or any(
                    a <= q.start < b for a, b in self.consumed):
                continue
            after, end = _changes_after(self.text, fig_end, sent1 or len(self.text))
            before = self.folded[seg0 : found.opening]  # 增加到2024年 (here or in a clause before) is no goal
            kind = statement_kind(before, before)
            self._record(metric, seg0, q.start, end if after else fig_end, q, after, sent0, period=found.year, kind=kind)

    def _carried(self, seg0: int, sent0: int, q: Quantity) -> Metric | None:
        """The metric of a clause printing only a head, from the clause listed before it (see
        :func:`carried_metric`); its span is the head's clause."""
        folded = self.folded
        prev = ""
        if seg0 > sent0 and folded[seg0 - 1] in "、，,":
            prev = folded[segment_start(folded, seg0 - 1, sent0) : seg0 - 1]
        name = carried_metric(prev, folded[seg0 : q.start], folded[sent0 : q.start], index=self.index) or (
            insurance_measure(folded, seg0, folded[seg0 : q.start])) or breakdown_level(folded, seg0, folded[seg0 : q.start])
        return Metric(0, q.start - seg0, name) if name else None

    def from_lists(self) -> None:
        """Names sharing one verb and a list of figures (``A、B分别增长8%、6%``)."""
        for f in shared_lists(self.folded, self.index):
            if f.quantity is not None and not self._level_fits(Metric(0, 0, f.metric), f.quantity):
                continue
            if SECURED_RE.search(self.folded, f.start, f.at):
                continue  # 争取中央预算内投资、专项债券分别增长…: funds obtained, no aggregate of the place
            if f.quantity is None and (f.metric in COUNT_METRICS or _PEOPLE_RE.search(f.metric)
                                       or not self._growth_fits(f.metric)):
                continue
            sent0, _ = enclosing(self.sentences, f.start)
            change = None if f.pct is None else Change(f.pct, f.basis, "", f.start, f.end, qualifier=f.qualifier)
            self._record(Metric(0, 0, f.metric), f.start, f.at, f.end, f.quantity,
                         [change] if change else [], sent0, raw=f.raw)

    def _level_fits(self, metric: Metric, q: Quantity) -> bool:
        """Money levels of any metric; physical output and counts only of a metric the vocabulary names
        (counts of people not even then, unless a user's vocabulary adds the metric)."""
        named = metric.canonical in self.index.vocab
        if _PEOPLE_RE.search(metric.canonical) or q.base_unit in ("人", "人次"):
            return named and metric.canonical not in COUNT_METRICS
        if q.base_unit in MONEY_UNITS:
            return True
        return q.base_unit in OUTPUT_UNITS and named

    def _growth_fits(self, metric: str) -> bool:
        """Growth of any aggregate; of a product's output only when the vocabulary names the metric."""
        return metric in self.index.vocab or not _OUTPUT_RE.search(metric)

    def _figure_end(self, q: Quantity) -> int | None:
        """End of the figure with its suffix qualifier (以上/左右…), or None when it names no level."""
        fig_end = q.end
        qual = _SUFFIX_QUAL_RE.match(self.folded, fig_end)
        if qual:
            fig_end = qual.end()
        mark = _MARK_RE.match(self.folded, fig_end)
        if mark:  # 迈上4000亿元台阶, 跨越5000亿元大关: the mark is part of the figure, its growth may follow
            fig_end = mark.end()
        note = _NOTE_RE.match(self.folded, fig_end)  # 超千万美元（含增资）的企业: the note does not end the figure's role
        after = note.end() if note else fig_end
        if self.folded.startswith("的", after) or _ATTRIBUTE_OF_RE.match(self.folded, after):
            return None  # "投资xx亿元的工业园", "年销售收入超10亿元龙头企业": the figure describes something else
        if qual and self.folded.startswith(("且", "或"), fig_end):
            return None  # "销售额5万元以上且…的商户": a condition of eligibility
        if _LIST_AFTER_RE.match(self.folded, fig_end):
            return None  # "产值、利润分别达到3亿元和5000万元": figures paired with names elsewhere
        return fig_end

    def pair_rates(self) -> None:
        """Rates listed after their levels (``出口a万美元，进口b万美元，分别下降x%、y%``) go to the levels'
        records; each record's evidence then runs to the last rate."""
        for pr in rates_after_levels(self.folded):
            for (c0, c1), pct in zip(pr.clauses, pr.pcts):
                rec = next((r for r in self.records if c0 <= r.start < c1 and r.unit not in (None, "%")), None)
                if rec is None or rec.yoy_pct is not None:
                    continue
                rec.yoy_pct, rec.yoy_basis = pct, pr.basis
                rec.end, rec.evidence = pr.end, self.text[rec.start : pr.end]
            self.consumed.append((pr.clauses[0][0], pr.end))

    def from_growth_clauses(self, changes: list[Change]) -> None:
        """Growth stated without a level: "地区生产总值增长8%左右"."""
        folded = self.folded
        for c in changes:
            if any(a <= c.start < b for a, b in self.consumed) or (
                    c.yoy_pct is None and c.times is None and not c.placeholder) or c.direction == 0:
                continue  # 同比持平 alone prints no figure a record could show
            sent0, _ = enclosing(self.sentences, c.start)
            seg0 = segment_start(folded, c.start, sent0)
            metric = find_metric(folded[seg0 : c.start], rate=False, index=self.index, growth=True)
            if metric is None or not folded[seg0 : c.start].strip() or metric.canonical in COUNT_METRICS or (
                    _PEOPLE_RE.search(metric.canonical) and metric.canonical not in self.index.vocab) or (
                    not self._growth_fits(metric.canonical)):
                continue
            seg = folded[seg0 : c.start]
            measure = breakdown_measure(folded, seg0, seg[metric.start : metric.end], metric.canonical)
            if measure:  # 其中，租赁和商务服务业增长x% after a revenue: that revenue's part
                metric = Metric(metric.start, metric.end, measure)
            elif metric.canonical.endswith("制造业") and metric.canonical not in self.index.vocab:
                continue  # 装备制造业增长x% with no value added before it: which measure, the text does not say
            if c.times is not None and metric.canonical not in self.index.vocab:
                continue  # a multiple is a small base's (一个品牌出口增长12倍) unless a known aggregate's
            if c.times is not None:  # 增长1.5倍: the multiple, as printed (no percentage is printed)
                times = Quantity(c.times, "倍", None, "倍", c.raw, c.start, c.end, qualifier=c.qualifier)
                self._record(metric, seg0, c.start, c.end, times, [], sent0)
                continue
            level = self._level_after(c)
            if level is not None and self._level_fits(metric, level[0]):
                self._record(metric, seg0, c.start, level[1], level[0], [c], sent0)
                continue
            rng = RATE_RANGE_TAIL.match(folded, c.end)  # 增长5.0%—5.5%: the lower bound, the range in the evidence
            self._record(metric, seg0, c.start, rng.end() if rng else c.end, None, [c], sent0)

    def _level_after(self, c: Change) -> tuple[Quantity, int] | None:
        """The level printed after the growth of the same metric (``增长6%、突破2万亿元``), with its end."""
        m = _LEVEL_AFTER_RE.match(self.folded, c.end)
        if not m or c.yoy_pct is None:
            return None
        q = next((q for q in find_quantities(self.text[m.end() : m.end() + 24]) if q.start == 0), None)
        if q is None or q.unit in ("%", "‰") or q.base_unit not in MONEY_UNITS:
            return None
        qualifier = q.qualifier or (m.group("verb") if m.group("verb") in MARK_QUALIFIERS else None)
        q = replace(q, start=q.start + m.end(), end=q.end + m.end(), qualifier=qualifier)
        fig_end = self._figure_end(q)
        return (q, fig_end) if fig_end is not None else None

    def _record(self, metric: Metric, seg0: int, fig_start: int, end: int, q: Quantity | None,
                changes: list[Change], sent0: int, raw: str | None = None, period: str | None = None,
                kind: str | None = None) -> None:
        text, folded = self.text, self.folded
        if QUARTER_RE.search(folded, seg0, fig_start) or (
                QUARTER_TOPIC_RE.match(folded, sent0) and not re.search("全年|年末|年底", folded[seg0:fig_start])):
            return  # 一季度地区生产总值增长x%: a quarter's figure, no year's
        ev0 = seg0
        while ev0 < fig_start and text[ev0].isspace():
            ev0 += 1
        seg_prefix = folded[seg0:fig_start]
        sent_prefix = folded[sent0:fig_start]
        yoy, basis = _year_on_year(changes)
        last_year = LAST_YEAR_RE.search(seg_prefix) and len(self.review_years) == 1 and not sentence_period(seg_prefix)
        if last_year:  # 去年全省研发经费支出a亿元 in a report that reviews one year: that year's result
            kind, period = kind or "actual", period or str(next(iter(self.review_years)))
        kind = kind or statement_kind(seg_prefix, sent_prefix)
        period = period or sentence_period(sent_prefix)
        # its sentence names its year: no term's paragraph re-dates it, unless it is an average (年均)
        dated = period is not None and "年均" not in folded[seg0:end]
        period = period or self.topic_years.get(sent0)
        para0 = folded.rfind("\n", 0, fig_start) + 1
        ahead = (term_ahead(self.headings, folded[para0:fig_start], self.review_years)
                 if period is None and kind != "estimate" else None)
        if ahead:  # under 二、“十五五”时期主要目标 in a report on 2025: a goal of the term
            kind, period = "target", goal_period(ahead, folded[seg0:end])
        if period is None:
            period = self.target_period if kind == "target" and self.target_period else self.period_hint
            if kind == "actual":  # “十二五”期间，累计完成…: the span, not its last year
                period = summed_period(folded[para0:fig_start], sent_prefix, period) or period
        period = compared_term_period(basis) or period  # 比“十三五”时期增长x%: over the term after the one named
        if q is None and period and "-" not in period and not dated:  # 这五年，…增长25% / “十五五”…年均增长5%
            period = plan_term_period(folded[para0:fig_start], folded[seg0:end], kind, period,
                                      self.headings) or period
        if kind == "actual" and period and int(period[:4]) in self.plan_years:
            kind = "target"  # a figure for the year the report plans
        firms = firm_subject(folded, seg0, seg_prefix, metric.canonical)
        if firms:  # …；实现利润总额b亿元 after 规上工业企业营收a亿元
            metric = Metric(metric.start, metric.end, self.index.lookup(firms + metric.canonical) or firms + metric.canonical)
        residents = household_subject(folded, seg0, seg_prefix, metric.canonical, index=self.index)
        if residents:  # 城镇居民人均可支配收入a元。其中：工资性收入b元
            metric = Metric(metric.start, metric.end, residents)
        placeholder = bool(q.placeholder) if q else bool(yoy and yoy.placeholder)
        qualifier = q.qualifier if q else (yoy.qualifier if yoy else None)
        if qualifier is None and q is not None and re.search("力争", seg_prefix):  # of a level, not a rate
            qualifier = "力争"
        self.records.append(
            IndicatorRecord(
                metric=metric.canonical,
                metric_raw=raw or text[seg0 + metric.start : seg0 + metric.end].strip(),
                period=period,
                kind=kind,  # type: ignore[arg-type]
                value=None if q is None or q.placeholder else q.value,
                unit=q.unit if q else None,
                value_base=None if q is None or q.placeholder else q.value_base,
                yoy_pct=yoy.yoy_pct if yoy else None,
                yoy_basis=basis,
                qualifier=qualifier,
                placeholder=placeholder,
                evidence=text[ev0:end],
                start=ev0,
                end=end,
            )
        )
        self.consumed.append((ev0, end))
