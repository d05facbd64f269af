"""Tasks read from a report's structure, by rules (no model).

A work report says what it will do in a plan part (``二、2026年工作安排``, ``三、20xx年工作打算``,
``关于2026年工作``): each first-level item under it (``（一）做强云岭特色产业``) is a headline
task, and each clause of its body that sets a quantity (``新建茶园步道12公里``) or a deadline
(``年底前通车``) is a task of its own.  A town's or county's plan also counts its deliverable actions.

Works on one section's normalized, simplified text and returns :class:`.structure_items.Item`
offsets into it; which headings open a plan part is read by :func:`.structure_items.plan_depth`.
"""

from __future__ import annotations

import re
from typing import Optional, Sequence

from ..core.types import canonical_report_type
from ..text.numbers import Quantity, find_quantities
from ..text.numerals import fold
from ..text.outline import match_marker
from .structure_items import _TRAIL, Item, clause_spans, plan_depth, plan_period
from .vocab import MetricIndex, default_index

__all__ = ["headline_span", "task_items", "local_plan", "action_items", "section_tasks"]


# Headings that name the part, not a task (``一、总体思路``, ``三、主要任务``).
_GENERIC_TITLE_RE = re.compile(
    r"^(?:总体思路|指导思想|总体要求|主要任务|主要目标|目标任务|奋斗目标|预期目标|发展目标|工作重点|重点工作|主要工作|"
    r"工作措施|保障措施|具体措施)$")
# Words only a look back puts in a heading (``（二）工作完成情况``); a plan's item may well promise to
# complete something or make progress (``（三）推动乡村全面振兴取得新进展``).
_REVIEW_TITLE_RE = re.compile(r"回顾|以来|成绩|总结|情况")


def headline_span(text: str, heading_end: int) -> Optional[tuple[int, int]]:
    """The title of the section's numbered heading after its marker, as ``(start, end)`` of ``text``."""
    p = 0
    while p < heading_end and text[p].isspace():
        p += 1
    mk = match_marker(text, p)
    if mk is None or mk.body >= heading_end:
        return None
    s, e = mk.body, heading_end
    while e > s and text[e - 1] in _TRAIL:
        e -= 1
    title = text[s:e]
    if e - s < 4 or _GENERIC_TITLE_RE.match(title) or _REVIEW_TITLE_RE.search(title):
        return None
    return s, e



# --- tasks ------------------------------------------------------------------------------------
_DEADLINE_RE = re.compile(
    r"(?:到|在)?(?:(?:19|20)\d\d年(?:底|末|内)?(?:前)?|[一二三两四五\d]年内|年内|年底前?|年末|全年|上半年|今年内|"
    r"(?:今年)?(?<![\d去上前]年)(?<!\d)(?:[1-9]|1[0-2])月(?:底|末)?前?)")
# A count or measure a task sets; years, durations and ordinals are no target.
_NO_TARGET_UNITS = {"年", "天", "个月", "小时", "分钟", "周", "倍", "岁"}
_TASK_VERB_RE = re.compile(
    r"新增|新建|建设|建成|改造|培育|实施|引进|完成|实现|达到|达|突破|提高|提升|增长|开展|培训|推广|打造|安排|"
    r"组织|创建|开行|开工|投入|支持|谋划|供应|减负|治理|修复|营造|补充|新开发|转移|保持|控制|稳定|不低于|不超过|"
    r"下降|超过|覆盖|普及|竣工|通车|投运|投产|投用|开通")


_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_QUALIFIER_RE = re.compile(r"以上|左右|以内|以下|[多余]")


# A figure that names a set rather than sets a target: the policies of a package (``惠企18条政策``,
# ``5项改革事项``) and the items of the list a clause announces (``做好以下6项工作``).
_NAMED_SET_RE = re.compile(r"[^，。；]{0,8}?(?:政策|举措|措施|事项)|(?:个)?(?:方面|面)?(?:的)?(?:重点)?工作$")
_LIST_INTRO_RE = re.compile(r"(?:以下|上述)$")


def _quoted(clause: str, i: int) -> bool:
    """Whether ``clause[i]`` stands inside “…” (a slogan such as ``“2个100%”`` counts nothing)."""
    return clause.count("“", 0, i) > clause.count("”", 0, i)


# Units a plan's targets take that the general reader of quantities does not know: capacity in 兆瓦, trains
# (``开行1200列``), samples (``800份``) and the concentration of fine particles (``PM2.5…29微克/立方米``).
_TASK_UNIT_RE = re.compile(
    r"(?<![\d.])(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>(?P<mag>万|亿)?(?:兆瓦|吉瓦|列(?!入)|份(?!额))|微克(?:/|每)立方米)")
# Units of a facility's size, and the facilities a clause names with their size (``60万千瓦抽水蓄能电站项目``).
_SIZE_UNIT_RE = re.compile(r"吨|瓦|伏|立方米")
_FACILITY_RE = re.compile(r"项目|工程|电站|机组|基地|码头")
# A sum of money that describes what is counted after it (``总投资860亿元的120个项目``): no target.
_ATTRIBUTE_RE = re.compile(r"(?:以上|左右|多)?的")


def _task_unit_quantities(clause: str) -> list[Quantity]:
    out = []
    for m in _TASK_UNIT_RE.finditer(clause):
        value = float(m.group("num"))
        factor = {"万": 1e4, "亿": 1e8}.get(m.group("mag") or "", 1.0)
        unit = m.group("unit")
        out.append(Quantity(value, unit, value * factor, unit[len(m.group("mag") or ""):], m.group(0), m.start(), m.end()))
    return out


def _quantities(clause: str) -> list[Quantity]:
    """Every figure of ``clause``: the general reader's, and those in the units of :data:`_TASK_UNIT_RE`."""
    found = find_quantities(clause)
    more = [q for q in _task_unit_quantities(clause) if all(q.end <= f.start or q.start >= f.end for f in found)]
    return sorted(found + more, key=lambda q: q.start)


def _target_quantity(clause: str) -> Optional[Quantity]:
    """The first figure of a clause that a task can set (a count, an area, an amount, a rate)."""
    for q in _quantities(clause):
        if q.unit in _NO_TARGET_UNITS or q.unit is None:
            continue
        if not (q.raw[:1].isdigit() or q.raw[:1] == "."):
            continue  # "三项重点": a count in words names a list, it sets nothing
        if (_quoted(clause, q.start) or _NAMED_SET_RE.match(clause, q.end)
                or _LIST_INTRO_RE.search(clause, 0, q.start)):
            continue
        if q.base_unit == "元" and _ATTRIBUTE_RE.match(clause, q.end):
            continue
        if clause.endswith(("每", "时速"), 0, q.start):
            continue  # a rate's denominator (每10万人45台) or a speed (时速350公里列车), not the target
        if clause.startswith("级", q.end) or (_SIZE_UNIT_RE.search(q.unit) and _CJK_RE.match(clause, q.end)
                                              and not _QUALIFIER_RE.match(clause, q.end) and _FACILITY_RE.search(clause)):
            continue  # the size of what is named (5万吨级码头, 60万千瓦蓄能电站项目), not a target
        return q
    return None


# A year said to be what it is (``2026年是…收官之年``, ``年底…是…的阶段目标``): a statement, no deadline.
_STATEMENT_RE = re.compile(r"是[^，。；]{0,40}(?:之年|目标)$")


def _deadline(clause: str) -> Optional[str]:
    m = _DEADLINE_RE.search(clause)
    if not m or clause.startswith(("目标", "工作", "任务", "是"), m.end()) or _STATEMENT_RE.search(clause):
        return None
    return m.group(0)


_GRADE_RE = re.compile(r"[家省市县区镇乡村州十百千万亿]级$")


def _split_list(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """A clause listing several targets (``新增A企业10家、B企业800家``) as one span per target.

    Not split: figures a ``分别`` pairs with the names before it (``粮食、油料面积分别保持在a万亩、b万亩``),
    and a list of grades sharing the noun after the last (``新建6个省级、30个县级示范基地``)."""
    if "分别" in text[s:e]:
        return [(s, e)]
    parts: list[tuple[int, int]] = []
    pos = s
    for i in range(s, e):
        if (text[i] == "、" and not _GRADE_RE.search(text, pos, i) and _target_quantity(text[pos:i])
                and _target_quantity(text[i + 1 : e])):
            parts.append((pos, i))
            pos = i + 1
    parts.append((pos, e))
    return parts if all(_target_quantity(text[a:b]) for a, b in parts) else [(s, e)]


# A figure that states an economic aggregate (investment, output, income, growth of value added) is an
# indicator target, not a task; counts, areas and coverage rates are tasks.
_COUNT_METRICS = ("新增就业", "接待游客", "城镇化率")
_MONEY_HEAD_RE = re.compile(r"投资|收入|成交额|产值|营收|增加值|总额|花费|引资|销售|经济规模|税收")
_GROWTH_HEAD_RE = re.compile(r"增加值|产值|收入|营收|投资|出口|进出口|贸易|花费|经费|总额|消费品|(?:经济|产业)规模")
_OUTPUT_RE = re.compile(r"(?:产量|电量|总产)")
# The growth of a sector (能源工业增长6%, 装备制造业增长9%) is its value added's: an indicator.  (企业 is no sector.)
_SECTOR_GROWTH_RE = re.compile(r"(?<!企)业(?:增加值)?(?:同比)?增长")
_SUB_AREA_RE = re.compile(r"亩均|园区")


def _indicator_like(clause: str, q: Optional[Quantity], index: MetricIndex) -> bool:
    if _SUB_AREA_RE.search(clause):
        return False
    if any(m[2] not in _COUNT_METRICS for m in index.mentions(clause)):
        return True
    if q is None:
        return False
    if q.base_unit == "元" and _MONEY_HEAD_RE.search(clause[: q.start]):
        return True
    if q.unit == "%" and re.search(r"增长|增速", clause) and (_GROWTH_HEAD_RE.search(clause)
                                                               or _SECTOR_GROWTH_RE.search(clause, 0, q.start)):
        return True
    return bool(_OUTPUT_RE.search(clause[: q.start]))


def _range_low(clause: str, q: Quantity) -> float:
    """``2-4家`` sets at least 3: the lower bound of a printed range, else the figure."""
    m = re.search(r"(\d+(?:\.\d+)?)\s*[-—~～至到]\s*$", clause[: q.start])
    return float(m.group(1)) if m else q.value


def _task_fields(clause: str, q: Optional[Quantity], period: Optional[str]) -> dict:
    return {"period": period, "deadline": _deadline(clause),
            "value": _range_low(clause, q) if q else None, "unit": q.unit if q else None}


# Milestones a plan sets without a figure: a reform or task completed, a plan drawn up, a network complete,
# and the list of the year's practical projects for the people (``继续办好十件民生实事``).
_MILESTONE_RE = re.compile(
    r"^(?:确保|力争|争取|全面|基本|精心)*(?:完成.{2,20}(?:任务|改革|行动|工程)$|制定.{2,20}(?:方案|规划|办法|计划)$|"
    r"编制.{2,20}(?:规划|纲要|方案)$|启动.{2,20}(?:调查|评估|普查|试点)$|实现.{2,30}全覆盖$|"
    r"[^，。；]{0,14}(?:办好|实施|推进)[^，。；]{0,8}民生实事$)")
# Completing the year's (or the plan period's) targets as such: every report says so, and it names no task.
_GENERIC_GOAL_RE = re.compile(
    r"完成(?:好)?(?:全年|年度|今年|本年|“?十[一二三四五六七八九]五”?|规划|各项|既定|预期|主要|经济社会发展|的)*(?:目标|任务)+$")
# A clause that opens with the field it works in (``在新材料、生物医药等领域突破关键技术35项``): the task is
# what follows.
_FIELD_LEAD_RE = re.compile(r"(?:力争|确保|争取)?在[^，,；;。]{2,30}?(?:方面|领域|行业)[，,]?")
# ``一是…，…。`` opens a paragraph of a plan part with its item.
_ENUM_LEAD_RE = re.compile(r"[一二三四五六七八九十]+是")


def _enumerated_leads(text: str, start: int, period: Optional[str]) -> list[Item]:
    """The lead sentence of each paragraph that opens with 一是/二是 (its item of the plan)."""
    out: list[Item] = []
    pos = start
    for para in text[start:].split("\n"):
        p0 = pos + len(para) - len(para.lstrip())
        pos += len(para) + 1
        m = _ENUM_LEAD_RE.match(text, p0)
        if not m:
            continue
        stop = text.find("。", m.end(), pos)
        if 0 < stop - m.end() <= 40:
            out.append(Item("task", m.end(), stop, {"period": period}))
    return out


# A part of the figure before it (``新建充电桩2万个，其中农村1万个``), not a target of its own.
_PART_OF_RE = re.compile(r"其中[，,、\s]*$")
# Words a bare figure of a list opens with (``增长6%以上、力争达到6.5%``): no subject of its own.
_BARE_LEAD_RE = re.compile(
    r"^(?:力争|争取|确保|努力)*(?:达到|达|实现|超过|突破|控制在|保持在|提高到|不低于|增长|下降|提高|增加)?")


def _bare_figure(clause: str) -> bool:
    """A clause that is a figure with at most a verb before it (``增长12%以上``, ``380万吨以上``): it adds
    to the clause before it."""
    rest = clause[_BARE_LEAD_RE.match(clause).end() :]
    for q in reversed(_quantities(rest)):
        rest = rest[: q.start] + rest[q.end :]
    return len(_CJK_RE.findall(_QUALIFIER_RE.sub("", rest))) < 2


# Clauses that state how things are, not what is to be done (``我县有12个乡镇``, ``还有3万留守儿童``),
# and clauses that only frame the one after them (``对已谋划的120个项目``, ``在去年建成5个驿站基础上``): no
# action follows their figure.
_FACT_RE = re.compile(r"(?:我[省区市县州](?!.{0,6}(?:将|要|力争|确保|计划|争取))|(?:全[省区市县州]|还|共|现)有)")
_FRAME_RE = re.compile(r"^(?:对(?!口|外|标|接|话|照)|围绕|依托|按照|根据|通过|结合|针对)|基础上$")


def task_items(text: str, heading_end: int, *, headline: bool, period: Optional[str],
               index: MetricIndex | None = None, enumerated: bool = True) -> list[Item]:
    """Tasks of one section of a plan part: its headline (when it is a first-level item), the lead of
    each 一是/二是 paragraph (when ``enumerated``: the paragraphs are the plan's own items, not the parts of
    a headline task), and every body clause that sets a quantity, a deadline or a milestone.
    Other actions are left out: a report states hundreds, and a reader asks for its targets.  A clause
    that states an economic indicator (地区生产总值增长5%) is an indicator target, not a task; a clause
    led by 其中 is a part of the target before it."""
    index = index or default_index()
    out: list[Item] = []
    if headline:
        span = headline_span(text, heading_end)
        if span:
            out.append(Item("task", span[0], span[1], {"period": period}))
    folded = fold(text)
    leads = _enumerated_leads(folded, heading_end, period)
    if enumerated:
        out.extend(leads)
    for cs, ce in clause_spans(text, heading_end):
        if (any(it.start <= cs < it.end for it in leads) or _PART_OF_RE.search(folded, 0, cs)
                or _FACT_RE.match(folded, cs, ce)):
            continue
        acts = bool(_TASK_VERB_RE.search(folded[cs:ce]))
        growth_list = False  # a list that opens with an indicator's growth goes on with indicators' growth
        for k, (s, e) in enumerate(_split_list(folded, cs, ce)):
            lead = _FIELD_LEAD_RE.match(folded, s, e)
            if lead and len(_CJK_RE.findall(folded, lead.end(), e)) >= 4:
                s = lead.end()
            clause = folded[s:e]
            q = _target_quantity(clause)
            if growth_list and q is not None and q.unit == "%" and "增长" in clause:
                continue
            growth_list = k == 0 and q is not None and q.unit == "%" and _indicator_like(clause, q, index)
            if _is_task(clause, q, acts, index):
                out.append(Item("task", s, e, _task_fields(clause, q, period)))
    return out


def _is_task(clause: str, q: Optional[Quantity], acts: bool, index: MetricIndex) -> bool:
    """Whether one target of a clause (``q`` its figure, ``acts``: its clause names an action) is a task."""
    if len(clause) > 60 or _indicator_like(clause, q, index) or len(_CJK_RE.findall(clause)) < 4 or _bare_figure(clause):
        return False  # too long for one item, an indicator, or a bare figure of a list
    if _FRAME_RE.search(clause) and not (q and _TASK_VERB_RE.search(clause, q.end)):
        return False  # it frames the clause after it (对…的120个项目，要…); 对2000户实施改造 is a task
    if q is None:
        return not _GENERIC_GOAL_RE.search(clause) and bool(_MILESTONE_RE.match(clause) or (acts and _deadline(clause)))
    return True


# --- every action of a short plan --------------------------------------------------------------
# A town's or county's plan states a few dozen actions and each of them is an item of the plan; a
# province's states hundreds, and there only headlines and targets are items (see :func:`task_items`).
_LOCAL_LEVELS = ("county", "district", "town")
_SHORT_PLAN = 4000  # characters of plan part below which a report of unknown level reads as a local one
# Adverbs, modals and degree words before the verb of an action (``要进一步完善…``).
_ACTION_ADV_RE = re.compile(
    r"(?:要|还要|并|并且|同时|进一步|积极|继续|切实|大力|着力|着重|全面|努力|扎实|认真|加紧|尽快|尽全力|全力|不断|"
    r"逐步|深入|稳步|严格|及时|重点|下大力气|力争|确保|计划|再|坚决|有序|主动|广泛|充分|持续|统筹|全力以赴)*")
# Verbs that name a deliverable a plan can be held to: set up, draw up, build, complete, carry out a named
# job.  Verbs that only improve a field (加强, 提高, 完善, 推进, 开展, 深化 …) state no deliverable: a
# local plan states as many of those as of these, and they are no items of its plan.
_ACTION_VERB_RE = re.compile(
    r"(?:建立|成立|筹建|搭建|构建|创建|打造|建设|新建|改造|整治|制定|制订|编制|出台|启动|完成|形成|实行|推广|开发|"
    r"培育|组织|扩大|巩固|消除|控制|狠抓|抓好|做好|搞好|办好)")
# Clauses that frame the plan (``以…为突破口``, ``按照…要求``), state a view, or say how, not what.
# A clause that names a list of jobs by its count (``抓好三方面工作``) or a metaphor (``做好…的文章``) is none.
_ACTION_FRAME_RE = re.compile(
    r"^(?:以|按照|根据|围绕|依托|通过|结合|坚持|注重|树立|把|在|对|使|让|为)|的$|目标$|要求$|文章$|"
    r"[一二两三四五六七八九十\d]+(?:个)?(?:方面|项|件)(?:重点)?工作$")


def local_plan(doc) -> bool:
    """Whether ``doc`` is a town's or county's report (its level, else a short plan part)."""
    if doc.level in _LOCAL_LEVELS:
        return True
    if doc.level:
        return False
    plan = sum(s.end - s.start for s in doc.sections
               if s.path and plan_depth(s.path, doc.report_type, doc.plan_years) is not None)
    return 0 < plan < _SHORT_PLAN


def action_items(text: str, heading_end: int, period: Optional[str], taken: Sequence[Item]) -> list[Item]:
    """Each clause of a local plan's section that opens (after its adverbs) with an action verb,
    besides the ``taken`` tasks: ``计划筹建云岭老年活动中心`` is a task of a town's plan."""
    out: list[Item] = []
    folded = fold(text)
    for s, e in clause_spans(text, heading_end):
        if any(it.start < e and s < it.end for it in taken):
            continue
        clause = folded[s:e]
        v = _ACTION_ADV_RE.match(clause).end()
        n = len(_CJK_RE.findall(clause))
        if 5 <= n and e - s <= 40 and _ACTION_VERB_RE.match(clause, v) and not _ACTION_FRAME_RE.search(clause):
            out.append(Item("task", s, e, _task_fields(clause, None, period)))
    return out


# A part that looks back (``一、牢记嘱托，…取得新成效``) or speaks of the government's own conduct.
_LOOKS_BACK_RE = re.compile(r"回顾|取得|成效|成绩|过去|以来")
_OWN_CONDUCT_RE = re.compile(r"政府|自身建设")


def _unnamed_plan_parts(doc) -> list[str]:
    """The headings of a government work report's plan parts when no heading names one (``二、勇担使命，
    在新征程上奋勇争先``; ``三、一鼓作气勇争先``): the top-level parts after the review that are no part on the
    government's own conduct.  [] when a heading names the plan part, or the report is no work report with a
    plan year."""
    if canonical_report_type(doc.report_type) != "government_work_report" or not doc.plan_years:
        return []
    if any(plan_depth(s.path, doc.report_type, doc.plan_years) is not None for s in doc.sections if s.path):
        return []
    reviewed, parts = False, []
    for part in (s for s in doc.sections if s.level == 1 and s.path):
        title = part.path[-1]
        if not parts and (_LOOKS_BACK_RE.search(title) or any(str(y) in title for y in doc.review_years)):
            reviewed = True
        elif reviewed and not _OWN_CONDUCT_RE.search(title):
            parts.append(title)
    return parts


def _plan_depth(path: Sequence[str], doc) -> Optional[int]:
    """:func:`.structure_items.plan_depth`, or the depth of the plan part :func:`_unnamed_plan_parts` finds;
    None inside a look back (``一、2025年工作回顾 > （二）圆满完成年度目标任务`` reports, it plans nothing)."""
    depth = plan_depth(path, doc.report_type, doc.plan_years)
    if depth is not None and any(_REVIEW_TITLE_RE.search(h) for h in path[: depth - 1]):
        return None
    if depth is None and path:
        part = next((p for p in _unnamed_plan_parts(doc) if p in path), None)
        if part is not None:
            return list(path).index(part) + 1
    return depth


def plan_part_year(path: Sequence[str], doc) -> Optional[str]:
    """The year a section of a plan part is for (its headings' last year, else the report's one plan
    year); None outside a plan part.  Figures a plan part states undated are that year's targets, also
    in a plan part no heading names (``二、牢记使命，奋勇争先``, :func:`_unnamed_plan_parts`)."""
    if not path or _plan_depth(path, doc) is None:
        return None
    return plan_period(path, doc.plan_years)


def section_tasks(text: str, heading_end: int, path: Sequence[str], doc) -> list[Item]:
    """The tasks one section's text holds, read from where it stands in the outline of ``doc``."""
    depth = _plan_depth(path, doc)
    if depth is None:
        return []
    period = plan_period(path, doc.plan_years)
    items = task_items(text, heading_end, headline=len(path) == depth + 1,
                       period=period, enumerated=len(path) <= depth)
    if local_plan(doc):
        items += action_items(text, heading_end, period, items)
    return items
