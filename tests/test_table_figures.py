"""Figures a communiqué prints only in a table row, answered from the row (an invented communiqué)."""

from __future__ import annotations

import pytest

from llm_extract.extract.table_rows import table_figures

REPORT = (
    "云岭州2031年国民经济和社会发展统计公报\n"
    "一、工业\n"
    "全年全州规模以上工业增加值比上年增长6.1%。\n"
    "表2 2031年规模以上工业主要产品产量及其增长速度\n"
    "产品名称 单位 产量 比上年增长（%）\n"
    "小麦粉 万吨 23.79 2.3\n"
    "水泥 万吨 101.7 -7.9\n"
    "其中：新能源汽车 万辆 15.14 0.0\n"
    "二、固定资产投资\n"
    "全年固定资产投资比上年增长3.0%。\n"
    "表3 2031年分行业固定资产投资增长速度\n"
    "行业 比上年增长（%）\n"
    "工业 5.5\n"
    "水泥 1.2\n"
    "批发和零售业 -7.4\n"
)


def test_every_row_of_a_table_is_read_as_printed():
    rows = {(f.label, f.caption[:3]): f for f in table_figures(REPORT)}
    cement = rows[("水泥", "表2 ")]
    assert (cement.unit, cement.value_printed, cement.growth) == ("万吨", "101.7", -7.9)
    assert REPORT[cement.start:cement.end] == "水泥 万吨 101.7 -7.9"
    assert rows[("新能源汽车", "表2 ")].growth == 0.0
    assert rows[("批发和零售业", "表3 ")].value is None and rows[("批发和零售业", "表3 ")].growth == -7.4


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    from fakes import indexed_reports

    return indexed_reports(tmp_path_factory.mktemp("tables"), {"yunling-2031.txt": REPORT})


def _ask(settings, question):
    from fakes import ask_by_code

    return ask_by_code(settings, question)


def test_a_figure_printed_only_in_a_table_row_is_answered_from_the_row(settings):
    ans = _ask(settings, "云岭州2031年规模以上工业新能源汽车产量是多少？")
    assert ans.route == "record" and ans.answer == "云岭州2031年新能源汽车产量为15.14万辆，与上年持平[1]。"
    ans = _ask(settings, "云岭州2031年小麦粉产量增长了多少？")
    assert ans.answer == "云岭州2031年小麦粉产量比上年增长2.3%（23.79万吨）[1]。"
    c = ans.citations[0]
    assert REPORT[c.start:c.end] == c.quote == "小麦粉 万吨 23.79 2.3"
    ans = _ask(settings, "云岭州2031年水泥产量增长了多少？")  # 水泥 of the table of output, not of investment
    assert ans.answer == "云岭州2031年水泥产量比上年下降7.9%（101.7万吨）[1]。"
    ans = _ask(settings, "云岭州2031年批发和零售业投资增长多少？")
    assert ans.answer.startswith("云岭州2031年批发和零售业投资比上年下降7.4%")


@pytest.mark.parametrize("question", [
    "云岭州2031年水泥增长了多少？",            # two rows print 水泥 (产量 and 投资): which one, the question does not say
    "云岭州2031年工业增长多少？",              # a table of investment by industry does not answer growth of industry
    "云岭州2030年小麦粉产量是多少？",          # the table is of 2031
    "云岭州2031年小麦粉出口是多少？",          # the question asks for something else about the row's product
    "云岭州2031年批发和零售业投资是多少？",      # the row prints a change only
])
def test_the_route_declines_what_a_row_does_not_settle(settings, question):
    assert _ask(settings, question).route not in ("record", "section")
