"""Sentences, clauses and the words that open and close the phrase before a figure: what the candidate
finder (:mod:`.candidates`) and the rules extractor (:mod:`.rules`) both read; the metric that phrase
names is :mod:`.metric_phrase`'s.

Everything works on the text it is given and returns offsets into it; callers
pass normalized, simplified text (``NormalizedText.simplified``).
"""

from __future__ import annotations

import re
from .vocab import INDUSTRY_SECTIONS
from ..text.segments import trimmed

__all__ = ["split_sentences", "context_sentences", "enclosing", "segment_start", "strip_connectors", "skip_lead",
           "names_place", "INDUCED_RE", "NON_VALUE_UNITS", "YEAR_IN_RE"]

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
    """Start of the clause holding ``pos``: just after the last separator before it, not before ``floor``
    (a 、 inside an industry section's name, 交通运输、仓储和邮政业, separates nothing)."""
    i = pos
    while i > floor:
        if folded[i - 1] in "）)":  # （不含农户，下同）: a note's comma separates nothing
            opening = max(folded.rfind("（", max(floor, i - 24), i - 1), folded.rfind("(", max(floor, i - 24), i - 1))
            if opening >= 0:
                i = opening
                continue
        if folded[i - 1] in _SEPARATORS:
            named = _section_name_start(folded, i - 1) if folded[i - 1] == "、" else None
            if named is None or named < floor:
                break
            i = named
            continue
        i -= 1
    return i


_SECTIONS_WITH_COMMA = tuple(n for n in INDUSTRY_SECTIONS if "、" in n)


def _section_name_start(folded: str, sep: int) -> int | None:
    """Where the industry section's name holding the 、 at ``sep`` starts, or None."""
    for name in _SECTIONS_WITH_COMMA:
        k = name.find("、")
        while k >= 0:
            if folded.startswith(name, sep - k):
                return sep - k
            k = name.find("、", k + 1)
    return None


# ---------------------------------------------------------------------------
# Shared vocabulary of cues
# ---------------------------------------------------------------------------

_YEAR_TOKEN = r"(?:到|至|截至|截止|在)?(?:19|20)\d\d(?:\s*[-—~至]\s*(?:19|20)\d\d)?年(?:度|底|末|初(?!步)|内)?"
# A run of years the figures are summed over (五年来, 过去五年, 三年累计…): a time word, no part of a name.
# 五年来 / 五年共… / 五年实际利用外资…: a run of years opening a clause (a sum over them) is no part of a name
SPAN_VERBS = r"实际|完成|实现|新增"
_SPAN_LEAD_RE = re.compile(rf"(?:过去|近)?[二三四五两]年(?:来|间|中|(?=共|累计|[,，]|{SPAN_VERBS}))"
                           r"|[“\"]?十[一二三四五]五[”\"]?(?:时期|期间)")  # “十五五”时期粮食总产量…: when, not what
YEAR_IN_RE = re.compile(r"((?:19|20)\d\d)(?:\s*[-—~至]\s*((?:19|20)\d\d))?年")
_LEAD_WORDS = sorted(
    [
        "全年", "今年", "去年", "上年", "当年", "年内", "年末", "年底", "年初", "上半年", "今年来", "一年来",
        "截至目前", "截止目前", "目前", "至今", "初步核算", "其中", "同时", "另外", "此外", "预计", "力争", "确保", "争取",
        "实现", "完成", "累计", "累积", "建成", "推动", "带动", "拉动", "支付", "包括", "提出",
    ],
    key=len,
    reverse=True,
)
# One-character adverbs are stripped only before a verb: 要素市场 keeps its 要.
_ADVERB_RE = re.compile(r"(?:共|已|将|要|再)(?=完成|实现|达到|预计|累计|建成|赔付)")
# A place named as the subject of the verb before the metric (云岭镇实现地区生产总值).
_PLACE_SUBJECT_RE = re.compile(r"[\u4e00-\u9fff]{1,5}(?<![园发社景城])[省市县区镇乡州旗盟](?=(?:共|已|将)?(?:实现|完成|达到|累计|预计))")
_SCOPE_LEAD = ("全镇", "全乡", "全县", "全区", "全市", "全州", "全省", "全盟", "全旗", "全疆", "全地区", "区本级", "县本级",
               "市本级", "我镇", "我乡", "镇域", "乡域", "全社会", "全口径", "本镇", "自治州", "自治县", "自治旗", "自治区")
_CONNECTORS = sorted(
    [
        "预计完成", "预计实现", "预计达到", "累计完成", "累计实现", "已经达到", "已完成", "已达到", "已达",
        "力争达到", "力争实现", "力争完成", "确保完成", "确保实现", "将达到", "要达到", "增加到", "提高到", "提升到",
        "上升到", "增长到", "增至", "提升至", "提高至", "增加至", "上升至", "增长至", "升至", "达到了", "达到", "跨上", "跨过", "跨越", "迈上", "跃上", "站上", "登上", "完成了", "完成", "实现了", "实现", "突破", "超过",
        "保持在", "保持", "控制在", "稳定在", "预计", "累计", "共计", "总计", "合计", "力争", "确保", "高于",
        "不低于", "不少于", "为", "是", "达", "约", "近", "超", "逾", "仅", "共", "有",
    ],
    key=len,
    reverse=True,
)
# Time words and modal verbs between a metric and its verb (社会消费品零售总额今年要增长6%).
_MODAL_TAIL_RE = re.compile(r"(?:(?:今年|明年|全年|年内)(?:要|将|力争|预计|争取)?|(?<![主重需必只])要|(?<![即])将"
                            # adverbs of manner between a metric and its verb (出口逆势增长, 历史性突破)
                            r"|历史性|逆势|首次|再次|稳步|大幅|持续)$")
# Consumption a programme brings about (以旧换新…，带动消费a亿元; 直接拉动消费): the programme's outcome,
# named by carried_metric, never a metric of its own.
INDUCED_RE = re.compile(r"(带动|拉动)消费$")
NON_VALUE_UNITS = {"倍", "年", "天", "个月", "小时", "分钟", "周", "个百分点", "百分点"}


# ---------------------------------------------------------------------------
# What opens and closes the phrase before a figure
# ---------------------------------------------------------------------------


def strip_connectors(s: str) -> str:
    changed = True
    while changed and s:
        changed = False
        s = s.rstrip()
        for w in _CONNECTORS:
            if s.endswith(w) and len(s) >= len(w):
                s, changed = s[: -len(w)], True
                break
        modal = _MODAL_TAIL_RE.search(s)
        if modal and modal.start() > 0:
            s, changed = s[: modal.start()], True
    return s


def skip_lead(body: str) -> tuple[int, int]:
    """``(phrase start, metric start)`` in ``body`` after leading years, time words and verbs.

    Scope words directly before the metric stay part of it (全镇生产总值 as printed):
    they move the phrase start but not the metric start.
    """
    pos, metric_start = 0, 0
    while pos < len(body):
        m = re.match(_YEAR_TOKEN, body[pos:]) or _SPAN_LEAD_RE.match(body[pos:])
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
            if body.startswith("地方", pos) and not body.startswith(("地方政府", "地方债"), pos):
                pos += 2  # 自治州地方…: the local figure of the place (without units it does not govern)
            continue
        if body[pos] in " ,，":
            pos += 1
            metric_start = pos
            continue
        break
    return pos, metric_start


def names_place(lead: str) -> bool:
    """The lead of a clause (the words :func:`skip_lead` passes) names the place as its subject: a scope
    word (全县, 市本级) or a place before its verb (云岭镇实现…)."""
    return bool(_PLACE_SUBJECT_RE.match(lead)) or any(
        w in lead for w in _SCOPE_LEAD if w not in ("全社会", "全口径"))
