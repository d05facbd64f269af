"""A clause that prints only a head (总产, 完成投资, 带动消费, 实现收入) names its metric through the clause
listed before it or through its sentence: what the rules extractor (:mod:`.rules`) reads when
:func:`.clauses.find_metric` finds no metric.  Works on folded, simplified text.
"""

from __future__ import annotations

import re

from .clauses import INDUCED_RE, skip_lead, strip_connectors
from .vocab import MetricIndex

__all__ = ["carried_metric", "firm_subject"]

# A clause that prints only a head (总产, 完成投资) names the metric of the clause before it:
# ``粮食播种面积a万亩、总产b万吨`` (the vocabulary metric of the same subject) and
# ``实施重点项目n个、完成投资c亿元`` (the investment of the projects counted).
_CARRIED_OUTPUT_RE = re.compile(r"^(?:总产量|总产|产量)$")
_CARRIED_INVEST_RE = re.compile(r"^(?:年度)?(?:计划)?投资$")
_PROJECTS_COUNTED_RE = re.compile(
    r"(?:实施|安排|推进|建设)(?P<subj>[\u4e00-\u9fff“”]{0,10}?项目)\d+[多余]?个(?:以上|左右)?$")
# … or named in it without a count (市级重点项目实行包联、完成投资a亿元; 开展“重大项目提速”行动，…).
_PROJECTS_NAMED_RE = re.compile(r"(?P<subj>(?:重点|重大)(?:工程)?项目|重大工程)")
_TRADE_IN_RE = re.compile(r"以旧换新|“两新”|两新")
# Tourism revenue printed as a bare head after the visitors received (接待游客a亿人次、实现收入b亿元).
_TOURISM_HEAD_RE = re.compile(r"^(?:总|综合)?(?:收入|花费)$")
_VISITORS_RE = re.compile(r"游客|旅游")


def carried_metric(prev: str, seg: str, sentence: str, *, index: MetricIndex) -> str | None:
    """The metric of ``seg`` (a clause before a figure that prints only a head), completed from ``prev``
    (the clause listed before it) or, for induced consumption, from its ``sentence``; None if none."""
    core = strip_connectors(seg)
    head = core[skip_lead(core)[0] :].strip()
    if _CARRIED_OUTPUT_RE.match(head):
        name = re.split(r"[\dxX×*_]", prev.strip(), maxsplit=1)[0]
        name = name[skip_lead(strip_connectors(name))[0] :]  # 确保粮食播种面积a万亩、总产b亿斤
        for k in range(len(name), 1, -1):
            found = index.lookup(name[:k] + head)
            if found and found in index.vocab:
                return found
        return None
    if _CARRIED_INVEST_RE.match(head):
        m = _PROJECTS_COUNTED_RE.search(prev.strip()) or _PROJECTS_NAMED_RE.search(prev)
        return m.group("subj").strip("“”") + "投资" if m else None
    induced = INDUCED_RE.search(core)
    if induced and _TRADE_IN_RE.search(sentence):
        return f"以旧换新{induced.group(1)}消费"
    if _TOURISM_HEAD_RE.match(head) and _VISITORS_RE.search(prev):
        return index.lookup("旅游" + head) or "旅游" + head
    return None


# The measures of a class of firms (利润总额, 营业收入) printed after the clause or sentence that names
# the class (规上工业企业营收a亿元；实现利润总额b亿元; 建筑业企业n家…，利润总额c亿元): the class's, not the place's.
_FIRM_HEAD_RE = re.compile(r"^(?:利润总额|利税总额|利润|利税|营业收入|主营业务收入|营业利润|营收)$")
_FIRM_CLASS = r"(?:规模以上|规上|规模)工业企业|(?:规模以上|规上)服务业企业|建筑业企业"
_FIRM_CLASS_RE = re.compile(_FIRM_CLASS)
_FIRMS_LEAD_RE = re.compile(rf"^(?:全年|全市|全县|全区|全州|全省|全镇|年末)?(?P<cls>{_FIRM_CLASS})")
_SENTENCE_END = "。\n"


def firm_subject(folded: str, seg0: int, seg: str, head: str) -> str | None:
    """The class of firms (``规模以上工业企业``) whose measure ``seg`` (the clause from ``seg0`` to its figure)
    prints when it prints only the firm measure ``head``: the last class its sentence names before it, else
    the class the sentence before opens with; None otherwise."""
    core = strip_connectors(seg)
    if not _FIRM_HEAD_RE.match(head) or core[skip_lead(core)[0] :].strip() != head:
        return None
    start = seg0
    while start > 0 and folded[start - 1] not in _SENTENCE_END:
        start -= 1
    named = list(_FIRM_CLASS_RE.finditer(folded, start, seg0))
    if named:
        cls = named[-1].group(0)
    else:
        end = start
        while end > 0 and folded[end - 1] in _SENTENCE_END + " ":
            end -= 1
        prev = end
        while prev > 0 and folded[prev - 1] not in _SENTENCE_END:
            prev -= 1
        m = _FIRMS_LEAD_RE.match(folded[prev:end].lstrip())
        if m is None or end - prev > 160:
            return None
        cls = m.group("cls")
    return cls if cls.startswith(("规模以上", "建筑")) else "规模以上" + cls[2:]  # 规上/规模工业企业: short forms
