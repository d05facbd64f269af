"""The extractive fallback: when the model declines, the one clause of its passages printing the figure
asked for answers (route ``extract``) — and nothing answers when unsure (invented reports)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from llm_extract.core.types import Hit
from llm_extract.index.access import load_original, open_retriever
from llm_extract.qa.ask import ABSTAIN_TEXT, ask
from llm_extract.qa.extractive import extract_answer
from llm_extract.qa.understand import understand
from llm_extract.text.query import parse_query

from fakes import BigramEmbedder, indexed_reports

YUNLING = (
    "云岭镇2023年政府工作报告\n"
    "一、2023年工作回顾\n"
    "2023年，全镇实现地区生产总值21.6亿元，同比增长6.2%。交通建设加快推进，新建农村公路36.5公里，改造危桥4座。"
    "企业完成技改投入1.8亿元，同比增长22.7%。镇村环境持续改善，以实施第三轮人居环境整治为契机，拆除违章建筑2100平方米。"
    "民调在市里调查中排17位，比上年前进了5位，在县里调查中排第2位。\n"
    "全年外贸进出口总额3.2亿元，同比增长4.1%。\n"
    "二、2024年工作安排\n"
    "2024年主要目标是：新建农村公路50公里，城镇新增就业800人，企业技改投入增长10%左右。\n"
)
QINGCHUAN = (
    "青川县2023年政府工作报告\n"
    "一、2023年工作回顾\n"
    "全县城镇新增就业1200人，农村劳动力转移就业1500人。茶叶品牌价值评价居全省第5位。\n"
)


@dataclass
class _Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    wall_time: float = 0.0


class _Declines:
    """A model that declines every question (its answer and its second look)."""

    calls = 0

    def complete(self, *a, **k):
        self.calls += 1
        return ABSTAIN_TEXT, _Usage()

    def close(self):
        pass


# A communiqué published the year after the one it reviews: its undated figures are of the year reviewed.
BAIHE = (
    "白河县2025年国民经济和社会发展统计公报\n白河县统计局\n2026年3月20日\n"
    "一、综合\n全年全县共发生各类生产安全事故7起，死亡3人。全县年末常住人口31.2万人。\n"
)


# A report delivered early in the year it plans: its 今年 is that year, not the term's last; a figure of its
# plan part is a goal by the part's heading, however deep the section it sits in.
YUNXI = (
    "2026年云溪县政府工作报告\n"
    "一、2025年工作回顾\n全县技术合同成交额达到80亿元。\n"
    "二、“十五五”时期主要目标\n到2030年，全县技术合同成交额达到200亿元。\n"
    "到2030年，全县居民人均可支配收入达到5万元左右，常住人口城镇化率达到60%左右。\n"
    "三、2026年工作安排\n（一）强化创新驱动\n全县技术合同成交额突破100亿元。\n"
)


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    s = indexed_reports(tmp_path_factory.mktemp("extractive"),
                        {"yunling.txt": YUNLING, "qingchuan.txt": QINGCHUAN, "baihe.txt": BAIHE, "yunxi.txt": YUNXI})
    return s.replace(ask_records=False)  # the model route, not the records, is what is tested here


def _ask(settings, question):
    return ask(question, settings=settings, llm=_Declines(),
               retriever=open_retriever(settings, embedder=BigramEmbedder()))


@pytest.mark.parametrize("question, figure", [
    ("云岭镇2023年新建农村公路多少公里？", "36.5公里"),                  # the counter asked
    ("云岭镇2023年企业技改投入同比增长多少？", "22.7%"),                 # a growth rate continues its clause
    ("云岭镇以实施第几轮人居环境整治为契机？", "第三轮"),                  # an ordinal and its counter
    ("云岭镇民调在市里调查中排第几位？", "17位"),                        # 排N位, not the county's 第2位
    ("云岭镇2024年城镇新增就业目标是多少人？", "800人"),                 # a goal for a target question
    ("青川县2023年城镇新增就业多少人？", "1200人"),
    ("2026年云溪县政府工作报告中，今年技术合同成交额的目标是多少？", "100亿元"),  # 今年: the report's year
])
def test_the_clause_printing_the_figure_answers_with_its_exact_span(settings, question, figure):
    ans = _ask(settings, question)
    assert ans.route == "extract" and not ans.abstained, ans.explain
    assert figure in ans.answer and ans.answer.endswith("]")
    (c,) = ans.citations
    assert load_original(c.source, settings)[c.start:c.end] == c.quote and figure in c.quote
    assert ans.passages[c.id - 1].doc_id == c.doc_id


@pytest.mark.parametrize("question, figures, n_cited", [
    ("云岭镇2023年新建农村公路多少公里、改造危桥多少座？", ("36.5公里", "4座"), 1),  # one sentence: one quote
    ("青川县2023年城镇新增就业多少人，农村劳动力转移就业多少人？", ("1200人", "1500人"), 1),
    ("云岭镇2023年企业完成技改投入多少、增长了多少？", ("1.8亿元", "22.7%"), 1),  # the second part goes on
    ("白河县2025年发生了多少起生产安全事故、死亡多少人？", ("7起", "3人"), 1),  # undated: the year reviewed
    # two names before one slot; the plan term is when, not what
    ("云溪县“十五五”时期居民人均可支配收入和常住人口城镇化率的目标是多少？", ("5万元", "60%"), 1),
])
def test_a_question_asking_two_figures_is_answered_part_by_part(settings, question, figures, n_cited):
    ans = _ask(settings, question)
    assert ans.route == "extract" and not ans.abstained, ans.explain
    assert all(f in ans.answer for f in figures)
    assert len(ans.citations) == n_cited
    for c in ans.citations:
        assert load_original(c.source, settings)[c.start:c.end] == c.quote


@pytest.mark.parametrize("question", [
    "云岭镇2023年新建农村公路多少公里、新建学校多少所？",  # the second figure is not printed
    "云岭镇2022年新建农村公路多少公里、改造危桥多少座？",  # nor is that year
])
def test_two_figures_asked_need_both_answered(settings, question):
    assert _ask(settings, question).abstained


@pytest.mark.parametrize("question", [
    "云岭镇2022年新建农村公路多少公里？",          # a year the report does not state
    "云岭镇2024年实际新建农村公路多少公里？",      # only the goal is printed for 2024
    "云岭镇2023年外贸出口总额是多少？",            # 进出口总额 is another metric
    "云岭镇2023年城镇居民人均可支配收入是多少？",  # not printed at all
    "云岭镇2023年新增高新技术企业多少家？",        # no such figure
    "石门乡2023年新建农村公路多少公里？",          # a place the index does not hold
])
def test_unsure_or_missing_keeps_the_abstention(settings, question):
    ans = _ask(settings, question)
    assert ans.abstained and ans.route != "extract", ans.answer


def test_the_setting_switches_it_off(settings):
    ans = _ask(settings.replace(ask_extractive=False), "云岭镇2023年新建农村公路多少公里？")
    assert ans.abstained and ans.route == "model"


def _hits(*texts: str, section: str = "一、2023年工作回顾") -> list[Hit]:
    out, pos = [], 0
    for i, t in enumerate(texts):
        out.append(Hit(doc_id="d", source="x.txt", start=pos, end=pos + len(t), text=t, section=section, score=1.0,
                       chunk_id=f"d:{i}"))
        pos += len(t) + 1
    return out


def _extract(question, hits, **kw):
    return extract_answer(understand(parse_query(question)), hits, doc_ids=["d"], **kw)


def test_two_clauses_equally_on_topic_leave_it_open():
    hits = _hits("全镇城镇新增就业800人。", "城镇新增就业人数达到950人。")
    assert _extract("该镇2023年城镇新增就业多少人？", hits) is None


def test_a_list_of_figures_scores_each_by_its_own_clause():
    hits = _hits("全镇新建农村公路36.5公里，新建村级文化广场12个，新建污水管网8.2公里。")
    found = _extract("该镇2023年新建污水管网多少公里？", hits)
    assert found is not None and "8.2公里" in found.text and "36.5" not in found.text


def test_a_figure_of_the_same_words_in_another_year_is_no_answer():
    hits = _hits("全镇新建农村公路36.5公里。", section="二、2024年工作安排")
    assert _extract("该镇2023年新建农村公路多少公里？", hits) is None
    assert _extract("该镇2024年新建农村公路多少公里？", hits, years_of={"d": [2023, 2024]}) is not None


def test_a_year_read_in_a_figure_is_no_year():
    hits = _hits("发行政府债券2021.5亿元，有效缓释债务风险。", section="一、2024年工作回顾")
    found = _extract("该省2024年发行政府债券多少亿元？", hits)
    assert found is not None and "2021.5亿元" in found.text


def test_a_number_the_question_prints_is_not_the_answer():
    hits = _hits("全年500万元及以上固定资产投资比上年增长1.2%。")
    assert _extract("该州2023年500万元及以上固定资产投资是多少亿元？", hits) is None


def test_a_list_of_figures_gives_each_its_own_words():
    hits = _hits("全镇新增技术工人1200人、技能工人900人，生产茶叶3.2万吨、竹笋1.5万吨。")
    found = _extract("该镇2023年生产茶叶多少万吨？", hits)
    assert found is not None and "3.2万吨" in found.text and "1.5" not in found.text
    # 新增 is said of both: which figure is the 技能工人's is not for code to guess from the words
    assert _extract("该镇2023年新增技能工人多少人？", hits) is None


def test_figures_given_respectively_or_of_another_modifier_are_no_answer():
    hits = _hits("科技型企业、创新型企业分别新认定8家和5家。新增全国重点实验室3家。")
    assert _extract("该镇2023年新认定创新型企业多少家？", hits) is None
    assert _extract("该镇2023年新增省级重点实验室多少家？", hits) is None
    assert _extract("该镇2023年新增全国重点实验室多少家？", hits) is not None


def test_the_year_opening_a_sentence_of_the_paragraph_is_the_statements_year():
    from llm_extract.qa.statement_time import year_fits
    from llm_extract.text.normalize import normalize

    original = "一、工作回顾\n2019年，全镇经济稳步增长。交通加快建设，在2021年全省考核第一的基础上，新建公路12公里。\n"
    quote = "新建公路12公里。"
    at = original.index(quote)
    hit = Hit(doc_id="d", source="x.txt", start=at, end=at + len(quote), text=quote, section="一、工作回顾", score=1.0)
    norm = normalize(quote)

    def fits(year):
        query = understand(parse_query(f"该镇{year}年新建公路多少公里？"))
        return year_fits(query, hit, norm, 0, len(norm.simplified), original, {"d": [2019, 2020, 2021]})
    assert fits(2019) and not fits(2021)  # 在2021年… is said in passing
    assert not year_fits(understand(parse_query("该镇2019年新建公路多少公里？")), hit, norm, 0, len(norm.simplified), "",
                         {"d": [2019, 2020]})  # nothing says the year: not the document's only year either


def test_a_cited_sentence_is_of_the_year_asked_by_itself_its_paragraph_its_heading_or_its_document():
    from llm_extract.core.types import Citation
    from llm_extract.qa.statement_time import cited_year_fits

    original = "一、2024年工作回顾\n全省地区生产总值6800亿元。\n二、2025年工作安排\n进出口总额900亿元以上。\n"

    def fits(year, quote, section, held=(2024, 2025)):
        at = original.index(quote)
        c = Citation(id=1, doc_id="d", source="x.txt", start=at, end=at + len(quote), quote=quote, section=section)
        return cited_year_fits(understand(parse_query(f"云岭省{year}年…是多少？")), c, original, {"d": list(held)})

    assert fits(2024, "全省地区生产总值6800亿元。", "一、2024年工作回顾")
    assert not fits(2022, "全省地区生产总值6800亿元。", "一、2024年工作回顾")  # a year the report never reviews
    assert not fits(2024, "进出口总额900亿元以上。", "二、2025年工作安排")  # the plan year's target
    assert fits(2025, "进出口总额900亿元以上。", "", held=(2024, 2025))  # nothing nearer says: a year it covers
    assert not fits(2022, "进出口总额900亿元以上。", "", held=(2024, 2025))
    original = "2003年，全镇工业总产值2亿元。\n2003年底建成公园。\n新建学校1所。\n"  # the page's metadata says 2023
    at = original.index("新建学校1所。")
    c = Citation(id=1, doc_id="d", source="x.txt", start=at, end=at + 6, quote="新建学校1所。", section="")
    assert cited_year_fits(understand(parse_query("云岭镇2003年新建学校几所？")), c, original, {"d": [2022, 2023]})
