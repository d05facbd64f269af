"""Reading an existing index: is there one, its documents, a file's original text, a retriever.

Every command that reads an index (search, ask, extract from the index, eval) goes through
these, so "no index here" is one error with one hint wherever it happens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..core.config import Settings
from ..core.errors import IndexStoreError


def require_index(settings: Settings) -> Path:
    """The index directory, or a one-line :class:`IndexStoreError` saying how to make one."""
    index = settings.index_path()
    if not (index / "manifest.sqlite").exists():
        raise IndexStoreError("no index here", path=str(index), hint="run 'llm-extract ingest PATH' first or pass --index")
    return index


def open_retriever(settings: Optional[Settings] = None, *, embedder=None, store=None, keyword=None):
    """A hybrid retriever over the index (parts injectable for tests and applications)."""
    from .retrieval import Retriever

    settings = settings or Settings()
    require_index(settings)
    return Retriever(settings, embedder=embedder, store=store, keyword=keyword)


def list_documents(settings: Optional[Settings] = None) -> list[dict]:
    """Every indexed document with its metadata."""
    from .manifest import Manifest

    settings = settings or Settings()
    m = Manifest(require_index(settings))
    try:
        return m.docs()
    finally:
        m.close()


def load_original(source: str, settings: Optional[Settings] = None) -> str:
    """The original text of an indexed file: what every span of that file points into."""
    from .manifest import Manifest

    settings = settings or Settings()
    m = Manifest(require_index(settings))
    try:
        return m.original_text(source)
    finally:
        m.close()


def original_for(source: str, settings: Optional[Settings] = None) -> str:
    """Original text of ``source``: from the index when it holds the file, else loaded from disk."""
    from ..text.loading import load_file
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
