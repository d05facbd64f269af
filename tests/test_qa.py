"""Cited QA logic with a fake retriever and a fake model: checks, re-asks, abstention, spans."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from llm_extract.core.config import Settings
from llm_extract.qa.ask import ABSTAIN_TEXT, UNSUPPORTED_TEXT, ask, check_answer, citation_span, narrow_documents
from llm_extract.core.types import Hit

ORIGINAL = (
    "徐泾镇2013年的主要工作\n"
    "2013年全镇经济社会发展的主要预期目标是：实现地区生产总值(GDP)80.43亿元，同比增长0.25%；"
    "规模以上企业工业总产值91.8亿元，同比下降17.7%。\n"
    "全鎮(zhèn)生產總值完成6.87億元,同比增長8.5%。\n"
)


def _hit(quote: str, doc_id: str = "d1") -> Hit:
    s = ORIGINAL.index(quote)
    return Hit(doc_id=doc_id, source="x.txt", start=s, end=s + len(quote), text=quote, section="一、目标", score=1.0,
               chunk_id=f"{doc_id}:0", search_text="一、目标\n" + quote)


HITS = [
    _hit("2013年全镇经济社会发展的主要预期目标是：实现地区生产总值(GDP)80.43亿元，同比增长0.25%；规模以上企业工业总产值91.8亿元，同比下降17.7%。"),
    _hit("全鎮(zhèn)生產總值完成6.87億元,同比增長8.5%。", "d2"),
]


class FakeRetriever:
    def __init__(self, hits):
        self.hits = hits
        self.calls = []

    def search(self, query, k=5, doc_ids=None, mode=None):
        self.calls.append(doc_ids)
        return self.hits[:k]


@dataclass
class Usage:
    prompt_tokens: int = 10
    completion_tokens: int = 5
    wall_time: float = 0.1


class FakeLLM:
    def __init__(self, answers):
        self.answers = list(answers)
        self.messages = []

    def complete(self, messages, *, template_version, stream=False, on_token=None):
        self.messages.append(messages)
        text = self.answers.pop(0)
        if on_token:
            on_token(text)
        return text, Usage()

    def close(self):
        pass


@pytest.fixture()
def settings(tmp_path):
    return Settings(index=tmp_path)


def _ask(answers, settings, hits=HITS):
    llm = FakeLLM(answers)
    return ask("徐泾镇2013年地区生产总值目标？", settings=settings, retriever=FakeRetriever(hits), llm=llm,
               doc_ids=["d1", "d2"]), llm


def test_supported_answer_gets_citations_that_quote_the_original(settings):
    ans, llm = _ask(["2013年地区生产总值预期目标为80.43亿元，同比增长0.25%[1]。"], settings)
    assert not ans.abstained and ans.supported
    assert [c.id for c in ans.citations] == [1]
    for c in ans.citations:
        assert ORIGINAL[c.start : c.end] == c.quote
        assert "80.43" in c.quote
    assert len(llm.messages) == 1


def test_number_missing_from_cited_passage_is_reasked_then_withheld(settings):
    ans, llm = _ask(["地区生产总值目标为99.9亿元[1]。", "地区生产总值目标为99.9亿元[1]。", ABSTAIN_TEXT], settings)
    assert ans.abstained and not ans.supported and ans.answer == UNSUPPORTED_TEXT
    assert any("99.9" in p for p in ans.problems)
    # answer, re-ask, then one request to copy the answering sentence — which the model declined
    assert len(llm.messages) == 3 and "逐字" in llm.messages[2][-1]["content"]


def test_a_failed_reask_still_gets_the_second_look(settings):
    ans, llm = _ask(["目标为99.9亿元[1]。", "目标为99.9亿元[1]。", "[1]"], settings)
    assert not ans.abstained and "80.43亿元" in ans.answer and ans.answer.endswith("[1]")
    for c in ans.citations:
        assert ORIGINAL[c.start : c.end] == c.quote
    ans, llm = _ask(["目标为99.9亿元[1]。", "目标为99.9亿元[1]。", "[1]"], settings.replace(second_look=False))
    assert ans.abstained and len(llm.messages) == 2


def test_an_uncited_copy_of_one_passage_is_cited_when_it_answers(settings):
    copied = "2013年全镇经济社会发展的主要预期目标是：实现地区生产总值(GDP)80.43亿元"
    ans, llm = _ask([copied], settings)
    assert not ans.abstained and ans.answer.endswith("[1]") and len(llm.messages) == 1
    assert ORIGINAL[ans.citations[0].start : ans.citations[0].end] == ans.citations[0].quote


def test_an_uncited_copy_off_the_question_is_not_cited(settings):
    # printed in passage 1, but it shares nothing with the question about the GDP target
    ans, _ = _ask(["规模以上企业工业总产值91.8亿元，同比下降17.7%", "规模以上企业工业总产值91.8亿元", ABSTAIN_TEXT],
                  settings)
    assert ans.abstained


def test_reask_can_repair_the_answer(settings):
    ans, _ = _ask(["目标为80.43亿元[7]。", "目标为80.43亿元[1]。"], settings)
    assert not ans.abstained and [c.id for c in ans.citations] == [1]


def test_no_citation_is_not_an_answer(settings):
    ans, _ = _ask(["大约八十亿元。", "大约八十亿元。", ABSTAIN_TEXT], settings)
    assert ans.abstained and ans.citations == []


def test_abstention_is_passed_through_with_closest_passages(settings):
    ans, llm = _ask([ABSTAIN_TEXT], settings.replace(second_look=False))
    assert ans.abstained and ans.answer == ABSTAIN_TEXT and ans.passages
    assert len(llm.messages) == 1


def test_second_look_turns_a_chosen_passage_into_a_checked_quote(settings):
    # The model declines, then names passage [1] when asked to copy the answering sentence.
    ans, llm = _ask([ABSTAIN_TEXT, "[1]"], settings)
    assert not ans.abstained and "80.43亿元" in ans.answer and ans.answer.endswith("[1]")
    assert len(llm.messages) == 2 and "逐字" in llm.messages[1][-1]["content"]
    for c in ans.citations:
        assert ORIGINAL[c.start : c.end] == c.quote


def test_second_look_keeps_the_abstention_when_the_quote_is_off_topic_or_invented(settings):
    ans, _ = _ask([ABSTAIN_TEXT, "全镇财政收入为99亿元[1]"], settings)  # not printed in passage 1
    assert ans.abstained and ans.answer == ABSTAIN_TEXT
    ans, _ = _ask([ABSTAIN_TEXT, ABSTAIN_TEXT], settings)
    assert ans.abstained


def test_traditional_passage_number_counts(settings):
    ans, _ = _ask(["全镇生产总值完成6.87亿元，同比增长8.5%[2]。"], settings)
    assert not ans.abstained
    c = ans.citations[0]
    assert ORIGINAL[c.start : c.end] == c.quote and "6.87" in c.quote


def test_check_answer_flags_out_of_range_citations():
    cited, problems = check_answer("80.43亿元[1][9]", HITS)
    assert cited == [1] and any("not shown" in p for p in problems)


def test_an_answer_of_a_word_or_two_without_a_figure_fails_the_check():
    for junk in ("镇[1]", "镇区[1]。", "“县”[1]", "青川县2024年要突出抓好以下八个方面的工作：[1]"):
        _, problems = check_answer(junk, HITS)
        assert any("says nothing" in p for p in problems), junk
    for fine in ("80.43亿元[1]", "5%[1]", "综合改革试点镇[1]"):
        _, problems = check_answer(fine, HITS)
        assert not any("says nothing" in p for p in problems), fine
    _, problems = check_answer("扎实办好民生实事[1]", HITS, "青川县2024年要扎实办好哪些民生实事？")
    assert any("says nothing" in p for p in problems)  # the question's own words, no answer
    _, problems = check_answer("新建学校3所[1]", HITS, "青川县2024年要扎实办好哪些民生实事？")
    assert not any("says nothing" in p for p in problems)


def test_citation_span_narrows_to_the_sentence_with_the_number():
    h = HITS[0]
    s, e = citation_span(h, "91.8亿元[1]")
    assert "91.8" in ORIGINAL[s:e] and "80.43" not in ORIGINAL[s:e]


def test_narrow_documents_by_place_and_year():
    docs = [
        {"doc_id": "a", "place": "徐泾镇", "years": [2013]},
        {"doc_id": "b", "place": "小雄镇", "years": [2007, 2008]},
        {"doc_id": "c", "place": "", "years": [2023]},
    ]
    assert narrow_documents("徐泾2013年GDP目标", docs) == ["a"]
    assert narrow_documents("小雄镇2008年工作安排", docs) == ["b"]
    assert narrow_documents("2023年财政收入", docs) is None


def test_undisclosed_claim_needs_a_placeholder_in_the_cited_passage(settings):
    ans, _ = _ask(["文件未披露具体数字[1]。"], settings)
    assert ans.abstained and ans.answer == ABSTAIN_TEXT and ans.citations == []


def test_undisclosed_claim_over_a_real_placeholder_is_an_answer(settings):
    original = "前言。\n全镇完成地区生产总值xxxxx万元,同比增长xx.xx%。"
    text = original[4:]
    h = Hit(doc_id="d3", source="x.txt", start=4, end=len(original), text=text, section="", score=1.0)
    ans, _ = _ask(["文件未披露具体数字（以xxxxx代替）[1]。"], settings, hits=[h])
    assert not ans.abstained
    c = ans.citations[0]
    assert original[c.start : c.end] == c.quote and c.quote.startswith("全镇完成地区生产总值xxxxx万元")


def test_focus_passages_keep_exact_original_slices_around_the_question_words():
    from llm_extract.qa.passages import focus_passages

    focused = focus_passages("规模以上企业工业总产值预期目标", HITS, max_chars=40)
    for before, after in zip(HITS, focused):
        assert before.start <= after.start < after.end <= before.end
        assert ORIGINAL[after.start : after.end] == after.text
    assert "91.8" in focused[0].text and "80.43" not in focused[0].text


def test_names_unknown_place():
    from llm_extract.qa.ask import names_unknown_place

    docs = [{"place": "徐泾镇"}, {"place": "龙港镇"}, {"place": ""}]
    assert names_unknown_place("华士镇2013年的地区生产总值是多少？", docs)
    assert not names_unknown_place("徐泾镇2013年的财政收入目标是多少？", docs)
    assert not names_unknown_place("龍港鎮2003年國內生產總值是多少？", docs)  # traditional spelling of a known town
    assert not names_unknown_place("以脱贫攻坚为统揽的那个镇，全镇生产总值完成多少？", docs)  # generic words
    assert not names_unknown_place("该镇2008年财政收入目标是多少？", docs)


def test_no_second_look_for_a_town_the_index_does_not_hold(tmp_path, monkeypatch):
    import llm_extract.index.access as api

    monkeypatch.setattr(api, "list_documents", lambda settings=None: [{"doc_id": "d1", "place": "徐泾镇", "years": [2013]}])
    llm = FakeLLM([ABSTAIN_TEXT, "[1]"])
    ans = ask("华士镇2013年地区生产总值目标？", settings=Settings(index=tmp_path), retriever=FakeRetriever(HITS), llm=llm)
    assert ans.abstained and len(llm.messages) == 1


def test_a_place_the_index_does_not_hold_is_answered_only_from_a_passage_naming_it(tmp_path, monkeypatch):
    import llm_extract.index.access as api
    from llm_extract.qa.scope import unknown_places

    docs = [{"doc_id": "d1", "place": "徐泾镇", "years": [2013]}]
    assert unknown_places("青岭市2013年地区生产总值目标？", docs) == ["青岭市"]  # the place the question opens with
    assert unknown_places("徐泾镇2013年青岭县的地区生产总值？", docs) == []  # a known place is named too
    monkeypatch.setattr(api, "list_documents", lambda settings=None: docs)
    llm = FakeLLM(["青岭市2013年地区生产总值预期目标为80.43亿元[1]。"])  # the passage is 徐泾镇's
    ans = ask("青岭市2013年地区生产总值目标？", settings=Settings(index=tmp_path), retriever=FakeRetriever(HITS), llm=llm)
    assert ans.abstained and "青岭市" in ans.problems[0]
    # a county's figure printed in a report about another place: the cited passage names it
    text = "所辖青岭县全县生产总值完成6.87亿元。"
    named = [Hit(doc_id="d1", source="x.txt", start=0, end=len(text), text=text, section="", score=1.0)]
    llm = FakeLLM(["青岭县生产总值完成6.87亿元[1]。"])
    model_only = Settings(index=tmp_path, ask={"records": False})  # the documents here are stubs with no text
    ans = ask("青岭县2013年生产总值是多少？", settings=model_only, retriever=FakeRetriever(named), llm=llm)
    assert not ans.abstained and "6.87" in ans.answer


# --- the question parsed once; the answer check reads what the model saw -------------------------

def _hit(original: str, start: int, end: int) -> Hit:
    return Hit(doc_id="d", source="x.txt", start=start, end=end, text=original[start:end], section="", score=1.0)


def test_query_is_parsed_once_with_years_places_numbers_and_terms():
    from llm_extract.text.query import parse_query

    q = parse_query("青川縣2021年地區生產總值比2020年增長多少？")
    assert q.normalized.startswith("青川县") and q.years == (2021, 2020)
    assert q.place_mentions == ("青川县",) and {2021.0, 2020.0} <= set(q.numbers)
    assert "生产" in q.terms and not any("川县" == t for t in q.terms) and q.wants_quantity


def test_a_set_phrase_with_one_is_no_claimed_number():
    original = "云岭镇2019年实现地区生产总值12.6亿元。"
    hits = [_hit(original, 0, len(original))]
    _, problems = check_answer("那一年云岭镇地区生产总值为12.6亿元[1]。", hits, "云岭镇那一年的地区生产总值是多少？")
    assert problems == []


def test_numbers_repeated_from_the_question_need_no_passage():
    original = "全镇实现地区生产总值53.2亿元，增长6.1%。"
    hits = [_hit(original, 0, len(original))]
    question = "云岭镇2019年地区生产总值是多少？"
    _, problems = check_answer("2019年云岭镇地区生产总值为53.2亿元[1]。", hits, question)
    assert problems == []
    _, problems = check_answer("2019年云岭镇地区生产总值为53.2亿元[1]。", hits)  # without the question: 2019 unbacked
    assert problems and "2019" in problems[0]


def test_numbers_are_checked_against_the_focused_passage_not_the_whole_chunk():
    original = "全镇实现地区生产总值53.2亿元。财政收入8.4亿元。"
    cut = original.index("财政")
    focused = Hit(doc_id="d", source="x.txt", start=0, end=cut, text=original[:cut], section="", score=1.0,
                  search_text=original)  # the chunk's search text still holds 8.4
    _, problems = check_answer("财政收入8.4亿元[1]。", [focused])
    assert problems and "8.4" in problems[0]


def test_a_right_figure_with_the_wrong_citation_is_recited(settings):
    original = "一、概况。\n全镇完成财政收入3.75亿元。\n二、工业。\n规模以上工业产值41.2亿元。"
    a, b = original.index("全镇"), original.index("二、")
    c = original.index("规模")
    hits = [_hit(original, a, b), _hit(original, c, len(original))]
    ans, llm = _ask(["规模以上工业产值41.2亿元[1]。"], settings, hits=hits)
    assert not ans.abstained and ans.answer.endswith("[2]。") and len(llm.messages) == 1
    cit = ans.citations[0]
    assert cit.id == 2 and original[cit.start : cit.end] == cit.quote and "41.2" in cit.quote


def test_a_part_of_a_total_is_the_metric_asked():
    from llm_extract.qa.understand import understand
    from llm_extract.text.query import parse_query

    assert understand(parse_query("云岭市2025年一般公共预算收入中，税收收入是多少？")).metric == "税收收入"
    assert understand(parse_query("云岭市2025年一般公共预算收入是多少？")).metric == "一般公共预算收入"


def test_a_question_about_one_year_goes_to_the_report_that_reviews_it_or_plans_it():
    from dataclasses import replace

    from llm_extract.qa.scope import by_role
    from llm_extract.text.query import as_query

    docs = [{"doc_id": "y25", "review_years": ["2024"], "plan_years": ["2025"]},
            {"doc_id": "y26", "review_years": ["2025"], "plan_years": ["2026"]}]
    q = as_query("云岭省2025年城镇新增就业多少人？")
    assert by_role(replace(q, kind="actual", shape="quantity"), docs, ["y25", "y26"]) == ["y26"]  # done: the next report
    assert by_role(replace(q, kind="target"), docs, ["y25", "y26"]) == ["y25"]  # the goal: the year's own report
    assert by_role(replace(q, kind="actual"), docs, None) is None  # the whole index: no place named, no narrowing
    assert by_role(replace(q, kind="actual", shape="list"), docs, ["y25", "y26"]) is None  # 2025年重点做好哪些工作
    assert by_role(replace(as_query("云岭省2023年城镇新增就业多少人？"), kind="actual"), docs, ["y25", "y26"]) is None
