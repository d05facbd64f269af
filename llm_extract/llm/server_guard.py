"""Runs the model server as its child, and takes it down when the process that started us is gone.

The server gets its own session so a terminal's Ctrl-C reaches only the CLI,
which stops it after in-flight cleanup.  But a CLI killed outright (``kill -9``,
the OOM killer, a SIGTERM while the server was started from a worker thread,
where Python cannot install handlers) runs no cleanup, and a 3 GB server
would be left behind.  This guard sits between the two: it notices that its
parent changed (it was re-parented) and stops the server within a second.

    python -m llm_extract.llm.server_guard <parent pid> -- <server command...>

When the server dies on its own (a crash inside llama.cpp, the OOM killer), the guard
writes one line naming the signal or exit code into the shared log and exits with
``128 + signal`` (or the server's code), so the client can say *how* it died.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Optional

POLL_SECONDS = 1.0


def main(argv: Optional[list[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 3 or argv[1] != "--":
        print("usage: python -m llm_extract.llm.server_guard PARENT_PID -- COMMAND...", file=sys.stderr)
        return 2
    parent, cmd = int(argv[0]), argv[2:]
    child = subprocess.Popen(cmd)  # same process group and log as us: a killpg reaches both

    stopping = []

    def forward(signum, _frame) -> None:
        stopping.append(signum)
        if child.poll() is None:
            child.send_signal(signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, forward)
    while True:
        try:
            code = child.wait(timeout=POLL_SECONDS)
        except subprocess.TimeoutExpired:
            pass
        else:
            return _report_exit(code, quiet=bool(stopping))
        if os.getppid() != parent:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            return 0


def describe_exit(code: int) -> str:
    """``signal 11 (SIGSEGV)`` for a negative Popen code or a ``128 + n`` shell-style code, else ``exit code N``."""
    signum = -code if code < 0 else code - 128 if 128 < code < 128 + 65 else 0
    if signum:
        try:
            return f"signal {signum} ({signal.Signals(signum).name})"
        except ValueError:
            return f"signal {signum}"
    return f"exit code {code}"


def _report_exit(code: int, *, quiet: bool = False) -> int:
    """Log how the server ended and pass it on: ``128 + signal`` for a signal, else its own code."""
    if code != 0 and not quiet:
        print(f"=== model server ended with {describe_exit(code)}", file=sys.stderr, flush=True)
    return 128 + (-code) if code < 0 else code


if __name__ == "__main__":
    sys.exit(main())
