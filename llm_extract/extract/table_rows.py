"""Indicator records from the rows of printed tables.

Statistical communiqués print many figures only in tables.  The loaders flatten a table to one
line per row: cells joined by tabs (.docx, HTML) or by the spaces of the PDF text layer::

    表2 2031年财政收支情况
    指标名称 绝对数（亿元） 比上年增长（%）
    #税收收入 12.34 5.6

A block starts at a header line made only of column names (指标, 单位, 绝对数（亿元）, 比上年增长（%）,
构成（%） …); the columns it names map each row's cells to a value, its unit and a growth rate.
The period is the year of the caption (``表2 2031年…``) when it prints one; otherwise the caller's.

Which rows become records follows the evaluation's labelling convention: a table row is an
indicator when it is a headline aggregate the vocabulary names (税收收入, 金融机构存款余额 …, no
count of people, no share or rate) whose figure the running text does not already print;
breakdowns by industry, product or function, and restatements of a sentence, are not.
Offsets are into the original text: ``original[start:end] == evidence``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Optional

from ..core.types import IndicatorRecord, NormalizedText
from ..text.layout import PAGE_NUMBER_RE
from ..text.normalize import to_simplified
from ..text.numbers import find_quantities
from ..text.numerals import fold, scale, unit_multiplier
from .rules import MONEY_UNITS, OUTPUT_UNITS
from .vocab import COUNT_METRICS, MetricIndex, default_index

__all__ = ["TableBlock", "TableFigure", "parse_header", "table_blocks", "table_figures", "document_table_indicators",
           "same_figure"]

_PAREN = r"[(（](?P<unit>[^()（）]{1,8})[)）]"
# Column names of a header line, read with its spaces removed; the label column comes first.
_LABEL_COL = re.compile(r"指标名称|指标|项目|名称|产品名称|类别|分类|行业|地区")
_COLUMNS = (
    ("unit", re.compile(r"(?:计量)?单位")),
    ("growth", re.compile(rf"(?P<basis>比上年|比去年|比上年末|比年初|同比|较上年)?"
                          rf"(?:增长|增减|增速|增幅|±|上涨|涨跌幅度?)(?:±)?(?:%|{_PAREN})?")),
    ("share", re.compile(rf"(?:构成|比重|占比)(?:%|{_PAREN})?")),
    ("value", re.compile(
        rf"(?:绝对数|绝对额|绝对值|完成额|完成数|完成值|总量|数值|金额|数量|产量|产值|实绩|本年|全年|年末数|余额"
        rf"|(?P<year>(?:19|20)\d\d)年(?:末|度)?(?:实际|完成|数)?)(?:{_PAREN})?")),
)
_CAPTION_RE = re.compile(r"^\s*(?:附)?表\s*\d")
_CAPTION_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)年(?!以来|来)")
_TARGET_CAPTION = re.compile(r"目标|预期|计划")
_NUMBER = re.compile(r"[-−－]?\d[\d,]*(?:\.\d+)?%?")
_GLUED_NUMBER = re.compile(r"(?<=[^\d.,\-−－\s])([-−－]?\d[\d,]*(?:\.\d+)?%?)$")
# Numbering that opens a row label: 其中：, #, （1）, 1., 一、
_LABEL_MARK = re.compile(r"^(?:其中[:：]?|[#＃]|[(（][\d一二三四五六七八九十]{1,2}[)）]|\d{1,2}[.．、]|[一二三四五六七八九十]、)+")
_SENTENCE_PUNCT = re.compile(r"[，。；,;]")
_CELL = re.compile(r"[^\t]+")
_TOKEN = re.compile(r"[^\s\u3000]+")


@dataclass
class Column:
    role: str  # unit | value | growth | share
    unit: Optional[str] = None  # printed in the header: 绝对数（亿元） -> 亿元
    basis: Optional[str] = None  # growth columns: 比上年, 比年初 …
    year: Optional[str] = None  # a value column headed by its year (2023年)


@dataclass
class TableFigure:
    """Any row of a table as printed (no scope filter): its label, unit, level and growth, and the span of
    the row from its label to its last figure (original offsets)."""

    label: str
    unit: Optional[str]
    value: Optional[float]
    value_printed: Optional[str]
    growth: Optional[float]
    growth_printed: Optional[str]
    start: int
    end: int
    caption: str = ""  # the table's caption line (表2 2025年…产量及其增长速度), when printed
    header: str = ""  # its header line (产品名称 单位 产量 比上年增长（%）)


@dataclass
class TableBlock:
    """One table: its header's columns, caption year and kind, and the span its rows cover."""

    columns: list[Column]
    start: int
    end: int
    period: Optional[str] = None
    kind: str = "actual"
    rows: list[IndicatorRecord] = field(default_factory=list)
    figures: list[TableFigure] = field(default_factory=list)  # every row, as printed


def parse_header(line: str) -> Optional[list[Column]]:
    """The columns a header line names after its label column, or None when it is no header."""
    s = re.sub(r"[\s\u3000]+", "", fold(line))
    if not s or len(s) > 40:
        return None
    m_label = _LABEL_COL.match(s)
    pos = m_label.end() if m_label else 0
    cols: list[Column] = []
    while pos < len(s):
        for role, rx in _COLUMNS:
            m = rx.match(s, pos)
            if m and m.end() > pos:
                break
        else:
            return None
        named = m.groupdict()
        cols.append(Column(role, named.get("unit"), named.get("basis"), named.get("year")))
        pos = m.end()
    roles = [c.role for c in cols]
    if len(cols) + (1 if (m_label or "\t" in line) else 0) < 2:
        return None  # a lone word (产量, 增长) on a line of its own is no header
    if not ({"value", "growth"} & set(roles)) or roles.count("unit") > 1 or roles.count("value") > 1:
        return None
    return cols


def _cells(line: str, at: int) -> list[tuple[int, int]]:
    """Cell spans (offsets into the text) of a row line: tab-separated cells, else space-separated tokens
    with a figure glued to the label split off (``#税收收入12.34``)."""
    if "\t" in line:
        return [(at + m.start(), at + m.end()) for m in _CELL.finditer(line) if m.group().strip()]
    out = []
    for m in _TOKEN.finditer(line):
        g = _GLUED_NUMBER.search(m.group())
        if g and not out and not _NUMBER.fullmatch(m.group()):
            out += [(at + m.start(), at + m.start() + g.start()), (at + m.start() + g.start(), at + m.end())]
        else:
            out.append((at + m.start(), at + m.end()))
    return out


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _number(cell: str) -> Optional[float]:
    c = fold(cell).strip().replace("−", "-").replace("－", "-").rstrip("%").replace(",", "")
    try:
        v = float(c)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


@dataclass
class _Row:
    label: tuple[int, int]  # span of the label, numbering left out
    unit: Optional[str]
    figures: list[tuple[str, float, int, int]]  # (column role, number, cell start, cell end) in column order
    basis: Optional[str] = None


def parse_row(text: str, a: int, b: int, cols: list[Column], pending: Optional[int] = None) -> Optional[_Row]:
    """A row of ``cols`` at ``text[a:b]``: the label, the unit cell and one number per figure column."""
    spans = _cells(text[a:b], a)
    numeric = [c for c in cols if c.role != "unit"]
    first = next((i for i, (s, e) in enumerate(spans) if _number(text[s:e]) is not None), None)
    if first is None or len(spans) - first != len(numeric):
        return None
    label_cells = spans[:first]
    unit = None
    if any(c.role == "unit" for c in cols):
        if not label_cells:
            return None
        us, ue = label_cells.pop()
        unit = fold(text[us:ue]).strip().replace(" ", "")
    if not label_cells:
        return None
    l0, l1 = label_cells[0][0], label_cells[-1][1]
    if pending is not None:
        l0 = pending
    mark = _LABEL_MARK.match(fold(text[l0:l1]))
    l0, l1 = _strip(text, l0 + (mark.end() if mark else 0), l1)
    if l1 <= l0 or _SENTENCE_PUNCT.search(text[l0:l1]):
        return None
    figures = []
    for col, (s, e) in zip(numeric, spans[first:]):
        value = _number(text[s:e])
        if value is None:
            return None
        figures.append((col.role, value, s, e))
    basis = next((c.basis for c in cols if c.role == "growth"), None)
    return _Row((l0, l1), unit, figures, basis)


def _caption(lines: list[tuple[int, int]], text: str, k: int) -> Optional[str]:
    """The caption printed on one of the two lines above header line ``k``, if any."""
    for j in (k - 1, k - 2):
        if j >= 0 and _CAPTION_RE.match(text[lines[j][0] : lines[j][1]]):
            return text[lines[j][0] : lines[j][1]]
    return None


def _is_furniture(line: str) -> bool:
    """Page numbers and blank lines inside a table, and a stray lone figure (a PDF layer's misplaced cell)."""
    s = line.strip()
    return not s or PAGE_NUMBER_RE.match(s) is not None or _NUMBER.fullmatch(s) is not None


def table_blocks(text: str, start: int = 0, end: Optional[int] = None, *,
                 index: MetricIndex | None = None) -> list[TableBlock]:
    """The tables of ``text[start:end]`` with the rows that name an in-scope metric, as records."""
    end = len(text) if end is None else end
    lines, a = [], start
    while a < end:
        b = text.find("\n", a, end)
        b = end if b < 0 else b
        lines.append((a, b))
        a = b + 1
    blocks: list[TableBlock] = []
    k = 0
    while k < len(lines):
        cols = parse_header(text[lines[k][0] : lines[k][1]])
        if cols is None:
            k += 1
            continue
        caption = _caption(lines, text, k) or ""
        header = text[lines[k][0] : lines[k][1]]
        years = _CAPTION_YEAR.findall(fold(caption)) + [c.year for c in cols if c.year]
        block = TableBlock(cols, lines[k][0], lines[k][1], years[-1] if years else None,
                           "estimate" if "预计" in caption else "target" if _TARGET_CAPTION.search(caption) else "actual")
        k += 1
        pending: Optional[int] = None
        while k < len(lines):
            a, b = lines[k]
            line = text[a:b]
            row = parse_row(text, a, b, cols, pending)
            if row is not None:
                rec = _record(text, row, block, index or default_index())
                if rec is not None:
                    block.rows.append(rec)
                block.figures.append(_figure(text, row, block, caption, header))
                pending, block.end = None, b
            elif _is_furniture(line):
                pass
            elif _SENTENCE_PUNCT.search(line) or parse_header(line) is not None or _CAPTION_RE.match(line):
                break
            elif len(line.strip()) <= 60 and _NUMBER.fullmatch(line.split()[-1]):
                pending = None  # a row this reader cannot align with the header (a figure too many)
            elif pending is None and len(line.strip()) <= 20:
                pending = _strip(text, a, b)[0]  # a label the PDF layer wrapped onto the next line
            else:
                break
            k += 1
        blocks.append(block)
    return blocks


def _figure(text: str, row: _Row, block: TableBlock, caption: str, header: str) -> TableFigure:
    """The row as printed: its level (a value column) and growth (a percent growth column)."""
    value = growth = None
    value_printed = growth_printed = None
    end = row.label[1]
    for (role, number, s, e), col in zip(row.figures, [c for c in block.columns if c.role != "unit"]):
        cell = fold(text[s:e]).strip().rstrip("%")
        if role == "value" and value is None:
            value, value_printed, end = number, cell, e
        elif role == "growth" and growth is None and col.unit in (None, "%"):
            growth, growth_printed, end = number, cell, e
    label = re.sub(r"[\s\u3000]+", "", text[row.label[0] : row.label[1]])
    unit = row.unit or next((c.unit for c in block.columns if c.role == "value"), None)
    return TableFigure(label, unit, value, value_printed, growth, growth_printed, row.label[0], end, caption,
                       header.strip())


def table_figures(text: str, start: int = 0, end: Optional[int] = None) -> list[TableFigure]:
    """Every row of every table of ``text[start:end]``, as printed (:class:`TableFigure`)."""
    return [f for b in table_blocks(text, start, end) for f in b.figures]


def _record(text: str, row: _Row, block: TableBlock, index: MetricIndex) -> Optional[IndicatorRecord]:
    """The row as an indicator, or None when its label names no in-scope aggregate."""
    raw = re.sub(r"[\s\u3000]+", "", text[row.label[0] : row.label[1]])
    metric = index.lookup(to_simplified(raw))
    if metric is None or metric in COUNT_METRICS:
        return None
    value = growth = None
    value_unit = None
    end = row.label[1]
    has_value = any(c.role == "value" for c in block.columns)
    for (role, number, _s, e), col in zip(row.figures, [c for c in block.columns if c.role != "unit"]):
        if role == "value":
            value, value_unit, end = number, row.unit or col.unit, e
        elif role == "growth" and col.unit in (None, "%") and (row.unit in (None, "%") or has_value):
            growth, end = number, e
    mult = unit_multiplier(value_unit) if value is not None else None
    if value is not None and (mult is None or mult[1] is None or mult[1] not in MONEY_UNITS + OUTPUT_UNITS
                              or (mult[1] in OUTPUT_UNITS and metric not in index.vocab)):
        return None  # counts, shares and units the rules do not read as levels
    if value is None and growth is None:
        return None
    start = row.label[0]
    return IndicatorRecord(
        metric=metric, metric_raw=raw, period=block.period, kind=block.kind,  # type: ignore[arg-type]
        value=value, unit=value_unit if value is not None else None,
        value_base=scale(value, mult[0]) if value is not None and mult else None,
        yoy_pct=growth, yoy_basis=row.basis if growth is not None else None,
        evidence=text[start:end], start=start, end=end,
    )


# --- restatements -------------------------------------------------------------------------------


def _printed_step(printed: str, value: Optional[float], unit: Optional[str]) -> float:
    """Half the last digit ``printed`` shows of ``value`` (``12.30`` -> 0.005), in base units: the
    rounding slack of the figure."""
    digits = 0
    for m in _NUMBER.finditer(fold(printed)):
        if value is not None and _number(m.group()) is not None and math.isclose(abs(_number(m.group())), abs(value)):
            whole = m.group().rstrip("%")
            digits = len(whole.split(".")[1]) if "." in whole else 0
            break
    mult = unit_multiplier(unit)
    return 0.5 * 10 ** -digits * (mult[0] if mult else 1.0)


def restated(rec: IndicatorRecord, said: list[tuple[float, str, float]]) -> bool:
    """Whether the running text prints the row's level (the same amount in any magnitude: the coarser
    figure is the finer one rounded), or for a row without a level its growth rate: ``said`` holds
    ``(value_base, base_unit, slack)`` of the text's quantities, rates with base unit ``%``."""
    if rec.value_base is None:
        return rec.yoy_pct is not None and any(b == "%" and math.isclose(abs(rec.yoy_pct), v, abs_tol=1e-9)
                                               for v, b, _ in said)
    mult = unit_multiplier(rec.unit)
    base = mult[1] if mult else None
    mine = _printed_step(rec.evidence, rec.value, rec.unit)
    return any(b == base and abs(v - rec.value_base) <= max(slack, mine) + 1e-6 for v, b, slack in said)


def same_figure(row: IndicatorRecord, other) -> bool:
    """Whether ``other`` (a record of a sentence) states the row's metric, period and figure."""
    if getattr(other, "record_type", "") != "indicator" or (other.metric, other.period) != (row.metric, row.period):
        return False
    if row.value_base is None or other.value_base is None:
        return row.value_base is None and row.yoy_pct is not None and other.yoy_pct is not None \
            and math.isclose(row.yoy_pct, other.yoy_pct, abs_tol=1e-9)
    mult = unit_multiplier(other.unit)
    return restated(row, [(other.value_base, mult[1] if mult else None,
                           _printed_step(other.evidence, other.value, other.unit))])


def running_text_amounts(norm: NormalizedText, blocks: list[TableBlock]) -> list[tuple[float, str, float]]:
    """``(value_base, base_unit, slack)`` of the amounts printed outside the tables (normalized text, so a
    figure wrapped from its unit still reads), rates as ``(rate, "%", 0)``."""
    import bisect

    starts = [b.start for b in blocks]
    out: list[tuple[float, str, float]] = []
    for m in re.finditer(r"[^\n]+", norm.simplified):  # line by line: the quantity finder is slow on long strings
        o = norm.src_start[m.start()]
        k = bisect.bisect_right(starts, o) - 1
        if k >= 0 and o < blocks[k].end:
            continue  # a line of a table
        for q in find_quantities(m.group()):
            if q.unit == "%":
                out.append((abs(q.value), "%", 0.0))
            elif q.value_base is not None and q.base_unit is not None and q.unit != "‰":
                out.append((q.value_base, q.base_unit, _printed_step(q.raw, q.value, q.unit)))
    return out


def document_table_indicators(norm: NormalizedText) -> list[IndicatorRecord]:
    """The table-row records of one report (``norm``), less those whose level the running text prints."""
    blocks = table_blocks(norm.original, norm.base_start, norm.base_end or len(norm.original))
    if not any(b.rows for b in blocks):
        return []
    said = running_text_amounts(norm, blocks)
    return [r for b in blocks for r in b.rows if not restated(r, said)]
