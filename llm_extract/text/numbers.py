"""Deterministic number parsing for Chinese report text: quantities and presence checks.

Reports print figures as ``80.43亿元``, ``1,234.5万元``, ``三亿元``, ``120余盏``
and ``0.5个百分点``.  Templates leave placeholders (``xxxxx万元``,
``x.xxx亿元``, ``××``).  Everything here is pure string work: offsets always
point into the text that was passed in, because the only folding done
(:func:`~.numerals.fold`) maps one character to one character.  The pieces
(units, numerals, tokens) are in :mod:`.numerals`, growth clauses such as
``同比下降3.4%`` in :mod:`.growth`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .numerals import (
    ARABIC, ARABIC_RE, CN_BIG, CN_CHARS, CN_RUN_RE, CN_SMALL, PH_RE, UNIT_RE, UNITS, cn_to_number, fold,
    is_placeholder_token, scale, to_float, unit_multiplier,
)

__all__ = [
    "MARK_QUALIFIERS",
    "Quantity",
    "parse_quantity",
    "find_quantities",
    "numbers_in",
    "number_in_text",
    "find_placeholder_numbers",
]


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


# ---------------------------------------------------------------------------
# Quantities
# ---------------------------------------------------------------------------

# Qualifiers saying a figure is a mark passed (突破a亿元, 迈上b亿元台阶), not the exact level.
MARK_QUALIFIERS = ("突破", "超过", "超", "迈上", "跨上", "跨越", "跨过", "跃上", "站上")
# 迈上/跨越 … a mark (迈上4000亿元台阶) qualify the figure as a threshold passed, like 突破.
_PREFIX_QUALS = ("不少于", "不低于", "将近", "不足", "不到") + MARK_QUALIFIERS + ("约", "近", "逾")
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
    m = UNIT_RE.match(folded, p)
    if m:
        return m.end(), m.group(0), infix
    return pos, "", None


def _suffix_qualifier(folded: str, end: int) -> str | None:
    for q in _SUFFIX_QUALS:
        if folded.startswith(q, end):
            return q
    return None


def _make(text: str, start: int, end: int, value: float, unit: str | None, qualifier: str | None,
          placeholder: bool = False) -> Quantity:
    base: float | None
    if unit is None:
        base, base_unit = (None if placeholder else value), None
    else:
        factor, base_unit = UNITS[unit]
        base = None if placeholder else scale(value, factor)
    return Quantity(value, unit, base, base_unit, text[start:end], start, end, qualifier, placeholder)


def find_quantities(text: str, *, bare: bool = False, include_placeholders: bool = False) -> list[Quantity]:
    """Every quantity printed in ``text``, ordered by offset.

    Years (``2013年``), dates and ordinals (``第3``) are skipped.  Numbers with
    no unit are returned only when ``bare``; Chinese numerals only with a unit.
    Readers run in turn (百分之…, Arabic, Chinese numerals, placeholders); a
    later one never takes text an earlier one took.
    """
    found = _Found(text)
    _percent_words(found)
    _arabic_numbers(found, bare)
    _chinese_numerals(found)
    _bare_magnitudes(found)
    if include_placeholders:
        _placeholders(found)
    found.quantities.sort(key=lambda q: q.start)
    return found.quantities


class _Found:
    """The quantities read so far from one text, and the spans they take."""

    def __init__(self, text: str):
        self.text = text
        self.folded = fold(text)
        self.quantities: list[Quantity] = []
        self.taken: list[tuple[int, int]] = []

    def free(self, s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in self.taken)

    def add(self, q: Quantity) -> None:
        self.quantities.append(q)
        self.taken.append((q.start, q.end))


def _percent_words(found: _Found) -> None:
    """``百分之八``: the unit comes first."""
    text, folded = found.text, found.folded
    for m in re.finditer(rf"百分之\s*({ARABIC}|[{CN_CHARS}]+)", folded):
        raw = m.group(1)
        val = to_float(raw) if raw[0].isdigit() else cn_to_number(raw)
        if val is not None:
            found.add(Quantity(val, "%", val, "%", text[m.start() : m.end()], m.start(), m.end()))


def _arabic_numbers(found: _Found, bare: bool) -> None:
    text, folded = found.text, found.folded
    for m in ARABIC_RE.finditer(folded):
        s, e = m.start(), m.end()
        if not found.free(s, e) or (s > 0 and folded[s - 1] == "第"):
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
        found.add(_make(text, s, uend, to_float(m.group(0)), unit or None, qual))


def _chinese_numerals(found: _Found) -> None:
    """Chinese numerals, only with a unit (三亿元, 一千二百万元)."""
    text, folded = found.text, found.folded
    for m in CN_RUN_RE.finditer(folded):
        s, run = m.start(), m.group(0)
        if not found.free(s, m.end()) or (s > 0 and folded[s - 1] in "第" + CN_CHARS):
            continue
        num_end, factor = m.end(), 1.0
        if run[-1] in CN_BIG and len(run) > 1:
            # 三亿元 / 一千二百万元: the trailing 亿/万 belongs to the unit.
            num_end, factor = m.end() - 1, CN_BIG[run[-1]]
        value = cn_to_number(run)
        if value is None:
            continue
        uend, unit, infix = _match_unit(folded, num_end)
        if not unit or unit == "年" and len(run) >= 4:
            continue
        if factor != 1.0 and not unit.startswith(run[-1]):
            continue
        qual = _prefix_qualifier(folded, s) or infix or _suffix_qualifier(folded, uend)
        found.add(_make(text, s, uend, value / factor, unit, qual))


# A magnitude printed without a numeral after a verb of reaching (突破万亿元, 迈上千亿元台阶, 稳定在百万吨以上):
# one 万亿, or ten, a hundred, a thousand of the unit after 十/百/千.
_BARE_MAGNITUDE_RE = re.compile(r"(?<=突破|超过|达到|迈上|迈入|跨越|跨过|跃上|站上|稳定|保持|跻身)(?:在|上)?([十百千]?)(?=[万亿])"
                                r"|(?<=[超达过])([十百千]?)(?=[万亿])")
_BARE_FACTOR = {"": 1.0, "十": 10.0, "百": 100.0, "千": 1000.0}


def _bare_magnitudes(found: _Found) -> None:
    text, folded = found.text, found.folded
    for m in _BARE_MAGNITUDE_RE.finditer(folded):
        word = m.group(1) if m.group(1) is not None else m.group(2)
        s = m.end() - len(word)
        uend, unit, _infix = _match_unit(folded, m.end())
        # a bare 万元 / 亿元 (达万元) is a blank left by a template, not one of them (see _placeholders)
        if not unit or unit[0] not in "万亿" or not (word or unit.startswith("万亿")) or not found.free(s, uend):
            continue
        qual = _prefix_qualifier(folded, m.start()) or _suffix_qualifier(folded, uend)
        found.add(_make(text, s, uend, _BARE_FACTOR[word], unit, qual))


def _placeholders(found: _Found) -> None:
    """Template placeholders followed by a unit (``xxxx万元``)."""
    text, folded = found.text, found.folded
    for m in PH_RE.finditer(folded):
        s, e = m.start(), m.end()
        if not found.free(s, e) or not is_placeholder_token(m.group(0)):
            continue
        uend, unit, infix = _match_unit(folded, e)
        if not unit or unit == "年":
            continue
        found.add(_make(text, s, uend, math.nan, unit, infix or _suffix_qualifier(folded, uend), True))


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


def find_placeholder_numbers(text: str) -> list[tuple[int, int]]:
    """Spans of placeholders standing for a number: followed by a unit or ``%`` (``xxxx万元``, ``xx.xx%``)."""
    folded = fold(text)
    out = []
    for m in PH_RE.finditer(folded):
        if not is_placeholder_token(m.group(0)):
            continue
        end, unit, _ = _match_unit(folded, m.end())
        if unit and unit != "年":
            out.append((m.start(), end))
    return out


# ---------------------------------------------------------------------------
# Presence checks
# ---------------------------------------------------------------------------


def numbers_in(text: str) -> list[float]:
    """Every number printed in ``text``: Arabic (full-width folded, ``1,234.5``) and Chinese numerals.

    Chinese numerals count when a unit follows (``三亿元``) or when they hold a
    magnitude character (``一千二百``), so the 一 of 统一 is not a number.
    """
    folded = fold(text)
    out = [to_float(m.group(0)) for m in ARABIC_RE.finditer(folded)]
    with_units = {q.start: q.value for q in find_quantities(text) if not q.raw[:1].isdigit()}
    for m in CN_RUN_RE.finditer(folded):
        if m.start() in with_units:
            out.append(with_units.pop(m.start()))
            continue
        if m.start() > 0 and folded[m.start() - 1] in CN_CHARS:
            continue
        run = m.group(0)
        if any(ch in CN_SMALL or ch in CN_BIG for ch in run) or len(run) >= 2:
            val = cn_to_number(run)
            if val is not None:
                out.append(val)
    return out + list(with_units.values())  # magnitudes printed without a digit (突破万亿元: 1)


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
