"""The nested Settings: flat and nested environment names, flat keyword names, choices, the README table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from llm_extract.core.config import FLAT, GROUPS, Settings, get_settings
from llm_extract.core.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    import os

    for name in list(os.environ):
        if name.upper().startswith("LLM_EXTRACT_"):
            monkeypatch.delenv(name)


def test_groups_and_defaults():
    s = Settings()
    assert s.index.chunk_size == 400 and s.retrieval.mode == "hybrid" and s.ask.k == 3
    assert s.llm.base_url is None and s.extract.backend == "auto" and s.embedded.model == "qwen2.5-coder-1.5b"
    assert s.index_path() == Path(".llm-extract") and s.llm_cache_dir() == Path(".llm-extract") / "llm-cache"


def test_flat_and_nested_environment_names(monkeypatch):
    monkeypatch.setenv("LLM_EXTRACT_CHUNK_SIZE", "300")
    monkeypatch.setenv("LLM_EXTRACT_INDEX", "/tmp/some-index")
    monkeypatch.setenv("LLM_EXTRACT_RETRIEVAL", "BM25")
    monkeypatch.setenv("LLM_EXTRACT_LLM__MAX_TOKENS", "77")
    monkeypatch.setenv("LLM_EXTRACT_SECOND_LOOK", "false")
    s = Settings()
    assert s.index.chunk_size == 300 and s.index.dir == Path("/tmp/some-index")
    assert s.retrieval.mode == "bm25" and s.llm.max_tokens == 77 and s.ask.second_look is False
    monkeypatch.setenv("LLM_EXTRACT_INDEX__CHUNK_SIZE", "250")  # the nested name wins
    assert Settings().index.chunk_size == 250


def test_flat_keywords_and_replace_keep_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LLM_EXTRACT_CHUNK_OVERLAP", "10")
    s = Settings(index=tmp_path, ask_k=5, llm_cache=False)
    assert s.index.dir == tmp_path and s.index.chunk_overlap == 10 and s.ask.k == 5 and s.llm.cache is False
    t = s.replace(second_look=False, index=tmp_path / "other")
    assert t.ask.second_look is False and t.index.dir == tmp_path / "other" and t.ask.k == 5
    assert s.ask.second_look is True  # the original is unchanged


@pytest.mark.parametrize("env, value, words", [
    ("LLM_EXTRACT_CHUNK_SIZE", "abc", "index.chunk_size"),
    ("LLM_EXTRACT_RERANK", "cross", "ask.rerank"),
    ("LLM_EXTRACT_EXTRACT__BACKEND", "magic", "extract.backend"),
])
def test_a_bad_value_is_one_config_error_naming_both_variables(monkeypatch, env, value, words):
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError) as err:
        get_settings()
    assert words in str(err.value)
    group, field = words.split(".")
    hint = getattr(err.value, "hint", "") or ""
    assert f"LLM_EXTRACT_{group.upper()}__{field.upper()}" in hint


def test_every_field_is_described_and_every_flat_name_is_unique():
    for cls in GROUPS.values():
        for name, info in cls.model_fields.items():
            assert info.description, f"{cls.__name__}.{name} has no description"
    assert len(FLAT) == sum(len(c.model_fields) for c in GROUPS.values())


def test_the_readme_table_is_generated_from_the_settings():
    out = subprocess.run([sys.executable, "scripts/settings_table.py", "--check", "README.md"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_cli_turns_a_bad_environment_value_into_one_line(monkeypatch, tmp_path):
    import os

    env = {**os.environ, "LLM_EXTRACT_RETRIEVAL": "fuzzy", "LLM_EXTRACT_INDEX": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "llm_extract.cli", "search", "地区生产总值"], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert len(lines) <= 2 and "retrieval.mode" in out.stderr and "LLM_EXTRACT_RETRIEVAL" in out.stderr


def test_setting_choices_match_the_registries_that_implement_them():
    from llm_extract.core.config import ExtractBackend, LLMMode, RerankMethod, RetrievalMode, choices
    from llm_extract.extract.extractor import BACKENDS
    from llm_extract.index.retrieval import MODES as RETRIEVAL
    from llm_extract.llm.client import MODES as LLM_MODES
    from llm_extract.qa.rerank import METHODS

    assert set(choices(ExtractBackend)) == set(BACKENDS)
    assert choices(RetrievalMode) == RETRIEVAL and choices(LLMMode) == LLM_MODES and choices(RerankMethod) == METHODS
