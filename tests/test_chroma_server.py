"""Ingest and search through a real Chroma server (``chroma run``) on a loopback port.

The server is the one the chromadb package installs (``.venv/bin/chroma``),
started by the fixture on a free 127.0.0.1 port with its data in tmp_path, and
always stopped (SIGTERM, then SIGKILL after a bound).  The embedder is a fast
deterministic fake: this tests the client/server path, not embedding quality.
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from llm_extract.core.config import Settings
from llm_extract.core.errors import IndexStoreError
from llm_extract.index.ingest import ingest
from llm_extract.index.retrieval import Retriever

from fakes import BigramEmbedder

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def _chroma_cli() -> str | None:
    beside = Path(sys.executable).with_name("chroma")
    return str(beside) if beside.exists() else shutil.which("chroma")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _heartbeat(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1.0) as resp:
            return resp.status == 200
    except OSError:
        return False


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=STOP_TIMEOUT)


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    cli = _chroma_cli()
    if cli is None:
        pytest.fail("the chroma CLI (installed with chromadb) is missing from the environment")
    data = tmp_path_factory.mktemp("chroma-server")
    log = open(data / "server.log", "wb")
    proc = None
    try:
        for _attempt in range(3):  # the free port can be taken between probing and binding
            port = _free_port()
            url = f"http://127.0.0.1:{port}"
            proc = subprocess.Popen(
                [cli, "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline and proc.poll() is None and not _heartbeat(url):
                time.sleep(0.2)
            if proc.poll() is None and _heartbeat(url):
                break
            _stop(proc)
            proc = None
        if proc is None:
            pytest.fail("chroma server did not start:\n" + (data / "server.log").read_text(errors="replace")[-2000:])
        yield url
    finally:
        if proc is not None:
            _stop(proc)
        log.close()


@pytest.fixture(scope="module")
def ingested(chroma_url, tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus")
    for f in CORPUS.glob("*.txt"):
        shutil.copy(f, corpus / f.name)
    settings = Settings(index=tmp_path_factory.mktemp("index"), chroma_url=chroma_url)
    summary = ingest([corpus], settings, embedder=BigramEmbedder())
    return settings, summary, corpus


def test_ingest_writes_vectors_to_the_server_not_the_index_dir(ingested, chroma_url):
    import chromadb

    from llm_extract.index.store import collection_name_for

    settings, summary, _ = ingested
    assert summary.files_indexed == 5 and summary.chunks > 100 and not summary.skipped
    assert not (settings.index_path() / "chroma").exists()
    port = int(chroma_url.rsplit(":", 1)[1])
    client = chromadb.HttpClient(host="127.0.0.1", port=port)
    assert client.get_collection(collection_name_for(BigramEmbedder.name)).count() == summary.chunks


@pytest.mark.parametrize("mode", ["hybrid", "dense"])
def test_search_through_the_server_returns_exact_spans(ingested, mode):
    from llm_extract.api import load_original

    settings, _, _ = ingested
    hits = Retriever(settings, embedder=BigramEmbedder()).search("徐泾镇地区生产总值", 5, mode=mode)
    assert len(hits) == 5
    for hit in hits:
        assert load_original(hit.source, settings)[hit.start : hit.end] == hit.text
    if mode == "hybrid":
        assert any("徐泾" in h.text or "地區生產總值" in h.text or "地区生产总值" in h.text for h in hits)


def test_second_process_sees_the_same_index(ingested, chroma_url):
    """Another process, configured only by LLM_EXTRACT_* variables, queries the same server."""
    settings, summary, _ = ingested
    code = (
        "import sys; sys.path.insert(0, %r)\n"
        "from fakes import BigramEmbedder\n"
        "from llm_extract.core.config import Settings\n"
        "from llm_extract.index.store import open_store\n"
        "s = Settings()\n"
        "print(s.index.chroma_url, open_store(s, BigramEmbedder()).count())\n"
    ) % str(Path(__file__).parent)
    env = {"LLM_EXTRACT_CHROMA_URL": chroma_url, "LLM_EXTRACT_INDEX": str(settings.index_path()),
           "PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == [chroma_url, str(summary.chunks)]


def test_reingest_through_the_server_is_idempotent(ingested, chroma_url):
    settings, summary, corpus = ingested
    again = ingest([corpus], settings, embedder=BigramEmbedder())
    assert again.files_unchanged == 5 and again.files_indexed == 0
    from llm_extract.index.store import open_store

    assert open_store(settings, BigramEmbedder()).count() == summary.chunks


def test_unreachable_server_is_a_typed_error(tmp_path):
    from llm_extract.index.store import open_store

    settings = Settings(index=tmp_path / "index", chroma_url=f"http://127.0.0.1:{_free_port()}")
    t0 = time.monotonic()
    with pytest.raises(IndexStoreError):
        open_store(settings, BigramEmbedder())
    assert time.monotonic() - t0 < 30


def _cli_search(monkeypatch, settings, *extra, env=None):
    """``llm-extract search --mode dense --json`` in-process, with the test embedder."""
    from typer.testing import CliRunner

    import llm_extract.index.embedding
    from llm_extract.cli import app

    monkeypatch.setattr(llm_extract.index.embedding, "get_embedder", lambda settings=None: BigramEmbedder())
    args = ["search", "徐泾镇地区生产总值", "--index", str(settings.index_path()), "--mode", "dense", "--json",
            *extra]
    return CliRunner().invoke(app, args, env=env or {})


def _check_cli_hits(result, settings):
    from llm_extract.api import load_original

    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    # Dense hits exist only if the CLI used the server: the local index directory holds no vectors.
    assert len(hits) == 5
    for h in hits:
        assert load_original(h["source"], settings)[h["start"] : h["end"]] == h["text"]


def test_cli_uses_the_server_named_by_the_environment(ingested, chroma_url, monkeypatch):
    settings, _, _ = ingested
    _check_cli_hits(_cli_search(monkeypatch, settings, env={"LLM_EXTRACT_CHROMA_URL": chroma_url}), settings)


def test_cli_chroma_url_option(ingested, chroma_url, monkeypatch):
    settings, _, _ = ingested
    result = _cli_search(monkeypatch, settings, "--chroma-url", chroma_url)
    _check_cli_hits(result, settings)
