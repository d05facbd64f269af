"""Chroma-backed vector store of chunks.

One collection per embedder: its name is derived from ``embedder.name`` and
its metadata records the embedder and dimension, so an index can hold vectors
of several models side by side and never mixes them.  Chroma is only a vector
store here: embeddings are always computed by our :mod:`llm_extract.index.embedding`
and passed in explicitly, and collections are opened with
``embedding_function=None`` so Chroma never instantiates its default
embedding function (which would try to download an ONNX model).
"""

from __future__ import annotations

import hashlib
from typing import Any, Sequence
from urllib.parse import urlparse

import numpy as np

from ..core.errors import ConfigError, EmbedderMismatchError, IndexStoreError
from ..core.types import Chunk, Hit

__all__ = ["VectorStore", "open_store", "collection_name_for", "CHROMA_DIRNAME"]

CHROMA_DIRNAME = "chroma"
_COLLECTION_PREFIX = "chunks__"


def collection_name_for(embedder_name: str) -> str:
    """Chroma collection name for an embedder identity (stable, name-safe)."""
    return _COLLECTION_PREFIX + hashlib.sha256(embedder_name.encode("utf-8")).hexdigest()[:16]


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False)


def _make_client(settings: Any) -> Any:
    """PersistentClient under ``<index>/chroma`` or HttpClient for ``chroma_url``."""
    import chromadb

    if settings.index.chroma_url:
        url = urlparse(settings.index.chroma_url if "://" in settings.index.chroma_url else f"http://{settings.index.chroma_url}")
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ConfigError(f"bad chroma_url {settings.index.chroma_url!r}", hint="expected http://HOST:PORT")
        port = url.port or (443 if url.scheme == "https" else 8000)
        try:
            return chromadb.HttpClient(
                host=url.hostname, port=port, ssl=url.scheme == "https", settings=_chroma_settings()
            )
        except Exception as exc:
            raise IndexStoreError(f"cannot reach Chroma server at {settings.index.chroma_url}: {exc}") from exc
    path = settings.index_path() / CHROMA_DIRNAME
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())
    except Exception as exc:
        raise IndexStoreError(f"cannot open Chroma store: {exc}", path=str(path)) from exc


def _chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    # Chroma metadata values must be str/int/float/bool (no None).
    return {
        "doc_id": chunk.doc_id,
        "source": chunk.source,
        "start": int(chunk.start),
        "end": int(chunk.end),
        "section": chunk.section or "",
        "ordinal": int(chunk.ordinal),
        "has_placeholder": bool(chunk.has_placeholder),
        "is_note": bool(chunk.is_note),
        "text": chunk.text,
    }


def _hit(chunk_id: str, meta: dict[str, Any] | None, document: str | None, score: float) -> Hit:
    meta = meta or {}
    return Hit(
        doc_id=str(meta.get("doc_id", "")),
        source=str(meta.get("source", "")),
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
        text=str(meta.get("text", "")),
        section=str(meta.get("section", "")),
        score=float(score),
        chunk_id=chunk_id,
        search_text=document or "",
        is_note=bool(meta.get("is_note", False)),
    )


def _doc_filter(doc_ids: Sequence[str]) -> dict[str, Any]:
    ids = list(dict.fromkeys(doc_ids))
    return {"doc_id": ids[0]} if len(ids) == 1 else {"doc_id": {"$in": ids}}


class VectorStore:
    """The chunks of one embedder in one Chroma collection."""

    def __init__(self, client: Any, collection: Any, embedder_name: str, dim: int, *, batch_size: int | None = None):
        self.client = client
        self.collection = collection
        self.embedder_name = embedder_name
        self.dim = dim
        max_batch = None
        try:
            max_batch = int(client.get_max_batch_size())
        except Exception:  # older servers do not report it
            max_batch = None
        limit = max_batch or 1000
        self.batch_size = min(batch_size, limit) if batch_size else limit

    @property
    def name(self) -> str:
        return self.collection.name

    # -- writing ---------------------------------------------------------------
    def upsert(self, chunks: list[Chunk], vectors: np.ndarray) -> None:
        """Insert or replace chunks (by ``chunk_id``) with their embeddings."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if not chunks:
            return
        if vectors.ndim != 2 or vectors.shape[0] != len(chunks):
            raise ValueError(f"{len(chunks)} chunks but vectors of shape {vectors.shape}")
        if vectors.shape[1] != self.dim:
            raise EmbedderMismatchError(
                f"vectors have dimension {vectors.shape[1]} but collection {self.name} holds {self.dim}-d vectors "
                f"of {self.embedder_name}"
            )
        ids = [c.chunk_id for c in chunks]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate chunk_id in one upsert call")
        for i in range(0, len(chunks), self.batch_size):
            part = chunks[i : i + self.batch_size]
            try:
                self.collection.upsert(
                    ids=[c.chunk_id for c in part],
                    embeddings=vectors[i : i + len(part)],
                    documents=[c.search_text for c in part],
                    metadatas=[_chunk_metadata(c) for c in part],
                )
            except Exception as exc:
                raise IndexStoreError(f"Chroma upsert failed: {exc}") from exc

    def delete_doc(self, doc_id: str) -> None:
        """Remove every chunk of one document."""
        try:
            self.collection.delete(where={"doc_id": doc_id})
        except Exception as exc:
            raise IndexStoreError(f"Chroma delete failed: {exc}") from exc

    # -- reading ---------------------------------------------------------------
    def doc_chunk_ids(self, doc_id: str) -> list[str]:
        """Chunk ids of one document in reading order."""
        res = self.collection.get(where={"doc_id": doc_id}, include=["metadatas"])
        pairs = zip(res["ids"], res["metadatas"] or [{}] * len(res["ids"]))
        return [cid for cid, _ in sorted(pairs, key=lambda p: (int((p[1] or {}).get("ordinal", 0)), p[0]))]

    def count(self) -> int:
        return int(self.collection.count())

    def all_vectors(self, page: int = 2000) -> tuple[list[str], list[str], np.ndarray]:
        """Every chunk id, its document id and its vector, read ``page`` rows at a time (for the dense snapshot)."""
        ids: list[str] = []
        docs: list[str] = []
        parts: list[np.ndarray] = []
        total = self.count()
        try:
            for offset in range(0, total, page):
                res = self.collection.get(include=["embeddings", "metadatas"], limit=page, offset=offset)
                ids.extend(res["ids"])
                docs.extend(str((m or {}).get("doc_id", "")) for m in res["metadatas"] or [])
                parts.append(np.asarray(res["embeddings"], dtype=np.float32).reshape(len(res["ids"]), self.dim))
        except Exception as exc:
            raise IndexStoreError(f"Chroma read failed: {exc}") from exc
        vectors = np.concatenate(parts, axis=0) if parts else np.zeros((0, self.dim), dtype=np.float32)
        return ids, docs, vectors

    def get(self, ids: Sequence[str]) -> list[Hit]:
        """Hits (score 0.0) for the given chunk ids, in the given order; unknown ids are skipped."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return []
        res = self.collection.get(ids=ids, include=["metadatas", "documents"])
        found = {
            cid: (meta, doc)
            for cid, meta, doc in zip(res["ids"], res["metadatas"] or [], res["documents"] or [])
        }
        return [_hit(cid, *found[cid], 0.0) for cid in ids if cid in found]

    def query(self, vector: np.ndarray, k: int, *, doc_ids: list[str] | None = None) -> list[Hit]:
        """Nearest chunks by cosine similarity (``score = 1 - cosine distance``)."""
        if k <= 0 or (doc_ids is not None and not doc_ids):
            return []
        vec = np.asarray(vector, dtype=np.float32).reshape(-1)
        if vec.shape[0] != self.dim:
            raise EmbedderMismatchError(
                f"query vector has dimension {vec.shape[0]} but collection {self.name} holds {self.dim}-d vectors"
            )
        total = self.count()
        if total == 0:
            return []
        try:
            res = self.collection.query(
                query_embeddings=[vec],
                n_results=min(k, total),
                where=_doc_filter(doc_ids) if doc_ids else None,
                include=["metadatas", "documents", "distances"],
            )
        except Exception as exc:
            raise IndexStoreError(f"Chroma query failed: {exc}") from exc
        ids = res["ids"][0]
        metas = (res.get("metadatas") or [[]])[0] or [None] * len(ids)
        docs = (res.get("documents") or [[]])[0] or [None] * len(ids)
        dists = (res.get("distances") or [[]])[0] or [1.0] * len(ids)
        return [_hit(cid, m, d, 1.0 - float(dist)) for cid, m, d, dist in zip(ids, metas, docs, dists)]


def open_store(
    settings: Any = None,
    embedder: Any = None,
    *,
    client: Any = None,
    batch_size: int | None = None,
) -> VectorStore:
    """Open (creating if needed) the collection of ``embedder`` in the index.

    ``client`` overrides the client built from ``settings`` (tests, servers
    managed by the caller).  Raises :class:`EmbedderMismatchError` when the
    collection exists but records another embedder or dimension.
    """
    if settings is None:
        from ..core.config import Settings

        settings = Settings()
    if embedder is None:
        from .embedding import get_embedder

        embedder = get_embedder(settings)
    if client is None:
        client = _make_client(settings)
    name = collection_name_for(embedder.name)
    dim = int(embedder.dim)
    try:
        collection = client.get_or_create_collection(
            name=name,
            metadata={"embedder": embedder.name, "dim": dim, "hnsw:space": "cosine"},
            embedding_function=None,
        )
    except Exception as exc:
        raise IndexStoreError(f"cannot open Chroma collection {name}: {exc}") from exc
    meta = collection.metadata or {}
    recorded, recorded_dim = meta.get("embedder"), meta.get("dim")
    if recorded != embedder.name or recorded_dim is None or int(recorded_dim) != dim:
        raise EmbedderMismatchError(
            f"collection {name} was built with embedder {recorded!r} (dim {recorded_dim}), "
            f"not {embedder.name!r} (dim {dim})",
            hint="re-index with the embedder the index was built with, or use a fresh --index directory",
        )
    space = meta.get("hnsw:space")
    if space not in (None, "cosine"):
        raise IndexStoreError(f"collection {name} uses distance {space!r}, expected cosine")
    return VectorStore(client, collection, embedder.name, dim, batch_size=batch_size)
