"""Spans where a template placeholder stands in for a number or a name.

Report templates and redacted copies write ``xxxxx万元``, ``20xx年``, ``××镇``,
``___镇`` or ``***镇`` where the real figure or place belongs; extraction must
not quote those as values.  Kept apart from :mod:`llm_extract.text.normalize`
because detection is a pure string scan over the normalized text, with no
part in building the offset map; normalize only stores its result on
``NormalizedText.placeholders``.
"""

from __future__ import annotations

import re

from ..core.cjk import is_cjk

__all__ = ["find_placeholders"]

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
