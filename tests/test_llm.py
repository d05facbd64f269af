"""LLM layer: fakes for the units, recorded embedded-model traffic for the wire."""

from __future__ import annotations

import json
import traceback
from typing import Optional

import httpx2
import openai
import pytest
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from pydantic import BaseModel, Field, field_validator

from llm_extract.core.config import Settings, get_settings
from llm_extract.core.errors import ConfigError, LLMConnectionError, LLMError, LLMOutputError
from llm_extract.llm.client import CallUsage, LLMCache, LLMClient

SECRET = "sk-TEST-9f8e7d6c5b4a3210-DO-NOT-LEAK"
SENTENCE = [
    {"role": "system", "content": "你是政府工作报告的信息抽取助手。从句子中抽取一个量化指标。"},
    {"role": "user", "content": "2013年全镇实现地区生产总值12.5亿元，同比增长10.2%。"},
]


class Indicator(BaseModel):
    metric: str = Field(description="指标名称")
    period: Optional[str] = Field(description="年份；没有则为 null")
    value: Optional[float] = Field(description="数值")
    unit: Optional[str] = Field(description="单位")
    yoy_pct: Optional[float] = Field(description="同比增长百分比")


# ---------------------------------------------------------------------------
# fakes
# ---------------------------------------------------------------------------


def completion(content: Optional[str] = None, *, tool_args: Optional[str] = None, finish="stop", usage=(50, 10)):
    message: dict = {"role": "assistant", "content": content}
    if tool_args is not None:
        message["tool_calls"] = [
            {"id": "call_1", "type": "function", "function": {"name": "Indicator", "arguments": tool_args}}
        ]
    return ChatCompletion.model_validate(
        {
            "id": "cmpl-1",
            "object": "chat.completion",
            "created": 0,
            "model": "fake",
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)},
        }
    )


class FakeCompletions:
    def __init__(self, outcomes):
        self.outcomes = list(outcomes)
        self.requests: list[dict] = []

    def create(self, **kwargs):
        self.requests.append(json.loads(json.dumps(kwargs, default=str)))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


class FakeOpenAI:
    base_url = "http://fake.invalid/v1"

    def __init__(self, *outcomes):
        self.completions = FakeCompletions(outcomes)
        self.chat = type("Chat", (), {"completions": self.completions})()


GOOD = json.dumps({"metric": "地区生产总值", "period": "2013", "value": 12.5, "unit": "亿元", "yoy_pct": 10.2}, ensure_ascii=False)


def make(tmp_path, *outcomes, **overrides) -> tuple[LLMClient, FakeCompletions]:
    overrides.setdefault("llm_cache", False)
    fake = FakeOpenAI(*outcomes)
    llm = LLMClient(Settings(index=tmp_path / "idx", **overrides), client=fake)
    llm.backoff = 0
    return llm, fake.completions


def conn_error() -> openai.APIConnectionError:
    return openai.APIConnectionError(request=httpx2.Request("POST", "http://fake.invalid/v1/chat/completions"))


def status_error(code: int) -> openai.APIStatusError:
    request = httpx2.Request("POST", "http://fake.invalid/v1/chat/completions")
    response = httpx2.Response(code, request=request, json={"error": {"message": "nope"}})
    return openai.APIStatusError("nope", response=response, body=None)


# ---------------------------------------------------------------------------
# backend and mode resolution
# ---------------------------------------------------------------------------


def test_embedded_is_default_with_grammar_mode(tmp_path):
    llm = LLMClient(Settings(index=tmp_path))
    assert (llm.backend, llm.mode, llm.model) == ("embedded", "json_grammar", "qwen2.5-coder-1.5b")


def test_remote_needs_a_model(tmp_path):
    with pytest.raises(ConfigError, match="LLM_EXTRACT_LLM_MODEL"):
        LLMClient(Settings(index=tmp_path, llm_base_url="http://127.0.0.1:1/v1"))


def test_remote_defaults_to_tools_and_env_overrides_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("LLM_EXTRACT_LLM_BASE_URL", "http://127.0.0.1:1/v1")
    monkeypatch.setenv("LLM_EXTRACT_LLM_MODEL", "qwen-plus")
    llm = LLMClient(Settings(index=tmp_path))
    assert (llm.backend, llm.mode, llm.model) == ("remote", "tools", "qwen-plus")
    monkeypatch.setenv("LLM_EXTRACT_LLM_MODE", "MD_JSON")
    assert LLMClient(Settings(index=tmp_path)).mode == "md_json"


def test_unknown_mode_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match=r"invalid setting llm\.mode='xml'") as info:
        LLMClient(get_settings(index=tmp_path, llm_mode="xml"))
    assert "LLM_EXTRACT_LLM_MODE" in info.value.hint


# ---------------------------------------------------------------------------
# structured output
# ---------------------------------------------------------------------------


def test_structured_json_grammar_puts_schema_in_response_format(tmp_path):
    llm, fake = make(tmp_path, completion(GOOD))
    obj, usage = llm.structured(Indicator, SENTENCE, template_version="v1")
    assert obj.value == 12.5 and obj.unit == "亿元"
    assert type(obj) is Indicator  # not instructor's subclass
    sent = fake.requests[0]
    assert sent["response_format"]["type"] == "json_object"
    assert sent["response_format"]["schema"]["properties"].keys() == Indicator.model_json_schema()["properties"].keys()
    assert (sent["temperature"], sent["seed"], sent["model"]) == (0.0, 42, "qwen2.5-coder-1.5b")
    assert (usage.prompt_tokens, usage.completion_tokens, usage.attempts, usage.calls) == (50, 10, 1, 1)


class WithDefaults(BaseModel):
    metric: str
    yoy_pct: Optional[float] = None
    kind: str = "actual"


def test_grammar_requires_fields_that_default_to_none(tmp_path):
    llm, fake = make(tmp_path, completion('{"metric": "财政收入", "yoy_pct": null, "kind": "actual"}'))
    obj, _ = llm.structured(WithDefaults, SENTENCE, template_version="v1")
    sent = fake.requests[0]["response_format"]["schema"]
    assert sent["required"] == ["metric", "yoy_pct"]  # kind keeps its real default
    assert WithDefaults.model_json_schema()["required"] == ["metric"]  # the model itself is untouched
    assert obj.yoy_pct is None


def test_structured_json_mode_sends_no_schema_grammar(tmp_path):
    llm, fake = make(tmp_path, completion(GOOD), llm_mode="json")
    llm.structured(Indicator, SENTENCE, template_version="v1")
    assert fake.requests[0]["response_format"] == {"type": "json_object"}
    assert "json_schema" in fake.requests[0]["messages"][0]["content"]


def test_structured_tools_mode_reads_tool_arguments(tmp_path):
    llm, fake = make(tmp_path, completion(tool_args=GOOD), llm_mode="tools")
    obj, _ = llm.structured(Indicator, SENTENCE, template_version="v1")
    assert obj.metric == "地区生产总值"
    assert fake.requests[0]["tool_choice"]["function"]["name"] == "Indicator"


def test_validation_error_is_reasked_with_the_error(tmp_path):
    bad = json.dumps({"metric": "地区生产总值", "period": "2013", "value": "十二点五", "unit": "亿元", "yoy_pct": None})
    llm, fake = make(tmp_path, completion(bad, usage=(40, 8)), completion(GOOD, usage=(70, 9)))
    obj, usage = llm.structured(Indicator, SENTENCE, template_version="v1")
    assert obj.value == 12.5
    assert usage.attempts == 2 and usage.prompt_tokens == 110 and usage.completion_tokens == 17
    reask = json.dumps(fake.requests[1]["messages"], ensure_ascii=False)
    assert "十二点五" in reask and "value" in reask  # the bad output and the error went back


def test_last_failed_attempt_raises_typed_error_with_raw_output(tmp_path):
    bad = '{"metric": "x"}'
    llm, fake = make(tmp_path, completion(bad), completion(bad), completion(bad + " "))
    with pytest.raises(LLMOutputError) as info:
        llm.structured(Indicator, SENTENCE, template_version="v1", max_retries=2)
    err = info.value
    assert err.attempts == 3 and err.last_output == bad + " "
    assert "Indicator" in err.message and len(fake.requests) == 3
    assert llm.usage_total().attempts == 3  # failed calls still cost tokens


def test_settings_max_retries_is_the_default(tmp_path):
    llm, fake = make(tmp_path, *[completion("{}")] * 5, llm_max_retries=0)
    with pytest.raises(LLMOutputError) as info:
        llm.structured(Indicator, SENTENCE, template_version="v1")
    assert info.value.attempts == 1 and len(fake.requests) == 1


def test_truncated_output_is_an_output_error(tmp_path):
    llm, _ = make(tmp_path, completion('{"metric": "地区', finish="length"))
    with pytest.raises(LLMOutputError, match="max_tokens"):
        llm.structured(Indicator, SENTENCE, template_version="v1")


# ---------------------------------------------------------------------------
# cache and usage
# ---------------------------------------------------------------------------


def test_cache_makes_a_rerun_free(tmp_path):
    cache = LLMCache(tmp_path / "cache")
    first, fake1 = make(tmp_path, completion(GOOD), llm_cache=True)
    first.cache = cache
    obj1, _ = first.structured(Indicator, SENTENCE, template_version="v1")
    again, fake2 = make(tmp_path, llm_cache=True)  # no outcomes: any request would fail
    again.cache = cache
    obj2, usage = again.structured(Indicator, SENTENCE, template_version="v1")
    assert obj2 == obj1 and fake2.requests == []
    assert (usage.cached, usage.total_tokens) == (1, 0)
    assert len(cache) == 1


def test_a_failed_request_is_remembered_for_the_same_budget_only(tmp_path):
    cache = LLMCache(tmp_path / "cache")
    bad = '{"metric": "x"}'
    first, fake1 = make(tmp_path, completion(bad), completion(bad), llm_cache=True)
    first.cache = cache
    with pytest.raises(LLMOutputError) as info1:
        first.structured(Indicator, SENTENCE, template_version="v1", max_retries=1)
    assert len(fake1.requests) == 2
    again, fake2 = make(tmp_path, llm_cache=True)  # no outcomes: any request would fail the test
    again.cache = cache
    with pytest.raises(LLMOutputError) as info2:
        again.structured(Indicator, SENTENCE, template_version="v1", max_retries=1)
    assert fake2.requests == [] and info2.value.message == info1.value.message
    assert info2.value.last_output == bad and again.usage_total().cached == 1
    # More retries is a different request budget: asked anew (and this time it validates).
    third, fake3 = make(tmp_path, completion(bad), completion(bad), completion(GOOD), llm_cache=True)
    third.cache = cache
    obj, _ = third.structured(Indicator, SENTENCE, template_version="v1", max_retries=2)
    assert obj.value == 12.5 and len(fake3.requests) == 3


def test_cache_key_covers_template_version_model_and_input(tmp_path):
    cache = LLMCache(tmp_path / "cache")
    llm, fake = make(tmp_path, *[completion(GOOD)] * 4, llm_cache=True)
    llm.cache = cache
    llm.structured(Indicator, SENTENCE, template_version="v1")
    llm.structured(Indicator, SENTENCE, template_version="v2")
    llm.structured(Indicator, SENTENCE[:1] + [{"role": "user", "content": "另一句"}], template_version="v1")
    other, fake2 = make(tmp_path, completion(GOOD), llm_cache=True, embedded_model="qwen2.5-coder-0.5b")
    other.cache = cache
    other.structured(Indicator, SENTENCE, template_version="v1")
    assert len(fake.requests) == 3 and len(fake2.requests) == 1 and len(cache) == 4


def test_cache_off_bypasses_disk(tmp_path):
    llm, fake = make(tmp_path, completion(GOOD), completion(GOOD), llm_cache=False)
    assert llm.cache is None
    llm.structured(Indicator, SENTENCE, template_version="v1")
    llm.structured(Indicator, SENTENCE, template_version="v1")
    assert len(fake.requests) == 2
    assert not (tmp_path / "idx" / "llm-cache").exists()


def test_default_cache_lives_under_the_index(tmp_path):
    llm, _ = make(tmp_path, completion(GOOD), llm_cache=True)
    llm.structured(Indicator, SENTENCE, template_version="v1")
    assert list((tmp_path / "idx" / "llm-cache").glob("*/*.json"))


def test_usage_is_summed_per_client(tmp_path):
    llm, _ = make(tmp_path, completion(GOOD, usage=(10, 2)), completion("好的", usage=(5, 1)))
    llm.structured(Indicator, SENTENCE, template_version="v1")
    llm.complete(SENTENCE, template_version="v1")
    total = llm.usage_total()
    assert (total.prompt_tokens, total.completion_tokens, total.calls) == (15, 3, 2)
    assert total.wall_time > 0 and total.to_dict()["total_tokens"] == 18
    assert CallUsage(1, 2) + CallUsage(3, 4) == CallUsage(4, 6)


# ---------------------------------------------------------------------------
# plain completion
# ---------------------------------------------------------------------------


def chunk(content=None, usage=None):
    return ChatCompletionChunk.model_validate(
        {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "fake",
            "choices": [] if content is None else [{"index": 0, "delta": {"content": content}, "finish_reason": None}],
            "usage": usage,
        }
    )


def test_complete_returns_text_and_usage(tmp_path):
    llm, fake = make(tmp_path, completion("地区生产总值12.5亿元。", usage=(30, 7)))
    text, usage = llm.complete(SENTENCE, template_version="qa-v1")
    assert text == "地区生产总值12.5亿元。" and (usage.prompt_tokens, usage.completion_tokens) == (30, 7)
    assert "response_format" not in fake.requests[0]


def test_complete_streams_tokens(tmp_path):
    pieces = ["地区", "生产", "总值"]
    llm, fake = make(tmp_path, iter([chunk(p) for p in pieces] + [chunk(usage={"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12})]))
    seen: list[str] = []
    text, usage = llm.complete(SENTENCE, template_version="qa-v1", stream=True, on_token=seen.append)
    assert seen == pieces and text == "地区生产总值"
    assert (usage.prompt_tokens, usage.completion_tokens, usage.estimated) == (9, 3, False)
    assert fake.requests[0]["stream"] is True


def test_stream_without_usage_counts_chunks_and_the_prompt_with_the_models_tokenizer(tmp_path):
    class Tokenizer:
        def count(self, messages):
            return 17 * len(messages)

    llm, _ = make(tmp_path, iter([chunk("a"), chunk("b")]))
    llm._tokenizer = Tokenizer()
    _, usage = llm.complete(SENTENCE, template_version="qa-v1", stream=True)
    assert (usage.prompt_tokens, usage.completion_tokens, usage.estimated) == (17 * len(SENTENCE), 2, False)


def test_stream_without_usage_or_tokenizer_is_marked_estimated(tmp_path):
    llm, _ = make(tmp_path, iter([chunk("a"), chunk("b")]))
    llm._tokenizer = False  # the model's vocabulary could not be loaded
    _, usage = llm.complete(SENTENCE, template_version="qa-v1", stream=True)
    assert (usage.prompt_tokens, usage.completion_tokens, usage.estimated) == (0, 2, True)


def test_cached_stream_replays_the_text_once(tmp_path):
    llm, fake = make(tmp_path, completion("答案"), llm_cache=True)
    llm.complete(SENTENCE, template_version="qa-v1")
    seen: list[str] = []
    text, usage = llm.complete(SENTENCE, template_version="qa-v1", stream=True, on_token=seen.append)
    assert text == "答案" and seen == ["答案"] and usage.cached == 1 and len(fake.requests) == 1


# ---------------------------------------------------------------------------
# transport failures
# ---------------------------------------------------------------------------


def test_transient_failures_are_retried(tmp_path):
    llm, fake = make(tmp_path, conn_error(), status_error(503), completion(GOOD))
    obj, usage = llm.structured(Indicator, SENTENCE, template_version="v1")
    assert obj.value == 12.5 and len(fake.requests) == 3 and usage.attempts == 1


def test_persistent_connection_failure_names_the_endpoint(tmp_path):
    llm, fake = make(tmp_path, *[conn_error()] * 10)
    llm.transport_retries = 2
    with pytest.raises(LLMConnectionError) as info:
        llm.structured(Indicator, SENTENCE, template_version="v1")
    assert "http://fake.invalid/v1" in info.value.message and "3 tries" in info.value.message
    assert len(fake.requests) == 3
    assert "\n" not in info.value.one_line()


def test_client_errors_are_not_retried(tmp_path):
    llm, fake = make(tmp_path, status_error(400), completion(GOOD))
    with pytest.raises(LLMError, match="HTTP 400") as info:
        llm.complete(SENTENCE, template_version="v1")
    assert not isinstance(info.value, LLMConnectionError) and len(fake.requests) == 1


def test_rate_limit_is_retried(tmp_path):
    llm, fake = make(tmp_path, status_error(429), completion("ok"))
    assert llm.complete(SENTENCE, template_version="v1")[0] == "ok" and len(fake.requests) == 2


# ---------------------------------------------------------------------------
# secrets, over a real openai client and a mock transport
# ---------------------------------------------------------------------------


def remote_llm(tmp_path, handler) -> LLMClient:
    settings = Settings(
        index=tmp_path, llm_base_url="http://llm.invalid/v1", llm_model="m", llm_api_key=SECRET, llm_cache=False
    )
    llm = LLMClient(settings)
    llm.backoff = 0
    real = openai.OpenAI(
        base_url=settings.llm.base_url,
        api_key=settings.llm.api_key.get_secret_value(),
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )
    llm._client = real  # the transport is the only thing replaced
    return llm


def test_api_key_reaches_only_the_authorization_header(tmp_path):
    seen = []

    def handler(request):
        seen.append(request)
        return httpx2.Response(200, json=completion("ok").model_dump())

    llm = remote_llm(tmp_path, handler)
    assert llm.complete(SENTENCE, template_version="v1")[0] == "ok"
    assert seen[0].headers["authorization"] == f"Bearer {SECRET}"
    assert SECRET not in seen[0].content.decode()
    assert SECRET not in repr(llm) and SECRET not in repr(llm.settings)


def test_key_never_appears_in_errors_or_tracebacks(tmp_path):
    def handler(request):
        body = {"error": {"message": f"Incorrect API key provided: {SECRET}", "type": "invalid_request_error"}}
        status = 401 if "chat" in request.url.path else 500
        return httpx2.Response(status, json=body)

    llm = remote_llm(tmp_path, handler)
    with pytest.raises(LLMError) as info:
        llm.structured(Indicator, SENTENCE, template_version="v1")
    text = "".join(traceback.format_exception(info.value)) + repr(info.value) + info.value.one_line()
    assert "401" in text and SECRET not in text

    def echo_400(request):
        return httpx2.Response(400, json={"error": {"message": f"bad key {SECRET}"}})

    llm = remote_llm(tmp_path, echo_400)
    with pytest.raises(LLMError) as info:
        llm.complete(SENTENCE, template_version="v1")
    text = "".join(traceback.format_exception(info.value))
    assert "HTTP 400" in text and SECRET not in text and "***" in text


def test_unreachable_endpoint_is_a_connection_error_without_fallback(tmp_path):
    settings = Settings(index=tmp_path, llm_base_url="http://127.0.0.1:9/v1", llm_model="m", llm_api_key=SECRET, llm_cache=False)
    llm = LLMClient(settings)
    llm.backoff = 0
    llm.transport_retries = 1
    with pytest.raises(LLMConnectionError) as info:
        llm.complete(SENTENCE, template_version="v1")
    assert "127.0.0.1:9" in info.value.message and "2 tries" in info.value.message
    assert SECRET not in "".join(traceback.format_exception(info.value))
    assert llm._server is None  # a configured endpoint never falls back to the embedded model


# ---------------------------------------------------------------------------
# embedded backend lifecycle
# ---------------------------------------------------------------------------


class FakeServer:
    instances: list["FakeServer"] = []

    def __init__(self, settings):
        self.url = "http://127.0.0.1:1/v1"
        self.started = self.stopped = 0
        FakeServer.instances.append(self)

    def start(self):
        self.started += 1
        return self

    def stop(self):
        self.stopped += 1


def test_embedded_server_is_started_lazily_once_and_stopped(tmp_path, monkeypatch):
    import llm_extract.llm.server as server_mod

    FakeServer.instances = []
    monkeypatch.setattr(server_mod, "EmbeddedServer", FakeServer)
    with LLMClient(Settings(index=tmp_path, llm_cache=False)) as llm:
        assert FakeServer.instances == []
        client = llm._openai()
        assert llm._openai() is client and str(client.base_url).startswith("http://127.0.0.1:1/v1")
        assert len(FakeServer.instances) == 1 and FakeServer.instances[0].started == 1
    assert FakeServer.instances[0].stopped == 1


def test_running_model_serve_is_reused(tmp_path, monkeypatch):
    import llm_extract.llm.server as server_mod

    FakeServer.instances = []
    monkeypatch.setattr(server_mod, "EmbeddedServer", FakeServer)
    monkeypatch.setattr(server_mod, "resolve_endpoint", lambda settings: "http://127.0.0.1:7777/v1")
    with LLMClient(Settings(index=tmp_path, llm_cache=False)) as llm:
        assert str(llm._openai().base_url).startswith("http://127.0.0.1:7777/v1")
    assert FakeServer.instances == []


# ---------------------------------------------------------------------------
# recorded from the real embedded Qwen2.5-Coder-1.5B (scripts/record_cassettes.sh)
# ---------------------------------------------------------------------------


class YearIndicator(Indicator):
    @field_validator("period")
    @classmethod
    def _four_digit_year(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and not (len(v) == 4 and v.isdigit()):
            raise ValueError("period must be exactly four digits such as 2013, without 年")
        return v


class NeverValid(Indicator):
    @field_validator("metric")
    @classmethod
    def _reject(cls, v: str) -> str:
        raise ValueError("metric must be written in Latin letters")


@pytest.mark.parametrize("mode", ["json", "json_grammar", "tools", "md_json"])
def test_recorded_structured_call(cassette_llm, llm_cassette, mode):
    llm = cassette_llm(llm_mode=mode)
    obj, usage = llm.structured(Indicator, SENTENCE, template_version="test-v1", max_retries=0)
    assert "生产总值" in obj.metric and obj.value == 12.5 and obj.unit == "亿元"
    assert usage.prompt_tokens > 0 and usage.completion_tokens > 0 and usage.attempts == 1
    assert len(llm_cassette.requests) == 1
    headers = {k.lower() for k in llm_cassette.requests[0].headers}
    assert "authorization" not in headers


def test_recorded_completion(cassette_llm):
    text, usage = cassette_llm().complete(
        [{"role": "user", "content": "用一句话说明什么是政府工作报告。"}], template_version="test-v1"
    )
    assert "报告" in text and usage.completion_tokens > 0


def test_recorded_streamed_completion(cassette_llm):
    pieces: list[str] = []
    text, usage = cassette_llm().complete(
        [{"role": "user", "content": "“同比增长”是什么意思？用一句话回答。"}],
        template_version="test-v1",
        stream=True,
        on_token=pieces.append,
    )
    assert len(pieces) > 1 and "".join(pieces) == text and usage.completion_tokens == len(pieces)


def test_recorded_validation_retry(cassette_llm, llm_cassette):
    llm = cassette_llm(llm_mode="json_grammar")
    obj, usage = llm.structured(YearIndicator, SENTENCE, template_version="test-v1", max_retries=2)
    assert obj.period == "2013" and usage.attempts >= 2
    reask = llm_cassette.requests[1].body.decode()
    assert "four digits" in reask  # the validation error went back to the model


def test_recorded_retries_exhausted(cassette_llm):
    llm = cassette_llm(llm_mode="json_grammar")
    with pytest.raises(LLMOutputError) as info:
        llm.structured(NeverValid, SENTENCE, template_version="test-v1", max_retries=1)
    assert info.value.attempts == 2 and info.value.last_output and "metric" in info.value.last_output
