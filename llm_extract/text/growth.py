"""Growth clauses in Chinese report text: ``同比增长0.25%``, ``下降3.4%``, ``增加500万元``, ``持平``.

Offsets point into the text that was passed in (see :mod:`.numerals`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import Quantity
from .numerals import ARABIC, PH_TOKEN, UNITS, fold, is_placeholder_number, scale, to_float

__all__ = ["Change", "find_changes", "parse_change", "BASIS", "VERBS", "NEG_VERBS", "RATE_RANGE_TAIL"]


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


_BASIS = (
    # at constant prices, possibly followed by the year compared with (按可比价格计算, 比上年 …)
    r"(?:按(?:不变|可比)价格?计算|按可比口径计算|按同口径计算|扣除价格因素)(?:\s*[,，]\s*(?:比上年|比去年|较上年|与上年相比|同比))?|"
    r"同比|环比|比年初|较年初|比上年末|较上年末|比去年末|比上年同期|比去年同期|比上一年|比上年|比去年|较上年同期|"
    r"较去年同期|较上年|较去年|与上年同期相比|与去年同期相比|与上年相比|与去年相比|与上年|与去年|"
    r"比(?:19|20)\d\d年(?:同期)?|较(?:19|20)\d\d年(?:同期)?|"
    # over the plan term before (水利投资比“十二五”时期增长x%)
    r"(?:比|较)[“\"]?十[一二三四五]五(?![”\"]?末)[”\"]?(?:时期|期间)?|同口径|可比口径|年均|年"
)
_NEG_VERBS = ("下降", "减少", "降低", "回落", "下滑", "下跌", "缩减", "缩小", "放缓", "负增长", "减产", "减", "降")
# 增产/减产: an output's change (粮食产量…，比上年增产0.3%)
_VERBS = "增长|增加|上升|提高|提升|递增|扩大|攀升|加快|增产|" + "|".join(_NEG_VERBS) + "|增"
_NOUNS = "增幅|增速|增长率|涨幅|降幅|减幅"
# Public for readers of related statements (lists sharing one growth verb).
BASIS, VERBS, NEG_VERBS = _BASIS, _VERBS, _NEG_VERBS
# The upper end of a rate printed as a range, right after its lower end (增长5%—5.5%, 5—5.5%): group 1 its figure.
RATE_RANGE_TAIL = re.compile(r"\s*%?\s*(?:—|–|-|－|~|～|至|到)+\s*(\d+(?:\.\d+)?)\s*%")
_CHANGE_RE = re.compile(
    rf"(?P<basis>{_BASIS})?\s*(?:[,，]\s*)?(?:(?P<flat>(?:基本)?持平)|"
    rf"(?P<noun>{_NOUNS})?\s*(?:实际)?(?P<verb>{_VERBS})?\s*(?P<conn>了|为|达到|达|超过|超|至|到|完成|实现)?\s*"
    rf"(?P<sign>[-+−])?(?P<num>{ARABIC}|{PH_TOKEN})\s*"
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
    value = None if placeholder else to_float(num)
    if value is not None and m.group("sign") in ("-", "−"):
        value = -value
    sign = -1.0 if negative else 1.0
    signed = None if value is None else sign * value
    raw = text[m.start() : m.end()]
    qualifier = m.group("qual") or (m.group("conn") if m.group("conn") in ("超过", "超") else None)  # 增速超20%
    common = dict(basis=basis, raw=raw, start=m.start(), end=m.end(), qualifier=qualifier,
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
        factor, base_unit = UNITS[unit]
        amount = Quantity(signed, unit, scale(signed, factor), base_unit, text[us:ue], us, ue)
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
        lead = len(folded) - len(folded.lstrip(" ,，、\t"))
        m = _CHANGE_RE.match(folded, lead)
        return _change_from_match(text, m) if m and m.end() > m.start() else None
    changes = find_changes(text)
    return changes[0] if changes else None
