"""Named enumerations (“六个攻坚战”是哪些？) answered from the items a report lists (invented reports)."""

from __future__ import annotations

import pytest

from llm_extract.qa.enumerations import answer_named_list, named_list
from llm_extract.text.named_lists import list_items
from llm_extract.text.normalize import normalize
from llm_extract.text.query import parse_query

REPORT = (
    "青川县2024年政府工作报告\n"
    "一、2023年工作回顾\n"
    "过去一年，全县狠抓两项重点（茶叶提质、竹木加工），打造全县“茶乡首选地、康养承载地、物流集散地”。\n"
    "二、2024年工作安排\n"
    "今年要全力抓好“四个提升”：\n"
    "（一）提升产业能级，壮大县域经济\n"
    "一是延伸茶叶链条。新建茶园2000亩。\n"
    "二是培育竹木集群。引进企业5家。\n"
    "（二）提升城乡品质，建设美丽青川\n"
    "（三）提升民生温度，办好惠民实事\n"
    "（四）提升治理效能，守牢安全底线\n"
    "（五）加强政府自身建设\n"
    "按照一名领导、一套班子、一张清单的“三个一”机制推进项目。落实加强统筹调度、加强要素保障、加强考核督查“三条措施”。\n"
    "要奋力打好“两个攻坚战”。\n"
    "一是奋力打好乡村振兴攻坚战，巩固衔接成果。\n"
    "二是奋力打好生态保护攻坚战，守护青山绿水。\n"
    "（六）办好五件实事：一是改造老旧小区；二是新建养老中心；三是扩容城区学校；四是整治农村公路；五是建设便民市场。\n"
)


def _answer(question, text=REPORT):
    norm = normalize(text)
    named = named_list(parse_query(question))
    return named, (list_items(norm, named) if named else None), norm


def _texts(question, text=REPORT):
    _, items, _ = _answer(question, text)
    return [i.text for i in items] if items else None


def test_the_question_names_a_count_and_what_is_counted():
    assert named_list(parse_query("青川县要打好的“两个攻坚战”是哪些？")).count == 2
    named = named_list(parse_query("青川县2024年重点做好哪八个方面工作？"))
    assert (named.count, named.term) == (8, "八个方面工作")
    outside = named_list(parse_query("青川县六个“主攻”方向分别是什么？"))
    assert (outside.count, outside.term, outside.count_outside) == (6, "主攻", True)
    for not_a_name in ("青川县2024年地区生产总值是多少？", "青川县七大行业中哪些行业增长？",
                       "“十五五”规划有哪些目标？", "青川县存在哪些问题？", "三次产业分别增长多少？"):
        assert named_list(parse_query(not_a_name)) is None, not_a_name


@pytest.mark.parametrize("question, expected", [
    ("青川县狠抓的两项重点是什么？", ["茶叶提质", "竹木加工"]),                          # in brackets after the name
    ("“三个一”机制指什么？", ["一名领导", "一套班子", "一张清单"]),                      # a list, 的, the name
    ("落实的“三条措施”是哪些？", ["加强统筹调度", "加强要素保障", "加强考核督查"]),       # straight before a quoted name
    ("青川县打造的“三地”是哪些？", ["茶乡首选地", "康养承载地", "物流集散地"]),          # a quoted list ending as the name
    ("“两个攻坚战”是哪些？", ["一是奋力打好乡村振兴攻坚战,巩固衔接成果", "二是奋力打好生态保护攻坚战,守护青山绿水"]),
    ("青川县要办好的五件实事分别是什么？",
     ["一是改造老旧小区", "二是新建养老中心", "三是扩容城区学校", "四是整治农村公路", "五是建设便民市场"]),
])
def test_items_are_read_where_the_report_lists_them(question, expected):
    assert _texts(question) == expected


def test_items_numbered_in_brackets_inside_the_paragraph_after_the_name():
    text = ("青川县2024年政府工作报告\n二、2024年工作安排\n"
            "今年将统筹财力，扎实办好“三件民生实事”。（1）新建幼儿园5所。（2）改造危桥20座。（3）增设充电端口800个。"
            "“三件民生实事”是我们的承诺。\n")
    assert _texts("青川县2024年的“三件民生实事”是哪些？", text) == ["(1)新建幼儿园5所", "(2)改造危桥20座", "(3)增设充电端口800个"]
    runs_on = text.replace("（3）增设充电端口800个。", "（3）增设充电端口800个。（4）新建公园1个。")
    assert _texts("青川县2024年的“三件民生实事”是哪些？", runs_on) is None  # numbered past the count


def test_numbered_headings_after_the_name_are_its_items_up_to_where_the_numbering_stops():
    # （五） continues the numbering but the name counts four: only 一 to 四 follow the name as its items
    text = REPORT.replace("（五）加强政府自身建设", "（四）加强政府自身建设")  # a misprinted number ends the run
    items = _texts("今年要全力抓好的“四个提升”是哪些？", text)
    assert items == ["(一)提升产业能级,壮大县域经济", "(二)提升城乡品质,建设美丽青川", "(三)提升民生温度,办好惠民实事",
                     "(四)提升治理效能,守牢安全底线"]
    assert _texts("今年要全力抓好的“四个提升”是哪些？") is None  # （五） follows: five headings, not four


def test_a_line_announcing_the_parts_may_go_on_a_few_words_before_its_colon():
    text = ("三、2026年工作安排\n今年重点做好三个方面工作：\n（一）壮大茶叶产业\n全县茶园扩大到5万亩。\n"
            "（二）建设美丽乡村\n改造农村公路30公里。\n（三）办好民生实事\n新建幼儿园2所。\n")
    assert _texts("青川县2026年要重点做好哪三个方面的工作？", text) == [
        "(一)壮大茶叶产业", "(二)建设美丽乡村", "(三)办好民生实事"]
    slogan = text.replace("三个方面工作：", "三个方面工作，推动高质量发展。")
    assert _texts("青川县2026年要重点做好哪三个方面的工作？", slogan) is None  # a sentence, not a lead-in


def test_every_item_is_cited_to_its_exact_span_in_the_original():
    original = REPORT.replace("，", "，  ")  # normalization changes offsets; citations must not
    doc = {"doc_id": "d1", "source": "q.txt", "place": "青川县", "title": "青川县2024年政府工作报告"}
    ans = answer_named_list(parse_query("“两个攻坚战”是哪些？"), [doc], lambda d: normalize(original))
    assert ans is not None and len(ans.citations) == 2
    first = ans.text.splitlines()[1]
    assert first.startswith("1. 奋力打好乡村振兴攻坚战") and first.endswith("巩固衔接成果[1]")
    assert all(c.section.startswith("二、2024年工作安排") for c in ans.citations)
    for c in ans.citations:
        assert original[c.start:c.end] == c.quote and c.doc_id == "d1"


def test_the_route_declines_when_the_count_does_not_match_or_the_name_is_one_of_several():
    assert _texts("青川县狠抓的三项重点是什么？") is None  # two listed, three asked
    slogan = ("今年工作是“围绕一个中心，做好两篇文章”，促进全面发展。\n（一）围绕一个中心\n（二）做好两篇文章\n"
              "（三）加强自身建设\n")
    assert _texts("做好的“两篇文章”指什么？", slogan) is None  # headings after a slogan are not its items
    glossary = "名词注释\n1.“两重”、“两新”：国家重大战略实施；大规模设备更新。\n"
    assert _texts("“两新”指什么？", glossary) is None  # the definitions belong to both names together
    doc = {"doc_id": "d", "source": "a.txt"}
    two = [doc, {"doc_id": "e", "source": "b.txt"}]
    assert answer_named_list(parse_query("“两个攻坚战”是哪些？"), two, lambda d: normalize(REPORT)) is None


@pytest.mark.parametrize("question, text, expected", [
    # the clause's verb is not part of the first item …
    ("“三业联动”是哪些？", "强化产业、创业、就业“三业联动”。", ["产业", "创业", "就业"]),
    ("“三医联动”是哪些？", "持续深化医疗、医保、医药“三医联动”。", ["医疗", "医保", "医药"]),
    ("五件实事分别是什么？", "大力实施好今年确定的云岭桥改造、老城供水、村道硬化、校舍维修、集市搬迁等五件实事。",
     ["云岭桥改造", "老城供水", "村道硬化", "校舍维修", "集市搬迁"]),
    ("“三条措施”是哪些？", "落实加强统筹调度、加强要素保障、加强考核督查“三条措施”。",
     ["加强统筹调度", "加强要素保障", "加强考核督查"]),
    # … unless every item is led by a verb of its own
    ("“三项行动”是哪些？", "建设智慧青川、发展数字经济、培育新兴产业“三项行动”。",
     ["建设智慧青川", "发展数字经济", "培育新兴产业"]),
    ("“四大攻坚”是哪些？", "大力实施城乡供水补短板、工业固废治理、重点河湖整治和秸秆利用“四大攻坚”。",
     ["城乡供水补短板", "工业固废治理", "重点河湖整治", "秸秆利用"]),
])
def test_items_start_where_the_list_starts(question, text, expected):
    assert _texts(question, text) == expected


def test_a_count_inside_a_larger_number_or_an_ordinal_is_not_the_name():
    assert _texts("“三项重点”是什么？", "云岭镇实施第三项重点（茶叶提质、竹木加工、文旅融合）。") is None
    assert _texts("两项重点工程是什么？", "全县实施十二项重点工程（茶叶提质、竹木加工）。") is None
    batches = "谋划一批、储备一批、实施一批的“三个一批”全面推开。"
    assert _texts("“三个一”指什么？", batches) is None  # a one-character name is a whole word


def test_clauses_of_numbered_items_are_not_items():
    text = "打好“三个攻坚战”：一是打好乡村振兴攻坚战，巩固成果；二是打好生态攻坚战；三是打好债务攻坚战。"
    assert _texts("“三个攻坚战”是哪些？", text) == ["一是打好乡村振兴攻坚战,巩固成果", "二是打好生态攻坚战", "三是打好债务攻坚战"]
    other = "打好“两个攻坚战”，成效明显。全年抓了两件事：一是修桥；二是修路。"
    assert _texts("“两个攻坚战”是哪些？", other) is None  # the numbered list belongs to another sentence


def test_the_last_item_is_split_at_a_conjunction_only_between_words():
    assert _texts("三项重点是什么？", "狠抓三项重点（乡村振兴、社会和谐稳定）。") is None
    assert _texts("三项重点是什么？", "狠抓三项重点（茶叶提质、竹木加工以及文旅融合）。") == ["茶叶提质", "竹木加工", "文旅融合"]


def test_questions_asking_which_ones_name_the_list():
    assert named_list(parse_query("“四个提升”是哪几个？")).count == 4
    assert named_list(parse_query("“三个集中”是什么？")).term == "三个集中"  # 中 ends the name, not “七大行业中”


def test_a_long_report_printing_the_name_often_is_read_in_linear_time():
    import time

    line = "打好“四个提升”，一是提升茶产业“强链”、“补链”，二是甲、乙、丙、推进工程，"  # one paragraph, no stops
    text = "青川县报告\n" + line * 3600
    started = time.perf_counter()
    assert _texts("“四个提升”是哪些？", text) is None
    assert time.perf_counter() - started < 2.0  # quadratic reading took over 10 s


def test_ask_answers_a_named_list_from_the_one_indexed_report_that_lists_it(tmp_path):
    from fakes import BigramEmbedder

    from llm_extract.core.config import Settings
    from llm_extract.index.ingest import ingest
    from llm_extract.qa.ask import ask

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "qingchuan-2024.txt").write_text(REPORT, encoding="utf-8")
    (corpus / "other-2024.txt").write_text("云岭镇2024年工作总结\n一、主要工作\n全镇地区生产总值增长6%。\n",
                                           encoding="utf-8")
    settings = Settings(index=tmp_path / "index")
    ingest([corpus], settings, embedder=BigramEmbedder())

    class NoModel:
        def complete(self, *a, **k):
            raise AssertionError("the named-list route needs no model")

    ans = ask("“两个攻坚战”是哪些？", settings=settings, llm=NoModel())  # no place named: the index is scanned
    assert ans.route == "section" and len(ans.citations) == 2
    for c in ans.citations:
        assert REPORT[c.start:c.end] == c.quote


def test_items_ending_in_the_named_word_are_read_from_the_rest_of_the_paragraph():
    text = ("二、2024年工作安排\n三是确保完成5项民生实事工程。本着受益面广的原则，开展云雀就业工程，计划培训800人；"
            "开展老旧小区改造工程，计划完成2个小区；开展农村饮水提升工程。侧重于城镇建设，开展青川广场改造工程；"
            "开展便民市场建设工程。上述5项民生实事工程，要及早谋划。\n"
            "着力推动旅游升级，精心打造三张“名片”。举办草原音乐节，打造城市旅游“音乐名片”。丰富冬季旅游产品，"
            "打造城市旅游“运动名片”。推出乡村生态游，打造城市旅游“生态名片”。\n")
    assert _texts("青川县2024年要确保完成的5项民生实事工程是哪些？", text) == [
        "云雀就业工程", "老旧小区改造工程", "农村饮水提升工程", "青川广场改造工程", "便民市场建设工程"]
    named = named_list(parse_query("青川县要打造哪三张城市旅游“名片”？"))
    assert (named.count, named.term, named.count_outside) == (3, "名片", True)
    assert _texts("青川县要打造哪三张城市旅游“名片”？", text) == ["音乐名片", "运动名片", "生态名片"]
    # a count the paragraph does not bear out is no list
    assert _texts("青川县要确保完成的6项民生实事工程是哪些？", text) is None


def test_of_two_reports_listing_the_name_the_one_planning_the_year_asked_answers():
    two = [{"doc_id": "y24", "source": "a.txt", "place": "青川县", "plan_years": ["2024"], "report_year": "2024"},
           {"doc_id": "y25", "source": "b.txt", "place": "青川县", "plan_years": ["2025"], "report_year": "2025"}]
    ans = answer_named_list(parse_query("青川县2024年的“两个攻坚战”是哪些？"), two, lambda d: normalize(REPORT))
    assert ans is not None and {c.doc_id for c in ans.citations} == {"y24"}
    assert answer_named_list(parse_query("青川县2023年的“两个攻坚战”是哪些？"), two, lambda d: normalize(REPORT)) is None
