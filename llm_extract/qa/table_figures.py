"""A figure a report prints only in a table row: ``云岭州2025年水泥产量增长了多少？`` answered from
``表2 …主要产品产量及其增长速度`` / ``水泥 万吨 88.4 12.5``.

Statistical communiqués print many figures only in tables — products, price categories, industries —
which are no indicators, so the records route does not hold them, and a table row reaches the model
as a line of bare numbers it rarely reads.  :func:`answer_from_table` answers, citing the row, when:

* the question is about one report and asks one figure: a level (``quantity``) or a change (``rate``,
  also 是增是减 / 幅度多大);
* besides place names, years and filler (规模以上工业, 全年, 产量, 是多少, 增长了多少 …), its words
  are the label of a table row of that report (the longest label it holds), and no other row of the
  report has that label;
* the question names what the table measures (产量, 投资, 价格 … in its caption or header: 工业增长多少
  is not asked of a table of investment by industry);
* the row prints what is asked (a level in a value column, a change in a percent growth column), and
  a year the question names is the table caption's, when the caption prints one.

Anything else: ``None`` (the model answers).
"""

from __future__ import annotations

import re
from typing import Callable, Optional

from ..core.types import NormalizedText, Query

__all__ = ["answer_from_table"]

# What a question may say around a row's label without asking about anything else.
_FILLER = re.compile(
    r"(?:19|20)\d{2}年(?:末|底|度)?|今年|去年|全年|年末|年底|全(?:省|市|州|县|区|盟|旗)|规模以上工业|规上工业|规模工业|"
    r"主要产品|产品|产量|产值|价格|指数|是多少|为多少|多少|增长了|增长|增加了|增加|下降了|下降|减少了|减少|增速|增幅|"
    r"涨幅|降幅|幅度|多大|比上年|同比|较上年|是增是减|增减|变化|情况|如何|怎样|统计公报|公报|中|的|了|是|有|"
    r"[，,？?。、:：\s]")
_ASKS_CHANGE = re.compile(r"增长|增加|下降|减少|增速|增幅|涨幅|降幅|幅度|是增是减|增减|变化")
_CAPTION_YEAR = re.compile(r"((?:19|20)\d{2})年")
# What a table measures, as its caption or header names it.
_MEASURES = ("产量", "产值", "投资", "价格", "零售额", "销售额", "营业收入", "增加值", "存款", "贷款", "支出", "收入",
             "进口", "出口", "业务量", "客运量", "货运量")


def _rest(question: str, label: str, places: list[str], measured: list[str]) -> str:
    """What the question says besides its places, the label, what the table measures and filler."""
    rest = question.replace(label, "|", 1)
    for word in measured:
        rest = rest.replace(word, "")
    for name in sorted({p for p in places if p}, key=len, reverse=True):
        rest = rest.replace(name, "")
    return _FILLER.sub("", rest).replace("|", "")


def _measures(row) -> list[str]:
    """What the row's table measures, as its caption or header names it."""
    from ..text.normalize import normalize_query

    named = normalize_query(row.caption + row.header)
    return [w for w in _MEASURES if w in named]


def _pct(printed: Optional[str], value: float) -> str:
    return (printed or f"{value:g}").lstrip("-−－+")


def answer_from_table(query: Query, places: list[str], doc: dict, normalized_of: Callable[[dict], NormalizedText]):
    """The cited answer (a :class:`~.record_text.RecordAnswer`) from one table row of ``doc``, or ``None``."""
    from ..extract.table_rows import table_figures
    from ..text.normalize import normalize_query
    from .record_text import Cites, CitedSpan, RecordAnswer

    if query.shape not in ("quantity", "rate") or len(set(query.years)) > 1:
        return None
    norm = normalized_of(doc)
    figures = table_figures(norm.original, norm.base_start, norm.base_end or len(norm.original))
    question = query.normalized
    labels = {}
    for f in figures:
        label = normalize_query(f.label)
        if len(label) >= 2 and label in question:
            labels.setdefault(label, []).append(f)
    if not labels:
        return None
    label = max(labels, key=len)
    # of the rows so labelled, those of a table measuring what the question names (水泥产量, not 水泥投资)
    rows = [(r, m) for r, m in ((r, _measures(r)) for r in labels[label]) if any(w in question for w in m)]
    if len(rows) != 1 or _rest(question, label, places, rows[0][1]):
        return None
    row, measured = rows[0]
    years = _CAPTION_YEAR.findall(row.caption)
    if query.years and years and str(query.years[0]) != years[-1]:
        return None
    change = query.shape == "rate" or bool(_ASKS_CHANGE.search(question.replace(label, "")))
    if (change and row.growth is None) or (not change and row.value is None):
        return None
    span = (row.start, row.end)
    quote = norm.original[span[0] : span[1]]
    cites = Cites()
    mark = cites.add(CitedSpan(doc["doc_id"], doc["source"], span[0], span[1], quote, ""))
    year = f"{query.years[0]}年" if query.years else (f"{years[-1]}年" if years else "")
    said = re.search(re.escape(label) + "(" + "|".join(measured) + ")", question)  # 水泥产量 as the question says
    head = f"{doc.get('place') or ''}{year}{row.label}{said.group(1) if said else ''}"
    rate = ""
    if row.growth is not None:
        rate = "与上年持平" if row.growth == 0 else \
            f"比上年{'增长' if row.growth > 0 else '下降'}{_pct(row.growth_printed, row.growth)}%"
    level = f"{row.value_printed or f'{row.value:g}'}{row.unit or ''}" if row.value is not None else ""
    if change:
        text = f"{head}{rate}" + (f"（{level}）" if level else "") + f"{mark}。"
    else:
        text = f"{head}为{level}" + (f"，{rate}" if rate else "") + f"{mark}。"
    reason = f"table row {row.label!r} ({row.caption or 'no caption'}) in {doc['doc_id']}"
    return RecordAnswer(text, cites.citations, cites.passages, reasons=[reason])
