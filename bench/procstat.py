"""Memory of the current process from /proc (Linux).

``resource.getrusage(...).ru_maxrss`` is not used: Linux carries it across
``execve``, so a benchmark started by a bigger parent would report the
parent's peak.  ``VmHWM`` is this process image's own high-water mark.
"""

from __future__ import annotations

from pathlib import Path


def _status_mb(key: str) -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def rss_mb() -> float:
    """Current resident set size, MB."""
    return _status_mb("VmRSS")


def peak_rss_mb() -> float:
    """Peak resident set size of this process since it started (or exec'd), MB."""
    return _status_mb("VmHWM")
