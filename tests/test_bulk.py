"""Bulk extraction: resumable checkpoint, atomic output, formats, failures mid-run."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from llm_extract.extract.bulk import Checkpoint, run_extraction, targets_from_paths
from llm_extract.core.config import Settings
from llm_extract.extract.extractor import RULES_VERSION

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"


@pytest.fixture()
def targets():
    return targets_from_paths([CORPUS], Settings(), [])


def _lines(p: Path) -> list[dict]:
    return [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]


def test_rules_run_writes_grounded_records(tmp_path, targets):
    out = tmp_path / "r.jsonl"
    s = run_extraction(targets, kinds=["indicator"], out=out, backend="rules", settings=Settings(index=tmp_path))
    recs = _lines(out)
    assert s.documents == 7 and s.records["indicator"] == len(recs) > 30
    originals = {t.doc.source: t.original for t in targets}
    for r in recs:
        assert originals[r["source"]][r["start"] : r["end"]] == r["evidence"]
        assert r["prompt_version"] == RULES_VERSION


def test_rerun_resumes_and_never_duplicates(tmp_path, targets):
    out = tmp_path / "r.jsonl"
    first = run_extraction(targets, kinds=["indicator"], out=out, backend="rules", settings=Settings(index=tmp_path))
    before = _lines(out)
    again = run_extraction(targets, kinds=["indicator"], out=out, backend="rules", settings=Settings(index=tmp_path))
    assert again.units_resumed == again.units and _lines(out) == before
    assert again.records == first.records


class Boom(RuntimeError):
    pass


def test_failure_mid_run_keeps_finished_units_and_the_next_run_completes(tmp_path, targets, monkeypatch):
    from llm_extract.extract import extractor
    out = tmp_path / "r.jsonl"
    real = extractor.SectionExtractor.extract
    calls = {"n": 0}

    def flaky(self, kind, doc, norm, section):
        calls["n"] += 1
        if calls["n"] == 40:
            raise Boom("server died")
        return real(self, kind, doc, norm, section)

    monkeypatch.setattr(extractor.SectionExtractor, "extract", flaky)
    with pytest.raises(Boom):
        run_extraction(targets, kinds=["indicator"], out=out, backend="rules", settings=Settings(index=tmp_path))
    log = out.with_name(out.name + ".progress.jsonl")
    kept = len(Checkpoint(log).done)
    assert kept >= 39 and not out.exists()
    monkeypatch.setattr(extractor.SectionExtractor, "extract", real)
    s = run_extraction(targets, kinds=["indicator"], out=out, backend="rules", settings=Settings(index=tmp_path))
    assert s.units_resumed == kept
    full = tmp_path / "full.jsonl"
    run_extraction(targets, kinds=["indicator"], out=full, backend="rules", settings=Settings(index=tmp_path))
    key = lambda r: (r["doc_id"], r["start"], r["end"], r["metric"], r["value"])  # noqa: E731
    assert sorted(map(key, _lines(out))) == sorted(map(key, _lines(full)))


def test_torn_checkpoint_line_is_ignored(tmp_path):
    log = tmp_path / "x.progress.jsonl"
    log.write_bytes(b'{"unit": "a", "records": []}\n{"unit": "b", "rec')
    ck = Checkpoint(log)
    assert set(ck.done) == {"a"}
    ck.add({"unit": "c", "records": []})
    assert set(Checkpoint(log).done) == {"a", "c"}


@pytest.mark.parametrize("fmt", ["csv", "parquet", "sqlite"])
def test_other_formats(tmp_path, targets, fmt):
    out = tmp_path / f"r.{fmt}"
    s = run_extraction(targets[-1:], kinds=["indicator"], out=out, fmt=fmt, backend="rules", settings=Settings(index=tmp_path))
    n = s.records["indicator"]
    if fmt == "csv":
        rows = list(csv.DictReader(open(out, encoding="utf-8-sig")))
        assert len(rows) == n and "80.43" in {r["value"] for r in rows}
    elif fmt == "parquet":
        import pyarrow.parquet as pq

        assert pq.read_table(out).num_rows == n
    else:
        assert sqlite3.connect(out).execute("select count(*) from records").fetchone()[0] == n


def test_unknown_format_is_a_config_error(tmp_path, targets):
    from llm_extract.core.errors import ConfigError

    with pytest.raises(ConfigError):
        run_extraction(targets, kinds=["indicator"], out=tmp_path / "x", fmt="xml", backend="rules")


def test_auto_backend_takes_the_measured_choice_per_kind(tmp_path, targets):
    from llm_extract.extract.extractor import needs_llm, resolve_backend

    assert resolve_backend("auto", "indicator") == "rules"
    assert resolve_backend("auto", "task") == "rules" and resolve_backend("auto", "problem") == "rules"
    assert resolve_backend("auto", "project") == "rules" and resolve_backend("rules+llm", "indicator") == "rules+llm"
    assert resolve_backend("auto", "MyRecord") == "llm"  # a user's schema has no rules
    assert not needs_llm("auto", ["indicator", "task", "problem", "project"]) and needs_llm("auto", ["indicator", "MyRecord"])
    # The default (auto) extracts indicators with no model at all: no client is made, none is needed.
    out = tmp_path / "auto.jsonl"
    s = run_extraction(targets, kinds=["indicator"], out=out, settings=Settings(index=tmp_path))
    assert s.calls == 0 and s.records["indicator"] > 30
    assert {r["prompt_version"] for r in _lines(out)} == {RULES_VERSION}


def test_unknown_backend_is_a_config_error(tmp_path, targets):
    from llm_extract.core.errors import ConfigError

    with pytest.raises(ConfigError):
        run_extraction(targets, kinds=["indicator"], out=tmp_path / "x.jsonl", backend="magic",
                       settings=Settings(index=tmp_path))


class _NoItemsLLM:
    """A model that finds nothing; ``backend_id`` names it, as the real client does."""

    def __init__(self, backend_id: str):
        self.backend_id = backend_id

    def structured(self, model, messages, *, template_version, max_retries=None):
        return model(items=[]), type("U", (), {"prompt_tokens": 1, "completion_tokens": 1, "wall_time": 0.0})()

    def close(self):
        pass


def test_a_rerun_with_another_backend_or_model_does_not_reuse_the_old_records(tmp_path, targets):
    out = tmp_path / "r.jsonl"
    settings = Settings(index=tmp_path)
    one = targets[:1]
    first = run_extraction(one, kinds=["indicator"], out=out, backend="rules+llm", settings=settings,
                           llm=_NoItemsLLM("embedded:a"))
    assert first.records.get("indicator", 0) > 0  # the rules' records
    other_backend = run_extraction(one, kinds=["indicator"], out=out, backend="llm", settings=settings,
                                   llm=_NoItemsLLM("embedded:a"))
    assert other_backend.units_resumed == 0 and other_backend.records.get("indicator", 0) == 0
    other_model = run_extraction(one, kinds=["indicator"], out=out, backend="llm", settings=settings,
                                 llm=_NoItemsLLM("remote:b"))
    assert other_model.units_resumed == 0
    same = run_extraction(one, kinds=["indicator"], out=out, backend="llm", settings=settings,
                          llm=_NoItemsLLM("remote:b"))
    assert same.units_resumed == same.units
