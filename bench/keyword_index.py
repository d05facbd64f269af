"""Keyword (BM25) index at scale: build cadence, file size, cold open, first and warm search, RSS.

    .venv/bin/python bench/keyword_index.py --chunks 25000 100000

Chunks are synthetic (:func:`bench.synth.synth_chunks`), added one 30-chunk
document at a time and saved every 25 documents, the cadence of a real ingest,
so the cost of the periodic saves is part of the build time.  The cold phase
runs in a fresh process: open the saved index, one search (which pays for any
lazy build), then warm searches; its peak RSS is that process's own.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from results import save_json  # noqa: E402

from procstat import peak_rss_mb  # noqa: E402
from synth import QUERIES  # noqa: E402

DOC_CHUNKS = 30
FLUSH_DOCS = 25


def make_chunks(n: int, seed: int = 13):
    """``n`` synthetic keyword-index chunks, 30 per document, generated lazily."""
    from llm_extract.text.normalize import to_simplified
    from llm_extract.core.types import Chunk
    from synth import synth_chunks, synth_paragraph

    bases = [synth_paragraph(i) for i in range(2000)]
    for i, (_a, _b, text) in enumerate(synth_chunks(n, bases, seed)):
        doc = f"d{i // DOC_CHUNKS:05d}"
        yield Chunk(
            chunk_id=f"{doc}-{i % DOC_CHUNKS:03d}", doc_id=doc, source=f"synth/{doc}.txt", start=0,
            end=len(text), text=text, search_text=to_simplified(text), section="一、工作回顾",
            ordinal=i % DOC_CHUNKS,
        )


def build(path: Path, n: int) -> dict:
    """Add ``n`` chunks document by document with periodic saves; time adds and saves apart."""
    from llm_extract.index.keyword import KeywordIndex

    kw = KeywordIndex.open(path)
    t_add = t_save = 0.0
    batch, docs, saves = [], 0, 0
    t0 = time.perf_counter()
    for chunk in make_chunks(n):
        batch.append(chunk)
        if len(batch) == DOC_CHUNKS:
            t = time.perf_counter()
            kw.add(batch)
            t_add += time.perf_counter() - t
            batch, docs = [], docs + 1
            if docs % FLUSH_DOCS == 0:
                t = time.perf_counter()
                kw.save()
                t_save += time.perf_counter() - t
                saves += 1
    if batch:
        kw.add(batch)
    t = time.perf_counter()
    kw.save()
    t_save += time.perf_counter() - t
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return {
        "chunks": n, "build_s": time.perf_counter() - t0, "add_s": t_add, "save_s": t_save, "saves": saves + 1,
        "disk_mb": size / 2**20, "build_rss_mb": peak_rss_mb(),
    }


def cold(path: Path, repeat: int = 3) -> dict:
    """Open + first search + warm searches in this (fresh) process."""
    t0 = time.perf_counter()
    from llm_extract.index.keyword import KeywordIndex, tokenize

    tokenize("预热")  # jieba's dictionary load is a process cost, not the index's
    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    kw = KeywordIndex.open(path)
    t_open = time.perf_counter() - t0
    t0 = time.perf_counter()
    kw.search(QUERIES[0], 20)
    t_first = time.perf_counter() - t0
    lat = []
    for _ in range(repeat):
        for q in QUERIES:
            t = time.perf_counter()
            hits = kw.search(q, 20)
            for cid, _ in hits[:5]:
                kw.chunk(cid)  # the retriever reads the hits' rows
            lat.append(time.perf_counter() - t)
    lat.sort()
    return {
        "jieba_s": t_import, "open_s": t_open, "first_search_s": t_first,
        "p50_ms": 1000 * statistics.median(lat), "p95_ms": 1000 * lat[int(0.95 * (len(lat) - 1))],
        "cold_rss_mb": peak_rss_mb(),
    }


def run(n: int, workdir: Path) -> dict:
    path = workdir / f"kw-{n}"
    row = build(path, n)
    out = subprocess.run(
        [sys.executable, __file__, "--cold", str(path)], capture_output=True, text=True, check=True,
        env=os.environ.copy(),
    )
    row.update(json.loads(out.stdout.strip().splitlines()[-1]))
    return row


def print_table(rows: list[dict]) -> None:
    cols = ["chunks", "build_s", "add_s", "save_s", "saves", "disk_mb", "build_rss_mb", "open_s", "first_search_s",
            "p50_ms", "p95_ms", "cold_rss_mb"]
    print(" ".join(f"{c:>14}" for c in cols))
    for r in rows:
        print(" ".join(f"{r[c]:>14.3f}" if isinstance(r[c], float) else f"{r[c]:>14}" for c in cols))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chunks", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--cold", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--json", type=Path, help="also write the rows here")
    args = ap.parse_args(argv)
    if args.cold:
        print(json.dumps(cold(args.cold)))
        return 0
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-kw-") as tmp:
        for n in args.chunks:
            rows.append(run(n, Path(tmp)))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print_table(rows)
    save_json(args.json, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
