"""The parts of a total and which of them grew: ``青川县2023年固定资产投资中各类投资的增减情况如何？``,
``云岭州规模以上工业五大行业中，哪些行业的增加值比上年增长？``, ``云岭州居民消费价格分类别看，哪些类别上涨？``.

A communiqué breaks a total down right after it: ``青川县固定资产投资增长7.3%。其中，甲投资增长3.1%；
乙投资下降2.2%；其他投资增长1.4%。`` or, for a counted group, ``五大行业中，甲业、乙业分别增长5%、3%，丙业下降1%…``.
The question names the total (or the group) before 中 and asks for every part's change (各类…增减情况)
or for the parts that grew or fell (哪些…增长/下降).  Answered, each part cited, only when the parts
are bounded without doubt:

* a stored indicator record of the total (that year) is followed, after ``其中``, by stored records
  of its parts only, separated by punctuation alone, up to the sentence's end with no figure left
  unread; every part names what the question counts (各类投资: each part is an 投资) and has a rate;
* or the question's group carries a count (七大, 五个) and the report prints the group followed by
  中 once, then exactly that many parts, each with its rate (a ``分别`` list or one clause a part);
* or, for a group without a count, the report prints the group followed by 中 (or the total with its
  own figure, then ``其中，``) once, then at least three parts to the sentence's end, each with its rate:
  one a semicolon segment (``甲支出21.6亿元、增长2.3%；乙…``) or one a comma-clause, a part's own
  breakdown (``…，其中，智能手机增长55.1%``) left out; a rate may be signed or, after a plain name, bare
  (``主要行业中，甲业35.8%，乙业-11.2%``);
* or the question breaks the total down by a dimension (``居民消费价格分类别看，哪些类别价格上涨？``,
  ``固定资产投资按投资方向分，哪些…下降？``) and the report opens that breakdown once in a paragraph
  naming the total (``按类别分，`` / ``分类别看，`` / ``从投资方向看，``), the parts read as above, a part
  that did not change (``居住类与上年持平``) as 持平.

A count that does not match (``31个行业中18个增长，其中…`` names only some), a part without a rate,
a second reading of the group, or any doubt: ``None`` (the model answers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional

from ..core.types import NormalizedText, Query

__all__ = ["PartsAsk", "parts_question", "answer_parts"]

_TAIL = r"(?:的|了|情况|如何|怎样|怎么样|是多少|分别是多少|各是多少|有哪些|分别|[?？,，。])*$"
_ALL = re.compile(r"^(?P<x>.+?)(?:当中|中|里)[,，]?(?:各类|各项|各种|各个|各)(?P<y>[\u4e00-\u9fff]{1,8}?)的?"
                  r"(?:增减|增长和下降|增长或下降|变化|变动|涨跌)(?:情况|幅度|速度)?" + _TAIL)
_SOME = re.compile(r"^(?P<x>.+?)(?:当中|中|里)[,，]?哪些(?P<y>[\u4e00-\u9fff]{1,8}?)(?:的[\u4e00-\u9fff]{1,8}?)?"
                   r"(?:比上年|同比|较上年|比去年)?(?P<dir>实现正增长|正增长|负增长|增长|增加|下降|减少)" + _TAIL)
# 居民消费价格分类别看，哪些类别价格上涨？ / 固定资产投资按投资方向分，哪些方向的投资下降？: a breakdown by a dimension.
_BY_SOME = re.compile(r"^(?P<x>.+?)(?:按|分|从)(?P<by>[\u4e00-\u9fff]{1,6}?)(?:来看|分|看)[,，]?(?:[^哪,，]{0,10}[,，])?"
                      r"哪些(?P<y>[\u4e00-\u9fff]{1,8}?)(?:的[\u4e00-\u9fff]{1,8}?)?(?:价格|投资)?"
                      r"(?:比上年|同比|较上年|比去年)?(?P<dir>实现正增长|正增长|负增长|增长|增加|上涨|上升|下降|减少|下跌|降低)" + _TAIL)
_FALLS = ("负增长", "下降", "减少", "下跌", "降低")
_COUNT = re.compile(r"(?P<n>[一二两三四五六七八九十]{1,3}|\d{1,2})(?:大|个|类|项|种)")
_FILLER = re.compile(r"(?:19|20)\d{2}年?|全年|年末|年底|全(?:省|市|州|县|区|镇)|^的|的$")
_BASIS = re.compile(r"(?:比上年|比去年|同比|较上年|比上年同期)$")


@dataclass(frozen=True)
class PartsAsk:
    """The total (or group) a question breaks down, what it counts, and which parts it wants."""

    total: str  # as the question writes it, place and year left out
    counted: str  # what each part is (投资, 行业); "" when the question does not say
    count: Optional[int]  # the number of parts the group's name says (七大行业 → 7)
    direction: int  # 0 every part, +1 those that grew, -1 those that fell
    by: str = ""  # the dimension the report breaks the total down by (类别: 按类别分 / 分类别看), "" for …中
    rise: str = "增长"  # the question's word for a rise (上涨 of prices)


def parts_question(query: Query, places: list[str]) -> Optional[PartsAsk]:
    """The breakdown ``query`` asks for, or ``None``."""
    from ..text.outline import cn_to_int

    if len(set(query.years)) > 1:
        return None
    q = query.normalized
    m = _ALL.match(q) or _SOME.match(q) or _BY_SOME.match(q)
    if not m:
        return None
    total = m.group("x")
    for name in sorted({p for p in places if p}, key=len, reverse=True):
        total = total.replace(name, "")
    total = _FILLER.sub("", _FILLER.sub("", total)).strip(",，")
    if len(total) < 2:
        return None
    direction = 0
    if m.re is not _ALL:
        direction = -1 if m.group("dir") in _FALLS else 1
    if m.re is _BY_SOME:
        rise = "上涨" if m.group("dir") in ("上涨", "下跌") else "增长"
        return PartsAsk(total, m.group("y"), None, direction, m.group("by"), rise)
    c = _COUNT.search(total)
    count = cn_to_int(c.group("n")) if c else None
    return PartsAsk(total, m.group("y"), count, direction)


@dataclass
class _Part:
    name: str
    pct: float  # signed
    shown: str  # the rate's digits as printed (11.0, not 11)
    doc_id: str
    source: str
    start: int  # original offsets of the clause that states it
    end: int
    evidence: str
    section: str = ""


def answer_parts(query: Query, places: list[str], records: list, docs: list[dict],
                 normalized_of: Callable[[dict], NormalizedText]):
    """The cited breakdown (a :class:`~.record_text.RecordAnswer`), or ``None`` (see the module docstring)."""
    ask = parts_question(query, places)
    if ask is None:
        return None
    year = str(query.years[0]) if query.years else None
    found = []
    for d in docs:
        mine = [r for r in records if r.doc_id == d["doc_id"]]
        if not d.get("source"):
            continue
        norm = normalized_of(d)
        parts = _from_records(ask, year, mine, norm.original) if mine else None
        if parts is None:
            parts = _from_text(ask, d, norm)
        if parts is not None:
            found.append((d, parts))
    if len(found) != 1:
        return None
    return _compose(ask, query, *found[0])


# --- a stored total followed by its parts -------------------------------------------------------
_OPENS = re.compile(r"[。.,;]?其中[,:]?")
_BETWEEN = re.compile(r"[,;、]")


def _from_records(ask: PartsAsk, year: Optional[str], records: list, original: str):
    """The total's stored record (``None`` when it states no rate) and its parts' records, or ``None``."""
    from ..text.normalize import normalize_query

    totals = [i for i, r in enumerate(records) if _names_total(ask.total, r) and (year is None or r.period == year)]
    if len(totals) != 1:
        return None
    i = totals[0]
    total, parts = records[i], []
    if i + 1 >= len(records) or not _OPENS.fullmatch(normalize_query(original[total.end:records[i + 1].start])):
        return None
    j = i + 1
    while True:
        parts.append(records[j])
        if j + 1 >= len(records) or not _BETWEEN.fullmatch(normalize_query(original[records[j].end:records[j + 1].start])):
            break
        j += 1
    stop = original.find("。", parts[-1].end)
    rest = normalize_query(original[parts[-1].end: stop if stop >= 0 else len(original)])
    if re.search(r"\d", rest) or len(parts) < 2 or (ask.count and len(parts) != ask.count):
        return None  # a part the rules did not read, or not the parts the group counts
    if any(r.yoy_pct is None or r.placeholder or (ask.counted and ask.counted not in normalize_query(r.metric_raw or ""))
           for r in parts):
        return None
    return (_part(total) if total.yoy_pct is not None and not total.placeholder else None), [_part(r) for r in parts]


def _names_total(total: str, r) -> bool:
    """Whether record ``r`` is of the total the question names (as printed, or the same canonical metric)."""
    from ..extract.vocab import default_index
    from ..text.normalize import normalize_query

    raw = _FILLER.sub("", normalize_query(r.metric_raw or ""))
    raw = re.sub(r"\[\d+\]$", "", raw)  # a footnote mark
    return bool(raw) and (raw == total or r.metric in (total, default_index().lookup(total)))


def _part(r) -> _Part:
    from .record_text import fmt, shown_name

    name = re.sub(r"\s", "", shown_name(r))
    printed = [n for n in re.findall(r"\d+(?:\.\d+)?", r.evidence) if float(n) == abs(r.yoy_pct)]
    return _Part(name, r.yoy_pct, printed[-1] if printed else fmt(abs(r.yoy_pct)), r.doc_id, r.source, r.start,
                 r.end, r.evidence, r.section)


# --- a counted group printed with its parts ------------------------------------------------------
_VERBS = r"增长|增加|上升|上涨|提高|下降|减少|降低|回落|下跌"
_FIG = re.compile(rf"(?P<verb>{_VERBS})?\s*(?P<sign>[-−])?(?P<num>\d+(?:\.\d+)?)\s*%")
_NEG = ("下降", "减少", "降低", "回落", "下跌")
# A part's rate after its name: a verb (增长5%), a sign (-11.2%), or, in a list the group's heading says
# is of rates (主要行业中，甲业35.8%，乙业-2.7%), the figure alone.
_PART_RATE = re.compile(rf"(?P<verb>{_VERBS})?(?P<sign>[-−])?(?P<num>\d+(?:\.\d+)?)%$")
# A part that did not change (居住类与上年持平).
_PART_FLAT = re.compile(r"(?:与上年|比上年|同比)?(?:基本)?持平$")


MIN_UNCOUNTED = 3  # parts read after an uncounted group (限额以上单位商品零售额中，…) for an answer


def _from_text(ask: PartsAsk, d: dict, norm: NormalizedText):
    """``(None, parts)``: the parts the report prints after ``<group>中`` (a bracketed scope note may follow
    中) — exactly ``ask.count`` of them, or, for a group without a count, every part to the sentence's end
    (at least :data:`MIN_UNCOUNTED`) — or ``None``.  Parts separated by semicolons are read one segment a
    part (``原煤产量35.1万吨，比上年增长2.4%；生铁…``), else one comma-clause a part or a ``分别`` list; a
    part's own breakdown (…增长31.5%，其中，智能手机增长55.1%) is left out."""
    text = norm.simplified
    name = r"\s*".join(re.escape(ch) for ch in ask.total)
    if ask.by:
        hits = _by_openings(ask, text, name)
    else:
        hits = list(re.finditer(name + r"\s*中\s*(?:[（(][^）)\n]{0,20}[）)])?\s*[，,：:]", text))
    if not hits and not ask.count and not ask.by:
        # the total with its own figure, then its parts: 一般公共预算支出52.3亿元、下降1.2%。其中，甲支出…
        hits = list(re.finditer(name + r"[^。；;\n]{0,40}?\d[^。；;\n]{0,30}。\s*其中\s*[，,：:]", text))
    if len(hits) != 1:
        return None
    pos = hits[0].end()
    stop = text.find("。", pos)
    stop = stop if stop >= 0 else len(text)
    read = None
    if re.search(r"[；;]", text[pos:stop]):
        read = _segment_parts(ask, text, pos, stop)
    if read is None:
        read = _clause_parts_of(ask, text, pos, stop)
    if read is None:
        return None
    parts = []
    for a, b, name, pct, shown in read:
        span = norm.to_original(a, b)
        parts.append(_Part(name, pct, shown, d["doc_id"], d["source"], span.start, span.end,
                           norm.original[span.start:span.end]))
    if ask.count:
        return (None, parts) if len(parts) == ask.count else None
    return (None, parts) if len(parts) >= MIN_UNCOUNTED else None


def _by_openings(ask: PartsAsk, text: str, name: str) -> list[re.Match]:
    """Where the report breaks the total down by the asked dimension (按类别分，/ 分类别看，/ 从投资方向看，):
    the openings whose paragraph names the total before them."""
    by = r"\s*".join(re.escape(ch) for ch in ask.by)
    out = []
    for m in re.finditer(rf"(?:按|分|从)\s*{by}\s*(?:来看|分|看)\s*[，,：:]", text):
        start = max(text.rfind("\n", 0, m.start()), m.start() - 300)
        if re.search(name, text[start : m.start()]):
            out.append(m)
    return out


_SEGMENT = re.compile(r"(?P<name>[^\d%，,、]{2,25}?)(?:(?P<level>\d+(?:\.\d+)?)[^\d，,、%]{1,6}[，,、]?)?"
                      rf"(?:比上年同期|比上年|同比|较上年)?(?:累计)?(?P<verb>{_VERBS})(?P<num>\d+(?:\.\d+)?)%")


def _segment_parts(ask: PartsAsk, text: str, pos: int, stop: int) -> Optional[list[tuple]]:
    """One part per semicolon-separated segment: a name, perhaps its level, and its rate; ``None`` when a
    segment reads otherwise.  Each part is ``(start, end, name, signed rate, rate as printed)``."""
    out = []
    for m in re.finditer(r"[^；;]+", text[pos:stop]):
        seg = re.split(r"[，,]\s*其中", m.group(0), maxsplit=1)[0]
        a = pos + m.start() + len(seg) - len(seg.lstrip())
        seg = seg.strip()
        if not seg:
            continue
        found = _SEGMENT.fullmatch(re.sub(r"\s", "", seg))
        if found is None:
            return None
        pct = float(found.group("num")) * (-1 if found.group("verb") in _NEG else 1)
        name = _without_shared_end(_BASIS.sub("", found.group("name")), ask.total)
        out.append((a, a + len(seg), name, pct, found.group("num")))
    return out


def _clause_parts_of(ask: PartsAsk, text: str, pos: int, stop: int) -> Optional[list[tuple]]:
    """One part per comma-clause (or several from a ``分别`` list); ``None`` when a clause reads otherwise."""
    out: list[tuple] = []
    inner = False  # inside a part's own breakdown (…增长31.5%，其中，智能手机增长55.1%；)
    for m in re.finditer(r"[^，,；;]+[，,；;]?", text[pos:stop]):
        clause = m.group(0).rstrip("，,；;")
        if ask.count and len(out) >= ask.count:
            break
        if not ask.count and (inner or re.fullmatch(r"\s*其中\s*", clause)):
            inner = not m.group(0).endswith(("；", ";"))
            continue
        read = _clause_parts(clause, whole_name=not ask.count, total=ask.total)
        if read is None:
            return None
        a = pos + m.start()
        out += [(a, a + len(clause), name, pct, shown) for name, pct, shown in read]
    return out


def _clause_parts(clause: str, whole_name: bool = False, total: str = "") -> Optional[list[tuple[str, float, str]]]:
    """``甲、乙分别增长5%、3%`` or ``丙下降1%`` as (name, signed rate, rate as printed); ``None`` for anything else.
    ``whole_name``: a name without 分别 is one part even when it holds 、 (粮油、食品类); what it shares
    with the end of ``total`` (零售额 of 商品零售额) is left out."""
    clause = re.sub(r"\s", "", clause)
    flat = _PART_FLAT.search(clause) if whole_name else None
    if flat and flat.start() >= 2:
        return [(_without_shared_end(re.sub(r"累计$", "", clause[: flat.start()]), total), 0.0, "0")]
    names_part, _sep, figs_part = clause.partition("分别")
    if not _sep:
        m = _PART_RATE.search(clause)
        bare = m is not None and not (m.group("verb") or m.group("sign"))
        if not m or (bare and (not whole_name or re.search(r"占|比重|为|达|的", clause[: m.start()]))):
            return None  # a bare figure is a part's rate only after a plain name (占…比重为x% is a share)
        names_part, figs_part = clause[: m.start()], clause[m.start():]
    if whole_name and not _sep:
        if names_part.endswith("下") and not m.group("verb") and not m.group("sign"):
            names_part, figs_part = names_part[:-1], "下降" + figs_part  # 乙制造业下 3.1%: 下降 cut short
        names = [_without_shared_end(re.sub(r"累计$", "", _BASIS.sub("", names_part)), total)]
    else:
        names = [_BASIS.sub("", n) for n in names_part.split("、")]
    figs, shown, verb, pos = [], [], None, 0
    for f in _FIG.finditer(figs_part):
        if re.sub(r"[、和及与]", "", figs_part[pos:f.start()]):
            return None  # words between the figures: not a plain list
        verb = f.group("verb") or verb
        if verb is None and not f.group("sign") and not (whole_name and not _sep):
            return None
        figs.append(-float(f.group("num")) if verb in _NEG or f.group("sign") else float(f.group("num")))
        shown.append(f.group("num"))
        pos = f.end()
    if figs_part[pos:] or len(names) != len(figs):
        return None
    if any(not n or len(n) > 25 or re.search(r"\d|[%，,：:]", n) for n in names):
        return None
    return list(zip(names, figs, shown))


def _without_shared_end(name: str, total: str) -> str:
    """``name`` without the ending it shares with ``total`` (通讯器材类零售额 of 商品零售额 → 通讯器材类)."""
    n = 0
    while n < min(len(name), len(total)) and name[-1 - n] == total[-1 - n]:
        n += 1
    return name[:-n] if n >= 2 and len(name) - n >= 2 else name


# --- the answer ------------------------------------------------------------------------------------
def _rate(p: _Part, rise: str = "增长") -> str:
    return "持平" if p.pct == 0 else f"{rise if p.pct > 0 else '下降'}{p.shown}%"


def _compose(ask: PartsAsk, query: Query, d: dict, read: tuple):
    from .record_text import Cites, RecordAnswer

    total, parts = read
    cites, marks = Cites(), {}

    def mark(p: _Part) -> str:
        if (p.start, p.end) not in marks:  # parts of one clause share its citation
            marks[(p.start, p.end)] = cites.add(p)
        return marks[(p.start, p.end)]

    wanted = [p for p in parts if ask.direction == 0 or p.pct * ask.direction > 0]
    others = [p for p in parts if p not in wanted]
    if not wanted:
        return None
    year = f"{query.years[0]}年" if query.years else ""
    text = f"{d.get('place') or ''}{year}{ask.total}"
    word = ask.rise if ask.direction > 0 else "下降"
    if ask.by:
        text += f"按{ask.by}分，{word}的有{len(wanted)}个：\n"
    else:
        if total is not None:
            text += f"{_rate(total)}{mark(total)}，"
        if ask.direction == 0:
            text += "其中：\n"
        else:
            text += f"{'其' if total is not None else ''}中{word}的有{len(wanted)}个：\n"
    text += "\n".join(f"{n}. {p.name}{_rate(p, ask.rise)}{mark(p)}" for n, p in enumerate(wanted, 1))
    if others:
        text += "\n另：" + "；".join(f"{p.name}{_rate(p, ask.rise)}{mark(p)}" for p in others) + "。"
    reason = f"parts of {ask.total}: {len(parts)} read from {d['doc_id']}, {len(wanted)} listed"
    return RecordAnswer(text, cites.citations, cites.passages, reasons=[reason])
