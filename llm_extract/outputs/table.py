"""``llm-extract table``: a place × period × metric matrix from indicator records.

Each cell keeps every statement that fills it, with its source span.  When the
statements disagree (an estimate restated as an actual next year, a target
beside the result) the cell is flagged as a conflict and all values are shown:
nothing is silently picked.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from ..core.errors import ConfigError


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

    def label(self) -> str:
        if self.placeholder:
            shown = f"(未披露){self.unit}"
        else:
            shown = f"{self.value:g}{self.unit}" if self.value is not None else "?"
        return f"{shown} [{self.kind}]"

    def ref(self) -> str:
        return f"{self.source}:{self.start}-{self.end}"


@dataclass
class Cell:
    place: str
    period: str
    metric: str
    statements: list[Statement] = field(default_factory=list)

    @property
    def conflict(self) -> bool:
        """True when the statements disagree in value or in kind (target vs actual vs estimate)."""
        values = {round(s.value_base if s.value_base is not None else (s.value or 0.0), 6) for s in self.statements if not s.placeholder}
        kinds = {s.kind for s in self.statements}
        return len(values) > 1 or len(kinds) > 1

    def display(self) -> str:
        labels = []
        for s in self.statements:
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


def build_cells(records: Iterable[dict], places: dict[str, str] | None = None) -> list[Cell]:
    """Group indicator records into cells; ``places`` maps doc_id -> place (from the index metadata)."""
    places = places or {}
    cells: dict[tuple[str, str, str], Cell] = {}
    for r in records:
        if r.get("record_type") != "indicator":
            continue
        place = places.get(r.get("doc_id", "")) or r.get("doc_id", "") or "?"
        period = str(r.get("period") or "?")
        key = (place, period, r.get("metric") or r.get("metric_raw") or "?")
        cell = cells.setdefault(key, Cell(*key))
        cell.statements.append(Statement(
            value=r.get("value"), unit=r.get("unit") or "", value_base=r.get("value_base"), kind=r.get("kind", "actual"),
            placeholder=bool(r.get("placeholder")), doc_id=r.get("doc_id", ""), source=r.get("source", ""),
            start=int(r.get("start", -1)), end=int(r.get("end", -1)), evidence=r.get("evidence", ""),
        ))
    return sorted(cells.values(), key=lambda c: (c.place, c.metric, c.period))


def write_csv(cells: list[Cell], path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["place", "period", "metric", "value", "conflict", "statements", "sources", "evidence"])
        for c in cells:
            w.writerow([c.place, c.period, c.metric, c.display(), "yes" if c.conflict else "", len(c.statements),
                        "; ".join(s.ref() for s in c.statements), " | ".join(s.evidence for s in c.statements)])


def _pivot(cells: list[Cell]) -> tuple[list[str], list[tuple[str, str]], dict]:
    periods = sorted({c.period for c in cells})
    rows = sorted({(c.place, c.metric) for c in cells})
    grid = {(c.place, c.metric, c.period): c for c in cells}
    return periods, rows, grid


def to_markdown(cells: list[Cell]) -> str:
    periods, rows, grid = _pivot(cells)

    def esc(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", " ")

    lines = ["| place | metric | " + " | ".join(periods) + " |", "|---|---|" + "---|" * len(periods)]
    for place, metric in rows:
        vals = []
        for p in periods:
            c = grid.get((place, metric, p))
            vals.append(esc(c.display()) if c else "")
        lines.append(f"| {esc(place)} | {esc(metric)} | " + " | ".join(vals) + " |")
    return "\n".join(lines) + "\n"


def write_xlsx(cells: list[Cell], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    periods, rows, grid = _pivot(cells)
    wb = Workbook()
    ws = wb.active
    ws.title = "matrix"
    ws.append(["place", "metric", *periods])
    red = PatternFill("solid", fgColor="FFC7CE")
    for place, metric in rows:
        ws.append([place, metric, *[(grid[(place, metric, p)].display() if (place, metric, p) in grid else None) for p in periods]])
        r = ws.max_row
        for j, p in enumerate(periods, 3):
            c = grid.get((place, metric, p))
            if c is None:
                continue
            cell = ws.cell(row=r, column=j)
            # The comment links the cell to the exact spans it rests on.
            cell.comment = Comment("\n".join(f"{s.ref()}  {s.evidence}" for s in c.statements)[:2000], "llm-extract")
            if c.conflict:
                cell.fill = red
    detail = wb.create_sheet("statements")
    detail.append(["place", "period", "metric", "value", "unit", "value_base", "kind", "placeholder", "doc_id", "source",
                   "start", "end", "evidence"])
    for c in cells:
        for s in c.statements:
            detail.append([c.place, c.period, c.metric, s.value, s.unit, s.value_base, s.kind, s.placeholder, s.doc_id,
                           s.source, s.start, s.end, s.evidence])
    wb.save(path)


def write_table(cells: list[Cell], path: Path, fmt: str | None = None) -> str:
    fmt = fmt or {".csv": "csv", ".xlsx": "xlsx", ".md": "markdown"}.get(path.suffix, "")
    if fmt == "csv":
        write_csv(cells, path)
    elif fmt == "xlsx":
        write_xlsx(cells, path)
    elif fmt == "markdown":
        path.write_text(to_markdown(cells), encoding="utf-8")
    else:
        raise ConfigError(f"unknown table format for {path.name}", hint="use .csv, .xlsx or .md, or --format")
    return fmt
