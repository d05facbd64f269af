"""Does the model's figure answer what was asked?  Checks by code on the sentence that prints it.

:func:`~.answer_checks.check_answer` makes sure every figure of an answer is printed in a cited
passage.  A printed figure can still answer another question, and a 1.5B model picks a neighbour
when the asked one is missing (measured on the dev split: a growth rate given as an amount, a
target as a result, the 全体居民 figure for 城镇居民).  :func:`fit_problems` names each mismatch:

* **unit** — the answer writes the figure with a unit of another kind than the passage
  (``1.2亿元`` where the passage prints ``增长1.2%``; a figure printed without a unit is not judged);
* **rate for a level** — a question asking for an amount (是多少, 总额 …, not a rate, share,
  coefficient or growth, nor a metric named as one: 城镇化率) answered with percentages only, and the
  reverse: a question asking for a rate of change (增速, 同比增长多少) answered with amounts only, and a
  question asking for a figure answered with none at all (a copied footnote; 三次产业 or 一个 in a
  sentence is no figure; 与上年持平 is an answer);
* **target for a result** — a question about what was done, answered from a sentence that sets a
  goal (目标/预期/力争/计划 before the figure, 确保/争取 in its clause, or ``左右`` after it) —
  not a goal met (完成年度目标任务, 好于预期), a programme's quoted name, a first estimate (预计)
  or a clause saying what was done (实际完成投资…);
* **growth for a share** — a question asking for a share or an intensity itself (研发投入强度是多少), not for
  how it changed, answered with a percentage its passage prints as a growth (增长7.4%);
* **another metric** — the clause before the figure names metrics the vocabulary knows, and
  none is the one asked (``全体居民人均可支配收入`` for ``城镇居民人均可支配收入``; a name
  sharing its ending with the next, 城镇、农村居民…, is the one asked).

A clause that names no known metric is not judged; the last three count only when no figure of the
answer fits (a quoted sentence prints several).  Problems feed the model's one retry and then
the abstention, like any other failed check.
"""

from __future__ import annotations

import re
from typing import Optional

from ..core.types import Hit, Query

__all__ = ["fit_problems", "figure_is_goal"]

_CITE = re.compile(r"\[(\d{1,2})\]")
_CLAUSE_START = re.compile(r"[，,；;。！？!?:：\n]")
# A goal word anywhere before the figure in its sentence (主要预期目标是：A增长6%左右，B增长5%; 力争…).
_GOAL_BEFORE = re.compile(r"目标|预期|力争|计划(?!生育|单列|执行)")
# A goal word only in the figure's own clause: 在确保安全的前提下，… and 争取中央资金85亿元 are said of results.
_GOAL_CLAUSE = re.compile(r"确保|争取(?!到|[^,，；;。]{0,8}?(?:资金|债|项目|政策|补助|支持|试点))")
_DONE = re.compile(r"实际|累计|已经|已")
_QUOTED = re.compile(r"“[^”]{0,30}”")  # a programme's name (“就业稳岗计划”) sets no goal for the figure
_GOAL_AFTER = re.compile(r"^\s*(?:左右|上下)")
# 完成年度目标任务 / 目标任务顺利完成 / 好于预期: a goal met or a result judged against it, said of results.
_GOAL_MET = re.compile(r"(?:完成|实现|超过|超额|达到|高于)[^,，；;。]{0,12}?(?:目标|任务|计划)"
                       r"|(?:目标|计划)任务[^,，；;。]{0,6}?(?:完成|实现)|(?:好于|符合|超出|超过|超|高于|快于|优于|低于)预期"
                       r"|(?:围绕|锚定|对标|朝着|紧扣|聚焦|瞄准)[^,，；;。]{0,20}?目标")  # a mission, not a figure
# A question that asks for a share, a rate or a change accepts a percentage.
_RATIO_Q = re.compile(r"率|比重|占比|比例|百分|%|增长|增速|增幅|下降|提高|降低|变化|指数|上涨|涨幅|系数|强度|占")
# A question that asks for a rate of change (增速, 增长率, 同比增长多少), which an amount does not answer; 增加多少
# may ask for the amount added, and 增长了多少亿元 names its unit.
_ASKS_RATE = re.compile(r"增速|增幅|增长率|涨幅|降幅|(?:同比|比上年)?(?:增长|下降)(?:了)?(?:多少|几)(?![亿万元吨人户个])")
# A question asking for a share or an intensity itself (研发投入强度是多少, 占比多少), not for how it changed,
# which a growth rate (增长7.4%) does not answer.
_SHARE_Q = re.compile(r"强度|比重|占比|比例|(?<!增长)率")
_CHANGE_Q = re.compile(r"增长|增速|增幅|下降|提高|降低|变化|上涨|涨幅|百分点|增加|减少")
_GROWTH_BEFORE = re.compile(r"(?:增长|下降|增加|减少|提高|降低|上涨|回落)了?\s*$")
# An answer that a figure did not change (与上年持平) needs no number.
_FLAT = re.compile(r"持平|没有变化|无变化|不变")
# A figure an answer states: digits, or a counted Chinese numeral (三个, 两家); set phrases are no figure
# (三次产业, “十四五”), nor is 一 of 一个大的提升.
_SET_PHRASES = re.compile(r"[一二三]次产业|一二三产业|十[一二三四五六七八九]五|一个|一批|一系列")
_FIGURE = re.compile(r"\d|[两二三四五六七八九十百千万]+(?:个|家|项|条|座|所|名|人|户|起|类|种|批|倍|年|次)")
# 甲和乙居民…收入分别…: the first metric's name, its shared words left to the last.
_COORDINATED = re.compile(r"^[和、及与,，]")


def _percent(unit: Optional[str]) -> bool:
    return (unit or "") in ("%", "‰", "个百分点", "百分点")


def _quantities(hit: Hit) -> list[tuple[str, int, int, Optional[str], float]]:
    """``(text, start, end, unit, value)`` of every quantity of the passage as shown (normalized)."""
    from ..text.normalize import normalize_query
    from ..text.numbers import find_quantities

    text = normalize_query(hit.text)
    return [(text, q.start, q.end, q.unit, q.value) for q in find_quantities(text, bare=True)]


def _placed(shown: list, value: float) -> list[tuple[str, int, int, Optional[str]]]:
    """``(text, start, end, unit)`` of each of the cited passages' quantities printing ``value``."""
    return [(text, a, b, unit) for text, a, b, unit, v in shown
            if abs(abs(v) - abs(value)) <= 1e-9 * max(1.0, abs(value))]


def _clause_before(text: str, pos: int) -> str:
    starts = [m.end() for m in _CLAUSE_START.finditer(text, 0, pos)]
    return text[starts[-1] if starts else 0:pos]


def _sentence_before(text: str, pos: int) -> str:
    cut = max(text.rfind(c, 0, pos) for c in "。！？!?\n")
    return text[cut + 1:pos]


def figure_is_goal(text: str, a: int, b: int) -> bool:
    """The figure at ``text[a:b]`` is set as a goal: a goal word before it in its sentence (not one met),
    a weaker one in its own clause, or 左右 after it."""
    clause = _QUOTED.sub("", _clause_before(text, a))
    if _GOAL_CLAUSE.search(clause) or _GOAL_BEFORE.search(_GOAL_MET.sub("", clause)):
        return True
    sentence = _QUOTED.sub("", _sentence_before(text, a))
    # 计划投资85亿元，实际完成投资92亿元 / 预计增长6%左右: what was done, or its first estimate
    if _DONE.search(clause) or "预计" in sentence:
        return False
    return bool(_GOAL_AFTER.match(text[b:]) or _GOAL_BEFORE.search(_GOAL_MET.sub("", sentence)))


def _metric_problem(query: Query, clause: str) -> str:
    from ..extract.vocab import default_index

    if not query.metric:
        return ""
    named = {canon for _, _, canon in default_index().mentions(clause)}
    if not named or query.metric in named or (query.metric_raw and query.metric_raw in clause):
        return ""
    # 税收收入占一般公共预算收入比重: a share names two metrics, the figure's clause may print either
    if named & {canon for _, _, canon in default_index().mentions(query.normalized)}:
        return ""
    if any(_coordinated(query.metric, other, clause.replace("城乡", "城镇、农村")) for other in named):
        return ""
    return f"the figure is of {'/'.join(sorted(named))}, not {query.metric_raw or query.metric}"


def _coordinated(asked: str, other: str, clause: str) -> bool:
    """``asked`` printed with its shared ending left to ``other`` (城镇、农村居民…收入: 城镇 asked)."""
    k = 0
    while k < min(len(asked), len(other)) and asked[-1 - k] == other[-1 - k]:
        k += 1
    own = asked[:-k] if k >= 2 else ""
    return bool(own) and any(_COORDINATED.match(clause[m.end():]) for m in re.finditer(re.escape(own), clause))


def _says_blank(body: str) -> bool:
    """The answer gives the figure as the report leaves it (xxx万) or says it is not printed."""
    from ..text.normalize import find_placeholders, normalize_query
    from .answer_checks import claims_undisclosed

    return bool(find_placeholders(normalize_query(body))) or claims_undisclosed(body)


def fit_problems(answer: str, hits: list[Hit], cited: list[int], query: Optional[Query]) -> list[str]:
    """What in the answer does not fit the question (empty when nothing is found)."""
    from ..text.numbers import find_quantities
    from .answer_checks import claimed_numbers

    if query is None or not query.wants_quantity:
        return []
    body = _CITE.sub("", answer)
    said = [q for q in find_quantities(body, bare=True) if q.unit and q.unit != "年"]
    claimed = set(claimed_numbers(answer, query))
    said = [q for q in said if any(abs(abs(q.value) - c) <= 1e-9 * max(1.0, c) for c in map(abs, claimed))]
    problems: list[str] = []
    states_figure = claimed and _FIGURE.search(_SET_PHRASES.sub("", body))
    if not states_figure and query.shape in ("quantity", "rate") and not _FLAT.search(body) \
            and not _says_blank(body):
        return ["the question asks for a figure; the answer gives none (say the figure, or that the passages lack it)"]
    misfits: list[str] = []  # goal, growth or metric: a problem only when no figure of the answer fits
    share_asked = bool(_SHARE_Q.search(query.normalized)) and not _CHANGE_Q.search(query.normalized)
    if said and query.shape == "quantity" and not _RATIO_Q.search(query.normalized + "|" + query.metric) \
            and all(_percent(q.unit) for q in said):
        problems.append("the question asks for an amount; the answer gives only a percentage")
    if said and _ASKS_RATE.search(query.normalized) and not any(_percent(q.unit) or q.unit == "倍" for q in said):
        problems.append("the question asks for a rate of change; the answer gives only an amount")
    shown = [p for n in cited for p in _quantities(hits[n - 1])] if said else []  # each passage read once
    if _ASKS_RATE.search(query.normalized) and any(_percent(q.unit) for q in said):
        said = [q for q in said if _percent(q.unit)]  # a rate asked: 两项, 十大 in a quoted sentence answer nothing
    for q in said:
        places = _placed(shown, q.value)
        # a figure printed without a unit (a table whose header gives it) does not say its kind
        if places and all(unit and _percent(unit) != _percent(q.unit) for _, _, _, unit in places):
            problems.append(f"{q.raw} is printed with a unit of another kind in the cited passages")
            misfits.append("")
            continue
        fitting = [p for p in places if _percent(p[3]) == _percent(q.unit)] or places
        if not fitting:
            misfits.append("")  # the figure check (check_answer) speaks for figures not printed
            continue
        if query.kind == "actual" and all(figure_is_goal(text, a, b) for text, a, b, _ in fitting):
            misfits.append(f"{q.raw} is a goal in the cited passage, the question asks what was achieved")
            continue
        if share_asked and _percent(q.unit) and all(_GROWTH_BEFORE.search(text[max(0, a - 8):a])
                                                    for text, a, _, _ in fitting):
            misfits.append(f"{q.raw} is a growth rate in the cited passage, the question asks for a share or intensity")
            continue
        metric = [_metric_problem(query, _clause_before(text, a)) for text, a, _, _ in fitting]
        if all(metric):
            misfits.append(metric[0])
    if said and len(misfits) == len(said) and all(misfits):
        problems += misfits
    return problems
