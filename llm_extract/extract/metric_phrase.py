"""The metric a clause names before a figure (:func:`find_metric`): a name the vocabulary knows, or an open
name with a generic head (收入, 增加值, 投资 …) whose owner is the whole jurisdiction — not one project, firm
or sub-area, a share or a count of people.

Reads the phrase :mod:`.clauses` bounds (:func:`~.clauses.skip_lead`, :func:`~.clauses.strip_connectors`);
offsets are relative to the segment text it is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .clauses import INDUCED_RE, skip_lead, strip_connectors
from .vocab import INDUSTRY_SECTIONS, MetricIndex

__all__ = ["Metric", "find_metric", "GENERIC_HEADS"]

# Heads of metric names not in the vocabulary, with the units they take.
_MONEY_HEADS = (
    "总值", "总额", "收入", "产值", "增加值", "销售", "营销", "销售额", "税收", "利税", "利润", "出口", "进口",
    "外资", "财力", "支出", "存款", "贷款", "营业额", "零售额", "余额", "成交额", "交易额", "供货值", "投资", "花费",
    "营收", "贸易", "经费", "经费投入", "研发投入", "出口额", "进口额", "进出口额", "内资", "消费", "融资", "收入额", "收益",
    "外资金额", "到位金额", "交易金额", "赔付", "赔付金额", "赔付支出", "赔付给付",  # 财产险赔付a亿元: a class of insurance's payouts
)
_PEOPLE_HEADS = ("人数", "人口")
_GENERIC_HEADS = _MONEY_HEADS + _PEOPLE_HEADS + ("产量", "总量")
_MONEY_BASES = ("元", "美元", "美金", "欧元", "港元", "日元", "元人民币", None)
GENERIC_HEADS = _GENERIC_HEADS
_RATE_HEADS = ("率", "比重", "比例")
_ENTITY_WORDS = ("企业", "项目", "工程", "公司", "园区", "开发区", "学校", "医院", "集团")
# A generic phrase holding these has its own subject or clause (规模企业实现…, 建成后可新增产值).
_SUBJECT_VERBS = ("完成", "实现", "达到", "预计", "计划", "引进", "新建", "建成", "后", "可", "能", "将", "已")
_BARE_HEAD_RE = re.compile(r"^(?:总|年度|年|新增|各类|全部|共|累计)")
# Whose figure a generic head is, when an entity word would otherwise disqualify the phrase: an aggregate
# of many enterprises (规模以上工业企业, 规上文化企业) or of a programme's projects (重点项目, 重大工程,
# “十大产业项目”), optionally with the verb before the measure (重大项目完成投资).  A single named project
# or firm is no aggregate and keeps failing the entity test.
_AGGREGATE_RE = re.compile(
    r"(?P<subj>(?P<firms>(?:规模以上|规上|规模|限额以上|限上)[\u4e00-\u9fff]{0,6}?企业)"
    r"|[省市州县区]?[\u4e00-\u9fff]{0,4}?(?:重点|重大|大中型|签约)[\u4e00-\u9fff]{0,2}?(?:工程项目|项目|工程)"
    r"|“[^”]{1,10}”(?:项目|工程)?)"
    r"(?P<verb>累计完成|完成|实现)?"
)
# What an aggregate of projects states: the investment completed (not 总投资, a pipeline's total).
_PROJECT_HEADS = ("投资", "年度投资")
# Loans to a class of enterprises are a credit aggregate (普惠小微企业贷款, 科技型企业贷款余额).
# Construction firms (资质等级以上/专业承包…建筑业企业) and a measure of theirs they realise.
_BUILDERS_RE = re.compile(r"^[\u4e00-\u9fff]{0,12}?建筑业?企业(?:共|已)?(?:实现|完成)?(?P<head>利润总额|利税总额|营业收入|主营业务收入)$")
# The firms or units that complete an aggregate of their industry the vocabulary names (施工企业完成建筑业总产值).
_FIRMS_DO_RE = re.compile(r"(?:企业|单位)(?:共|已)?(?:完成|实现)")
_SCALED_FIRMS_RE = re.compile(r"规模以上|规上|规模|限额以上|限上")
# A note printed inside a metric's name (…存款（含外币）余额, 规模以上服务业[5]…).
_INNER_NOTE_RE = re.compile(r"[(（][^()（）]{1,22}[)）]|\[\d{1,2}\]")
_FIRM_LOANS_RE = re.compile(r"^[\u4e00-\u9fff]{0,8}企业(?:及机关团体)?(?:中长期)?(?:贷款|存款)(?:余额)?$")
# A count of what is summed opens the phrase (N个重大项目完成投资, N家规模以上企业…).
_COUNT_LEAD_RE = re.compile(r"\d+(?:\.\d+)?[多余]?[个家条]")
_NAMED_PLACE_RE = re.compile(r"^[\u4e00-\u9fff]{2,4}[省市县区州镇乡旗](?=[\u4e00-\u9fff])")
_LEVEL_KEY_RE = re.compile(r"^[省市州县区](?=重点|重大)")


def own_projects(subject: str) -> str:
    """``重点项目`` for ``青川县重点项目`` or ``省重点项目``: the place, or its level alone, is the report's
    (a grade, 省级重点项目, is kept)."""
    return _LEVEL_KEY_RE.sub("", _NAMED_PLACE_RE.sub("", subject))

# Places summed (18个特色专业镇, 12个开发区) are sub-areas, not the jurisdiction's aggregate.
_PLACES_RE = re.compile(r"[镇乡村县市州]|园区|开发区")
# 和 inside a standard industry name (批发和零售业, 软件和信息技术服务业营业收入) is no list of metrics.
_INDUSTRY_AND_RE = re.compile(r"^[^和]{1,8}和[^和]{1,10}业[^和]{0,6}$")
# The size of an industry or an economy is its output (数字经济规模, 现代服务业规模); of a money
# measure, that measure (跨境电商出口规模 -> 跨境电商出口).
_SIZE_RE = re.compile(r"(?:产业|经济|业|产业链)规模$")
# Words holding 能 that are no modal verb (智能计算产业产值 has no clause of its own).
_NOT_MODAL_RE = re.compile(r"能源|智能|动能|性能|功能|节能|储能|太阳能|风能|核能|产能|效能|可支配|险公司")
# The statistics' threshold of what is counted (5000万元以上工业投资) and the insurers as a whole
# (全部保险公司保费收入) open the phrase without naming another metric; a class of insurers
# (寿险公司赔款) stays part of the name (险公司 is no single firm).
_THRESHOLD_RE = re.compile(r"\d+(?:\.\d+)?\s*万元\s*(?:及|或)?以上(?:的)?(?=[\u4e00-\u9fff])")
_INSURERS_RE = re.compile(r"(?:各类|全部)?保险公司(?:全部)?(?=[\u4e00-\u9fff]{3})")
_SHORT_NAMES = ("出口", "进口")  # whole metrics of trade in two characters (其中：出口…，进口…)
# 规模工业, 规上工业: the statistics' short forms of 规模以上.
_ABOVE_SCALE_RE = re.compile(r"^(?:规上|规模(?!以上))(?=工业)")
# Heads an aggregate's growth may be printed with alone (电子信息产业增长x%, 能源工业增长y%): the
# industry's output.  Not for levels: a bare 产业 before a money figure is mostly a programme's size.
_GROWTH_HEADS = ("产业", "工业", "服务业", "产业链", "产业集群")
# A group of manufacturing named by a quality (高技术制造业, 装备制造业): an aggregate whose growth may be printed
# alone; a class of the industry classification (医药制造业, 通用设备制造业) is one industry's, no aggregate.
_MANUFACTURING_GROUP_RE = re.compile(r"(?:高技术|高新技术|装备|消费品|高成长性|先进|原材料|高耗能|高载能|传统|新兴|数字)制造业$")
# An industry that completes or realises its measure (白酒产业完成产值a亿元): the industry's measure.
_INDUSTRY_VERB_RE = re.compile(
    r"^(?P<ind>[\u4e00-\u9fff]{2,8}?(?:产业链|产业|行业|制造业|服务业|工业)|农林牧渔业)(?:累计)?(?:完成|实现)(?P<head>[\u4e00-\u9fff]{2,4})$")
# What a programme or a cause brings about is named after its verb (以旧换新带动家电零售额增长x%);
# the last one counts.  带动消费 alone is the programme's outcome (see carried_metric).
_CAUSE_RE = re.compile(r"(?:带动|拉动|推动|促进|助推)(?=[\u4e00-\u9fff]{3})")
# Members listed before 等 or before a quoted collective name, and the aggregate they belong to
# (芯片、显示面板等电子信息产业; 光伏组件、储能电池“新两样”出口额).
_MEMBERS_RE = re.compile(r"[^等、，]{1,10}等(?=[\d\u4e00-\u9fff]{4})|(?![对向与在从])[\u4e00-\u9fff]{1,8}(?=“[^”]{1,8}”)"
                         r"|[\u4e00-\u9fff]{1,8}?(?=[两二三四五六七八九十]大[\u4e00-\u9fff]{2})")  # …人工智能三大先导产业
# A credit or financing aggregate's increment (各项贷款新增a亿元, 社会融资规模新增b亿元).
_INCREMENT_RE = re.compile(r"(?<=贷款|存款|融资|规模)新增(?:投放)?$")


@dataclass
class Metric:
    start: int  # offsets relative to the segment text
    end: int
    canonical: str


def _unit_fits(name: str, base_unit: str | None) -> bool:
    """Money metrics take money units, head counts take 人; others anything."""
    if name.endswith(_MONEY_HEADS):
        return base_unit in _MONEY_BASES
    if name.endswith(_PEOPLE_HEADS):
        return base_unit in ("人", "人次", None)
    return True


def find_metric(seg: str, *, rate: bool, index: MetricIndex, base_unit: str | None = None,
                growth: bool = False) -> Metric | None:
    """The metric named at the end of ``seg`` (the clause text before a figure), if any.

    ``rate`` says the figure is a percentage (only 率/比重 names take one);
    ``base_unit`` of the figure must suit the metric (收入 takes 元, not 户);
    ``growth`` says the figure is the metric's growth (an industry may then be named alone).
    """
    core = strip_connectors(seg)
    if re.search(r"[(（][^()（）]*$", core):
        return None  # 规模以上工业（年主营业务收入2000万元及以上）: a figure inside a note names no metric
    increment = None if rate or growth else _INCREMENT_RE.search(core)
    if increment:
        core = core[: increment.start()]  # 各项贷款新增a亿元: the metric is the increment of 各项贷款
    paren = re.search(r"(?:[(（][^()（）]{1,12}[)）]|\[\d{1,2}\])$", core)  # (GDP), footnote mark [3]
    body = core[: paren.start()] if paren else core
    inner = _INNER_NOTE_RE.search(body)
    if inner:  # 各项存款（含外币）余额: the note inside the name is no part of it
        body = body[: inner.start()] + " " * (inner.end() - inner.start()) + body[inner.end() :]
    pos, metric_start = skip_lead(body)
    cause = None
    for cause in _CAUSE_RE.finditer(body, pos):
        pass
    if cause:
        pos, metric_start = (p + cause.end() for p in skip_lead(body[cause.end() :]))
    members = _MEMBERS_RE.match(body, pos)
    if members:
        pos = metric_start = members.end()
    count = _COUNT_LEAD_RE.match(body, pos)
    if count and not _PLACES_RE.search(body, count.end()):
        pos = metric_start = count.end()  # the number of projects, firms or industries summed
    lead = _THRESHOLD_RE.match(body, pos) or _INSURERS_RE.match(body, pos)
    if lead:
        pos = metric_start = lead.end()
    doers = None
    for doers in _FIRMS_DO_RE.finditer(body, pos):
        pass
    done = body[doers.end() :] if doers else ""
    known = (index.lookup(done) or _generic_name(done, rate, index, growth=growth)) if done else None
    firms = body[pos : doers.start()] if doers else ""
    # the firms are the metric's industry when their name shares a word with it (建筑施工企业 … 建筑业总产值
    # share 建筑; 房地产开发经营企业 … 房地产开发投资 share 房地)
    of_industry = bool(known) and any(firms[i : i + 2] in known for i in range(len(firms) - 1))
    # 规模以上工业企业完成工业总产值 is the 规模以上 aggregate (see _AGGREGATE_RE), not the industry's
    if known and of_industry and not _SCALED_FIRMS_RE.search(body, pos, doers.start()):
        pos = metric_start = doers.end()  # 施工企业完成建筑业总产值: the industry's firms complete its aggregate
    phrase = body[pos:].replace(" ", "") if inner else body[pos:]
    canonical = index.lookup(body[metric_start:]) if phrase else None  # a name the vocabulary knows as printed
    # 批发和零售业增加值, 企业及机关团体贷款: whole names that hold 和/、/及
    section = phrase.startswith(INDUSTRY_SECTIONS) or bool(_FIRM_LOANS_RE.match(phrase))
    if not phrase or len(phrase) > 24 or (not section and len(phrase) > 16) or (canonical is None and not section and (
            re.search(r"[\dxX×*_的及]", phrase) or (
            "和" in phrase and not ((base_unit or phrase.endswith(("营收", "营业收入"))) and _INDUSTRY_AND_RE.match(phrase))))):
        return None  # an industry's growth alone (…和…业增长x%) is a breakdown; its level or its revenue's growth a metric
    raw_end = len(core)
    is_rate = phrase.endswith(_RATE_HEADS) or (canonical or "").endswith(_RATE_HEADS)
    if rate != is_rate:
        return None
    if canonical is None:
        canonical = _generic_name(phrase, rate, index, growth=growth)
        if canonical is None:
            return None
        if increment:
            if not canonical.endswith(("贷款", "存款", "融资规模")):
                return None
            canonical += "新增额" if increment.group(0) == "新增" else increment.group(0)
    if not rate and not _unit_fits(canonical, base_unit):
        return None
    return Metric(metric_start, raw_end, canonical)


# Counts of public-order events (信访总量下降x%, 刑事案件): no economic aggregate, whatever their head.
_PUBLIC_ORDER_RE = re.compile(r"信访|刑事|案件|发案|事故|火灾|犯罪")


def _generic_name(phrase: str, rate: bool, index: MetricIndex, *, growth: bool = False) -> str | None:
    """The name of a metric the vocabulary does not know: a generic head (收入, 增加值, 贸易 …) after a
    modifier, possibly owned by an aggregate subject (规上文化企业营业收入, 重大项目完成投资); for a
    ``growth``, also an industry named alone (能源工业); None if the phrase names no metric."""
    if _PUBLIC_ORDER_RE.search(phrase):
        return None
    if growth and not rate and phrase == "经济":
        return "地区生产总值"  # 经济增长x%: the economy's growth is the GDP's (数字经济增长: not the economy)
    if phrase in _SHORT_NAMES and not rate:
        return phrase
    if phrase in ("进出口", "货物进出口") and not rate:
        return index.lookup("进出口总额") or "进出口总额"  # 进出口下降x%: the trade's total (a whole phrase only)
    short = re.sub(r"(?:总值|总额|额)$", "", phrase)
    if short != phrase and short in _SHORT_NAMES and not rate:
        return short  # 其中，出口额a亿元 / 出口总值…: the trade's exports
    if not rate and _FIRM_LOANS_RE.match(phrase):
        return phrase
    builders = None if rate else _BUILDERS_RE.match(phrase)
    if builders:  # 总承包建筑业企业完成营业收入: the construction firms' measure
        return "建筑业企业" + builders.group("head")
    industry = None if rate else _INDUSTRY_VERB_RE.match(phrase)
    if industry and industry.group("head").endswith(_MONEY_HEADS):
        name = industry.group("ind") + industry.group("head")
        return index.lookup(name) or name
    agg = _AGGREGATE_RE.match(phrase)
    if agg and agg.group("subj").endswith("”") and not re.search("项目|工程", agg.group("subj")):
        agg = None  # a quoted name of products or industries (“新三样”产品出口) is a modifier, no aggregate
    if agg and agg.end() < len(phrase) and not rate:
        subject, rest = agg.group("subj"), phrase[agg.end() :]
        if agg.group("firms"):
            if any(w in rest for w in _ENTITY_WORDS + _SUBJECT_VERBS) or not rest.endswith(_MONEY_HEADS):
                return None
        elif rest not in _PROJECT_HEADS:
            return None
        else:
            subject = own_projects(subject)
        name = _ABOVE_SCALE_RE.sub("规模以上", subject + rest)
        scale = "规模以上" + rest if re.match("规模|规上", subject) else name  # 规模企业实现工业总产值
        return index.lookup(name) or index.lookup(scale) or name
    if any(w in _NOT_MODAL_RE.sub("", phrase) for w in _ENTITY_WORDS + _SUBJECT_VERBS) or len(phrase) < 3 or (
            INDUCED_RE.search(phrase)):  # 直接拉动消费: a programme's outcome (carried_metric)
        return None
    if not rate and phrase.endswith("规模"):
        base = phrase[:-2]
        if base.endswith("融资"):
            return phrase  # 社会融资规模 is the name of the aggregate
        return base if base.endswith(_MONEY_HEADS) else phrase if _SIZE_RE.search(phrase) else None
    known = index.lookup(phrase + "增加值")  # 第三产业增长x%, 服务业增长y%: their value added's growth
    if growth and not rate and (phrase.endswith(_GROWTH_HEADS) or _MANUFACTURING_GROUP_RE.search(phrase)) and (
            known or len(phrase) >= 4):
        return known or (phrase + "增加值" if phrase.endswith(("工业", "服务业")) else phrase)
    if not phrase.endswith(_RATE_HEADS if rate else _GENERIC_HEADS):
        return None
    if _BARE_HEAD_RE.sub("", phrase) in _GENERIC_HEADS and not phrase.startswith(("研发", "R&D")):
        return None  # 总投资, 年度投资, 销售额: whose, the phrase does not say (研发投入 says what)
    if re.search(r"赔付(?:金额|支出|给付)?$", phrase) and "险" not in phrase:
        return None  # 为农户赔付a万元: a payout to someone, not a class of insurance's
    phrase = _ANNUAL_RE.sub("", phrase)  # 某某产业年营收: the annual figure is the figure
    return phrase[:-2] + "营业收入" if phrase.endswith("营收") else phrase  # 营收: the short form


_ANNUAL_RE = re.compile(r"(?<=[\u4e00-\u9fff]{2})年(?=(?:营收|营业收入|总产值|产值|销售收入|销售额)$)")
