"""Tests of the rules extractor on invented sentences: marks passed without a digit (突破万亿元), adverbs between a
metric and its verb, lists whose names share a scope or a word, and goals under a heading of the plan term ahead."""

from __future__ import annotations

from llm_extract.extract.rules import rules_extract_indicators
from llm_extract.text.numbers import find_quantities


def _brief(text: str, **kw) -> list[tuple]:
    out = []
    for r in rules_extract_indicators(text, **kw):
        assert text[r.start : r.end] == r.evidence
        out.append((r.metric, r.value, r.unit, r.yoy_pct, r.qualifier))
    return out


def _when(text: str, **kw) -> list[tuple]:
    return [(r.metric, r.kind, r.period) for r in rules_extract_indicators(text, **kw)]


def test_a_magnitude_printed_without_a_digit_is_that_figure():
    got = [(q.value, q.unit, q.qualifier) for q in find_quantities("云岭市旅游收入突破万亿元，茶叶产值超百亿元，"
                                                                    "蔬菜产量稳定在百万吨以上，工业迈上千亿元台阶")]
    assert got == [(1.0, "万亿元", "突破"), (100.0, "亿元", "超"), (100.0, "万吨", "以上"), (1000.0, "亿元", "迈上")]
    # a bare 万元 / 亿元 is a template's blank or a class of projects, not one of them
    assert find_quantities("协议外资达万元") == []
    assert [q.unit for q in find_quantities("超亿元项目12个")] == ["个"]
    assert find_quantities("打造万亿级产业集群") == []


def test_adverbs_between_a_metric_and_its_verb():
    assert _brief("全市地区生产总值历史性迈上700亿元台阶。") == [("地区生产总值", 700.0, "亿元", None, "迈上")]
    assert _brief("出口逆势增长9.6%。") == [("出口", None, None, 9.6, None)]
    assert _brief("人均地区生产总值提升至6.3万元。") == [("人均地区生产总值", 6.3, "万元", None, None)]
    assert _brief("人均地区生产总值从4.1万元增至6.3万元。") == [("人均地区生产总值", 6.3, "万元", None, None)]


def test_the_growth_after_a_mark_passed_belongs_to_the_level():
    assert _brief("地区生产总值跨越900亿元大关，年均增长6.1%。") == [("地区生产总值", 900.0, "亿元", 6.1, "跨越")]


def test_names_sharing_a_scope_or_a_word_in_a_list():
    assert _brief("金融机构本外币存、贷款余额分别突破800亿元、700亿元。") == [
        ("金融机构本外币存款余额", 800.0, "亿元", None, "突破"), ("金融机构本外币贷款余额", 700.0, "亿元", None, "突破")]
    assert _brief("人民币存款、贷款余额双双突破600亿元。") == [
        ("人民币存款余额", 600.0, "亿元", None, "突破"), ("人民币贷款余额", 600.0, "亿元", None, "突破")]
    assert _brief("对非洲、共建“一带一路”国家进出口总额分别增长6.6%、8.8%。") == [
        ("对非洲进出口总额", None, None, 6.6, None), ("对共建“一带一路”国家进出口总额", None, None, 8.8, None)]
    assert _brief("规模以上新材料产业和食品工业增加值分别增长9.1%、4.4%。") == [
        ("规模以上新材料产业增加值", None, None, 9.1, None), ("规模以上食品工业增加值", None, None, 4.4, None)]
    assert [m for m, *_ in _brief("全区地方财政收入、支出分别突破30亿元和90亿元。")] == ["财政收入", "一般公共预算支出"]
    assert _brief("粮食、蔬菜产量均稳定在百万吨以上。") == [("粮食总产量", 100.0, "万吨", None, "以上")]


def test_and_inside_a_listed_name_and_a_collective_name_after_its_members():
    assert _brief("金融业、信息传输和软件业增加值分别增长3.3%、9.9%。")[0] == ("金融业增加值", None, None, 3.3, None)
    assert _brief("茶叶、竹木、中药材三大特色产业产值突破90亿元。") == [("三大特色产业产值", 90.0, "亿元", None, "突破")]


def test_an_annual_revenue_is_the_revenue():
    assert _brief("数字经济核心产业年营收突破300亿元。") == [("数字经济核心产业营业收入", 300.0, "亿元", None, "突破")]


def test_goals_under_a_heading_of_the_plan_term_ahead():
    kw = dict(period_hint="2025", plan_years=[2026], review_years=[2025], target_period="2026")
    heading = "二、“十五五”时期主要目标和重大任务"
    assert _when("全市地区生产总值年均增长5.5%，人均地区生产总值9万元以上。", headings=heading, **kw) == [
        ("地区生产总值", "target", "2026-2030"), ("人均地区生产总值", "target", "2030")]
    # the heading also names the year planned: its figures are that year's (the section's hint, 2026)
    assert _when("地区生产总值增长5%左右。", headings="“十五五”时期主要目标和2026年重点工作",
                 **{**kw, "period_hint": "2026"}) == [("地区生产总值", "target", "2026")]
    # a paragraph looking back on the term under way under that heading is no goal
    assert _when("“十四五”时期，地区生产总值年均增长6.2%。", headings=heading, **kw) == [
        ("地区生产总值", "actual", "2021-2025")]


def test_a_part_about_the_term_s_first_year_and_the_exact_figure_after_a_mark():
    kw = dict(period_hint="2026", plan_years=[2026], review_years=[2025], target_period="2026")
    assert _when("地区生产总值增长5%左右。", headings="三、全力推动“十五五”开好局、起好步", **kw) == [
        ("地区生产总值", "target", "2026")]
    assert _brief("其中农村居民人均可支配收入首次突破3万元、达到30516元。") == [
        ("农村居民人均可支配收入", 30516.0, "元", None, None)]
    assert _brief("新批外商投资超千万美元（含增资）的企业12家。") == []


def test_the_payouts_of_a_class_of_insurance():
    text = "其中，财产险赔付14.7亿元，下降2.1%；健康险赔付金额增长9.9%。为农户赔付2000万元。"
    assert _brief(text) == [("财产险赔付", 14.7, "亿元", -2.1, None), ("健康险赔付金额", None, None, 9.9, None)]


def test_compound_names_standing_for_several_metrics():
    assert [(m, p) for m, _v, _u, p, _q in _brief("其中一二三产增加值分别增长3.1%、6.2%、5.3%。")] == [
        ("第一产业增加值", 3.1), ("第二产业增加值", 6.2), ("第三产业增加值", 5.3)]
    assert [m for m, *_ in _brief("实际使用内外资分别增长12％、3.3％。")] == ["实际利用内资", "实际利用外资"]


def test_communique_wording_output_changes_breakdowns_and_price_bases():
    kw = dict(period_hint="2025")
    assert _brief("全年全县粮食产量41.2万吨，比上年增产1.1%。", **kw) == [("粮食总产量", 41.2, "万吨", 1.1, None)]
    text = "全年社会消费品零售总额120.5亿元，增长4.4%。分行业看，批发业20.1亿元，增长3.2%；餐饮业9.9亿元，增长6.6%。"
    assert [(m, v) for m, v, *_ in _brief(text, **kw)] == [
        ("社会消费品零售总额", 120.5), ("批发业零售额", 20.1), ("餐饮业零售额", 9.9)]
    got = _when("全年邮政业务总量（按2020年不变价计算）3.2亿元，比上年增长5.5%。", **kw)
    assert got == [("邮政业务总量", "actual", "2025")]
    assert _brief("2025年初步核算全县实现地区生产总值（GDP）301.2亿元，增长5.1%。", **kw) == [
        ("地区生产总值", 301.2, "亿元", 5.1, None)]
    assert [m for m, *_ in _brief("规模以上工业增加值增长7%。其中，装备制造业增长9.1%，医药制造业增长3.3%。", **kw)] == [
        "规模以上工业增加值", "装备制造业增加值"]  # a group named by a quality, not a class of the classification
    assert _brief("高技术制造业增长12.9%。", **kw) == []  # which measure, the text does not say
    assert _brief("先进制造业和高技术制造业增加值占规模以上工业比重分别提高到51%、22.5%。", **kw) == []  # shares
    assert _brief("全县农林牧渔业实现总产值88.6亿元，增长3.6%。", **kw)[0][1:] == (88.6, "亿元", 3.6, None)


def test_the_whole_payouts_and_premiums_in_their_printed_variants():
    got = [(m, v) for m, v, *_ in _brief("全年共赔付支出12.5亿元。其中，人身险赔付给付7.5亿元。保险机构保费收入 30.1亿元。")]
    assert got == [("保险赔付支出", 12.5), ("人身险赔付给付", 7.5), ("保费收入", 30.1)]


def test_a_balance_shared_by_a_list_and_funds_obtained_in_a_list():
    assert [m for m, *_ in _brief("制造业、涉农贷款余额分别增长9.1%、6.6%。")] == ["制造业贷款余额", "涉农贷款余额"]
    assert _brief("争取中央预算内投资、专项债券资金分别增长12.1％、8.5％。") == []


def test_trading_partners_listed_before_their_trade():
    assert [m for m, *_ in _brief("对中亚、欧盟进出口分别增长9.8%、4.4%。对非洲、东盟市场出口分别增长12%、6.6%。")] == [
        "对中亚进出口", "对欧盟进出口", "对非洲市场出口", "对东盟市场出口"]
