"""Scoring `ask`: is an answer right for its gold item, and where does retrieval first reach the gold.

The conventions are eval/README.md's *Scoring conventions*: a number question is right when the first
figure of the asked unit's class is the gold figure; a text answer needs the gold's figures (or most of
its bigrams); a list scores the recall of its items; a placeholder question wants the blank said and no
figure; an unanswerable one only an abstention.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from .metrics import _num_eq, _overlap, _simp, original_text, unit_class

_NOT_DISCLOSED = ("未披露", "没有披露", "未公布", "没有公布", "未给出", "没有给出", "未列明", "未明确", "空白", "占位",
                  "未填", "没有填", "未写明", "没有写明", "以xx", "用xx", "xx代替")
_DECLINE = re.compile(r"下降|减少|下滑|回落|降低|负增长|[-－−]\s*\d")


def _answer_quantities(answer: str) -> list:
    from ..text.numbers import find_quantities

    return [q for q in find_quantities(answer) if q.value == q.value]  # NaN = placeholder


def _plain(value: float) -> str:
    """A number written out in full (13902.67, not the 6-digit ``13902.7`` of ``:g``)."""
    from decimal import Decimal

    return format(Decimal(repr(value)).normalize(), "f")


def number_answer_correct(item: dict, answer: str) -> bool:
    """The first figure of the gold unit's class in the answer is the gold figure.

    亿元 and 万元 are converted; a percentage only matches a percentage (a growth rate is no
    answer to a question about a total, and the reverse); a decline must be worded as one.
    Figures of other unit classes (a growth rate beside the asked total) are context.
    """
    from ..text.numbers import find_quantities

    gold_unit = item.get("unit") or ""
    gold_q = find_quantities(f"{_plain(abs(float(item['value'])))}{gold_unit}")
    if gold_unit and not gold_q:
        # a unit the number reader does not know (6037列): the first figure written with that unit
        m = re.search(rf"(?<![\d.])(\d+(?:\.\d+)?)\s*{re.escape(gold_unit)}", answer)
        return bool(m) and _num_eq(float(m.group(1)), abs(float(item["value"])))
    want = unit_class(gold_unit)
    same_class = [q for q in _answer_quantities(answer) if unit_class(q.unit) == want]
    if not same_class:
        return False
    first = same_class[0]
    if want in ("percent", "points"):
        if not _num_eq(abs(first.value), abs(float(item["value"]))):
            return False
        declined = bool(_DECLINE.search(answer[: first.start + 1]))
        return declined == (float(item["value"]) < 0) or float(item["value"]) == 0
    if gold_q and gold_q[0].value_base is not None and first.value_base is not None:
        return _num_eq(first.value_base, gold_q[0].value_base)
    return _num_eq(first.value, item["value"]) and _simp(first.unit) == _simp(gold_unit)


def answer_correct(item: dict, answer: str, abstained: bool) -> float:
    """1/0 for numbers, text, placeholders and abstentions; recall of the gold items for lists.

    Strict: see ``number_answer_correct``; a placeholder question is right only when the answer
    says the figure is not given *and* states no figure; an unanswerable one only by abstaining.
    """
    from ..text.numbers import numbers_in

    if not item["answerable"]:
        return float(abstained)
    if abstained:
        return 0.0
    answer = re.sub(r"\[\d{1,2}\]", "", answer)  # citation markers are not figures
    kind = item.get("type", "text")
    simp = _simp(answer)
    if kind == "placeholder":
        says_blank = any(w in simp for w in _NOT_DISCLOSED) or bool(re.search(r"[xX×＊*]{2,}", answer))
        return float(says_blank and not _answer_quantities(answer))
    if kind == "number" and item.get("value") is not None:
        return float(number_answer_correct(item, answer))
    if kind == "list":
        items = item.get("items") or []
        if not items:
            return 0.0
        return sum(1 for it in items if _covered(it, simp)) / len(items)
    # The labeler's note in （…） is context, as for every question type; cut it before folding, which
    # turns （ into ( (cut after, the note's figures were required of the answer).
    gold = _simp(item.get("answer", "").split("（")[0])
    gold_nums = numbers_in(gold)
    if gold_nums:
        have = numbers_in(answer)
        return float(all(any(_num_eq(g, h) for h in have) for g in gold_nums))
    return float(_covered(item.get("answer", "").split("（")[0], simp))


def _covered(phrase: str, answer_simp: str, threshold: float = 0.6) -> bool:
    """Most of the phrase's character bigrams occur in the answer."""
    p = _simp(phrase)
    grams = {p[i : i + 2] for i in range(len(p) - 1)} or {p}
    hit = sum(1 for g in grams if g in answer_simp)
    return hit / len(grams) >= threshold


def gold_evidence_spans(item: dict, root: Path) -> list[dict]:
    out = []
    for ev in item.get("evidence") or []:
        if isinstance(ev, str):
            ev = {"source": item.get("source", ""), "quote": ev}
        text = original_text(root, ev["source"])
        s = text.find(ev["quote"])
        if s >= 0:
            out.append({"source": ev["source"], "start": s, "end": s + len(ev["quote"])})
    return out


def first_relevant_rank(hits: list[dict], gold_spans: list[dict]) -> Optional[int]:
    for rank, h in enumerate(hits, 1):
        if any(_overlap(h, g) > 0 for g in gold_spans):
            return rank
    return None
