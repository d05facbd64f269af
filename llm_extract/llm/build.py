"""The llama.cpp runtime behind the embedded model: how it was built and whether this CPU can run it.

``scripts/build_runtime.py`` compiles llama-cpp-python for a fixed, portable instruction set
and leaves a stamp (``<venv>/llama-runtime.json``) naming the profile, the CMake flags and the
CPU flags the code needs.  Before a server starts, :func:`check_cpu` compares those with this
CPU, so a virtualenv copied to an older machine fails with one line instead of SIGILL.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Optional

from ..core.cpu import cpu_flags
from ..core.errors import ModelError

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
