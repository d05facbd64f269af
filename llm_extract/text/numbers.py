"""Deterministic number parsing for Chinese report text.

Reports print figures as ``80.43亿元``, ``1,234.5万元``, ``三亿元``, ``120余盏``,
``0.5个百分点`` and growth clauses such as ``同比下降3.4%``.  Templates leave
placeholders (``xxxxx万元``, ``x.xxx亿元``, ``××``).  Everything here is pure
string work: offsets always point into the text that was passed in, because
the only folding done (:func:`fold`) maps one character to one character.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "Quantity",
    "Change",
    "fold",
    "parse_quantity",
    "find_quantities",
    "parse_change",
    "find_changes",
    "numbers_in",
    "number_in_text",
    "is_placeholder_number",
    "find_placeholder_numbers",
    "unit_multiplier",
    "cn_to_number",
]

# ---------------------------------------------------------------------------
# Length-preserving folding
# ---------------------------------------------------------------------------

# Full-width ASCII to half-width, except the full-width comma: in Chinese text
# "，" always separates clauses and must never read as a thousands separator.
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F) if c != 0xFF0C}
_FOLD[0x3000] = 0x20
_FOLD[0x25CB] = ord("〇")  # "二○○八" is typed with the white circle
# Traditional forms of the few characters used in units and growth verbs.  This
# is not a general converter (that is normalize.py's job); it only lets the
# parsers read traditional text without shifting offsets.
_TRAD = "億萬噸畝戶個盞項條臺輛間處頭張場屆隊棟點時餘約兩長減遞計價較與縮達為負環標隻裏歐幾實現預總產業際"
_SIMP = "亿万吨亩户个盏项条台辆间处头张场届队栋点时余约两长减递计价较与缩达为负环标只里欧几实现预总产业际"
_FOLD.update({ord(t): ord(s) for t, s in zip(_TRAD, _SIMP)})


def fold(text: str) -> str:
    """Fold full-width ASCII and the traditional unit/verb characters; same length as ``text``."""
    return text.translate(_FOLD)


# ---------------------------------------------------------------------------
# Data types
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    """A number with its unit, as printed at ``text[start:end]``.

    ``value`` is the number as printed (``80.43`` for ``80.43亿元``);
    ``value_base`` is that number in ``base_unit`` (``8043000000.0`` 元).
    ``unit`` is given in simplified characters.  ``qualifier`` records
    approximations printed around the number (余, 多, 约, 以上, 左右 …).
    Placeholder quantities (``xxxx万元``) are only returned when asked for and
    carry ``placeholder=True`` with ``value`` NaN.
    """

    value: float
    unit: str | None
    value_base: float | None
    base_unit: str | None
    raw: str
    start: int
    end: int
    qualifier: str | None = None
    placeholder: bool = False


@dataclass(frozen=True)
class Change:
    """A growth clause such as ``同比增长0.25%``.

    ``yoy_pct`` is signed percent; ``pct_points`` is used instead for
    ``个百分点``; ``times`` for ``增长1.5倍``; ``amount`` for absolute changes
    (``增加500万元``).  ``placeholder`` is set when the figure is ``x%``.
    """

    yoy_pct: float | None
    basis: str | None
    raw: str
    start: int
    end: int
    pct_points: float | None = None
    times: float | None = None
    amount: Quantity | None = None
    qualifier: str | None = None
    placeholder: bool = False
    direction: int = 1  # +1 up, -1 down, 0 flat


# ---------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------

_MAGNITUDES = {"万亿": 1e12, "亿": 1e8, "千万": 1e7, "百万": 1e6, "十万": 1e5, "万": 1e4}
# Base units that take a magnitude prefix (万元, 亿美元, 万吨, 万千瓦 …).
_SCALABLE = [
    "元", "美元", "美金", "欧元", "港元", "日元", "元人民币", "吨", "人", "人次", "户", "亩", "平方米", "平方公里",
    "千瓦", "千瓦时", "立方米", "方", "株", "棵", "头", "只", "套", "册", "件", "辆", "斤", "公斤", "千克",
    "标箱", "个", "家", "台", "张", "条", "羽", "尾", "床", "部", "公顷", "千米", "公里",
]
_THOUSAND_OK = {"元", "美元", "美金", "人", "吨", "亩", "户", "人次"}
_ATOMIC = [
    "%", "‰", "个百分点", "百分点", "倍", "米", "延米", "平米", "平方千米", "座", "所", "项", "处", "批",
    "场", "次", "名", "位", "篇", "期", "届", "支", "队", "栋", "幢", "艘", "架", "宗", "起", "间", "盏", "眼",
    "口", "道", "个月", "年", "天", "小时", "种", "类", "对", "组", "块", "片", "级", "层", "分钟", "周",
]

_UNITS: dict[str, tuple[float, str | None]] = {}
for _u in _SCALABLE + _ATOMIC:
    _UNITS[_u] = (1.0, _u)
for _u in _SCALABLE:
    for _m, _f in _MAGNITUDES.items():
        _UNITS.setdefault(_m + _u, (_f, _u))
    if _u in _THOUSAND_OK:
        _UNITS.setdefault("千" + _u, (1e3, _u))
for _m, _f in _MAGNITUDES.items():
    _UNITS.setdefault(_m, (_f, None))  # "2400万": magnitude with the noun left implicit
_UNIT_RE = re.compile("|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True)))


def unit_multiplier(unit: str | None) -> tuple[float, str | None] | None:
    """``(factor, base_unit)`` for a unit (``亿元`` -> ``(1e8, "元")``), None if unknown."""
    if not unit:
        return None
    return _UNITS.get(fold(unit.strip()))


# ---------------------------------------------------------------------------
# Numerals
# ---------------------------------------------------------------------------

_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
    "九": 9, "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "肆": 4, "伍": 5, "陆": 6, "陸": 6, "柒": 7, "捌": 8,
    "玖": 9,
}
_CN_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8}
_CN_CHARS = "".join(_CN_DIGITS) + "".join(_CN_SMALL) + "".join(_CN_BIG)
# A Chinese numeral must open with a digit or 十: a bare 千/万 is part of a
# unit (千瓦) or a loose word (万元地区生产总值), never a number by itself.
_CN_RUN_RE = re.compile(f"[{''.join(_CN_DIGITS)}十拾][{_CN_CHARS}]*")

# The exponent form ("8.043e+09", what f"{x:g}" prints for large values) is
# accepted only with its sign, which report text never has after a number.
_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:[eE][+-]\d{1,3})?"
_ARABIC_RE = re.compile(rf"(?<![\d.])(?:{_ARABIC})(?!\d)(?!\.\d)")
_PH_TOKEN = r"[\dxX×*_]*[xX×*_][\dxX×*_]*(?:\.[\dxX×*_]+)?"
_PH_RE = re.compile(rf"(?<![A-Za-z\d.])(?:{_PH_TOKEN})(?![A-Za-z])")
_PH_FULL_RE = re.compile(rf"(?:{_PH_TOKEN})|…+|某+")


def _cn_small(s: str) -> int | None:
    """Value of a numeral below 10000 written with 十百千 (``一千二百``), None if malformed."""
    if not s:
        return None
    total, pending, last_mult, seen_zero = 0, None, 10000, False
    for i, ch in enumerate(s):
        if ch in _CN_DIGITS:
            d = _CN_DIGITS[ch]
            if d == 0:
                if pending is not None:
                    return None
                seen_zero = True
                continue
            if pending is not None:
                return None  # two digits in a row: "十二五" is not a number
            pending = d
        elif ch in _CN_SMALL:
            mult = _CN_SMALL[ch]
            if mult >= last_mult:
                return None
            if pending is None:
                if i != 0 or mult != 10:
                    return None  # only a leading 十 may omit its digit
                pending = 1
            total += pending * mult
            pending, last_mult, seen_zero = None, mult, False
        else:
            return None
    if pending is not None:
        if last_mult != 10000 and not seen_zero and last_mult > 10:
            # "一千二" is colloquial for 1200; reports write it out, so refuse it.
            return None
        total += pending
    return total


def cn_to_number(s: str) -> float | None:
    """Value of a whole Chinese numeral (``一千二百万`` -> 12000000.0), None if malformed."""
    if not s:
        return None
    if all(ch in _CN_DIGITS for ch in s):
        if len(s) == 1:
            return float(_CN_DIGITS[s])
        return float("".join(str(_CN_DIGITS[ch]) for ch in s))  # 二〇一三
    # Split on the largest magnitude first so 一亿二千万 = 1e8 + 2000e4.
    for chars, factor in (("亿億", 1e8), ("万萬", 1e4)):
        for pos, ch in enumerate(s):
            if ch in chars:
                head = cn_to_number(s[:pos]) if pos else None
                if head is None:
                    return None
                tail_s = s[pos + 1 :].lstrip("零〇")
                tail = cn_to_number(tail_s) if tail_s else 0.0
                if tail is None or tail >= factor:
                    return None
                return head * factor + tail
    small = _cn_small(s)
    return float(small) if small is not None else None


def _is_ph_token(tok: str) -> bool:
    """A placeholder token holds a placeholder mark and is not a product such as 3×4."""
    return any(c in "xX×*_" for c in tok) and re.search(r"\d[×*xX]\d", tok) is None


def _to_float(num: str) -> float:
    return float(num.replace(",", ""))


def find_placeholder_numbers(text: str) -> list[tuple[int, int]]:
    """Spans of placeholders standing for a number: followed by a unit or ``%`` (``xxxx万元``, ``xx.xx%``)."""
    folded = fold(text)
    out = []
    for m in _PH_RE.finditer(folded):
        if not _is_ph_token(m.group(0)):
            continue
        end, unit, _ = _match_unit(folded, m.end())
        if unit and unit != "年":
            out.append((m.start(), end))
    return out


def is_placeholder_number(s: str) -> bool:
    """True for template placeholders printed where a number belongs (``xx``, ``x.xxx``, ``××``, ``___``, ``*``)."""
    t = fold(s.strip())
    return bool(t) and _PH_FULL_RE.fullmatch(t) is not None


# ---------------------------------------------------------------------------
# Quantities
# ---------------------------------------------------------------------------

_PREFIX_QUALS = ("不少于", "不低于", "将近", "超过", "不足", "不到", "约", "近", "超", "逾")
_INFIX_QUALS = ("余", "多")
_SUFFIX_QUALS = ("以上", "左右", "以下", "以内", "多")
_DATE_AFTER_RE = re.compile(r"\s*(?:年|月|日|号|时|点|分|[-—~～至到]\s*(?:19|20)\d\d)")
_YEAR_RE = re.compile(r"(?:19|20)\d\d")


def _prefix_qualifier(folded: str, start: int) -> str | None:
    for q in _PREFIX_QUALS:
        if folded.endswith(q, max(0, start - len(q)), start):
            return q
    return None


def _match_unit(folded: str, pos: int) -> tuple[int, str, str | None]:
    """Skip an infix qualifier and spaces, then match a unit.  Returns (end, unit, infix)."""
    p = pos
    infix = None
    for q in _INFIX_QUALS:
        if folded.startswith(q, p):
            infix, p = q, p + len(q)
            break
    while p < len(folded) and folded[p] == " " and p - pos < 2:
        p += 1
    m = _UNIT_RE.match(folded, p)
    if m:
        return m.end(), m.group(0), infix
    return pos, "", None


def _suffix_qualifier(folded: str, end: int) -> str | None:
    for q in _SUFFIX_QUALS:
        if folded.startswith(q, end):
            return q
    return None


def _scale(value: float, factor: float) -> float:
    """``value * factor`` computed in decimal so 80.43亿 gives exactly 8043000000."""
    if factor == 1.0 or not math.isfinite(value):
        return value
    return float(Decimal(repr(value)) * Decimal(repr(factor)))


def _make(text: str, start: int, end: int, value: float, unit: str | None, qualifier: str | None,
          placeholder: bool = False) -> Quantity:
    base: float | None
    if unit is None:
        base, base_unit = (None if placeholder else value), None
    else:
        factor, base_unit = _UNITS[unit]
        base = None if placeholder else _scale(value, factor)
    return Quantity(value, unit, base, base_unit, text[start:end], start, end, qualifier, placeholder)


def find_quantities(text: str, *, bare: bool = False, include_placeholders: bool = False) -> list[Quantity]:
    """Every quantity printed in ``text``, ordered by offset.

    Years (``2013年``), dates and ordinals (``第3``) are skipped.  Numbers with
    no unit are returned only when ``bare``; Chinese numerals only with a unit.
    """
    folded = fold(text)
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    # "百分之八" puts the unit first.
    for m in re.finditer(rf"百分之\s*({_ARABIC}|[{_CN_CHARS}]+)", folded):
        raw = m.group(1)
        val = _to_float(raw) if raw[0].isdigit() else cn_to_number(raw)
        if val is not None:
            found.append(Quantity(val, "%", val, "%", text[m.start() : m.end()], m.start(), m.end()))
            taken.append((m.start(), m.end()))

    for m in _ARABIC_RE.finditer(folded):
        s, e = m.start(), m.end()
        if not free(s, e) or (s > 0 and folded[s - 1] == "第"):
            continue
        if _YEAR_RE.fullmatch(m.group(0)) and _DATE_AFTER_RE.match(folded, e):
            continue
        uend, unit, infix = _match_unit(folded, e)
        if not unit:
            if not bare or _DATE_AFTER_RE.match(folded, e) or (e < len(folded) and folded[e].isascii()
                                                            and folded[e].isalpha()):
                continue
            uend = e
        if unit == "年" and _YEAR_RE.fullmatch(m.group(0)):
            continue
        qual = _prefix_qualifier(folded, s) or infix or _suffix_qualifier(folded, uend)
        found.append(_make(text, s, uend, _to_float(m.group(0)), unit or None, qual))
        taken.append((s, uend))

    for m in _CN_RUN_RE.finditer(folded):
        s, run = m.start(), m.group(0)
        if not free(s, m.end()) or (s > 0 and folded[s - 1] in "第" + _CN_CHARS):
            continue
        num_end, factor = m.end(), 1.0
        if run[-1] in _CN_BIG and len(run) > 1:
            # 三亿元 / 一千二百万元: the trailing 亿/万 belongs to the unit.
            num_end, factor = m.end() - 1, _CN_BIG[run[-1]]
        value = cn_to_number(run)
        if value is None:
            continue
        uend, unit, infix = _match_unit(folded, num_end)
        if not unit or unit == "年" and len(run) >= 4:
            continue
        if factor != 1.0 and not unit.startswith(run[-1]):
            continue
        qual = _prefix_qualifier(folded, s) or infix or _suffix_qualifier(folded, uend)
        found.append(_make(text, s, uend, value / factor, unit, qual))
        taken.append((s, uend))

    if include_placeholders:
        for m in _PH_RE.finditer(folded):
            s, e = m.start(), m.end()
            if not free(s, e) or not _is_ph_token(m.group(0)):
                continue
            uend, unit, infix = _match_unit(folded, e)
            if not unit or unit == "年":
                continue
            found.append(_make(text, s, uend, math.nan, unit, infix or _suffix_qualifier(folded, uend), True))
            taken.append((s, uend))

    found.sort(key=lambda q: q.start)
    return found


def parse_quantity(s: str) -> Quantity | None:
    """Parse a string that is one quantity (``80.43亿元``, ``约三亿元``, ``40%以上``).

    Returns None for placeholders (``xxxx.x万元``) and for strings holding
    anything besides one quantity, its qualifiers and punctuation.
    """
    folded = fold(s)
    qs = find_quantities(s, bare=True, include_placeholders=True)
    if len(qs) != 1 or qs[0].placeholder:
        return None
    q = qs[0]
    head = folded[: q.start].strip()
    tail = folded[q.end :].strip()
    if head and head not in _PREFIX_QUALS:
        return None
    if tail and tail.rstrip("。，,;；.") not in ("",) + _SUFFIX_QUALS:
        return None
    return q


# ---------------------------------------------------------------------------
# Growth clauses
# ---------------------------------------------------------------------------

_BASIS = (
    r"同比|环比|比上年同期|比去年同期|比上一年|比上年|比去年|较上年同期|较去年同期|较上年|较去年|"
    r"与上年同期相比|与去年同期相比|与上年相比|与去年相比|与上年|与去年|"
    r"比(?:19|20)\d\d年(?:同期)?|较(?:19|20)\d\d年(?:同期)?|"
    r"按可比价格?计算|按可比口径计算|按同口径计算|同口径|可比口径|年均|年"
)
_NEG_VERBS = ("下降", "减少", "降低", "回落", "下滑", "下跌", "缩减", "缩小", "放缓", "负增长", "减", "降")
_VERBS = "增长|增加|上升|提高|提升|递增|扩大|攀升|加快|" + "|".join(_NEG_VERBS) + "|增"
_NOUNS = "增幅|增速|增长率|涨幅|降幅|减幅"
_CHANGE_RE = re.compile(
    rf"(?P<basis>{_BASIS})?\s*(?:[,，]\s*)?(?:(?P<flat>(?:基本)?持平)|"
    rf"(?P<noun>{_NOUNS})?\s*(?P<verb>{_VERBS})?\s*(?P<conn>了|为|达到|达|至|到)?\s*"
    rf"(?P<sign>[-+−])?(?P<num>{_ARABIC}|{_PH_TOKEN})\s*"
    r"(?P<unit>%|‰|个百分点|百分点|倍|万亿元|亿元|万元|元|万美元|亿美元|万美金|美元|万吨|吨|万人|人|户|家|个|亩|万亩)"
    r"(?P<qual>以上|左右|多)?)"
)


def _change_from_match(text: str, m: re.Match) -> Change | None:
    basis = m.group("basis")
    if m.group("flat"):
        if basis == "年":
            basis = None
        return Change(0.0, basis, text[m.start() : m.end()], m.start(), m.end(), direction=0)
    noun, verb = m.group("noun"), m.group("verb")
    if not noun and not verb:
        return None
    if verb and m.group("conn") in ("至", "到"):
        return None  # "增至5000万元" states the new level, not a change
    if basis == "年" and verb != "递增":
        return None  # "年" alone is only a basis in 年递增
    if basis == "年":
        basis = "年均"
    negative = (verb in _NEG_VERBS) if verb else noun in ("降幅", "减幅")
    num, unit = m.group("num"), m.group("unit")
    placeholder = is_placeholder_number(num)
    value = None if placeholder else _to_float(num)
    if value is not None and m.group("sign") in ("-", "−"):
        value = -value
    sign = -1.0 if negative else 1.0
    signed = None if value is None else sign * value
    raw = text[m.start() : m.end()]
    common = dict(basis=basis, raw=raw, start=m.start(), end=m.end(), qualifier=m.group("qual"),
                  placeholder=placeholder, direction=-1 if negative else 1)
    if unit in ("%", "‰"):
        pct = signed if unit == "%" or signed is None else signed / 10
        return Change(yoy_pct=pct, **common)
    if unit in ("个百分点", "百分点"):
        return Change(yoy_pct=None, pct_points=signed, **common)
    if unit == "倍":
        return Change(yoy_pct=None, times=signed, **common)
    us, ue = m.start("num"), m.end("unit")
    amount = None
    if value is not None:
        factor, base_unit = _UNITS[unit]
        amount = Quantity(signed, unit, _scale(signed, factor), base_unit, text[us:ue], us, ue)
    return Change(yoy_pct=None, amount=amount, **common)


def find_changes(text: str) -> list[Change]:
    """Every growth clause in ``text``, ordered by offset."""
    folded = fold(text)
    out: list[Change] = []
    pos = 0
    while pos < len(folded):
        m = _CHANGE_RE.search(folded, pos)
        if not m:
            break
        ch = _change_from_match(text, m) if m.end() > m.start() else None
        if ch:
            out.append(ch)
            pos = m.end()
        else:
            pos = m.start() + 1
    return out


def parse_change(text: str, *, anchored: bool = False) -> Change | None:
    """The first growth clause in ``text`` (``同比增长0.25%`` -> yoy_pct 0.25, basis 同比).

    With ``anchored`` the clause must open ``text`` (after spaces and a comma),
    which is how a clause *following* a figure is read.
    """
    if anchored:
        folded = fold(text)
        lead = len(folded) - len(folded.lstrip(" ,，\t"))
        m = _CHANGE_RE.match(folded, lead)
        return _change_from_match(text, m) if m and m.end() > m.start() else None
    changes = find_changes(text)
    return changes[0] if changes else None


# ---------------------------------------------------------------------------
# Presence checks
# ---------------------------------------------------------------------------


def numbers_in(text: str) -> list[float]:
    """Every number printed in ``text``: Arabic (full-width folded, ``1,234.5``) and Chinese numerals.

    Chinese numerals count when a unit follows (``三亿元``) or when they hold a
    magnitude character (``一千二百``), so the 一 of 统一 is not a number.
    """
    folded = fold(text)
    out = [_to_float(m.group(0)) for m in _ARABIC_RE.finditer(folded)]
    with_units = {q.start: q.value for q in find_quantities(text) if not q.raw[:1].isdigit()}
    for m in _CN_RUN_RE.finditer(folded):
        if m.start() in with_units:
            out.append(with_units[m.start()])
            continue
        if m.start() > 0 and folded[m.start() - 1] in _CN_CHARS:
            continue
        run = m.group(0)
        if any(ch in _CN_SMALL or ch in _CN_BIG for ch in run) or len(run) >= 2:
            val = cn_to_number(run)
            if val is not None:
                out.append(val)
    return out


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def number_in_text(value: float, text: str, *, unit: str | None = None) -> bool:
    """Whether ``text`` prints ``value`` in some equivalent form.

    Accepted: the number itself (sign ignored, since 下降3.4% prints 3.4),
    a quantity whose base value equals it (8043000000 for ``80.43亿``), and,
    when ``unit`` is given, the same amount in another magnitude (``80.43`` 亿元
    for ``804300万元``).
    """
    if value is None or not math.isfinite(value):
        return False
    target = abs(value)
    if any(_close(target, n) for n in numbers_in(text)):
        return True
    scaled = unit_multiplier(unit) if unit else None
    for q in find_quantities(text, bare=True):
        if q.value_base is not None and _close(target, abs(q.value_base)):
            return True
        if scaled and q.value_base is not None and q.unit and (q.base_unit == scaled[1] or q.base_unit is None):
            if _close(target * scaled[0], abs(q.value_base)):
                return True
    return False
