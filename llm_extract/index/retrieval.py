"""Search: BM25, dense, or both fused by reciprocal rank.

Hybrid search asks each retriever for ``max(4k, 20)`` candidates and scores a
chunk by ``sum(1 / (rrf_k + rank))`` over the lists it appears in, so a chunk
found by both beats one found by either alone at a similar rank, and raw
scores of different scales never have to be compared.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Optional

from ..core.errors import ConfigError
from ..core.config import RetrievalMode, choices
from ..core.types import Chunk, Hit, Query

__all__ = ["Retriever", "MODES", "rrf_fuse"]

MODES = choices(RetrievalMode)


def rrf_fuse(rankings: list[list[str]], rrf_k: int, weights: Optional[list[float]] = None) -> list[tuple[str, float]]:
    """Fuse ranked id lists; returns ``(id, score)`` best first.

    ``weights`` scales each list's contribution (default 1 each): on this genre the
    lexical ranking is much stronger than the dense one, measured in ``eval``.

    Ties are broken by the best single rank the id reached, then by id, so the
    order is deterministic.
    """
    scores: dict[str, float] = {}
    best_rank: dict[str, int] = {}
    weights = weights or [1.0] * len(rankings)
    for ranking, weight in zip(rankings, weights):
        for rank, cid in enumerate(ranking, 1):
            scores[cid] = scores.get(cid, 0.0) + weight / (rrf_k + rank)
            best_rank[cid] = min(best_rank.get(cid, rank), rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], best_rank[kv[0]], kv[0]))


def _hit_from_chunk(chunk: Chunk, score: float) -> Hit:
    return Hit(
        doc_id=chunk.doc_id,
        source=chunk.source,
        start=chunk.start,
        end=chunk.end,
        text=chunk.text,
        section=chunk.section,
        score=float(score),
        chunk_id=chunk.chunk_id,
        search_text=chunk.search_text,
    )


def _normalize(query: str) -> str:
    from ..text.normalize import normalize_query

    return normalize_query(query).strip()


class Retriever:
    """Searches one index; the embedder, store and keyword index open lazily.

    BM25-only search never loads the embedding model or Chroma.
    """

    def __init__(self, settings: Any = None, *, embedder: Any = None, store: Any = None, keyword: Any = None):
        if settings is None:
            from ..core.config import Settings

            settings = Settings()
        self.settings = settings
        self._embedder = embedder
        self._store = store
        self._keyword = keyword

    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            from .embedding import get_embedder

            self._embedder = get_embedder(self.settings)
        return self._embedder

    @property
    def store(self) -> Any:
        if self._store is None:
            from .store import open_store

            self._store = open_store(self.settings, self.embedder)
        return self._store

    @property
    def keyword(self) -> Any:
        if self._keyword is None:
            from .keyword import KeywordIndex

            self._keyword = KeywordIndex.open(self.settings.index_path() / "keyword")
        return self._keyword

    # -- the two retrievers -----------------------------------------------------
    def _bm25(self, query: str, n: int, doc_ids: Optional[list[str]]) -> list[tuple[str, float]]:
        return self.keyword.search(query, n, doc_ids=doc_ids)

    def _dense(self, query: str, n: int, doc_ids: Optional[list[str]]) -> list[Hit]:
        vector = self.embedder.embed_query(query)
        return self.store.query(vector, n, doc_ids=doc_ids)

    def _hits_for(self, scored: list[tuple[str, float]], known: dict[str, Hit], limit: int) -> list[Hit]:
        """Up to ``limit`` hits for ``(chunk_id, score)`` pairs, from dense results, the keyword table or Chroma."""
        hits: list[Hit] = []
        for cid, score in scored:
            if len(hits) >= limit:
                break
            if cid in known:
                hits.append(replace(known[cid], score=float(score)))
            elif (chunk := self.keyword.chunk(cid)) is not None:
                hits.append(_hit_from_chunk(chunk, score))
            else:
                # Only reached if the keyword table lacks a chunk Chroma has.
                got = self.store.get([cid])
                if got:
                    hits.append(replace(got[0], score=float(score)))
        return hits

    # -- public -----------------------------------------------------------------
    def search(
        self,
        query: "str | Query",
        k: int = 5,
        *,
        doc_ids: Optional[list[str]] = None,
        mode: Optional[str] = None,
    ) -> list[Hit]:
        """Best ``k`` chunks for ``query`` (simplified or traditional Chinese).

        ``mode`` is ``hybrid`` (default from settings), ``bm25`` or ``dense``.
        Scores are BM25 scores, cosine similarities, or RRF scores respectively.
        ``doc_ids`` restricts the search to those documents (an empty list
        matches nothing).
        """
        mode = (mode or self.settings.retrieval.mode or "hybrid").lower()
        if mode not in MODES:
            raise ConfigError(f"unknown retrieval mode {mode!r}", hint="use hybrid, bm25 or dense")
        if k <= 0 or (doc_ids is not None and not doc_ids):
            return []
        q = query.normalized.strip() if isinstance(query, Query) else _normalize(query)
        if not q:
            return []

        if mode == "bm25":
            return self._hits_for(self._bm25(q, k, doc_ids), {}, k)
        if mode == "dense":
            return self._dense(q, k, doc_ids)[:k]

        n = max(4 * k, 20)
        lexical = self._bm25(q, n, doc_ids)
        dense = self._dense(q, n, doc_ids)
        fused = rrf_fuse([[cid for cid, _ in lexical], [h.chunk_id for h in dense]], int(self.settings.retrieval.rrf_k),
                         [1.0, float(self.settings.retrieval.dense_weight)])
        return self._hits_for(fused, {h.chunk_id: h for h in dense}, k)
