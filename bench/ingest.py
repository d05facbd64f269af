"""Ingest throughput and memory at one corpus size, against the bare embedder on the same chunks.

    .venv/bin/python bench/ingest.py --docs 100 [--workdir DIR] [--embedder use] [--json OUT]
    .venv/bin/python bench/ingest.py --corpus examples/corpus

Run it once per size in a fresh process (``bench/run_all.py`` does): the peak
RSS it reports is then this size's own.  It synthesises ``--docs`` reports
(:mod:`bench.synth`), loads the embedder (not timed), ingests them with the
real pipeline (load, normalize, outline, chunk, embed, Chroma + BM25 writes)
sampling RSS after every file, with the embedder, the Chroma store and the
keyword index wrapped in timers so the run's wall time splits into embedding,
Chroma writes, BM25 (tokenize + save) and the rest (load, normalize, outline,
chunk, manifest).  Then it embeds a sample (up to 2,000) of the very chunks
the pipeline produced with the bare embedder in the pipeline's batches of
512: pipeline throughput over the bare embedder's is the ratio to what the
embedder alone allows, in wall time and in CPU time (CPU time is what to
trust on a shared machine: other processes' load stretches wall time, not
this process's CPU seconds).  The index is kept in ``--workdir`` for the
search and CLI benchmarks.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from results import save_json  # noqa: E402

from procstat import peak_rss_mb, rss_mb  # noqa: E402

BARE_SAMPLE = 2000  # chunks embedded by the bare embedder: enough for a stable rate at any size


def dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def chunk_texts(settings, embedder) -> list[str]:
    """Search texts of every chunk in the store, in pages (what the pipeline embedded)."""
    from llm_extract.index.store import open_store

    coll = open_store(settings, embedder).collection
    out: list[str] = []
    page = 1000
    while True:
        got = coll.get(limit=page, offset=len(out), include=["documents"])
        out.extend(got["documents"] or [])
        if len(got["ids"]) < page:
            return out


class Timed:
    """Delegates to ``inner`` and adds each named method's wall time to ``totals[label]``."""

    def __init__(self, inner, label: str, methods: tuple[str, ...], totals: dict[str, float]):
        self._inner, self._label, self._methods, self._totals = inner, label, methods, totals
        totals.setdefault(label, 0.0)

    def __getattr__(self, name: str):
        attr = getattr(self._inner, name)
        if name not in self._methods:
            return attr

        def timed(*args, **kwargs):
            t = time.perf_counter()
            try:
                return attr(*args, **kwargs)
            finally:
                self._totals[self._label] += time.perf_counter() - t

        return timed


def bare_embedder(sample: list[str], embedder) -> tuple[float, float]:
    """Chunks per wall second and per CPU second of the embedder alone, in the pipeline's batches."""
    batch = 512  # WRITE_BATCH_CHUNKS: what the pipeline hands to the embedder
    t0, c0 = time.perf_counter(), time.process_time()
    for b in range(0, len(sample), batch):
        embedder.embed(sample[b : b + batch])
    return len(sample) / (time.perf_counter() - t0), len(sample) / (time.process_time() - c0)


def run(corpus: Path, index: Path, embedder_spec: str) -> dict:
    from llm_extract.core.config import Settings
    from llm_extract.index.embedding import get_embedder
    from llm_extract.index.keyword import KeywordIndex, tokenize
    from llm_extract.index.ingest import ingest
    from llm_extract.index.store import open_store

    shutil.rmtree(index, ignore_errors=True)
    settings = Settings(index=index, embedder=embedder_spec)
    embedder = get_embedder(settings)
    embedder.embed(["预热"])  # model load is not ingest throughput
    tokenize("预热")  # nor is jieba's dictionary load

    totals: dict[str, float] = {}
    store = Timed(open_store(settings, embedder), "chroma", ("upsert", "delete_doc"), totals)
    keyword = Timed(KeywordIndex.open(index / "keyword"), "bm25", ("add", "remove_doc", "save"), totals)
    timed_embedder = Timed(embedder, "embed", ("embed",), totals)
    base = rss_mb()
    samples: list[float] = []

    def progress(event: str, done: int, total: int, _detail: str) -> None:
        if event == "file":
            samples.append(rss_mb())

    t0, c0 = time.perf_counter(), time.process_time()
    summary = ingest([corpus], settings, embedder=timed_embedder, store=store, keyword=keyword, progress=progress)
    t_ingest, cpu_ingest = time.perf_counter() - t0, time.process_time() - c0
    peak = peak_rss_mb()
    if summary.skipped:
        raise SystemExit(f"skipped files: {summary.skipped[:3]}")

    texts = chunk_texts(settings, embedder)
    step = max(1, len(texts) // BARE_SAMPLE)
    bare_cps, bare_cpu_cps = bare_embedder(texts[::step][:BARE_SAMPLE], embedder)
    at = [int(q * (len(samples) - 1)) for q in (0.25, 0.5, 0.75, 1.0)]
    quarter = [samples[i] for i in at] if samples else []
    n = summary.chunks
    return {
        "files": summary.files_indexed, "documents": summary.documents, "chunks": n,
        "corpus_mb": dir_mb(corpus), "index_mb": dir_mb(index), "ingest_s": t_ingest, "ingest_cpu_s": cpu_ingest,
        "docs_per_s": summary.documents / t_ingest, "chunks_per_s": n / t_ingest,
        "bare_chunks_per_s": bare_cps, "ratio_to_bare": (n / t_ingest) / bare_cps,
        "bare_chunks_per_cpu_s": bare_cpu_cps, "ratio_to_bare_cpu": (n / cpu_ingest) / bare_cpu_cps,
        # Where the run's wall time went, per chunk: the parts, and the rest
        # (load, normalize, outline, chunk, manifest).
        "embed_ms_per_chunk": 1000 * totals["embed"] / n, "chroma_ms_per_chunk": 1000 * totals["chroma"] / n,
        "bm25_ms_per_chunk": 1000 * totals["bm25"] / n,
        "other_ms_per_chunk": 1000 * (t_ingest - totals["embed"] - totals["chroma"] - totals["bm25"]) / n,
        "rss_base_mb": base, "rss_peak_mb": peak, "rss_quartiles_mb": quarter,
        "embedder": embedder.name, "load_avg": os.getloadavg()[0],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=100, help="synthetic reports to ingest")
    ap.add_argument("--corpus", type=Path, help="ingest this folder instead of a synthetic corpus")
    ap.add_argument("--workdir", type=Path, default=HERE / "out" / "work")
    ap.add_argument("--embedder", default="use")
    ap.add_argument("--json", type=Path, help="also write the result row here")
    args = ap.parse_args(argv)

    from synth import write_corpus

    label = args.corpus.name if args.corpus else f"docs-{args.docs}"
    corpus = args.corpus or args.workdir / f"corpus-{args.docs}"
    if not args.corpus:
        shutil.rmtree(corpus, ignore_errors=True)
        write_corpus(corpus, args.docs)
    row = {"size": label, **run(corpus, args.workdir / f"index-{label}", args.embedder)}
    print(f"{label}: {row['files']} files, {row['documents']} documents, {row['chunks']} chunks in "
          f"{row['ingest_s']:.1f}s"
          f" = {row['docs_per_s']:.2f} docs/s, {row['chunks_per_s']:.1f} chunks/s; bare embedder "
          f"{row['bare_chunks_per_s']:.1f} chunks/s (ratio {row['ratio_to_bare']:.2f} wall, "
          f"{row['ratio_to_bare_cpu']:.2f} CPU); ms/chunk embed {row['embed_ms_per_chunk']:.1f}, Chroma "
          f"{row['chroma_ms_per_chunk']:.1f}, BM25 {row['bm25_ms_per_chunk']:.1f}, rest {row['other_ms_per_chunk']:.1f}; "
          f"RSS {row['rss_base_mb']:.0f} MB"
          f" with the model loaded, peak {row['rss_peak_mb']:.0f} MB")
    save_json(args.json, row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
