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
