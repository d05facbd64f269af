"""Ingest: files -> documents -> sections -> chunks -> Chroma + keyword index.

The run is idempotent and safe to interrupt: unchanged files are skipped by
content hash, a changed file's old chunks are replaced, and a file counts as
indexed only once both stores hold it (see :mod:`llm_extract.index.manifest`).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from ..core.config import Settings
from ..core.errors import IndexLockedError, IndexStoreError, LoadError
from .manifest import Manifest
from ..core.types import Chunk, Document

# progress(event, done, total, detail): the CLI draws bars from it; the library never prints.
ProgressFn = Callable[[str, int, int, str], None]

# Keyword index and manifest are flushed together this often, so an interrupted
# run redoes at most this many files.
FLUSH_EVERY_FILES = 25

# Chunks are embedded and written to Chroma in batches of at least this many,
# across files: a local Chroma upsert costs ~200 ms per call plus ~2.5 ms per
# chunk (measured: 11.5 ms/chunk in calls of 33 chunks, 2.5 in calls of 1000),
# and a report makes ~30 chunks.  See bench/README.md.
WRITE_BATCH_CHUNKS = 512


@dataclass
class Skipped:
    source: str
    reason: str


@dataclass
class IngestSummary:
    files_seen: int = 0
    files_indexed: int = 0
    files_unchanged: int = 0
    files_pruned: int = 0
    documents: int = 0
    sections: int = 0
    chunks: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    index: str = ""

    def to_dict(self) -> dict:
        return {
            "index": self.index,
            "files_seen": self.files_seen,
            "files_indexed": self.files_indexed,
            "files_unchanged": self.files_unchanged,
            "files_pruned": self.files_pruned,
            "documents": self.documents,
            "sections": self.sections,
            "chunks": self.chunks,
            "skipped": [{"source": s.source, "reason": s.reason} for s in self.skipped],
            "warnings": list(self.warnings),
            "seconds": round(self.seconds, 3),
        }


@contextmanager
def index_lock(index_dir: Path, *, wait: float = 10.0) -> Iterator[None]:
    """Exclusive lock on an index directory so two writers never interleave."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        fh = open(index_dir / ".lock", "a+")
    except OSError as exc:
        raise IndexStoreError(f"cannot use the index directory: {exc.strerror or exc}", path=str(index_dir),
                              hint="pass a writable folder with --index") from None
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise IndexLockedError(
                        "index is locked by another running ingest",
                        path=str(index_dir),
                        hint="wait for it to finish, or use another --index",
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        fh.close()


_PART_ID = re.compile(r"-p\d+$")


def claim_doc_ids(taken: set[str], doc_ids: Iterable[str]) -> None:
    """Mark ids as used, and the base each was numbered from (``x`` for ``x-p2``).

    Without the base, ``a/report.txt`` and ``b/report.txt`` holding several
    reports each would both get ``report-p1`` … and overwrite each other.
    """
    for doc_id in doc_ids:
        taken.add(doc_id)
        taken.add(_PART_ID.sub("", doc_id))


def _text_file_name(source: str) -> str:
    return "originals/" + hashlib.sha256(source.encode("utf-8")).hexdigest()[:24] + ".txt"


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + f".tmp{os.getpid()}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


# The normalizer keeps a few Python objects per character (about 200 bytes), so a
# 50 MB file normalized whole would need several GB.  Longer texts are cut into
# parts of at most this many characters (~1.5 MB of UTF-8 Chinese) that become
# documents of their own (``<id>-p1``, ``<id>-p2`` …) and are processed one at a time.
PART_CHARS = 500_000
_PART_BREAKS = ("\n\n", "\n", "。", "！", "？", "；")


def split_parts(text: str, limit: int = PART_CHARS) -> list[tuple[int, int]]:
    """Consecutive ``[start, end)`` ranges tiling ``text``, each at most ``limit`` characters.

    Cuts fall at the last paragraph break in the second half of each window,
    else the last line break or sentence end, and only a text without any of
    them is cut between two characters.
    """
    out: list[tuple[int, int]] = []
    a, n = 0, len(text)
    while n - a > limit:
        cut = -1
        for sep in _PART_BREAKS:
            p = text.rfind(sep, a + limit // 2, a + limit)
            if p >= 0:
                cut = p + len(sep)
                break
        if cut <= a:
            cut = a + limit
        out.append((a, cut))
        a = cut
    out.append((a, n))
    return out


def build_documents(raw_text: str, source: str, sha256: str, taken: set[str], settings: Settings, *,
                    file_title: str = "") -> list[tuple[Document, list[Chunk]]]:
    """Split a file's original text into reports and chunk each one.

    Each report's id is unique within ``taken``, and is added to it.
    """
    from ..text.chunking import chunk_document
    from ..text.metadata import extract_metadata
    from ..text.normalize import normalize
    from ..text.split import split_reports
    from ..text.outline import parse_outline
    from .doc_ids import make_doc_id

    # Part by part: a part's normalization is freed before the next one starts.
    reports = [r for a, b in split_parts(raw_text) for r in split_reports(raw_text, a, b)]
    out: list[tuple[Document, list[Chunk]]] = []
    for i, (start, end, title_hint) in enumerate(reports, 1):
        norm = normalize(raw_text, start, end)
        if not norm.text.strip():
            continue
        meta = extract_metadata(norm, title_hint=title_hint, file_title=file_title, source=source)
        doc_id = make_doc_id(source, taken, place=meta["place"], year=meta["report_year"],
                             ordinal=i if len(reports) > 1 else 0)
        taken.add(doc_id)
        sections = parse_outline(norm)
        doc = Document(doc_id=doc_id, source=source, start=start, end=end, sha256=sha256, sections=sections, **meta)
        chunks = chunk_document(doc, norm, sections, size=settings.index.chunk_size, overlap=settings.index.chunk_overlap)
        out.append((doc, chunks))
    return out


def ingest(
    paths: Iterable[str | Path],
    settings: Optional[Settings] = None,
    *,
    embedder=None,
    store=None,
    keyword=None,
    prune: bool = False,
    progress: Optional[ProgressFn] = None,
) -> IngestSummary:
    """Index files and folders into ``settings.index.dir``; returns what was done."""
    settings = settings or Settings()
    index_dir = settings.index_path()
    t0 = time.perf_counter()
    summary = IngestSummary(index=str(index_dir))
    progress = progress or (lambda *a: None)
    files = _collect_files(paths, summary)
    with index_lock(index_dir):
        run = _IngestRun(settings, index_dir, summary, progress, embedder=embedder, store=store, keyword=keyword)
        run.recover_interrupted()
        run.index_files(files)
        if prune:
            run.prune_removed()
        run.refresh_snapshot()
        run.manifest.close()
    summary.seconds = time.perf_counter() - t0
    return summary


def _collect_files(paths: Iterable[str | Path], summary: IngestSummary) -> list[tuple[str, Path]]:
    """``(source, path)`` of every file under ``paths``, each once; unreadable paths go to ``summary.skipped``."""
    from ..text.loading import iter_files

    files: list[tuple[str, Path]] = []
    seen: set[Path] = set()
    for p in paths:
        try:
            for f in iter_files([p]):
                if f.resolve() in seen:  # named twice (directly and through its folder): index it once
                    continue
                seen.add(f.resolve())
                files.append((os.path.normpath(str(f)), f))
        except LoadError as exc:
            summary.skipped.append(Skipped(str(p), exc.one_line()))
    summary.files_seen = len(files)
    return files


class _IngestRun:
    """One locked ingest run over an index: its stores, its manifest, and the work not yet flushed.

    Chunks are buffered (``unwritten``) until a write batch is full, and indexed files
    (``pending``) until :data:`FLUSH_EVERY_FILES`; :meth:`flush` writes both stores before
    the manifest calls a file complete.
    """

    def __init__(self, settings: Settings, index_dir: Path, summary: IngestSummary, progress: ProgressFn, *,
                 embedder=None, store=None, keyword=None):
        if embedder is None:
            from .embedding import get_embedder

            embedder = get_embedder(settings)
        # The dense snapshot is kept only for the local store this run opens itself.
        self.owns_store = store is None and not settings.index.chroma_url
        if store is None:
            from .store import open_store

            store = open_store(settings, embedder)
        if keyword is None:
            from .keyword import KeywordIndex

            keyword = KeywordIndex.open(index_dir / "keyword", startup_cache=settings.startup_cache_path())
        self.settings = settings
        self.index_dir = index_dir
        self.summary = summary
        self.progress = progress
        self.embedder = embedder
        self.store = store
        self.keyword = keyword
        self.manifest = Manifest(index_dir)
        self.pending: list[tuple[dict, list[tuple[Document, list[Chunk]]]]] = []
        self.unwritten: list[Chunk] = []  # chunked, not yet embedded and in Chroma
        self.written = 0
        self.made = 0
        self.write_batch = max(WRITE_BATCH_CHUNKS, settings.index.embed_batch_size)
        self.taken: set[str] = set()
        self.store_changed = False

    def _changing_store(self) -> None:
        """Before the first change to the vector store: the dense snapshot no longer matches it."""
        if not self.store_changed:
            from .dense_snapshot import invalidate

            invalidate(self.index_dir)
            self.store_changed = True

    def refresh_snapshot(self) -> None:
        """Copy the store's vectors to the dense snapshot when this run changed them (or there is none yet)."""
        from .dense_snapshot import has_snapshot, invalidate, write_snapshot

        if not (self.owns_store and self.settings.index.dense_snapshot):
            return
        if not self.store_changed and has_snapshot(self.index_dir):
            return
        try:
            ids, docs, vectors = self.store.all_vectors()
            write_snapshot(self.index_dir, self.embedder.name, ids, docs, vectors)
        except (IndexStoreError, OSError, ValueError) as exc:
            # Searches fall back to Chroma; the next ingest run writes the snapshot again.
            invalidate(self.index_dir)
            self.summary.warnings.append(f"dense snapshot not written ({exc}); searches will use Chroma")

    # --- buffers ---------------------------------------------------------------------------------
    def write_vectors(self) -> None:
        if not self.unwritten:
            return
        self._changing_store()
        self.store.upsert(self.unwritten, self.embedder.embed([c.search_text for c in self.unwritten]))
        self.written += len(self.unwritten)
        self.progress("embed", self.written, self.made, self.unwritten[-1].source)
        self.unwritten.clear()

    def flush(self) -> None:
        # Both stores must hold a file's chunks before the manifest calls it complete.
        self.write_vectors()
        if not self.pending:
            return
        self.keyword.save()
        manifest = self.manifest
        with manifest.transaction() as conn:
            for row, docs in self.pending:
                for old in manifest.doc_ids_for(row["source"]):
                    conn.execute("DELETE FROM docs WHERE doc_id=?", (old,))
                manifest.put_file(conn, **row)
                for doc, chunks in docs:
                    manifest.put_doc(conn, doc, len(chunks))
                manifest.clear_pending(conn, row["source"])
        self.pending.clear()

    def _drop_doc(self, doc_id: str) -> None:
        self._changing_store()
        self.store.delete_doc(doc_id)
        self.keyword.remove_doc(doc_id)

    # --- steps -----------------------------------------------------------------------------------
    def recover_interrupted(self) -> None:
        """Remove a killed run's half-written documents from both stores."""
        stale = self.manifest.pending()
        if stale:
            for doc_id, _ in stale:
                self._drop_doc(doc_id)
            self.keyword.save()
            with self.manifest.transaction() as conn:
                self.manifest.settle_pending(conn)

    def index_files(self, files: list[tuple[str, Path]]) -> None:
        claim_doc_ids(self.taken, self.manifest.all_doc_ids())
        total = len(files)
        for n, (source, path) in enumerate(files, 1):
            self.progress("file", n - 1, total, source)
            self.index_file(source, path)
        self.flush()
        self.progress("file", total, total, "")

    def index_file(self, source: str, path: Path) -> None:
        """Load, split and chunk one file, replace its old documents, and buffer its chunks."""
        from ..text.loading import load_file

        summary, manifest = self.summary, self.manifest
        try:
            raw = load_file(path, max_bytes=self.settings.index.max_file_mb * 1024 * 1024)
        except LoadError as exc:
            summary.skipped.append(Skipped(source, exc.one_line()))
            return
        old = manifest.file_row(source)
        if old and old["sha256"] == raw.sha256 and old["status"] == "complete":
            summary.files_unchanged += 1
            return
        old_ids = manifest.doc_ids_for(source)
        self.taken.difference_update(old_ids + [_PART_ID.sub("", d) for d in old_ids])
        docs = build_documents(raw.text, source, raw.sha256, self.taken, self.settings, file_title=raw.title)
        manifest.mark_pending(source, old_ids + [d.doc_id for d, _ in docs])
        for doc_id in old_ids:
            self._drop_doc(doc_id)
        if not docs:
            self._forget_empty_file(source)
            return
        for doc, chunks in docs:
            self._add_document(doc, chunks)
        text_file = _text_file_name(source)
        _atomic_write_bytes(self.index_dir / text_file, raw.text.encode("utf-8"))
        self.pending.append((
            dict(source=source, abs_path=str(path.resolve()), sha256=raw.sha256, status="complete",
                 format=raw.format, encoding=raw.encoding, chars=len(raw.text), text_file=text_file),
            docs,
        ))
        summary.files_indexed += 1
        if len(self.unwritten) >= self.write_batch:
            self.write_vectors()
        if len(self.pending) >= FLUSH_EVERY_FILES:
            self.flush()

    def _forget_empty_file(self, source: str) -> None:
        """A file with no report text left: skipped, and removed from the manifest."""
        self.summary.skipped.append(Skipped(source, f"{source}: no report text left after removing web-page "
                                                    "chrome (site menus, notices, related-article lists)"))
        self.flush()  # the keyword save below must not publish other files' unflushed chunks
        self.keyword.save()
        with self.manifest.transaction() as conn:
            self.manifest.delete_file(conn, source)
            self.manifest.clear_pending(conn, source)

    def _add_document(self, doc: Document, chunks: list[Chunk]) -> None:
        # A crash after an earlier partial run may have left chunks under this id.
        # Deletes run now, so before this run's buffered upserts of the same id.
        self._drop_doc(doc.doc_id)
        self.keyword.add(chunks)
        self.unwritten.extend(chunks)
        self.made += len(chunks)
        claim_doc_ids(self.taken, [doc.doc_id])
        self.summary.documents += 1
        self.summary.sections += len(doc.sections)
        self.summary.chunks += len(chunks)

    def prune_removed(self) -> None:
        """Drop the files that no longer exist on disk.

        Prune what no longer exists on disk, not what this run was not given:
        ingesting one new file with --prune must not drop the rest of the index.
        """
        manifest = self.manifest
        for source in manifest.sources():
            row = manifest.file_row(source)
            if row and Path(row["abs_path"]).exists():
                continue
            for doc_id in manifest.doc_ids_for(source):
                self._drop_doc(doc_id)
            self.keyword.save()
            with manifest.transaction() as conn:
                manifest.delete_file(conn, source)
            self.summary.files_pruned += 1
