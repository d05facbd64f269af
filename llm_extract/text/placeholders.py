"""Spans where a template placeholder stands in for a number or a name.

Report templates and redacted copies write ``xxxxx万元``, ``20xx年``, ``××镇``,
``___镇`` or ``***镇`` where the real figure or place belongs; extraction must
not quote those as values.  Other copies drop the figure and print nothing in its
place (``税收达万元,增长%``, ``覆盖率达,``): :func:`find_number_gaps` finds those.  Kept apart from :mod:`llm_extract.text.normalize`
because detection is a pure string scan over the normalized text, with no
part in building the offset map; normalize only stores its result on
``NormalizedText.placeholders``.
"""

from __future__ import annotations

import re

from ..core.cjk import is_cjk

__all__ = ["find_placeholders", "find_number_gaps"]

_PH_X = re.compile(r"(?<![A-Za-z0-9.+])(?:[A-WYZ](?=[xX]{2,}))?\d*[xX]+(?:\.[xX]+)?%?(?![A-Za-z0-9])")
_PH_TIMES = re.compile(r"×+")
_PH_UNDER = re.compile(r"(?<![A-Za-z0-9_])\d*_+(?![A-Za-z0-9_])")
_PH_STAR = re.compile(r"(?<![A-Za-z0-9*])\d*\*+(?![A-Za-z0-9*])")
_UNIT_AFTER = set("镇鎮乡鄉村县縣市区區省年月日万萬亿億元个個家项項人亩畝%")
_NOT_AFTER_X = set("光射线綫線轴軸")


def find_placeholders(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` where a placeholder stands for a number or a name.

    ``xxxxx万元``, ``增长x%``, ``20xx年``, ``x.xxx亿元``, ``××镇``, ``___镇``,
    ``200*年``, ``***镇``.  An ``x`` inside an English word, ``1+X`` or ``3×4``
    is not a placeholder.
    """
    n = len(text)

    def at(i: int) -> str:
        return text[i] if 0 <= i < n else ""

    spans: list[tuple[int, int]] = []
    for m in _PH_X.finditer(text):
        a, b = m.span()
        core = m.group().rstrip("%")
        if len(core) == 1:
            prev, nxt = at(a - 1), at(a + 1)
            ok = (is_cjk(nxt) or nxt == "%" or is_cjk(prev)) and nxt not in _NOT_AFTER_X
            if not ok:
                continue
        spans.append((a, b))
    for m in _PH_TIMES.finditer(text):
        a, b = m.span()
        if b - a == 1:
            prev, nxt = at(a - 1).strip() or at(a - 2), at(b).strip() or at(b + 1)
            if prev.isdigit() or nxt.isdigit() or not (is_cjk(prev) or is_cjk(nxt)):
                continue
        spans.append((a, b))
    for m in _PH_UNDER.finditer(text):
        g = m.group()
        if g.count("_") >= 2 or g[0].isdigit():
            spans.append(m.span())
    for m in _PH_STAR.finditer(text):
        a, b = m.span()
        g = m.group()
        stars = g.count("*")
        alone = at(a - 1) in ("", "\n") and at(b) in ("", "\n")
        if g[0].isdigit() or (stars >= 3 and not alone) or (stars == 2 and at(b) in _UNIT_AFTER):
            spans.append((a, b))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


# A verb that states a figure, then a unit with no number between (达万元, 增长%, 达到万吨, 超过多万元).
# The unit must end its clause: 投资亿元以上项目 and 万元GDP能耗 are ordinary words, not gaps; 总计/合计
# head table columns (总计%), so they are no verbs here.
_GAP_VERB = r"(?:达到|达|为|增长|增加|下降|减少|提高到|提高|降低|完成|实现|共|累计|突破|超过|投入|引进|新增|发放|占|约|控制在)"
_GAP_UNIT = (r"(?:多|余)?(?:亿元|万元|千元|元|亿美元|万美元|美元|%|个百分点|万吨|吨|万亩|亩|万人|人次|平方米|公里|"
             r"万千瓦|千瓦|人|户|家|个|项)")
_CLAUSE_END = r"(?=[,，。；;、:：)）]|$)"
_GAP_FIGURE = re.compile(_GAP_VERB + _GAP_UNIT + _CLAUSE_END)
# A rate whose value was dropped: 覆盖率达, / 比重为。
_GAP_RATE = re.compile(r"(?:率|比重|比例|占比)(?:达到|达|为|提高到|提高至)(?=[,，。；;])")


def find_number_gaps(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, unit)`` of each spot where a figure was deleted and nothing printed in its place.

    ``实现税收达万元,增长%`` gives ``达万元`` (unit ``万元``) and ``增长%`` (``%``); ``覆盖率达,`` gives
    ``率达`` (``%``).  Only at a clause's end: ``投资亿元以上项目`` is no gap.
    """
    spots = []
    for m in _GAP_FIGURE.finditer(text):
        unit = re.sub(r"^" + _GAP_VERB + r"(?:多|余)?", "", m.group())
        spots.append((m.start(), m.end(), unit))
    spots += [(m.start(), m.end(), "%") for m in _GAP_RATE.finditer(text)]
    return sorted(spots)
