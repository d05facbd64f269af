"""BM25 keyword index over chunk search text, persisted beside Chroma.

Tokens are jieba words plus the character bigrams of every CJK run.  On the
sample corpus (141 chunks, 298 generated queries: exact substrings, substrings
with one character dropped, two phrases of one chunk concatenated) bigrams
raised MRR@10 from 0.75/0.76/0.72 (jieba ``lcut`` alone) to 0.93/0.90/0.95;
``lcut_for_search`` + bigrams scored the same as ``lcut`` + bigrams while
costing more, so plain ``lcut`` is used.  Words keep ranking precise for
multi-character terms, bigrams rescue queries that jieba segments differently
from the document.

Scoring uses ``bm25s``.  It has no incremental update, so ``add``/``remove``
only edit the chunk table and mark the BM25 matrix stale; it is rebuilt on the
next search (measured: 4.3 s for 25 500 chunks, about 0.2 ms per chunk).  The
table (chunk fields + tokens) is one JSON-lines file written atomically.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
import unicodedata
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from .errors import IndexStoreError
from .types import Chunk

__all__ = ["KeywordIndex", "tokenize", "TOKENIZER_VERSION"]

TOKENIZER_VERSION = "jieba-lcut+cjk-bigram-v1"
_FORMAT = 1
_FILENAME = "chunks.jsonl"

_WORD_CHAR = re.compile(r"\w")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)[%‰]$")

_jieba_lock = threading.Lock()
_jieba: Any = None
_opencc: Any = None


def _get_jieba() -> Any:
    global _jieba
    with _jieba_lock:
        if _jieba is None:
            import logging

            import jieba

            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            _jieba = jieba
        return _jieba


def _t2s(text: str) -> str:
    global _opencc
    if _opencc is None:
        import opencc

        _opencc = opencc.OpenCC("t2s")
    return _opencc.convert(text)


def tokenize(text: str) -> list[str]:
    """Index tokens of simplified text: jieba words (no punctuation) + CJK bigrams."""
    text = unicodedata.normalize("NFKC", text).lower()
    tokens: list[str] = []
    for word in _get_jieba().lcut(text):
        word = word.strip()
        if not word or not _WORD_CHAR.search(word):
            continue
        # "12.5%" should match a query for "12.5"; the sign itself carries no signal.
        m = _PERCENT.match(word)
        tokens.append(m.group(1) if m else word)
    for run in _CJK_RUN.findall(text):
        if len(run) > 1:
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tokens


def _atomic_write_lines(path: Path, lines: Iterable[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for line in lines:
                fh.write(line)
                fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class KeywordIndex:
    """Chunk table + BM25 scorer.  Not safe for concurrent writers."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._chunks: dict[str, Chunk] = {}
        self._tokens: dict[str, list[str]] = {}
        self._by_doc: dict[str, set[str]] = {}  # remove_doc runs per document; keep it O(chunks of doc)
        self._lock = threading.RLock()
        self._bm25: Any = None
        self._order: list[str] = []  # row -> chunk_id of the built BM25 matrix
        self._row_doc: np.ndarray = np.array([], dtype=object)
        self._stale = True

    # -- persistence ------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> "KeywordIndex":
        """Load the index stored in directory ``path`` (empty if it does not exist)."""
        index = cls(path)
        file = index.path / _FILENAME
        if not file.exists():
            return index
        try:
            with open(file, encoding="utf-8") as fh:
                header = json.loads(fh.readline() or "{}")
                if header.get("format") != _FORMAT:
                    raise IndexStoreError(
                        f"unsupported keyword index format {header.get('format')!r}",
                        path=str(file),
                        hint="rebuild the index",
                    )
                retokenize = header.get("tokenizer") != TOKENIZER_VERSION
                for line in fh:
                    if not line.strip():
                        continue
                    row = json.loads(line)
                    tokens = row.pop("tokens", "")
                    chunk = Chunk(**row)
                    if retokenize:
                        index._put(chunk, tokenize(chunk.search_text))
                    else:
                        index._put(chunk, tokens.split(" ") if tokens else [])
        except IndexStoreError:
            raise
        except (OSError, ValueError, TypeError) as exc:
            raise IndexStoreError(f"keyword index is unreadable: {exc}", path=str(file), hint="rebuild the index") from exc
        return index

    def save(self) -> None:
        """Write the chunk table atomically (temp file + ``os.replace``)."""
        with self._lock:
            header = json.dumps({"format": _FORMAT, "tokenizer": TOKENIZER_VERSION, "chunks": len(self._chunks)})

            def rows() -> Iterable[str]:
                yield header
                for cid, chunk in self._chunks.items():
                    row = asdict(chunk)
                    # Tokens never contain spaces (whitespace is dropped), so
                    # a joined string is a compact, lossless encoding.
                    row["tokens"] = " ".join(self._tokens[cid])
                    yield json.dumps(row, ensure_ascii=False)

            try:
                _atomic_write_lines(self.path / _FILENAME, rows())
            except OSError as exc:
                raise IndexStoreError(f"cannot write keyword index: {exc}", path=str(self.path)) from exc

    # -- editing ----------------------------------------------------------------
    def _put(self, chunk: Chunk, tokens: list[str]) -> None:
        old = self._chunks.get(chunk.chunk_id)
        if old is not None and old.doc_id != chunk.doc_id:
            self._by_doc.get(old.doc_id, set()).discard(chunk.chunk_id)
        self._chunks[chunk.chunk_id] = chunk
        self._tokens[chunk.chunk_id] = tokens
        self._by_doc.setdefault(chunk.doc_id, set()).add(chunk.chunk_id)

    def add(self, chunks: Sequence[Chunk]) -> None:
        """Add chunks, replacing any with the same ``chunk_id``."""
        if not chunks:
            return
        tokenized = [(c, tokenize(c.search_text)) for c in chunks]
        with self._lock:
            for chunk, tokens in tokenized:
                self._put(chunk, tokens)
            self._stale = True

    def remove_doc(self, doc_id: str) -> int:
        """Drop every chunk of ``doc_id``; returns how many were removed."""
        with self._lock:
            gone = self._by_doc.pop(doc_id, set())
            for cid in gone:
                del self._chunks[cid]
                del self._tokens[cid]
            if gone:
                self._stale = True
            return len(gone)

    # -- reading ----------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._chunks)

    def __contains__(self, chunk_id: object) -> bool:
        return chunk_id in self._chunks

    def chunk(self, chunk_id: str) -> Chunk | None:
        """The stored chunk, or None."""
        return self._chunks.get(chunk_id)

    def doc_ids(self) -> set[str]:
        return {d for d, ids in self._by_doc.items() if ids}

    def _ensure_built(self) -> None:
        if not self._stale:
            return
        import bm25s

        order = list(self._chunks)
        bm25 = None
        if order:
            bm25 = bm25s.BM25()
            bm25.index([self._tokens[cid] for cid in order], show_progress=False)
        self._bm25, self._order = bm25, order
        self._row_doc = np.array([self._chunks[cid].doc_id for cid in order], dtype=object)
        self._stale = False

    def search(self, query: str, k: int, *, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """Top ``k`` ``(chunk_id, bm25 score)`` pairs with a positive score, best first."""
        if k <= 0 or (doc_ids is not None and not doc_ids):
            return []
        # Callers pass simplified text, but a traditional query must still hit.
        tokens = tokenize(_t2s(query))
        if not tokens:
            return []
        with self._lock:
            self._ensure_built()
            if self._bm25 is None:
                return []
            ids = self._bm25.get_tokens_ids(tokens)
            if not ids:
                return []
            scores = np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float64).copy()
            if doc_ids is not None:
                scores[~np.isin(self._row_doc, list(doc_ids))] = 0.0
            positive = np.flatnonzero(scores > 0)
            if positive.size == 0:
                return []
            top = positive[np.argsort(-scores[positive], kind="stable")[:k]]
            return [(self._order[i], float(scores[i])) for i in top]
