"""Start-up tables and the dense snapshot: a cold search loads less, and finds exactly what it found before."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from llm_extract.core.config import Settings
from llm_extract.index import embedding
from llm_extract.index.dense_snapshot import SNAPSHOT_DIRNAME, DenseSnapshot, invalidate, write_snapshot
from llm_extract.index.ingest import ingest
from llm_extract.index.keyword import _get_jieba, tokenize
from llm_extract.index.retrieval import Retriever
from llm_extract.index.startup_cache import query_segmenter, save_word_table

from fakes import BigramEmbedder

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "examples" / "corpus"

# Invented sentences of the genre, plus what real text throws at a segmenter: digits, Latin, traditional
# characters, punctuation runs, words jieba only finds with its HMM.
TEXTS = [
    "云岭镇2023年地区生产总值预期增长6.5%左右，一般公共预算收入3.2亿元。",
    "青川县全年完成固定资产投资128.7亿元，同比增长12%，其中工业投资增长百分之十五。",
    "加快推进“互联网+政务服务”，新建5G基站300个，GDP突破千亿元大关！！",
    "农村居民人均可支配收入達到15,823元，較上年增長7.1個百分點。",
    "存在的问题：一是产业结构不优；二是招商引资后劲不足；三是民生短板依然突出。",
    "",
]


def test_the_word_table_cuts_exactly_as_the_whole_dictionary(startup_cache_dir):
    jieba = _get_jieba()
    save_word_table(startup_cache_dir, jieba.dt.FREQ, jieba.dt.total)
    segmenter = query_segmenter(startup_cache_dir)
    assert segmenter is not None
    texts = TEXTS + [p.read_text(encoding="utf-8", errors="replace")[:3000] for p in sorted(SAMPLES.glob("*.txt"))]
    for text in texts:
        assert tokenize(text, segmenter) == tokenize(text), text[:30]


def test_no_word_table_means_the_whole_dictionary(tmp_path):
    assert query_segmenter(tmp_path / "empty") is None
    assert query_segmenter(None) is None


def test_an_unwritable_cache_directory_is_skipped(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    save_word_table(blocker / "sub", {"云岭": 3}, 3)  # a file where a directory should be: nothing written, no error
    assert query_segmenter(blocker / "sub") is None


def test_use_from_the_startup_tables_gives_the_same_vectors(monkeypatch, tmp_path):
    texts = TEXTS[:4]
    monkeypatch.setattr(embedding, "_use_model", None)
    fresh = embedding.USEEmbedder()
    fresh.startup_cache = tmp_path  # first load builds the tables
    want = fresh.embed(texts)
    assert sorted(p.name.split("-")[1] for p in tmp_path.iterdir()) == ["tokenizer", "weights"]
    monkeypatch.setattr(embedding, "_use_model", None)
    again = embedding.USEEmbedder()
    again.startup_cache = tmp_path  # second load reads them
    got = again.embed(texts)
    assert embedding._use_model._backend.table.shape[0] > 0
    np.testing.assert_array_equal(got, want)


# ---------------------------------------------------------------------------
# dense snapshot
# ---------------------------------------------------------------------------


@pytest.fixture()
def sample_index(tmp_path):
    settings = Settings(index=tmp_path / "index")
    emb = BigramEmbedder()
    ingest([SAMPLES], settings, embedder=emb)
    return settings, emb


QUERIES = ["地区生产总值预期目标", "存在的主要问题", "农民人均纯收入", "招商引资", "2013年工作安排"]


def _ranked(settings, emb, mode, doc_ids=None):
    retriever = Retriever(settings, embedder=emb)
    return [[(h.chunk_id, round(h.score, 5)) for h in retriever.search(q, 8, mode=mode, doc_ids=doc_ids)]
            for q in QUERIES]


def test_ingest_writes_a_snapshot_that_ranks_as_chroma_does(sample_index):
    settings, emb = sample_index
    assert (settings.index_path() / SNAPSHOT_DIRNAME / "rows.json").exists()
    assert Retriever(settings, embedder=emb).snapshot is not None
    chroma = settings.replace(dense_snapshot=False)
    assert Retriever(chroma, embedder=emb).snapshot is None
    # Exact cosine: never worse than Chroma's approximate graph at any rank, and the same chunks on top.
    for exact, approx in zip(_ranked(settings, emb, "dense"), _ranked(chroma, emb, "dense")):
        assert all(e[1] >= a[1] - 1e-5 for e, a in zip(exact, approx))
        assert exact[:3] == approx[:3]
    for exact, approx in zip(_ranked(settings, emb, "hybrid"), _ranked(chroma, emb, "hybrid")):
        exact_ids, approx_ids = [c for c, _ in exact], [c for c, _ in approx]
        assert exact_ids[0] == approx_ids[0] and len(set(exact_ids) & set(approx_ids)) >= 6
    some_doc = [json.loads((settings.index_path() / SNAPSHOT_DIRNAME / "rows.json").read_text())["docs"][0]]
    filtered = _ranked(settings, emb, "dense", some_doc)
    assert filtered == _ranked(chroma, emb, "dense", some_doc)  # one document: both are exact
    assert all(cid.startswith(some_doc[0]) for q in filtered for cid, _ in q)


def test_a_changed_index_gets_a_new_snapshot_and_an_interrupted_one_none(sample_index, tmp_path):
    settings, emb = sample_index
    extra = tmp_path / "new" / "云岭镇2024年工作总结.txt"
    extra.parent.mkdir()
    extra.write_text("云岭镇2024年工作总结\n一、主要成绩\n全镇实现地区生产总值12.3亿元，同比增长5.1%。\n", encoding="utf-8")
    before = DenseSnapshot.open(settings.index_path(), emb.name)
    ingest([SAMPLES, extra.parent], settings, embedder=emb)
    after = DenseSnapshot.open(settings.index_path(), emb.name)
    new = set(after.ids) - set(before.ids)
    retriever = Retriever(settings, embedder=emb)
    assert new and all(retriever.keyword.chunk(cid).doc_id.startswith("云岭镇-2024") for cid in new)
    new_doc = retriever.keyword.chunk(next(iter(new))).doc_id
    hits = retriever.search("云岭镇地区生产总值", 3, mode="dense", doc_ids=[new_doc])
    assert hits and hits[0].doc_id == new_doc

    # A run that dies after changing the store leaves no snapshot; search falls back to Chroma.
    invalidate(settings.index_path())
    assert DenseSnapshot.open(settings.index_path(), emb.name) is None
    fallback = Retriever(settings, embedder=emb)
    assert fallback.snapshot is None
    assert fallback.search("云岭镇地区生产总值", 3, mode="dense", doc_ids=[new_doc])[0].chunk_id == hits[0].chunk_id
    # The next run, even with nothing to index, writes it again.
    ingest([SAMPLES, extra.parent], settings, embedder=emb)
    assert DenseSnapshot.open(settings.index_path(), emb.name) is not None


def test_a_broken_or_foreign_snapshot_is_not_used(tmp_path):
    index = tmp_path / "index"
    write_snapshot(index, "model-a", ["c1", "c2"], ["d1", "d2"], np.eye(2, dtype=np.float32))
    assert DenseSnapshot.open(index, "model-b") is None
    snap = DenseSnapshot.open(index, "model-a")
    assert snap.search(np.array([0.0, 1.0]), 1) == [("c2", 1.0)]
    assert snap.search(np.array([0.0, 1.0]), 2, doc_ids=["d1"]) == [("c1", 0.0)]
    assert snap.search(np.array([0.0, 1.0]), 2, doc_ids=[]) == []
    rows = index / SNAPSHOT_DIRNAME / "rows.json"
    rows.write_text("{not json", encoding="utf-8")
    assert DenseSnapshot.open(index, "model-a") is None


def test_a_cold_search_starts_neither_chroma_nor_the_whole_dictionary(sample_index, startup_cache_dir):
    settings, _ = sample_index
    # The sample index was built with a fake embedder: write a snapshot under that name is not what a user
    # has, so this checks the module imports with the real default path (BM25 + snapshot) in a fresh process.
    code = (
        "import sys, json\n"
        "from llm_extract.core.config import Settings\n"
        "from llm_extract.index.retrieval import Retriever\n"
        "import fakes\n"
        f"s = Settings(index={str(settings.index_path())!r})\n"
        "hits = Retriever(s, embedder=fakes.BigramEmbedder()).search('地区生产总值预期目标', 5)\n"
        "import jieba\n"
        "print(json.dumps({'hits': len(hits), 'chromadb': 'chromadb' in sys.modules,"
        " 'full_dictionary': bool(jieba.dt.initialized)}))\n"
    )
    env_path = str(ROOT / "tests")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={**__import__("os").environ, "PYTHONPATH": env_path + ":" + str(ROOT)})
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got == {"hits": 5, "chromadb": False, "full_dictionary": False}
