"""Named enumerations: ``“六个攻坚战”是哪些？``, ``三项重点是什么？``, ``哪八个方面工作？``.

A question asking what a counted name stands for is answered with the items the report lists
(:mod:`llm_extract.text.named_lists` finds them, only when the report lists exactly as many as
the name counts), each cited to its exact span, without the model — which, shown five passages,
returns two of six items or none.  Anything less certain goes to the model.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Optional

from ..core.types import NormalizedText, Query
from ..text.named_lists import CLASSIFIER, CLOSE_QUOTES, COUNT, OPEN_QUOTES, NamedList, list_items
from ..text.outline import cn_to_int

__all__ = ["named_list", "answer_named_list"]

_ASKS_LIST = re.compile(r"哪[些几“\"]|哪[一二两三四五六七八九十\d]|是什么|指什么|分别|是哪|有哪|包括什么|包括哪")
# “六个打造”, “四地”, “十大产业项目”: a count inside the quotes.
_QUOTED_COUNT = re.compile(rf"[{OPEN_QUOTES}](?P<n>{COUNT})(?P<cl>{CLASSIFIER})?(?P<rest>[^{CLOSE_QUOTES}]{{1,10}})[{CLOSE_QUOTES}]")
# 六个“主攻”方向 / “确保”的五个方面: the count outside the quotes.
# 四张城市旅游“名片”: a few words may stand between the count and the quotes.
_COUNT_QUOTED = re.compile(rf"(?P<n>{COUNT})(?:{CLASSIFIER})[\u4e00-\u9fff]{{0,6}}?[{OPEN_QUOTES}](?P<q>[^{CLOSE_QUOTES}]{{1,10}})[{CLOSE_QUOTES}]")
_QUOTED_THEN_COUNT = re.compile(rf"[{OPEN_QUOTES}](?P<q>[^{CLOSE_QUOTES}]{{1,10}})[{CLOSE_QUOTES}]的?(?P<n>{COUNT})(?:{CLASSIFIER})")
# 哪八个方面工作, 6项政府实事工程, 三项重点: a count and a classifier, no quotes.
_BARE = re.compile(rf"(?P<n>{COUNT})(?P<cl>{CLASSIFIER})(?P<rest>[\u4e00-\u9fff]{{1,6}}?)"
                   r"(?=是|分别|指|有|包括|都|具体|的|[?？,，]|$)")
# The report's own numbering in front of an item (一是, （一）, 1.): the answer numbers the items itself.
_ORDINAL_LEAD = re.compile(r"^(?:[一二三四五六七八九十]{1,3}是|第[一二三四五六七八九十]{1,3}[,，、]?|[一二三四五六七八九十]{1,3}、|"
                           r"[(（][一二三四五六七八九十\d]{1,2}[)）]|\d{1,2}[、.．]|[①-⑳])\s*")
_LINE_BREAK = re.compile(r"[ \t\u3000]*\n\s*")


def _count(text: str) -> Optional[int]:
    n = cn_to_int(text)
    return n if n is not None and 2 <= n <= 20 else None


def named_list(query: Query) -> Optional[NamedList]:
    """The enumeration a list question names, or ``None``."""
    q = query.normalized
    if not _ASKS_LIST.search(q) or re.search(r"多少|(?<!哪)几[个项家%]|比重|增长|下降", q):
        return None
    for rx, outside in ((_COUNT_QUOTED, True), (_QUOTED_THEN_COUNT, True)):
        m = rx.search(q)
        if m and (n := _count(m.group("n"))):
            return NamedList(n, m.group("q"), m.group("q"), count_outside=outside)
    m = _QUOTED_COUNT.search(q) or _BARE.search(q.replace("哪", ""))
    if m and (n := _count(m.group("n"))):
        term = m.group(0).strip(OPEN_QUOTES + CLOSE_QUOTES)
        rest = m.group("rest")
        if re.fullmatch(r"十[一二三四五六七八九]五", term):
            return None  # 十四五, 十五五: a five-year plan, not fifteen of something
        if (m.re is _BARE and rest.endswith("中")) or re.match(r"[中里内]", q[m.end():m.end() + 1]):
            return None  # 七大行业中哪些增长: some of the items, which only reading them can tell
        return NamedList(n, term, "方面" if m.group("cl") == "方面" else rest)
    return None


def answer_named_list(query: Query, docs: list[dict], normalized_of: Callable[[dict], NormalizedText]):
    """The composed answer (a :class:`~.record_text.RecordAnswer`) when exactly one document of the
    scope lists the named items (of several, the one planning the one year the question names), else ``None``."""
    from .record_text import Cites, CitedSpan, RecordAnswer

    named = named_list(query)
    if named is None:
        return None
    from ..text.outline import parse_outline

    found = []
    for d in docs:
        norm = normalized_of(d)
        sections = parse_outline(norm)
        items = list_items(norm, named, sections)
        if items:
            found.append((d, norm, sections, items))
    if len(found) > 1 and len(set(query.years)) == 1:
        # a place's reports of two years both list eight 方面: the one delivered in (planning) the year asked
        year = query.years[0]
        found = [f for f in found if year in {int(y) for y in f[0].get("plan_years") or []}
                 or str(f[0].get("report_year") or "") == str(year)]
    if len(found) != 1:
        return None
    d, norm, sections, items = found[0]
    cites = Cites()
    lines = []
    for n, it in enumerate(items, 1):
        span = norm.to_original(it.start, it.end)
        quote = norm.original[span.start:span.end]
        mark = cites.add(CitedSpan(d["doc_id"], d["source"], span.start, span.end, quote, _section_of(sections, span.start)))
        # shown as cleaned (pinyin glosses such as 發(fā)展 dropped), in the report's own script
        shown = _ORDINAL_LEAD.sub("", _LINE_BREAK.sub("", norm.text[it.start:it.end]).strip())
        lines.append(f"{n}. {shown}{mark}")
    where = f"（{d.get('title') or Path(d.get('source') or '').name}）".replace("（）", "")  # a file's name, not its path
    name = f"“{named.term}”的{named.count}项" if named.count_outside else f"“{named.term}”共{named.count}项"
    text = f"{d.get('place') or '报告'}所列{name}{where}：\n" + "\n".join(lines)
    reason = f"named list “{named.term}”: {named.count} items listed in {d['doc_id']}"
    return RecordAnswer(text, cites.citations, cites.passages, reasons=[reason])


def _section_of(sections, start: int) -> str:
    """The heading path of the innermost outline section holding original offset ``start``."""
    holding = [sec for sec in sections if sec.level >= 1 and sec.start <= start < sec.end]
    return max(holding, key=lambda sec: sec.level).path_str if holding else ""

