"""A flat copy of the index's vectors, so a cold search ranks by cosine without starting Chroma.

Chroma stays the store of record: ingest writes every vector there first.  But a command that only
searches paid, before its first dense hit, ``import chromadb`` (0.4 s), opening the store and loading
its HNSW graph (0.3 s at 30,000 chunks) -- more than the rest of the search together
(``bench/README.md``).  At the end of every ingest run that changed the store, the vectors are
copied out of Chroma into ``<index>/dense/``: one ``float32`` matrix (memory-mapped when read) and
the chunk and document id of each row.  A search then scores every chunk exactly (one matrix-vector
product: 30,000 x 512 in a few milliseconds) instead of walking an approximate graph.

Staleness: the first change an ingest run makes to the store removes the snapshot, and only a run
that finishes writes a new one, so a snapshot on disk always matches Chroma.  A missing, unreadable
or other-embedder snapshot makes the search use Chroma, as before.  A remote Chroma
(``--chroma-url``) never has one: other clients may write to it.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

__all__ = ["DenseSnapshot", "SNAPSHOT_DIRNAME", "has_snapshot", "invalidate", "write_snapshot"]

log = logging.getLogger(__name__)
SNAPSHOT_DIRNAME = "dense"
_ROWS = "rows.json"  # written last: its presence is what makes a snapshot current
_FORMAT = 1


def has_snapshot(index_dir: Path) -> bool:
    """Whether a finished snapshot is on disk (it may still be another embedder's: :meth:`DenseSnapshot.open`)."""
    return (Path(index_dir) / SNAPSHOT_DIRNAME / _ROWS).exists()


def invalidate(index_dir: Path) -> None:
    """Forget the snapshot (before the store changes); its vectors file goes with it."""
    folder = Path(index_dir) / SNAPSHOT_DIRNAME
    (folder / _ROWS).unlink(missing_ok=True)
    for stale in folder.glob("vectors-*.npy"):
        stale.unlink(missing_ok=True)


def write_snapshot(index_dir: Path, embedder_name: str, ids: Sequence[str], docs: Sequence[str],
                   vectors: np.ndarray) -> None:
    """Write the vectors, then the row table naming them (atomically: readers see the old snapshot or the new)."""
    folder = Path(index_dir) / SNAPSHOT_DIRNAME
    folder.mkdir(parents=True, exist_ok=True)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(ids) or len(ids) != len(docs):
        raise ValueError(f"{len(ids)} ids, {len(docs)} docs but vectors of shape {vectors.shape}")
    name = f"vectors-{secrets.token_hex(6)}.npy"
    tmp_vectors = folder / (name + ".tmp")
    with open(tmp_vectors, "wb") as fh:
        np.save(fh, vectors)
    os.replace(tmp_vectors, folder / name)
    table = {"format": _FORMAT, "embedder": embedder_name, "dim": int(vectors.shape[1]), "vectors": name,
             "ids": list(ids), "docs": list(docs)}
    tmp_rows = folder / (_ROWS + ".tmp")
    tmp_rows.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp_rows, folder / _ROWS)
    for stale in folder.glob("vectors-*.npy"):
        if stale.name != name:
            stale.unlink(missing_ok=True)


class DenseSnapshot:
    """The snapshot of one index, opened for search."""

    def __init__(self, ids: list[str], docs: list[str], vectors: np.ndarray, embedder: str):
        self.ids = ids
        self.vectors = vectors
        self.embedder = embedder
        self._doc_rows: dict[str, list[int]] = {}
        for row, doc in enumerate(docs):
            self._doc_rows.setdefault(doc, []).append(row)

    @classmethod
    def open(cls, index_dir: Path, embedder_name: str) -> Optional["DenseSnapshot"]:
        """The current snapshot for ``embedder_name``, or None (none written, another embedder's, unreadable)."""
        folder = Path(index_dir) / SNAPSHOT_DIRNAME
        try:
            table = json.loads((folder / _ROWS).read_text(encoding="utf-8"))
            if table.get("format") != _FORMAT or table.get("embedder") != embedder_name:
                return None
            vectors = np.load(folder / table["vectors"], mmap_mode="r", allow_pickle=False)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.debug("dense snapshot in %s unreadable: %s", folder, exc)
            return None
        ids, docs = list(table["ids"]), list(table["docs"])
        if vectors.ndim != 2 or vectors.shape != (len(ids), int(table["dim"])) or len(docs) != len(ids):
            return None
        return cls(ids, docs, vectors, embedder_name)

    def search(self, vector: np.ndarray, k: int, *, doc_ids: Optional[list[str]] = None) -> list[tuple[str, float]]:
        """Best ``k`` ``(chunk_id, cosine)`` pairs, best first (ties by row), within ``doc_ids`` when given."""
        if k <= 0 or (doc_ids is not None and not doc_ids) or not self.ids:
            return []
        vec = np.asarray(vector, dtype=np.float32).reshape(-1)
        if vec.shape[0] != self.vectors.shape[1]:
            from ..core.errors import EmbedderMismatchError

            raise EmbedderMismatchError(f"query vector has dimension {vec.shape[0]} but the index holds "
                                        f"{self.vectors.shape[1]}-d vectors")
        if doc_ids is None:
            rows = None
            scores = self.vectors @ vec
        else:
            rows = np.array(sorted({r for d in set(doc_ids) for r in self._doc_rows.get(d, ())}), dtype=np.int64)
            if not len(rows):
                return []
            scores = self.vectors[rows] @ vec
        top = _best(scores, k)
        chosen = top if rows is None else rows[top]
        return [(self.ids[int(r)], float(scores[int(t)])) for r, t in zip(chosen, top)]


def _best(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` highest scores, best first, ties by position."""
    if len(scores) > k:
        cut = np.argpartition(-scores, k - 1)[:k]
        kth = scores[cut].min()
        cut = np.flatnonzero(scores >= kth)
    else:
        cut = np.arange(len(scores))
    return cut[np.lexsort((cut, -scores[cut]))][:k]

