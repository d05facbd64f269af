"""Small text segments every stage needs, defined once: sentences, years and character bigrams.

* :func:`sentence_spans` — sentence spans of a text (ends at 。！？；!?; or a line break), long
  sentences (lists of figures) optionally cut after their commas too;
* :data:`YEAR` / :func:`years_in` — four-digit years 1900–2099 not inside a longer number;
* :func:`year_spans` — every year of a written range (``2015到2018年``, ``2016—2020年``);
* :func:`relative_years` — years written relative to the report (今年 0, 去年 -1, 明年 +1 …);
* :func:`trimmed` — a span without its surrounding whitespace;
* :func:`bigrams` — the set of adjacent character pairs, optionally without pairs that hold given characters.
"""

from __future__ import annotations

import re

SENT_END = re.compile(r"[。！？；!?;\n]")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_COMMA = re.compile(r"[，,]")
#: Punctuation and spaces that passage focusing keeps out of bigrams.
PUNCT = "，。、；：:,.;（）() "


def sentence_spans(text: str, *, comma_over: int | None = None) -> list[tuple[int, int]]:
    """Half-open spans of the non-blank sentences of ``text``, each ending after its terminator.

    With ``comma_over`` a sentence longer than that many characters is cut after each comma
    (a run of figures separated by commas reads as several statements).  Spans keep surrounding
    whitespace; callers that show the text strip it.
    """
    bounds = [0] + [m.end() for m in SENT_END.finditer(text)] + [len(text)]
    spans: list[tuple[int, int]] = []
    for a, b in zip(bounds, bounds[1:]):
        if not text[a:b].strip():
            continue
        if comma_over is None or b - a <= comma_over:
            spans.append((a, b))
            continue
        cuts = [a] + [a + m.end() for m in _COMMA.finditer(text[a:b])] + [b]
        spans.extend((x, y) for x, y in zip(cuts, cuts[1:]) if text[x:y].strip())
    return spans


def trimmed(text: str, a: int, b: int) -> tuple[int, int] | None:
    """``(a, b)`` without surrounding whitespace, or ``None`` when nothing else is left."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return (a, b) if a < b else None


def years_in(text: str) -> list[int]:
    """Years written in ``text`` in order (``2013年`` and ``2013`` alike)."""
    return [int(y) for y in YEAR.findall(text)]


# Five-year plan terms: 十一五 is 2006-2010, each term five years on (十五五: 2026-2030).
_TERM_NUMBER = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
# “十四五”末 / 十三五期末: the last year of a term.
_TERM_END = re.compile(r"(十[一二三四五]五)[”\"]?(?:时期|规划)?期?末")


def plan_term_years(name: str) -> tuple[int, int]:
    """``(first, last)`` year of the five-year plan term ``name`` (``十四五`` → ``(2021, 2025)``)."""
    n = _TERM_NUMBER[name[1]]
    return 2001 + 5 * n, 2005 + 5 * n


def term_end_years(text: str) -> list[int]:
    """The years that end the plan terms ``text`` writes with 末 (``截至“十四五”末`` → 2025), in order."""
    return [plan_term_years(m.group(1))[1] for m in _TERM_END.finditer(text)]


# "2015到2018年", "2015年至2018年", "从2016-2020年", "2019~2021": a range of years.
_YEAR_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})年?\s*(?:到|至|—+|–|-|~|～)\s*((?:19|20)\d{2})(?!\d)")


def year_spans(text: str) -> list[int]:
    """Every year of the ranges written in ``text`` (``2015到2018年`` → 2015…2018), in order.

    A range of more than 30 years, or one that runs backwards, is no range of report years.
    """
    out: list[int] = []
    for m in _YEAR_RANGE.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if a < b <= a + 30:
            out.extend(y for y in range(a, b + 1) if y not in out)
    return out


# 今年/去年/明年 … as the year asked about; 比上年/同比/上年同期 compare, they do not name the year.
_RELATIVE = {"今年": 0, "本年度": 0, "本年": 0, "当年": 0, "去年": -1, "上年": -1, "上一年": -1, "前年": -2,
             "明年": 1, "来年": 1, "下一年": 1, "后年": 2}
_RELATIVE_RE = re.compile(r"(?<![比较与同])(" + "|".join(sorted(_RELATIVE, key=len, reverse=True)) + r")(?!同期|相比)")


def relative_years(text: str) -> list[int]:
    """Offsets from the report's year of the years ``text`` names relatively (去年 → -1), in order."""
    out: list[int] = []
    for m in _RELATIVE_RE.finditer(text):
        if _RELATIVE[m.group(1)] not in out:
            out.append(_RELATIVE[m.group(1)])
    return out


def bigrams(text: str, *, skip: str = "") -> set[str]:
    """Adjacent character pairs of ``text``, leaving out pairs that hold a character of ``skip``."""
    if skip:
        return {text[i : i + 2] for i in range(len(text) - 1) if text[i] not in skip and text[i + 1] not in skip}
    return {text[i : i + 2] for i in range(len(text) - 1)}


__all__ = ["SENT_END", "YEAR", "PUNCT", "sentence_spans", "trimmed", "years_in", "year_spans", "relative_years", "bigrams"]
