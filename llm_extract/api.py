"""The small public Python API; the CLI is built on it.

>>> from llm_extract import ingest, search
>>> ingest(["examples/corpus"])                     # doctest: +SKIP
>>> search("2013年徐泾镇地区生产总值", k=3)[0].text   # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional

from .config import Settings
from .errors import IndexStoreError
from .types import Hit


def _require_index(settings: Settings) -> Path:
    index = settings.index_path()
    if not (index / "manifest.sqlite").exists():
        raise IndexStoreError("no index here", path=str(index), hint="run 'llm-extract ingest PATH' first or pass --index")
    return index


def ingest(paths: Iterable[str | Path], settings: Optional[Settings] = None, **kw):
    """Index files/folders; see :func:`llm_extract.pipeline.ingest`."""
    from .pipeline import ingest as _ingest

    return _ingest(paths, settings, **kw)


def open_retriever(settings: Optional[Settings] = None, *, embedder=None, store=None, keyword=None):
    from .retrieval import Retriever

    settings = settings or Settings()
    _require_index(settings)
    return Retriever(settings, embedder=embedder, store=store, keyword=keyword)


def search(query: str, *, k: int = 5, doc_ids: Optional[list[str]] = None, mode: Optional[str] = None,
           settings: Optional[Settings] = None, retriever=None) -> list[Hit]:
    """Hybrid search; each hit's ``text`` equals ``load_original(hit.source)[hit.start:hit.end]``."""
    settings = settings or Settings()
    retriever = retriever or open_retriever(settings)
    return retriever.search(query, k=k, doc_ids=doc_ids, mode=mode)


def list_documents(settings: Optional[Settings] = None) -> list[dict]:
    from .manifest import Manifest

    settings = settings or Settings()
    m = Manifest(_require_index(settings))
    try:
        return m.docs()
    finally:
        m.close()


def load_original(source: str, settings: Optional[Settings] = None) -> str:
    """The original text of an indexed file: what every span of that file points into."""
    from .manifest import Manifest

    settings = settings or Settings()
    m = Manifest(_require_index(settings))
    try:
        return m.original_text(source)
    finally:
        m.close()


def original_for(source: str, settings: Optional[Settings] = None) -> str:
    """Original text of ``source``: from the index when it holds the file, else loaded from disk."""
    from .loading import load_file
    from .manifest import Manifest

    settings = settings or Settings()
    index = settings.index_path()
    if (index / "manifest.sqlite").exists():
        m = Manifest(index)
        try:
            if m.file_row(source) is not None:
                return m.original_text(source)
        finally:
            m.close()
    return load_file(source).text


def ask(question: str, settings: Optional[Settings] = None, **kw):
    """Cited answer; see :func:`llm_extract.qa.ask`. Returns an ``Answer`` (``.to_dict()`` for JSON)."""
    from .qa import ask as _ask

    return _ask(question, settings=settings, **kw)


def extract(paths: Optional[Iterable[str | Path]] = None, *, out: str | Path, kinds: Iterable[str] = ("indicator",),
            backend: Optional[str] = None, fmt: str = "jsonl", settings: Optional[Settings] = None, llm=None,
            custom_schema=None, doc_ids: Optional[list[str]] = None):
    """Bulk grounded extraction from files (or, without paths, the index); see :mod:`llm_extract.bulk`."""
    from .bulk import run_extraction, targets_from_index, targets_from_paths

    settings = settings or Settings()
    skipped: list[str] = []
    targets = targets_from_paths(paths, settings, skipped) if paths else targets_from_index(settings, doc_ids)
    summary = run_extraction(targets, kinds=list(kinds), out=Path(out), fmt=fmt, backend=backend, settings=settings,
                             llm=llm, custom_schema=custom_schema)
    summary_dict = summary.to_dict()
    summary_dict["skipped"] = skipped
    return summary_dict


def evaluate(gold_dir: str | Path = "eval", *, settings: Optional[Settings] = None, **kw) -> dict:
    """Scores against the gold set; see :func:`llm_extract.evaluate.run_eval`."""
    from .evaluate import run_eval

    return run_eval(gold_dir, settings=settings, **kw)
