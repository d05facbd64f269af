"""A model server that crashes, drops a stream or fails is one clear line and the right exit code.

The embedded server is replaced by ``tests/fake_llm_server.py`` (see ``tests/fault_cli.py``):
a process that answers health checks, then kills itself with SIGSEGV, cuts a streamed answer,
or returns HTTP 500.  ``ask``, ``extract`` and ``eval`` run as real subprocesses.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fake_llm_server import serve_in_thread

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "corpus"
SMALL = CORPUS / "004_8f4dc4ad24e9474b.txt"


def run_cli(*args: str, index: Path, mode: str | None = None, env: dict | None = None, timeout: float = 600):
    """The CLI in a subprocess; with ``mode`` its embedded server is the fake in that mode."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("LLM_EXTRACT_")}
    # These faults are the model's: questions go to the model route, not the stored records.
    full_env.update(LLM_EXTRACT_INDEX=str(index), LLM_EXTRACT_LLM_CACHE="false", LLM_EXTRACT_ASK_RECORDS="false",
                    **(env or {}))
    if mode:
        full_env["FAKE_LLM_MODE"] = mode
        cmd = [sys.executable, str(ROOT / "tests" / "fault_cli.py"), *args]
    else:
        cmd = [sys.executable, "-m", "llm_extract.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=full_env, cwd=ROOT, timeout=timeout)


def assert_one_line_error(proc: subprocess.CompletedProcess, code: int, *needles: str) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, proc.stderr[-2000:]
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    index = tmp_path_factory.mktemp("faults") / "index"
    proc = run_cli("ingest", str(SMALL), index=index)
    assert proc.returncode == 0, proc.stderr
    return index


def test_ask_when_the_server_segfaults_names_the_signal_the_log_and_the_fix(index):
    proc = run_cli("ask", "徐泾镇2013年地区生产总值的预期目标是多少？", index=index, mode="segv")
    line = assert_one_line_error(proc, 5, "died with signal 11 (SIGSEGV)", "llm-server.log", "make setup",
                                 "LLM_EXTRACT_LLM_BASE_URL")
    assert "crashing on purpose" in line  # the log's last lines travel with the message


def test_a_server_that_crashes_while_starting_is_one_line(index):
    proc = run_cli("ask", "徐泾镇2013年地区生产总值的预期目标是多少？", index=index, mode="segv-start")
    assert_one_line_error(proc, 5, "died with signal 11 (SIGSEGV) during start-up", "make setup")


@pytest.mark.parametrize("mode,needle", [("drop", "dropped the answer"), ("500", "HTTP 500")],
                         ids=["stream-cut-mid-answer", "http-500"])
def test_ask_against_an_endpoint_that_fails_is_one_line(index, mode, needle):
    server, url = serve_in_thread(mode)
    try:
        proc = run_cli("ask", "徐泾镇2013年地区生产总值的预期目标是多少？", index=index,
                       env={"LLM_EXTRACT_LLM_BASE_URL": url, "LLM_EXTRACT_LLM_MODEL": "fake"})
    finally:
        server.shutdown()
    assert_one_line_error(proc, 6, needle)


def test_extract_when_the_server_always_crashes_keeps_progress_and_exits_5(tmp_path, index):
    out = tmp_path / "records.jsonl"
    proc = run_cli("extract", str(SMALL), "--schema", "task", "--backend", "llm", "--out", str(out),
                   index=tmp_path / "idx", mode="segv")
    assert_one_line_error(proc, 5, "died with signal 11 (SIGSEGV)")
    assert not out.exists()  # the output is only ever written whole


def test_extract_survives_one_server_death_by_restarting_it(tmp_path):
    out = tmp_path / "records.jsonl"
    state = tmp_path / "crashed-once"
    proc = run_cli("extract", str(SMALL), "--schema", "task", "--backend", "llm", "--out", str(out),
                   index=tmp_path / "idx", mode="segv-once", env={"FAKE_LLM_STATE": str(state)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert state.exists()  # it did crash once
    assert "restarting it" in proc.stderr and "Traceback" not in proc.stderr
    assert out.exists()


def test_eval_when_the_server_crashes_is_one_line(tmp_path):
    # A two-question gold set beside a copy of its source file.
    (tmp_path / "examples" / "corpus").mkdir(parents=True)
    shutil.copy(SMALL, tmp_path / "examples" / "corpus" / SMALL.name)
    gold = tmp_path / "evalset"
    (gold / "gold").mkdir(parents=True)
    items = [json.loads(line) for line in (ROOT / "eval" / "gold" / "qa.jsonl").read_text(encoding="utf-8").splitlines()
             if SMALL.stem in line][:2]
    (gold / "gold" / "qa.jsonl").write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    proc = run_cli("eval", "--gold", str(gold), "--only", "qa", "--split", "all", "--no-thresholds", index=tmp_path / "idx",
                   mode="segv")
    assert_one_line_error(proc, 5, "died with signal 11 (SIGSEGV)")
