"""Shared test fixtures: a clean environment and recorded LLM traffic (vcrpy).

Everything that crosses HTTP to a model is replayed from
``cassettes/<test module>/<test name>.yaml``.  In CI the record mode is
``none``: an unrecorded request fails the test.  ``scripts/record_cassettes.sh``
sets ``LLM_EXTRACT_RECORD=all`` and re-records every cassette against the real
embedded server.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes"
RECORD_MODE = os.environ.get("LLM_EXTRACT_RECORD", "none")
REPLAY_URL = "http://127.0.0.1:9/v1"  # never contacted: vcr answers every request during replay
SECRET_HEADERS = ["authorization", "api-key", "x-api-key", "openai-organization", "openai-project"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "integration: starts the real embedded model; runs in CI")
    config.addinivalue_line("markers", "llm_cassette: replays recorded model traffic (re-recorded by scripts/record_cassettes.sh)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Lets the recording script select exactly the tests that own cassettes.
    for item in items:
        if "llm_cassette" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.llm_cassette)


@pytest.fixture(scope="session")
def startup_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The start-up tables (jieba word table, USE tokenizer/weights) of this test session, built once."""
    return tmp_path_factory.mktemp("startup-cache")


@pytest.fixture(autouse=True)
def _clean_llm_env(monkeypatch: pytest.MonkeyPatch, startup_cache_dir: Path) -> None:
    """A developer's own LLM_EXTRACT_* settings (a hosted endpoint, a key) must not leak into tests."""
    for name in list(os.environ):
        if name.startswith("LLM_EXTRACT_") and name != "LLM_EXTRACT_RECORD":
            monkeypatch.delenv(name, raising=False)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    # State goes to temp dirs: never into the developer's ~/.cache.
    monkeypatch.setenv("LLM_EXTRACT_STARTUP_CACHE_DIR", str(startup_cache_dir))


def cassette_path(node: pytest.Item) -> Path:
    module = Path(str(node.fspath)).stem
    name = re.sub(r"[^\w.-]+", "-", node.name).strip("-")
    return CASSETTES / module / f"{name}.yaml"


def _scrub_response(response: dict) -> dict:
    headers = response.get("headers") or {}
    for key in list(headers):
        if key.lower() in SECRET_HEADERS or key.lower() == "set-cookie":
            del headers[key]
    return response


def make_vcr():
    import vcr

    return vcr.VCR(
        record_mode=RECORD_MODE,
        # The embedded server's port changes on every start: match on the path.
        match_on=("method", "path", "body"),
        filter_headers=SECRET_HEADERS,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )


@pytest.fixture
def llm_cassette(request: pytest.FixtureRequest):
    """Wrap the test in its cassette; in replay mode a missing cassette fails the test."""
    path = cassette_path(request.node)
    if RECORD_MODE == "none" and not path.exists():
        pytest.fail(f"no cassette {path.relative_to(ROOT)}; record it with scripts/record_cassettes.sh")
    if RECORD_MODE == "all":
        path.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    with make_vcr().use_cassette(str(path)) as cassette:
        yield cassette


@pytest.fixture(scope="session")
def llm_endpoint(tmp_path_factory: pytest.TempPathFactory):
    """Base URL the cassette clients talk to: the real embedded server while recording, a dummy in replay."""
    if RECORD_MODE == "none":
        yield REPLAY_URL
        return
    from llm_extract.core.config import Settings
    from llm_extract.llm.server import EmbeddedServer

    settings = Settings(index=tmp_path_factory.mktemp("record-index"), llm_cache=False)
    with EmbeddedServer(settings) as server:
        yield server.url


@pytest.fixture
def cassette_llm(llm_cassette, llm_endpoint, tmp_path):
    """Factory of ``LLMClient`` objects for the embedded model whose traffic goes through the cassette."""
    import openai

    from llm_extract.core.config import Settings
    from llm_extract.llm.client import LLMClient

    made = []

    def make(**overrides) -> LLMClient:
        overrides.setdefault("llm_cache", False)
        settings = Settings(index=tmp_path / "index", **overrides)
        client = openai.OpenAI(base_url=llm_endpoint, api_key="cassette", max_retries=0, timeout=settings.llm.timeout)
        llm = LLMClient(settings, client=client)
        # An unmatched request in replay is a test failure, not a flaky network.
        llm.transport_retries = 0
        made.append(llm)
        return llm

    yield make
    for llm in made:
        llm.close()
