"""Tasks and problems read from a report's structure, by rules (no model).

A work report says what it will do in a plan part (``二、2026年工作安排``, ``三、20xx年工作打算``,
``关于2026年工作``): each first-level item under it (``（一）做强云岭特色产业``) is a headline
task, and each clause of its body that sets a quantity (``新建茶园步道12公里``) or a deadline
(``年底前通车``) is a task of its own.  Problems are stated together: a paragraph that opens with
``我们也清醒地看到…`` or closes with ``对这些问题，我们将…解决`` lists them clause by clause, and a
section headed ``存在的问题`` / ``主要问题和不足`` holds nothing else.

Everything here works on one section's normalized, simplified text and returns offsets into it
(:class:`Item`); :mod:`.extractor` maps them to the original and grounds the records.  Which
headings open a plan or problem part is read from the section's heading path
(:func:`plan_depth`, :func:`.candidates.section_context`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Sequence

from ..text.numbers import Quantity, find_quantities
from ..text.numerals import fold
from ..text.outline import match_marker
from .candidates import section_context, states_difficulty
from .vocab import MetricIndex, default_index

__all__ = ["Item", "section_items", "plan_depth", "headline_span", "task_items", "problem_items", "problem_category", "clause_spans", "heading_years", "plan_period"]


@dataclass
class Item:
    """A record read from structure: ``text[start:end]`` of the section text, with its fields."""

    kind: str  # task | problem | project
    start: int
    end: int
    fields: dict = field(default_factory=dict)
    #: Where the record's text (a project's name) stands when it is narrower than the evidence.
    text_span: Optional[tuple[int, int]] = None
    #: Where the words that complete that name stand (``铁路`` of ``云岭等4条铁路``), if any.
    name_suffix: Optional[tuple[int, int]] = None


# --- clauses ----------------------------------------------------------------------------------
_CLAUSE_END = re.compile(r"[，,；;。！？!?：:\n]")
# Words that join a clause to the one before it; the item is what follows them.  (One-character
# joiners are kept: 和顺, 并购 and 再生 begin with them.)
_LEAD_RE = re.compile(
    r"(?:[一二三四五六七八九十]+是|特别是|尤其是|其中|同时|此外|另外|以及|并且|等等)[，,、\s]*")
_TRAIL = " \t\u3000、，,；;。：:!！?？”’\"')）"  # not inside the quote marks and brackets it opened


def clause_spans(text: str, a: int = 0, b: Optional[int] = None) -> list[tuple[int, int]]:
    """Clauses of ``text[a:b]`` (cut at ，；。：！？ and line breaks), without joining words and edge spaces."""
    b = len(text) if b is None else b
    out: list[tuple[int, int]] = []
    pos = a
    for m in list(_CLAUSE_END.finditer(text, a, b)) + [None]:
        end = m.start() if m else b
        s, e = pos, end
        while s < e and text[s].isspace():
            s += 1
        lead = _LEAD_RE.match(text, s, e)
        if lead:
            s = lead.end()  # a clause that is only a joining word is left out below
        while e > s and text[e - 1] in _TRAIL and text[e - 1] not in "”’\"')）":
            e -= 1
        if e - s >= 2:
            out.append((s, e))
        pos = m.end() if m else b
    return out


# --- where a plan part starts -----------------------------------------------------------------
_PLAN_HEADING_RE = re.compile(
    r"工作安排|工作计划|工作打算|工作思路|主要任务|目标任务|工作重点|重点工作|工作要点|工作部署|"
    r"下一步|下步|今后|明年|来年|[0-9xX×]{2}年(?:的)?(?:工作|主要|重点|目标)")
_REVIEW_HEADING_RE = re.compile(r"回顾|以来|成绩|总结|情况|完成|进展")


def plan_depth(path: Sequence[str], report_type: str = "", plan_years: Sequence[int] = ()) -> Optional[int]:
    """How many headings of ``path`` lead down to the plan part's heading (None: not in a plan part).

    A heading opens a plan part when it names one (工作安排, 主要任务, 20xx年工作打算) or the year the
    report plans for with 工作/目标 (``关于2026年工作``), and is no review (回顾, 以来).  In a report
    that is a work plan as a whole, the top of the outline is the plan part (depth 0).
    """
    years = tuple(str(y) for y in plan_years)
    for i, h in enumerate(path):
        if _REVIEW_HEADING_RE.search(h):
            continue
        names_year = any(y in h for y in years) and ("工作" in h or "目标" in h or "任务" in h)
        if _PLAN_HEADING_RE.search(h) or names_year:
            return i + 1
    plan, _problem = section_context(" > ".join(path), report_type)
    return 0 if plan and path else None


# Headings that name the part, not a task (``一、总体思路``, ``三、主要任务``).
_GENERIC_TITLE_RE = re.compile(
    r"^(?:总体思路|指导思想|总体要求|主要任务|主要目标|目标任务|奋斗目标|预期目标|发展目标|工作重点|重点工作|主要工作|"
    r"工作措施|保障措施|具体措施)$")


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
    if e - s < 4 or _GENERIC_TITLE_RE.match(title) or _REVIEW_HEADING_RE.search(title):
        return None
    return s, e


# --- tasks ------------------------------------------------------------------------------------
_DEADLINE_RE = re.compile(
    r"(?:到|在)?(?:(?:19|20)\d\d年(?:底|末|内)?(?:前)?|[一二三两四五\d]年内|年内|年底前?|年末|全年|上半年|今年内)")
# A count or measure a task sets; years, durations and ordinals are no target.
_NO_TARGET_UNITS = {"年", "天", "个月", "小时", "分钟", "周", "倍", "岁"}
_TASK_VERB_RE = re.compile(
    r"新增|新建|建设|建成|改造|培育|实施|引进|完成|实现|达到|达|突破|提高|提升|增长|开展|培训|推广|打造|安排|"
    r"组织|创建|开行|开工|投入|支持|谋划|供应|减负|治理|修复|营造|补充|新开发|转移|保持|控制|稳定|不低于|不超过|"
    r"下降|超过|覆盖|普及")


_CJK_RE = re.compile(r"[\u4e00-\u9fff]")


# A figure that names a set rather than sets a target: the policies of a package (``惠企18条政策``,
# ``5项改革事项``) and the items of the list a clause announces (``做好以下6项工作``).
_NAMED_SET_RE = re.compile(r"[^，。；]{0,8}?(?:政策|举措|措施|事项)|(?:个)?(?:方面|面)?(?:的)?(?:重点)?工作$")
_LIST_INTRO_RE = re.compile(r"(?:以下|上述)$")


def _quoted(clause: str, i: int) -> bool:
    """Whether ``clause[i]`` stands inside “…” (a slogan such as ``“2个100%”`` counts nothing)."""
    return clause.count("“", 0, i) > clause.count("”", 0, i)


def _target_quantity(clause: str) -> Optional[Quantity]:
    """The first figure of a clause that a task can set (a count, an area, an amount, a rate)."""
    for q in find_quantities(clause):
        if q.unit in _NO_TARGET_UNITS or q.unit is None:
            continue
        if not (q.raw[:1].isdigit() or q.raw[:1] == "."):
            continue  # "三项重点": a count in words names a list, it sets nothing
        if (_quoted(clause, q.start) or _NAMED_SET_RE.match(clause, q.end)
                or _LIST_INTRO_RE.search(clause, 0, q.start)):
            continue
        return q
    return None


def _deadline(clause: str) -> Optional[str]:
    m = _DEADLINE_RE.search(clause)
    return m.group(0) if m and not clause.startswith(("目标", "工作", "任务"), m.end()) else None


def _split_list(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """A clause listing several targets (``新增A企业10家、B企业800家``) as one span per target."""
    parts: list[tuple[int, int]] = []
    pos = s
    for i in range(s, e):
        if text[i] == "、" and _target_quantity(text[pos:i]) and _target_quantity(text[i + 1 : e]):
            parts.append((pos, i))
            pos = i + 1
    parts.append((pos, e))
    return parts if all(_target_quantity(text[a:b]) for a, b in parts) else [(s, e)]


# A figure that states an economic aggregate (investment, output, income, growth of value added) is an
# indicator target, not a task; counts, areas and coverage rates are tasks.
_COUNT_METRICS = ("新增就业", "接待游客", "城镇化率")
_MONEY_HEAD_RE = re.compile(r"投资|收入|成交额|产值|营收|增加值|总额|花费|引资|销售|经济规模|税收")
_GROWTH_HEAD_RE = re.compile(r"增加值|产值|收入|营收|投资|出口|进出口|贸易|花费|经费|总额|消费品")
_OUTPUT_RE = re.compile(r"(?:产量|电量)")
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
    if q.unit == "%" and re.search(r"增长|增速", clause) and _GROWTH_HEAD_RE.search(clause):
        return True
    return bool(_OUTPUT_RE.search(clause[: q.start]))


def _range_low(clause: str, q: Quantity) -> float:
    """``2-4家`` sets at least 3: the lower bound of a printed range, else the figure."""
    m = re.search(r"(\d+(?:\.\d+)?)\s*[-—~～至到]\s*$", clause[: q.start])
    return float(m.group(1)) if m else q.value


def _task_fields(clause: str, q: Optional[Quantity], period: Optional[str]) -> dict:
    return {"period": period, "deadline": _deadline(clause),
            "value": _range_low(clause, q) if q else None, "unit": q.unit if q else None}


# Milestones a plan sets without a figure: a reform or task completed, a plan drawn up, a network complete.
_MILESTONE_RE = re.compile(
    r"^(?:确保|力争|争取|全面|基本|精心)*(?:完成.{2,20}(?:任务|改革|行动|工程)$|制定.{2,20}(?:方案|规划|办法|计划)$|"
    r"编制.{2,20}(?:规划|纲要|方案)$|启动.{2,20}(?:调查|评估|普查|试点)$|实现.{2,30}全覆盖$)")
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
_BARE_LEAD_RE = re.compile(r"^(?:力争|争取|确保|努力)*(?:达到|达|实现|超过|突破|控制在|保持在|提高到|不低于)?")


def _bare_figure(clause: str) -> bool:
    """A clause that is a figure with at most a verb before it: it adds to the clause before it."""
    return len(_CJK_RE.findall(clause[_BARE_LEAD_RE.match(clause).end() :])) < 2


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
        if any(it.start <= cs < it.end for it in leads) or _PART_OF_RE.search(folded, 0, cs):
            continue
        acts = bool(_TASK_VERB_RE.search(folded[cs:ce]))
        for s, e in _split_list(folded, cs, ce):
            clause = folded[s:e]
            q = _target_quantity(clause)
            if e - s > 60 or _indicator_like(clause, q, index) or len(_CJK_RE.findall(clause)) < 4 or _bare_figure(clause):
                continue  # too long for one item, an indicator, or a bare figure of a list
            if q is None and not (_MILESTONE_RE.match(clause) or (acts and _deadline(clause))):
                continue
            out.append(Item("task", s, e, _task_fields(clause, q, period)))
    return out


# --- every action of a short plan --------------------------------------------------------------
# A town's or county's plan states a few dozen actions and each of them is an item of the plan; a
# province's states hundreds, and there only headlines and targets are items (see :func:`task_items`).
_LOCAL_LEVELS = ("county", "town")
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


# --- problems ---------------------------------------------------------------------------------
# A paragraph that owns up to difficulties: it opens by saying so, or closes by promising to solve them.
_PROBLEM_OPEN_RE = re.compile(
    r"清醒地?(?:看到|认识到|意识到)|(?:也|还|同时)要?(?:看到|认识到)|存在(?:的|着)(?:一些|不少)?(?:问题|困难|不足)|"
    r"(?:问题|困难)和不足|不足和问题|差距和不足")
_PROBLEM_CLOSE_RE = re.compile(
    r"对(?:这些|上述|此类)?(?:问题|困难|不足)?(?:和差距)?[，,]?\s*我们(?:将|要|会|必须|一定)|对此[，,]\s*我们|"
    r"直面问题|正视(?:这些)?(?:问题|困难)|(?:加以|努力|切实)(?:解决|改进|克服)")
_OPEN_WITHIN = 40  # an opening cue stands this close to the paragraph's start
_CLOSE_WITHIN = 80  # a closing cue this close to its end
# Clauses that introduce or close the list, not a difficulty of their own.
_PROBLEM_FRAME_RE = re.compile(
    r"清醒|看到|认识到|意识到|[面存]临.{0,12}(?:困难|挑战|问题)|存在.{0,6}(?:困难|挑战|问题)$|^对(?:这些|上述|此)|"
    r"^我们|解决|改进|高度重视|^主要(?:表现|是)|^具体(?:表现|是)|^表现在|问题和不足$|^这些问题|^都需要|今后")
# Words of difficulty the genre uses besides those of states_difficulty.
_MORE_DIFFICULTY_RE = re.compile(
    r"不利|承压|艰巨|任重道远|不容忽视|不可放松|过剩|偏小|偏弱|加力|加大|加快|加强|提升|较大|较重|较多|不少|"
    r"时有发生|仍然存在|不同程度|需要|挑战|不牢固|不稳固|较低|仍会|收缩|偏少|偏慢")
# Difficulties a plan names as what it will solve: ``着力解决“停车难”问题``, ``整治占道经营、私搭乱建等现象``.
_SOLVE_RE = re.compile(
    r"(?:解决|破解|整治|纠治|纠正|化解|缓解|杜绝|查处|遏制|治理)(?:好|了)?"
    r"(?P<np>[^，。；：,;:！？\n]{2,30}?(?:问题|矛盾|现象|不正之风))")


def _problem_paragraphs(text: str, a: int, whole: bool) -> list[tuple[int, int]]:
    """Paragraphs of ``text[a:]`` that list difficulties (every one of them in a problem section)."""
    out: list[tuple[int, int]] = []
    pos = a
    for para in text[a:].split("\n"):
        s, e = pos, pos + len(para)
        pos = e + 1
        if not para.strip():
            continue
        if whole or _PROBLEM_OPEN_RE.search(para[:_OPEN_WITHIN]) or _PROBLEM_CLOSE_RE.search(para[-_CLOSE_WITHIN:]):
            out.append((s, e))
    return out


def _split_difficulties(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """``园区配套设施不足、乡村物流网络有待完善``: two difficulties joined by 、, each a clause of its own."""
    for i in range(s + 8, e - 8):
        if text[i] == "、" and all(_is_difficulty(text[a:b]) for a, b in ((s, i), (i + 1, e))):
            return [(s, i)] + _split_difficulties(text, i + 1, e)
    return [(s, e)]


def _is_difficulty(clause: str) -> bool:
    return bool(states_difficulty(clause) or _MORE_DIFFICULTY_RE.search(clause))


def problem_items(text: str, heading_end: int, *, problem_section: bool, plan: bool = False) -> list[Item]:
    """One record per difficulty a problem paragraph (or a whole problem section) states; in a plan
    part, the difficulties it sets out to solve (``着力解决“停车难”问题``)."""
    out: list[Item] = []
    folded = fold(text)
    if plan and not problem_section:
        for m in _SOLVE_RE.finditer(folded, heading_end):
            np = m.group("np")
            if re.search(r"[“、等难乱]", np):
                out.append(Item("problem", m.start("np"), m.end("np"), {"category": problem_category(np)}))
        return out
    for ps, pe in _problem_paragraphs(folded, heading_end, problem_section):
        for cs, ce in clause_spans(folded, ps, pe):
            for s, e in _split_difficulties(folded, cs, ce):
                clause = folded[s:e]
                if _PROBLEM_FRAME_RE.search(clause) or e - s > 60 or not _is_difficulty(clause):
                    continue
                out.append(Item("problem", s, e, {"category": problem_category(clause)}))
    return out


# Categories of the gold schema, the most specific first; 经济 is the default.
_CATEGORIES = (
    ("作风", r"干部|作风|形式主义|官僚主义|腐败|廉政|政府自身|工作人员|担当|不作为|乱作为|不正之风|效能|服务意识"),
    ("基层组织", r"基层组织|两委|党组织|村级组织"),
    ("财政", r"财政|债务|三保|收支|平台公司|税源"),
    ("环境", r"生态|污染|环保|大气|水质|垃圾|绿化|节能|减排|能耗|环境(?:保护|治理|质量|整治|长效)"),
    ("社会稳定", r"安全|稳定|风险隐患|隐患|防灾|救灾|应急|维稳|稳边|信访|治安|纠纷"),
    ("民生", r"民生|就业|教育|医疗|看病|养老|住房|收入水平|群众|社会事业|一老一小|城乡.{0,2}差距"),
    ("产业", r"产业|制造|工业|新兴|转型|产能|科技|创新|项目|园区|农业|新动能|汽车|补旧"),
    ("经济", r"经济|增长|需求|消费|投资|外贸|预期|企业|市场|发展|金融|房地产|出口|开放|冲击|软环境|创业|"
             r"不平衡|不充分|融资|门槛|经营"),
)


def problem_category(clause: str) -> str:
    for name, pattern in _CATEGORIES:
        if re.search(pattern, clause):
            return name
    return "其他"


# --- one section ------------------------------------------------------------------------------
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)年(?!以来|来)")


def heading_years(path: Sequence[str]) -> list[str]:
    """The years the headings of a section path name (not 20xx年以来), outermost first."""
    return [y for h in path for y in _YEAR_RE.findall(h)]


def plan_period(path: Sequence[str], plan_years: Sequence[int]) -> Optional[str]:
    """The year a plan part is for: the last year its headings name, else the report's one plan year."""
    years = heading_years(path)
    if years:
        return years[-1]
    return str(plan_years[0]) if len(plan_years) == 1 else None


def section_items(kind: str, text: str, heading_end: int, path: Sequence[str], doc) -> list[Item]:
    """The ``kind`` records (task or problem) one section's text holds, read from where it stands in
    the outline of ``doc`` (a :class:`~llm_extract.core.types.Document`)."""
    if kind == "task":
        depth = plan_depth(path, doc.report_type, doc.plan_years)
        if depth is None:
            return []
        period = plan_period(path, doc.plan_years)
        items = task_items(text, heading_end, headline=len(path) == depth + 1,
                           period=period, enumerated=len(path) <= depth)
        if local_plan(doc):
            items += action_items(text, heading_end, period, items)
        return items
    if kind == "problem":
        _plan, problem = section_context(" > ".join(path), doc.report_type)
        in_plan = plan_depth(path, doc.report_type, doc.plan_years) is not None
        return problem_items(text, heading_end, problem_section=problem, plan=in_plan)
    return []
