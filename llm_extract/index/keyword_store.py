"""On-disk segments of the keyword index: crash-safe writes, postings arrays, merges.

Split from ``keyword.py`` because this layer knows nothing of tokens or BM25:
it stores rows and token-major postings (token ids are plain integers here)
and guarantees that a segment is either fully written or absent.  Keeping it
apart lets the durability rules (fsync before rename, streamed merges with
bounded memory) be read and changed without the scoring code, and the index
logic in ``keyword.py`` be read without the file-format detail.

A segment ``seg-NNNNNN/`` holds ``rows.jsonl`` (the chunks, read lazily by
byte offset), ``ids.json`` (chunk and document ids), and ``.npy`` arrays:
``off`` (row byte offsets), ``dl`` (token counts), and the postings ``tok``,
``ptr``, ``prow``, ``ptf`` (distinct tokens, their start in the posting lists,
and per posting the row and term frequency).  Segments are immutable once
renamed into place; deletions live in the index header, not here.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

_ARRAYS = ("off", "dl", "tok", "ptr", "prow", "ptf")


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _load_array(path: Path, *, mmap: bool) -> np.ndarray:
    if mmap:
        try:
            # Postings stay on disk; a query touches only its tokens' pages.
            return np.load(path, mmap_mode="r")
        except ValueError:  # numpy cannot map a zero-length array
            pass
    return np.load(path)


class _Part:
    """Rows with token-major postings: one on-disk segment, or the unsaved chunks."""

    def __init__(self, ids: list[str], docs: list[str], arrays: dict[str, np.ndarray], live: np.ndarray):
        self.ids, self.docs, self.live = ids, docs, live
        self.off, self.dl, self.tok, self.ptr, self.prow, self.ptf = (arrays[k] for k in _ARRAYS)
        self.row = {cid: i for i, cid in enumerate(ids)}
        self.name = ""
        self.fh: Any = None  # rows.jsonl, kept open so a merge that deletes it cannot break reads

    @staticmethod
    def postings(counts: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, np.ndarray]:
        """Token-major arrays from each row's (unique token ids, counts)."""
        n = [len(t) for t, _ in counts]
        tok = np.concatenate([t for t, _ in counts]) if counts else np.zeros(0, np.int32)
        tf = np.concatenate([c for _, c in counts]) if counts else np.zeros(0, np.uint16)
        rows = np.repeat(np.arange(len(counts), dtype=np.int32), n)
        return _Part.token_major(tok.astype(np.int32), rows, tf.astype(np.uint16))

    @staticmethod
    def token_major(tok: np.ndarray, rows: np.ndarray, tf: np.ndarray) -> dict[str, np.ndarray]:
        # Stable: within a token, rows stay ascending.
        order = np.argsort(tok, kind="stable")
        tok, rows, tf = tok[order], rows[order], tf[order]
        starts = np.flatnonzero(np.r_[True, tok[1:] != tok[:-1]]) if len(tok) else np.zeros(0, np.int64)
        return {
            "tok": tok[starts].astype(np.int32), "ptr": np.r_[starts, len(tok)].astype(np.int64),
            "prow": rows.astype(np.int32), "ptf": tf.astype(np.uint16),
        }

    def column(self, token_ids: np.ndarray) -> list[tuple[int, np.ndarray, np.ndarray]]:
        """``(query position, rows, tfs)`` of the given (unique) token ids present here."""
        if not len(self.tok):
            return []
        pos = np.searchsorted(self.tok, token_ids)
        hit = (pos < len(self.tok)) & (self.tok[np.minimum(pos, len(self.tok) - 1)] == token_ids)
        return [(int(j), self.prow[self.ptr[p] : self.ptr[p + 1]], self.ptf[self.ptr[p] : self.ptr[p + 1]])
                for j, p in zip(np.flatnonzero(hit), pos[hit])]

    def read_row(self, i: int) -> dict:
        data = os.pread(self.fh.fileno(), int(self.off[i + 1] - self.off[i]), int(self.off[i]))
        return json.loads(data)

    @classmethod
    def load(cls, directory: Path, name: str, deleted: Iterable[int]) -> "_Part":
        seg = directory / name
        meta = json.loads((seg / "ids.json").read_text(encoding="utf-8"))
        arrays = {k: _load_array(seg / f"{k}.npy", mmap=k in ("tok", "ptr", "prow", "ptf")) for k in _ARRAYS}
        live = np.ones(len(meta["ids"]), dtype=bool)
        live[np.asarray(list(deleted), dtype=np.int64)] = False
        part = cls(meta["ids"], meta["docs"], arrays, live)
        part.name, part.fh = name, open(seg / "rows.jsonl", "rb")
        return part

    @classmethod
    def write(cls, directory: Path, name: str, ids: list[str], docs: list[str], rows: Iterable[bytes],
              dl: np.ndarray, write_postings: Callable[[Path], None]) -> "_Part":
        """Write a segment under a temporary name, fsync it, then rename it into place."""
        tmp = directory / f".{name}.tmp{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        off = np.zeros(len(ids) + 1, dtype=np.int64)
        with open(tmp / "rows.jsonl", "wb") as fh:
            for i, row in enumerate(rows, 1):  # streamed: a merge never holds all rows at once
                fh.write(row)
                off[i] = off[i - 1] + len(row)
        _fsync_write(tmp / "ids.json", json.dumps({"ids": ids, "docs": docs}, ensure_ascii=False).encode("utf-8"))
        np.save(tmp / "off.npy", off)
        np.save(tmp / "dl.npy", dl.astype(np.int32))
        write_postings(tmp)
        for f in tmp.iterdir():
            with open(f, "rb+") as fh:
                os.fsync(fh.fileno())
        # A name at or past the header's counter is never referenced: anything there is a crashed save's.
        shutil.rmtree(directory / name, ignore_errors=True)
        os.replace(tmp, directory / name)
        return cls.load(directory, name, [])


def _save_arrays(arrays: dict[str, np.ndarray]) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        for key, value in arrays.items():
            np.save(tmp / f"{key}.npy", value)

    return write


# Postings merged per block of tokens holding about this many entries, so a merge's
# memory stays bounded whatever the segments' size.
_MERGE_BLOCK = 1 << 18


class _NpyColumn:
    """Slices of a 1-d ``.npy`` file read with ``pread``: unlike a memory map, pages
    read during a merge do not stay in this process's resident set."""

    def __init__(self, path: Path):
        self.fh = open(path, "rb")
        major, _minor = np.lib.format.read_magic(self.fh)
        read_header = np.lib.format.read_array_header_1_0 if major == 1 else np.lib.format.read_array_header_2_0
        shape, _, dtype = read_header(self.fh)
        self.dtype, self.size, self.offset = np.dtype(dtype), int(shape[0]), self.fh.tell()

    def read(self, start: int, end: int) -> np.ndarray:
        n = self.dtype.itemsize
        data = os.pread(self.fh.fileno(), (end - start) * n, self.offset + start * n)
        return np.frombuffer(data, dtype=self.dtype)

    def close(self) -> None:
        self.fh.close()


class _NpyWriter:
    """A 1-d ``.npy`` file of known length written block by block."""

    def __init__(self, path: Path, dtype: Any, size: int):
        self.fh = open(path, "wb")
        self.dtype = np.dtype(dtype)
        np.lib.format.write_array_header_1_0(
            self.fh, {"descr": np.lib.format.dtype_to_descr(self.dtype), "fortran_order": False, "shape": (size,)})

    def write(self, values: np.ndarray) -> None:
        self.fh.write(np.ascontiguousarray(values, dtype=self.dtype).tobytes())

    def close(self) -> None:
        self.fh.close()


def _merged_postings(parts: list[_Part], renums: list[np.ndarray], directory: Path) -> Callable[[Path], None]:
    """Writer of the token-major postings of ``parts``' live rows, renumbered by ``renums``.

    Each part's postings are sorted by token and, within a token, by row; parts
    come in row order.  So for every token the merged column is the parts'
    columns concatenated, and a block of tokens can be merged on its own.
    """

    def write(tmp: Path) -> None:
        union = np.unique(np.concatenate([np.asarray(p.tok) for p in parts]))
        per_token = np.zeros(len(union), dtype=np.int64)
        prows = [_NpyColumn(directory / p.name / "prow.npy") for p in parts]
        ptfs = [_NpyColumn(directory / p.name / "ptf.npy") for p in parts]
        total = 0
        for p, col in zip(parts, prows):
            per_token[np.searchsorted(union, p.tok)] += np.diff(np.asarray(p.ptr))
            for s in range(0, col.size, _MERGE_BLOCK):
                total += int(np.count_nonzero(p.live[col.read(s, min(s + _MERGE_BLOCK, col.size))]))
        prow_out = _NpyWriter(tmp / "prow.npy", np.int32, total)
        ptf_out = _NpyWriter(tmp / "ptf.npy", np.uint16, total)
        toks, counts = [], []
        cum = np.cumsum(per_token)
        marks = np.arange(_MERGE_BLOCK, cum[-1] if len(cum) else 0, _MERGE_BLOCK)
        cuts = np.unique(np.r_[0, np.searchsorted(cum, marks), len(union)])
        for lo, hi in zip(cuts[:-1], cuts[1:]):
            t_lo, t_hi = union[lo], (union[hi] if hi < len(union) else np.iinfo(np.int32).max)
            bt, br, bf = [], [], []
            for p, renum, prow, ptf in zip(parts, renums, prows, ptfs):
                a, b = np.searchsorted(p.tok, [t_lo, t_hi])
                s, e = int(p.ptr[a]), int(p.ptr[b])
                rows = prow.read(s, e)
                alive = p.live[rows]
                bt.append(np.repeat(np.asarray(p.tok[a:b]), np.diff(np.asarray(p.ptr[a : b + 1])))[alive])
                br.append(renum[rows[alive]])
                bf.append(ptf.read(s, e)[alive])
            post = _Part.token_major(np.concatenate(bt), np.concatenate(br), np.concatenate(bf))
            prow_out.write(post["prow"])
            ptf_out.write(post["ptf"])
            toks.append(post["tok"])
            counts.append(np.diff(post["ptr"]))
        for f in (prow_out, ptf_out, *prows, *ptfs):
            f.close()
        tok = np.concatenate(toks) if toks else np.zeros(0, np.int32)
        cnt = np.concatenate(counts) if counts else np.zeros(0, np.int64)
        np.save(tmp / "tok.npy", tok.astype(np.int32))
        np.save(tmp / "ptr.npy", np.r_[0, np.cumsum(cnt)].astype(np.int64))

    return write


def _merge(parts: list[_Part], directory: Path, name: str) -> _Part:
    """One segment holding the live rows of ``parts`` (on-disk segments), in order."""
    ids: list[str] = []
    docs: list[str] = []
    dls, renums = [], []
    base = 0
    for p in parts:
        keep = np.flatnonzero(p.live)
        ids.extend(p.ids[i] for i in keep)
        docs.extend(p.docs[i] for i in keep)
        dls.append(np.asarray(p.dl)[keep])
        renums.append((np.cumsum(p.live) - 1 + base).astype(np.int32))  # old row -> new row, for live rows
        base += len(keep)
    rows = (os.pread(p.fh.fileno(), int(p.off[i + 1] - p.off[i]), int(p.off[i]))
            for p in parts for i in np.flatnonzero(p.live))
    postings = _merged_postings(parts, renums, directory)
    return _Part.write(directory, name, ids, docs, rows, np.concatenate(dls), postings)
