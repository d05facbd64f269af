"""Deterministic candidate finder and the rule-based indicator extractor.

Both work on the text they are given and return offsets into it; callers
pass normalized, simplified text (``NormalizedText.simplified``) and map the
offsets back with ``NormalizedText.to_original``.  The candidate finder keeps
the language model to the sentences that can hold a record; the rules
extractor is the evaluation baseline and favours precision over recall.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from llm_extract.text.numbers import Change, Quantity, find_changes, find_quantities, fold, parse_change
from llm_extract.core.types import IndicatorRecord, canonical_report_type
from llm_extract.extract.vocab import MetricIndex, default_index

__all__ = ["Candidate", "split_sentences", "find_candidates", "section_context", "states_difficulty", "rules_extract_indicators"]

# ---------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------

_SPLIT_RE = re.compile(r"[。！？；!?;]+[”’\"')）]*|\n+")
# A line ending in one of these continues on the next line (lists after "目标是：").
_CONTINUES = "：:；;，,、"


def _trimmed(text: str, a: int, b: int) -> tuple[int, int] | None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return (a, b) if a < b else None


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence, split after 。！？；!?; and at line breaks; whitespace trimmed."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _SPLIT_RE.finditer(text):
        end = m.end() if m.group(0)[0] != "\n" else m.start()
        span = _trimmed(text, pos, end)
        if span:
            out.append(span)
        pos = m.end()
    span = _trimmed(text, pos, len(text))
    if span:
        out.append(span)
    return out


def _context_sentences(text: str) -> list[tuple[int, int]]:
    """Full sentences: split at 。！？ only, and at a line break unless the line ends with ：；，.

    The lead-in of a list (``主要预期目标是：…；…；…。``) governs every item,
    so kind and year are read from these larger spans.
    """
    out: list[tuple[int, int]] = []
    pos = 0
    for m in re.finditer(r"[。！？!?]+[”’\"')）]*|\n", text):
        if m.group(0) == "\n":
            before = text[pos : m.start()].rstrip()
            if before and before[-1] in _CONTINUES:
                continue
            if not before:
                continue
        span = _trimmed(text, pos, m.end())
        if span:
            out.append(span)
        pos = m.end()
    span = _trimmed(text, pos, len(text))
    if span:
        out.append(span)
    return out


def _enclosing(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for a, b in spans:
        if a <= pos < b:
            return a, b
    return 0, 0


# ---------------------------------------------------------------------------
# Shared vocabulary of cues
# ---------------------------------------------------------------------------

_YEAR_TOKEN = r"(?:到|至|截至|截止|在)?(?:19|20)\d\d(?:\s*[-—~至]\s*(?:19|20)\d\d)?年(?:度|底|末|初|内)?"
_YEAR_IN_RE = re.compile(r"((?:19|20)\d\d)(?:\s*[-—~至]\s*((?:19|20)\d\d))?年")
_TARGET_CUE_RE = re.compile(
    r"预期目标|目标是|目标为|主要目标|发展目标|奋斗目标|预期指标|主要指标|目标任务|力争|确保|争取|计划(?!生育)|"
    r"将达到|要达到|到(?:19|20)\d\d年"
)
_ESTIMATE_CUE_RE = re.compile(r"预计")
_LEAD_WORDS = sorted(
    [
        "全年", "今年", "去年", "上年", "当年", "年内", "年末", "年底", "年初", "上半年", "今年来", "一年来",
        "截至目前", "截止目前", "目前", "至今", "其中", "同时", "另外", "此外", "预计", "力争", "确保", "争取",
        "实现", "完成", "累计", "建成",
    ],
    key=len,
    reverse=True,
)
# One-character adverbs are stripped only before a verb: 要素市场 keeps its 要.
_ADVERB_RE = re.compile(r"(?:共|已|将|要|再)(?=完成|实现|达到|预计|累计|建成)")
_SCOPE_LEAD = ("全镇", "全乡", "全县", "全区", "全市", "我镇", "我乡", "镇域", "乡域", "全社会", "全口径", "本镇")
_CONNECTORS = sorted(
    [
        "预计完成", "预计实现", "预计达到", "累计完成", "累计实现", "已经达到", "已完成", "已达到", "已达",
        "力争达到", "力争实现", "力争完成", "确保完成", "确保实现", "将达到", "要达到", "增加到", "提高到",
        "上升到", "增长到", "增至", "达到了", "达到", "完成了", "完成", "实现了", "实现", "突破", "超过",
        "保持在", "保持", "控制在", "稳定在", "预计", "累计", "共计", "总计", "合计", "力争", "确保", "高于",
        "不低于", "不少于", "为", "是", "达", "约", "近", "超", "逾", "仅", "共", "有",
    ],
    key=len,
    reverse=True,
)
# Heads of metric names not in the vocabulary, with the units they take.
_MONEY_HEADS = (
    "总值", "总额", "收入", "产值", "增加值", "销售", "营销", "销售额", "税收", "利税", "利润", "出口", "进口",
    "外资", "财力", "支出", "存款", "贷款", "营业额", "零售额", "余额", "成交额", "交易额", "供货值",
)
_PEOPLE_HEADS = ("人数", "人口")
_GENERIC_HEADS = _MONEY_HEADS + _PEOPLE_HEADS + ("产量", "总量")
_MONEY_BASES = ("元", "美元", "美金", "欧元", "港元", "日元", "元人民币", None)
_RATE_HEADS = ("率", "比重", "比例")
_ENTITY_WORDS = ("企业", "项目", "工程", "公司", "园区", "开发区", "学校", "医院", "集团")
# A generic phrase holding these has its own subject or clause (规模企业实现…, 建成后可新增产值).
_SUBJECT_VERBS = ("完成", "实现", "达到", "预计", "计划", "引进", "新建", "建成", "后", "可", "能", "将", "已")
_NON_VALUE_UNITS = {"倍", "年", "天", "个月", "小时", "分钟", "周", "个百分点", "百分点"}
_SUFFIX_QUAL_RE = re.compile(r"以上|左右|以内|以下")
_LIST_AFTER_RE = re.compile(r"\s*(?:和|及|与|、)\s*(?:[\dxX×*_]|[一二两三四五六七八九十])")
_SEPARATORS = "，,；;：:。！？!?\n、"


# ---------------------------------------------------------------------------
# Metric phrase before a figure
# ---------------------------------------------------------------------------


@dataclass
class _Metric:
    start: int  # offsets relative to the segment text
    end: int
    canonical: str


def _strip_connectors(s: str) -> str:
    changed = True
    while changed and s:
        changed = False
        s = s.rstrip()
        for w in _CONNECTORS:
            if s.endswith(w) and len(s) >= len(w):
                s, changed = s[: -len(w)], True
                break
    return s


def _unit_fits(name: str, base_unit: str | None) -> bool:
    """Money metrics take money units, head counts take 人; others anything."""
    if name.endswith(_MONEY_HEADS):
        return base_unit in _MONEY_BASES
    if name.endswith(_PEOPLE_HEADS):
        return base_unit in ("人", "人次", None)
    return True


def _find_metric(seg: str, *, rate: bool, index: MetricIndex, base_unit: str | None = None) -> _Metric | None:
    """The metric named at the end of ``seg`` (the clause text before a figure), if any.

    ``rate`` says the figure is a percentage (only 率/比重 names take one);
    ``base_unit`` of the figure must suit the metric (收入 takes 元, not 户).
    """
    core = _strip_connectors(seg)
    paren = re.search(r"[(（][^()（）]{1,12}[)）]$", core)
    body = core[: paren.start()] if paren else core
    # Strip leading years, time words and verbs; scope words directly before
    # the metric stay part of it (全镇生产总值 as printed).
    pos, metric_start = 0, 0
    while pos < len(body):
        m = re.match(_YEAR_TOKEN, body[pos:])
        if m:
            pos += m.end()
            metric_start = pos
            continue
        if body.startswith(("计划生育",), pos):
            break
        adverb = _ADVERB_RE.match(body, pos)
        word = adverb.group(0) if adverb else next((w for w in _LEAD_WORDS if body.startswith(w, pos)), None)
        if word:
            pos += len(word)
            metric_start = pos
            continue
        scope = next((w for w in _SCOPE_LEAD if body.startswith(w, pos)), None)
        if scope:
            pos += len(scope)
            continue
        if body[pos] in " ,，":
            pos += 1
            metric_start = pos
            continue
        break
    phrase = body[pos:]
    if not phrase or len(phrase) > 16 or re.search(r"[\dxX×*_的和及]", phrase):
        return None
    raw_end = len(core)
    canonical = index.lookup(body[metric_start:])
    is_rate = phrase.endswith(_RATE_HEADS) or (canonical or "").endswith(_RATE_HEADS)
    if rate != is_rate:
        return None
    if canonical is None:
        if any(w in phrase for w in _ENTITY_WORDS + _SUBJECT_VERBS) or len(phrase) < 3:
            return None
        if not phrase.endswith(_RATE_HEADS if rate else _GENERIC_HEADS):
            return None
        canonical = phrase
    if not rate and not _unit_fits(canonical, base_unit):
        return None
    return _Metric(metric_start, raw_end, canonical)


def _segment_start(folded: str, pos: int, floor: int) -> int:
    i = pos
    while i > floor and folded[i - 1] not in _SEPARATORS:
        i -= 1
    return i


# ---------------------------------------------------------------------------
# Kind, period, qualifier
# ---------------------------------------------------------------------------


def _kind(segment_prefix: str, sentence_prefix: str) -> str:
    """预计 -> estimate, target cues -> target; the cue nearest the figure wins."""
    for scope in (segment_prefix, sentence_prefix):
        est = [m.start() for m in _ESTIMATE_CUE_RE.finditer(scope)]
        tgt = [m.start() for m in _TARGET_CUE_RE.finditer(scope)]
        if est or tgt:
            return "estimate" if max(est, default=-1) > max(tgt, default=-1) else "target"
    return "actual"


def _period(sentence_prefix: str) -> Optional[str]:
    """The last year the sentence states before the figure, ignoring comparison years (比2001年, 2001年以来)."""
    found = None
    for m in _YEAR_IN_RE.finditer(sentence_prefix):
        before = sentence_prefix[max(0, m.start() - 1) : m.start()]
        after = sentence_prefix[m.end() : m.end() + 2]
        if before in ("比", "较", "与", "是", "自", "从", "同") or after.startswith(("以来", "的", "来", "同期")):
            continue
        found = f"{m.group(1)}-{m.group(2)}" if m.group(2) else m.group(1)
    return found


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


# ---------------------------------------------------------------------------
# Rules extractor
# ---------------------------------------------------------------------------


def rules_extract_indicators(
    text: str, *, period_hint: str | None = None, vocab: MetricIndex | None = None
) -> list[IndicatorRecord]:
    """Indicator records stated as ``<metric>(完成|实现|为…)? <figure>[，<growth clause>]``.

    ``text`` should be normalized, simplified text; ``evidence`` is the exact
    clause ``text[start:end]``.  A figure is only taken when a metric names
    it (a vocabulary variant, or a short noun phrase ending in 收入/总值/产值 …),
    so precision stays high.  Placeholders (``xxxxx万元``) give ``value=None``
    and ``placeholder=True``.
    """
    index = vocab or default_index()
    folded = fold(text)
    sentences = _context_sentences(folded)
    records: list[IndicatorRecord] = []
    consumed: list[tuple[int, int]] = []

    def make(metric: _Metric, seg0: int, fig_start: int, end: int, q: Quantity | None,
             changes: list[Change], sent0: int) -> None:
        ev0 = seg0
        while ev0 < fig_start and text[ev0].isspace():
            ev0 += 1
        seg_prefix = folded[seg0:fig_start]
        sent_prefix = folded[sent0:fig_start]
        yoy = next((c for c in changes if c.yoy_pct is not None or c.placeholder and c.amount is None), None)
        basis = yoy.basis if yoy else None
        if yoy is not None and basis is None:
            # "比上年同期增764万元，增长23%": the basis is printed once for both
            basis = next((c.basis for c in changes if c.basis), None)
        placeholder = bool(q.placeholder) if q else bool(yoy and yoy.placeholder)
        qualifier = q.qualifier if q else (yoy.qualifier if yoy else None)
        if qualifier is None and re.search("力争", seg_prefix):
            qualifier = "力争"
        records.append(
            IndicatorRecord(
                metric=metric.canonical,
                metric_raw=text[seg0 + metric.start : seg0 + metric.end].strip(),
                period=_period(sent_prefix) or period_hint,
                kind=_kind(seg_prefix, sent_prefix),  # type: ignore[arg-type]
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
        consumed.append((ev0, end))

    change_spans = [(c.start, c.end) for c in find_changes(text)]
    for q in find_quantities(text, include_placeholders=True):
        if q.unit in _NON_VALUE_UNITS or any(a <= q.start < b for a, b in change_spans):
            continue
        sent0, sent1 = _enclosing(sentences, q.start)
        seg0 = _segment_start(folded, q.start, sent0)
        fig_end = q.end
        qual = _SUFFIX_QUAL_RE.match(folded, fig_end)
        if qual:
            fig_end = qual.end()
        if folded.startswith("的", fig_end):
            continue  # "投资xx亿元的工业园": the figure describes something else
        if _LIST_AFTER_RE.match(folded, fig_end):
            continue  # "产值、利润分别达到3亿元和5000万元": figures paired with names elsewhere
        metric = _find_metric(folded[seg0 : q.start], rate=q.unit in ("%", "‰"), index=index,
                              base_unit=q.base_unit)
        if metric is None:
            continue
        changes, end = _changes_after(text, fig_end, sent1 or len(text))
        make(metric, seg0, q.start, end if changes else fig_end, q, changes, sent0)

    # Growth stated without a level: "地区生产总值增长8%左右".
    for c in find_changes(text):
        if any(a <= c.start < b for a, b in consumed) or c.yoy_pct is None and not c.placeholder:
            continue
        sent0, _ = _enclosing(sentences, c.start)
        seg0 = _segment_start(folded, c.start, sent0)
        metric = _find_metric(folded[seg0 : c.start], rate=False, index=index)
        if metric is None or not folded[seg0 : c.start].strip():
            continue
        make(metric, seg0, c.start, c.end, None, [c], sent0)

    records.sort(key=lambda r: r.start)
    return records


# ---------------------------------------------------------------------------
# Candidates
# ---------------------------------------------------------------------------


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
_MONEY_UNITS = ("元", "美元", "美金", "欧元", "港元")


def find_candidates(text: str, *, vocab: MetricIndex | None = None, plan: bool = False,
                    problem: bool = False) -> list[Candidate]:
    """Sentences (see :func:`split_sentences`) that can hold indicator/project/problem/task records.

    ``text`` should be normalized, simplified text; each candidate says which
    kinds it may hold and why.  ``plan``/``problem`` say that the text sits
    under a plan or problem heading (see :func:`section_context`).
    """
    index = vocab or default_index()
    folded = fold(text)
    out: list[Candidate] = []
    problem_ctx = False  # inside "主要表现在：一是…；二是…。"
    prev_open = False  # the previous sentence ended with ；or ：, so a list goes on
    problem_section = problem  # under a heading such as "二、存在的问题"
    plan_ctx = plan  # inside a "2008年工作安排" part
    for a, b in split_sentences(text):
        s = folded[a:b]
        kinds: dict[str, str] = {}
        quantities = find_quantities(s, include_placeholders=True)
        changes = find_changes(s)
        mentions = index.mentions(s)
        # "三项重点" is a count in words, not a figure an indicator could hold.
        figures = [
            q for q in quantities
            if q.unit not in _NON_VALUE_UNITS
            and (q.placeholder or q.raw[:1].isdigit() or q.base_unit in _MONEY_UNITS or q.unit in ("%", "‰"))
        ]

        # indicator
        if mentions and (figures or changes):
            kinds["indicator"] = f"metric {mentions[0][2]} with a figure"
        elif figures and changes:
            kinds["indicator"] = f"figure {figures[0].raw} with growth clause"
        else:
            for q in figures:
                seg = s[_segment_start(s, q.start, 0) : q.start]
                if _find_metric(seg, rate=q.unit in ("%", "‰"), index=index):
                    kinds["indicator"] = f"figure {q.raw} after a metric name"
                    break

        # project
        if _PROJECT_RE.search(s) and (
            _MONEY_RE.search(s) or any((q.base_unit or "") in _MONEY_UNITS for q in quantities)
        ):
            kinds["project"] = "项目/工程 with investment"
        elif _BUILD_RE.search(s) and _FACILITY_RE.search(s):
            kinds["project"] = "a facility being built"

        # problem: a sentence naming one, then the items of the list it opens
        if _REVIEW_START_RE.search(s) and len(s) <= 40:
            plan_ctx = False
        if _PLAN_START_RE.search(s):
            plan_ctx = True
        heading = len(s) <= 30 and not _R_END.search(s)
        if heading and _TOP_HEADING_RE.match(s):
            problem_section = False
        if heading and _PROBLEM_NOUN_RE.search(s) and _PROBLEM_HEADING_RE.search(s):
            kinds["problem"] = "heading of a problem part"
            problem_section = True
        elif problem_section:
            kinds["problem"] = "inside a problem part"
        elif problem_ctx and (prev_open or _ENUM_RE.match(s)):
            kinds["problem"] = "item of a problem list"
        else:
            problem_ctx = False
            if _PROBLEM_NOUN_RE.search(s) and _PROBLEM_CUE_RE.search(s):
                kinds["problem"] = "problem words (问题/困难/不足…) with a cue"
                problem_ctx = bool(_PROBLEM_LEAD_RE.search(s)) or s[-1:] in ":："
            elif _PROBLEM_WORD_RE.search(s):
                kinds["problem"] = "a difficulty named in passing"
        prev_open = s[-1:] in ";；:："

        # task
        year = _YEAR_IN_RE.search(s)
        if _STRONG_TASK_RE.search(s) and (year or plan_ctx):
            kinds["task"] = "target cue" + (f" for {year.group(0)}" if year else " in a plan part")
        elif plan_ctx and _TASK_CUE_RE.search(s) and len(s) >= 12:
            kinds["task"] = "action in a plan part"

        if kinds:
            out.append(Candidate(a, b, text[a:b], set(kinds), kinds))
    return out
