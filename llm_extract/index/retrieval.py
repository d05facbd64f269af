"""Search: BM25, dense, or both fused by reciprocal rank.

Hybrid search asks each retriever for ``max(4k, 20)`` candidates and scores a
chunk by ``sum(1 / (rrf_k + rank))`` over the lists it appears in, so a chunk
found by both beats one found by either alone at a similar rank, and raw
scores of different scales never have to be compared.

Notes (注释, 注：…, 资料来源; ``Chunk.is_note``) restate metric names without
figures, so they match many questions lexically and answer few.  Every mode
ranks them down the simple way: a few more candidates than asked for are
fetched, a note's score is multiplied by :data:`NOTE_WEIGHT` (0.5), and the
list is re-sorted before it is cut to ``k``.  A note still comes first when
nothing else matches nearly as well.

Dense ranking reads the index's dense snapshot (:mod:`.dense_snapshot`: exact cosine
over a memory-mapped copy of the vectors, written by ingest) when there is one, so a
search does not start Chroma; otherwise it queries Chroma.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Optional

from ..core.errors import ConfigError
from ..core.config import RetrievalMode, choices
from ..core.types import Chunk, Hit, Query

__all__ = ["Retriever", "MODES", "NOTE_WEIGHT", "rrf_fuse", "rank_notes_down"]

MODES = choices(RetrievalMode)
NOTE_WEIGHT = 0.5


def rank_notes_down(hits: list[Hit], weight: Optional[float] = None) -> list[Hit]:
    """``hits`` re-sorted with each note's score scaled by ``weight`` (default :data:`NOTE_WEIGHT`; stable)."""
    weight = NOTE_WEIGHT if weight is None else weight
    if not any(h.is_note for h in hits) or weight == 1.0:
        return hits

    def key(h: Hit) -> float:
        if not h.is_note:
            return h.score
        return h.score * weight if h.score > 0 else h.score / weight

    return [replace(h, score=float(key(h))) if h.is_note else h for h in sorted(hits, key=key, reverse=True)]


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
        is_note=chunk.is_note,
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
        # The dense snapshot serves dense ranking for the local store this retriever opens itself
        # (an injected store is searched as given); None: not looked for yet, False: none usable.
        self._snapshot: Any = None if store is None and not settings.index.chroma_url \
            and settings.index.dense_snapshot else False

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

            self._keyword = KeywordIndex.open(self.settings.index_path() / "keyword",
                                              startup_cache=self.settings.startup_cache_path())
        return self._keyword

    # -- the two retrievers -----------------------------------------------------
    def _bm25(self, query: str, n: int, doc_ids: Optional[list[str]]) -> list[tuple[str, float]]:
        return self.keyword.search(query, n, doc_ids=doc_ids)

    @property
    def snapshot(self) -> Any:
        """The index's dense snapshot (:mod:`.dense_snapshot`), or None: dense search then asks Chroma."""
        if self._snapshot is None:
            from .dense_snapshot import DenseSnapshot

            self._snapshot = DenseSnapshot.open(self.settings.index_path(), self.embedder.name) or False
        return self._snapshot or None

    def _dense(self, query: str, n: int, doc_ids: Optional[list[str]]) -> list[Hit]:
        vector = self.embedder.embed_query(query)
        if self.snapshot is not None:
            return self._hits_for(self.snapshot.search(vector, n, doc_ids=doc_ids), {}, n)
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

        # A few candidates beyond k, so that a note ranked down can make room for report text.
        wide = k + max(k, 5)
        if mode == "bm25":
            return rank_notes_down(self._hits_for(self._bm25(q, wide, doc_ids), {}, wide))[:k]
        if mode == "dense":
            return rank_notes_down(self._dense(q, wide, doc_ids))[:k]

        n = max(4 * k, 20)
        lexical = self._bm25(q, n, doc_ids)
        dense = self._dense(q, n, doc_ids)
        fused = rrf_fuse([[cid for cid, _ in lexical], [h.chunk_id for h in dense]], int(self.settings.retrieval.rrf_k),
                         [1.0, float(self.settings.retrieval.dense_weight)])
        return rank_notes_down(self._hits_for(fused, {h.chunk_id: h for h in dense}, wide))[:k]
