"""Tasks and problems read from a report's structure, by rules (no model).

A work report says what it will do in a plan part (``二、2026年工作安排``, ``三、20xx年工作打算``,
``关于2026年工作``); its tasks are read in :mod:`.task_items`.  Problems are stated together: a paragraph that opens with
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

from ..text.numerals import fold
from .candidates import section_context, states_difficulty

__all__ = ["Item", "section_items", "plan_depth", "problem_items", "problem_category", "clause_spans", "heading_years", "plan_period"]


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


# --- problems ---------------------------------------------------------------------------------
# A paragraph that owns up to difficulties: it opens by saying so, or closes by promising to solve them.
_PROBLEM_OPEN_RE = re.compile(
    r"清醒地?(?:看到|认识到|意识到)|(?:也|还|同时)要?(?:看到|认识到)|存在(?:的|着)(?:一些|不少)?(?:问题|困难|不足)|"
    r"(?:问题|困难)和不足|不足和问题|差距和不足|(?:问题|困难|不足|挑战)(?:也|还)?(?:不容|不可|不能)忽视")
_PROBLEM_CLOSE_RE = re.compile(
    r"对(?:这些|上述|此类)?(?:问题|困难|不足)?(?:和差距)?[，,]?\s*我们(?:将|要|会|必须|一定)|对此[，,]\s*我们|"
    r"直面问题|正视(?:这些)?(?:问题|困难)|(?:加以|努力|切实|予以)(?:解决|改进|克服)")
_OPEN_WITHIN = 40  # an opening cue stands this close to the paragraph's start
_CLOSE_WITHIN = 80  # a closing cue this close to its end
# Clauses that introduce or close the list, not a difficulty of their own.
_PROBLEM_FRAME_RE = re.compile(
    r"清醒|看到|认识到|意识到|[面存]临.{0,12}(?:困难|挑战|问题)|存在.{0,6}(?:困难|挑战|问题)$|^对(?:这些|上述|此)|"
    r"^我们|解决|改进|高度重视|^主要(?:表现|是)|^具体(?:表现|是)|^表现在|问题和不足$|^(?:这些|以上|上述)问题|^都需要|今后|"
    r"^(?:问题|困难|不足|挑战)(?:也|还)?(?:不容|不可|不能)忽视$")
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


# An item a problem paragraph numbers (一是…, 其二…): a difficulty by where it stands, whatever its words.
_ENUMERATED_RE = re.compile(r"(?:[一二三四五六七八九十]+是|其[一二三四五六七八九十])\s*$")


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
                if _PROBLEM_FRAME_RE.search(clause) or e - s > 60 or not (
                        _is_difficulty(clause) or _ENUMERATED_RE.search(folded, max(ps, s - 4), s)):
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
    """The ``kind`` records (problems; tasks: :func:`.task_items.section_tasks`) one section's text
    holds, read from where it stands in the outline of ``doc`` (a :class:`~llm_extract.core.types.Document`)."""
    if kind == "problem":
        _plan, problem = section_context(" > ".join(path), doc.report_type)
        in_plan = plan_depth(path, doc.report_type, doc.plan_years) is not None
        return problem_items(text, heading_end, problem_section=problem, plan=in_plan)
    return []
