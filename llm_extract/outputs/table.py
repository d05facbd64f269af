"""``llm-extract table``: a place × period × metric matrix from indicator records.

Each cell keeps every statement that fills it, with its source span, and shows each one as
printed (``32193.15亿元``, a growth-only statement as ``+6.5%``, a placeholder as 未披露) with its
kind.  A target beside an actual is two labelled statements, not a disagreement; a cell is
flagged as a conflict only when statements of the same kind (about the same place, or from one
document when the place is unknown) give different figures: nothing is silently picked.
Thresholds from definitions stay out of the cells and multi-year totals go to a column of their
own (:mod:`.figures`).  ``pivot`` narrows the matrix to one metric: place × period.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from ..core.errors import ConfigError
from .figures import CUMULATIVE, THRESHOLD, shown, statement_note

UNKNOWN_PLACE = "(地区不明)"
KIND_ORDER = {"actual": 0, "estimate": 1, "target": 2}
# Changes measured against the year before; other bases (比2001年) are not compared.
_PLAIN_BASIS = re.compile(r"^(?:同比|比上年(?:同期)?|比去年(?:同期)?|较上年(?:同期)?|较去年(?:同期)?|与上年相比|与去年相比)?$")


@dataclass
class Statement:
    value: Optional[float]
    unit: str
    value_base: Optional[float]
    kind: str
    placeholder: bool
    doc_id: str
    source: str
    start: int
    end: int
    evidence: str
    yoy_pct: Optional[float] = None
    yoy_basis: str = ""
    shown: str = "?"
    note: str = ""  # threshold | cumulative | ""
    metric_raw: str = ""
    qualifier: str = ""

    def label(self) -> str:
        return f"{self.shown} [{self.kind}]"

    def ref(self) -> str:
        return f"{self.source}:{self.start}-{self.end}"

    def figures(self) -> tuple:
        """What two statements of one kind must share to agree: the total (in base units) and the change."""
        total = None
        if not self.placeholder and self.value is not None:
            total = (_key(self.value_base), "") if self.value_base is not None else (_key(self.value), self.unit)
        yoy = _key(self.yoy_pct) if self.yoy_pct is not None and _PLAIN_BASIS.match(self.yoy_basis) else None
        return total, yoy


def _key(x: float) -> float:
    return float(f"{x:.9g}")


@dataclass
class Cell:
    place: str
    period: str
    metric: str
    statements: list[Statement] = field(default_factory=list)
    known_place: bool = True

    def conflicting_kinds(self) -> list[str]:
        """Kinds whose statements give different totals or different changes."""
        groups: dict[tuple[str, str], list[tuple]] = defaultdict(list)
        for s in self.statements:
            groups[(s.kind, "" if self.known_place else s.doc_id)].append(s.figures())
        out = set()
        for (kind, _doc), figs in groups.items():
            totals = {t for t, _ in figs if t is not None}
            changes = {y for _, y in figs if y is not None}
            if len(totals) > 1 or len(changes) > 1:
                out.add(kind)
        return sorted(out, key=lambda k: KIND_ORDER.get(k, 9))

    @property
    def conflict(self) -> bool:
        """Same place, period, metric and kind, different figures (a target beside an actual is no conflict)."""
        return bool(self.conflicting_kinds())

    @property
    def placeholder(self) -> bool:
        return any(s.placeholder for s in self.statements)

    def display(self) -> str:
        labels: list[str] = []
        for s in sorted(self.statements, key=lambda s: KIND_ORDER.get(s.kind, 9)):
            if s.label() not in labels:
                labels.append(s.label())
        text = " | ".join(labels)
        return f"CONFLICT: {text}" if self.conflict else text


def read_records(path: Path) -> list[dict]:
    if not path.exists():
        raise ConfigError("records file not found", path=str(path), hint="run 'llm-extract extract --out FILE' first")
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except ValueError as exc:
            raise ConfigError(f"line {n} is not JSON: {exc}", path=str(path)) from exc
    return out


def _int(x, default: int = -1) -> int:
    return x if isinstance(x, int) and not isinstance(x, bool) else default


def _num(x) -> Optional[float]:
    ok = isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
    return float(x) if ok else None


def statement_of(r: dict) -> Statement:
    return Statement(
        value=_num(r.get("value")), unit=r.get("unit") or "", value_base=_num(r.get("value_base")),
        kind=r.get("kind") or "actual", placeholder=bool(r.get("placeholder")), doc_id=r.get("doc_id") or "",
        source=r.get("source") or "", start=_int(r.get("start")), end=_int(r.get("end")),
        evidence=r.get("evidence") or "", yoy_pct=_num(r.get("yoy_pct")), yoy_basis=r.get("yoy_basis") or "",
        shown=shown(r), note=statement_note(r), metric_raw=r.get("metric_raw") or "", qualifier=r.get("qualifier") or "",
    )


def cell_period(period: str, note: str) -> str:
    """A multi-year total given one year goes to a column of its own (``多年·至2015``), never the year's."""
    if note == CUMULATIVE:
        return f"多年·至{period}" if period != "?" else "多年"
    return period


@dataclass
class Table:
    cells: list[Cell]
    excluded: list[tuple[str, str, str, Statement]]  # (place, period, metric, statement) kept out of every cell

    @property
    def statements(self) -> list[tuple[Cell | None, str, str, str, Statement]]:
        rows: list[tuple[Cell | None, str, str, str, Statement]] = []
        for c in self.cells:
            rows.extend((c, c.place, c.period, c.metric, s) for s in c.statements)
        rows.extend((None, p, per, m, s) for p, per, m, s in self.excluded)
        return rows


def build_table(records: Iterable[dict], places: dict[str, str] | None = None, *, pivot: str = "") -> Table:
    """Group indicator records into cells; ``places`` maps doc_id -> place (from the index or the files).

    A document without a known place is shown as :data:`UNKNOWN_PLACE`, never as its id.  With
    ``pivot`` only that metric (canonical or as written) is kept.
    """
    places = places or {}
    cells: dict[tuple[str, str, str], Cell] = {}
    excluded: list[tuple[str, str, str, Statement]] = []
    for r in records:
        if r.get("record_type") != "indicator":
            continue
        metric = r.get("metric") or r.get("metric_raw") or "?"
        if pivot and pivot not in (metric, r.get("metric_raw")):
            continue
        place = places.get(r.get("doc_id") or "") or ""
        s = statement_of(r)
        period = str(r.get("period") or "?")
        if s.note == THRESHOLD:
            excluded.append((place or UNKNOWN_PLACE, period, metric, s))
            continue
        key = (place or UNKNOWN_PLACE, cell_period(period, s.note), metric)
        cell = cells.setdefault(key, Cell(*key, known_place=bool(place)))
        cell.statements.append(s)
    if pivot and not cells and not excluded:
        raise ConfigError(f"no indicator records of metric {pivot!r}", hint="see the metric column of 'table' without --pivot")
    ordered = sorted(cells.values(), key=lambda c: (c.place == UNKNOWN_PLACE, c.place, c.metric, period_order(c.period)))
    return Table(ordered, excluded)


def build_cells(records: Iterable[dict], places: dict[str, str] | None = None) -> list[Cell]:
    return build_table(records, places).cells


def period_order(period: str) -> tuple:
    """Years in order, then ranges and multi-year columns, unknown last."""
    m = re.match(r"(?:多年·至)?((?:19|20)\d\d)", period)
    if period == "?":
        return (3, "")
    return (0 if period.isdigit() else 1, m.group(1) if m else "9999", period)


# ---------------------------------------------------------------------------
# Outputs: one row per statement (csv, parquet, sqlite) or a grid (markdown, xlsx)
# ---------------------------------------------------------------------------

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".md": "markdown", ".parquet": "parquet", ".sqlite": "sqlite", ".db": "sqlite"}
_NOTE_TEXT = {THRESHOLD: "threshold (a definition; in no cell)", CUMULATIVE: "several years (own column)"}


def _as_table(t: "Table | list[Cell]") -> Table:
    return t if isinstance(t, Table) else Table(list(t), [])


def statement_rows(t: "Table | list[Cell]") -> list[dict]:
    """One row per indicator record: where it sits in the matrix, how it reads, and its exact source span."""
    rows = []
    for cell, place, period, metric, s in _as_table(t).statements:
        conflict = cell is not None and s.kind in cell.conflicting_kinds()
        rows.append({
            "place": place, "period": period, "metric": metric, "kind": s.kind, "shown": s.shown,
            "note": _NOTE_TEXT.get(s.note, ""), "placeholder": s.placeholder, "conflict": "yes" if conflict else "",
            "cell": cell.display() if cell is not None else "", "metric_raw": s.metric_raw, "value": s.value,
            "unit": s.unit, "value_base": s.value_base, "yoy_pct": s.yoy_pct, "yoy_basis": s.yoy_basis,
            "qualifier": s.qualifier, "doc_id": s.doc_id, "source": s.source, "start": s.start, "end": s.end,
            "evidence": s.evidence,
        })
    return rows


def _grid(cells: list[Cell], pivot: bool) -> tuple[list[str], list[tuple[str, ...]], dict]:
    """Columns (periods), row keys ((place, metric), or (place,) for one metric) and the cells by (row, period)."""
    periods = sorted({c.period for c in cells}, key=period_order)
    row_of = (lambda c: (c.place,)) if pivot else (lambda c: (c.place, c.metric))
    rows = list(dict.fromkeys(row_of(c) for c in cells))
    return periods, rows, {(row_of(c), c.period): c for c in cells}


def to_markdown(t: "Table | list[Cell]", *, pivot: str = "") -> str:
    periods, rows, grid = _grid(_as_table(t).cells, bool(pivot))

    def esc(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", " ")

    head = ["place"] if pivot else ["place", "metric"]
    lines = [f"## {pivot}\n" if pivot else "", "| " + " | ".join(head + periods) + " |", "|---" * (len(head) + len(periods)) + "|"]
    for row in rows:
        vals = [esc(grid[(row, p)].display()) if (row, p) in grid else "" for p in periods]
        lines.append("| " + " | ".join([esc(x) for x in row] + vals) + " |")
    return "\n".join(x for x in lines if x) + "\n"


def write_xlsx(t: "Table | list[Cell]", path: Path, *, pivot: str = "") -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    table = _as_table(t)
    periods, rows, grid = _grid(table.cells, bool(pivot))
    wb = Workbook()
    ws = wb.active
    ws.title = "matrix"
    ws.append((["place"] if pivot else ["place", "metric"]) + periods)
    red, grey = PatternFill("solid", fgColor="FFC7CE"), PatternFill("solid", fgColor="E0E0E0")
    for row in rows:
        ws.append([*row, *[(grid[(row, p)].display() if (row, p) in grid else None) for p in periods]])
        for j, p in enumerate(periods, len(row) + 1):
            c = grid.get((row, p))
            if c is None:
                continue
            cell = ws.cell(row=ws.max_row, column=j)
            # The comment links the cell to the exact spans it rests on.
            cell.comment = Comment("\n".join(f"{s.ref()}  {s.evidence}" for s in c.statements)[:2000], "llm-extract")
            if c.conflict:
                cell.fill = red
            elif c.placeholder:
                cell.fill = grey
    detail = wb.create_sheet("statements")
    rows_out = statement_rows(table)
    cols = list(rows_out[0]) if rows_out else ["place"]
    detail.append(cols)
    for r in rows_out:
        detail.append([r[c] for c in cols])
    wb.save(path)


def write_table(t: "Table | list[Cell]", path: Path, fmt: str | None = None, *, pivot: str = "") -> str:
    """Write the matrix; csv, parquet and sqlite get one row per record with its source, start, end and evidence."""
    fmt = fmt or FORMATS.get(path.suffix.lower(), "")
    if fmt in ("csv", "parquet", "sqlite"):
        from ..extract.bulk import write_records

        write_records(statement_rows(t), path, fmt)
    elif fmt == "xlsx":
        write_xlsx(t, path, pivot=pivot)
    elif fmt == "markdown":
        path.write_text(to_markdown(t, pivot=pivot), encoding="utf-8")
    else:
        raise ConfigError(f"unknown table format for {path.name}",
                          hint="use .csv, .xlsx, .md, .parquet or .sqlite, or --format")
    return fmt


__all__ = ["Statement", "Cell", "Table", "build_table", "build_cells", "read_records", "statement_rows", "to_markdown",
           "write_xlsx", "write_table", "UNKNOWN_PLACE", "FORMATS"]
