"""The indicator matrix: grouping, figures as printed, conflict flags, thresholds, multi-year totals, pivot, outputs.

Every sentence here is invented (青川县, 云岭镇 and their numbers do not exist).
"""

from __future__ import annotations

import csv

from llm_extract.outputs.table import UNKNOWN_PLACE, build_cells, to_markdown, write_table


def _rec(metric, period, value, unit, kind="actual", doc="d1", start=0, placeholder=False, base=None):
    return {"record_type": "indicator", "metric": metric, "period": period, "value": value, "unit": unit, "kind": kind,
            "value_base": base, "placeholder": placeholder, "doc_id": doc, "source": f"{doc}.txt", "start": start,
            "end": start + 5, "evidence": f"{metric}{value}{unit}"}


RECORDS = [
    _rec("地区生产总值", "2013", 80.43, "亿元", "target", base=8043000000),
    _rec("财政收入", "2007", 3, "亿元", "estimate", doc="d2", base=300000000),
    _rec("财政收入", "2007", 3.2, "亿元", "actual", doc="d2", start=50, base=320000000),
    _rec("财政收入", "2007", 3.4, "亿元", "actual", doc="d2", start=70, base=340000000),
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
    fiscal = by[("某镇", "2007", "财政收入")]  # two actuals disagree; the estimate beside them is no conflict
    assert fiscal.conflict and fiscal.conflicting_kinds() == ["actual"]
    assert "3亿元 [estimate]" in fiscal.display() and "3.2亿元 [actual]" in fiscal.display()
    same = by[("徐泾镇", "2013", "税收收入")]
    assert not same.conflict and len(same.statements) == 2  # a restatement of the same value is not a conflict
    assert "未披露" in by[(UNKNOWN_PLACE, "?", "地区生产总值")].display()  # a document id is never a place


def test_csv_xlsx_markdown(tmp_path):
    cells = build_cells(RECORDS, {"d1": "徐泾镇"})
    write_table(cells, tmp_path / "t.csv")
    rows = list(csv.DictReader(open(tmp_path / "t.csv", encoding="utf-8-sig")))
    assert {r["metric"] for r in rows} == {"地区生产总值", "财政收入", "税收收入"}
    assert any(r["conflict"] == "yes" and (r["source"], r["start"], r["end"]) == ("d2.txt", "50", "55") for r in rows)

    write_table(cells, tmp_path / "t.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "t.xlsx")
    ws = wb["matrix"]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "徐泾镇" in values and any(isinstance(v, str) and v.startswith("CONFLICT") for v in values)
    assert wb["statements"].max_row == 1 + 7

    md = to_markdown(cells)
    assert md.splitlines()[0].startswith("| place | metric |") and "80.43亿元 [target]" in md


# ---------------------------------------------------------------------------
# Figures as printed, thresholds, multi-year totals, conflicts, pivot, outputs
# ---------------------------------------------------------------------------

import json  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from llm_extract.core.errors import ConfigError  # noqa: E402
from llm_extract.outputs.figures import is_cumulative, is_threshold, shown  # noqa: E402
from llm_extract.outputs.table import build_table, statement_rows  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _ind(metric, evidence, *, value=None, unit=None, yoy=None, period="2016", kind="actual", doc="qc", start=0,
         base=None, section="", placeholder=False, qualifier=None, basis=None):
    return {"record_type": "indicator", "metric": metric, "metric_raw": metric, "period": period, "kind": kind,
            "value": value, "unit": unit, "value_base": base, "yoy_pct": yoy, "yoy_basis": basis, "qualifier": qualifier,
            "placeholder": placeholder, "doc_id": doc, "source": f"{doc}.txt", "start": start,
            "end": start + len(evidence), "evidence": evidence, "section": section}


def test_growth_only_values_show_as_signed_growth():
    assert shown(_ind("规模以上工业增加值", "规模以上工业增加值增长6.5%", yoy=6.5)) == "+6.5%"
    assert shown(_ind("社会消费品零售总额", "社会消费品零售总额下降2.1%", yoy=-2.1)) == "-2.1%"
    assert shown(_ind("地区生产总值", "地区生产总值增长7%左右", yoy=7.0, qualifier="左右", kind="target")) == "+7%左右"
    both = _ind("地区生产总值", "全县实现地区生产总值303.6亿元，增长7.2%", value=303.6, unit="亿元", yoy=7.2)
    assert shown(both) == "303.6亿元 +7.2%"
    cells = build_cells([_ind("规模以上工业增加值", "规模以上工业增加值增长6.5%", yoy=6.5)], {"qc": "青川县"})
    assert cells[0].display() == "+6.5% [actual]" and "?" not in cells[0].display()


def test_figures_keep_the_printed_precision():
    assert shown(_ind("一般公共预算收入", "一般公共预算收入达到32193.15万元", value=32193.15, unit="万元")) == "32193.15万元"
    assert shown(_ind("快递业务收入", "快递业务收入完成4.60亿元", value=4.6, unit="亿元")) == "4.60亿元"
    assert shown(_ind("粮食产量", "粮食产量达１２３４５.６７吨", value=12345.67, unit="吨")) == "12345.67吨"  # full-width
    # Not printed in Arabic digits (三亿元): the exact value, never a rounded one.
    assert shown(_ind("财政收入", "财政收入三亿元", value=3.0, unit="亿元")) == "3亿元"
    assert shown(_ind("税收收入", "税收收入", value=98765.4321, unit="万元")) == "98765.4321万元"
    # Among equal numbers the one followed by % is the growth rate.
    assert shown(_ind("技改投资", "技改投资6.5亿元，增长6.5%", value=6.5, unit="亿元", yoy=6.5)) == "6.5亿元 +6.5%"


def test_placeholders_read_as_undisclosed():
    rec = _ind("地区生产总值", "全镇完成地区生产总值xx亿元", unit="亿元", placeholder=True)
    assert shown(rec) == "未披露(亿元)"
    t = build_table([rec, _ind("地区生产总值", "地区生产总值12.5亿元", value=12.5, unit="亿元", start=40, base=1.25e9)],
                    {"qc": "云岭镇"})
    (cell,) = t.cells
    assert cell.placeholder and not cell.conflict  # a blank beside a figure is not a disagreement


THRESHOLD_SENTENCES = [
    ("规模以上工业企业指年主营业务收入2000万元及以上的工业企业", 2000.0, "万元"),
    ("注：限额以上批发业指年主营业务收入3000万元以上的法人企业", 3000.0, "万元"),
    ("统计范围为年营业收入500万元及以上的服务业企业", 500.0, "万元"),
]


@pytest.mark.parametrize("evidence,value,unit", THRESHOLD_SENTENCES)
def test_footnote_thresholds_stay_out_of_the_cells(evidence, value, unit):
    rec = _ind("主营业务收入", evidence, value=value, unit=unit)
    assert is_threshold(rec)
    t = build_table([rec], {"qc": "青川县"})
    assert t.cells == [] and len(t.excluded) == 1
    (row,) = statement_rows(t)
    assert row["note"].startswith("threshold") and row["evidence"] == evidence and row["cell"] == ""


@pytest.mark.parametrize("evidence,value,unit", [
    ("新增规模以上企业5家以上", 5.0, "家"),
    ("全年规模以上工业企业主营业务收入达到2000万元", 2000.0, "万元"),
    ("主要指标完成情况良好，地区生产总值86.2亿元", 86.2, "亿元"),
])
def test_ordinary_figures_are_not_thresholds(evidence, value, unit):
    assert not is_threshold(_ind("x", evidence, value=value, unit=unit))


@pytest.mark.parametrize("evidence,section", [
    ("五年来累计完成固定资产投资1234.5亿元", ""),
    ("“十三五”时期全县地区生产总值年均增长8.1%", ""),
    ("2011-2015年累计实现财政收入46.8亿元", ""),
    ("累计完成招商引资52亿元", "一、过去五年工作回顾"),
    ("近三年共建成农村公路310公里", ""),
])
def test_multi_year_totals_get_a_column_of_their_own(evidence, section):
    rec = _ind("固定资产投资", evidence, value=1.0, unit="亿元", period="2015", section=section)
    assert is_cumulative(rec)
    (cell,) = build_cells([rec], {"qc": "青川县"})
    assert cell.period == "多年·至2015"


@pytest.mark.parametrize("evidence,section,period", [
    ("全年快递业务收入累计完成4.60亿元", "三、交通和邮电", "2023"),  # 累计 within one year
    ("一年来全县地区生产总值增长7.2%", "", "2016"),
    ("2011-2015年累计实现财政收入46.8亿元", "", "2011-2015"),  # already a range
])
def test_single_year_statements_are_not_multi_year(evidence, section, period):
    assert not is_cumulative(_ind("x", evidence, value=1.0, unit="亿元", period=period, section=section))


def test_conflicts_only_between_statements_of_one_kind_and_place():
    recs = [
        _ind("地区生产总值", "地区生产总值303.6亿元", value=303.6, unit="亿元", base=3.036e10),
        _ind("地区生产总值", "地区生产总值预期目标310亿元", value=310.0, unit="亿元", base=3.1e10, kind="target", start=50),
        _ind("地区生产总值", "地区生产总值3036000万元", value=3036000.0, unit="万元", base=3.036e10, start=90),
        _ind("一般公共预算收入", "一般公共预算收入8.1亿元", value=8.1, unit="亿元", base=8.1e8),
        _ind("一般公共预算收入", "一般公共预算收入8.3亿元", value=8.3, unit="亿元", base=8.3e8, start=70),
        _ind("城镇化率", "城镇化率增长6.5%", yoy=6.5),
        _ind("城镇化率", "城镇化率比上年增长6.9%", yoy=6.9, basis="比上年", start=30),
        # Two documents whose place is unknown never conflict with each other.
        _ind("税收收入", "税收收入5亿元", value=5.0, unit="亿元", base=5e8, doc="a"),
        _ind("税收收入", "税收收入6亿元", value=6.0, unit="亿元", base=6e8, doc="b"),
    ]
    by = {(c.place, c.metric): c for c in build_cells(recs, {"qc": "青川县"})}
    gdp = by[("青川县", "地区生产总值")]
    assert not gdp.conflict  # target beside actual; 303.6亿元 restated as 3036000万元
    assert "303.6亿元 [actual]" in gdp.display() and "310亿元 [target]" in gdp.display()
    assert gdp.display().index("[actual]") < gdp.display().index("[target]")
    assert by[("青川县", "一般公共预算收入")].conflict
    assert by[("青川县", "城镇化率")].conflict  # same kind, different growth
    assert not by[(UNKNOWN_PLACE, "税收收入")].conflict


def test_pivot_gives_place_by_period_for_one_metric():
    recs = [
        _ind("地区生产总值", "地区生产总值303.6亿元", value=303.6, unit="亿元", period="2015"),
        _ind("地区生产总值", "地区生产总值增长7%左右", yoy=7.0, qualifier="左右", kind="target", period="2016"),
        _ind("地区生产总值", "地区生产总值12.5亿元", value=12.5, unit="亿元", period="2015", doc="yl"),
        _ind("财政收入", "财政收入8亿元", value=8.0, unit="亿元", period="2015"),
    ]
    t = build_table(recs, {"qc": "青川县", "yl": "云岭镇"}, pivot="地区生产总值")
    md = to_markdown(t, pivot="地区生产总值")
    lines = md.splitlines()
    assert lines[:3] == ["## 地区生产总值", "", "| place | 2015 | 2016 |"]
    assert "| 云岭镇 | 12.5亿元 [actual] |  |" in lines and "| 青川县 | 303.6亿元 [actual] | +7%左右 [target] |" in lines
    assert "财政收入" not in md
    with pytest.raises(ConfigError):
        build_table(recs, {}, pivot="不存在的指标")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet", ".sqlite"])
def test_every_output_keeps_each_records_source_span_and_evidence(tmp_path, suffix):
    recs = [
        _ind("地区生产总值", "全县实现地区生产总值303.6亿元，增长7.2%", value=303.6, unit="亿元", yoy=7.2, start=41),
        _ind("规模以上工业增加值", "规模以上工业增加值增长6.5%", yoy=6.5, start=66),
        _ind("主营业务收入", THRESHOLD_SENTENCES[0][0], value=2000.0, unit="万元", start=120),
        _ind("固定资产投资", "五年来累计完成固定资产投资1234.5亿元", value=1234.5, unit="亿元", start=160),
    ]
    out = tmp_path / f"t{suffix}"
    write_table(build_table(recs, {"qc": "青川县"}), out)
    if suffix == ".csv":
        rows = list(csv.DictReader(open(out, encoding="utf-8-sig")))
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        ws = load_workbook(out)["statements"]
        head, *body = [[c.value for c in row] for row in ws.iter_rows()]
        rows = [dict(zip(head, r)) for r in body]
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        rows = pq.read_table(out).to_pylist()
    else:
        db = sqlite3.connect(out)
        db.row_factory = sqlite3.Row
        rows = [dict(r) for r in db.execute("SELECT * FROM records")]
        db.close()
    got = {(r["source"], int(r["start"]), int(r["end"]), r["evidence"]) for r in rows}
    assert got == {(r["source"], r["start"], r["end"], r["evidence"]) for r in recs}
    assert {r["shown"] for r in rows} >= {"303.6亿元 +7.2%", "+6.5%"}


REPORT_TEXT = (
    "青川县2016年政府工作报告\n\n各位代表：\n\n一、2015年工作回顾\n"
    "2015年，全县实现地区生产总值32193.15万元，增长7.2%。规模以上工业增加值增长6.5%，社会消费品零售总额下降2.1%。\n"
    "注：规模以上工业企业指年主营业务收入2000万元及以上的工业企业。\n"
)


def test_cli_table_prints_growth_precision_and_the_documents_place(tmp_path):
    src = tmp_path / "qc_report.txt"
    src.write_text(REPORT_TEXT, encoding="utf-8")
    recs = []
    for metric, ev, kw in [
        ("地区生产总值", "全县实现地区生产总值32193.15万元，增长7.2%", dict(value=32193.15, unit="万元", yoy=7.2)),
        ("规模以上工业增加值", "规模以上工业增加值增长6.5%", dict(yoy=6.5)),
        ("社会消费品零售总额", "社会消费品零售总额下降2.1%", dict(yoy=-2.1)),
        ("主营业务收入", "规模以上工业企业指年主营业务收入2000万元及以上的工业企业", dict(value=2000.0, unit="万元")),
    ]:
        r = _ind(metric, ev, period="2015", doc="qingchuan-file-id", start=REPORT_TEXT.index(ev), **kw)
        r["source"] = str(src)
        recs.append(r)
    records = tmp_path / "r.jsonl"
    records.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "llm_extract.cli", "table", str(records), "--out", "-",
                           "--index", str(tmp_path / "none")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    assert "+6.5% [actual]" in out and "-2.1% [actual]" in out and "32193.15万元 +7.2% [actual]" in out
    assert "| 青川县 |" in out and "qingchuan-file-id" not in out and "2000万元" not in out
    assert "1 threshold statements left out" in proc.stderr
    pivot = subprocess.run([sys.executable, "-m", "llm_extract.cli", "table", str(records), "--pivot", "规模以上工业增加值",
                            "--out", str(tmp_path / "p.md"), "--index", str(tmp_path / "none")],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert pivot.returncode == 0, pivot.stderr[-2000:]
    assert "| 青川县 | +6.5% [actual] |" in (tmp_path / "p.md").read_text(encoding="utf-8")
