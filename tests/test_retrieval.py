"""Retriever: BM25, dense and reciprocal-rank-fused hybrid search."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from llm_extract.core.config import Settings
from llm_extract.core.errors import ConfigError
from llm_extract.index.keyword import KeywordIndex
from llm_extract.index.retrieval import Retriever, rrf_fuse
from llm_extract.index.store import open_store
from llm_extract.core.types import Chunk

DIM = 8


class TableEmbedder:
    """Returns fixed vectors for known texts so the dense ranking is chosen by the test."""

    name = "test-table-8"
    dim = DIM

    def __init__(self, table: dict[str, list[float]]):
        self.table = table
        self.queries: list[str] = []

    def _one(self, text: str) -> np.ndarray:
        if text in self.table:
            v = np.asarray(self.table[text], dtype=np.float32)
        else:
            v = np.zeros(DIM, dtype=np.float32)
            v[zlib.crc32(text.encode()) % DIM] = 1.0
        return v / np.linalg.norm(v)

    def embed(self, texts):
        return np.stack([self._one(t) for t in texts]) if texts else np.zeros((0, DIM), np.float32)

    def embed_query(self, text):
        self.queries.append(text)
        return self._one(text)


class ExplodingEmbedder:
    name = "exploding-8"
    dim = DIM

    def embed(self, texts):
        raise AssertionError("dense retrieval used")

    embed_query = embed


def mk(cid: str, doc: str, search: str, *, text: str | None = None, ordinal: int = 0) -> Chunk:
    text = text if text is not None else search
    return Chunk(
        chunk_id=cid, doc_id=doc, source=f"corpus/{doc}.txt", start=50 * ordinal, end=50 * ordinal + len(text),
        text=text, search_text=search, section="一、经济", ordinal=ordinal,
    )


QUERY = "地区生产总值"
# BM25 order: A (term twice) > B (once); C and D share no token with the query.
A = mk("A", "d1", "地区生产总值稳步增长，地区生产总值达到80亿元", text="地區生產總值穩步增長，地區生產總值達到80億元")
B = mk("B", "d1", "全年地区生产总值和财政收入均有提高，农业稳定发展", ordinal=1)
C = mk("C", "d2", "城乡居民收入提高，消费市场活跃")
D = mk("D", "d2", "教育事业稳步推进，新建学校三所", ordinal=1)
# Dense order for QUERY: C > B > A > D.
VECTORS = {
    QUERY: [1, 0, 0, 0, 0, 0, 0, 0],
    C.search_text: [0.95, 0.3, 0, 0, 0, 0, 0, 0],
    B.search_text: [0.8, 0, 0.6, 0, 0, 0, 0, 0],
    A.search_text: [0.5, 0, 0, 0.85, 0, 0, 0, 0],
    D.search_text: [0.1, 0, 0, 0, 1, 0, 0, 0],
}


@pytest.fixture()
def settings(tmp_path):
    return Settings(index=tmp_path / "index", rrf_k=1, dense_weight=1.0)


@pytest.fixture()
def built(settings):
    emb = TableEmbedder(VECTORS)
    chunks = [A, B, C, D]
    store = open_store(settings, emb)
    store.upsert(chunks, emb.embed([c.search_text for c in chunks]))
    kw = KeywordIndex.open(settings.index_path() / "keyword")
    kw.add(chunks)
    kw.save()
    return emb, store, kw


def ids(hits):
    return [h.chunk_id for h in hits]


def test_rrf_fuse_math():
    fused = rrf_fuse([["a", "b"], ["c", "b", "a"]], 1)
    # a: 1/2 + 1/4, b: 1/3 + 1/3, c: 1/2
    assert [cid for cid, _ in fused] == ["a", "b", "c"]
    assert fused[0][1] == pytest.approx(0.75)
    assert fused[1][1] == pytest.approx(2 / 3)
    # equal scores: the better single rank wins, then the id
    assert [cid for cid, _ in rrf_fuse([["x", "y"], ["y", "x"]], 60)] == ["x", "y"]


def test_modes_disagree_and_hybrid_fuses(settings, built):
    emb, store, kw = built
    r = Retriever(settings, embedder=emb, store=store, keyword=kw)
    assert ids(r.search(QUERY, 4, mode="bm25")) == ["A", "B"]
    assert ids(r.search(QUERY, 4, mode="dense")) == ["C", "B", "A", "D"]
    hybrid = r.search(QUERY, 4)
    # A: 1/2+1/4, B: 1/3+1/3, C: 1/2, D: 1/5 (rrf_k = 1)
    assert ids(hybrid) == ["A", "B", "C", "D"]
    assert [h.score for h in hybrid] == pytest.approx([0.75, 2 / 3, 0.5, 0.2])


def test_hybrid_with_default_rrf_k_ranks_shared_hit_high(tmp_path, built):
    emb, store, kw = built
    r = Retriever(Settings(index=tmp_path / "index"), embedder=emb, store=store, keyword=kw)
    top = ids(r.search(QUERY, 2))
    assert set(top) == {"A", "B"}  # both retrievers found them


def test_hits_carry_original_text_and_fields(settings, built):
    emb, store, kw = built
    r = Retriever(settings, embedder=emb, store=store, keyword=kw)
    for mode in ("hybrid", "bm25", "dense"):
        hit = next(h for h in r.search(QUERY, 4, mode=mode) if h.chunk_id == "A")
        assert hit.text == A.text  # original (traditional) characters
        assert hit.search_text == A.search_text
        assert (hit.doc_id, hit.source, hit.start, hit.end, hit.section) == (A.doc_id, A.source, A.start, A.end, A.section)


def test_traditional_query_is_normalized(settings, built):
    emb, store, kw = built
    r = Retriever(settings, embedder=emb, store=store, keyword=kw)
    hits = r.search("地區生產總值", 4)
    assert ids(hits) == ["A", "B", "C", "D"]
    assert emb.queries[-1] == QUERY  # the embedder saw the simplified query


def test_doc_filter_applies_to_both(settings, built):
    emb, store, kw = built
    r = Retriever(settings, embedder=emb, store=store, keyword=kw)
    assert ids(r.search(QUERY, 4, doc_ids=["d2"])) == ["C", "D"]
    assert ids(r.search(QUERY, 4, doc_ids=["d1"])) == ["A", "B"]
    assert r.search(QUERY, 4, doc_ids=[]) == []


def test_k_limits_results(settings, built):
    emb, store, kw = built
    r = Retriever(settings, embedder=emb, store=store, keyword=kw)
    assert ids(r.search(QUERY, 1)) == ["A"]
    assert r.search(QUERY, 0) == []


def test_bm25_mode_never_touches_embedder(settings, built):
    _, _, kw = built
    r = Retriever(settings, embedder=ExplodingEmbedder(), keyword=kw)
    assert ids(r.search(QUERY, 3, mode="bm25")) == ["A", "B"]


def test_lazy_open_from_settings(settings, built):
    emb, _, _ = built
    r = Retriever(settings, embedder=emb)  # store and keyword index opened from settings.index.dir
    assert ids(r.search(QUERY, 4)) == ["A", "B", "C", "D"]


def test_mode_from_settings_and_bad_mode(tmp_path, built):
    emb, store, kw = built
    r = Retriever(Settings(index=tmp_path / "index", retrieval="dense"), embedder=emb, store=store, keyword=kw)
    assert ids(r.search(QUERY, 4)) == ["C", "B", "A", "D"]
    with pytest.raises(ConfigError):
        r.search(QUERY, 4, mode="fuzzy")


def test_blank_query(settings, built):
    emb, store, kw = built
    r = Retriever(settings, embedder=emb, store=store, keyword=kw)
    assert r.search("   ", 4) == []


def test_weighted_fusion_lets_the_stronger_ranking_lead():
    from llm_extract.index.retrieval import rrf_fuse

    lexical, dense = ["A", "B", "C"], ["C", "B", "A"]
    equal = dict(rrf_fuse([lexical, dense], 1))
    assert equal["A"] == pytest.approx(equal["C"])  # equal weights: both lists' leaders tie
    assert [c for c, _ in rrf_fuse([lexical, dense], 1, [1.0, 0.2])] == ["A", "B", "C"]


# --- notes ranked down --------------------------------------------------------------------------

NOTE = mk("N", "d3", "注:地区生产总值绝对数按现价计算,地区生产总值增长速度按不变价格计算")
NOTE.is_note = True


def test_rank_notes_down_scales_and_resorts():
    from llm_extract.core.types import Hit
    from llm_extract.index.retrieval import rank_notes_down

    def hit(cid, score, note=False):
        return Hit(doc_id="d", source="s", start=0, end=1, text="x", section="", score=score, chunk_id=cid, is_note=note)

    got = rank_notes_down([hit("n", 1.0, True), hit("a", 0.8), hit("b", 0.4)])
    assert [h.chunk_id for h in got] == ["a", "n", "b"]
    assert got[1].score == pytest.approx(0.5)
    # weight 1: unchanged; a note far ahead of everything stays first
    assert [h.chunk_id for h in rank_notes_down([hit("n", 1.0, True), hit("a", 0.8)], 1.0)] == ["n", "a"]
    assert [h.chunk_id for h in rank_notes_down([hit("n", 3.0, True), hit("a", 0.8)])] == ["n", "a"]


@pytest.mark.parametrize("mode", ["bm25", "hybrid"])
def test_a_note_matching_the_query_best_is_ranked_below_report_text(settings, mode):
    emb = TableEmbedder({**VECTORS, NOTE.search_text: [0.99, 0.1, 0, 0, 0, 0, 0, 0]})
    chunks = [A, B, C, D, NOTE]
    store = open_store(settings, emb)
    store.upsert(chunks, emb.embed([c.search_text for c in chunks]))
    kw = KeywordIndex.open(settings.index_path() / "keyword")
    kw.add(chunks)
    kw.save()
    r = Retriever(settings, embedder=emb, store=store, keyword=kw)
    plain = Retriever(settings, embedder=emb, store=store, keyword=kw)
    hits = r.search(QUERY, k=3, mode=mode)
    assert hits[0].chunk_id == "A" and not hits[0].is_note
    assert "N" in ids(plain.search(QUERY, k=5, mode=mode))  # still found, only lower
    # the flag survives the keyword table and the Chroma metadata
    assert kw.chunk("N").is_note and store.get(["N"])[0].is_note
