"""Embedded weights: assembly from part packages, hash verification, stamps, status."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from llm_extract.llm import weights as models
from llm_extract.core.config import Settings
from llm_extract.core.errors import ConfigError, ModelError
from llm_extract.llm.status import model_status
from llm_extract.llm.weights import MODELS, ModelSpec, ensure_model, model_path, part_files, verify


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """A 12-part model whose parts live in tmp_path; package names sort lexically out of order."""
    parts_dir = tmp_path / "site"
    parts_dir.mkdir()
    blobs = [os.urandom(1000 + i) for i in range(12)]
    files = {}
    for i, blob in enumerate(blobs, start=1):
        f = parts_dir / f"tiny_part{i}" / "data" / f"part{i:02d}.bin"
        f.parent.mkdir(parents=True)
        f.write_bytes(blob)
        files[f"tiny-part{i}"] = [(i, f)]
    whole = b"".join(blobs)
    spec = ModelSpec(
        name="tiny",
        title="Tiny test model",
        filename="tiny.gguf",
        packages=tuple(sorted(files)),  # lexical: part1, part10, part11, part12, part2, …
        version="0.1.0",
        sha256=hashlib.sha256(whole).hexdigest(),
        size=len(whole),
    )
    monkeypatch.setitem(MODELS, "tiny", spec)

    def fake_parts(package):
        if package not in files:
            from importlib.metadata import PackageNotFoundError

            raise PackageNotFoundError(package)
        return files[package]

    monkeypatch.setattr(models, "_package_parts", fake_parts)
    settings = Settings(index=tmp_path / "idx", models_dir=tmp_path / "models", embedded_model="tiny")
    return settings, spec, whole, files


def test_parts_are_concatenated_in_numeric_order(tiny):
    settings, spec, whole, _ = tiny
    seen = []
    path = ensure_model(settings, progress=lambda done, total: seen.append((done, total)))
    assert path == model_path(settings) == settings.embedded.models_dir / "tiny.gguf"
    assert path.read_bytes() == whole
    assert seen[-1] == (len(whole), len(whole))
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []  # no temp left


def test_second_call_trusts_the_stamp_without_rehashing(tiny, monkeypatch):
    settings, *_ = tiny
    ensure_model(settings)
    monkeypatch.setattr(models, "hash_file", lambda *a, **k: pytest.fail("re-hashed a stamped file"))
    assert verify(settings, full=False)
    ensure_model(settings)


def test_full_verify_rehashes_and_catches_corruption(tiny):
    settings, *_ = tiny
    path = ensure_model(settings)
    data = bytearray(path.read_bytes())
    data[5] ^= 0xFF
    st = path.stat()
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size and mtime: the stamp is fooled
    assert verify(settings, full=False)
    assert not verify(settings, full=True)


def test_changed_file_is_rebuilt_from_parts(tiny):
    settings, _, whole, _ = tiny
    path = ensure_model(settings)
    path.write_bytes(b"\0" * len(whole))  # new mtime: stamp no longer applies
    assert ensure_model(settings).read_bytes() == whole


def test_bad_parts_are_refused_with_the_fix(tiny):
    settings, spec, _, files = tiny
    files["tiny-part7"][0][1].write_bytes(b"tampered")
    with pytest.raises(ModelError) as info:
        ensure_model(settings)
    err = info.value
    assert err.path == str(model_path(settings))
    assert "refusing" in err.message
    assert "tiny-part1..12==0.1.0" in err.hint and "pip install -r requirements-models.txt" in err.hint
    assert not model_path(settings).exists()
    assert list(Path(settings.embedded.models_dir).iterdir()) == []


def test_missing_package_is_named(tiny):
    settings, _, _, files = tiny
    del files["tiny-part3"]
    with pytest.raises(ModelError, match="tiny-part3"):
        ensure_model(settings)


def test_missing_real_distribution_is_named(tmp_path, monkeypatch):
    spec = ModelSpec("ghost", "Ghost", "ghost.gguf", ("llm-extract-no-such-part1",), "1.0", "0" * 64, 1)
    monkeypatch.setitem(MODELS, "ghost", spec)
    with pytest.raises(ModelError, match="llm-extract-no-such-part1"):
        part_files(spec)


def test_unknown_model_name_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="gpt-9") as info:
        model_path(Settings(models_dir=tmp_path, embedded_model="gpt-9"))
    assert "qwen2.5-coder-1.5b" in info.value.hint


def test_status_reports_configuration_without_secrets(tiny):
    settings, spec, _, _ = tiny
    settings = Settings(**{**settings.model_dump(), "llm_api_key": "sk-secret-value"})
    before = model_status(settings)
    assert before["backend"] == "embedded" and before["assembled"] is False and before["verified"] is False
    assert before["missing_packages"] == [] and before["packages_total"] == 12
    ensure_model(settings)
    after = model_status(settings)
    assert after["assembled"] and after["verified"] and after["size"] == spec.size
    assert after["file"] == str(model_path(settings)) and after["server"] is None
    assert after["api_key"] == "set" and "sk-secret-value" not in repr(after)


def test_status_of_a_remote_backend(tmp_path):
    status = model_status(Settings(index=tmp_path, models_dir=tmp_path, llm_base_url="http://h/v1", llm_model="m"))
    assert (status["backend"], status["base_url"], status["model"], status["api_key"]) == ("remote", "http://h/v1", "m", "not set")


@pytest.mark.parametrize("name", sorted(MODELS))
def test_installed_part_packages_match_the_registry(name):
    """The real wheels (requirements-models.txt): numeric order, sizes add up (hashing is the integration test's job)."""
    spec = MODELS[name]
    files = part_files(spec)
    assert len(files) == len(spec.packages)
    assert [int(f.stem[4:]) for f in files] == list(range(1, len(files) + 1))
    assert sum(f.stat().st_size for f in files) == spec.size
