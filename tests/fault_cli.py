"""Run the real CLI with a misbehaving "embedded model server" (fault-injection tests only).

    FAKE_LLM_MODE=segv python tests/fault_cli.py ask "…"

The CLI starts its embedded server exactly as in production (guard process, own session,
log file, health wait); only the server command is swapped for ``tests/fake_llm_server.py``
and no weights are needed.  Everything after that — the crash, the dropped stream, the
error message and exit code — is the product's own code.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def _patch() -> None:
    from llm_extract.llm import server

    mode = os.environ.get("FAKE_LLM_MODE", "ok")
    state = os.environ.get("FAKE_LLM_STATE", "")

    def command(self, model_file):
        cmd = [sys.executable, str(HERE / "fake_llm_server.py"), "--port", str(self.port), "--mode", mode]
        return cmd + (["--state", state] if state else [])

    server.EmbeddedServer.command = command
    server.ensure_model = lambda settings=None, **kw: Path("fake-model.gguf")


if __name__ == "__main__":
    _patch()
    from llm_extract.cli import main

    sys.argv[0] = "llm-extract"
    main()
