"""A document a question names by what it says, not by a place: 以生态立镇为总抓手的那个镇，….

Some reports name no place (a sample text, a town's report with its name blanked out); a question
about one can only describe it — by its title (近年工作情况汇报) or by something it prints
(全镇新建文化礼堂12座).  :func:`described_document` finds that document when the description is
unmistakable, so the records route can read that document's records:

* only a question naming no indexed place, and only documents with no known place, are considered;
* a phrase of the question counts when it has at least :data:`MIN_CHARS` characters, :data:`MIN_CJK`
  of them Chinese, does not overlap the metric the question names, and is printed by exactly one
  document of the whole index (documents with a place included);
* every such phrase must point to the same place-less document, else nothing is chosen;
* the whole index is read to prove a phrase unique, so an index of more than :data:`MAX_DOCS`
  documents is not searched this way (the question goes on to the other routes).
"""

from __future__ import annotations

import re
from typing import Callable, Optional

from ..core.types import Query

MIN_CHARS = 6
MIN_CJK = 4
MAX_DOCS = 300  # ~7 MB of report text: well under a second to scan; beyond that, not worth a question's wait
_BREAK = re.compile(r"[\s,，。、；;:：?？!！()（）《》【】\[\]|]+")
_QUOTES = re.compile(r"[“”‘’\"']")  # a quoted title is one phrase with its surroundings
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _runs(query: Query) -> list[str]:
    """The question's stretches between punctuation, the metric it names cut out."""
    text = query.normalized
    at = text.find(query.metric_raw) if query.metric_raw else -1
    if at >= 0:
        text = text[:at] + "|" + text[at + len(query.metric_raw):]
    return [run for run in _BREAK.split(_QUOTES.sub("", text)) if len(run) >= MIN_CHARS]


def _holders(run: str, texts: dict[str, str]) -> list[tuple[str, set[str]]]:
    """Each phrase of ``run`` long enough to count, with the documents that print it (longest first
    from each start; a phrase no document prints ends the search from that start)."""
    found = []
    for i in range(len(run) - MIN_CHARS + 1):
        for j in range(i + MIN_CHARS, len(run) + 1):
            phrase = run[i:j]
            holders = {doc_id for doc_id, text in texts.items() if phrase in text}
            if not holders:
                break
            if len(_CJK.findall(phrase)) >= MIN_CJK:
                found.append((phrase, holders))
    return found


def described_document(query: Query, docs: list[dict],
                       text_of: Callable[[dict], str]) -> Optional[tuple[str, str]]:
    """``(doc_id, phrase)`` of the one place-less document the question describes, or ``None``.

    ``query`` is understood (its ``metric_raw`` is left out of the description); ``text_of`` gives a
    document's normalized text.  See the module docstring for when a document is chosen.
    """
    placeless = {d["doc_id"] for d in docs if not d.get("place")}
    runs = _runs(query)
    if not placeless or len(docs) < 2 or len(docs) > MAX_DOCS or not runs:
        return None
    texts = {d["doc_id"]: text_of(d) for d in docs}
    chosen: dict[str, str] = {}
    for run in runs:
        for phrase, holders in _holders(run, texts):
            if len(holders) == 1:
                doc_id = next(iter(holders))
                if len(phrase) > len(chosen.get(doc_id, "")):
                    chosen[doc_id] = phrase
    if len(chosen) != 1:
        return None
    doc_id, phrase = next(iter(chosen.items()))
    return (doc_id, phrase) if doc_id in placeless else None


__all__ = ["described_document", "MIN_CHARS", "MIN_CJK", "MAX_DOCS"]
