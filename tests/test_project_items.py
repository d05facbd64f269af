"""Rule extraction of projects, on invented sentences (no gold text)."""

from llm_extract.extract.project_items import project_items, project_status, split_names


def _names(text, *, plan, period="2031"):
    return [(text[it.text_span[0]:it.text_span[1]], it.fields["status"]) for it in project_items(text, 0, plan=plan, period=period)]


def test_review_list_shares_its_status():
    text = "云岭水库、青川至云岭高速等项目开工建设，青川机场三期建成投用。"
    got = _names(text, plan=False)
    assert ("云岭水库", "started") in got
    assert ("青川至云岭高速", "started") in got
    assert ("青川机场三期", "in_operation") in got


def test_plan_start_is_planned_and_completion_target_under_construction():
    text = "开工建设青川抽水蓄能电站，确保云岭大桥年内建成通车，加快云岭医院改造。"
    got = dict(_names(text, plan=True))
    assert got["青川抽水蓄能电站"] == "planned"
    assert got["云岭大桥"] == "under_construction"
    assert got["云岭医院改造"] == "under_construction"


def test_batches_programmes_and_zones_are_left_out():
    text = "实施12个重点项目，深入实施“三大工程”，加快云岭新区建设，推进高标准农田建设，实施乡村文化惠民工程。"
    assert _names(text, plan=True) == []


def test_name_after_de_and_investment_of_a_single_project():
    text = "总投资8.6亿元的云岭物流园项目竣工投产。"
    items = project_items(text, 0, plan=False, period="2030")
    assert len(items) == 1
    it = items[0]
    assert text[it.text_span[0]:it.text_span[1]] == "云岭物流园项目"
    assert it.fields["investment_value"] == 8.6 and it.fields["investment_unit"] == "亿元"
    assert it.fields["status"] == "in_operation" and it.fields["period"] == "2030"
    assert text[it.text_span[0]:it.text_span[1]] in text[it.start:it.end]


def test_group_investment_is_not_split_onto_projects():
    text = "青川光伏、云岭储能等总投资90亿元以上的新能源项目开工。"
    items = project_items(text, 0, plan=False, period=None)
    assert [text[a:b] for a, b in (it.text_span for it in items)] == ["青川光伏", "云岭储能"]
    assert all("investment_value" not in it.fields for it in items)


def test_join_splits_two_named_projects_only():
    text = "云岭水利枢纽和青川电厂"
    assert [text[a:b] for a, b in split_names(text, 0, len(text))] == ["云岭水利枢纽", "青川电厂"]
    text = "新材料研发和储能产业基地"
    assert [text[a:b] for a, b in split_names(text, 0, len(text))] == ["新材料研发和储能产业基地"]


def test_status_words():
    assert project_status("云岭隧道主体完工", plan=False) == "completed"
    assert project_status("青川码头签约落地", plan=False) == "planned"
    assert project_status("云岭中学加快建设", plan=False) == "under_construction"
    assert project_status("做好云岭港前期工作", plan=True) == "planned"


def test_rules_backend_grounds_projects_exactly():
    from llm_extract.core.types import Document, Section
    from llm_extract.extract.extractor import RULES_VERSION, SectionExtractor
    from llm_extract.text.normalize import normalize

    raw = "一、2030年工作回顾\n　　青川至云岭铁路、云岭机场迁建项目开工建设，总投资5亿元的青川体育馆建成投用。\n"
    norm = normalize(raw)
    doc = Document(doc_id="d", source="d.txt", start=0, end=len(raw), title="青川县政府工作报告", years=[2030], review_years=[2030],
                   report_type="government_work_report")
    sec = Section(title="一、2030年工作回顾", level=1, path=["一、2030年工作回顾"], start=0, end=len(raw), heading_end=10)
    res = SectionExtractor(backend="rules").extract("project", doc, norm, sec)
    names = {r.name: r for r in res.records}
    assert set(names) == {"青川至云岭铁路", "云岭机场迁建项目", "青川体育馆"}
    for r in res.records:
        assert raw[r.start:r.end] == r.evidence and r.name in r.evidence
        assert r.prompt_version == RULES_VERSION and r.period == "2030"
    assert names["青川体育馆"].investment_value == 5 and names["青川体育馆"].status == "in_operation"
    assert names["云岭机场迁建项目"].status == "started"


def _full(text, *, plan=True):
    return [text[i.text_span[0]:i.text_span[1]] + (text[i.name_suffix[0]:i.name_suffix[1]] if i.name_suffix else "")
            for i in project_items(text, 0, plan=plan, period="2031")]


def test_list_items_take_the_kind_their_group_names():
    assert _full("石门、青川等3条在建高速公路有序推进。", plan=False) == ["石门高速公路", "青川高速公路"]
    assert _full("开工甲镇至乙镇和丙镇至丁镇等高速项目。") == ["甲镇至乙镇高速", "丙镇至丁镇高速"]
    assert _full("加快建设云岭、石门、青川3座抽水蓄能电站。") == ["云岭抽水蓄能电站", "石门抽水蓄能电站", "青川抽水蓄能电站"]
    # a short place before a named project takes that project's kind
    assert _full("云岭水利枢纽和石门、青川抽水蓄能项目开工建设。", plan=False) == [
        "云岭水利枢纽", "石门抽水蓄能项目", "青川抽水蓄能项目"]


def test_items_of_programmes_slogans_and_unnamed_partners_are_no_projects():
    assert _full("大力推进云岭卫星、青川复材等十大技术攻关项目。") == []
    assert _full("实施好云岭湿地连通、石门植被恢复等重大生态工程。") == []
    assert _full("继续实施“绿化、亮化、美化”三大工程。") == []
    assert _full("实施亮化、美化工程。") == []
    assert _full("加快云岭、青川国家文化公园建设。") == []
    assert _full("打造更多精品项目、爆款IP。") == []
    assert _full("实施云岭文物保护利用工程，共同建设更加美丽的家园。") == []


def test_amount_raised_before_the_names_is_not_part_of_them():
    text = "筹资3.5亿元建成云岭县医院、石门中学综合楼。"
    assert _full(text, plan=False) == ["云岭县医院", "石门中学综合楼"]


def test_kinds_designations_and_generic_items_are_no_projects():
    # a kind alone names no project; a route number does
    assert _full("加快在建高铁、高速公路、机场等进度。") == []
    assert _full("加快G521、G215和农村公路等交通基础设施建设。")[:2] == ["G521", "G215"]
    # a hub is a designation unless it is a hydraulic or navigation works
    assert _full("推进青川国家物流枢纽建设。") == []
    assert _full("建强云岭开放枢纽。") == []
    assert _full("开工建设云岭水利枢纽。") == ["云岭水利枢纽"]
    # 特色… opens a generic item; 加快发展… improves a field
    assert _full("持续推进特色产业小镇建设。") == []
    assert _full("加快发展文化产业园区和非遗工坊。") == []


# --- what a name is (project_names): invented sentences ----------------------------------------

def test_a_subject_and_its_verb_are_no_name_and_a_predicate_is_cut_off():
    from llm_extract.extract.project_names import clause_in_name

    # a place asked to build something: the place is no project; what it builds may be one
    assert _full("支持青川、石门率先打造绿电产业园区。") == []
    assert _full("支持青川市建设云岭国际陆港。") == ["云岭国际陆港"]
    # a predicate after the name is not part of it
    assert _full("青川高铁、云岭机场改扩建投入运营。", plan=False) == ["青川高铁", "云岭机场改扩建"]
    assert clause_in_name("在项目落地") is None
    assert clause_in_name("云岭机场获批") == (0, 4)


def test_a_kind_counts_only_with_a_milestone_and_a_named_item_names_its_list():
    # kinds the plan only promotes are no projects
    assert _full("加快建设检验检测中心、数字影视基地。") == []
    # the same kind with a milestone is one (a first of its kind, 建成开放)
    assert _full("室内冰雪运动中心建成开放。", plan=False) == ["室内冰雪运动中心"]
    # a list with one named item names them all; a place, a route or a phase names one
    assert _full("加快建设青川电厂、石门低热值煤电厂。") == ["青川电厂", "石门低热值煤电厂"]
    assert _full("加快金溪数据中心建设。") == ["金溪数据中心"]
    assert _full("推进G999云岭段建设。") == ["G999云岭段"]


def test_programmes_called_gongcheng_are_no_projects_but_works_are():
    assert _full("深入实施乡风文明提升工程。") == []
    assert _full("实施招商引资“一把手”工程，深入实施钾盐稳产保供、锂盐量质齐升等工程。") == []
    assert _full("实施云岭河道治理工程。") == ["云岭河道治理工程"]
    assert _full("青川引水入城工程全面建成投运。", plan=False) == ["青川引水入城工程"]


def test_list_items_that_count_act_or_only_place_name_nothing():
    got = _full("云岭物流中心获批、全年开行班列900列。", plan=False)
    assert got == ["云岭物流中心"]
    assert _full("干群同心高效救援、生产自救、重建家园。", plan=False) == []
    # a list that is the subject of something else than building
    assert _full("抓好云岭港、石门湾等水质提升。") == []
    # designations and degrees are no works
    assert _full("青川学院、云岭学院分别获批硕士学位授予单位。", plan=False) == []
    assert _full("云岭港总体规划获批。", plan=False) == []


def test_short_places_take_the_kind_of_the_named_item_and_gaodeng_is_no_group():
    assert _full("加快推进青川、云岭合作产业园建设。") == ["青川合作产业园", "云岭合作产业园"]
    # the kind must start a word of the named item: 甲至乙 is no place before it
    assert _full("青电送云、云岭至石门第三条输电通道等加快推进。", plan=False) == [
        "青电送云", "云岭至石门第三条输电通道"]
    assert _full("推动青川高等研究院建设。") == ["青川高等研究院"]


def test_more_heads_tails_and_works_kinds():
    assert _full("云岭机场建成校飞。", plan=False) == ["云岭机场"]
    assert _full("开工青川铁路增建二线，建成投产石门电厂2号机组。", plan=False) == ["青川铁路增建二线", "石门电厂2号机组"]
    # a group naming a kind of works makes its items works of that kind
    assert _full("建成开放青川、云岭等遗址博物馆。", plan=False) == ["青川遗址博物馆", "云岭遗址博物馆"]


def test_a_name_alone_with_a_milestone_needs_no_head_noun():
    # a firm's product line started, built or in production is a project
    assert _full("青川信达陶瓷电容器量产。", plan=False) == ["青川信达陶瓷电容器"]
    # but not a kind, a figure or a clause that only runs (运行) or opens up (开放)
    assert _full("陶瓷电容器量产。", plan=False) == []
    assert _full("始终让权力在阳光下运行。", plan=False) == []
    assert _full("云岭机场建成通航，青川电源线路建成投运，石门、青川康养中心率先建成运营。", plan=False) == [
        "云岭机场", "青川电源线路", "石门康养中心", "青川康养中心"]


def test_parts_of_a_programme_and_plans_drawn_up_are_no_projects():
    assert _full("包括放心家政、安心托幼等项目。") == []
    assert _full("出台建设云岭盐湖产业基地规划。") == []
