"""Indicator records from table rows (llm_extract/extract/table_rows.py), on invented tables in the three
forms the loaders flatten them to: .docx and HTML (tab-separated cells) and a PDF text layer (spaces)."""

from __future__ import annotations

from pathlib import Path

import pytest

from llm_extract.core.config import Settings
from llm_extract.extract.extractor import SectionExtractor
from llm_extract.extract.table_rows import document_table_indicators, parse_header, table_blocks
from llm_extract.index.ingest import build_documents
from llm_extract.text.loading import html_to_text, load_text
from llm_extract.text.normalize import normalize

INTRO = "青川县2031年国民经济和社会发展统计公报\n青川县统计局\n一、综合\n全年全县地区生产总值456.78亿元，比上年增长5.6%。\n"


def _records(raw: str):
    return document_table_indicators(normalize(raw))


def _grounded(raw: str, rec) -> None:
    assert raw[rec.start : rec.end] == rec.evidence
    printed = f"{rec.value:.2f}".rstrip("0").rstrip(".") if rec.value is not None else None
    if printed:
        assert printed in rec.evidence.replace("\t", " ")


def _docx_text(tmp_path: Path) -> str:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in INTRO.strip().splitlines():
        document.add_paragraph(line)
    document.add_paragraph("全年一般公共预算收入31.25亿元，比上年增长4.4%。")
    document.add_paragraph("表3 财政收支情况")
    rows = [("", "绝对数（亿元）", "比上年增长（%）"), ("一般公共预算收入", "31.25", "4.4"),
            ("（1）税收收入", "20.15", "6.2"), ("（2）非税收入", "11.10", "-1.3"), ("教育", "9.87", "3.1")]
    table = document.add_table(rows=len(rows), cols=3)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            table.cell(i, j).text = cell
    document.add_paragraph("二、农业")
    path = tmp_path / "qingchuan.docx"
    document.save(path)
    return load_text(path)


def test_docx_table_rows_become_records(tmp_path):
    raw = _docx_text(tmp_path)
    recs = _records(raw)
    # 一般公共预算收入 restates the sentence; 教育 is a breakdown by function, not an aggregate
    assert [(r.metric, r.value, r.unit, r.yoy_pct) for r in recs] == [
        ("税收收入", 20.15, "亿元", 6.2), ("非税收入", 11.1, "亿元", -1.3)]
    for r in recs:
        _grounded(raw, r)
        assert r.value_base == pytest.approx(r.value * 1e8)
        assert r.period is None  # the caption prints no year: the extractor dates it


def test_html_table_with_unit_column_and_year_caption():
    page = ("<html><body><p>云岭镇2030年经济运行情况</p><p>表1 2030年主要指标</p><table>"
            "<tr><th>指标</th><th>单位</th><th>绝对数</th><th>比上年增长(%)</th></tr>"
            "<tr><td>地区生产总值</td><td>亿元</td><td>12.34</td><td>6.1</td></tr>"
            "<tr><td>粮食总产量</td><td>万吨</td><td>3.21</td><td>1.5</td></tr>"
            "<tr><td>常住人口</td><td>万人</td><td>4.56</td><td>0.2</td></tr>"
            "<tr><td>城镇化率</td><td>%</td><td>45.6</td><td>1.2</td></tr>"
            "</table><p>资料来源：云岭镇统计站。</p></body></html>")
    raw = html_to_text(page)
    recs = _records(raw)
    assert [(r.metric, r.value, r.unit, r.yoy_pct, r.period) for r in recs] == [
        ("地区生产总值", 12.34, "亿元", 6.1, "2030"), ("粮食总产量", 3.21, "万吨", 1.5, "2030")]
    assert recs[0].evidence == "地区生产总值\t亿元\t12.34\t6.1"
    for r in recs:
        _grounded(raw, r)


PDF = (
    INTRO
    + "全县金融机构各项存款余额 123.46 亿元，比上年增长 8.1%。\n"
    "表5 2031年金融和财政情况\n"
    "指标名称 绝对额（万元） 比上年增长（%）\n"
    "各项存款余额 1234567 8.1\n"
    "各项贷款余额 987654 9.9\n"
    "\n— 7 —\n"
    "#税收收入89012 12.0\n"
    "3.4\n"
    "非税收入 45 678 3.0\n"
    "一般公共预算\n"
    "支出 456789 2.2\n"
    "二、农业\n"
    "全年粮食总产量 3.21 万吨。\n"
)


def test_pdf_flattened_rows():
    recs = _records(PDF)
    got = [(r.metric, r.value, r.unit, r.yoy_pct, r.period) for r in recs]
    # 存款 restates the sentence (123.46亿元 is 1234567万元 rounded); the page number and the stray
    # figure do not end the table; a glued label is split off its figure; a row with a number too many
    # (45 678) is not read; a label wrapped onto the next line is joined.
    assert got == [("金融机构贷款余额", 987654.0, "万元", 9.9, "2031"), ("税收收入", 89012.0, "万元", 12.0, "2031"),
                   ("一般公共预算支出", 456789.0, "万元", 2.2, "2031")]
    for r in recs:
        _grounded(PDF, r)
    assert recs[1].evidence == "税收收入89012 12.0"
    assert recs[2].evidence == "一般公共预算\n支出 456789 2.2"


def test_growth_only_table_and_restated_growth():
    raw = (INTRO + "规模以上工业增加值比上年增长7.7%。\n表2 2031年工业增长速度\n指标名称 单位 比上年增长\n"
           "规模以上工业增加值 % 7.7\n工业增加值 % 6.6\n采矿业 % -3.2\n")
    recs = _records(raw)
    assert [(r.metric, r.value, r.yoy_pct) for r in recs] == [("工业增加值", None, 6.6)]
    _grounded(raw, recs[0])


def test_headers_and_non_headers():
    assert [c.role for c in parse_header("指标名称 单位 产量 比上年增长(%)")] == ["unit", "value", "growth"]
    cols = parse_header("\t绝对额 （万元）\t比年初增长（%）")
    assert (cols[0].unit, cols[1].basis) == ("万元", "比年初")
    assert parse_header("项目\t2031年\t增长（%）")[0].year == "2031"
    for line in ("城镇\t农村", "全年地区生产总值增长6%。", "产量", "指标 2030年 2031年 增长(%)"):
        assert parse_header(line) is None


def test_share_and_count_tables_give_nothing():
    raw = (INTRO + "表1 2031年末人口\n指标名称 年末数（人） 比重（%）\n全县总人口 123456 100.0\n"
           "表2 从业人员\n\t单位\t绝对数\t构成（%）\n从业人员\t万人\t12.3\t100.0\n")
    assert [r for b in table_blocks(raw) for r in b.rows] == []


def test_target_caption_gives_targets():
    raw = "表1 青川县2032年主要预期目标\n指标\t单位\t绝对数\t增长（%）\n地区生产总值\t亿元\t500\t6.0\n"
    (block,) = table_blocks(raw)
    assert [(r.kind, r.period) for r in block.rows] == [("target", "2032")]


def test_extractor_adds_table_rows_once(tmp_path):
    raw = _docx_text(tmp_path)
    path = tmp_path / "qingchuan.txt"
    path.write_text(raw, encoding="utf-8")
    (doc, _chunks), = build_documents(raw, str(path), "sha", set(), Settings())
    norm = normalize(raw, doc.start, doc.end)
    ex = SectionExtractor(backend="rules")
    recs = [r for s in doc.sections for r in ex.extract("indicator", doc, norm, s).records]
    fiscal = [(r.metric, r.value, r.period) for r in recs if "收入" in r.metric]
    assert fiscal == [("一般公共预算收入", 31.25, "2031"), ("税收收入", 20.15, "2031"), ("非税收入", 11.1, "2031")]
    for r in recs:
        assert raw[r.start : r.end] == r.evidence
        assert r.prompt_version.startswith("rules@")
