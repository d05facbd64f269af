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
           "carried_metric", "NON_VALUE_UNITS", "YEAR_IN_RE", "GENERIC_HEADS"]

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
        "实现", "完成", "累计", "建成", "推动", "带动", "拉动",
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
    "营收", "贸易", "经费", "经费投入", "研发投入", "出口额", "进口额", "进出口额",
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
# Whose figure a generic head is, when an entity word would otherwise disqualify the phrase: an aggregate
# of many enterprises (规模以上工业企业, 规上文化企业) or of a programme's projects (重点项目, 重大工程,
# “十大产业项目”), optionally with the verb before the measure (重大项目完成投资).  A single named project
# or firm is no aggregate and keeps failing the entity test.
_AGGREGATE_RE = re.compile(
    r"(?P<subj>(?P<firms>(?:规模以上|规上|规模|限额以上|限上)[\u4e00-\u9fff]{0,6}?企业)"
    r"|[省市州县区]?[\u4e00-\u9fff]{0,4}?(?:重点|重大|大中型|签约)[\u4e00-\u9fff]{0,2}?(?:工程项目|项目|工程)"
    r"|“[^”]{1,10}”(?:项目|工程)?)"
    r"(?P<verb>累计完成|完成|实现)?"
)
# What an aggregate of projects states: the investment completed (not 总投资, a pipeline's total).
_PROJECT_HEADS = ("投资", "年度投资")
# Loans to a class of enterprises are a credit aggregate (普惠小微企业贷款, 科技型企业贷款余额).
_FIRM_LOANS_RE = re.compile(r"^[\u4e00-\u9fff]{1,8}企业(?:中长期)?贷款(?:余额)?$")
# A count of what is summed opens the phrase (N个重大项目完成投资, N家规模以上企业…).
_COUNT_LEAD_RE = re.compile(r"^\d+(?:\.\d+)?[多余]?[个家]")
_NAMED_PLACE_RE = re.compile(r"^[\u4e00-\u9fff]{2,4}[省市县区州镇乡旗](?=[\u4e00-\u9fff])")
# Places summed (18个特色专业镇, 12个开发区) are sub-areas, not the jurisdiction's aggregate.
_PLACES_RE = re.compile(r"[镇乡村县市州]|园区|开发区")
# 和 inside a standard industry name (批发和零售业, 软件和信息技术服务业收入) is no list of metrics.
_INDUSTRY_AND_RE = re.compile(r"^[^和]{1,8}和[^和]{1,10}业[^和]{0,6}$")
# The size of an industry or an economy is its output (数字经济规模, 现代服务业规模); of a money
# measure, that measure (跨境电商出口规模 -> 跨境电商出口).
_SIZE_RE = re.compile(r"(?:产业|经济|业|产业链)规模$")
# Words holding 能 that are no modal verb (智能计算产业产值 has no clause of its own).
_NOT_MODAL_RE = re.compile(r"能源|智能|动能|性能|功能|节能|储能")
_SHORT_NAMES = ("出口", "进口")  # whole metrics of trade in two characters (其中：出口…，进口…)
# 规模工业, 规上工业: the statistics' short forms of 规模以上.
_ABOVE_SCALE_RE = re.compile(r"^(?:规上|规模(?!以上))(?=工业)")
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
    count = _COUNT_LEAD_RE.match(body, pos)
    if count and not _PLACES_RE.search(body, count.end()):
        pos = metric_start = count.end()  # the number of projects, firms or industries summed
    phrase = body[pos:]
    if not phrase or len(phrase) > 16 or re.search(r"[\dxX×*_的及]", phrase) or (
            "和" in phrase and not (base_unit and _INDUSTRY_AND_RE.match(phrase))):
        return None  # an industry's growth alone (…和…业增长x%) is a breakdown, its level an aggregate
    raw_end = len(core)
    canonical = index.lookup(body[metric_start:])
    is_rate = phrase.endswith(_RATE_HEADS) or (canonical or "").endswith(_RATE_HEADS)
    if rate != is_rate:
        return None
    if canonical is None:
        canonical = _generic_name(phrase, rate, index)
        if canonical is None:
            return None
        if body[metric_start:pos].endswith("全社会") and canonical.endswith("投入"):
            canonical = "全社会" + canonical  # 全社会研发经费投入: whose spending, not a place
    if not rate and not _unit_fits(canonical, base_unit):
        return None
    return Metric(metric_start, raw_end, canonical)


def _generic_name(phrase: str, rate: bool, index: MetricIndex) -> str | None:
    """The name of a metric the vocabulary does not know: a generic head (收入, 增加值, 贸易 …) after a
    modifier, possibly owned by an aggregate subject (规上文化企业营业收入, 重大项目完成投资); None if
    the phrase names no metric."""
    if phrase in _SHORT_NAMES and not rate:
        return phrase
    if not rate and _FIRM_LOANS_RE.match(phrase):
        return phrase
    agg = _AGGREGATE_RE.match(phrase)
    if agg and agg.end() < len(phrase) and not rate:
        subject, rest = agg.group("subj"), phrase[agg.end() :]
        if agg.group("firms"):
            if any(w in rest for w in _ENTITY_WORDS + _SUBJECT_VERBS) or not rest.endswith(_MONEY_HEADS):
                return None
        elif rest not in _PROJECT_HEADS:
            return None
        else:
            subject = _NAMED_PLACE_RE.sub("", subject)  # 青川县重点项目: the place is the report's
        name = _ABOVE_SCALE_RE.sub("规模以上", subject + rest)
        scale = "规模以上" + rest if re.match("规模|规上", subject) else name  # 规模企业实现工业总产值
        return index.lookup(name) or index.lookup(scale) or name
    if any(w in _NOT_MODAL_RE.sub("", phrase) for w in _ENTITY_WORDS + _SUBJECT_VERBS) or len(phrase) < 3:
        return None
    if not rate and phrase.endswith("规模"):
        base = phrase[:-2]
        return base if base.endswith(_MONEY_HEADS) else phrase if _SIZE_RE.search(phrase) else None
    if not phrase.endswith(_RATE_HEADS if rate else _GENERIC_HEADS):
        return None
    if _BARE_HEAD_RE.sub("", phrase) in _GENERIC_HEADS and not phrase.startswith(("研发", "R&D")):
        return None  # 总投资, 年度投资, 销售额: whose, the phrase does not say (研发投入 says what)
    return phrase


# A clause that prints only a head (总产, 完成投资) names the metric of the clause before it:
# ``粮食播种面积a万亩、总产b万吨`` (the vocabulary metric of the same subject) and
# ``实施重点项目n个、完成投资c亿元`` (the investment of the projects counted).
_CARRIED_OUTPUT_RE = re.compile(r"^(?:总产量|总产|产量)$")
_CARRIED_INVEST_RE = re.compile(r"^(?:年度)?(?:计划)?投资$")
_PROJECTS_COUNTED_RE = re.compile(
    r"(?:实施|安排|推进|建设)(?P<subj>[\u4e00-\u9fff“”]{0,10}?项目)\d+[多余]?个(?:以上|左右)?$")
# … or named in it without a count (市级重点项目实行包联、完成投资a亿元; 开展“重大项目提速”行动，…).
_PROJECTS_NAMED_RE = re.compile(r"(?P<subj>(?:重点|重大)(?:工程)?项目|重大工程)")
# Consumption a trade-in programme brings about (以旧换新…，带动消费a亿元): the programme's outcome.
_INDUCED_RE = re.compile(r"(带动|拉动)消费$")


def carried_metric(prev: str, seg: str, sentence: str, *, index: MetricIndex) -> str | None:
    """The metric of ``seg`` (a clause before a figure that prints only a head), completed from ``prev``
    (the clause listed before it) or, for induced consumption, from its ``sentence``; None if none."""
    core = _strip_connectors(seg)
    head = core[_skip_lead(core)[0] :].strip()
    if _CARRIED_OUTPUT_RE.match(head):
        name = re.split(r"[\dxX×*_]", prev.strip(), maxsplit=1)[0]
        name = name[_skip_lead(_strip_connectors(name))[0] :]  # 确保粮食播种面积a万亩、总产b亿斤
        for k in range(len(name), 1, -1):
            found = index.lookup(name[:k] + head)
            if found and found in index.vocab:
                return found
        return None
    if _CARRIED_INVEST_RE.match(head):
        m = _PROJECTS_COUNTED_RE.search(prev.strip()) or _PROJECTS_NAMED_RE.search(prev)
        return m.group("subj").strip("“”") + "投资" if m else None
    induced = _INDUCED_RE.search(core)
    if induced and "以旧换新" in sentence:
        return f"以旧换新{induced.group(1)}消费"
    return None
