"""List answers from the problem and task items of a report's structure (invented report)."""

from __future__ import annotations

from llm_extract.extract.record_store import StoredItem
from llm_extract.qa.from_sections import answer_from_sections, list_kind
from llm_extract.qa.understand import understand
from llm_extract.text.query import parse_query

ORIGINAL = ("二、存在的问题\n我们也清醒地看到，一是产业结构不优，二是财政收支矛盾突出，三是公共服务还有短板。\n"
            "三、2023年工作安排\n（一）做强特色产业。新建茶园2000亩。\n（二）补齐民生短板。\n（三）抓好生态保护。\n")


def _item(kind, quote, headline=False, doc="d1"):
    start = ORIGINAL.index(quote)
    section = "三、2023年工作安排" + (f" > （一）{quote}" if headline else "")
    return StoredItem(doc, kind, quote, section, "x.txt", start, start + len(quote), quote, {})


ITEMS = [
    _item("problem", "产业结构不优"), _item("problem", "财政收支矛盾突出"), _item("problem", "公共服务还有短板"),
    _item("task", "做强特色产业", True), _item("task", "新建茶园2000亩"), _item("task", "补齐民生短板", True),
    _item("task", "抓好生态保护", True),
]
DOCS = {"d1": {"doc_id": "d1", "place": "青川县", "title": "青川县2023年政府工作报告"}}


def _ask(question, items=ITEMS):
    return answer_from_sections(understand(parse_query(question)), items, DOCS)


def test_list_questions_are_told_apart():
    assert list_kind(understand(parse_query("青川县存在哪些问题和困难？"))) == "problem"
    assert list_kind(understand(parse_query("青川县2023年重点工作任务有哪些？"))) == "task"
    assert list_kind(understand(parse_query("青川县农业方面存在哪些问题？"))) == ""
    assert list_kind(understand(parse_query("青川县2023年要建设哪些项目？"))) == ""
    assert list_kind(understand(parse_query("青川县2023年地区生产总值是多少？"))) == ""


def test_problems_are_listed_each_with_its_own_exact_citation():
    ans = _ask("青川县存在哪些问题？")
    assert ans.text.splitlines()[1:] == ["1. 产业结构不优[1]", "2. 财政收支矛盾突出[2]", "3. 公共服务还有短板[3]"]
    for c in ans.citations:
        assert ORIGINAL[c.start:c.end] == c.quote


def test_tasks_are_listed_at_the_level_the_report_numbers_them():
    ans = _ask("青川县2023年的主要任务有哪些？")
    assert [line.split(". ", 1)[1] for line in ans.text.splitlines()[1:]] == [
        "做强特色产业[1]", "补齐民生短板[2]", "抓好生态保护[3]"]


def test_the_route_declines_when_unsure():
    assert _ask("青川县存在哪些问题？", ITEMS[:1]) is None  # one item is no list
    other = ITEMS + [_item("problem", "产业结构不优", doc="d2")]
    assert _ask("存在哪些问题？", other) is None  # two reports: which one?
    assert _ask("青川县2023年地区生产总值是多少？") is None


def test_a_long_problem_paragraph_stored_clause_by_clause_is_listed_one_stated_difficulty_a_line():
    groups = [["稳增长压力不小", "有效需求不足", "企业经营困难较多", "外贸下行压力较大", "投资增速回落"],
              ["产业升级步子仍需加快", "传统产业改造任务艰巨", "新兴产业规模偏小", "创新能力不强", "人才支撑不足"],
              ["化解债务风险任务艰巨", "基层保运转压力较大", "金融机构改革难度较大", "财政收支矛盾突出", "融资渠道偏窄"],
              ["安全生产短板不少", "应急能力亟待加强", "生态环境整改任务较重", "城乡发展不够平衡", "公共服务还有短板"]]
    paragraph = "我们也清醒看到，发展还面临一些困难和挑战：" + "；".join("，".join(g) for g in groups) + "。"
    original = "一、2030年工作回顾\n" + paragraph + "\n二、2031年工作安排\n（一）做强特色产业。\n"
    items = []
    for g in groups:
        for clause in g:
            start = original.index(clause)
            items.append(StoredItem("d1", "problem", clause, "一、2030年工作回顾", "x.txt", start, start + len(clause),
                                    clause, {}))
    items.append(StoredItem("d1", "problem", "直面问题不回避", "二、2031年工作安排", "x.txt", 0, 2, "一、", {}))
    question = understand(parse_query("青川县2031年政府工作报告指出面临哪些困难挑战？"))
    assert answer_from_sections(question, items, DOCS) is None  # 21 clauses, no text to group them by
    ans = answer_from_sections(question, items, DOCS, original_of=lambda d: original)
    lines = ans.text.splitlines()[1:]
    assert len(lines) == 4 and lines[0] == "1. 稳增长压力不小，有效需求不足，企业经营困难较多，外贸下行压力较大，投资增速回落[1]"
    assert "直面问题" not in ans.text  # a clause of another section is no stated difficulty
    for c in ans.citations:
        assert original[c.start:c.end] == c.quote
