"""This CPU's feature flags. Imports nothing (``scripts/build_runtime.py`` loads it by path before
the package's dependencies are installed)."""

from __future__ import annotations

from pathlib import Path


def cpu_flags() -> set[str]:
    """Feature flags as /proc/cpuinfo spells them (``avx2``, ``amx_tile`` …); empty where it does not exist."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()
