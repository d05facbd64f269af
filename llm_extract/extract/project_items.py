"""Projects read from a report's sentences, by rules (no model).

A work report names its construction and investment projects in lists that share one status:
``云岭水库、青川至云岭高速等项目开工建设`` (review) or ``加快青川机场三期、云岭抽水蓄能电站建设``
(plan).  Each clause that names a project and says how far it is (签约, 开工, 在建, 建成, 投产,
通车 …) gives one record per named project: the name is the list item as printed, the evidence
the clause, the status the clause's verb read in the part of the report it stands in, the period
the year of that part.

Only named projects count: batches (``12个重点项目``, ``一批水利工程``), generic items of a list
(``高标准农田``, ``重大水利工程``) and zones (新区, 开发区, 保税区) are left out, and so are list items that
are clauses, kinds a plan only promotes, programmes called 工程 and items that count or act
(:mod:`.project_names`).  An investment is kept only when the clause names a single project
(``总投资8.6亿元的云岭大桥``), never split from the total of a group.

Works on one section's normalized, simplified text and returns :class:`.structure_items.Item`
offsets into it; :mod:`.extractor` maps them to the original and grounds the records.
"""

from __future__ import annotations

import re
from typing import Optional, Sequence

from ..text.numbers import find_quantities
from ..text.numerals import fold
from .candidates import section_context
from .project_names import MILESTONE_RE, clause_in_name, is_kind, is_programme, not_an_item, word_starts
from .structure_items import Item, clause_spans, heading_years, plan_depth, plan_period

__all__ = ["project_items", "project_status", "section_projects", "split_names"]

# --- what a project is called -----------------------------------------------------------------
# Words a project's name ends with (the object built or run).
_HEAD = (
    r"项目|工程|高铁|铁路|城际|高速公路|高速|公路|国道|省道|机场|水库|(?:水利|航电|航运)枢纽|电站|电厂|核电|港区|码头|泊位群?|"
    r"产业园区?|园|基地|中心|博物馆|纪念馆|美术馆|文学馆|展览馆|军事馆|科技馆|图书馆|体育馆|医院|综合楼|校区|学院|大学|"
    r"研究院|中学|小学|宿舍楼|号线|环线|通道|管道|灌区|生产线|产线|小镇|大桥|隧道|查验场|[一二三四五六\d]期|LNG|集群|"
    r"港|段|煤矿|园区|机组|线路|(?:增建)?[二三四]线|复线|(?<![A-Za-z])[GS]\d{2,4}"
)
# What is done to an object: a name ending so (``云岭医院改造``) must name the object it is done to.
_PROCESS = r"改扩建|扩建|迁建|扩容|改造|恢复重建|修复|一体化"
_PAREN = r"(?:[（(][^）)]{1,8}[）)])?"
_HEAD_END_RE = re.compile(rf"(?:{_HEAD}){_PAREN}[”\"]?$")
_PROCESS_END_RE = re.compile(rf"(?:{_PROCESS}){_PAREN}$")
_OBJECT_RE = re.compile(rf"{_HEAD}|厂|馆|站|桥|广场|场|路|渠|石窟|楼|库|村内")
# A batch, a generic item of a list, a programme, a policy or a zone: no named project.
_COUNT_RE = re.compile(
    r"^(?:\d+|[一二三四五六七八九十百千两几多数]+)(?:[个条项座批所家处大部]|多个|余个)|一批|多个|若干|各类|一系列|(?<![高初同相对特优])等|"
    r"\d+(?:家|件|个|所|处|座|户|条|项|批|部)|[\d一二三四五六七八九十百千万]+(?:大|项)(?:重大|标志性)?(?:工程|项目)|"
    r"^“[^”]*[工项][程目]”$|^“[^”]+”.{0,4}工程$|“[\d一二三四五六七八九十百千万]+(?:”|工程|项目|$)")
_GENERIC_RE = re.compile(
    r"^(?:重大|重点|特色|新型|现代|高标准|新一代|大型|中小|农村|城市|城镇|老旧|省级|市级|县级|乡村|数字|智慧|绿色|传统|"
    r"基础|公共|民生|相关|其他|有关|骨干|配套|既有|现有|已有|在建|续建|新开工|标志性|示范|试点|全省|全市|全区|全县|"
    r"我省|我市|我区|我县|本地|各地|沿线|区域|地方|社会|政府|产业|交通|能源|水利|新能源|新基建|通用|工程|项目|大项目|"
    r"全部|所有|各级|国省|美丽)")
_NOT_PROJECT_RE = re.compile(
    r"行动|体系|机制|政策|制度|改革|战略|计划|规划$|试点|示范区|城市$|新区|开发区|保税区|自贸|试验区|经济区|"
    r"保护区|功能区|承载区|集聚区|先导区|片区|走廊|产业带|经济带|大通道|新通道|工作|活动|服务|建设$|发展$|能力|水平|"
    r"质量|效益|环境|治理$|网络$|设施$|人才|企业$|资金|债券|基金|投资|消费|市场|品牌|标准|[率额量]$|年$|^[\d.]+$|"
    r"(?<!改造)提升(?!\S*工程$)|提质|强基|培优|惠民|精品|创作|素养|赋能|激活|融合|畅通|道德|振兴|培育|保护$|生态保护|生态修复|节能|降碳|超低排放|"
    r"适老化|适儿化|双一流|拔尖|一流|强港|强省|防洪排涝|进校园|进课堂|转型|更新|差别化|属地化|管理|作品|《|领域|"
    r"行业|基础性|补短板|两重|千项万亿|一号|揭榜|攻关|中试|概念验证|实验室|国家公园|文化公园|植物园|长廊|产业集群|"
    r"平台|之都|之乡|创新中心|贸易中心|贸易港|阶段|参与|融入|公平|鼓励|引导|规范|办理|提供|领先|唯一|"
    r"最大$|首个$|首家$|^(?:全国|国内|国际|世界)首|难题|人大|政协|^[一二三四五六七八九十]、|^“[^”]*$|"
    r"更加|更好|更高|更多|方案$|租赁|^[\u4e00-\u9fff]{1,2}化(?:工程)?$|(?:保护|保护利用|升级|创新|提质|优先|增收|致富|惠民)工程$")
# Verbs and adverbs around the list, not part of a name.
_LEAD_RE = re.compile(
    r"(?:着力|着重|重点|全力|加快|加速|加紧|加大|积极|扎实|有序|稳步|持续|深入|全面|大力|确保|力争|争取|推动|推进|促进|"
    r"支持|抓好|抓紧|做好|实施|建设|建成|建好|开工|启动|新建|续建|完成|基本|实现|布局|谋划|招引|引进|打造|围绕|聚焦|"
    r"开展|切实|务实|继续|进一步|尽快|如期|年内|今年|当年|投产|投运|投用|竣工|完工|落成|重点打造|我区首个|首个|落地|开放|"
    r"实现了|完成了|建成了|开工了|推进了|加快了|加强|加力|探索|优化|拓展|统筹|强化|共同|提速|高效|率先|科学|获批|"
    r"新扩建|扩能改造|建强|下大力气|紧紧|全域|全方位|确定|要|好|和|及|以及|与|、|开通|运营|提前|先后|分别|因地制宜|合理有序|"
    r"(?:另)?一方面要?|用心用情用力|凝心聚力|主动|系统|扩充|规模部署|高质高效|高水平|更高水平|"
    r"(?:筹资|筹措|投资|投入)(?:约|超过?|近)?[\d.]+[万亿]*元(?:以上)?)+")
_TAIL_RE = re.compile(
    r"(?:的|之|了|已|正在|正式|全面|全线|主体|顺利|加快|加速|稳步|有序|集中|如期|年内|年底|尽早|力争|基本|已经|目前|"
    r"推进|建设|建成|开工|动工|破土动工|竣工|完工|投产|投用|投运|运行|运营|试运行|通车|贯通|开馆|开放|落成|送电|落地|"
    r"签约|获批|立项|量产|达产|达效|生产|启动|前期工作|前期|进度|规划和建设|规划|准备|工作|高效|[“”\"]|和|及|等|"
    r"投入使用|投入运营|投入运行|并网发电|并网|稳产|满产|上线|试运行|点亮|实现|开诊|开业|开园|校飞|试飞|首航|通航|率先)+$")
# The group the list belongs to: ``…等5条高铁``, ``…等“十大产业项目”``, or a count after the last item
# (``云岭、青川、石门3座抽水蓄能电站``).
_GROUP_RE = re.compile(
    r"(?<![高初同相对特优])(?<!公平)等[^、，。；]*$|(?<=、)[^、，。；\d]{2,12}?(?<!第)(?P<n>(?:\d+|[一二三四五六七八九十两]+)(?:多|余)?[个条座处所家](?=[\u4e00-\u9fff“])[^、，。；]*)$")


def _group(text: str, s: int, e: int) -> Optional[tuple[int, int]]:
    """Where the group of the list ``text[s:e]`` starts and ends (see :data:`_GROUP_RE`), or None."""
    m = _GROUP_RE.search(text, s, e)
    if not m:
        return None
    return (m.start("n"), m.end()) if m.group("n") else (m.start(), m.end())
# Kinds of works a group may name besides those (``甲、乙等遗址博物馆``): its items are works of that kind.
_WORKS_KIND_RE = re.compile(r"馆|公路|水库|电站|电厂|机场|铁路|高铁|高速|码头|港|灌区|大桥|隧道|管道|(?:数据|智算)中心")
_PROJECT_WORD_RE = re.compile(r"项目|工程|高铁|高速|铁路|煤矿|电站|机场|水库|基地|园区?")
_JOIN_RE = re.compile(r"以及|和|及|与")


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    """``text[s:e]`` without the verbs, adverbs and status words around a name."""
    while True:
        s0, e0 = s, e
        m = _LEAD_RE.match(text, s, e)
        if m and m.end() < e:
            s = m.end()
        m = _TAIL_RE.search(text, s, e)
        if m and m.start() > s:
            e = m.start()
        de = text.rfind("的", s, e)
        if de >= 0 and e - de > 3:
            s = de + 1  # ``全国最大的25万吨…项目``: the name follows the last 的
        if (s, e) == (s0, e0):
            return s, e


def split_names(text: str, s: int, e: int, *, kinded: bool = False) -> list[tuple[int, int]]:
    """The list items of ``text[s:e]`` (a clause without its group tail), split at 、 and at a
    和/及/与 that joins two project names (any two when the group names their kind, ``kinded``:
    ``开工甲至乙和丙至丁等高速项目``); each stripped of the words around it."""
    parts: list[tuple[int, int]] = []
    pos = s
    for i in range(s, e + 1):
        if i == e or text[i] == "、" or (text[i] == "“" and i > pos and text[i - 1] == "”"):
            if i > pos:
                parts.append((pos, i))
            pos = i + 1 if i < e and text[i] == "、" else i
    out: list[tuple[int, int]] = []
    for a, b in parts:
        out.extend(_split_join(text, a, b, kinded))
    return [span for span in (_strip(text, a, b) for a, b in out) if span[1] - span[0] >= 2]


def _split_join(text: str, a: int, b: int, kinded: bool = False) -> list[tuple[int, int]]:
    """``云岭水库和青川电厂`` is two names; ``云岭新材料和储能产业园`` one (its left part names nothing)."""
    for m in _JOIN_RE.finditer(text, a, b):
        left = _strip(text, a, m.start())
        if left[1] > left[0] and (kinded or _has_head(text[left[0] : left[1]])):
            return [(a, m.start())] + _split_join(text, m.end(), b, kinded)
    return [(a, b)]


def _has_head(name: str) -> bool:
    """Whether ``name`` ends with the object a project builds (or with a process done to a named object)."""
    if _HEAD_END_RE.search(name):
        return True
    m = _PROCESS_END_RE.search(name)
    return bool(m and _OBJECT_RE.search(name[: m.start()]))


# Works counted by their size (``200公里农村公路改造``, ``13.6万平方米旧住房改造``): a batch, not one project.
_MEASURED_RE = re.compile(r"[\d.]+[万千百]?(?:公里|千米|米|平方米|亩|户|套|间|栋|处|个|所|列|人|座|条|项|家)(?!级)")
# Functions a city is to become (``国际航运中心``, ``省域副中心``) and homes of a slogan (``第一家园``): no works.
_HUB_RE = re.compile(r"(?:经济|金融|航运|贸易|商贸物流|消费|科创|科技创新|赛事|物流枢纽)中心$|副中心|家园$|校园$")
# A kind alone (``加快在建高铁、高速公路、机场等进度``): what is built, not which.
_BARE_HEAD_RE = re.compile(
    r"高铁|铁路|城际|高速公路|高速|公路|国道|省道|机场|水库|电站|电厂|码头|港区|泊位|医院|学校|中学|小学|幼儿园|校舍|"
    r"水利设施|园区|产业园|生产线|产线|新项目")


def _is_named(name: str, *, listed: bool) -> bool:
    """A project's proper name: long enough (two characters in a list: ``西延、西康等高铁``), no batch,
    generic item, programme or zone."""
    return not (len(name) < (2 if listed else 3) or len(name) > 40 or _COUNT_RE.search(name)
                or _GENERIC_RE.match(name) or _NOT_PROJECT_RE.search(name) or _BARE_HEAD_RE.fullmatch(name)
                or _MEASURED_RE.match(name) or _HUB_RE.search(name) or is_programme(name))


# --- how far it is ----------------------------------------------------------------------------
_OPERATING_RE = re.compile(r"投产|投用|投运|通车|运行|运营|开馆|量产|满产|送电|开通|投入使用|开放|开诊|开业|开园|校飞|首航|通航")
_DONE_RE = re.compile(r"建成|完工|竣工|落成|贯通|完成")
_STARTED_RE = re.compile(r"开工|动工|启动|开建")
_PLANNED_RE = re.compile(r"签约|获批|批复|立项|招引|前期|谋划|申报|规划|布局|引进")
_BUILDING_RE = re.compile(r"加快|推进|推动|在建|建设|实施|抓好|打造|续建")
_PLAN_START_RE = re.compile(r"开工|动工|启动|前期|谋划|立项|获批|签约|申报|规划|布局|招引|引进|落地|准备|^(?:新建|建设)")


def project_status(clause: str, plan: bool) -> str:
    """The :data:`~llm_extract.core.types.ProjectStatus` a clause states, read as a plan or a review.

    In a plan, a start (开工, 前期工作, 签约) is ``planned`` and anything else, a completion target
    included, ``under_construction``; in a review the verb says how far the project got.
    """
    if plan:
        return "planned" if _PLAN_START_RE.search(clause) else "under_construction"
    for status, pattern in (("in_operation", _OPERATING_RE), ("completed", _DONE_RE), ("started", _STARTED_RE),
                            ("planned", _PLANNED_RE), ("under_construction", _BUILDING_RE)):
        if pattern.search(clause):
            return status
    return "unknown"


# A clause led by these verbs improves a field or a system; it names no project.
_SOFT_LEAD_RE = re.compile(
    r"(?:加快|大力|积极|着力|持续|继续)?(?:加强|优化|统筹|强化|探索|引导|鼓励|规范|完善|健全|提高|提升|培育|发展|加大|全流程|为|包括)")
# A clause that designates, ranks or plans (入选名单, 获批学位, 总体规划获批): it reports no works.
_DESIGNATION_RE = re.compile(r"入选|名单|学位|授予|总体规划|规划获批|挂牌|更名|升格|升职业本科|获评|(?:出台|编制|印发)\S*规划$")
_STATUS_CUE_RE = re.compile(
    r"建设|建成|建好|开工|动工|竣工|完工|投产|投用|投运|通车|运行|运营|开馆|落成|贯通|送电|扩建|改造|签约|落地|获批|"
    r"立项|前期|推进|推动|加快|实施|抓好|打造|启动|量产|开放|新建|续建|重建|修复|完成")


# --- investment -------------------------------------------------------------------------------
_INVEST_RE = re.compile(r"(?:总投资|投资|计划投资|完成投资)(?:约|达|超过?|近)?")


def _investment(clause: str) -> dict:
    """The amount invested in the one project of a clause (``总投资8.6亿元``), as printed."""
    m = _INVEST_RE.search(clause)
    if not m:
        return {}
    for q in find_quantities(clause[m.end() :]):
        if q.start == 0 and q.base_unit == "元" and q.raw[:1].isdigit():
            return {"investment_value": q.value, "investment_unit": q.unit, "investment_base": q.value_base}
    return {}


# --- one section ------------------------------------------------------------------------------
# A group whose items are no construction projects: research tasks, investment promotion, pilots,
# campaigns and ecological programmes (``…等五项关键技术攻关项目``, ``…等一批招商项目``, ``…等生态工程``).
_GROUP_NOT_RE = re.compile(
    r"攻关|科研|研发|招商|试点|生态|保护|行动|活动|引培|龙头企业|实验室|文化公园|大通道|基础性|系统工程|古树|品种|领域|平台|帮扶|大气|污染|"
    r"[\d一二三四五六七八九十]+大工程")
# What a group says besides the kind of its items (``等4条在建铁路``): count, stage, rank.
_GROUP_COUNT_RE = re.compile(r"(?:\d+|[一二三四五六七八九十百千两几]+)(?:多|余)?[个条座项处所家批](?:以上|左右)?")
_GROUP_MOD_RE = re.compile(r"(?:在建|续建|新开工|重大|重点|标志性|特色|大型|骨干|建设)+")


_KIND_RE = re.compile(rf"[^\d“”\"、]{{0,8}}?(?:{_HEAD}){_PAREN}")


def _group_kind(text: str, gs: int, ge: int) -> Optional[tuple[int, int]]:
    """The kind of project a group names (``铁路`` of ``等4条在建铁路加快推进``): its words up to
    the first head noun, after its count, stage and rank; None when it names none."""
    a = gs + (text[gs] == "等")
    m = _GROUP_COUNT_RE.match(text, a, ge)
    a = m.end() if m else a
    a, b = _strip(text, a, ge)
    m = _GROUP_MOD_RE.match(text, a, b)
    a = m.end() if m and m.end() < b else a
    m = _KIND_RE.match(text, a, b)
    return (a, m.end()) if m and m.end() - a >= 2 else None


def _suffix(text: str, names: list[tuple[int, int]], i: int, kind: Optional[tuple[int, int]]) -> Optional[tuple[int, int]]:
    """What completes the headless list item ``names[i]``: the kind its group names, else, for a short
    item (a place), the part of the next item beyond a prefix as long as this one when that part is a
    kind of project (``云岭、石门抽水蓄能项目``)."""
    if kind:
        return kind
    a, b = names[i]
    if b - a > 4:
        return None
    for c, d in names[i + 1 :]:  # the first item with a head, past other short places (``甲、乙、丙合作产业园``)
        if _has_head(text[c:d]):
            rest = text[c + (b - a) : d]
            ok = (2 <= len(rest) <= 8 and _has_head(rest) and not re.search(r"[和及与“”\"\d]", rest)
                  and b - a in word_starts(text[c:d]))  # the kind starts a word: 乙|抽水蓄能项目, not 乙至丙|…
            return (c + (b - a), d) if ok else None
        if d - c > 4:
            return None
    return None


_QUOTED_LIST_RE = re.compile(r"“[^”]*、[^”]*”")  # ``“净化、序化”``: a slogan, not a list of projects


def _clause_names(text: str, s: int, e: int) -> list[tuple[tuple[int, int], Optional[tuple[int, int]]]]:
    """Named projects of the clause ``text[s:e]``, each with the span that completes its name (or None):
    items with a head noun, and every item of a list one of whose named items has one or whose group
    is a kind of project (``…等重点项目``).  A group of another kind, or a list inside quotes, names none."""
    group = _group(text, s, e)
    words = text[group[0] : group[1]] if group else ""
    kind = _group_kind(text, *group) if group else None
    grouped = bool(_PROJECT_WORD_RE.search(words) or (kind and _WORKS_KIND_RE.search(text, *kind)))
    if _names_nothing(text, s, e, words, grouped):
        return []
    kind = kind if grouped else None
    parts = [_name_part(text, a, b) for a, b in split_names(text, s, group[0] if group else e, kinded=kind is not None)]
    cut = max((i for i, p in enumerate(parts) if p and p[1]), default=0)  # places before a verb were its subjects
    names = [p[0] for i, p in enumerate(parts) if p and (i >= cut or _has_head(text[p[0][0] : p[0][1]]))]
    headed = [_has_head(text[a:b]) for a, b in names]
    listed = grouped or (len(names) > 1 and any(
        h and _HEAD_END_RE.search(text[a:b]) and _is_named(text[a:b], listed=False) for (a, b), h in zip(names, headed)))
    said = MILESTONE_RE.search(_status_text(text, s, e))
    out = []
    for i, ((a, b), h) in enumerate(zip(names, headed)):
        alone = len(names) == 1 and _alone_with_milestone(text, s, e, (a, b))
        if not ((h or listed or alone) and _is_named(text[a:b], listed=listed)):
            continue
        suffix = None if h else _suffix(text, names, i, kind)
        if not h and not_an_item(text[a:b], completed=grouped or suffix is not None):
            continue
        if suffix and not _is_named(text[a:b] + text[suffix[0] : suffix[1]], listed=True):
            continue
        out.append(((a, b), suffix))
    # A list of kinds the report only promotes (建设, 打造, 推进 …) names no project; a list with one named
    # item names them all (``甲市电厂、织金平远电厂``), and so does a group of projects for its own-headed items.
    if out and not said:
        kinds = [_kind_only(text, span, suffix) for span, suffix in out]
        if all(kinds):
            out = [n for n in out if grouped and n[1] is None]
    return out


# What a plant, a line or a works does when it is finished: a name alone before it names a project.
_BUILT_RE = re.compile(r"开工|动工|建成|竣工|完工|投产|量产|满产|投运|投用|通车|开馆|开诊|送电")


def _alone_with_milestone(text: str, s: int, e: int, span: tuple[int, int]) -> bool:
    """Whether the clause ``text[s:e]`` is only a name and that it was started, built or put into
    operation (``甲乙电容器量产``): the name is a project even without a head noun, when it carries a
    place, a firm or a number (:func:`.project_names.is_kind`) and is no count or action."""
    a, b = span
    tail = _TAIL_RE.match(text, b, e)
    if not tail or tail.end() != e or not _BUILT_RE.search(text, b, e) or b - a < 4 or text[a] == "“":
        return False
    return not is_kind(text[a:b]) and not not_an_item(text[a:b], completed=False)


def _names_nothing(text: str, s: int, e: int, words: str, grouped: bool) -> bool:
    """Whether the clause ``text[s:e]``, whose list closes with the group ``words``, names no project: a
    group of another kind, a list inside quotes, a list that is the subject of something else than
    building (``甲港、乙湾等水质提升``), a clause that improves a field or designates (入选, 获批学位)."""
    if _GROUP_NOT_RE.search(words) or _QUOTED_LIST_RE.search(text, s, e):
        return True
    if len(words) > 1 and not (grouped or _STATUS_CUE_RE.search(words) or _OBJECT_RE.search(words) or "设施" in words
                               or _HEAD_END_RE.search(words) or words.endswith("线") or "解决" in words):
        return True
    if _SOFT_LEAD_RE.match(text, s, e) or not (grouped or _STATUS_CUE_RE.search(text, s, e)):
        return True
    return bool(_DESIGNATION_RE.search(text, s, e))


def _name_part(text: str, a: int, b: int) -> Optional[tuple[tuple[int, int], bool]]:
    """The name in the list item ``text[a:b]`` without a subject and its verb before it or a predicate
    after it (see :func:`.project_names.clause_in_name`), and whether a subject was cut off; None when
    the item names nothing."""
    span = clause_in_name(text[a:b])
    if span is None:
        return None
    s, e = _strip(text, a + span[0], a + span[1])
    return ((s, e), span[0] > 0) if e - s >= 2 else None


def _status_text(text: str, s: int, e: int) -> str:
    """The clause when it states a status, else its sentence up to it (``力争开工建设A；B等项目``)."""
    if _STATUS_CUE_RE.search(text, s, e):
        return text[s:e]
    return text[max(text.rfind("。", 0, s), text.rfind("\n", 0, s)) + 1 : e]


def _kind_only(text: str, span: tuple[int, int], suffix: Optional[tuple[int, int]]) -> bool:
    """Whether the name at ``span`` (completed by ``suffix``) is a kind of project, not a named one.  An
    item that a kind of works completes (``甲、乙等水库``) is a name."""
    a, b = span
    if suffix and not re.search(r"(?:项目|工程)$", text[suffix[0] : suffix[1]]):
        return False
    return is_kind(text[a:b] + (text[suffix[0] : suffix[1]] if suffix else ""))


def project_items(text: str, heading_end: int, *, plan: bool, period: Optional[str]) -> list[Item]:
    """One project record per named project in the clauses of a section's body."""
    folded = fold(text)
    out: list[Item] = []
    for cs, ce in clause_spans(folded, heading_end):
        names = _clause_names(folded, cs, ce)
        if not names:
            continue
        clause = folded[cs:ce]
        fields = {"status": project_status(_status_text(folded, cs, ce), plan), "period": period}
        if len(names) == 1:
            fields.update(_investment(clause))
        for (a, b), suffix in names:
            out.append(Item("project", cs, ce, dict(fields), text_span=(a, b), name_suffix=suffix))
    return out


def section_projects(text: str, heading_end: int, path: Sequence[str], doc) -> list[Item]:
    """The projects of one section of ``doc`` (none in a communiqué or a problem section): dated to
    the plan year in a plan part, else to the year its headings or the report's review name."""
    _plan, problem = section_context(" > ".join(path), doc.report_type)
    if problem or doc.report_type == "statistical_communique":
        return []
    plan = plan_depth(path, doc.report_type, doc.plan_years) is not None
    if plan:
        period = plan_period(path, doc.plan_years)
    else:
        years = heading_years(path)
        review = [str(y) for y in (doc.review_years or doc.years)]
        period = years[-1] if years else (review[0] if len(review) == 1 else None)
    return project_items(text, heading_end, plan=plan, period=period)
