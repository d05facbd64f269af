"""The documents a records file speaks of: title, place, year, type and their range in the file.

Records carry only ``doc_id``, ``source`` and a span.  ``table`` needs each document's place
(never its id standing in for one) and ``report`` a header per document.  They come from the
index when it holds the file (what ``llm-extract docs`` shows), else from reading the file again
the way ``ingest`` and ``extract PATH`` do.  A record is given the document whose range holds its
span, so records extracted without an index find their document even where ids were claimed in
another order.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Optional

from ..core.config import Settings
from ..core.errors import LlmExtractError


@dataclass
class DocInfo:
    doc_id: str
    source: str
    start: int
    end: int
    title: str = ""
    place: str = ""
    report_year: Optional[int] = None
    report_type: str = ""
    level: str = ""


def _from_index(settings: Settings) -> dict[str, list[DocInfo]]:
    from ..index.access import list_documents

    if not (settings.index_path() / "manifest.sqlite").exists():
        return {}
    out: dict[str, list[DocInfo]] = defaultdict(list)
    for d in list_documents(settings):
        out[d["source"]].append(DocInfo(d["doc_id"], d["source"], d["start"], d["end"], d.get("title") or "",
                                        d.get("place") or "", d.get("report_year"), d.get("report_type") or "",
                                        d.get("level") or ""))
    return out


def _from_file(source: str, settings: Settings) -> list[DocInfo]:
    """The file's reports, read as ``extract PATH`` reads them; [] when it cannot be read now."""
    from ..index.ingest import build_documents
    from ..text.loading import load_file

    if not os.path.isfile(source):
        return []
    try:
        raw = load_file(source, max_bytes=settings.index.max_file_mb * 1024 * 1024)
        docs = build_documents(raw.text, source, raw.sha256, set(), settings, file_title=raw.title)
    except LlmExtractError:
        return []
    return [DocInfo(d.doc_id, source, d.start, d.end, d.title, d.place, d.report_year, d.report_type, d.level)
            for d, _chunks in docs]


def _start(rec: dict) -> Optional[int]:
    s = rec.get("start")
    return s if isinstance(s, int) and not isinstance(s, bool) else None


def _choose(candidates: list[DocInfo], doc_id: str, starts: list[int]) -> Optional[DocInfo]:
    for c in candidates:
        if c.doc_id == doc_id:
            return c
    for s in starts:
        for c in candidates:
            if c.start <= s < c.end:
                return c
    return None


def describe_documents(records: Iterable[dict], settings: Optional[Settings] = None) -> dict[str, DocInfo]:
    """``doc_id -> DocInfo`` for every document the records name that can be found; others are left out."""
    settings = settings or Settings()
    starts: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in records:
        key = (str(r.get("doc_id") or ""), str(r.get("source") or ""))
        s = _start(r)
        starts[key].extend([] if s is None else [s])
    indexed = _from_index(settings)
    read: dict[str, list[DocInfo]] = {}
    out: dict[str, DocInfo] = {}
    for (doc_id, source), where in starts.items():
        if not doc_id or not source:
            continue
        found = _choose(indexed.get(source, []), doc_id, where)
        if found is None:
            if source not in read:
                read[source] = _from_file(source, settings)
            found = _choose(read[source], doc_id, where)
        if found is not None:
            out[doc_id] = found
    return out


__all__ = ["DocInfo", "describe_documents"]
