"""What ``llm-extract model status`` reports: configuration, weights, a running shared server, and
(with ``--check``) a smoke check that starts the model and really generates tokens."""

from __future__ import annotations

import time
from typing import Optional

from ..core.config import Settings
from .server import running_server
from .weights import MODELS, missing_packages, model_path, verify


def model_status(settings: Optional[Settings] = None, *, full: bool = False) -> dict:
    """What is configured, where the weights are and whether they verify (no secrets)."""
    settings = settings or Settings()
    status: dict = {
        "backend": "remote" if settings.llm.base_url else "embedded",
        "base_url": settings.llm.base_url,
        "model": settings.llm.model,
        "api_key": "set" if settings.llm.api_key and settings.llm.api_key.get_secret_value() else "not set",
        "mode": settings.llm.mode,
        "embedded_model": settings.embedded.model,
    }
    spec = MODELS.get(settings.embedded.model)
    if spec is None:
        status["error"] = f"unknown embedded model {settings.embedded.model!r}"
        return status
    path = model_path(settings)
    missing = missing_packages(spec)
    status.update(
        {
            "title": spec.title,
            "file": str(path),
            "assembled": path.is_file(),
            "size": path.stat().st_size if path.is_file() else None,
            "expected_sha256": spec.sha256,
            "verified": verify(settings, full=full) if path.is_file() else False,
            "packages_installed": len(spec.packages) - len(missing),
            "packages_total": len(spec.packages),
            "missing_packages": missing,
        }
    )
    status["server"] = running_server(settings)
    return status


def smoke_check(settings: Optional[Settings] = None, *, llm=None, gen_tokens: int = 24) -> dict:
    """Start (or reach) the model, generate a few tokens and measure prompt and generation speed.

    Two requests with the same prompt: the first asks for one token (prompt processing), the
    second for ``gen_tokens`` tokens; llama.cpp reuses the cached prompt, so the second's time
    is generation.  Raises the usual typed errors when the model cannot answer.
    """
    from .client import LLMClient

    settings = settings or Settings()
    own = llm is None
    llm = llm or LLMClient(settings.replace(llm_cache=False))
    messages = [
        {"role": "system", "content": "你是一个简洁的助手。"},
        {"role": "user", "content": "请用一句话介绍政府工作报告的作用，并列出三个常见的经济指标名称。" * 3},
    ]
    try:
        t0 = time.perf_counter()
        llm.start()
        started = time.perf_counter() - t0
        first = llm.raw_completion(messages, max_tokens=1)
        second = llm.raw_completion(messages, max_tokens=gen_tokens)
    finally:
        if own:
            llm.close()
    prompt_tps = first["prompt_tokens"] / first["seconds"] if first["seconds"] > 0 else None
    gen = max(second["completion_tokens"], 1)
    return {
        "endpoint": llm.endpoint,
        "model": llm.model,
        "start_seconds": round(started, 2),
        "prompt_tokens": first["prompt_tokens"],
        "prompt_tokens_per_second": round(prompt_tps, 1) if prompt_tps else None,
        "generated_tokens": second["completion_tokens"],
        "generation_tokens_per_second": round(gen / second["seconds"], 1) if second["seconds"] > 0 else None,
        "sample": second["text"][:60],
    }
