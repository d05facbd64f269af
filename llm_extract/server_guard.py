"""Runs the model server as its child, and takes it down when the process that started us is gone.

The server gets its own session so a terminal's Ctrl-C reaches only the CLI,
which stops it after in-flight cleanup.  But a CLI killed outright (``kill -9``,
the OOM killer, a SIGTERM while the server was started from a worker thread,
where Python cannot install handlers) runs no cleanup, and a 3 GB server
would be left behind.  This guard sits between the two: it notices that its
parent changed (it was re-parented) and stops the server within a second.

    python -m llm_extract.server_guard <parent pid> -- <server command...>
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
        print("usage: python -m llm_extract.server_guard PARENT_PID -- COMMAND...", file=sys.stderr)
        return 2
    parent, cmd = int(argv[0]), argv[2:]
    child = subprocess.Popen(cmd)  # same process group and log as us: a killpg reaches both

    def forward(signum, _frame) -> None:
        if child.poll() is None:
            child.send_signal(signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, forward)
    while True:
        try:
            return child.wait(timeout=POLL_SECONDS)
        except subprocess.TimeoutExpired:
            pass
        if os.getppid() != parent:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            return 0


if __name__ == "__main__":
    sys.exit(main())
