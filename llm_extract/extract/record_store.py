"""Rule records kept beside the index (``<index>/records.sqlite``), so ``ask`` can look figures and lists up.

Rule extraction of indicators takes a fraction of a second per report and every record it
keeps is grounded (``original[start:end] == evidence``).  Storing them at ingest lets a
question such as "青川县2021年地区生产总值是多多少" be answered from a record — a sentence
composed by code, citing the record's span — instead of asking a small model to read passages.

Each document's records are keyed by what they depend on (the document's text hash, its range
and :data:`VERSION`); :func:`refresh_records` re-extracts only documents whose key changed and
drops those no longer in the index, so the store follows ``ingest`` and survives interruption
(a document is replaced in one transaction).

Indicators are one table (``records``, read by :meth:`RecordStore.records`); the tasks and problems
the rules read from a report's structure are another (``items``, read by :meth:`RecordStore.items`):
the text of each item, its heading path and its exact span, for list questions (哪些问题, 主要任务).
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from ..core.config import Settings
from ..core.types import Grounded, IndicatorRecord
from .extractor import RULES_VERSION, STRUCTURE_KINDS, TEXT_FIELD

DB_NAME = "records.sqlite"
#: Changes with the rule extractor's version or this schema: every document is then re-extracted.
VERSION = f"{RULES_VERSION}/store@2"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (doc_id TEXT PRIMARY KEY, key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    doc_id TEXT NOT NULL, metric TEXT NOT NULL, metric_raw TEXT, period TEXT, kind TEXT, value REAL,
    unit TEXT, yoy_pct REAL, qualifier TEXT, placeholder INTEGER, source TEXT, start INTEGER, "end" INTEGER,
    evidence TEXT, section TEXT
);
CREATE INDEX IF NOT EXISTS records_metric ON records (metric);
CREATE INDEX IF NOT EXISTS records_doc ON records (doc_id);
CREATE TABLE IF NOT EXISTS items (
    doc_id TEXT NOT NULL, record_type TEXT NOT NULL, text TEXT NOT NULL, section TEXT, source TEXT,
    start INTEGER, "end" INTEGER, evidence TEXT, fields TEXT
);
CREATE INDEX IF NOT EXISTS items_doc ON items (doc_id, record_type);
"""
_FIELDS = ("doc_id", "metric", "metric_raw", "period", "kind", "value", "unit", "yoy_pct", "qualifier", "placeholder",
           "source", "start", "end", "evidence", "section")


@dataclass(frozen=True)
class StoredIndicator:
    """One stored indicator record (the fields ``ask`` needs, with its exact span)."""

    doc_id: str
    metric: str
    metric_raw: str
    period: Optional[str]
    kind: str
    value: Optional[float]
    unit: Optional[str]
    yoy_pct: Optional[float]
    qualifier: Optional[str]
    placeholder: bool
    source: str
    start: int
    end: int
    evidence: str
    section: str


@dataclass(frozen=True)
class StoredItem:
    """One stored task, problem or project: its text (a project's name), the heading path it stands under and its exact span.

    ``fields`` holds the rest of the record (a task's ``value``/``unit``/``deadline``/``period``, a
    problem's ``category``, a project's ``status``/``investment_value``/``period``).  ``heading_path`` is ``section`` cut at `` > ``.
    """

    doc_id: str
    record_type: str
    text: str
    section: str
    source: str
    start: int
    end: int
    evidence: str
    fields: dict

    @property
    def heading_path(self) -> list[str]:
        return [h for h in self.section.split(" > ") if h]


_ITEM_SKIP = {"record_type", "doc_id", "source", "start", "end", "evidence", "section", "prompt_version", "grounding"}


def _item_row(doc_id: str, r: Grounded) -> tuple:
    kind = r.record_type  # type: ignore[attr-defined]
    data = r.model_dump()
    text = data.pop(TEXT_FIELD[kind])
    fields = {k: v for k, v in data.items() if k not in _ITEM_SKIP}
    return (doc_id, kind, text, r.section, r.source, r.start, r.end, r.evidence, json.dumps(fields, ensure_ascii=False))


def _doc_key(doc: dict) -> str:
    return json.dumps([doc.get("sha256"), doc.get("start"), doc.get("end"), VERSION])


class RecordStore:
    """The SQLite file of the stored rule records of one index."""

    def __init__(self, index_dir: Path):
        self.path = Path(index_dir) / DB_NAME
        self._db = sqlite3.connect(str(self.path), check_same_thread=False)
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def keys(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT doc_id, key FROM docs"))

    def replace_doc(self, doc_id: str, key: str, records: list[Grounded]) -> None:
        """Store a document's records (indicators, tasks, problems), replacing what it had."""
        rows = [
            (doc_id, r.metric, r.metric_raw, r.period, r.kind, r.value, r.unit, r.yoy_pct, r.qualifier,
             int(r.placeholder), r.source, r.start, r.end, r.evidence, r.section)
            for r in records if isinstance(r, IndicatorRecord)
        ]
        items = [_item_row(doc_id, r) for r in records if getattr(r, "record_type", "") in TEXT_FIELD]
        with self._db:
            self._drop(doc_id)
            self._db.executemany(f"INSERT INTO records VALUES ({','.join('?' * len(_FIELDS))})", rows)
            self._db.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", items)
            self._db.execute("INSERT OR REPLACE INTO docs VALUES (?, ?)", (doc_id, key))

    def _drop(self, doc_id: str) -> None:
        for table in ("records", "items"):
            self._db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))

    def remove_docs(self, doc_ids: list[str]) -> None:
        with self._db:
            for doc_id in doc_ids:
                self._drop(doc_id)
                self._db.execute("DELETE FROM docs WHERE doc_id = ?", (doc_id,))

    def items(self, doc_id: str, record_type: Optional[str] = None) -> list[StoredItem]:
        """A document's stored tasks and problems (of ``record_type`` only when given), in document order."""
        sql = 'SELECT doc_id, record_type, text, section, source, start, "end", evidence, fields FROM items WHERE doc_id = ?'
        args: list = [doc_id]
        if record_type is not None:
            sql += " AND record_type = ?"
            args.append(record_type)
        rows = self._db.execute(sql + " ORDER BY start", args)
        return [StoredItem(*row[:8], json.loads(row[8] or "{}")) for row in rows]

    def records(self, doc_ids: Optional[list[str]] = None) -> list[StoredIndicator]:
        """Stored records, of ``doc_ids`` only when given, in document order."""
        sql = "SELECT " + ", ".join(f'"{f}"' for f in _FIELDS) + " FROM records"
        args: list = []
        if doc_ids is not None:
            if not doc_ids:
                return []
            sql += f" WHERE doc_id IN ({','.join('?' * len(doc_ids))})"
            args = list(doc_ids)
        sql += " ORDER BY doc_id, start"
        return [StoredIndicator(*row[:9], bool(row[9]), *row[10:]) for row in self._db.execute(sql, args)]


def _extract_document(target) -> list[Grounded]:
    """The rules' indicators, tasks, problems and projects of one document."""
    from .extractor import SectionExtractor

    extractor = SectionExtractor(backend="rules")
    norm = target.norm  # built once per document
    out: list[Grounded] = []
    for kind in ("indicator",) + STRUCTURE_KINDS:
        for section in target.doc.sections:
            out.extend(extractor.extract(kind, target.doc, norm, section).records)
    return out


def refresh_records(settings: Optional[Settings] = None, *,
                    progress: Optional[Callable[[int, int], None]] = None, documents: Optional[list[dict]] = None) -> dict:
    """Bring ``records.sqlite`` in line with the index; returns counts of what was done.

    ``documents`` is the index's document list when the caller has already read it.
    """
    from ..index.access import list_documents, require_index
    from .bulk import targets_from_index

    settings = settings or Settings()
    index = require_index(settings)
    docs = {d["doc_id"]: d for d in (documents if documents is not None else list_documents(settings))}
    with closing(RecordStore(index)) as store:
        have = store.keys()
        stale = [doc_id for doc_id, d in docs.items() if have.get(doc_id) != _doc_key(d)]
        gone = [doc_id for doc_id in have if doc_id not in docs]
        store.remove_docs(gone)
        records = 0
        if stale:
            for i, target in enumerate(targets_from_index(settings, stale), 1):
                found = _extract_document(target)
                store.replace_doc(target.doc.doc_id, _doc_key(docs[target.doc.doc_id]), found)
                records += len(found)
                if progress:
                    progress(i, len(stale))
    return {"documents": len(docs), "extracted": len(stale), "removed": len(gone), "records": records}


def open_records(settings: Optional[Settings] = None, *, documents: Optional[list[dict]] = None) -> RecordStore:
    """The index's record store, refreshed first when the index changed since it was written."""
    from ..index.access import require_index

    settings = settings or Settings()
    refresh_records(settings, documents=documents)
    return RecordStore(require_index(settings))


__all__ = ["RecordStore", "StoredIndicator", "StoredItem", "refresh_records", "open_records", "DB_NAME", "VERSION"]
