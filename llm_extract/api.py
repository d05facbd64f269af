"""The small public Python API (re-exports and thin wrappers); the CLI is built on it.

>>> from llm_extract import ingest, search
>>> ingest(["examples/corpus"])                     # doctest: +SKIP
>>> search("2013年徐泾镇地区生产总值", k=3)[0].text   # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional

from .core.config import Settings
from .core.types import Hit
from .index.access import list_documents, load_original, open_retriever, original_for, require_index

__all__ = ["ingest", "search", "ask", "extract", "evaluate", "list_documents", "load_original", "open_retriever",
           "original_for", "require_index"]


def ingest(paths: Iterable[str | Path], settings: Optional[Settings] = None, **kw):
    """Index files/folders (see :func:`llm_extract.index.ingest.ingest`) and store their indicator
    records beside the index for ``ask`` (:func:`llm_extract.extract.record_store.refresh_records`)."""
    from .extract.record_store import refresh_records
    from .index.ingest import ingest as _ingest

    summary = _ingest(paths, settings, **kw)
    refresh_records(settings)
    return summary


def search(query: str, *, k: int = 5, doc_ids: Optional[list[str]] = None, mode: Optional[str] = None,
           settings: Optional[Settings] = None, retriever=None) -> list[Hit]:
    """Hybrid search; each hit's ``text`` equals ``load_original(hit.source)[hit.start:hit.end]``."""
    settings = settings or Settings()
    retriever = retriever or open_retriever(settings)
    return retriever.search(query, k=k, doc_ids=doc_ids, mode=mode)


def ask(question: str, settings: Optional[Settings] = None, **kw):
    """Cited answer; see :func:`llm_extract.qa.ask.ask`. Returns an ``Answer`` (``.to_dict()`` for JSON)."""
    from .qa.ask import ask as _ask

    return _ask(question, settings=settings, **kw)


def extract(paths: Optional[Iterable[str | Path]] = None, *, out: str | Path, kinds: Iterable[str] = ("indicator",),
            backend: Optional[str] = None, fmt: str = "jsonl", settings: Optional[Settings] = None, llm=None,
            custom_schema=None, doc_ids: Optional[list[str]] = None):
    """Bulk grounded extraction from files (or, without paths, the index); see :mod:`llm_extract.extract.bulk`."""
    from .extract.bulk import run_extraction, targets_from_index, targets_from_paths

    settings = settings or Settings()
    skipped: list[str] = []
    targets = targets_from_paths(paths, settings, skipped) if paths else targets_from_index(settings, doc_ids)
    summary = run_extraction(targets, kinds=list(kinds), out=Path(out), fmt=fmt, backend=backend, settings=settings,
                             llm=llm, custom_schema=custom_schema)
    summary_dict = summary.to_dict()
    summary_dict["skipped"] = skipped
    return summary_dict


def evaluate(gold_dir: str | Path = "eval", *, settings: Optional[Settings] = None, **kw) -> dict:
    """Scores against the gold set; see :func:`llm_extract.evaluation.evaluate.run_eval`."""
    from .evaluation.evaluate import run_eval

    return run_eval(gold_dir, settings=settings, **kw)
