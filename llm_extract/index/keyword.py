"""BM25 keyword index over chunk search text, persisted beside Chroma.

(Over ~400 lines because the measured design notes below travel with the one class they explain:
tokenizing, scoring and the on-disk table are one job.)

Tokens are jieba words plus the character bigrams of every CJK run.  On the
sample corpus (141 chunks, 298 generated queries: exact substrings, substrings
with one character dropped, two phrases of one chunk concatenated) bigrams
raised MRR@10 from 0.75/0.76/0.72 (jieba ``lcut`` alone) to 0.93/0.90/0.95;
``lcut_for_search`` + bigrams scored the same as ``lcut`` + bigrams while
costing more, so plain ``lcut`` is used.  Words keep ranking precise for
multi-character terms, bigrams rescue queries that jieba segments differently
from the document.

Scoring is BM25 as ``bm25s`` computes it by default (Lucene idf, k1=1.5,
b=0.75) -- same ranking, same scores -- but from term frequencies at query
time, so adding or removing a document never rebuilds anything.  The previous
design (one JSON-lines table holding every chunk's tokens, a ``bm25s`` matrix
rebuilt on the first search after any edit) measured at 100,000 chunks
(``bench/keyword_index.py``): 249 s of the build spent rewriting the whole
table at each of 134 periodic saves, 3.1 GB RSS while building, 7 s to open
and 16 s for the first search in a new process, 4.1 GB RSS there.  This
design: 13 s of saves, 0.06 s to open, 0.01 s for the first search, 0.8 ms
per warm search, 200 MB RSS (see ``bench/README.md``).

On disk (directory ``path``):

* ``chunks.jsonl`` — one header line: format, tokenizer, vocabulary length and
  the list of live segments with their deleted rows.  It is replaced
  atomically, last, so a reader sees the old index or the new one.  (Format 1,
  still read, held every chunk on further lines.)
* ``vocab-NNNNNN.txt`` — token ids are line numbers (JSON strings); only
  appended, and truncated back to the length the header records before an
  append, so a crash mid-save cannot shift ids.
* ``seg-NNNNNN/`` — immutable batches written by ``save``: chunk rows read
  lazily, memory-mapped postings (layout in ``keyword_store``).  Small
  segments are merged like a binary counter, so each row is rewritten
  O(log n) times, and a segment mostly deleted is rewritten without its dead
  rows.

The code is split in two modules.  This one holds what depends on tokens:
the tokenizer, the vocabulary, the header and BM25 scoring, i.e. everything
that changes when ranking changes.  ``keyword_store`` holds the segment files
(atomic writes, ``.npy`` postings, merges), which deal only in integer token
ids and must stay crash-safe whatever the scoring does.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import threading
import unicodedata
from dataclasses import asdict
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..core.errors import IndexStoreError
from .keyword_store import _Part, _atomic_write, _merge, _save_arrays
from ..core.types import Chunk

__all__ = ["KeywordIndex", "tokenize", "TOKENIZER_VERSION"]

TOKENIZER_VERSION = "jieba-lcut+cjk-bigram-v1"
_FORMAT = 2
_FILENAME = "chunks.jsonl"
_SEG = re.compile(r"^seg-\d{6}$")
_VOCAB = re.compile(r"^vocab-\d{6}\.txt$")
_K1, _B = 1.5, 0.75

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


def tokenize(text: str, segmenter: Any = None) -> list[str]:
    """Index tokens of simplified text: jieba words (no punctuation) + CJK bigrams.

    ``segmenter`` is a jieba ``Tokenizer`` to cut with (a query's, over the start-up word table:
    same words, looked up on demand); by default jieba's own, with the whole dictionary loaded.
    """
    text = unicodedata.normalize("NFKC", text).lower()
    tokens: list[str] = []
    for word in (segmenter or _get_jieba()).lcut(text):
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


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Rows of the ``k`` best positive scores, best first, ties by row (a stable sort's order)."""
    pos = np.flatnonzero(scores > 0)
    if len(pos) > k:
        vals = scores[pos]
        kth = np.partition(vals, len(vals) - k)[len(vals) - k]
        pos = pos[vals >= kth]
    return pos[np.lexsort((pos, -scores[pos]))[:k]]


class KeywordIndex:
    """Chunk table + BM25 scorer.  Not safe for concurrent writers; readers may open while one writes."""

    def __init__(self, path: str | os.PathLike[str], *, startup_cache: Path | None = None):
        self.path = Path(path)
        self._lock = threading.RLock()
        self._startup_cache = startup_cache  # where jieba's word table for queries is kept (None: not kept)
        self._segmenter: Any = None  # the query segmenter once looked for; False when there is no table
        self._word_table_kept = False  # the word table was written (or found) once by this index
        self._vocab: dict[str, int] = {}
        self._vocab_file = ""  # named in the header; a re-tokenized index starts a new one
        self._saved_vocab = 0  # tokens already in the vocabulary file
        self._vocab_bytes = 0
        self._segments: list[_Part] = []
        self._next_segment = 1
        self._pending: dict[str, tuple[Chunk, np.ndarray, np.ndarray, int]] = {}  # cid -> chunk, ids, counts, len
        self._by_doc: dict[str, set[str]] = {}  # remove_doc runs per document; keep it O(chunks of doc)
        self._rewrite = False  # tokenizer changed: next save writes everything afresh
        self._mem: _Part | None = None  # postings of the pending chunks, built on demand
        self._stats: tuple[int, list[np.ndarray]] | None = None  # live rows, per-part BM25 length norms

    # -- persistence ------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str], *, startup_cache: Path | None = None) -> "KeywordIndex":
        """Load the index stored in directory ``path`` (empty if it does not exist).

        ``startup_cache``: the directory of start-up tables (:mod:`.startup_cache`); queries then cut
        words with jieba's dictionary read from SQLite on demand, instead of loading all of it.
        """
        file = Path(path) / _FILENAME
        for attempt in range(3):
            index = cls(path, startup_cache=startup_cache)
            if not file.exists():
                return index
            try:
                index._load(file)
                return index
            except FileNotFoundError:
                # A writer merged segments between our reading the header and the files; read again.
                if attempt == 2:
                    raise IndexStoreError("keyword index changed while opening", path=str(file), hint="retry") from None
            except IndexStoreError:
                raise
            except (OSError, ValueError, TypeError, KeyError, IndexError) as exc:
                raise IndexStoreError(f"keyword index is unreadable: {exc}", path=str(file),
                                      hint="rebuild the index") from exc
        raise AssertionError("unreachable")

    def _load(self, file: Path) -> None:
        with open(file, encoding="utf-8") as fh:
            header = json.loads(fh.readline() or "{}")
            fmt = header.get("format")
            if fmt == 1:
                self._load_v1(fh, header.get("tokenizer") != TOKENIZER_VERSION)
                self._rewrite = True
                return
        if fmt != _FORMAT:
            raise IndexStoreError(f"unsupported keyword index format {fmt!r}", path=str(file), hint="rebuild the index")
        vocab = header["vocab"]
        self._vocab_file = str(vocab["file"])
        with open(self.path / self._vocab_file, "rb") as vf:
            data = vf.read(int(vocab["bytes"]))
        # One parse for the whole file: lines are JSON strings, so joining them with commas makes a JSON list.
        tokens = json.loads("[" + data.decode("utf-8").replace("\n", ",").rstrip(",") + "]") if data else []
        if len(tokens) != int(vocab["size"]):
            raise IndexStoreError("keyword vocabulary is truncated", path=str(self.path / self._vocab_file),
                                  hint="rebuild the index")
        self._vocab = {t: i for i, t in enumerate(tokens)}
        self._saved_vocab, self._vocab_bytes = len(tokens), int(vocab["bytes"])
        self._next_segment = int(header.get("next_segment", 1))
        self._segments = [_Part.load(self.path, s["name"], s.get("deleted", [])) for s in header["segments"]]
        for part in self._segments:
            for i in np.flatnonzero(part.live):
                self._by_doc.setdefault(part.docs[i], set()).add(part.ids[i])
        if header.get("tokenizer") != TOKENIZER_VERSION:
            # Token ids on disk mean other tokens now: re-tokenize every row into memory.
            rows = [Chunk(**p.read_row(int(i))) for p in self._segments for i in np.flatnonzero(p.live)]
            next_segment = self._next_segment
            self.__init__(self.path)  # type: ignore[misc]
            self._next_segment = next_segment
            self.add(rows)
            self._rewrite = True

    def _load_v1(self, fh: Any, retokenize: bool) -> None:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            tokens = row.pop("tokens", "")
            chunk = Chunk(**row)
            self._put(chunk, tokenize(chunk.search_text) if retokenize else (tokens.split(" ") if tokens else []))

    def save(self) -> None:
        """Persist unsaved changes: a new segment, the deletions, then the header (atomically, last)."""
        with self._lock:
            self._stats = None
            try:
                self.path.mkdir(parents=True, exist_ok=True)
                if self._rewrite:
                    self._save_rewrite()
                self._append_vocab()
                if self._pending:
                    self._segments.append(self._write_pending())
                self._compact()
                self._write_header()
                self._remove_unreferenced()
                self._stats = None
            except OSError as exc:
                raise IndexStoreError(f"cannot write keyword index: {exc}", path=str(self.path)) from exc

    def _save_rewrite(self) -> None:
        """Start a fresh vocabulary file: every live chunk is pending with new ids."""
        for part in self._segments:
            if part.fh:
                part.fh.close()
        self._segments = []
        self._vocab_file = ""
        self._saved_vocab = self._vocab_bytes = 0
        self._rewrite = False

    def _append_vocab(self) -> None:
        if not self._vocab_file:
            self._vocab_file = f"vocab-{self._next_segment:06d}.txt"
            self._next_segment += 1
            (self.path / self._vocab_file).write_bytes(b"")
        elif len(self._vocab) == self._saved_vocab:
            return
        new = itertools.islice(self._vocab, self._saved_vocab, None)
        data = "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in new).encode("utf-8")
        with open(self.path / self._vocab_file, "r+b") as fh:
            # Drop whatever a crashed save appended beyond what the header records.
            fh.truncate(self._vocab_bytes)
            fh.seek(self._vocab_bytes)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        self._saved_vocab, self._vocab_bytes = len(self._vocab), self._vocab_bytes + len(data)

    def _segment_name(self) -> str:
        name = f"seg-{self._next_segment:06d}"
        self._next_segment += 1
        return name

    def _write_pending(self) -> _Part:
        items = list(self._pending.values())
        ids = [c.chunk_id for c, *_ in items]
        docs = [c.doc_id for c, *_ in items]
        rows = [json.dumps(asdict(c), ensure_ascii=False).encode("utf-8") + b"\n" for c, *_ in items]
        post = _Part.postings([(t, n) for _, t, n, _ in items])
        part = _Part.write(self.path, self._segment_name(), ids, docs, rows, np.array([d for *_, d in items]),
                           _save_arrays(post))
        self._pending.clear()
        self._mem = None
        return part

    def _compact(self) -> None:
        segs = self._segments
        # Binary-counter merging keeps O(log n) segments and rewrites each row O(log n) times.
        while len(segs) >= 2 and segs[-2].live.sum() <= segs[-1].live.sum():
            segs[-2:] = [_merge(segs[-2:], self.path, self._segment_name())]
        for i, part in enumerate(segs):
            if part.live.sum() * 2 < len(part.live):
                segs[i] = _merge([part], self.path, self._segment_name())
        self._segments = [p for p in segs if len(p.ids)]

    def _write_header(self) -> None:
        header = {
            "format": _FORMAT, "tokenizer": TOKENIZER_VERSION, "chunks": len(self),
            "vocab": {"file": self._vocab_file, "size": self._saved_vocab, "bytes": self._vocab_bytes},
            "next_segment": self._next_segment,
            "segments": [{"name": p.name, "rows": len(p.ids), "deleted": np.flatnonzero(~p.live).tolist()}
                         for p in self._segments],
        }
        _atomic_write(self.path / _FILENAME, (json.dumps(header) + "\n").encode("utf-8"))

    def _remove_unreferenced(self) -> None:
        keep = {p.name for p in self._segments}
        for entry in self.path.iterdir():
            leftover = entry.name.startswith(".seg-") and ".tmp" in entry.name
            if (_SEG.match(entry.name) and entry.name not in keep) or leftover:
                shutil.rmtree(entry, ignore_errors=True)
            elif _VOCAB.match(entry.name) and entry.name != self._vocab_file:
                entry.unlink(missing_ok=True)

    # -- editing ----------------------------------------------------------------
    def _locate(self, chunk_id: str) -> tuple[_Part, int] | None:
        for part in reversed(self._segments):
            i = part.row.get(chunk_id)
            if i is not None and part.live[i]:
                return part, i
        return None

    def _discard(self, chunk_id: str, doc_id: str) -> None:
        self._stats = None
        if self._pending.pop(chunk_id, None) is not None:
            self._mem = None
        elif (found := self._locate(chunk_id)) is not None:
            part, i = found
            if not part.live.flags.writeable:
                part.live = part.live.copy()
            part.live[i] = False
        ids = self._by_doc.get(doc_id)
        if ids is not None:
            ids.discard(chunk_id)
            if not ids:
                del self._by_doc[doc_id]

    def _put(self, chunk: Chunk, tokens: list[str]) -> None:
        old = self._pending.get(chunk.chunk_id)
        if old is not None:
            self._discard(chunk.chunk_id, old[0].doc_id)
        elif (found := self._locate(chunk.chunk_id)) is not None:
            self._discard(chunk.chunk_id, found[0].docs[found[1]])
        vocab = self._vocab
        ids = np.fromiter((vocab.setdefault(t, len(vocab)) for t in tokens), dtype=np.int32, count=len(tokens))
        uniq, counts = np.unique(ids, return_counts=True)
        tf = np.minimum(counts, 65535).astype(np.uint16)
        self._pending[chunk.chunk_id] = (chunk, uniq.astype(np.int32), tf, len(tokens))
        self._by_doc.setdefault(chunk.doc_id, set()).add(chunk.chunk_id)
        self._mem = self._stats = None

    def add(self, chunks: Sequence[Chunk]) -> None:
        """Add chunks, replacing any with the same ``chunk_id``."""
        if not chunks:
            return
        tokenized = [(c, tokenize(c.search_text)) for c in chunks]
        self._keep_word_table()
        with self._lock:
            for chunk, tokens in tokenized:
                self._put(chunk, tokens)

    def remove_doc(self, doc_id: str) -> int:
        """Drop every chunk of ``doc_id``; returns how many were removed."""
        with self._lock:
            gone = list(self._by_doc.get(doc_id, ()))
            for cid in gone:
                self._discard(cid, doc_id)
            return len(gone)

    # -- reading ----------------------------------------------------------------
    def __len__(self) -> int:
        return sum(len(ids) for ids in self._by_doc.values())

    def __contains__(self, chunk_id: object) -> bool:
        return isinstance(chunk_id, str) and (chunk_id in self._pending or self._locate(chunk_id) is not None)

    def chunk(self, chunk_id: str) -> Chunk | None:
        """The stored chunk, or None."""
        with self._lock:
            if (held := self._pending.get(chunk_id)) is not None:
                return held[0]
            found = self._locate(chunk_id)
        return Chunk(**found[0].read_row(found[1])) if found else None

    def doc_ids(self) -> set[str]:
        return set(self._by_doc)

    def _parts(self) -> list[_Part]:
        if self._pending and self._mem is None:
            items = list(self._pending.values())
            arrays = {"off": np.zeros(1, np.int64), "dl": np.array([d for *_, d in items], np.int32),
                      **_Part.postings([(t, n) for _, t, n, _ in items])}
            self._mem = _Part([c.chunk_id for c, *_ in items], [c.doc_id for c, *_ in items], arrays,
                              np.ones(len(items), dtype=bool))
        return self._segments + ([self._mem] if self._pending and self._mem is not None else [])

    def search(self, query: str, k: int, *, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """Top ``k`` ``(chunk_id, bm25 score)`` pairs with a positive score, best first."""
        if k <= 0 or (doc_ids is not None and not doc_ids):
            return []
        # Callers pass simplified text, but a traditional query must still hit.
        tokens = tokenize(_t2s(query), self._query_segmenter())
        with self._lock:
            known = [self._vocab[t] for t in tokens if t in self._vocab]
            if not known:
                return []
            # A token repeated in the query counts once per occurrence, as in bm25s.
            qids, qcount = np.unique(np.asarray(known, dtype=np.int32), return_counts=True)
            parts = self._parts()
            n_live, norms = self._corpus_stats(parts)
            if n_live == 0:
                return []
            columns = [p.column(qids) for p in parts]
            dead = [not p.live.all() for p in parts]
            df = np.zeros(len(qids))
            for p, cols, has_dead in zip(parts, columns, dead):
                for j, rows, _ in cols:
                    df[j] += np.count_nonzero(p.live[rows]) if has_dead else len(rows)
            weight = qcount * np.log(1.0 + (n_live - df + 0.5) / (df + 0.5))
            allowed = self._allowed(parts, doc_ids) if doc_ids is not None else None
            scored: list[tuple[float, int, int]] = []
            for n, (p, cols) in enumerate(zip(parts, columns)):
                if not cols:
                    continue
                rows = np.concatenate([r for _, r, _ in cols])
                tf = np.concatenate([t for _, _, t in cols]).astype(np.float64)
                w = np.repeat(weight[[j for j, _, _ in cols]], [len(r) for _, r, _ in cols])
                scores = np.bincount(rows, weights=w * tf / (tf + norms[n][rows]), minlength=len(p.ids))
                if dead[n]:
                    scores[~p.live] = 0.0
                if allowed is not None:
                    scores[~allowed[n]] = 0.0
                scored.extend((-float(scores[i]), n, int(i)) for i in _top(scores, k))
            scored.sort()
            return [(parts[n].ids[i], -s) for s, n, i in scored[:k]]

    def _query_segmenter(self) -> Any:
        """jieba over the start-up word table (None: the whole dictionary, which is then saved as that table)."""
        if self._segmenter is None:
            from .startup_cache import query_segmenter

            self._segmenter = query_segmenter(self._startup_cache) or False
            if self._segmenter is False:
                self._keep_word_table()
        return self._segmenter or None

    def _keep_word_table(self) -> None:
        """Write jieba's word table for later queries, once per index object (ingest adds file after file)."""
        if self._startup_cache is not None and not self._word_table_kept:
            from .startup_cache import save_word_table

            jieba = _get_jieba()
            save_word_table(self._startup_cache, jieba.dt.FREQ, jieba.dt.total)
            self._word_table_kept = True

    def _corpus_stats(self, parts: list[_Part]) -> tuple[int, list[np.ndarray]]:
        """Live rows and each part's per-row length norm ``k1 * (1 - b + b * dl / avgdl)``, cached until an edit."""
        if self._stats is None:
            n_live = sum(int(p.live.sum()) for p in parts)
            total = sum(int(np.asarray(p.dl)[p.live].sum()) for p in parts)
            avgdl = total / n_live if n_live else 1.0
            self._stats = (n_live, [_K1 * (1.0 - _B + _B * np.asarray(p.dl, dtype=np.float64) / avgdl) for p in parts])
        return self._stats

    def _allowed(self, parts: list[_Part], doc_ids: Sequence[str]) -> list[np.ndarray]:
        masks = [np.zeros(len(p.ids), dtype=bool) for p in parts]
        for doc in set(doc_ids):
            for cid in self._by_doc.get(doc, ()):
                for n, p in enumerate(parts):
                    i = p.row.get(cid)
                    if i is not None and p.live[i]:
                        masks[n][i] = True
        return masks
