"""Sentences, clauses and the metric phrase before a figure: what the candidate finder
(:mod:`.candidates`) and the rules extractor (:mod:`.rules`) both read.

Everything works on the text it is given and returns offsets into it; callers
pass normalized, simplified text (``NormalizedText.simplified``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .vocab import MetricIndex
from ..text.segments import trimmed

__all__ = ["split_sentences", "context_sentences", "enclosing", "segment_start", "Metric", "find_metric",
           "NON_VALUE_UNITS", "YEAR_IN_RE", "GENERIC_HEADS"]

# ---------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------

_SPLIT_RE = re.compile(r"[。！？；!?;]+[”’\"')）]*|\n+")
# A line ending in one of these continues on the next line (lists after "目标是：").
_CONTINUES = "：:；;，,、"


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence, split after 。！？；!?; and at line breaks; whitespace trimmed."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _SPLIT_RE.finditer(text):
        end = m.end() if m.group(0)[0] != "\n" else m.start()
        span = trimmed(text, pos, end)
        if span:
            out.append(span)
        pos = m.end()
    span = trimmed(text, pos, len(text))
    if span:
        out.append(span)
    return out


def context_sentences(text: str) -> list[tuple[int, int]]:
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
        span = trimmed(text, pos, m.end())
        if span:
            out.append(span)
        pos = m.end()
    span = trimmed(text, pos, len(text))
    if span:
        out.append(span)
    return out


def enclosing(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for a, b in spans:
        if a <= pos < b:
            return a, b
    return 0, 0


_SEPARATORS = "，,；;：:。！？!?\n、"


def segment_start(folded: str, pos: int, floor: int) -> int:
    """Start of the clause holding ``pos``: just after the last separator before it, not before ``floor``."""
    i = pos
    while i > floor and folded[i - 1] not in _SEPARATORS:
        i -= 1
    return i


# ---------------------------------------------------------------------------
# Shared vocabulary of cues
# ---------------------------------------------------------------------------

_YEAR_TOKEN = r"(?:到|至|截至|截止|在)?(?:19|20)\d\d(?:\s*[-—~至]\s*(?:19|20)\d\d)?年(?:度|底|末|初|内)?"
YEAR_IN_RE = re.compile(r"((?:19|20)\d\d)(?:\s*[-—~至]\s*((?:19|20)\d\d))?年")
_LEAD_WORDS = sorted(
    [
        "全年", "今年", "去年", "上年", "当年", "年内", "年末", "年底", "年初", "上半年", "今年来", "一年来",
        "截至目前", "截止目前", "目前", "至今", "其中", "同时", "另外", "此外", "预计", "力争", "确保", "争取",
        "实现", "完成", "累计", "建成", "推动",
    ],
    key=len,
    reverse=True,
)
# One-character adverbs are stripped only before a verb: 要素市场 keeps its 要.
_ADVERB_RE = re.compile(r"(?:共|已|将|要|再)(?=完成|实现|达到|预计|累计|建成)")
# A place named as the subject of the verb before the metric (云岭镇实现地区生产总值).
_PLACE_SUBJECT_RE = re.compile(r"[\u4e00-\u9fff]{1,5}(?<![园发社景城])[省市县区镇乡州旗盟](?=(?:共|已|将)?(?:实现|完成|达到|累计|预计))")
_SCOPE_LEAD = ("全镇", "全乡", "全县", "全区", "全市", "全州", "全省", "全盟", "全旗", "我镇", "我乡", "镇域", "乡域", "全社会", "全口径", "本镇")
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
    "外资", "财力", "支出", "存款", "贷款", "营业额", "零售额", "余额", "成交额", "交易额", "供货值", "投资", "花费",
    "营收",
)
_PEOPLE_HEADS = ("人数", "人口")
_GENERIC_HEADS = _MONEY_HEADS + _PEOPLE_HEADS + ("产量", "总量")
_MONEY_BASES = ("元", "美元", "美金", "欧元", "港元", "日元", "元人民币", None)
GENERIC_HEADS = _GENERIC_HEADS
_RATE_HEADS = ("率", "比重", "比例")
_ENTITY_WORDS = ("企业", "项目", "工程", "公司", "园区", "开发区", "学校", "医院", "集团")
# A generic phrase holding these has its own subject or clause (规模企业实现…, 建成后可新增产值).
_SUBJECT_VERBS = ("完成", "实现", "达到", "预计", "计划", "引进", "新建", "建成", "后", "可", "能", "将", "已")
_BARE_HEAD_RE = re.compile(r"^(?:总|年度|新增|各类|全部)")
NON_VALUE_UNITS = {"倍", "年", "天", "个月", "小时", "分钟", "周", "个百分点", "百分点"}


# ---------------------------------------------------------------------------
# Metric phrase before a figure
# ---------------------------------------------------------------------------


@dataclass
class Metric:
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


def _skip_lead(body: str) -> tuple[int, int]:
    """``(phrase start, metric start)`` in ``body`` after leading years, time words and verbs.

    Scope words directly before the metric stay part of it (全镇生产总值 as printed):
    they move the phrase start but not the metric start.
    """
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
        place = _PLACE_SUBJECT_RE.match(body, pos) if pos == 0 else None
        if place:
            pos = metric_start = place.end()
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
    return pos, metric_start


def find_metric(seg: str, *, rate: bool, index: MetricIndex, base_unit: str | None = None) -> Metric | None:
    """The metric named at the end of ``seg`` (the clause text before a figure), if any.

    ``rate`` says the figure is a percentage (only 率/比重 names take one);
    ``base_unit`` of the figure must suit the metric (收入 takes 元, not 户).
    """
    core = _strip_connectors(seg)
    paren = re.search(r"(?:[(（][^()（）]{1,12}[)）]|\[\d{1,2}\])$", core)  # (GDP), footnote mark [3]
    body = core[: paren.start()] if paren else core
    pos, metric_start = _skip_lead(body)
    phrase = body[pos:]
    if not phrase or len(phrase) > 16 or re.search(r"[\dxX×*_的和及]", phrase):
        return None
    raw_end = len(core)
    canonical = index.lookup(body[metric_start:])
    is_rate = phrase.endswith(_RATE_HEADS) or (canonical or "").endswith(_RATE_HEADS)
    if rate != is_rate:
        return None
    if canonical is None:
        if any(w in phrase.replace("能源", "") for w in _ENTITY_WORDS + _SUBJECT_VERBS) or len(phrase) < 3:
            return None
        if not phrase.endswith(_RATE_HEADS if rate else _GENERIC_HEADS):
            return None
        if _BARE_HEAD_RE.sub("", phrase) in _GENERIC_HEADS:
            return None  # 总投资, 年度投资, 销售额: whose, the phrase does not say
        canonical = phrase
    if not rate and not _unit_fits(canonical, base_unit):
        return None
    return Metric(metric_start, raw_end, canonical)
