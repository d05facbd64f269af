"""Projects of a kind and a status (哪些高铁开工) answered from stored project items (invented reports)."""

from __future__ import annotations

import pytest

from llm_extract.qa.project_lists import ProjectAsk, _of_kind, clause_statuses, project_question
from llm_extract.text.query import parse_query

REPORT = (
    "青川县2025年政府工作报告\n"
    "一、2024年工作回顾\n"
    "过去一年，云岭至石门高速公路建成通车，开工建设青川至白水铁路，金竹水库主体完工。\n"
    "二、2025年工作安排\n"
    "（一）扩大有效投资\n"
    "开工云岭、石门高铁，开工建设青川机场。加快青川至白水铁路建设。建成白水港区一期，推进金竹机场前期工作。\n"
    "（二）改善民生\n"
    "建成青川县人民医院新院区。\n"
)


def _ask(question: str) -> ProjectAsk | None:
    return project_question(parse_query(question), ["青川县", "青川"])


def test_the_question_names_kinds_a_status_and_a_year():
    ask = _ask("青川县2025年计划开工建设哪些高铁和机场？")
    assert (ask.kinds, ask.statuses, ask.year, ask.plan) == (("高铁", "机场"), frozenset({"start"}), 2025, True)
    assert _ask("青川县2024年哪些高速建成通车？").statuses == frozenset({"complete", "operate"})
    assert _ask("青川县今年要建设哪些水库？").statuses == frozenset()  # 建设 alone: any status


@pytest.mark.parametrize("question", [
    "青川县2025年要推进哪些项目？",                  # no specific kind
    "青川县2025年要加快建设哪些铁路？",              # an ongoing stage, which clauses do not tell apart
    "青川县2025年哪些机场旅客吞吐量增长？",          # asks about something else than which works
    "青川县为庆祝建县60周年要开工哪些高铁？",        # a purpose the stored items do not carry
    "青川县2024年和2025年开工哪些铁路？",            # two years
    "青川县2025年高铁投资是多少？",                  # no list
])
def test_questions_asking_more_or_less_than_which_works_are_not_read(question):
    assert _ask(question) is None


@pytest.mark.parametrize("evidence, names, expected", [
    ("建成云岭水库、开工石门电站", ["云岭水库", "石门电站"], [{"complete"}, {"start"}]),   # each its own verb
    ("开工云岭、石门高铁", ["云岭高铁", "石门高铁"], [{"start"}, {"start"}]),              # the list continues
    ("云岭水库和石门、白水抽水蓄能项目开工建设", ["云岭水库", "石门抽水蓄能项目", "白水抽水蓄能项目"],
     [{"start"}] * 3),                                                                       # the verb after the list
    ("推动云岭高铁、石门产业园等项目开工建设", ["云岭高铁", "石门产业园"], [{"start"}] * 2),  # decisive over ongoing
    ("加快云岭机场扩建和石门、白水等机场前期工作", ["云岭机场扩建", "石门机场", "白水机场"],
     [{"prep"}] * 3),                                                                        # 加快 … 前期工作
    ("云岭高速全线通车", ["云岭高速"], [{"operate"}]),
])
def test_each_project_takes_the_verb_of_its_place_in_the_clause(evidence, names, expected):
    statuses, unread = clause_statuses(evidence, names)
    assert [set(s) for s in statuses] == expected and unread == []


def test_what_the_clause_lists_besides_the_stored_names_is_reported():
    _, unread = clause_statuses("开工建设石门、金竹水库", ["金竹水库"])
    assert unread == ["石门"]  # an item the rules did not store: it may share the head 水库
    _, unread = clause_statuses("开工建设石门水库等项目", ["石门水库"])
    assert unread == []  # the group after 等 lists nothing
    _, unread = clause_statuses("争取和平通用机场年底竣工", ["平通用机场"])
    assert unread  # a name cut at a 和 of its own
    assert clause_statuses("开工云岭高铁", ["白水机场"]) is None  # a name not in its clause


def test_the_kind_is_the_head_word_of_the_name():
    ask = _ask("青川县2025年开工哪些高铁和机场？")
    assert _of_kind(ask, "云岭至石门高铁上海段") is True
    assert _of_kind(ask, "青川机场三期扩建工程") is True
    assert _of_kind(ask, "云岭新机场高速公路") is False  # a road to the airport
    assert _of_kind(ask, "高铁云岭站") is None  # a station? unsure
    port = _ask("青川县2025年开工哪些港口？")
    assert _of_kind(port, "白水港区一期") is True and _of_kind(port, "青川国际陆港") is False


def _index(tmp_path, text=REPORT):
    from fakes import indexed_reports

    return indexed_reports(tmp_path, {"qingchuan-2025.txt": text})


def _ask_index(settings, question):
    from fakes import ask_by_code

    return ask_by_code(settings, question)


def test_ask_lists_the_projects_of_the_kinds_with_the_status_each_cited(tmp_path):
    settings = _index(tmp_path)
    ans = _ask_index(settings, "青川县2025年计划开工建设哪些高铁和机场？")
    assert ans.route == "section"
    assert ans.answer.splitlines()[1:] == ["1. 云岭高铁[1]", "2. 石门高铁[1]", "3. 青川机场[2]"]  # not 金竹机场 (前期)
    for c in ans.citations:
        assert REPORT[c.start:c.end] == c.quote
    assert [c.quote for c in ans.citations] == ["开工云岭、石门高铁", "开工建设青川机场"]
    review = _ask_index(settings, "青川县2024年建成了哪些高速公路？")
    assert review.route == "section" and "云岭至石门高速公路[1]" in review.answer


def test_ask_declines_when_nothing_matches_or_the_report_names_more(tmp_path):
    text = REPORT.replace("（二）改善民生", "力争开工一批通用机场。\n（二）改善民生")
    settings = _index(tmp_path, text)
    assert _ask_index(settings, "青川县2025年计划开工哪些水库？").route != "section"  # none stored
    # 一批通用机场 is printed with 开工 in 2025's part and no stored project covers it
    assert _ask_index(settings, "青川县2025年计划开工建设哪些机场？").route != "section"
    assert _ask_index(settings, "青川县2025年开工哪些高铁？").route == "section"
