"""Chroma vector store: round trip, persistence, embedder identity, filters, batching."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from llm_extract.core.config import Settings
from llm_extract.core.errors import ConfigError, EmbedderMismatchError
from llm_extract.index.store import VectorStore, _make_client, collection_name_for, open_store
from llm_extract.core.types import Chunk


class HashEmbedder:
    """Bag of characters hashed into ``dim`` buckets; deterministic and unit length."""

    def __init__(self, dim: int = 32, name: str | None = None):
        self.dim = dim
        self.name = name or f"test-hash-{dim}"

    def embed(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for ch in t:
                out[i, zlib.crc32(ch.encode()) % self.dim] += 1.0
            n = np.linalg.norm(out[i])
            out[i] = out[i] / n if n else np.eye(self.dim, dtype=np.float32)[0]
        return out

    def embed_query(self, text):
        return self.embed([text])[0]


def mk(cid: str, doc: str, text: str, *, search: str | None = None, ordinal: int = 0, start: int = 0) -> Chunk:
    return Chunk(
        chunk_id=cid,
        doc_id=doc,
        source=f"corpus/{doc}.txt",
        start=start,
        end=start + len(text),
        text=text,
        search_text=search if search is not None else text,
        section="一、经济发展",
        ordinal=ordinal,
        has_placeholder="xx" in text,
    )


CHUNKS = [
    mk("d1-0", "d1", "全鎮地區生產總值達到80.43億元", search="全镇地区生产总值达到80.43亿元", ordinal=0, start=0),
    mk("d1-1", "d1", "農民人均純收入增長10%", search="农民人均纯收入增长10%", ordinal=1, start=20),
    mk("d2-0", "d2", "财政收入完成xx万元", ordinal=0, start=5),
    mk("d2-1", "d2", "新建学校三所，医院一所", ordinal=1, start=40),
]


@pytest.fixture()
def settings(tmp_path):
    return Settings(index=tmp_path / "index")


@pytest.fixture()
def store(settings):
    emb = HashEmbedder()
    s = open_store(settings, emb)
    s.upsert(CHUNKS, emb.embed([c.search_text for c in CHUNKS]))
    return s


def _clear_chroma_cache():
    # PersistentClient shares one system per path inside a process; dropping
    # the cache makes a reopen read from disk like a new process would.
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def test_store_lives_in_index_dir(settings, store):
    assert (settings.index_path() / "chroma").is_dir()
    assert store.count() == 4
    assert store.name == collection_name_for("test-hash-32")
    assert store.collection.metadata["embedder"] == "test-hash-32"
    assert store.collection.metadata["dim"] == 32
    assert store.collection.metadata["hnsw:space"] == "cosine"


def test_get_round_trips_fields_in_requested_order(store):
    hits = store.get(["d2-0", "missing", "d1-0"])
    assert [h.chunk_id for h in hits] == ["d2-0", "d1-0"]
    h = hits[1]
    c = CHUNKS[0]
    assert (h.doc_id, h.source, h.start, h.end, h.text, h.section, h.search_text) == (
        c.doc_id, c.source, c.start, c.end, c.text, c.section, c.search_text,
    )
    meta = store.collection.get(ids=["d2-0"], include=["metadatas"])["metadatas"][0]
    assert meta["has_placeholder"] is True and meta["ordinal"] == 0 and meta["text"] == "财政收入完成xx万元"


def test_query_scores_are_cosine_similarity(store):
    emb = HashEmbedder()
    q = emb.embed_query("农民人均纯收入增长10%")
    hits = store.query(q, 3)
    assert hits[0].chunk_id == "d1-1"
    assert hits[0].score == pytest.approx(1.0, abs=1e-4)
    vecs = emb.embed([c.search_text for c in CHUNKS])
    expected = {c.chunk_id: float(v @ q) for c, v in zip(CHUNKS, vecs)}
    for h in hits:
        assert h.score == pytest.approx(expected[h.chunk_id], abs=1e-4)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_query_doc_filter(store):
    q = HashEmbedder().embed_query("农民人均纯收入增长10%")
    assert {h.doc_id for h in store.query(q, 10, doc_ids=["d2"])} == {"d2"}
    assert len(store.query(q, 10, doc_ids=["d1", "d2"])) == 4
    assert store.query(q, 10, doc_ids=[]) == []
    assert store.query(q, 10, doc_ids=["nope"]) == []


def test_query_more_than_count(store):
    assert len(store.query(HashEmbedder().embed_query("学校"), 50)) == 4


def test_delete_doc_and_doc_chunk_ids(store):
    assert store.doc_chunk_ids("d1") == ["d1-0", "d1-1"]
    store.delete_doc("d1")
    assert store.count() == 2
    assert store.doc_chunk_ids("d1") == []
    assert store.doc_chunk_ids("d2") == ["d2-0", "d2-1"]
    store.delete_doc("not-there")  # no error
    assert store.count() == 2


def test_upsert_replaces_by_chunk_id(store):
    emb = HashEmbedder()
    new = mk("d2-1", "d2", "新建学校五所", ordinal=1, start=40)
    store.upsert([new], emb.embed([new.search_text]))
    assert store.count() == 4
    assert store.get(["d2-1"])[0].text == "新建学校五所"


def test_reopen_persists(settings, store):
    _clear_chroma_cache()
    again = open_store(settings, HashEmbedder())
    assert again.count() == 4
    q = HashEmbedder().embed_query("全镇地区生产总值")
    assert again.query(q, 1)[0].chunk_id == "d1-0"


def test_different_embedders_get_separate_collections(settings, store):
    other = open_store(settings, HashEmbedder(dim=32, name="another-model-32"))
    assert other.name != store.name
    assert other.count() == 0
    assert store.count() == 4


def test_recorded_embedder_mismatch_raises(settings):
    emb = HashEmbedder()
    client = _make_client(settings)
    client.create_collection(
        name=collection_name_for(emb.name),
        metadata={"embedder": "someone-else-32", "dim": 32, "hnsw:space": "cosine"},
        embedding_function=None,
    )
    with pytest.raises(EmbedderMismatchError):
        open_store(settings, emb, client=client)


def test_recorded_dim_mismatch_raises(settings):
    emb = HashEmbedder()
    client = _make_client(settings)
    client.create_collection(
        name=collection_name_for(emb.name),
        metadata={"embedder": emb.name, "dim": 64, "hnsw:space": "cosine"},
        embedding_function=None,
    )
    with pytest.raises(EmbedderMismatchError):
        open_store(settings, emb, client=client)


def test_upsert_validates_vectors(store):
    with pytest.raises(EmbedderMismatchError):
        store.upsert(CHUNKS[:1], np.ones((1, 8), dtype=np.float32))
    with pytest.raises(ValueError):
        store.upsert(CHUNKS[:2], np.ones((1, 32), dtype=np.float32))
    with pytest.raises(EmbedderMismatchError):
        store.query(np.ones(8, dtype=np.float32), 3)


def test_upsert_respects_batch_size(settings):
    emb = HashEmbedder()
    s = open_store(settings, emb, batch_size=3)
    calls = []
    real = s.collection.upsert

    def spy(**kw):
        calls.append(len(kw["ids"]))
        return real(**kw)

    s.collection.upsert = spy
    chunks = [mk(f"d9-{i}", "d9", f"第{i}段文字内容", ordinal=i, start=10 * i) for i in range(8)]
    s.upsert(chunks, emb.embed([c.search_text for c in chunks]))
    assert calls == [3, 3, 2]
    assert s.count() == 8
    assert s.doc_chunk_ids("d9") == [f"d9-{i}" for i in range(8)]


def test_batch_size_capped_by_client(settings):
    client = _make_client(settings)
    s = open_store(settings, HashEmbedder(), client=client, batch_size=10**9)
    assert s.batch_size == client.get_max_batch_size()
    assert isinstance(s, VectorStore)


def test_bad_chroma_url(tmp_path):
    with pytest.raises(ConfigError):
        _make_client(Settings(index=tmp_path, chroma_url="ftp://example.org/x"))
