"""Tasks and problems read by rules from a report's structure (invented reports only)."""

from __future__ import annotations

from contextlib import closing

from llm_extract.core.config import Settings
from llm_extract.extract.extractor import RULES_VERSION, SectionExtractor
from llm_extract.extract.record_store import RecordStore
from llm_extract.extract.structure_items import clause_spans, plan_depth, problem_category, problem_items
from llm_extract.extract.task_items import task_items
from llm_extract.index.ingest import build_documents
from llm_extract.text.normalize import normalize

REPORT = """青川县2025年政府工作报告

一、2024年工作回顾
过去一年，全县地区生产总值增长6.1%，城乡面貌持续改善。
我们也清醒地认识到，全县发展还面临不少困难和问题：茶叶产业加工能力不强，龙头企业偏少；县级财政收支压力加大、园区配套设施建设滞后；山区群众就医还有不少不便；个别干部服务意识不强。对这些问题，我们将采取有力措施加以解决。

二、2025年工作安排
2025年全县经济社会发展的主要预期目标是：地区生产总值增长6%左右，全县新增就业3200人。
（一）加快建设云岭现代农业产业园
新建高标准农田2.5万亩，力争培育省级龙头企业3家、市级龙头企业12家。争取云岭大桥年底前建成通车。
（二）持续改善城乡人居环境
改造云岭镇老街铺面18处，新建茶园步道12公里。着力解决“停车难”问题。
"""


def _records(kind: str, raw: str = REPORT):
    (doc, _chunks), = build_documents(raw, "qingchuan.txt", "sha", set(), Settings())
    norm = normalize(raw, doc.start, doc.end)
    extractor = SectionExtractor(backend="rules")
    out = [r for s in doc.sections for r in extractor.extract(kind, doc, norm, s).records]
    for r in out:
        assert raw[r.start : r.end] == r.evidence  # exactly grounded
        assert r.prompt_version == RULES_VERSION
    return out


def test_plan_items_are_tasks_with_heading_path_quantity_and_deadline():
    tasks = {r.task: r for r in _records("task")}
    # headline tasks: the first-level items of the plan part, without their markers
    assert tasks["加快建设云岭现代农业产业园"].section == "二、2025年工作安排 > (一)加快建设云岭现代农业产业园"
    assert "持续改善城乡人居环境" in tasks
    # clauses that set a quantity, one per target of a list
    assert (tasks["新建高标准农田2.5万亩"].value, tasks["新建高标准农田2.5万亩"].unit) == (2.5, "万亩")
    assert tasks["力争培育省级龙头企业3家"].value == 3 and tasks["市级龙头企业12家"].value == 12
    assert tasks["新建茶园步道12公里"].period == "2025"
    assert tasks["争取云岭大桥年底前建成通车"].deadline == "年底前"
    assert tasks["全县新增就业3200人"].value == 3200  # a count of people is a task, not an indicator
    # an economic indicator's target stays an indicator; the review part holds no tasks
    assert not any("生产总值" in t for t in tasks)
    assert not any("工作回顾" in r.section for r in tasks.values())


def test_problem_paragraph_gives_one_record_per_difficulty_with_category():
    problems = {r.problem: r.category for r in _records("problem")}
    assert problems["茶叶产业加工能力不强"] == "产业"
    assert "龙头企业偏少" in problems
    # two difficulties joined by 、 are two records
    assert problems["县级财政收支压力加大"] == "财政" and "园区配套设施建设滞后" in problems
    assert problems["山区群众就医还有不少不便"] == "民生"
    assert problems["个别干部服务意识不强"] == "作风"
    # the lead-in and the promise to solve them are no difficulties
    assert not any("清醒" in p or "解决" in p[-4:] for p in problems if "“" not in p)
    # a plan part names what it will solve
    assert "“停车难”问题" in problems


def test_problem_section_is_read_whole_and_other_paragraphs_are_not():
    text = "二、存在的问题\n云岭镇竹编企业规模偏小，带动农户能力不强；集镇雨污管网建设滞后。\n"
    items = problem_items(text, len("二、存在的问题"), problem_section=True)
    assert [text[i.start : i.end] for i in items] == ["云岭镇竹编企业规模偏小", "带动农户能力不强", "集镇雨污管网建设滞后"]
    plain = "云岭镇去年新建村道12公里，困难群众得到及时救助。\n"
    assert problem_items(plain, 0, problem_section=False) == []


def test_a_paragraph_saying_problems_are_not_to_be_ignored_lists_its_numbered_items():
    text = ("成绩来之不易，问题也不容忽视。一是山地农业规模偏散，品牌影响不大。二是县域经济外向度偏低。"
            "三是茶旅融合不及预期。以上问题关系长远，必须予以解决。\n")
    got = [text[i.start:i.end] for i in problem_items(text, 0, problem_section=False)]
    assert got == ["山地农业规模偏散", "品牌影响不大", "县域经济外向度偏低", "茶旅融合不及预期"]


def test_plan_part_is_found_from_headings_and_the_plan_year():
    assert plan_depth(["二、2025年工作安排", "(一)加快产业升级"]) == 1
    assert plan_depth(["政府工作报告", "二、关于2026年工作", "(三)扩大内需"], plan_years=[2026]) == 2
    assert plan_depth(["一、2025年工作回顾", "(一)经济运行"], plan_years=[2026]) is None
    assert plan_depth(["(一)围绕一个中心"], "work_plan") == 0


def test_task_clauses_and_enumerated_leads():
    text = "（三）壮大特色产业\n一是做强茶叶产业。新建茶园5000亩，培育茶企2-4家。\n"
    head = len("（三）壮大特色产业")
    items = task_items(text, head, headline=True, period="2026", enumerated=False)
    got = {text[i.start : i.end]: i.fields for i in items}
    # under a headline task, an 一是 paragraph is a part of it, not a task of its own
    assert "壮大特色产业" in got and "做强茶叶产业" not in got
    # in the plan part's own text, the 一是 paragraphs are its items
    lines = "一是做强茶叶产业。\n二是办好云岭民生实事。\n"
    assert [lines[i.start : i.end] for i in task_items(lines, 0, headline=False, period="2026")] == [
        "做强茶叶产业", "办好云岭民生实事"]
    assert got["新建茶园5000亩"]["value"] == 5000
    assert got["培育茶企2-4家"]["value"] == 2  # a range sets at least its lower bound
    joined = "同时，要抓好春耕。并且推进林改；"
    assert [joined[a:b] for a, b in clause_spans(joined)] == ["要抓好春耕", "推进林改"]


def test_parts_bare_figures_and_named_sets_are_no_tasks():
    text = ("新建充电桩2000个以上，其中乡村800个。云岭镇生产总值增长6%以上、力争达到7%。"
            "落实云岭县惠企18条政策，推动“2个100%”落地。认真做好以下6项工作。新改建村道120公里。")
    got = [text[i.start : i.end] for i in task_items(text, 0, headline=False, period="2026")]
    assert got == ["新建充电桩2000个以上", "新改建村道120公里"]


def test_problem_categories():
    assert problem_category("少数部门形式主义问题仍有反弹") == "作风"
    assert problem_category("乡镇债务偿还压力较大") == "财政"
    assert problem_category("镇区河道污染治理仍有欠账") == "环境"
    assert problem_category("县城商贸消费恢复偏慢") == "经济"


def test_record_store_keeps_items_beside_indicators(tmp_path):
    records = _records("indicator") + _records("task") + _records("problem")
    with closing(RecordStore(tmp_path)) as store:
        store.replace_doc("qingchuan", "k1", records)
        assert store.records(["qingchuan"])  # the indicator API is unchanged
        problems = store.items("qingchuan", "problem")
        assert [p.text for p in problems][:2] == ["茶叶产业加工能力不强", "龙头企业偏少"]
        first = problems[0]
        assert REPORT[first.start : first.end] == first.evidence and first.fields["category"] == "产业"
        tasks = store.items("qingchuan", "task")
        assert tasks[0].heading_path == ["二、2025年工作安排"]
        assert {t.text for t in tasks} >= {"加快建设云岭现代农业产业园", "新建茶园步道12公里"}
        assert len(store.items("qingchuan")) == len(tasks) + len(problems)
        store.remove_docs(["qingchuan"])
        assert store.items("qingchuan") == []


TOWN = """云岭镇2031年工作计划

一、2030年工作回顾
一年来，全镇新建茶园步道12公里，群众生活持续改善。

二、2031年工作打算
（一）壮大特色产业
要进一步完善镇级财务管理制度，建立茶叶项目库，加强茶农技能培训，着重抓好三方面工作。积极搭建村企对接平台，提高茶园管理水平，做好茶叶品牌的文章。
（二）改善人居环境
计划筹建云岭老年活动中心，出台人居环境整治奖补办法，不断提升镇容镇貌。
"""


def test_a_local_plan_lists_its_deliverable_actions_as_tasks():
    tasks = {r.task for r in _records("task", TOWN)}
    # a town's plan: each action that names a deliverable is a task of its own
    assert {"建立茶叶项目库", "积极搭建村企对接平台", "计划筹建云岭老年活动中心",
            "出台人居环境整治奖补办法"} <= tasks
    # improving a field, a list named by its count, a metaphor, and the review are no tasks
    assert not tasks & {"要进一步完善镇级财务管理制度", "加强茶农技能培训", "提高茶园管理水平", "不断提升镇容镇貌", "着重抓好三方面工作",
                        "做好茶叶品牌的文章"}
    assert not any("步道" in t for t in tasks)
    # a province's plan keeps to headlines and targets
    province = TOWN.replace("云岭镇2031年工作计划", "青川省2031年政府工作报告").replace("全镇", "全省")
    assert not {r.task for r in _records("task", province)} & {"建立茶叶项目库", "出台人居环境整治奖补办法"}
