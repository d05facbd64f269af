"""Tests of llm_extract.text.numerals, .numbers and .growth: quantities, growth clauses, presence checks, placeholders."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llm_extract.text.growth import find_changes, parse_change
from llm_extract.text.numbers import (
    find_placeholder_numbers,
    find_quantities,
    number_in_text,
    numbers_in,
    parse_quantity,
)
from llm_extract.text.numerals import cn_to_number, fold, is_placeholder_number, unit_multiplier


@pytest.mark.parametrize(
    "s, value, unit, base, base_unit",
    [
        ("80.43亿元", 80.43, "亿元", 8043000000.0, "元"),
        ("2400万", 2400.0, "万", 24000000.0, None),
        ("1.4亿元", 1.4, "亿元", 140000000.0, "元"),
        ("11375元", 11375.0, "元", 11375.0, "元"),
        ("8.1倍", 8.1, "倍", 8.1, "倍"),
        ("40%", 40.0, "%", 40.0, "%"),
        ("0.5个百分点", 0.5, "个百分点", 0.5, "个百分点"),
        ("46.6公里", 46.6, "公里", 46.6, "公里"),
        ("371户", 371.0, "户", 371.0, "户"),
        ("1080人", 1080.0, "人", 1080.0, "人"),
        ("3000亩", 3000.0, "亩", 3000.0, "亩"),
        ("91.8亿元", 91.8, "亿元", 9180000000.0, "元"),
        ("5473万美元", 5473.0, "万美元", 54730000.0, "美元"),
        ("20万吨", 20.0, "万吨", 200000.0, "吨"),
        ("1200千瓦", 1200.0, "千瓦", 1200.0, "千瓦"),
        ("3万千瓦", 3.0, "万千瓦", 30000.0, "千瓦"),
        ("三亿元", 3.0, "亿元", 300000000.0, "元"),
        ("一千二百万元", 1200.0, "万元", 12000000.0, "元"),
        ("十五个", 15.0, "个", 15.0, "个"),
        ("两个", 2.0, "个", 2.0, "个"),
        ("1,234.5", 1234.5, None, 1234.5, None),
        ("1,234.5万元", 1234.5, "万元", 12345000.0, "元"),
        ("1.2万亿元", 1.2, "万亿元", 1.2e12, "元"),
        ("6‰", 6.0, "‰", 6.0, "‰"),
    ],
)
def test_parse_quantity_values(s, value, unit, base, base_unit):
    q = parse_quantity(s)
    assert q is not None
    assert q.value == pytest.approx(value)
    assert q.unit == unit
    assert q.value_base == base  # exact: 80.43亿 is 8043000000, not 8043000000.000001
    assert q.base_unit == base_unit
    assert (q.start, q.end) == (0, len(s))
    assert q.raw == s


def test_parse_quantity_qualifiers():
    q = parse_quantity("120余盏")
    assert (q.value, q.unit, q.qualifier) == (120.0, "盏", "余")
    q = parse_quantity("10多名")
    assert (q.value, q.unit, q.qualifier) == (10.0, "名", "多")
    q = parse_quantity("40%以上")
    assert (q.value, q.unit, q.qualifier) == (40.0, "%", "以上")
    q = parse_quantity("约三亿元")
    assert (q.value, q.unit, q.qualifier, q.start) == (3.0, "亿元", "约", 1)


def test_parse_quantity_traditional_and_full_width():
    q = parse_quantity("6.87億元")
    assert (q.value, q.unit, q.value_base) == (6.87, "亿元", 687000000.0)
    q = parse_quantity("１２３４５元")
    assert (q.value, q.unit) == (12345.0, "元")
    assert parse_quantity("１６６０余戶").unit == "户"


@pytest.mark.parametrize("s", ["xxxx.x万元", "xxxxx万元", "x.xxx亿元", "xx%", "××万元", "___元"])
def test_parse_quantity_placeholders_are_none(s):
    assert parse_quantity(s) is None


@pytest.mark.parametrize("s", ["", "财政收入", "2013年", "80.43亿元和1.4亿元", "第3篇", "地区生产总值80.43亿元"])
def test_parse_quantity_rejects_non_quantities(s):
    assert parse_quantity(s) is None


def test_find_quantities_offsets_and_skips():
    text = "2013年全镇实现地区生产总值(GDP)80.43亿元,同比增长0.25%;建成三个小区,第3期,发布于2013.01.22。"
    qs = find_quantities(text)
    assert [q.raw for q in qs] == ["80.43亿元", "0.25%", "三个"]
    for q in qs:
        assert text[q.start : q.end] == q.raw


def test_find_quantities_bare_and_placeholders():
    text = "全镇完成地区生产总值xxxxx万元,同比增长xx.xx%;318国道,1,234.5"
    assert [q.raw for q in find_quantities(text)] == []
    bare = find_quantities(text, bare=True)
    assert [q.value for q in bare] == [318.0, 1234.5]
    ph = find_quantities(text, include_placeholders=True)
    assert [(q.raw, q.placeholder, q.unit) for q in ph] == [("xxxxx万元", True, "万元"), ("xx.xx%", True, "%")]
    assert math.isnan(ph[0].value) and ph[0].value_base is None


def test_find_quantities_chinese_numerals_need_a_unit():
    # 统一/十八大/十二五 are words, not figures.
    assert find_quantities("统一标准,党的十八大,十二五规划") == []
    qs = find_quantities("开展促进就业工程,完成两个小区整治,新建十五个站点")
    assert [(q.value, q.unit) for q in qs] == [(2.0, "个"), (15.0, "个")]


def test_find_quantities_ranges_of_years_are_not_quantities():
    assert find_quantities("2001-2007年,全镇共建安置房") == []


@pytest.mark.parametrize(
    "s, expected",
    [
        ("三", 3), ("十", 10), ("十五", 15), ("二十", 20), ("一百零五", 105), ("一千二百", 1200),
        ("一千二百万", 12000000), ("一亿二千万", 120000000), ("两万零五百", 20500), ("二〇一三", 2013),
        ("十二五", None), ("一千二", None), ("千", None), ("", None),
    ],
)
def test_cn_to_number(s, expected):
    assert cn_to_number(s) == expected


@pytest.mark.parametrize(
    "text, yoy, basis, direction",
    [
        ("同比增长0.25%", 0.25, "同比", 1),
        ("同比下降17.7%", -17.7, "同比", -1),
        ("比上年增长183%", 183.0, "比上年", 1),
        ("比2001年增长183%", 183.0, "比2001年", 1),
        ("减少4.5%", -4.5, None, -1),
        ("持平", 0.0, None, 0),
        ("与上年持平", 0.0, "与上年", 0),
        ("按可比价格计算增长8%", 8.0, "按可比价格计算", 1),
        ("同口径增长12.5%", 12.5, "同口径", 1),
        ("同比增長8.5%", 8.5, "同比", 1),
        ("增幅为8%", 8.0, None, 1),
        ("比上年同期增长157.8万元", None, "比上年同期", 1),
        ("年遞增40%以上", 40.0, "年均", 1),
    ],
)
def test_parse_change(text, yoy, basis, direction):
    ch = parse_change(text)
    assert ch is not None
    assert ch.yoy_pct == (pytest.approx(yoy) if yoy is not None else None)
    assert ch.basis == basis
    assert ch.direction == direction
    assert text[ch.start : ch.end] == ch.raw


def test_parse_change_placeholder_points_and_amounts():
    ch = parse_change("增长x%")
    assert ch.placeholder and ch.yoy_pct is None
    ch = parse_change("同比增长xx.xx%")
    assert ch.placeholder and ch.basis == "同比"
    ch = parse_change("提高2个百分点")
    assert ch.pct_points == 2.0 and ch.yoy_pct is None
    ch = parse_change("增速回落0.5个百分点")
    assert ch.pct_points == -0.5
    ch = parse_change("比上年同期增764.24万元")
    assert ch.yoy_pct is None and ch.amount.value == 764.24 and ch.amount.value_base == 7642400.0
    ch = parse_change("增长1.5倍")
    assert ch.times == 1.5 and ch.yoy_pct is None
    assert parse_change("增长-3%").yoy_pct == -3.0
    assert parse_change("下降-3%").yoy_pct == 3.0


def test_parse_change_anchored_and_absent():
    assert parse_change(",同比增长8.5%", anchored=True).yoy_pct == 8.5
    assert parse_change(",是2001年的8.1倍,年递增40%以上", anchored=True) is None
    assert parse_change("是2001年的8.1倍,年递增40%以上").yoy_pct == 40.0
    assert parse_change("占比121.54%") is None
    assert parse_change("财政收入486.18万元") is None
    assert parse_change("") is None


def test_find_changes_many():
    text = "地区生产总值80.43亿元,同比增长0.25%;规模以上企业工业总产值91.8亿元,同比下降17.7%。"
    assert [c.yoy_pct for c in find_changes(text)] == [0.25, -17.7]


def test_numbers_in():
    text = "实现地区生产总值(GDP)80.43亿元，同比增长０.２５％；三亿元；统一；一千二百；1,234.5；2013.01.22"
    got = numbers_in(text)
    assert 80.43 in got and 0.25 in got and 3.0 in got and 1200.0 in got and 1234.5 in got
    assert 1.0 not in got  # the 一 of 统一 is not a number
    assert numbers_in("") == []


def test_number_in_text_equivalent_forms():
    assert number_in_text(80.43, "80.43亿元")
    assert number_in_text(8043000000, "实现80.43亿")
    assert number_in_text(8043000000.000001, "80.43亿元")
    assert number_in_text(0.25, "同比增长0.25%")
    assert number_in_text(-17.7, "同比下降17.7%")
    assert number_in_text(3, "預計實現(xiàn)財政收入3億元")
    assert number_in_text(3, "实现财政收入三亿元")
    assert number_in_text(80.43, "804300万元", unit="亿元")
    assert number_in_text(12345, "１２３４５元")


def test_number_in_text_rejects_other_numbers():
    assert not number_in_text(80.4, "80.43亿元")
    assert not number_in_text(80.43, "80.42亿元")
    assert not number_in_text(8043000000, "80.43万元")
    assert not number_in_text(5, "xxxx万元")
    assert not number_in_text(float("nan"), "nan")
    assert not number_in_text(2.0, "")


@pytest.mark.parametrize("s", ["xx", "x.xxx", "xxxxx", "××", "___", "X.X", "*", "xx.xx", "200*", " xx "])
def test_is_placeholder_number_true(s):
    assert is_placeholder_number(s)


@pytest.mark.parametrize("s", ["", "12", "8.5", "x省", "GDP", "三亿"])
def test_is_placeholder_number_false(s):
    assert not is_placeholder_number(s)


def test_find_placeholder_numbers():
    text = "完成地区生产总值xxxxx万元,同比增长xx.xx%,x省特色镇,××镇,20xx年"
    spans = find_placeholder_numbers(text)
    assert [text[a:b] for a, b in spans] == ["xxxxx万元", "xx.xx%"]


def test_fold_keeps_length_and_full_width_comma():
    s = "８０．４３億元，同比增長"
    assert len(fold(s)) == len(s)
    assert fold(s) == "80.43亿元，同比增长"


def test_unit_multiplier():
    assert unit_multiplier("亿元") == (1e8, "元")
    assert unit_multiplier("萬元") == (1e4, "元")
    assert unit_multiplier("%") == (1.0, "%")
    assert unit_multiplier("furlong") is None
    assert unit_multiplier(None) is None


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**7),
    st.integers(min_value=0, max_value=99),
    st.sampled_from(["亿元", "万元", "元", "%", "万美元", "亩", "人", "吨"]),
)
def test_parse_quantity_round_trip(whole, cents, unit):
    s = f"{whole}.{cents:02d}{unit}"
    q = parse_quantity(s)
    assert q is not None and q.unit == unit
    assert q.value == float(f"{whole}.{cents:02d}")
    factor, _ = unit_multiplier(unit)
    assert q.value_base == pytest.approx(q.value * factor, rel=1e-12)
    assert number_in_text(q.value_base, s)


def test_rising_to_a_level_is_not_a_change():
    assert parse_change("财政收入增至5000万元") is None
    assert parse_change("提高到60%") is None
    assert parse_change("增长达到25%").yoy_pct == 25.0


def test_products_are_not_placeholders():
    assert find_placeholder_numbers("规格3×4米的展板") == []
    assert [q.placeholder for q in find_quantities("3×4米", include_placeholders=True)] == [False]


def test_exponent_form_from_code():
    # callers format values with f"{x:g}", which prints large values with an exponent
    q = parse_quantity(f"{8043000000.0:g}元")
    assert (q.value, q.unit, q.value_base) == (8043000000.0, "元", 8043000000.0)
    q = parse_quantity(f"{80.43:g}亿元")
    assert q.value_base == 8043000000.0
    assert [x.value for x in find_quantities("1.5e+06元")] == [1500000.0]
