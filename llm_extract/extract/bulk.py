"""Bulk extraction over many documents: parallel, resumable, written atomically.

Each unit of work (document × section × record kind) appends one line to a
checkpoint log beside the output once it is done.  A rerun reads the log and
skips finished units, so an interrupted run continues where it stopped and a
record is never written twice; the output file itself is only ever replaced
whole (temp file + rename).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from ..core.config import Settings
from ..core.errors import ConfigError, LlmExtractError
from ..core.types import Document, NormalizedText

ProgressFn = Callable[[int, int, int, int], None]  # units done, units total, records so far, tokens so far
FORMATS = ("jsonl", "csv", "parquet", "sqlite")


class Target:
    """A document to extract from: its normalized view, or the original text to build it from.

    Targets of many documents would hold a normalized copy of each (about 200
    bytes per character) if built eagerly; given ``original`` instead, the view
    is built when a worker reaches the document (see :class:`_NormCache`).
    Every document of a file shares that file's one ``original`` string.
    """

    def __init__(self, doc: Document, norm: Optional[NormalizedText] = None, *, original: Optional[str] = None):
        if norm is None and original is None:
            raise ValueError("a Target needs the normalized view or the original text")
        self.doc = doc
        self._norm = norm
        self.original: str = norm.original if norm is not None else original  # type: ignore[assignment]

    @property
    def norm(self) -> NormalizedText:
        """The normalized view (built on each access when not given: prefer ``original`` for the text)."""
        if self._norm is not None:
            return self._norm
        from ..text.normalize import normalize

        return normalize(self.original, self.doc.start, self.doc.end)

    def __repr__(self) -> str:
        return f"Target({self.doc.doc_id!r}, {self.doc.source!r})"


class _NormCache:
    """Normalized views of the few documents being worked on; units arrive in document order."""

    def __init__(self, keep: int):
        self.keep = keep
        self._views: dict[int, NormalizedText] = {}
        self._lock = threading.Lock()

    def get(self, t: Target) -> NormalizedText:
        if t._norm is not None:
            return t._norm
        key = id(t)
        with self._lock:
            view = self._views.get(key)
        if view is None:
            view = t.norm
            with self._lock:
                self._views[key] = view
                while len(self._views) > self.keep:
                    self._views.pop(next(iter(self._views)))
        return view


@dataclass
class ExtractSummary:
    documents: int = 0
    sections: int = 0
    units: int = 0
    units_resumed: int = 0
    records: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    out: str = ""

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def targets_from_paths(paths: Iterable[str | Path], settings: Settings, skipped: list[str]) -> list[Target]:
    """Documents straight from files, without an index."""
    from ..text.loading import iter_files, load_file
    from ..index.ingest import build_documents, claim_doc_ids

    out: list[Target] = []
    taken: set[str] = set()
    files: list[Path] = []
    seen: set[Path] = set()
    for p in paths:  # a missing path is skipped like a bad file, as ingest does
        try:
            for f in iter_files([p]):
                if f.resolve() not in seen:  # a file named twice is extracted once
                    seen.add(f.resolve())
                    files.append(f)
        except LlmExtractError as exc:
            skipped.append(exc.one_line())
    for f in files:
        source = os.path.normpath(str(f))
        try:
            raw = load_file(f, max_bytes=settings.index.max_file_mb * 1024 * 1024)
        except LlmExtractError as exc:
            skipped.append(exc.one_line())
            continue
        docs = build_documents(raw.text, source, raw.sha256, taken, settings, file_title=raw.title)
        if not docs:
            skipped.append(f"{source}: no report text left after removing web-page chrome")
        for doc, _chunks in docs:
            claim_doc_ids(taken, [doc.doc_id])
            out.append(Target(doc, original=raw.text))
    return out


def targets_from_index(settings: Settings, doc_ids: Optional[list[str]] = None) -> list[Target]:
    from ..index.access import require_index
    from ..index.manifest import Manifest

    m = Manifest(require_index(settings))
    try:
        out = []
        originals: dict[str, str] = {}  # one string per file, shared by its documents
        for row in m.docs():
            if doc_ids and row["doc_id"] not in doc_ids:
                continue
            doc = m.document(row["doc_id"])
            if row["source"] not in originals:
                originals[row["source"]] = m.original_text(row["source"])
            out.append(Target(doc, original=originals[row["source"]]))
        return out
    finally:
        m.close()


def _unit_key(t: Target, section_idx: int, kind: str, version: str, producer: str = "") -> str:
    """What a finished unit's records depend on: the text, the section, the kind, the prompt, and who
    produced them (the backend resolved for this kind and, for a model, its identity), so that a
    re-run with ``--backend llm`` never reuses the records of a ``rules+llm`` run, nor one model's
    records for another's."""
    raw = f"{t.doc.doc_id}|{t.doc.sha256}|{t.doc.start}|{section_idx}|{kind}|{version}|{producer}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


class Checkpoint:
    """Append-only log of finished units; a torn last line (kill -9 mid-write) is ignored."""

    def __init__(self, path: Path):
        self.path = path
        self.done: dict[str, dict] = {}
        self._lock = threading.Lock()
        if path.exists():
            with open(path, "rb") as fh:
                for line in fh:
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(entry, dict) and "unit" in entry:
                        self.done[entry["unit"]] = entry

    def add(self, entry: dict) -> None:
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            # A torn line from an earlier crash must not glue onto this one.
            needs_nl = self.path.exists() and self.path.stat().st_size > 0 and not self._ends_with_newline()
            with open(self.path, "ab") as fh:
                if needs_nl:
                    fh.write(b"\n")
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
            self.done[entry["unit"]] = entry

    def _ends_with_newline(self) -> bool:
        with open(self.path, "rb") as fh:
            fh.seek(-1, os.SEEK_END)
            return fh.read(1) == b"\n"


def run_extraction(
    targets: list[Target],
    *,
    kinds: list[str],
    out: Path,
    fmt: str = "jsonl",
    backend: Optional[str] = None,
    settings: Optional[Settings] = None,
    llm=None,
    custom_schema=None,
    progress: Optional[ProgressFn] = None,
) -> ExtractSummary:
    from .extractor import SectionExtractor, needs_llm

    settings = settings or Settings()
    backend = backend or settings.extract.backend
    _check_options(backend, fmt)
    t0 = time.perf_counter()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    use_llm = needs_llm(backend, kinds)
    own_llm = use_llm and llm is None
    if own_llm:
        from ..llm.client import LLMClient

        llm = LLMClient(settings)
    extractor = SectionExtractor(backend=backend, llm=llm, custom_schema=custom_schema)
    ckpt = Checkpoint(out.with_name(out.name + ".progress.jsonl"))
    summary = ExtractSummary(documents=len(targets), out=str(out))
    units = _plan_units(targets, kinds, extractor, backend, llm, summary)
    todo = [u for u in units if u[0] not in ckpt.done]
    summary.units_resumed = len(units) - len(todo)
    progress = progress or (lambda *a: None)
    counters = {"done": summary.units_resumed, "records": sum(len(ckpt.done[u[0]]["records"]) for u in units if u[0] in ckpt.done), "tokens": 0}
    progress(counters["done"], len(units), counters["records"], 0)
    try:
        _run_units(todo, units, extractor, ckpt, max(1, settings.extract.concurrency if use_llm else 1), progress, counters)
    finally:
        if own_llm:  # an injected client belongs to the caller, who may reuse it
            llm.close()

    _assemble(units, ckpt, {u[0] for u in todo}, summary, out, fmt)
    summary.seconds = time.perf_counter() - t0
    return summary


def _check_options(backend: str, fmt: str) -> None:
    from .extractor import BACKENDS

    if backend not in BACKENDS:
        raise ConfigError(f"unknown extraction backend {backend!r}", hint="use " + " | ".join(BACKENDS))
    if fmt not in FORMATS:
        raise ConfigError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _plan_units(targets: list[Target], kinds: list[str], extractor, backend: str, llm, summary: ExtractSummary) -> list:
    """Every unit of work, ``(resume key, target, section index, section, kind)`` in document order."""
    from .extractor import resolve_backend

    def producer(kind: str) -> str:
        resolved = resolve_backend(backend, kind)
        model = getattr(llm, "backend_id", "") if resolved != "rules" else ""
        return f"{resolved}|{model}"

    units = []
    for t in targets:
        summary.sections += len(t.doc.sections)
        for si, sec in enumerate(t.doc.sections):
            for kind in kinds:
                units.append((_unit_key(t, si, kind, extractor.prompt_version(kind), producer(kind)), t, si, sec, kind))
    summary.units = len(units)
    return units


def _extract_unit(unit, extractor, views: _NormCache, ckpt: Checkpoint) -> dict:
    """Extract one unit and log it as finished."""
    key, t, si, sec, kind = unit
    res = extractor.extract(kind, t.doc, views.get(t), sec)
    entry = {
        "unit": key, "doc_id": t.doc.doc_id, "section": si, "kind": kind,
        "records": [r.model_dump(mode="json") for r in res.records], "dropped": res.dropped,
        "calls": res.calls, "prompt_tokens": res.prompt_tokens, "completion_tokens": res.completion_tokens,
    }
    ckpt.add(entry)
    return entry


def _run_units(todo: list, units: list, extractor, ckpt: Checkpoint, workers: int, progress: ProgressFn,
               counters: dict) -> None:
    """Extract the units not done yet on ``workers`` threads, reporting progress as each finishes."""
    views = _NormCache(keep=2 * workers + 1)
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        futures = [pool.submit(_extract_unit, u, extractor, views, ckpt) for u in todo]
        for fut in as_completed(futures):
            entry = fut.result()
            counters["done"] += 1
            counters["records"] += len(entry["records"])
            counters["tokens"] += entry["prompt_tokens"] + entry["completion_tokens"]
            progress(counters["done"], len(units), counters["records"], counters["tokens"])
    except BaseException as exc:
        # A dead server or Ctrl-C: send no queued unit to it (each would wait out its
        # own retries), keep what is finished in the log, and say how to go on.
        pool.shutdown(wait=True, cancel_futures=True)
        if isinstance(exc, LlmExtractError):
            kept = sum(1 for u in units if u[0] in ckpt.done)
            note = (f"{kept}/{len(units)} units are done and kept in {ckpt.path.name}; "
                    "run the same command again to continue")
            exc.hint = f"{exc.hint}; {note}" if exc.hint else note
        raise
    finally:
        pool.shutdown(wait=True)


def _assemble(units: list, ckpt: Checkpoint, fresh: set[str], summary: ExtractSummary, out: Path, fmt: str) -> None:
    """Write the records of every finished unit, in document order, from the log; count them into ``summary``."""
    records: list[dict] = []
    for key, t, si, sec, kind in units:
        entry = ckpt.done.get(key)
        if entry is None:
            continue
        records.extend(entry["records"])
        for d in entry["dropped"]:
            reason = d["reason"].split(":")[0][:60]
            summary.dropped[reason] = summary.dropped.get(reason, 0) + 1
        if key in fresh:
            summary.calls += entry["calls"]
            summary.prompt_tokens += entry["prompt_tokens"]
            summary.completion_tokens += entry["completion_tokens"]
    for r in records:
        rt = r.get("record_type", "custom")
        summary.records[rt] = summary.records.get(rt, 0) + 1
    write_records(records, out, fmt)


def _columns(records: list[dict]) -> list[str]:
    cols: list[str] = []
    for r in records:
        for k in r:
            if k not in cols:
                cols.append(k)
    return cols


def write_records(records: list[dict], out: Path, fmt: str) -> None:
    """Write all records to ``out`` atomically: readers never see a half-written file."""
    tmp = out.with_name(f".{out.name}.tmp{os.getpid()}")
    try:
        if fmt == "jsonl":
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                for r in records:
                    fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        elif fmt == "csv":
            with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=_columns(records) or ["record_type"])
                w.writeheader()
                w.writerows(records)
        elif fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            cols = _columns(records) or ["record_type"]
            table = pa.table({c: [None if r.get(c) is None else str(r.get(c)) if isinstance(r.get(c), (list, dict)) else r.get(c) for r in records] for c in cols})
            pq.write_table(table, tmp)
        elif fmt == "sqlite":
            import sqlite3

            cols = _columns(records) or ["record_type"]
            db = sqlite3.connect(tmp)
            db.execute("CREATE TABLE records (%s)" % ", ".join(f'"{c}"' for c in cols))
            db.executemany(
                "INSERT INTO records VALUES (%s)" % ", ".join("?" for _ in cols),
                [[json.dumps(r.get(c), ensure_ascii=False) if isinstance(r.get(c), (list, dict)) else r.get(c) for c in cols] for r in records],
            )
            db.commit()
            db.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
