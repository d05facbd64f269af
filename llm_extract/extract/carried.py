"""A clause that prints only a head (总产, 完成投资, 带动消费, 实现收入) names its metric through the clause
listed before it or through its sentence: what the rules extractor (:mod:`.rules`) reads when
:func:`.metric_phrase.find_metric` finds no metric.  A head whose owner the paragraph named earlier (a class
of firms, a group of residents, the measure a breakdown is of) is named with it.  Works on folded,
simplified text.
"""

from __future__ import annotations

import re

from .clauses import INDUCED_RE, names_place, skip_lead, strip_connectors
from .metric_phrase import own_projects
from .vocab import MetricIndex

__all__ = ["breakdown_measure", "carried_metric", "firm_subject", "household_subject"]

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


def _bare_head(seg: str) -> str:
    """What ``seg`` (the clause before a figure) names after its connectors, lead words and verbs."""
    core = strip_connectors(seg)
    return core[skip_lead(core)[0] :].strip()


def _clauses_back(folded: str, pos: int) -> list[str]:
    """The clauses of the paragraph before ``pos``, nearest first."""
    return list(reversed(re.split(r"[，,；;。]", folded[_paragraph_start(folded, pos) : pos])))


def carried_metric(prev: str, seg: str, sentence: str, *, index: MetricIndex) -> str | None:
    """The metric of ``seg`` (a clause before a figure that prints only a head), completed from ``prev``
    (the clause listed before it) or, for induced consumption, from its ``sentence``; None if none."""
    core = strip_connectors(seg)
    head = _bare_head(seg)
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
        return own_projects(m.group("subj").strip("“”")) + "投资" if m else None
    induced = INDUCED_RE.search(core)
    if induced and _TRADE_IN_RE.search(sentence):
        return f"以旧换新{induced.group(1)}消费"
    if _TOURISM_HEAD_RE.match(head) and _VISITORS_RE.search(prev):
        return index.lookup("旅游" + head) or "旅游" + head
    if _INDUSTRY_HEAD_RE.match(head):
        named = list(_INDUSTRY_NAMED_RE.finditer(prev))
        if named:  # 推动石化产业延链补链，产值突破a亿元: the industry the clause before named
            ind = _ACTION_LEAD_RE.sub("", named[-1].group("ind"))
            return ind + ("营业收入" if head == "营收" else head) if len(ind) >= 4 else None
    return None


# A bare measure of an industry after the clause that names the industry (…做强石化产业，产值突破a亿元).
_INDUSTRY_HEAD_RE = re.compile(r"^(?:产值|总产值|营收|营业收入)$")
_ACTION_LEAD_RE = re.compile(r"^(?:推动|推进|加快|发展|做强|做大|做优|壮大|培育|打造|支持|实施|促进|提升|深化|建设|聚焦|全力|大力|着力)+")
_INDUSTRY_NAMED_RE = re.compile(r"(?P<ind>(?<![第一二三])[\u4e00-\u9fff]{2,8}?(?:产业集群|产业链|产业))(?!园|基地|项目|工人|政策)")


# The measures of a class of firms (利润总额, 营业收入) printed after the clause or sentence that names
# the class (规上工业企业营收a亿元；实现利润总额b亿元; 建筑业企业n家…，利润总额c亿元): the class's, not the place's.
_FIRM_HEAD_RE = re.compile(r"^(?:利润总额|利税总额|利润|利税|营业收入|主营业务收入|营业利润|营收)$")
_FIRM_CLASS = r"(?:规模以上|规上|规模)工业企业|(?:规模以上|规上)服务业企业|建筑业企业"
_FIRM_CLASS_RE = re.compile(_FIRM_CLASS)


def firm_subject(folded: str, seg0: int, seg: str, head: str) -> str | None:
    """The class of firms (``规模以上工业企业``) whose measure ``seg`` (the clause from ``seg0`` to its figure)
    prints when it prints only the firm measure ``head``: walking back over the clauses of its paragraph,
    the class the nearest one names, as long as the clauses between continue the subject (they open with a
    verb, a growth or a measure, 完成工业品出口交货值…); None when a clause with another subject comes first."""
    core = strip_connectors(seg)
    lead = skip_lead(core)[0]
    if not _FIRM_HEAD_RE.match(head) or core[lead:].strip() != head or names_place(core[:lead]):
        return None  # 全县实现利润总额: the place's, whatever the clause before named
    for clause in _clauses_back(folded, seg0):
        named = list(_FIRM_CLASS_RE.finditer(clause))
        if named:
            cls = named[-1].group(0)
            return cls if cls.startswith(("规模以上", "建筑")) else "规模以上" + cls[2:]  # 规上/规模工业企业
        body = clause.strip()
        lead = skip_lead(body)[0]
        if names_place(body[:lead]) or body[lead:] and not _CONTINUES_RE.match(body[lead:]):
            return None  # 全县实现营业收入…: the clauses between speak of the place
    return None


# A clause that continues the subject before it: a verb, a growth, a firm measure, a ratio of the firms.
_CONTINUES_RE = re.compile(r"(?:完成|实现|比上年|同比|增长|下降|增加|减少|利润|利税|营业|主营|产品销售率|亏损|资产|(?:建筑业|工业)?总产值|"
                           r"出口交货值|工业品|\d)")


def _paragraph_start(folded: str, pos: int, limit: int = 320) -> int:
    """Start of the paragraph holding ``pos`` (at most ``limit`` characters back)."""
    start = pos
    while start > max(0, pos - limit) and folded[start - 1] != "\n":
        start -= 1
    return start


# Per-capita income components and spending printed after the income of a group of residents
# (城镇居民人均可支配收入a元。其中：工资性收入b元…; 人均消费支出c元): that group's per-capita figures.
_HOUSEHOLD_HEAD_RE = re.compile(
    r"^(?:人均)?(?P<part>工资性收入|工资净收入|经营净收入|经营性收入|财产净收入|财产性收入|转移净收入|转移性收入|"
    r"消费支出|生活消费支出|消费性支出)$")
_RESIDENTS_RE = re.compile(r"全体居民|城镇(?:常住)?居民|城市居民|农村(?:常住)?居民|农民(?!工(?!资))|全市居民|全县居民|居民")
_PART_NAME = {"工资净收入": "工资性收入", "生活消费支出": "消费支出", "消费性支出": "消费支出"}


def household_subject(folded: str, seg0: int, seg: str, head: str, *, index: MetricIndex) -> str | None:
    """``城镇居民人均工资性收入`` for a clause ``seg`` printing only an income component or spending ``head``
    after its paragraph named a group of residents (the last one named before it); None otherwise."""
    m = _HOUSEHOLD_HEAD_RE.match(head)
    if m is None or _bare_head(seg).lstrip("：:") != head:
        return None
    named = list(_RESIDENTS_RE.finditer(folded, _paragraph_start(folded, seg0), seg0))
    if not named:
        return None
    group = named[-1].group(0)
    group = "城镇居民" if group.startswith(("城镇", "城市")) else "农村居民" if group.startswith(("农村", "农民")) else "居民"
    part = m.group("part")
    name = group + "人均" + _PART_NAME.get(part, part)
    return index.lookup(name) or name


# An industry named alone in its growth (租赁和商务服务业增长x%) is read as its value added's (see
# metric_phrase._generic_name); in a breakdown (其中, 分行业看, …中，) of another measure it is that measure's:
# 规上服务业企业营业收入a亿元。其中，租赁和商务服务业增长x% -> 租赁和商务服务业营业收入.
_MEASURE_RE = re.compile(r"增加值|营业收入|营收|利润总额|利润|投资|总产值|产值|销售额|零售额")
_BREAKDOWN_RE = re.compile(r"其中|分[\u4e00-\u9fff]{1,6}看|中\s*[，,]")


# A group of industries named alone in its growth (高技术产业增长x%, 传统产业增长y%) is kept as printed unless
# the clauses before it in its paragraph state value added (规模以上工业增加值…，甲产业增加值增长z%).
_INDUSTRY_GROUP_RE = re.compile(r"(?:产业|制造业)$")


def breakdown_measure(folded: str, seg0: int, printed: str, canonical: str) -> str | None:
    """The name of the industry ``printed`` alone (its canonical name ``canonical`` read as a value added)
    when the clauses before it, in its paragraph, break down another measure; a group of industries
    kept as printed (``canonical`` = ``printed``: 高技术产业) is that measure's when the measure is value
    added.  None otherwise."""
    bare = re.sub(r"\s+", "", printed)
    group = canonical == bare and _INDUSTRY_GROUP_RE.search(bare) is not None
    if not (canonical.endswith("增加值") or group) or "增加值" in printed:
        return None
    before = folded[_paragraph_start(folded, seg0) : seg0]
    heads = list(_MEASURE_RE.finditer(before))
    if not heads:
        return None
    head = heads[-1].group(0)
    if group:
        return bare + "增加值" if head == "增加值" else None
    if head == "增加值" or not _BREAKDOWN_RE.search(before, heads[-1].end()):
        return None
    return bare + ("营业收入" if head == "营收" else head)


# An industry printed alone before a level in a breakdown of a measure (社会消费品零售总额a亿元…。分行业看，批发业
# b亿元，增长x%；零售业c亿元): that industry's part of the measure.
_INDUSTRY_ALONE_RE = re.compile(r"^(?!第[一二三]产业)[\u4e00-\u9fff]{1,8}(?<!企)业$")
_LEVEL_MEASURE = {"零售总额": "零售额", "营收": "营业收入"}
_LEVEL_MEASURES = ("零售总额", "零售额", "营业收入", "营收")  # sales by trade, revenue by industry
_LEVEL_HEAD_RE = re.compile(_MEASURE_RE.pattern + "|零售总额")  # the measures a breakdown may be of


def breakdown_level(folded: str, seg0: int, seg: str) -> str | None:
    """``批发业零售额`` for a clause ``seg`` printing only an industry before a level, when the clauses before it in
    its paragraph break down a measure (分行业看, 其中, …中，); None otherwise."""
    name = _bare_head(seg).lstrip("：:，,")
    if not _INDUSTRY_ALONE_RE.match(name):
        return None
    before = folded[_paragraph_start(folded, seg0) : seg0]
    heads = list(_LEVEL_HEAD_RE.finditer(before))
    head = heads[-1].group(0) if heads else None
    if head not in _LEVEL_MEASURES or not _BREAKDOWN_RE.search(before, heads[-1].end()):
        return None
    return name + _LEVEL_MEASURE.get(head, head)


# A class of insurance printed alone after the premiums or the payouts it is a part of (保费收入a亿元。其中，
# 财产险b亿元，人身险c亿元; 赔款及给付d亿元，其中财产险e亿元): that class's premiums or payouts.
_INSURANCE_CLASS_RE = re.compile(r"^(?P<cls>财产保险|人身保险|财产险|人身险|寿险|人寿险|人寿保险|健康险|健康保险|意外险|"
                                 r"人身意外伤害险|人身意外险|财险)$")
_INSURANCE_WHOLE_RE = re.compile(r"(?P<premiums>保费收入)|(?P<payouts>赔付|赔款|给付)")
_INSURANCE_SHORT = {"财产保险": "财产险", "人身保险": "人身险"}


def insurance_measure(folded: str, seg0: int, seg: str) -> str | None:
    """``财产险保费收入`` for a clause ``seg`` printing only a class of insurance, after a clause of its
    paragraph that states the premiums or the payouts (the nearest one); None otherwise."""
    m = _INSURANCE_CLASS_RE.match(_bare_head(seg).lstrip("：:，,"))
    if m is None:
        return None
    cls = _INSURANCE_SHORT.get(m.group("cls"), m.group("cls"))
    for clause in _clauses_back(folded, seg0):
        found = list(_INSURANCE_WHOLE_RE.finditer(clause))
        if found:
            return cls + ("保费收入" if found[-1].group("premiums") else "赔付支出")
    return None
