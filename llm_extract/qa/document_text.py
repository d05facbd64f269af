"""Readers of an indexed document's text for the routes that read a whole report (named lists,
described reports): each file's original is read from the index once per question."""

from __future__ import annotations

from typing import Callable

from ..core.config import Settings

__all__ = ["normalized_documents", "document_texts", "original_texts"]


def _originals(settings: Settings) -> Callable[[str], str]:
    from ..index.access import load_original

    read: dict[str, str] = {}

    def original(source: str) -> str:
        if source not in read:
            read[source] = load_original(source, settings)
        return read[source]

    return original


def original_texts(settings: Settings) -> Callable[[dict], str]:
    """A reader of an indexed document's file as ingested (offsets of stored records and items index it)."""
    original = _originals(settings)
    return lambda d: original(d["source"])


def normalized_documents(settings: Settings):
    """A reader of an indexed document's :class:`NormalizedText` (offsets map to its file's original)."""
    from ..text.normalize import normalize

    original = _originals(settings)
    return lambda d: normalize(original(d["source"]), d.get("start") or 0, d.get("end"))


def document_texts(settings: Settings):
    """A reader of an indexed document's text as questions are normalized (folded, simplified)."""
    from ..text.normalize import normalize_query

    original = _originals(settings)
    done: dict[str, str] = {}

    def text_of(d: dict) -> str:
        if d["doc_id"] not in done:
            done[d["doc_id"]] = normalize_query(original(d["source"])[d.get("start") or 0:d.get("end")])
        return done[d["doc_id"]]

    return text_of
