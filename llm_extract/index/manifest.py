"""The index manifest: which files and documents are indexed, and how far a run got.

A small SQLite database in the index directory.  A file is marked ``complete``
only after its chunks are in Chroma *and* the keyword index holding them has
been saved, so a run killed at any point leaves files that are simply redone.
"""

from __future__ import annotations

import copy
import json
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Iterator

from ..core.errors import IndexStoreError
from ..core.types import Document, Section, canonical_report_type

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    source TEXT PRIMARY KEY,
    abs_path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    status TEXT NOT NULL,
    format TEXT NOT NULL,
    encoding TEXT NOT NULL,
    chars INTEGER NOT NULL,
    text_file TEXT NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS docs (
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    title TEXT NOT NULL,
    place TEXT NOT NULL,
    years TEXT NOT NULL,
    report_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    chunks INTEGER NOT NULL,
    sections TEXT NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS docs_source ON docs(source);
CREATE TABLE IF NOT EXISTS pending (
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL
);
"""

# Document fields kept in the ``meta`` JSON column, with the value a document stored without them reads.
_META_FIELDS = {"level": "", "report_year": None, "review_years": [], "plan_years": [], "provenance": {}}


def _read_meta(raw: str | None) -> dict:
    try:
        stored = json.loads(raw or "{}")
    except ValueError:
        stored = {}
    stored = stored if isinstance(stored, dict) else {}
    return {k: stored.get(k, copy.deepcopy(default)) for k, default in _META_FIELDS.items()}


class Manifest:
    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.path = self.index_dir / "manifest.sqlite"
        self.index_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, timeout=30)
            self._db.executescript(SCHEMA)
            self._upgrade()
        except sqlite3.DatabaseError as exc:
            raise IndexStoreError(
                f"index manifest is unreadable: {exc}", path=str(self.path), hint="delete the index directory and re-ingest"
            ) from exc

    def _upgrade(self) -> None:
        """An index written before documents had a ``meta`` column gets one (its documents read defaults)."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(docs)")}
        if "meta" not in columns:
            with self._db:
                self._db.execute("ALTER TABLE docs ADD COLUMN meta TEXT NOT NULL DEFAULT '{}'")

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._db:
            yield self._db

    # --- files ---------------------------------------------------------------
    def file_row(self, source: str) -> dict | None:
        cur = self._db.execute("SELECT source, abs_path, sha256, status, format, encoding, chars, text_file FROM files WHERE source=?", (source,))
        row = cur.fetchone()
        if row is None:
            return None
        keys = ["source", "abs_path", "sha256", "status", "format", "encoding", "chars", "text_file"]
        return dict(zip(keys, row))

    def sources(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT source FROM files ORDER BY source")]

    def put_file(self, conn: sqlite3.Connection, *, source: str, abs_path: str, sha256: str, status: str,
                 format: str, encoding: str, chars: int, text_file: str) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?,?,?)",
            (source, abs_path, sha256, status, format, encoding, chars, text_file, time.time()),
        )

    def delete_file(self, conn: sqlite3.Connection, source: str) -> None:
        conn.execute("DELETE FROM docs WHERE source=?", (source,))
        conn.execute("DELETE FROM files WHERE source=?", (source,))

    # --- write-ahead journal of documents being replaced ---------------------
    # Ids are journaled (and committed) before their chunks are deleted or
    # written, and cleared in the transaction that marks their file complete.
    # A run killed in between leaves the ids here, so the next run can remove
    # their chunks even when the file itself is gone by then.
    def mark_pending(self, source: str, doc_ids: list[str]) -> None:
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO pending VALUES (?, ?)", [(d, source) for d in doc_ids])

    def pending(self) -> list[tuple[str, str]]:
        """``(doc_id, source)`` of documents an interrupted run left half-written."""
        return list(self._db.execute("SELECT doc_id, source FROM pending ORDER BY doc_id"))

    def clear_pending(self, conn: sqlite3.Connection, source: str) -> None:
        conn.execute("DELETE FROM pending WHERE source=?", (source,))

    def settle_pending(self, conn: sqlite3.Connection) -> None:
        """After the pending documents' chunks are deleted: forget them and redo their files."""
        conn.execute("UPDATE files SET status='interrupted' WHERE source IN (SELECT source FROM pending)")
        conn.execute("DELETE FROM docs WHERE doc_id IN (SELECT doc_id FROM pending)")
        conn.execute("DELETE FROM pending")

    # --- docs ----------------------------------------------------------------
    def doc_ids_for(self, source: str) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT doc_id FROM docs WHERE source=? ORDER BY doc_id", (source,))]

    def all_doc_ids(self) -> set[str]:
        return {r[0] for r in self._db.execute("SELECT doc_id FROM docs")}

    def put_doc(self, conn: sqlite3.Connection, doc: Document, chunks: int) -> None:
        meta = {k: getattr(doc, k) for k in _META_FIELDS}
        conn.execute(
            "INSERT OR REPLACE INTO docs (doc_id, source, start, end, title, place, years, report_type, sha256, chunks, "
            "sections, meta) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                doc.doc_id, doc.source, doc.start, doc.end, doc.title, doc.place, json.dumps(doc.years),
                doc.report_type, doc.sha256, chunks, json.dumps([asdict(s) for s in doc.sections], ensure_ascii=False),
                json.dumps(meta, ensure_ascii=False),
            ),
        )

    def docs(self) -> list[dict]:
        out = []
        cur = self._db.execute(
            "SELECT d.doc_id, d.source, d.start, d.end, d.title, d.place, d.years, d.report_type, d.chunks, d.sha256, "
            "d.meta FROM docs d JOIN files f ON f.source = d.source WHERE f.status='complete' ORDER BY d.source, d.start"
        )
        for doc_id, source, start, end, title, place, years, rtype, chunks, sha, meta in cur:
            out.append({
                "doc_id": doc_id, "source": source, "start": start, "end": end, "title": title, "place": place,
                "years": json.loads(years), "report_type": canonical_report_type(rtype), **_read_meta(meta),
                "characters": end - start, "chunks": chunks, "sha256": sha,
            })
        return out

    def document(self, doc_id: str) -> Document | None:
        row = self._db.execute(
            "SELECT doc_id, source, start, end, title, place, years, report_type, sha256, sections, meta "
            "FROM docs WHERE doc_id=?",
            (doc_id,),
        ).fetchone()
        if row is None:
            return None
        doc_id, source, start, end, title, place, years, rtype, sha, sections, meta = row
        return Document(
            doc_id=doc_id, source=source, start=start, end=end, title=title, place=place, years=json.loads(years),
            report_type=canonical_report_type(rtype), sha256=sha, sections=[Section(**s) for s in json.loads(sections)],
            **_read_meta(meta),
        )

    def original_text(self, source: str) -> str:
        """The original text spans of ``source`` point into (as saved at ingest)."""
        row = self.file_row(source)
        if row is None:
            raise IndexStoreError(f"not in the index: {source}", hint="run 'llm-extract ingest' on it first")
        # bytes, not text mode: universal newlines would turn \r\n into \n and shift every offset
        return (self.index_dir / row["text_file"]).read_bytes().decode("utf-8")
