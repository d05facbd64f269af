"""The llama.cpp runtime behind the embedded model: how it was built, whether this CPU can run it,
and a smoke check that really generates tokens.

``scripts/build_runtime.py`` compiles llama-cpp-python for a fixed, portable instruction set
and leaves a stamp (``<venv>/llama-runtime.json``) naming the profile, the CMake flags and the
CPU flags the code needs.  Before a server starts, :func:`check_cpu` compares those with this
CPU, so a virtualenv copied to an older machine fails with one line instead of SIGILL.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

from .config import Settings
from .cpu import cpu_flags
from .errors import ModelError

STAMP_NAME = "llama-runtime.json"
REBUILD_HINT = "rebuild it for this machine with `make setup` (runs scripts/build_runtime.py)"


def build_stamp() -> Optional[dict]:
    """The stamp ``scripts/build_runtime.py`` wrote into this virtualenv, if any."""
    try:
        return json.loads((Path(sys.prefix) / STAMP_NAME).read_text())
    except (OSError, ValueError):
        return None


def missing_cpu_flags(stamp: Optional[dict] = None, flags: Optional[set[str]] = None) -> list[str]:
    """CPU features the installed build needs that this CPU lacks ([] when unknown or all present)."""
    stamp = build_stamp() if stamp is None else stamp
    flags = cpu_flags() if flags is None else flags
    if not stamp or not flags:
        return []
    return [f for f in stamp.get("required_cpu_flags", []) if f not in flags]


def check_cpu(stamp: Optional[dict] = None, flags: Optional[set[str]] = None) -> None:
    """Raise a one-line :class:`ModelError` when the installed llama.cpp cannot run on this CPU."""
    missing = missing_cpu_flags(stamp, flags)
    if missing:
        profile = (stamp or build_stamp() or {}).get("profile", "?")
        raise ModelError(
            f"the installed llama.cpp runtime was built for {profile} but this CPU lacks {', '.join(missing)}",
            hint=REBUILD_HINT,
        )


def system_info(timeout: float = 60.0) -> dict[str, str]:
    """``llama_print_system_info()`` of the installed library, parsed into ``{feature: value}``.

    Runs in a child process: a library built for other CPUs may die on import, and that must
    become a message, not take this process down.
    """
    code = "import llama_cpp, sys; sys.stdout.write(llama_cpp.llama_print_system_info().decode())"
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ModelError("llama.cpp did not report its system info within a minute", hint=REBUILD_HINT) from None
    if done.returncode != 0:
        from .server_guard import describe_exit

        last = (done.stderr.strip().splitlines() or [""])[-1][:200]
        raise ModelError(f"loading llama.cpp failed with {describe_exit(done.returncode)}: {last}", hint=REBUILD_HINT)
    return parse_system_info(done.stdout)


def parse_system_info(text: str) -> dict[str, str]:
    """``"CPU : SSE3 = 1 | AVX2 = 1 | OPENMP = 1 |"`` → ``{"SSE3": "1", "AVX2": "1", "OPENMP": "1"}``."""
    info: dict[str, str] = {}
    for part in text.replace("\n", "|").split("|"):
        if "=" in part:
            key, _, value = part.rpartition("=")
            key = key.split(":")[-1].strip()
            if key:
                info[key] = value.strip()
    return info


def smoke_check(settings: Optional[Settings] = None, *, llm=None, gen_tokens: int = 24) -> dict:
    """Start (or reach) the model, generate a few tokens and measure prompt and generation speed.

    Two requests with the same prompt: the first asks for one token (prompt processing), the
    second for ``gen_tokens`` tokens; llama.cpp reuses the cached prompt, so the second's time
    is generation.  Raises the usual typed errors when the model cannot answer.
    """
    from .llm import LLMClient

    settings = settings or Settings()
    own = llm is None
    llm = llm or LLMClient(settings.model_copy(update={"llm_cache": False}))
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
