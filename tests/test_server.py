"""Embedded server lifecycle, with a tiny stand-in for ``llama_cpp.server`` (the real one is the integration test)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import llm_extract.llm.server as server_mod
from llm_extract.core.config import Settings
from llm_extract.core.errors import ModelError
from llm_extract.llm.server import (
    EmbeddedServer,
    free_port,
    is_healthy,
    pid_alive,
    resolve_endpoint,
    running_server,
    serve_forever,
    server_file,
)

FAKE_SERVER = textwrap.dedent(
    """
    import http.server, sys, time
    port, behaviour = int(sys.argv[1]), sys.argv[2]
    if behaviour == "die":
        print("error: failed to load model weights", file=sys.stderr)
        sys.exit(3)
    if behaviour == "slow":
        time.sleep(60)
    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/v1/models" else 404)
            self.end_headers()
            self.wfile.write(b'{"data": []}')
        def log_message(self, *a):
            pass
    print("fake llama server listening", file=sys.stderr, flush=True)
    http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
    """
)


@pytest.fixture
def fake_llama(tmp_path, monkeypatch):
    script = tmp_path / "fake_llama.py"
    script.write_text(FAKE_SERVER)
    behaviour = {"mode": "ok"}

    def command(self, model_file):
        assert model_file == tmp_path / "weights.gguf"
        return [sys.executable, str(script), str(self.port), behaviour["mode"]]

    monkeypatch.setattr(EmbeddedServer, "command", command)
    monkeypatch.setattr(server_mod, "ensure_model", lambda settings: tmp_path / "weights.gguf")
    (tmp_path / "idx").mkdir()
    settings = Settings(index=tmp_path / "idx", models_dir=tmp_path / "models", server_start_timeout=20)
    return settings, behaviour


def test_real_command_line(tmp_path):
    s = Settings(index=tmp_path, n_ctx=2048, n_threads=3, llm_seed=7)
    server = EmbeddedServer(s, port=5555)
    cmd = server.command(Path("/m/w.gguf"))
    assert cmd[:3] == [sys.executable, "-m", "llama_cpp.server"]
    args = dict(zip(cmd[3::2], cmd[4::2]))
    assert args["--model"] == "/m/w.gguf" and args["--host"] == "127.0.0.1" and args["--port"] == "5555"
    assert (args["--n_ctx"], args["--n_threads"], args["--seed"]) == ("2048", "3", "7")
    assert args["--model_alias"] == "qwen2.5-coder-1.5b"
    assert server.url == "http://127.0.0.1:5555/v1"


def test_child_env_carries_no_secrets(monkeypatch):
    monkeypatch.setenv("LLM_EXTRACT_LLM_API_KEY", "sk-secret")
    monkeypatch.setenv("PORT", "1")
    env = server_mod._child_env()
    assert "LLM_EXTRACT_LLM_API_KEY" not in env and "PORT" not in env and "PATH" in env


def test_starts_healthy_and_stops(fake_llama):
    settings, _ = fake_llama
    with EmbeddedServer(settings) as server:
        assert server.alive() and is_healthy(server.url)
        assert server.url.startswith("http://127.0.0.1:")
        assert os.getpgid(server.pid) == server.pid  # own process group
        pid = server.pid
        assert server.started_in is not None and server.started_in < 20
    assert not pid_alive(pid) and server.proc is None
    assert "fake llama server listening" in (settings.index.dir / "llm-server.log").read_text()


def test_log_goes_beside_the_weights_without_an_index(fake_llama, tmp_path):
    settings, _ = fake_llama
    settings = Settings(**{**settings.model_dump(), "index": tmp_path / "not-yet"})
    with EmbeddedServer(settings) as server:
        assert server.log_file == tmp_path / "llm-server.log"
    assert not (tmp_path / "not-yet").exists()


def test_dying_server_raises_with_the_log_tail(fake_llama):
    settings, behaviour = fake_llama
    behaviour["mode"] = "die"
    with pytest.raises(ModelError) as info:
        EmbeddedServer(settings).start()
    assert "exited with code 3" in info.value.message
    assert "failed to load model weights" in info.value.message
    assert info.value.path.endswith("llm-server.log")


def test_unhealthy_server_times_out_and_is_killed(fake_llama):
    settings, behaviour = fake_llama
    behaviour["mode"] = "slow"
    settings = Settings(**{**settings.model_dump(), "server_start_timeout": 1.5})
    server = EmbeddedServer(settings)
    with pytest.raises(ModelError, match="not healthy after"):
        server.start()
    assert server.proc is None and server_mod._LIVE == set()


def test_free_port_is_bindable():
    import socket

    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_announced_server_is_reused_only_while_alive(fake_llama):
    settings, _ = fake_llama
    assert resolve_endpoint(settings) is None
    with EmbeddedServer(settings) as server:
        server_file(settings).write_text(json.dumps({"url": server.url, "pid": server.pid, "model": settings.embedded.model}))
        assert resolve_endpoint(settings) == server.url
        other = Settings(**{**settings.model_dump(), "embedded_model": "qwen2.5-coder-0.5b"})
        assert resolve_endpoint(other) is None  # different weights: do not reuse
    assert running_server(settings) is None and resolve_endpoint(settings) is None  # stale announcement


def test_explicit_server_url_wins(tmp_path):
    assert resolve_endpoint(Settings(index=tmp_path, server_url="http://127.0.0.1:8080/v1/")) == "http://127.0.0.1:8080/v1"


def test_serve_forever_announces_and_cleans_up(fake_llama):
    settings, _ = fake_llama
    seen = {}

    def on_ready(server):
        seen["info"] = running_server(settings)
        seen["url"] = server.url
        server.proc.terminate()  # the server going away ends serve_forever

    code = serve_forever(settings, on_ready=on_ready)
    assert seen["info"]["url"] == seen["url"] and seen["info"]["model"] == "qwen2.5-coder-1.5b"
    assert code != 0
    assert not server_file(settings).exists()


DRIVER = textwrap.dedent(
    """
    import signal, sys, time
    # A command typed at a terminal gets Ctrl-C; one started from a background job inherits SIGINT ignored,
    # which would make this test depend on how the test run itself was launched.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.path.insert(0, {root!r})
    import llm_extract.llm.server as m
    from llm_extract.core.config import Settings
    m.EmbeddedServer.command = lambda self, f: [sys.executable, {script!r}, str(self.port), "ok"]
    m.ensure_model = lambda s: None
    server = m.EmbeddedServer(Settings(index={index!r}, server_start_timeout=20))
    with server:
        print(server.pid, flush=True)
        time.sleep(60)
    """
)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_to_the_command_stops_the_server(fake_llama, tmp_path, sig):
    settings, _ = fake_llama
    script = tmp_path / "fake_llama.py"
    driver = tmp_path / "driver.py"
    root = str(Path(__file__).resolve().parent.parent)
    driver.write_text(DRIVER.format(root=root, script=str(script), index=str(settings.index.dir)))
    proc = subprocess.Popen([sys.executable, str(driver)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        child = int(proc.stdout.readline())
        assert pid_alive(child)
        proc.send_signal(sig)
        proc.wait(timeout=20)
        deadline = time.monotonic() + 10
        while pid_alive(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not pid_alive(child), "embedded server outlived the command"
    finally:
        if proc.poll() is None:
            proc.kill()


ORPHAN_PARENT = textwrap.dedent(
    """
    import sys, threading, time
    from pathlib import Path
    import llm_extract.llm.server as sm
    from llm_extract.core.config import Settings
    fake, idx = sys.argv[1], sys.argv[2]
    sm.ensure_model = lambda settings: Path(idx) / "weights.gguf"
    sm.EmbeddedServer.command = lambda self, model_file: [sys.executable, fake, str(self.port), "ok"]
    out = {}
    def start():  # from a worker thread, as bulk extraction does: no signal handler can be installed there
        out["server"] = sm.EmbeddedServer(Settings(index=idx, server_start_timeout=20)).start()
    t = threading.Thread(target=start)
    t.start()
    t.join()
    print(out["server"].pid, out["server"].model_pid(), flush=True)
    time.sleep(120)
    """
)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_server_dies_with_the_process_that_started_it(tmp_path, how):
    fake = tmp_path / "fake_llama.py"
    fake.write_text(FAKE_SERVER)
    (tmp_path / "idx").mkdir()
    parent = subprocess.Popen([sys.executable, "-c", ORPHAN_PARENT, str(fake), str(tmp_path / "idx")],
                              stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent)
    guard, model = (int(x) for x in parent.stdout.readline().split())
    assert guard != model and pid_alive(model)
    parent.send_signal(how)
    parent.wait(timeout=20)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (pid_alive(model) or pid_alive(guard)):
        time.sleep(0.2)
    assert not pid_alive(model) and not pid_alive(guard)
