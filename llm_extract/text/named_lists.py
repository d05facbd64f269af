"""Where a report lists the items of a named enumeration (“六个攻坚战”, 三项重点, “四地”).

Government reports name their programmes by a count: 打好“六个攻坚战”, 狠抓三项重点（A、B、C）,
按照A、B、C的“五个一”要求, 全力抓好“六个打造”：一、…二、…, 打造“A地、B地、C地、D地”.
:func:`list_items` finds the items, and only when the report lists **exactly as many as the
name counts**.  Where it looks, at each place the report prints the name (first match wins):

1. right after it, in brackets or after a colon on the same line (``三项重点（A、B、C）``);
2. right before it, a list ending in 的/等 (``A、B、C等“十大产业项目”``), or straight before a
   quoted name when the name has a classifier or every item shares the counted word
   (``医疗、医保、医药“三医联动”``); never when another quoted name is in that clause; the
   clause's verb is cut from the first item (强化A、B、C) unless every item has a verb of its own;
3. right after it, numbered (:mod:`.numbered_items`) — when the name ends its line or is in a heading: the outline headings
   opening with 一、/（一）/1. (the run of siblings while the numbering continues), paragraphs
   opening with 一是/二是…, or 一是…；二是… inside the paragraph; else, in the rest of its paragraph,
   the phrases ending in the name's word, quoted or led by a verb (6项实事工程 … 开展A工程 … 开展B工程);
4. anywhere, a quoted list of as many parts each ending as the name does (“A地、B地、C地、D地”
   for ``四地``).

A name printed with another (“两重”、“两新”：…) is skipped: what follows belongs to both.  A name
whose count stands outside its quotes (六个“主攻”) is looked for printed with its count
(确保五个方面), else as the opening word of a run of sibling headings.  Offsets are normalized;
``NormalizedText.to_original`` maps them back.
"""

from __future__ import annotations

import re
from typing import Optional

from ..core.types import NormalizedText, Section
from .list_spans import (CLASSIFIER, CLOSE_QUOTES, COUNT, MAX_ITEM, OPEN_QUOTES, PARA_ORDINAL, FoundItem, ListDoc,
                         NamedList, split_items, trim_item)
from .numbered_items import heading_group, numbered_after

__all__ = ["COUNT", "CLASSIFIER", "OPEN_QUOTES", "CLOSE_QUOTES", "MAX_ITEM", "NamedList", "FoundItem", "list_items"]

_ENUM_COMMA = re.compile(r"、")
# 和/及/与 joining the last two items, not inside a word (和谐, 和美, 及时, 参与, 普及).
_AND = re.compile(r"以及|(?<![参普涉])(?:和(?![谐美平睦])|及(?!时)|与)")
# What a clause says before the list it names: 按照A、B、C的…, 着重抓好A、B等…, 持续深化医疗、医保、医药….
_LEAD_WORD = re.compile(r"按照|围绕|依托|聚焦|聚力|着力|着重|全力|重点|加快|大力|坚持|落实|深入|扎实|持续|积极|全面|切实|"
                        r"不断|进一步|统筹|强化|深化|加强|优化|培育|弘扬|建立|健全|完善|构建|实施|开展|推进|推动|打造|"
                        r"建设|抓好|做好|打好|办好|抓实|狠抓|促进|提升|巩固|拓展|夯实|用好")
_LEAD_PHRASE = re.compile(rf"(?:{_LEAD_WORD.pattern})好?")
# A count that is part of a larger number or an ordinal (十二项, 第三项) does not print the name.
_NOT_AFTER = r"(?<![\d一二两三四五六七八九十百千万第])"


def _occurrences(doc: ListDoc, named: NamedList) -> list[tuple[int, int]]:
    """Where the report prints the name (the count in either script: 9个 / 九个)."""
    s = doc.norm.simplified
    m = re.match(rf"({COUNT})((?:{CLASSIFIER})?)(.*)$", named.term)
    count = m.group(1) if m and not named.count_outside else ""
    classifier = re.escape(m.group(2)) if m and not named.count_outside else ""
    rest = m.group(3) if m and not named.count_outside else named.term
    numerals = "|".join(sorted({count, str(named.count), _CN_DIGITS.get(named.count, count)} - {""}))
    if named.count_outside:
        # 确保五个方面 / 狠抓三项重点 / 六个“主攻”: the word printed with the count
        term = re.escape(named.term)
        pattern = (rf"{term}的?(?:{numerals})(?:{CLASSIFIER})[\u4e00-\u9fff]{{0,4}}"
                   rf"|{_NOT_AFTER}(?:{numerals})(?:{CLASSIFIER})[{OPEN_QUOTES}]?{term}[{CLOSE_QUOTES}]?")
    else:
        # the noun as the question writes it, or its first two characters (八个方面工作 / 八个方面);
        # a one-character noun only as a whole word (“三个一” is not “三个一批”)
        pattern = rf"{_NOT_AFTER}(?:{numerals}){classifier}{re.escape(rest[:2])}"
        if len(rest) > 2:
            pattern += rf"(?:{re.escape(rest[2:])})?"
        elif len(rest) < 2:
            pattern += r"(?![\u4e00-\u9fff])"
    return [(m.start(), m.end()) for m in re.finditer(pattern, s)]


_CN_DIGITS = {n: d for n, d in enumerate("零一二三四五六七八九十", 0)}
_CN_DIGITS.update({n: "十" + "一二三四五六七八九"[n - 11] for n in range(11, 20)})


def _among_names(s: str, start: int, end: int) -> bool:
    """The name is one of several printed together (“两重”、“两新”：…): what follows is theirs, not its own."""
    before = s[max(0, start - 3):start].rstrip(OPEN_QUOTES)
    after = s[end:end + 3].lstrip(CLOSE_QUOTES)
    return bool(re.search(r"[”\"’」][、,，和及与]$", before) or re.match(r"[、,，和及与][“\"‘「]", after))


def _after_brackets(s: str, end: int, n: int) -> Optional[list[FoundItem]]:
    """``三项重点（A、B、C）`` or ``…：A、B、C。`` on the same line."""
    pos = end
    while pos < len(s) and s[pos] in CLOSE_QUOTES + " ":
        pos += 1
    if pos >= len(s):
        return None
    if s[pos] in "(（":
        close = next((i for i in range(pos + 1, min(len(s), pos + 300)) if s[i] in ")）"), -1)
        items = split_items(s, pos + 1, close) if close > 0 else []
    elif s[pos] in ":：" and pos + 1 < len(s) and s[pos + 1] != "\n":
        if PARA_ORDINAL.match(s, pos + 1 + len(s[pos + 1:pos + 3]) - len(s[pos + 1:pos + 3].lstrip())):
            return None  # …：一是A，…；二是B: items numbered in the paragraph, their clauses are not items
        stop = next((i for i in range(pos + 1, min(len(s), pos + 400)) if s[i] in "。\n"), min(len(s), pos + 400))
        items = split_items(s, pos + 1, stop)
    else:
        return None
    return _fit(s, items, n)


def _fit(s: str, items: list[FoundItem], n: int) -> Optional[list[FoundItem]]:
    """``items`` when there are ``n``; one short, the last split at 和/及 (``A、B、C和D``)."""
    if len(items) == n - 1 and items:
        last = items[-1]
        m = _AND.search(last.text, 1, len(last.text) - 1)
        if m:
            k = last.start + m.start()
            tail = [it for it in (trim_item(s, last.start, k), trim_item(s, k + len(m.group(0)), last.end)) if it]
            items = items[:-1] + tail
    return items if len(items) == n else None


def _before(s: str, start: int, named: NamedList) -> Optional[list[FoundItem]]:
    """``A、B、C的“五个一”`` / ``A、B、C等“十大产业项目”``: the list ending where the name begins.

    Straight before a quoted name (``医疗、医保、医药“三医联动”``) a list is the name's only when
    the name has a classifier (三条措施) or every item shares the word the count counts (医).
    """
    n = named.count
    b = start
    while b > 0 and s[b - 1] in OPEN_QUOTES:
        b -= 1
    tail = re.search(r"(?:的|等|这|这些)$", s[max(0, b - 2):b])
    if tail:
        b -= len(tail.group(0))
    elif b == start:
        return None  # a list runs straight into the name only when the name is quoted (…、C“三条措施”)
    a = max((s.rfind(c, max(0, b - 600), b) for c in "。;；:：\n"), default=-1) + 1
    a = max(a, b - 600)  # a list clause is short; a page without stops is not searched back to its start
    if "、" not in s[a:b]:
        return None
    pieces = s[a:b].split("，") if "，" in s[a:b] else s[a:b].split(",")
    a = b - len(pieces[-1])  # the list is the last comma-clause before the name
    if re.search(f"[{OPEN_QUOTES}{CLOSE_QUOTES}]", s[a:b]):
        return None  # another quoted name in the clause: its list, or a list of names
    items = _fit(s, split_items(s, a, b, _ENUM_COMMA), n)
    items = _without_lead(s, items) if items else items
    m = re.match(rf"(?:{COUNT})({CLASSIFIER})?(.)", named.term)
    if items and not tail and m and not m.group(1) and not all(m.group(2) in it.text for it in items):
        return None
    return items


def _without_lead(s: str, items: list[FoundItem]) -> list[FoundItem]:
    """The first item without the clause's verb (强化产业、创业、就业 → 产业): up to the word every other
    item opens with (落实加强A、加强B), else while the others open with no such verb (建设A、发展B keeps 建设A)."""
    first, others = items[0], items[1:]
    a = first.start
    opens = {it.text[:2] for it in others}
    shared = first.text.find(next(iter(opens))) if len(opens) == 1 else -1
    if 0 < shared <= 6:
        a += shared
    elif not any(_LEAD_WORD.match(it.text) and not it.text.startswith("重点") for it in others):  # 重点河湖治理: a noun
        shortest = max(2, min(len(it.text) for it in others) - 1)
        while (m := _LEAD_PHRASE.match(s, a, first.end)) and first.end - m.end() >= shortest:
            a = m.end()
        of = s.rfind("的", a, first.end)  # 实施今年确定的A、B、C: what qualifies the list is no part of A
        if of >= 0 and first.end - of - 1 >= shortest and not any("的" in it.text for it in others):
            a = of + 1
    return [trim_item(s, a, first.end) or first] + others


def _quoted_list(s: str, named: NamedList) -> Optional[list[FoundItem]]:
    """A quoted list of ``count`` parts each ending as the name does (“A地、B地、C地、D地” for 四地)."""
    if not named.head or named.count_outside:
        return None
    end_char = named.head[-1]
    found = []
    for m in re.finditer(rf"[{OPEN_QUOTES}]([^{CLOSE_QUOTES}\n]{{4,120}})[{CLOSE_QUOTES}]", s):
        parts = split_items(s, m.start(1), m.end(1))
        if len(parts) == named.count and all(p.text.endswith(end_char) for p in parts):
            found.append(parts)
    return found[0] if len(found) == 1 else None


_ITEM_VERB = r"开展|实施|推进|建设|打造|完成|启动|办好|做好"
MAX_PARAGRAPH = 1500  # characters after a name searched for its items by their word


def _head_words_after(s: str, end: int, named: NamedList) -> Optional[list[FoundItem]]:
    """In the rest of the paragraph, the phrases ending in the name's word (6项实事工程 … 开展A工程…开展B工程;
    四张“名片” … 打造“A名片”): quoted, or led by a verb; up to a restatement (上述六项…)."""
    word = named.head[-2:]
    if len(word) < 2 or not re.fullmatch(r"[\u4e00-\u9fff]{2}", word):
        return None
    stop = s.find("\n", end, end + MAX_PARAGRAPH)
    stop = min(len(s), end + MAX_PARAGRAPH) if stop < 0 else stop
    again = re.search(r"上述|以上|这(?:{0})(?:{1})".format(COUNT, CLASSIFIER), s[end:stop])
    stop = end + again.start() if again else stop
    w = re.escape(word)
    found: dict[str, FoundItem] = {}
    pattern = re.compile(rf"[{OPEN_QUOTES}](?P<q>[^{CLOSE_QUOTES}\n]{{1,12}}{w})[{CLOSE_QUOTES}]"
                         rf"|(?:{_ITEM_VERB})(?P<v>[\u4e00-\u9fff]{{2,16}}?{w})")
    for m in pattern.finditer(s, end, stop):
        key = "q" if m.group("q") else "v"
        text = m.group(key)
        if text != word and text not in found:
            found[text] = FoundItem(text, m.start(key), m.end(key))
    items = list(found.values())
    return items if len(items) == named.count else None


def list_items(norm: NormalizedText, named: NamedList, sections: Optional[list[Section]] = None
               ) -> Optional[list[FoundItem]]:
    """The items a report lists for ``named`` (normalized spans), or ``None`` when it does not list
    exactly ``named.count`` of them in one of the ways the module docstring gives."""
    from .outline import parse_outline

    doc = ListDoc(norm, sections if sections is not None else parse_outline(norm))
    s = norm.simplified
    for start, end in _occurrences(doc, named):
        if _among_names(s, start, end):
            continue
        for found in (_after_brackets(s, end, named.count), _before(s, start, named),
                      numbered_after(doc, end, named.count), _head_words_after(s, end, named)):
            if found:
                return found
    return heading_group(doc, named) if named.count_outside else _quoted_list(s, named)
