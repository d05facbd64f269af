"""Lists that share one verb: ``茶叶、竹木营业收入分别增长9%、4%``; ``城乡…`` with two figures.

Names listed before ``分别`` (or ``均`` with one figure) take the figures after it in order; a head printed
once after the last name (营业收入, a vocabulary metric's tail) belongs to every name, and 城乡 names
two metrics (城镇…, 农村…).  Works on folded, simplified text and returns offsets into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..text.growth import BASIS, NEG_VERBS, VERBS
from ..text.numbers import MARK_QUALIFIERS, Quantity, find_quantities
from .clauses import skip_lead, strip_connectors
from .metric_phrase import GENERIC_HEADS, find_metric
from .vocab import MetricIndex

__all__ = ["ListFigure", "PairedRates", "shared_lists", "rates_after_levels"]

_CLAUSE_STOP = "，,；;：:。！？!?\n"
_NAME_SEP_RE = re.compile(r"、|和|与|及")
_AFTER_RE = re.compile(
    rf"(?P<word>分别|均|双双)\s*(?P<basis>{BASIS})?\s*(?:(?P<verb>{VERBS})|达到|达|为|是|突破|超过|超|完成|实现|稳定在|保持在)?\s*(?:了|到|为)?\s*"
    # 分别 left out: names listed, then one growth verb and as many rates (A、B增加值年均增长8%、7.2%)
    rf"|(?<![\d%％])(?P<bare>)(?P<basis2>{BASIS})?\s*(?P<verb2>{VERBS})\s*(?=\d+(?:\.\d+)?\s*[%％][^，,。；;]{{0,6}}?[、和]\s*\d)")
_GROWTH_NOUN_RE = re.compile(r"(?:增速|增幅|增长率)$")
_AVERAGE_TAIL_RE = re.compile(r"年均$")
_FIG_SEP_RE = re.compile(r"\s*(?:、|和|及|与)\s*(?:增长|下降)?\s*")
_MODIFIERS = ("主营业务", "营业", "行业", "产业", "综合", "总", "进出口", "出口", "进口", "市场")
_COUNT_HEADS = ("人次", "人数", "游客")
_ETC_RE = re.compile(r"等(?=[\u4e00-\u9fff]{2})")
# A later name that is only a head (收入, 总花费) takes what the first name says it is of:
# 旅游人数和收入 -> 旅游收入; 全年旅游接待人次、总花费 -> 旅游总花费.
_BARE_ITEM_RE = re.compile(r"^总?(?:收入|花费|营收|营业收入|消费)$")
_FIRST_ITEM_RE = re.compile(
    r"^(?:全年|全省|全市|全区|全县|全州)?(?P<mod>[\u4e00-\u9fff]{2,6}?)(?:接待)?(?:游客)?(?:人次|人数|收入|花费|营收)$")
# Rates listed after the levels they belong to: ``游客花费a亿元，分别增长x%和y%`` (the clause opens with
# 分别 or with the verb).
_RATES_AFTER_RE = re.compile(
    rf"[，,]\s*(?:分别)?\s*(?P<basis>{BASIS})?\s*(?:分别)?\s*(?P<verb>{VERBS})\s*(?=\d)")
_LEVEL_STOP = "；;：:。！？!?\n"


@dataclass
class ListFigure:
    metric: str  # canonical
    raw: str  # the name as composed from the list
    start: int  # the clause (shared by every figure of the list)
    at: int  # where 分别/均 stands: the names end there
    end: int
    quantity: Quantity | None  # a level
    pct: float | None  # a growth rate (signed)
    basis: str | None
    qualifier: str | None = None  # of a growth rate (增长5%左右)


def _complete(name: str, index: MetricIndex) -> bool:
    """A name that needs no shared head: known, ending in a head, or a count (游客人次)."""
    return bool(index.lookup(name)) or name.endswith(GENERIC_HEADS + _COUNT_HEADS)


def _shared_head(first: str, last: str, index: MetricIndex) -> str | None:
    """The head printed once after the last name: what makes ``first`` a known metric, else a
    generic head (零售额) with the modifiers before it (营业收入, 行业增加值)."""
    tail = next((last[i:] for i in range(1, len(last) - 1) if index.lookup(first + last[i:])), None)
    if tail:
        return tail
    tail = next((h for h in sorted(GENERIC_HEADS, key=len, reverse=True) if last.endswith(h)), None)
    if tail == "出口" and last.endswith("进出口"):
        tail = "进出口"  # 对A、B进出口: the trade, not its exports
    while tail:
        mod = next((w for w in _MODIFIERS if last.endswith(w + tail) and len(w + tail) < len(last)), None)
        if mod is None:
            break
        tail = mod + tail
    return tail


def _pair(name: str) -> list[str] | None:
    """The two metrics one compound name stands for: 城乡… (城镇…, 农村…), …存贷款… (…存款…, …贷款…)."""
    if name.startswith("城乡"):
        return ["城镇" + name[2:], "农村" + name[2:]]
    for both, one, other in (("存贷款", "存款", "贷款"), ("内外资", "内资", "外资")):
        if both in name:  # …存贷款余额 (…存款余额, …贷款余额); 实际使用内外资 (…内资, …外资)
            return [name.replace(both, one, 1), name.replace(both, other, 1)]
    sectors = _SECTORS_RE.match(name)
    if sectors:  # 一二三产增加值: the three sectors' (第一产业增加值, …)
        rest = name[sectors.end() :]
        return [f"第{d}产业{rest}" for d in sectors.group("d")]
    return None


_SECTORS_RE = re.compile(r"^(?:其中)?(?P<d>一二三|一二|二三)产(?:业)?")


def _names(pre: str, n: int, index: MetricIndex) -> list[str] | None:
    """The ``n`` metric names a list before 分别 stands for, a shared head completed."""
    items = [s.strip() for s in _NAME_SEP_RE.split(pre)]
    paired = _pair(items[0]) if len(items) == 1 else None
    if paired and len(paired) == n:
        return paired
    if len(items) != n and len(pre.split("、")) == n:
        items = [s.strip() for s in pre.split("、")]  # 金融业、信息传输和软件业增加值: 和 inside a name
    if len(items) != n or not all(items):
        return None
    items = _shared_scope(items)
    items[-1] = _ETC_RE.sub("", items[-1])  # 茶叶、竹木等产业增加值: 等 closes the list before the shared head
    items[0] = items[0][skip_lead(items[0])[1]:] or items[0]  # 推动制造业、…: the verb names nothing
    items = [items[0]] + [_counterpart(items[0], it) for it in items[1:]]
    first = _FIRST_ITEM_RE.match(items[0])
    if first:
        items = [items[0]] + [first.group("mod") + it if _BARE_ITEM_RE.match(it) else it for it in items[1:]]
    tail = _shared_head(items[0], items[-1], index)
    if not tail:
        return items
    if tail.endswith("余额"):  # 存款、贷款余额: a balance of every name, though 存款 alone is a metric
        full = re.search(r"(?:存款|贷款)?余额$", items[-1]).group(0)  # 制造业、涉农贷款余额: 制造业贷款余额
        return [it if it.endswith("余额") else it + "余额" if it.endswith(("存款", "贷款")) else it + full
                for it in items]
    return [it if _complete(it, index) or it is items[-1] else _joined(it, tail) for it in items]


# One character standing for a word whose second character the next name prints (存、贷款余额; 进、出口总额).
_CONTRACTED = {"存": "贷", "贷": "存", "进": "出", "出": "进"}
# Scopes printed once before the first name and meant for every one (规模以上新材料产业和食品工业增加值).
_SCOPE_RE = re.compile(r"^(?:规模以上|规上|限额以上|限上)")
_TRADE_RE = re.compile(r"(?:进出口|出口|进口)(?:总额|总值|额)?$")


def _shared_scope(items: list[str]) -> list[str]:
    """Names completed with what the list prints once: the word a one-character first name shares with the
    last (…存、贷款余额 → …存款余额, …贷款余额, the first name's scope on the last too), a 规模以上 scope on
    the first name, a trading partner's 对 (对A、B进出口总额)."""
    first, last = items[0], items[-1]
    if len(items) == 2 and len(last) > 2 and _CONTRACTED.get(first[-1:]) == last[0]:
        scope = first[:-1]
        return [first + last[1:], last if last.startswith(scope) else scope + last]
    head = next((w for w in _COUNTERPART_WORDS if first.endswith(w) and len(first) > len(w)), None)
    if len(items) == 2 and head and last.startswith(_COUNTERPART_WORDS[head]):
        return [first, first[: -len(head)] + last]  # 金融机构人民币存款、贷款余额: the scope is the loans' too
    scope = _SCOPE_RE.match(first)
    if scope:
        return [first] + [it if _SCOPE_RE.match(it) else scope.group(0) + it for it in items[1:]]
    if first.startswith("对") and _TRADE_RE.search(last):
        return [first] + [it if it.startswith("对") else "对" + it for it in items[1:]]
    return items


_COUNTERPARTS = {"收入": "支出", "支出": "收入", "出口": "进口", "进口": "出口"}
_COUNTERPART_WORDS = {**_COUNTERPARTS, "存款": "贷款", "贷款": "存款"}


def _counterpart(first: str, item: str) -> str:
    """A later name printed as the counterpart of the first name's head (地方财政收入、支出 → 地方财政支出)."""
    head = first[-2:]
    if _COUNTERPARTS.get(head) == item and len(first) > 2:
        return first[:-2] + item
    return item


def _joined(name: str, tail: str) -> str:
    """``name`` completed with the shared ``tail``, the words they share said once (战略性新兴产业 + 产业增加值)."""
    for k in range(min(len(name), len(tail) - 1), 1, -1):
        if name.endswith(tail[:k]):
            return name + tail[k:]
    if name.endswith("业") and tail.startswith("产业"):  # 制造业 + 产业增加值: 制造业增加值
        return name + tail[2:]
    return name + tail


def _figures(folded: str, pos: int, stop: int) -> list[tuple[Quantity, int]]:
    """The figures after 分别 (``x%、y%``, ``a亿元和b万元``), each with where it ends."""
    out: list[tuple[Quantity, int]] = []
    quantities = {q.start: q for q in find_quantities(folded[:stop])}
    while pos in quantities:
        q = quantities[pos]
        end = q.end + (2 if folded.startswith(("以上", "左右", "以内"), q.end) else 0)
        out.append((q, end))
        sep = _FIG_SEP_RE.match(folded, end)
        if not sep or sep.end() >= stop:
            break
        pos = sep.end()
    return out


def _signed(folded: str, figs: list[tuple[Quantity, int]], verb: str | None) -> list[float]:
    """The figures' values signed by the verb before them: the shared one, or one printed between two
    figures (``分别下降2%、增长3%``)."""
    out, negative, prev = [], verb in NEG_VERBS, None
    for q, end in figs:
        between = folded[prev:q.start] if prev is not None else ""
        if re.search(rf"{VERBS}", between):
            negative = any(w in between for w in NEG_VERBS)
        out.append(-q.value if negative else q.value)
        prev = end
    return out


def shared_lists(folded: str, index: MetricIndex) -> list[ListFigure]:
    """Every name of every ``…分别…`` list in ``folded`` that names an indicator, with its figure."""
    out: list[ListFigure] = []
    for m in _AFTER_RE.finditer(folded):
        bare = m.group("bare") is not None
        seg0 = m.start()
        while seg0 > 0 and folded[seg0 - 1] not in _CLAUSE_STOP:
            seg0 -= 1
        stop = m.end()
        while stop < len(folded) and folded[stop] not in _CLAUSE_STOP:
            stop += 1
        figs = _figures(folded, m.end(), stop)
        # …营业收入预计分别增长: 预计 names no metric; nor does 年均 (…增加值年均分别增长x%、y%)
        pre = strip_connectors(_AVERAGE_TAIL_RE.sub("", strip_connectors(folded[seg0 : m.start()])))
        verb, rate_basis = (m.group("verb2"), m.group("basis2")) if bare else (m.group("verb"), m.group("basis"))
        reached = not bare and bool(verb) and folded[m.start("verb") + len(verb) : m.end()].strip() in ("到", "至")
        growth = (bool(verb) and not reached) or bool(_GROWTH_NOUN_RE.search(pre))  # 分别提高到a%: levels reached
        pre = _GROWTH_NOUN_RE.sub("", pre)
        # 均 with one figure — and 城乡… 分别 with one (城乡居民收入 … 分别 + one rate) — gives it to every name
        paired = _pair(pre)
        pair = paired is not None
        one_each = not bare and len(figs) == 1 and (m.group("word") in ("均", "双双") or pair)
        n = len(figs) if m.group("word") == "分别" and not one_each else len(paired) if pair else len(
            _NAME_SEP_RE.split(pre))
        if bare and (len(figs) < 2 or n != len(figs) or re.search("分别|(?<![人年平亩])均", folded[seg0:m.start()])):
            continue  # without 分别, only as many names as rates (a clause with 分别 is read from it)
        if one_each:
            figs = figs * n
        elif figs and figs[0][0].qualifier in MARK_QUALIFIERS:  # 分别突破a亿元、b亿元: every level passed its mark
            figs = [figs[0]] + [(q if q.qualifier else replace(q, qualifier=figs[0][0].qualifier), e) for q, e in figs[1:]]
        names = _names(pre, n, index) if len(figs) >= 2 or one_each else None
        if not names or len(names) != len(figs):
            continue
        signed = _signed(folded, figs, verb)
        end = figs[-1][1]
        rates = [] if growth else _rates_after(folded, end, len(figs))
        basis = rates[0][2] if rates else None
        end = rates[-1][1] if rates else end
        for i, (name, (q, _e)) in enumerate(zip(names, figs)):
            rate = q.unit in ("%", "‰")
            if growth != rate:
                continue
            metric = find_metric(name, rate=False, index=index, base_unit=None if rate else q.base_unit, growth=rate)
            if metric is None:
                continue
            pct = signed[i] if rate else rates[i][0] if rates else None
            qualifier = (folded[q.end : figs[i][1]] or None) if rate else None
            out.append(ListFigure(metric.canonical, name, seg0, m.start(), end, None if rate else q,
                                  pct, rate_basis if rate else basis, qualifier))
    return out


def _rates_after(folded: str, pos: int, n: int) -> list[tuple[float, int, str | None]]:
    """The ``n`` rates printed right after a list of levels (``…分别达到a元、b元，分别增长x%和y%``), each
    signed, with where it ends and the basis; empty when there are not ``n`` of them."""
    m = _RATES_AFTER_RE.match(folded, pos)
    if not m:
        return []
    stop = m.end()
    while stop < len(folded) and folded[stop] not in _CLAUSE_STOP:
        stop += 1
    figs = _figures(folded, m.end(), stop)
    if len(figs) != n or any(q.unit != "%" for q, _e in figs):
        return []
    return [(v, e, m.group("basis")) for v, (_q, e) in zip(_signed(folded, figs, m.group("verb")), figs)]


@dataclass
class PairedRates:
    """Rates printed after the clauses of their levels, in the same order."""

    clauses: list[tuple[int, int]]  # the level clauses, first to last
    pcts: list[float]  # signed
    basis: str | None
    end: int  # end of the last rate


def rates_after_levels(folded: str) -> list[PairedRates]:
    """Every ``…a亿元，…b亿元，分别增长x%、y%`` in ``folded`` (分别 may be left out when a clause opens
    with the verb): the n clauses before it (each holding a figure, separated by ，or 、) paired with its
    n rates."""
    out: list[PairedRates] = []
    for m in _RATES_AFTER_RE.finditer(folded):
        stop = m.end()
        while stop < len(folded) and folded[stop] not in _CLAUSE_STOP:
            stop += 1
        figs = _figures(folded, m.end(), stop)
        if len(figs) < 2 or any(q.unit != "%" for q, _e in figs):
            continue
        clauses: list[tuple[int, int]] = []
        end = m.start()
        while len(clauses) < len(figs):
            start = end
            while start > 0 and folded[start - 1] not in "，,、" + _LEVEL_STOP:
                start -= 1
            if start == end or not find_quantities(folded[start:end]):
                break
            clauses.insert(0, (start, end))
            if start == 0 or folded[start - 1] in _LEVEL_STOP:
                break
            end = start - 1
        if len(clauses) != len(figs):
            continue
        out.append(PairedRates(clauses, _signed(folded, figs, m.group("verb")), m.group("basis"), figs[-1][1]))
    return out
