"""The indicator matrix: grouping, conflict flags, and the three output formats."""

from __future__ import annotations

import csv

from llm_extract.outputs.table import build_cells, to_markdown, write_table


def _rec(metric, period, value, unit, kind="actual", doc="d1", start=0, placeholder=False, base=None):
    return {"record_type": "indicator", "metric": metric, "period": period, "value": value, "unit": unit, "kind": kind,
            "value_base": base, "placeholder": placeholder, "doc_id": doc, "source": f"{doc}.txt", "start": start,
            "end": start + 5, "evidence": f"{metric}{value}{unit}"}


RECORDS = [
    _rec("地区生产总值", "2013", 80.43, "亿元", "target", base=8043000000),
    _rec("财政收入", "2007", 3, "亿元", "estimate", doc="d2", base=300000000),
    _rec("财政收入", "2007", 3.2, "亿元", "actual", doc="d2", start=50, base=320000000),
    _rec("税收收入", "2013", 23.26, "亿元", "target", base=2326000000, start=9),
    _rec("税收收入", "2013", 23.26, "亿元", "target", base=2326000000, start=90),
    _rec("地区生产总值", None, None, "万元", placeholder=True, doc="d3"),
    {"record_type": "problem", "problem": "x"},
]


def test_cells_group_by_place_period_metric_and_flag_conflicts():
    cells = build_cells(RECORDS, {"d1": "徐泾镇", "d2": "某镇"})
    by = {(c.place, c.period, c.metric): c for c in cells}
    assert len(cells) == 4
    assert not by[("徐泾镇", "2013", "地区生产总值")].conflict
    fiscal = by[("某镇", "2007", "财政收入")]
    assert fiscal.conflict and "3亿元 [estimate]" in fiscal.display() and "3.2亿元 [actual]" in fiscal.display()
    same = by[("徐泾镇", "2013", "税收收入")]
    assert not same.conflict and len(same.statements) == 2  # a restatement of the same value is not a conflict
    assert "未披露" in by[("d3", "?", "地区生产总值")].display()


def test_csv_xlsx_markdown(tmp_path):
    cells = build_cells(RECORDS, {"d1": "徐泾镇"})
    write_table(cells, tmp_path / "t.csv")
    rows = list(csv.DictReader(open(tmp_path / "t.csv", encoding="utf-8-sig")))
    assert {r["metric"] for r in rows} == {"地区生产总值", "财政收入", "税收收入"}
    assert any(r["conflict"] == "yes" and "d2.txt:50-55" in r["sources"] for r in rows)

    write_table(cells, tmp_path / "t.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "t.xlsx")
    ws = wb["matrix"]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "徐泾镇" in values and any(isinstance(v, str) and v.startswith("CONFLICT") for v in values)
    assert wb["statements"].max_row == 1 + 6

    md = to_markdown(cells)
    assert md.splitlines()[0].startswith("| place | metric |") and "80.43亿元 [target]" in md
