"""Readable document ids: ``海拉尔区-2017-3f2a``.

An id is the place and the report year when the report states them, else a
short form of the file name, then a short hash.  The hash is of the source
path as the index keys the file (plus the report's ordinal when a file holds
several reports), not of the file's bytes:

* re-ingesting the same file, edited or not, gives the same id, so ids kept in
  notes or scripts (``--doc``) survive a corrected re-export;
* two identical copies in two folders are two index entries and get two ids
  without depending on which was ingested first.

Four hex digits keep ids short; a clash within the index lengthens the hash.
Ids never start with ``-`` (they are typed after ``--doc``) nor with a digit (``2016-3f2a`` would read
as a year: a report without a place is named by its file name without leading digits, else ``doc``),
hold no path separator or ``..``, and use only letters (CJK included), digits, ``_`` and ``-``.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Optional

_SAFE = re.compile(r"[^\w\-]+|_+")
_HASH_LENGTHS = (4, 6, 8, 12, 16)
_LEADING_DIGITS = re.compile(r"^[\d_\-. ]+")


def _slug(text: str, limit: int) -> str:
    return _SAFE.sub("_", text).strip("_-.")[:limit].strip("_-")


def make_doc_id(source: str, taken: set[str], *, place: str = "", year: Optional[int] = None,
                ordinal: int = 0) -> str:
    """A readable id unique within ``taken``; ``ordinal`` numbers the reports of a multi-report file (from 1)."""
    from ..text.places import short_name

    # Without a place the file name stands in, never with leading digits (2016-… would read as a year).
    name = _slug(short_name(place), 10) if place else _slug(_LEADING_DIGITS.sub("", Path(source).stem), 12)
    parts = [name or "doc"]
    if year:
        parts.append(str(year))
    key = source if not ordinal else f"{source}#{ordinal}"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    for n in _HASH_LENGTHS:
        doc_id = "-".join(parts + [digest[:n]])
        if doc_id not in taken:
            return doc_id
    k = 2
    while f"{doc_id}-{k}" in taken:
        k += 1
    return f"{doc_id}-{k}"
