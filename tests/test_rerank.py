"""Rerank step: lexical order, the LLM's choice (fake model), and how ask uses them."""

from __future__ import annotations

import pytest

from llm_extract.core.errors import ConfigError
from llm_extract.qa.ask import ask
from llm_extract.qa.rerank import Relevant, lexical_rerank, llm_rerank, rerank

from fakes import hits_from_texts
from test_qa import FakeLLM, FakeRetriever, Usage, settings  # noqa: F401  (fixture)

TEXTS = ["全镇完成财政收入5000万元。", "新建道路10公里。", "实现地区生产总值80.43亿元，同比增长0.25%。"]


def _hits():
    return hits_from_texts(*TEXTS)


class ChoosingLLM(FakeLLM):
    def __init__(self, relevant, answers=()):
        super().__init__(answers)
        self.relevant = relevant
        self.structured_calls = []

    def structured(self, model, messages, *, template_version, max_retries=None):
        self.structured_calls.append(messages)
        assert model is Relevant and template_version.startswith("rerank@")
        return Relevant(relevant=self.relevant), Usage()


def test_lexical_rerank_puts_the_passage_with_the_questions_words_first():
    hits = _hits()
    out = lexical_rerank("地区生产总值是多少？", hits)
    assert out[0].chunk_id == "d:2"
    assert sorted(h.chunk_id for h in out) == sorted(h.chunk_id for h in hits)


def test_lexical_rerank_keeps_the_order_when_nothing_matches():
    hits = _hits()
    assert [h.chunk_id for h in lexical_rerank("？？", hits)] == [h.chunk_id for h in hits]


def test_llm_rerank_follows_the_model_and_ignores_numbers_it_was_not_shown():
    llm = ChoosingLLM([3, 9, 3, 0, 2])
    out, used = llm_rerank("地区生产总值？", _hits(), llm)
    assert [h.chunk_id for h in out] == ["d:2", "d:1", "d:0"]
    assert used["calls"] == 1 and used["prompt_tokens"] == 10
    shown = llm.structured_calls[0][-1]["content"]
    assert "[1]" in shown and "[3]" in shown and "地区生产总值？" in shown


def test_llm_rerank_that_names_nothing_changes_nothing():
    out, _ = llm_rerank("x", _hits(), ChoosingLLM([]))
    assert [h.chunk_id for h in out] == ["d:0", "d:1", "d:2"]


def test_rerank_dispatch_and_errors():
    assert [h.chunk_id for h in rerank("q", _hits(), "none")[0]] == ["d:0", "d:1", "d:2"]
    with pytest.raises(ConfigError):
        rerank("q", _hits(), "llm")
    with pytest.raises(ConfigError):
        rerank("q", _hits(), "bm42")


def test_ask_with_llm_rerank_shows_the_chosen_passage_and_counts_its_cost(settings):  # noqa: F811
    hits = _hits()
    llm = ChoosingLLM([3], answers=["地区生产总值为80.43亿元[1]。"])
    retr = FakeRetriever(hits)
    ans = ask("地区生产总值？", settings=settings.replace(ask_k=1, focus_chars=0),
              retriever=retr, llm=llm, doc_ids=["d"], rerank="llm")
    assert not ans.abstained
    assert ans.passages[0].chunk_id == "d:2"
    assert ans.usage["calls"] == 2 and ans.usage["prompt_tokens"] == 20
    assert "".join(TEXTS)[ans.citations[0].start : ans.citations[0].end] == ans.citations[0].quote


def test_ask_fetches_the_rerank_depth_only_when_reranking(settings):  # noqa: F811
    class CountingRetriever(FakeRetriever):
        def search(self, query, k=5, doc_ids=None, mode=None):
            self.calls.append(k)
            return self.hits[:k]

    s = settings.replace(second_look=False)
    retr = CountingRetriever(_hits())
    ask("地区生产总值？", settings=s, retriever=retr, llm=FakeLLM(["资料中没有相关信息"]), doc_ids=["d"])
    retr2 = CountingRetriever(_hits())
    ask("地区生产总值？", settings=s, retriever=retr2, llm=FakeLLM(["资料中没有相关信息"]), doc_ids=["d"],
        rerank="lexical")
    assert retr.calls == [settings.ask.k] and retr2.calls == [settings.ask.rerank_depth]


def test_unknown_rerank_method_is_a_config_error_before_any_model_call(settings):  # noqa: F811
    llm = FakeLLM([])
    with pytest.raises(ConfigError):
        ask("x？", settings=settings, retriever=FakeRetriever(_hits()), llm=llm, doc_ids=["d"], rerank="magic")
    assert llm.messages == []
