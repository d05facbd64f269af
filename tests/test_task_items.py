"""Which plan clauses are tasks, and at what granularity (invented reports and sentences only)."""

from __future__ import annotations

from llm_extract.core.config import Settings
from llm_extract.extract.extractor import SectionExtractor
from llm_extract.extract.task_items import task_items
from llm_extract.index.ingest import build_documents
from llm_extract.text.normalize import normalize


def _tasks(text: str) -> dict[str, dict]:
    return {text[i.start : i.end]: i.fields for i in task_items(text, 0, headline=False, period="2026")}


def test_units_the_general_reader_misses_still_set_targets():
    got = _tasks("力争细颗粒物（PM2.5）平均浓度控制在29微克/立方米以内。"
                 "全年开行云岭班列1200列以上，新增分布式光伏300兆瓦，收集农作物种质资源800份。")
    pm = got["力争细颗粒物（PM2.5）平均浓度控制在29微克/立方米以内"]
    assert (pm["value"], pm["unit"]) == (29, "微克/立方米")
    assert got["全年开行云岭班列1200列以上"]["unit"] == "列"
    assert got["新增分布式光伏300兆瓦"]["value"] == 300
    assert got["收集农作物种质资源800份"]["unit"] == "份"


def test_the_figure_a_clause_counts_is_its_target_not_a_size_it_describes():
    got = _tasks("推进总投资3200亿元的156个市重点项目。建成青川60万千瓦抽水蓄能电站项目。"
                 "开工云岭港5万吨级散货码头等项目。")
    assert got == {"推进总投资3200亿元的156个市重点项目": {"period": "2026", "deadline": None, "value": 156, "unit": "个"}}


def test_a_field_of_work_before_the_action_is_left_out():
    got = _tasks("力争在新材料、生物医药等领域突破关键技术35项以上。")
    assert list(got) == ["突破关键技术35项以上"]


def test_statements_and_completing_the_year_as_such_are_no_tasks():
    text = ("2026年是“十五五”规划开局之年。2026年底通航是云岭机场建设的阶段目标。全力以赴完成全年各项目标任务。"
            "确保完成“十五五”规划目标任务。争取云岭通用机场年底竣工。")
    got = _tasks(text)
    assert list(got) == ["争取云岭通用机场年底竣工"] and got["争取云岭通用机场年底竣工"]["deadline"] == "年底"


def test_lists_split_per_target_only_where_each_part_is_one():
    got = _tasks("烟叶、油菜种植面积分别稳定在40万亩、25万亩以上。新建6个省级、30个县级农业产业化示范基地。"
                 "新增云岭茶企10家、竹编企业20家。")
    assert set(got) == {"烟叶、油菜种植面积分别稳定在40万亩、25万亩以上", "新建6个省级、30个县级农业产业化示范基地",
                        "新增云岭茶企10家", "竹编企业20家"}


def test_bare_figures_facts_and_frames_are_no_tasks():
    text = ("招商引资到位资金380亿元，增长12%以上。粮食产量稳定在9亿斤、380万吨以上。"
            "我县有12个乡镇，还有3万留守儿童、2万残疾人。对已谋划的120个项目，要加快前期工作。"
            "在去年建成5个驿站基础上，新建乡村驿站20个。")
    assert list(_tasks(text)) == ["新建乡村驿站20个"]


FUJIAN_LIKE = """青川省2026年政府工作报告

一、牢记嘱托，全省发展取得新成效
过去一年，全省新建高标准农田50万亩。

二、勇担使命，在新征程上奋勇争先
今年经济社会发展的主要预期目标是：城镇新增就业12万人。
（一）坚持创新驱动，加快建设科技强省
新认定高新技术企业800家以上。

三、践行宗旨，建设人民满意的服务型政府
全面加强政府自身建设，政府系统干部培训3000人次。
"""


def _report_tasks(raw: str) -> dict:
    (doc, _chunks), = build_documents(raw, "qingchuan.txt", "sha", set(), Settings())
    norm = normalize(raw, doc.start, doc.end)
    extractor = SectionExtractor(backend="rules")
    tasks = {r.task: r for s in doc.sections for r in extractor.extract("task", doc, norm, s).records}
    assert all(raw[r.start : r.end] == r.evidence for r in tasks.values())
    return tasks


def test_the_plan_part_is_found_when_no_heading_names_it():
    tasks = _report_tasks(FUJIAN_LIKE)
    assert {"城镇新增就业12万人", "坚持创新驱动，加快建设科技强省", "新认定高新技术企业800家以上"} <= set(tasks)
    # the review and the government's own conduct hold no tasks
    assert not any("高标准农田" in t or "3000人次" in t for t in tasks)
    # a review part is also known by the year it reviews
    by_year = _report_tasks(FUJIAN_LIKE.replace("一、牢记嘱托，全省发展取得新成效", "一、2025年，我们砥砺奋进"))
    assert "新认定高新技术企业800家以上" in by_year and not any("高标准农田" in t for t in by_year)


def test_a_clause_led_by_a_preposition_is_a_task_when_an_action_follows_its_figure():
    got = _tasks("对已谋划的120个项目，要加快前期工作。对2000户困难家庭实施适老化改造。对口支援云岭县新建学校3所。")
    assert list(got) == ["对2000户困难家庭实施适老化改造", "对口支援云岭县新建学校3所"]


def test_a_month_of_the_plan_year_is_a_deadline_and_one_of_last_year_is_not():
    got = _tasks("确保云岭大桥今年9月底前建成通车。去年10月考察时提出殷切期望。")
    assert list(got) == ["确保云岭大桥今年9月底前建成通车"] and got["确保云岭大桥今年9月底前建成通车"]["deadline"] == "今年9月底前"


def test_sector_growth_and_output_are_indicators_and_denominators_no_targets():
    got = _tasks("装备制造业增长9%以上。确保油菜播种面积60万亩、总产12万吨。配置自动体外除颤器达每10万人30台。"
                 "研制时速350公里云岭磁浮列车。高新技术企业数量增长12%以上。")
    assert set(got) == {"确保油菜播种面积60万亩", "配置自动体外除颤器达每10万人30台", "高新技术企业数量增长12%以上"}
    assert (got["配置自动体外除颤器达每10万人30台"]["value"], got["配置自动体外除颤器达每10万人30台"]["unit"]) == (30, "台")


def test_a_plan_item_that_promises_progress_is_a_headline_and_a_look_back_is_not():
    text = "（三）推动云岭乡村全面振兴取得新进展\n新建村道20公里。"
    items = task_items(text, text.index("\n"), headline=True, period="2026")
    assert [text[i.start : i.end] for i in items] == ["推动云岭乡村全面振兴取得新进展", "新建村道20公里"]
    review = "（三）乡村振兴工作完成情况\n新建村道20公里。"
    assert [review[i.start : i.end] for i in task_items(review, review.index("\n"), headline=True, period="2026")] == [
        "新建村道20公里"]


def test_a_list_that_opens_with_an_indicator_growth_goes_on_with_indicators():
    got = _tasks("推动装备制造营业收入增长10%以上、生物医药增长8%左右。新增云岭茶企10家、竹编企业20家。")
    assert set(got) == {"新增云岭茶企10家", "竹编企业20家"}


def test_the_years_list_of_practical_projects_is_a_task_without_a_figure():
    got = _tasks("继续谋划实施好八方面民生实事，持续改善群众生活。")
    assert list(got) == ["继续谋划实施好八方面民生实事"]


REVIEW_NAMES_A_TARGET = """青川省2026年政府工作报告

一、2025年工作回顾
（一）圆满完成年度目标任务
全年新建高标准农田50万亩。

二、2026年工作安排
（一）坚持创新驱动，加快建设科技强省
新认定高新技术企业800家以上。
"""


def test_a_look_back_is_no_plan_part_even_where_a_heading_names_targets():
    tasks = _report_tasks(REVIEW_NAMES_A_TARGET)
    assert "新认定高新技术企业800家以上" in tasks and not any("高标准农田" in t for t in tasks)


def test_a_figure_a_plan_part_states_undated_is_a_target_for_the_plan_year():
    # a report that names both years (review 2025, plan 2026): an undated figure of the plan part is 2026's target
    raw = FUJIAN_LIKE.replace("新认定高新技术企业800家以上。", "新认定高新技术企业800家以上，全社会研发投入增长9%以上。").replace(
        "过去一年，全省新建高标准农田50万亩。", "2025年，全省新建高标准农田50万亩，全社会研发投入增长7.5%。").replace(
        "青川省2026年政府工作报告\n", "青川省2026年政府工作报告\n2026年1月10日在青川省人民代表大会上\n")
    (doc, _chunks), = build_documents(raw, "qingchuan.txt", "sha", set(), Settings())
    norm = normalize(raw, doc.start, doc.end)
    extractor = SectionExtractor(backend="rules")
    recs = [r for s in doc.sections for r in extractor.extract("indicator", doc, norm, s).records]
    assert all(raw[r.start : r.end] == r.evidence for r in recs)
    got = {(r.metric, r.period, r.kind) for r in recs if r.metric == "研发投入"}
    assert got == {("研发投入", "2025", "actual"), ("研发投入", "2026", "target")}
