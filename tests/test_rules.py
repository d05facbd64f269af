"""Tests of llm_extract.extract.rules on invented sentences: one test per class of statement."""

from __future__ import annotations

from llm_extract.core.types import Document, NormalizedText, Section
from llm_extract.extract.periods import period_hint, plan_year_hint, sibling_year
from llm_extract.extract.rules import rules_extract_indicators


def _brief(text: str, **kw) -> list[tuple]:
    out = []
    for r in rules_extract_indicators(text, **kw):
        assert text[r.start : r.end] == r.evidence
        out.append((r.metric, r.value, r.unit, r.yoy_pct, r.period, r.kind))
    return out


def test_shares_rates_and_people_counts_are_not_indicators():
    text = ("青川县城镇化率达61.5%，城镇新增就业1.2万人，参保人数30万人，空气优良天数比例98%。"
            "地区生产总值120亿元，增长6%。火灾死亡人数下降20%。")
    assert _brief(text) == [("地区生产总值", 120.0, "亿元", 6.0, None, "actual")]


def test_physical_output_only_for_a_named_metric():
    text = "全县粮食总产量8.5万吨，蔬菜产量3.2万吨，茶叶产量0.4万吨。"
    assert [m for m, *_ in _brief(text)] == ["粮食总产量"]


def test_year_opening_a_sentence_dates_the_paragraph():
    text = ("2019年，云岭镇实现地区生产总值12.3亿元。财政收入1.1亿元，同比增长5%。\n"
            "社会消费品零售总额4亿元。")
    got = _brief(text, period_hint="2020")
    assert [(m, p) for m, _v, _u, _y, p, _k in got] == [
        ("地区生产总值", "2019"), ("财政收入", "2019"), ("社会消费品零售总额", "2020")]


def test_figure_of_a_planned_year_is_a_target():
    text = "固定资产投资增长6%以上，社会消费品零售总额增长5%左右。"
    got = _brief(text, period_hint="2026", plan_years=[2026], review_years=[2025])
    assert {k for *_, k in got} == {"target"} and len(got) == 2
    got = _brief(text, period_hint="2025", plan_years=[2026], review_years=[2025])
    assert {k for *_, k in got} == {"actual"}


def test_period_hint_from_heading_skips_spans_and_falls_back_to_review_year():
    doc = Document(doc_id="d", source="s", start=0, end=10, years=[2020, 2021], review_years=[2020],
                   plan_years=[2021])
    since = Section(title="一、2016年以来的工作", level=1, path=["一、2016年以来的工作"], start=0, end=5, heading_end=3)
    plan = Section(title="二、2021年工作安排", level=1, path=["二、2021年工作安排"], start=5, end=10, heading_end=8)
    assert period_hint("", since, doc) == "2020"
    assert period_hint("", plan, doc) == "2021"


def test_place_subject_before_the_verb_but_not_a_park():
    got = _brief("云岭镇实现地区生产总值12.3亿元。工业园区实现产值8亿元。全州财税收入30亿元。")
    assert [m for m, *_ in got] == ["地区生产总值", "财税收入"]


def test_lists_sharing_one_verb():
    got = _brief("全县家电、新能源汽车零售额分别增长12%、30.5%。城乡居民人均可支配收入分别增长4%和6.5%。"
                 "民宿、农家乐营业收入均增长10%以上。游客人次、旅游花费分别增长9%、8%。")
    assert [(m, y) for m, _v, _u, y, *_ in got] == [
        ("家电零售额", 12.0), ("新能源汽车零售额", 30.5), ("城镇居民人均可支配收入", 4.0),
        ("农村居民人均可支配收入", 6.5), ("民宿营业收入", 10.0), ("农家乐营业收入", 10.0), ("旅游花费", 8.0)]
    got = _brief("工业产值、税收分别达到3亿元和5000万元，分别下降2%、1%。")
    assert [(m, v, u) for m, v, u, *_ in got] == [("工业总产值", 3.0, "亿元"), ("税收收入", 5000.0, "万元")]


def test_planned_year_needs_a_report_that_also_reviews():
    got = _brief("固定资产投资增长6%。", period_hint="2026", plan_years=[2026])
    assert [k for *_, k in got] == ["actual"]


def test_growth_after_a_pause_basis_qualifier_and_footnote_mark():
    got = _brief("地区生产总值[2]880亿元、增长5.1%。存款余额120亿元，比年初增长9%。旅游收入突破50亿元。")
    assert [(m, v, y) for m, v, _u, y, *_ in got] == [
        ("地区生产总值", 880.0, 5.1), ("金融机构存款余额", 120.0, 9.0), ("旅游总收入", 50.0, None)]
    (r,) = [r for r in rules_extract_indicators("旅游收入突破50亿元。")]
    assert r.qualifier == "突破"


def test_bare_heads_name_no_indicator_but_sector_heads_do():
    got = _brief("签约项目30个、总投资120亿元，完成年度投资80亿元。第一产业投资下降3.5%，工业投资增长7%。")
    assert [(m, v, y) for m, v, _u, y, *_ in got] == [("第一产业投资", None, -3.5), ("工业投资", None, 7.0)]


def test_statistical_names_map_to_canonical_metrics():
    got = _brief("全社会消费品零售总额90亿元。城市居民人均消费支出21000元。实际利用外资总额800万美元。")
    assert [m for m, *_ in got] == ["社会消费品零售总额", "城镇居民人均消费支出", "实际利用外资"]


# --- statements of the genre read on unseen provincial reports (issue 17) ---------------------------


def test_investment_of_aggregate_projects_not_of_one_project_or_a_pipeline():
    text = ("青川县重点项目完成投资88亿元。216个重大项目完成投资75亿元。实施省级重点项目120个、完成年度投资60亿元。"
            "云岭物流园项目完成投资3亿元。签约项目总投资90亿元。")
    assert [(m, v) for m, v, *_ in _brief(text)] == [
        ("重点项目投资", 88.0), ("重大项目投资", 75.0), ("省级重点项目投资", 60.0)]


def test_loans_to_a_class_of_enterprises_and_aggregates_of_firms():
    text = "普惠小微企业贷款余额320亿元、增长15.2%。规模工业企业利润增长4%。云岭公司营业收入5亿元。"
    assert [(m, v, y) for m, v, _u, y, *_ in _brief(text)] == [
        ("普惠小微企业贷款余额", 320.0, 15.2), ("规模以上工业企业利润", None, 4.0)]


def test_heads_of_trade_rd_spending_and_industry_size():
    text = ("服务贸易增长12%，数字贸易增长9%。全社会研发经费投入增长10%以上。"
            "数字经济规模突破900亿元，跨境电商出口规模达40亿元。项目规模30亿元。")
    assert [(m, v, y) for m, v, _u, y, *_ in _brief(text)] == [
        ("服务贸易", None, 12.0), ("数字贸易", None, 9.0), ("研发经费投入", None, 10.0),
        ("数字经济规模", 900.0, None), ("跨境电商出口", 40.0, None)]


def test_bare_trade_names_and_industry_names_holding_he():
    text = "其中，出口18亿元，增长6%；进口5亿元。软件和信息技术服务业收入突破60亿元。批发和零售业增加值增长3%。"
    # an industry section's growth (批发和零售业增加值) is one of the communiqué's value-added series (dev communiqués
    # label it growth-only); a manufacturing class's growth stays a breakdown (test_rules_open)
    assert [(m, v) for m, v, *_ in _brief(text)] == [
        ("出口", 18.0), ("进口", 5.0), ("软件和信息技术服务业收入", 60.0), ("批发和零售业增加值", None)]


def test_level_printed_after_its_growth():
    text = "全滇地区生产总值增长5.6%、突破3万亿元。"
    assert _brief(text) == [("地区生产总值", 3.0, "万亿元", 5.6, None, "actual")]


def test_head_carried_from_the_clause_before():
    text = "粮食播种面积980万亩、总产78亿斤。全年实施重点项目300多个、完成投资120亿元。"
    assert [(m, v) for m, v, *_ in _brief(text)] == [("粮食总产量", 78.0), ("重点项目投资", 120.0)]


def test_consumption_induced_by_a_trade_in_programme():
    text = "汽车、家电以旧换新惠及20万户，带动消费36亿元。举办促销活动，带动消费5亿元。"
    assert [(m, v) for m, v, *_ in _brief(text)] == [("以旧换新带动消费", 36.0)]


def test_funds_secured_and_plan_nouns_set_no_target():
    text = ("青川县争取中央预算内投资3.5亿元，全县重点项目完成投资12亿元。"
            "深入实施“强工”行动计划，规模以上工业增加值增长7%。完成年计划的108%，财政收入增长6%。"
            "力争地区生产总值增长6%。")
    got = _brief(text, period_hint="2024")
    assert [(m, k) for m, *_, k in got] == [
        ("重点项目投资", "actual"), ("规模以上工业增加值", "actual"), ("财政收入", "actual"), ("地区生产总值", "target")]


def test_a_target_no_sentence_dates_takes_the_plan_year():
    text = "全年实施重点项目120个、年度计划投资80亿元。社会消费品零售总额增长5%。"
    got = _brief(text, period_hint="2024", target_period="2025", plan_years=[2025], review_years=[2024])
    assert [(m, p, k) for m, _v, _u, _y, p, k in got] == [
        ("重点项目投资", "2025", "target"), ("社会消费品零售总额", "2024", "actual")]
    doc = Document(doc_id="d", source="s", start=0, end=10, years=[2024, 2025], review_years=[2024],
                   plan_years=[2025])
    bare = Section(title="二、奋勇争先", level=1, path=["二、奋勇争先"], start=5, end=10, heading_end=8)
    dated = Section(title="二、2025年工作安排", level=1, path=["二、2025年工作安排"], start=5, end=10, heading_end=8)
    assert plan_year_hint(bare, doc) == "2025" and plan_year_hint(dated, doc) is None


def test_numbered_parts_take_the_year_the_first_opens_with():
    t = "工作回顾\n一、经济稳步增长。2013年，云岭镇生产总值8亿元。\n二、开放扩大。实际利用外资500万美元。\n"
    n = len(t)
    norm = NormalizedText(original=t, text=t, simplified=t, src_start=list(range(n)), src_end=list(range(1, n + 1)),
                          base_start=0, base_end=n)
    one, two = t.index("一、"), t.index("二、")
    sections = [
        Section(title="工作回顾", level=1, path=["工作回顾"], start=0, end=n, heading_end=4),
        Section(title="一、经济稳步增长", level=2, path=["工作回顾", "一、经济稳步增长"], start=one, end=two,
                heading_end=one + 8),
        Section(title="二、开放扩大", level=2, path=["工作回顾", "二、开放扩大"], start=two, end=n, heading_end=two + 6),
    ]
    doc = Document(doc_id="d", source="s", start=0, end=n, years=[2023], sections=sections)
    assert sibling_year(sections[2], doc, norm) == "2013"
    assert sibling_year(sections[1], doc, norm) is None


def test_rates_printed_after_their_levels():
    got = _brief("全县出口820万美元，进口150万美元，分别比上年下降4.2%、6.5%。"
                 "全年接待游客120万人次，旅游花费36亿元，分别增长9%和11%。")
    assert [(m, v, y) for m, v, _u, y, *_ in got] == [
        ("出口", 820.0, -4.2), ("进口", 150.0, -6.5), ("旅游花费", 36.0, 11.0)]


def test_bare_heads_and_compound_names_in_lists():
    got = _brief("旅游人数和收入均增长12%。全县金融机构存贷款余额均突破80亿元。银行存贷款增速分别达6.1%、7%。")
    assert [(m, v, y) for m, v, _u, y, *_ in got] == [
        ("旅游总收入", None, 12.0), ("金融机构存款余额", 80.0, None), ("金融机构贷款余额", 80.0, None),
        ("银行存款", None, 6.1), ("银行贷款", None, 7.0)]


def test_multiples_and_growth_ranges():
    got = rules_extract_indicators("实际利用外资增长1.5倍，“云岭茶”出口增长12倍。地区生产总值增长5%—5.5%。")
    assert [(r.metric, r.value, r.unit, r.yoy_pct, r.evidence) for r in got] == [
        ("实际利用外资", 1.5, "倍", None, "实际利用外资增长1.5倍"),
        ("地区生产总值", None, None, 5.0, "地区生产总值增长5%—5.5%")]


def test_projects_or_output_named_in_the_clause_before():
    got = _brief("实施“重点项目攻坚年”行动，完成投资45亿元以上。确保粮食播种面积52万亩、总产3.1亿斤。")
    assert [(m, v, u) for m, v, u, *_ in got] == [("重点项目投资", 45.0, "亿元"), ("粮食总产量", 3.1, "亿斤")]


def test_economic_aggregate_and_trade_amount_heads():
    # 经济总量 is the genre's word for GDP; 出口额/进出口额 are trade amounts like 出口.
    text = "全县经济总量达85.3亿元，增长4.8%。跨境电商出口额达21.3亿元、增长19.1%。"
    got = _brief(text)
    assert ("地区生产总值", 85.3, "亿元", 4.8, None, "actual") in got
    assert ("跨境电商出口额", 21.3, "亿元", 19.1, None, "actual") in got
