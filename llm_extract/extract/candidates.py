"""Deterministic candidate finder: the sentences that can hold a record, per record kind.

It works on the text it is given and returns offsets into it; callers pass
normalized, simplified text (``NormalizedText.simplified``) and map the
offsets back with ``NormalizedText.to_original``.  It keeps the language model
to the sentences that can hold a record.  Each kind has one detector, called on
every sentence in order (the problem and task detectors remember the part of
the report they are in); a new kind is one detector and one line in
:func:`_detectors`.  The rules extractor lives in :mod:`.rules`, the sentence
and metric-phrase reading both share in :mod:`.clauses`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from ..core.types import canonical_report_type
from ..text.growth import Change, find_changes
from ..text.numbers import Quantity, find_quantities
from ..text.numerals import fold
from .clauses import NON_VALUE_UNITS, YEAR_IN_RE, segment_start, split_sentences
from .metric_phrase import find_metric
from .vocab import MetricIndex, default_index

__all__ = ["Candidate", "find_candidates", "section_context", "states_difficulty"]


@dataclass
class Candidate:
    """A sentence that may hold records, ``text[start:end]`` of the text searched."""

    start: int
    end: int
    text: str
    kinds: set[str] = field(default_factory=set)
    reasons: dict[str, str] = field(default_factory=dict)  # kind -> why

    @property
    def reason(self) -> str:
        return "; ".join(f"{k}: {v}" for k, v in sorted(self.reasons.items()))


_PROBLEM_NOUN_RE = re.compile(r"问题|困难|不足|差距|短板|瓶颈|薄弱环节|矛盾|隐患")
_PROBLEM_CUE_RE = re.compile(
    r"存在|面临|表现在|表现为|主要是|清醒地?(?:看到|认识到)|不容忽视|亟待|有待|还不够|仍然|依然|突出|制约|"
    r"一是|不少|一些"
)
_ENUM_RE = re.compile(r"^(?:[一二三四五六七八九十]+是|其[一二三四五六七八九十]|[①-⑳]|[(（]\d+[)）]|\d+[、.．)])")
_PROBLEM_LEAD_RE = re.compile(r"表现在|表现为|主要是|主要为|主要有|如下|[:：]\s*(?:一是|[①(（1])")
_PROBLEM_HEADING_RE = re.compile(r"存在|主要|当前|面临|不足|薄弱")
_TOP_HEADING_RE = re.compile(r"^[一二三四五六七八九十]+[、.．]|^第[一二三四五六七八九十]+[部章]")
_R_END = re.compile(r"[。！？；!?;]")
_PLAN_START_RE = re.compile(
    r"(?:(?:19|20)[\dxX×]{2}年|今年|明年|下一步|下步|今后|来年)[^。]{0,12}?"
    r"(?:工作安排|工作计划|工作目标|工作思路|主要任务|工作重点|主要工作|目标任务|工作打算|工作措施|总体思路|"
    r"预期目标|发展目标|奋斗目标|工作要点|重点工作)"
)
_REVIEW_START_RE = re.compile(r"以来的?工作|工作情况|工作回顾|取得的成绩|主要成绩|一年来|工作总结|回顾")
_TASK_CUE_RE = re.compile(
    r"力争|确保|计划(?!生育)|争取|目标|要|将|加快|推进|抓好|实施|启动|加大|做好|强化|开展|落实|建设|提高|完善"
)
_STRONG_TASK_RE = re.compile(r"力争|确保|计划(?!生育)|争取|目标")
_PROJECT_RE = re.compile(r"项目|工程")
_MONEY_RE = re.compile(r"投资|投入|万元|亿元|资金")
# A named facility being built is a project even when no money is stated ("推动某某产业园项目开工建设",
# "打造某某物流园"); the model decides, so the finder errs on the side of reading.
_BUILD_RE = re.compile(r"建设|新建|扩建|改建|改造|开工|竣工|完工|动工|立项|打造|技改|整治工程|升级")
_FACILITY_RE = re.compile(
    r"项目|工程|园|基地|厂|中心|小区|广场|公路|道路|国道|省道|大道|轨交|铁路|桥|站|馆|学校|小学|中学|医院|卫生室|"
    r"设施|农庄|景区|楼|宿舍|市场|城|片区|管网|水库|电站"
)
# Problems a plan states in passing ("经济下行压力依然较大", "要素保障相对不足").  The words name
# lack, difficulty or risk in general terms of the genre; none is there to catch one sentence.
_PROBLEM_WORD_RE = re.compile(
    r"严峻|紧缺|短缺|滞后|薄弱|不足|不够|难题|瓶颈|违法|隐患|不稳定|不确定|压力|矛盾|困难|"
    r"拖欠|纠纷|污染|短板|差距|制约|风险|欠账|突出|弱项"
)
# What makes a clause a stated problem rather than a task or an achievement: a word of lack,
# difficulty or wrongdoing.  Checked on the model's problem records (see states_difficulty).
_DIFFICULTY_RE = re.compile(
    r"问题|困难|不足|不够|不高|不快|不大|不强|不多|不优|不到位|不平衡|不充分|不完善|不健全|不明显|不稳定|不确定|"
    r"缓慢|较慢|严峻|紧缺|短缺|有待|亟待|亟需|较多|短板|滞后|薄弱|矛盾|难|乱|隐患|压力|差距|瓶颈|制约|弱项|欠账|"
    r"拖欠|缺乏|落后|偏低|偏弱|下降|减少|尚未|还未|未能|没有|不能|纠纷|违法|污染|风险|还需|仍需"
)
_PLAN_HEADING_RE = re.compile(
    r"工作安排|工作计划|工作打算|工作思路|总体思路|主要任务|奋斗目标|预期目标|发展目标|目标任务|工作重点|重点工作|"
    r"工作要点|工作措施|下一步|下步|今后|明年|来年"
)
_MONEY_UNITS = ("元", "美元", "美金", "欧元", "港元")


def states_difficulty(text: str) -> bool:
    """Whether a clause words a difficulty (问题, 不够, 有待, 严峻, 违法…); a problem record must."""
    return bool(_DIFFICULTY_RE.search(fold(text)))


def section_context(path: str, report_type: str = "") -> tuple[bool, bool]:
    """(in a plan part, in a problem part) for a section, from its heading path and the report's type.

    Candidates are found section by section, so what a parent heading says
    ("三、20xx年工作打算 > (一)加快产业升级") must reach the children.
    """
    headings = [h for h in path.split(" > ") if h]
    plan = canonical_report_type(report_type) == "work_plan" or any(
        _PLAN_HEADING_RE.search(h) or _PLAN_START_RE.search(h) for h in headings)
    problem = any(_PROBLEM_NOUN_RE.search(h) and (_PROBLEM_HEADING_RE.search(h) or "和不足" in h) for h in headings)
    return plan, problem


# ---------------------------------------------------------------------------
# One sentence, read once for every detector
# ---------------------------------------------------------------------------


@dataclass
class _Sentence:
    text: str  # folded
    quantities: list[Quantity]
    changes: list[Change]
    mentions: list
    figures: list[Quantity]  # quantities an indicator could hold

    @classmethod
    def read(cls, s: str, index: MetricIndex) -> "_Sentence":
        quantities = find_quantities(s, include_placeholders=True)
        changes = find_changes(s)
        mentions = index.mentions(s)
        # "三项重点" is a count in words, not a figure an indicator could hold.
        figures = [
            q for q in quantities
            if q.unit not in NON_VALUE_UNITS
            and (q.placeholder or q.raw[:1].isdigit() or q.base_unit in _MONEY_UNITS or q.unit in ("%", "‰"))
        ]
        return cls(s, quantities, changes, mentions, figures)


Detector = Callable[[_Sentence], Optional[str]]  # why the sentence may hold the kind, or None


# ---------------------------------------------------------------------------
# Detectors, one per kind
# ---------------------------------------------------------------------------


class _IndicatorDetector:
    """A metric with a figure or growth clause, or a figure after a metric name."""

    def __init__(self, index: MetricIndex):
        self.index = index

    def __call__(self, sent: _Sentence) -> Optional[str]:
        s, figures = sent.text, sent.figures
        if sent.mentions and (figures or sent.changes):
            return f"metric {sent.mentions[0][2]} with a figure"
        if figures and sent.changes:
            return f"figure {figures[0].raw} with growth clause"
        for q in figures:
            seg = s[segment_start(s, q.start, 0) : q.start]
            if find_metric(seg, rate=q.unit in ("%", "‰"), index=self.index):
                return f"figure {q.raw} after a metric name"
        return None


def _project(sent: _Sentence) -> Optional[str]:
    """项目/工程 with money, or a facility being built."""
    s = sent.text
    if _PROJECT_RE.search(s) and (
        _MONEY_RE.search(s) or any((q.base_unit or "") in _MONEY_UNITS for q in sent.quantities)
    ):
        return "项目/工程 with investment"
    if _BUILD_RE.search(s) and _FACILITY_RE.search(s):
        return "a facility being built"
    return None


class _ProblemDetector:
    """A sentence naming a problem, then the items of the list it opens; everything under a problem heading."""

    def __init__(self, problem_section: bool):
        self.problem_section = problem_section  # under a heading such as "二、存在的问题"
        self.problem_ctx = False  # inside "主要表现在：一是…；二是…。"
        self.prev_open = False  # the previous sentence ended with ；or ：, so a list goes on

    def __call__(self, sent: _Sentence) -> Optional[str]:
        s = sent.text
        why: Optional[str] = None
        heading = len(s) <= 30 and not _R_END.search(s)
        if heading and _TOP_HEADING_RE.match(s):
            self.problem_section = False
        if heading and _PROBLEM_NOUN_RE.search(s) and _PROBLEM_HEADING_RE.search(s):
            why = "heading of a problem part"
            self.problem_section = True
        elif self.problem_section:
            why = "inside a problem part"
        elif self.problem_ctx and (self.prev_open or _ENUM_RE.match(s)):
            why = "item of a problem list"
        else:
            self.problem_ctx = False
            if _PROBLEM_NOUN_RE.search(s) and _PROBLEM_CUE_RE.search(s):
                why = "problem words (问题/困难/不足…) with a cue"
                self.problem_ctx = bool(_PROBLEM_LEAD_RE.search(s)) or s[-1:] in ":："
            elif _PROBLEM_WORD_RE.search(s):
                why = "a difficulty named in passing"
        self.prev_open = s[-1:] in ";；:："
        return why


class _TaskDetector:
    """A target cue with a year or in a plan part; an action in a plan part."""

    def __init__(self, plan: bool):
        self.plan_ctx = plan  # inside a "2008年工作安排" part

    def __call__(self, sent: _Sentence) -> Optional[str]:
        s = sent.text
        if _REVIEW_START_RE.search(s) and len(s) <= 40:
            self.plan_ctx = False
        if _PLAN_START_RE.search(s):
            self.plan_ctx = True
        year = YEAR_IN_RE.search(s)
        if _STRONG_TASK_RE.search(s) and (year or self.plan_ctx):
            return "target cue" + (f" for {year.group(0)}" if year else " in a plan part")
        if self.plan_ctx and _TASK_CUE_RE.search(s) and len(s) >= 12:
            return "action in a plan part"
        return None


def _detectors(index: MetricIndex, *, plan: bool, problem: bool) -> list[tuple[str, Detector]]:
    """Fresh detectors for one text, in the order a candidate's reasons are listed."""
    return [
        ("indicator", _IndicatorDetector(index)),
        ("project", _project),
        ("problem", _ProblemDetector(problem)),
        ("task", _TaskDetector(plan)),
    ]


def find_candidates(text: str, *, vocab: MetricIndex | None = None, plan: bool = False,
                    problem: bool = False) -> list[Candidate]:
    """Sentences (see :func:`split_sentences`) that can hold indicator/project/problem/task records.

    ``text`` should be normalized, simplified text; each candidate says which
    kinds it may hold and why.  ``plan``/``problem`` say that the text sits
    under a plan or problem heading (see :func:`section_context`).
    """
    index = vocab or default_index()
    folded = fold(text)
    detectors = _detectors(index, plan=plan, problem=problem)
    out: list[Candidate] = []
    for a, b in split_sentences(text):
        sent = _Sentence.read(folded[a:b], index)
        kinds: dict[str, str] = {}
        for kind, detect in detectors:  # every detector sees every sentence: some keep state
            why = detect(sent)
            if why is not None:
                kinds[kind] = why
        if kinds:
            out.append(Candidate(a, b, text[a:b], set(kinds), kinds))
    return out
