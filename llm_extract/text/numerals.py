"""The pieces numbers are read from in Chinese report text: folding, units, numerals, tokens.

Everything here is pure string work that keeps offsets: :func:`fold` maps one
character to one character.  :mod:`.numbers` reads quantities with these
pieces, and :mod:`.growth` growth clauses.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

__all__ = [
    "fold",
    "unit_multiplier",
    "cn_to_number",
    "is_placeholder_number",
    "is_placeholder_token",
    "to_float",
    "scale",
    "UNITS",
    "UNIT_RE",
    "ARABIC",
    "ARABIC_RE",
    "PH_TOKEN",
    "PH_RE",
    "CN_RUN_RE",
    "CN_CHARS",
    "CN_SMALL",
    "CN_BIG",
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
# Units
# ---------------------------------------------------------------------------

_MAGNITUDES = {"万亿": 1e12, "亿": 1e8, "千万": 1e7, "百万": 1e6, "十万": 1e5, "万": 1e4}
# Base units that take a magnitude prefix (万元, 亿美元, 万吨, 万千瓦 …).
_SCALABLE = [
    "元", "美元", "美金", "欧元", "港元", "日元", "元人民币", "吨", "人", "人次", "户", "亩", "平方米", "平方公里",
    "千瓦", "千瓦时", "立方米", "方", "株", "棵", "头", "只", "套", "册", "件", "辆", "斤", "公斤", "千克",
    "标箱", "标准量", "个", "家", "台", "张", "条", "羽", "尾", "床", "部", "公顷", "千米", "公里",
]
_THOUSAND_OK = {"元", "美元", "美金", "人", "吨", "亩", "户", "人次"}
_ATOMIC = [
    "%", "‰", "个百分点", "百分点", "倍", "米", "延米", "平米", "平方千米", "座", "所", "项", "处", "批",
    "场", "次", "名", "位", "篇", "期", "届", "支", "队", "栋", "幢", "艘", "架", "宗", "起", "间", "盏", "眼",
    "口", "道", "个月", "年", "天", "小时", "种", "类", "对", "组", "块", "片", "级", "层", "分钟", "周",
]

UNITS: dict[str, tuple[float, str | None]] = {}
for _u in _SCALABLE + _ATOMIC:
    UNITS[_u] = (1.0, _u)
for _u in _SCALABLE:
    for _m, _f in _MAGNITUDES.items():
        UNITS.setdefault(_m + _u, (_f, _u))
    if _u in _THOUSAND_OK:
        UNITS.setdefault("千" + _u, (1e3, _u))
for _m, _f in _MAGNITUDES.items():
    UNITS.setdefault(_m, (_f, None))  # "2400万": magnitude with the noun left implicit
UNIT_RE = re.compile("|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True)))


def unit_multiplier(unit: str | None) -> tuple[float, str | None] | None:
    """``(factor, base_unit)`` for a unit (``亿元`` -> ``(1e8, "元")``), None if unknown."""
    if not unit:
        return None
    return UNITS.get(fold(unit.strip()))


# ---------------------------------------------------------------------------
# Numerals
# ---------------------------------------------------------------------------

_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
    "九": 9, "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "肆": 4, "伍": 5, "陆": 6, "陸": 6, "柒": 7, "捌": 8,
    "玖": 9,
}
CN_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8}
CN_CHARS = "".join(_CN_DIGITS) + "".join(CN_SMALL) + "".join(CN_BIG)
# A Chinese numeral must open with a digit or 十: a bare 千/万 is part of a
# unit (千瓦) or a loose word (万元地区生产总值), never a number by itself.
CN_RUN_RE = re.compile(f"[{''.join(_CN_DIGITS)}十拾][{CN_CHARS}]*")

# The exponent form ("8.043e+09", what f"{x:g}" prints for large values) is
# accepted only with its sign, which report text never has after a number.
ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:[eE][+-]\d{1,3})?"
ARABIC_RE = re.compile(rf"(?<![\d.])(?:{ARABIC})(?!\d)(?!\.\d)")
PH_TOKEN = r"[\dxX×*_]*[xX×*_][\dxX×*_]*(?:\.[\dxX×*_]+)?"
PH_RE = re.compile(rf"(?<![A-Za-z\d.])(?:{PH_TOKEN})(?![A-Za-z])")
_PH_FULL_RE = re.compile(rf"(?:{PH_TOKEN})|…+|某+")


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
        elif ch in CN_SMALL:
            mult = CN_SMALL[ch]
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


def is_placeholder_token(tok: str) -> bool:
    """A placeholder token holds a placeholder mark and is not a product such as 3×4."""
    return any(c in "xX×*_" for c in tok) and re.search(r"\d[×*xX]\d", tok) is None


def to_float(num: str) -> float:
    return float(num.replace(",", ""))


def is_placeholder_number(s: str) -> bool:
    """True for template placeholders printed where a number belongs (``xx``, ``x.xxx``, ``××``, ``___``, ``*``)."""
    t = fold(s.strip())
    return bool(t) and _PH_FULL_RE.fullmatch(t) is not None


def scale(value: float, factor: float) -> float:
    """``value * factor`` computed in decimal so 80.43亿 gives exactly 8043000000."""
    if factor == 1.0 or not math.isfinite(value):
        return value
    return float(Decimal(repr(value)) * Decimal(repr(factor)))
