"""Projects of a kind and a status: ``青川县2024年计划开工建设哪些高速和机场？``, answered from stored project items.

Rule extraction stores every named project a report lists (:mod:`llm_extract.extract.project_items`):
its name, the clause stating it (its exact span) and the period of the part of the report it stands in.
A question naming a specific kind of works (高铁, 铁路, 高速公路, 机场, 港口, 水库, 水利工程 …), optionally
how far they get (开工, 建成, 投产, 签约) and a year, is answered with every stored project of the one
report in scope whose name carries the kind word, whose period is that year and whose clause says that
status of it — the verb before its name in the clause, else the verb a list shares after its names
(``开工甲、乙高铁``, ``甲、乙等项目开工建设``, ``建成甲、开工乙``) — each cited to its clause.

It declines (the model answers) whenever it is unsure:

* the question asks something besides place, year, kind and status (``为…献礼要推进哪些项目``,
  ``哪些机场旅客吞吐量增长``), names no specific kind (项目, 工程 alone) or an ongoing stage only
  (加快, 推进, 在建, 前期: a clause's verbs do not tell those apart reliably);
* the year is not said and the report's plan or review part does not settle it;
* the status of a project of that kind cannot be read from its clause;
* nothing, or more than :data:`MAX_ITEMS`, matches, or the matches come from two reports;
* the report prints the kind word, in that year's part and in a clause with that status, outside
  every stored project of the kind (``开工一批机场``, a name the rules could not read): the list
  would be incomplete.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional

from ..core.types import NormalizedText, Query

__all__ = ["ProjectAsk", "project_question", "answer_projects", "MAX_ITEMS"]

MAX_ITEMS = 15
# (what the question writes, the head word of a project's name of that kind)
_KINDS = (
    (r"高速铁路|高铁", r"高铁|高速铁路"),
    (r"城际铁路|城际", r"城际(?:铁路)?"),
    (r"铁路", r"铁路|高铁|城际"),
    # G0711, S27: a national or provincial expressway's number (G331, three digits, is a national road)
    (r"高速公路|高速", r"高速(?!铁路|传输|通道|网|光|数据|宽带|发展|增长|磁浮)(?:公路)?|"
                     r"(?<![A-Za-z\d])(?:G\d{4}|S\d{2})(?!\d)"),
    (r"机场", r"机场"),
    # 港 of a port, not of an inland, air, business or data hub (陆港, 空港, 商务港, 信息港) or 香港
    (r"港口|港区|码头", r"港区|(?<!陆)(?<!陆地)(?<!空)(?<!枢纽)(?<!信息)(?<!数字)(?<!无水)(?<!商务)(?<!物流)(?<!香)港(?!澳)|"
                     r"码头|泊位"),
    (r"水库", r"水库"),
    (r"水利工程|水利项目|水利设施|水利", r"水利|水库|灌区|引水|调水|供水|水网|大坝|堤防|蓄滞洪|水资源配置"),
    (r"抽水蓄能电站|抽水蓄能", r"抽水蓄能(?:电站)?"),
    (r"电站|电厂", r"电站|电厂"),
    (r"地铁|轨道交通", r"地铁|轨道交通|号线"),
    (r"医院", r"医院"),
    (r"煤矿", r"煤矿"),
)
# The head words of works: of the kinds above and of other kinds (a bridge is no airport).
_HEADS = re.compile("|".join(head for _q, head in _KINDS) + r"|大桥|隧道|航道|管道|枢纽|园区?|基地")
# What may follow the head word in a name of that kind (甲乙高铁上海段, 甲机场三期扩建工程, 甲港区改造一期).
_TRAIL = re.compile(r"(?:[\u4e00-\u9fff]{1,6}段|项目|工程|主体|[一二三四五六七八九十\d]+期|改扩建|扩建|迁建|扩能|"
                    r"电气化|[\u4e00-\u9fff]{0,3}改造|扩容|提速|复线|增建[二三四]线|除险加固|枢纽|作业区|"
                    r"[（(][^）)]{1,10}[）)])*")
# A name that is a programme or a batch, not one project (新一轮病险水库除险加固项目).
_GENERIC_NAME = re.compile(r"^(?:新一轮|新一批|一批|各类|多个|病险|中小型|小型|农村|城乡|重点|重大)")
# How far a project gets, as a clause's verbs (and a question's words) say it.
_STATUS = (
    ("start", r"新开工|开工|动工|开建|启动建设|启动"),
    ("complete", r"建成|竣工|完工|落成|贯通|基本完成|全面完成|完成"),
    ("operate", r"投入使用|投入运营|投入运行|投产|投运|投用|通车|运营|运行|开通|通航"),
    ("sign", r"签约|签订"),
    ("prep", r"前期工作|前期|规划|谋划|论证|储备"),
    ("build", r"加快|推进|推动|实施|建设|续建|在建|抓好|打造"),
)
_STATUS_RE = [(name, re.compile(rx)) for name, rx in _STATUS]
_ANY_STATUS = re.compile("|".join(rx for _n, rx in _STATUS))
_DECISIVE = {"start", "complete", "operate", "sign"}
# A stage the question may ask that the route does not answer (ongoing, preparatory).
_ONGOING_Q = re.compile(r"加快|推进|推动|续建|在建|前期|规划|谋划|储备")
# Words that add nothing to a projects question besides its kind and status.
_FILLER = re.compile(
    r"(?:19|20)\d{2}年?|今年|明年|去年|本年|年内|全年|上半年|哪些|有哪些|哪几个|哪几条|哪几座|分别|都|是|什么|"
    r"计划|将要|将|要|拟|准备|力争|争取|确保|预计|已经|已|重点|重大|主要|新|实施|建设|项目|工程|的|了|和|与|及|以及|、|,|"
    r"[?？]|省|市|区|州|县|全省|全市|全区|全州|全县|政府工作报告|报告|提出|提到|指出|安排|中|在|有|个|条|座|等|其中|"
    r"包括|包含|哪|能够|可以")
_PLAN_Q = re.compile(r"计划|将|要|拟|准备|力争|争取|确保|今年|明年|年内")
_REVIEW_Q = re.compile(r"已经|已|去年|过去一年|完成了")
_SEP = re.compile(r"[、和及与]")
_SPACE = re.compile(r"\s")
# What may stand before and between the names of a list besides its verbs.
_LEAD_WORDS = (r"力争|争取|确保|全面|基本|持续|积极|有序|扎实|着力|全力|深化|年内|年底|新建|主体|全线|提前|顺利|正式|如期|"
               r"立项|校飞|试飞|首航|封顶|实现|[全我](?:省|市|区|州|县)")
_GROUP = re.compile(r"等|\d+[条座个项处家]|[一二三四五六七八九十两]+[条座个项处家]")
_LEAD = re.compile(_LEAD_WORDS + r"|以及|[、和及与等,“”\"]")
# A clause opening with a separator before its first name (争取和平机场…): the name was cut at a 和 of its own.
_CUT_NAME = re.compile(rf"^(?:{_LEAD_WORDS}|{_ANY_STATUS.pattern})*[、和及与]$")


@dataclass(frozen=True)
class ProjectAsk:
    """What a projects question asks: kinds (name patterns), statuses ({} = any), year (None = unsaid)."""

    kinds: tuple[str, ...]  # as the question writes them
    patterns: tuple[re.Pattern, ...]
    statuses: frozenset[str]
    said: str  # the status words as the question writes them
    year: Optional[int]
    plan: Optional[bool]  # the question says plan (True) or review (False), None = neither


def project_question(query: Query, places: list[str]) -> Optional[ProjectAsk]:
    """The projects question ``query`` asks, or ``None`` when it is none (see the module docstring)."""
    q = query.normalized
    if "哪" not in q or len(set(query.years)) > 1:
        return None
    rest = q
    for name in sorted({p for p in places if p}, key=len, reverse=True):
        rest = rest.replace(name, "|")
    kinds, patterns = [], []
    for asked, carried in _KINDS:
        for m in re.finditer(asked, rest):
            kinds.append(m.group(0))
            patterns.append(re.compile(carried))
        rest = re.sub(asked, "|", rest)
    if not kinds or _ONGOING_Q.search(rest):
        return None
    statuses = {name for name, rx in _STATUS_RE if name in _DECISIVE and rx.search(rest)}
    found = [m.span() for name, rx in _STATUS_RE if name in _DECISIVE for m in rx.finditer(rest)]
    said = rest[min(a for a, _b in found): max(b for _a, b in found)].replace("|", "") if found else ""
    for name, rx in _STATUS_RE:
        if name in _DECISIVE:
            rest = rx.sub("|", rest)
    if _FILLER.sub("", rest).strip("|"):
        return None  # the question asks more than which works of a kind
    plan = True if _PLAN_Q.search(q) else False if _REVIEW_Q.search(q) else None
    year = query.years[0] if query.years else None
    return ProjectAsk(tuple(kinds), tuple(patterns), frozenset(statuses), said, year, plan)


def _prints_kind(ask: ProjectAsk, text: str) -> bool:
    """Whether ``text`` prints a head word of an asked kind anywhere."""
    name = _SPACE.sub("", text)
    return any(p.search(name) for p in ask.patterns)


def _of_kind(ask: ProjectAsk, text: str) -> Optional[bool]:
    """Whether the project named ``text`` is of an asked kind: its head word ends the name (up to a
    section, a phase, an extension: :data:`_TRAIL`); not when another kind's head follows it
    (甲机场高速公路 is a road); ``None`` when something else does (高铁云岭站: a station?)."""
    name = _SPACE.sub("", text)
    verdicts = set()
    for p in ask.patterns:
        last = None
        for last in p.finditer(name):
            pass
        if last is None:
            continue
        tail = name[last.end():]
        verdicts.add(True if _TRAIL.fullmatch(tail) else False if _HEADS.search(tail) else None)
    return True if True in verdicts else None if None in verdicts else False


def _classes(text: str) -> frozenset[str]:
    """The statuses the verbs of ``text`` say (an ongoing verb counts only when no decisive one is there)."""
    found = {name for name, rx in _STATUS_RE if rx.search(text)}
    decisive = found - {"build"}
    return frozenset(decisive or found)


def clause_statuses(evidence: str, names: list[str]) -> Optional[tuple[list[frozenset[str]], list[str]]]:
    """The status of each project ``names`` lists in its clause ``evidence``, in the order given, and
    what else the clause lists (an unstored item such as 石门 in ``开工建设石门、金竹水库``, or the
    opening of a name cut at a 和 of its own: ``争取和``); ``None`` when a name is not found there.
    A verb before a name is its own
    (``建成甲、开工乙``); a name without one shares the verb of the list it continues (``开工甲、乙``) or
    the verb after the list (``甲、乙等项目开工建设``); an empty set means no verb says it."""
    from ..text.normalize import normalize_query

    ev = normalize_query(evidence)
    spans: list[tuple[int, int, int]] = []
    for i, name in enumerate(names):
        n = normalize_query(name)
        at, size = -1, 0
        for size in range(len(n), 1, -1):  # 云岭抽水蓄能项目 is printed as 云岭 in 云岭、石门抽水蓄能项目
            at = ev.find(n[:size])
            if at >= 0:
                break
        if at < 0:
            return None
        spans.append((at, at + size, i))
    spans.sort()
    gaps = [ev[: spans[0][0]]] + [ev[spans[k - 1][1]: spans[k][0]] for k in range(1, len(spans))] + [ev[spans[-1][1]:]]
    pre, post = [], []
    for k in range(len(spans)):
        before, after = gaps[k], gaps[k + 1]
        cut = max((m.end() for m in _SEP.finditer(before)), default=0)
        pre.append(_classes(before[cut:]) or _opening(before[:cut]))
        cut = min((m.start() for m in _SEP.finditer(after)), default=len(after)) if k + 1 < len(spans) else len(after)
        post.append(_classes(after[:cut]))
    out: list[frozenset[str]] = [frozenset()] * len(names)
    for k, (_a, _b, i) in enumerate(spans):
        out[i] = _status_of(k, pre, post)
    # a modifier before the first name (筹划多年的) and the group after the last (等…, 4条高速公路) name no item
    listed = [gaps[0].rsplit("的", 1)[-1]] + gaps[1:-1] + [_GROUP.split(gaps[-1])[0]]
    unread = [rest for g in listed for part in _SEP.split(g) if len(rest := _LEAD.sub("", _ANY_STATUS.sub("", part))) >= 2]
    return out, unread + ([gaps[0]] if _CUT_NAME.match(gaps[0]) else [])


def _opening(text: str) -> frozenset[str]:
    """The statuses of the last verbs of ``text`` when a name follows them (``开工建设石门、``: a list the
    verb opens, one item unstored); none when a separator does (``甲建成、``: the verb is 甲's)."""
    runs = list(_ANY_STATUS.finditer(text))
    if not runs:
        return frozenset()
    end, start = runs[-1].end(), runs[-1].start()
    for m in reversed(runs[:-1]):
        if m.end() != start:
            break
        start = m.start()
    if end >= len(text) or _SEP.match(text, end):
        return frozenset()
    return _classes(text[start:end])


def _status_of(k: int, pre: list[frozenset[str]], post: list[frozenset[str]]) -> frozenset[str]:
    """Item ``k``'s status: its own verb or the one the list it continues opens with, unless that is
    only an ongoing verb and the list closes with another (``推动甲、乙等项目开工建设``)."""
    own = pre[k]
    j = k - 1
    while not own and j >= 0 and not post[j]:  # 开工甲、乙: 乙 continues the list 开工 opens
        own = pre[j]
        j -= 1
    after: frozenset[str] = frozenset()
    for j in range(k, len(post)):  # 甲、乙等项目开工建设: the verb after the list
        if post[j]:
            after = post[j]
            break
        if j + 1 < len(pre) and pre[j + 1]:
            break
    if own and (own - {"build"} or not after):
        return own
    if after:
        return after
    # 推进甲前期工作和乙: the verb opening the clause, past another name's own
    return next((pre[j] for j in range(k - 1, -1, -1) if pre[j]), frozenset())


def _key(item) -> tuple:
    return item.doc_id, item.start, item.end, item.text


def _statuses(ask: ProjectAsk, items: list, stored: list) -> Optional[tuple[dict[tuple, frozenset[str]], set[tuple]]]:
    """The status of every one of ``items`` (by :func:`_key`), read from its clause with every project
    ``stored`` from that clause, and the keys of those whose clause lists something no stored project is
    that may be of an asked kind (or a name the rules cut); ``None`` when a name is not found in its clause."""
    clauses = {(it.doc_id, it.start, it.end) for it in items}
    by_clause: dict[tuple, list] = {}
    for it in stored:
        if (it.doc_id, it.start, it.end) in clauses:
            by_clause.setdefault((it.doc_id, it.start, it.end), []).append(it)
    out: dict[tuple, frozenset[str]] = {}
    unread: set[tuple] = set()
    for group in by_clause.values():
        found = clause_statuses(group[0].evidence, [it.text for it in group])
        if found is None:
            return None
        out.update({_key(it): st for it, st in zip(group, found[0])})
        # what else the list holds is harmless only when it is a work of another kind (甲港 for a railway
        # question) or, stored, a name long enough to be whole (甲旗、乙通用机场 may be two airports)
        short = [it.text for it in group if len(_SPACE.sub("", it.text)) <= 4]
        if any(_prints_kind(ask, rest) or not _HEADS.search(rest) for rest in found[1]) or \
                any(not _HEADS.search(name) for name in short):
            unread.update(_key(it) for it in group)
    return out, unread


def _year(ask: ProjectAsk, doc: dict) -> Optional[int]:
    """The year asked: as written, else the report's one plan (or review) year the question points to."""
    if ask.year is not None:
        return ask.year
    years = doc.get("plan_years") if ask.plan else doc.get("review_years") if ask.plan is False else None
    return int(years[0]) if years and len(years) == 1 else None


def answer_projects(query: Query, places: list[str], items: list, docs: dict[str, dict],
                    normalized_of: Callable[[dict], NormalizedText]):
    """The cited list of the asked projects (a :class:`~.record_text.RecordAnswer`), or ``None``."""
    from .record_text import RecordAnswer

    ask = project_question(query, places)
    if ask is None:
        return None
    kind_of = {_key(it): _of_kind(ask, it.text) for it in items if it.record_type == "project"}
    of_kind = [it for it in items if it.record_type == "project" and kind_of[_key(it)] is not False]
    if len({it.doc_id for it in of_kind}) != 1:
        return None
    doc = docs.get(of_kind[0].doc_id) or {}
    year = _year(ask, doc)
    if year is None:
        return None
    if any(not (it.fields or {}).get("period") for it in of_kind):
        return None  # a project of the kind of unknown year may be one of those asked
    dated = [it for it in of_kind if it.fields["period"] == str(year)]
    read = _statuses(ask, dated, [it for it in items if it.record_type == "project"])
    if read is None:
        return None
    statuses, unread = read
    if ask.statuses and any(not statuses[_key(it)] for it in dated):
        return None  # a project of the kind whose status no verb says: it may be one of those asked
    chosen = [it for it in dated if not ask.statuses or statuses[_key(it)] & ask.statuses]
    if not 1 <= len(chosen) <= MAX_ITEMS or any(_key(it) in unread or kind_of[_key(it)] is None
                                                 or _GENERIC_NAME.match(it.text) for it in chosen):
        return None  # a name the rules may have cut, a work that may be of another kind, a programme
    if not doc.get("source") or _unlisted(ask, year, of_kind, normalized_of(doc)):
        return None
    text, cites = _compose(ask, year, chosen, doc)
    reasons = [f"projects of kind {'/'.join(ask.kinds)}, status {sorted(ask.statuses) or 'any'}, {year}: "
               f"{len(chosen)} of {len(of_kind)} stored project(s) of the kind in {doc.get('doc_id')}"]
    return RecordAnswer(text, cites.citations, cites.passages, reasons=reasons)


def _compose(ask: ProjectAsk, year: int, chosen: list, doc: dict):
    from .record_text import Cites

    cites, marks = Cites(), {}
    lines = []
    for n, it in enumerate(sorted(chosen, key=lambda i: i.start), 1):
        key = (it.start, it.end)
        if key not in marks:  # projects of one clause share its citation
            marks[key] = cites.add(it)
        lines.append(f"{n}. {_SPACE.sub('', it.text)}{marks[key]}")
    status = ask.said
    what = "和".join(dict.fromkeys(ask.kinds))
    where = f"（{doc.get('title') or doc.get('source') or ''}）".replace("（）", "")
    head = f"{doc.get('place') or '报告'}{year}年{status + '的' if status else '所列'}{what}{where}："
    return head + "\n" + "\n".join(lines), cites


_CLAUSE = re.compile(r"[^，,；;。！？\n]+")


def _unlisted(ask: ProjectAsk, year: int, of_kind: list, norm: NormalizedText) -> str:
    """A clause of the asked year's part that prints the kind word with the asked status outside every
    stored project of the kind ("" = none): the answer would miss what it names."""
    from ..text.outline import parse_outline
    from ..text.segments import years_in

    sections = parse_outline(norm)
    covered = [(it.start, it.end) for it in of_kind]
    period_of = {it.section: (it.fields or {}).get("period") for it in of_kind}
    for m in _CLAUSE.finditer(norm.simplified):
        clause = m.group(0)
        if not _prints_kind(ask, clause) or (ask.statuses and not _classes(clause) & ask.statuses):
            continue
        span = norm.to_original(m.start(), m.end())
        if any(a < span.end and span.start < b for a, b in covered):
            continue
        holding = [s for s in sections if s.level >= 1 and s.start <= span.start < s.end]
        path = max(holding, key=lambda s: s.level).path_str if holding else ""
        period = period_of.get(path) or next(iter(years_in(path)[-1:]), None)
        if period is None or int(period) == year:  # a part of unknown year may be the one asked
            return clause
    return ""
