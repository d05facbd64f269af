"""Ingest throughput and memory at one corpus size, against the bare embedder on the same chunks.

    .venv/bin/python bench/ingest.py --docs 100 [--workdir DIR] [--embedder use] [--json OUT]
    .venv/bin/python bench/ingest.py --corpus examples/corpus

Run it once per size in a fresh process (``bench/run_all.py`` does): the peak
RSS it reports is then this size's own.  It synthesises ``--docs`` reports
(:mod:`bench.synth`), loads the embedder (not timed), ingests them with the
real pipeline (load, normalize, outline, chunk, embed, Chroma + BM25 writes)
sampling RSS after every file.  Then, on a sample of the very chunks the
pipeline produced (up to 2,000), it times each part alone: the bare embedder
and a Chroma upsert into a scratch collection in the pipeline's batches of
512, and the BM25 tokenizer.  Two ratios follow: pipeline throughput over the
bare embedder's, and over the serial sum of the three parts (what a pipeline
doing those three things one after another allows; the remainder is loading,
normalizing, outlining and chunking).  The index is kept in ``--workdir`` for
the search and CLI benchmarks.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from procstat import peak_rss_mb, rss_mb  # noqa: E402

BARE_SAMPLE = 2000  # chunks embedded by the bare embedder: enough for a stable rate at any size


def dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def chunk_texts(settings, embedder) -> list[str]:
    """Search texts of every chunk in the store, in pages (what the pipeline embedded)."""
    from llm_extract.store import open_store

    coll = open_store(settings, embedder).collection
    out: list[str] = []
    page = 1000
    while True:
        got = coll.get(limit=page, offset=len(out), include=["documents"])
        out.extend(got["documents"] or [])
        if len(got["ids"]) < page:
            return out


def bare_parts(sample: list[str], settings, embedder, scratch: Path) -> tuple[float, float, float]:
    """Chunks/s of the embedder, the BM25 tokenizer and Chroma upserts alone, on ``sample``."""
    import numpy as np

    from llm_extract.config import Settings
    from llm_extract.keyword import tokenize
    from llm_extract.store import open_store
    from llm_extract.types import Chunk

    batch = 512  # what the pipeline hands to the embedder and to Chroma
    t0 = time.perf_counter()
    vectors = [embedder.embed(sample[b : b + batch]) for b in range(0, len(sample), batch)]
    t_embed = time.perf_counter() - t0
    t0 = time.perf_counter()
    for text in sample:
        tokenize(text)
    t_tok = time.perf_counter() - t0
    shutil.rmtree(scratch, ignore_errors=True)
    store = open_store(Settings(index=scratch, embedder=settings.embedder), embedder)
    chunks = [Chunk(chunk_id=f"b{i}", doc_id=f"b{i // 30}", source="bare.txt", start=0, end=len(t), text=t,
                    search_text=t, section="", ordinal=i % 30) for i, t in enumerate(sample)]
    t0 = time.perf_counter()
    for b, vec in zip(range(0, len(sample), batch), vectors):
        store.upsert(chunks[b : b + batch], np.asarray(vec))
    t_chroma = time.perf_counter() - t0
    shutil.rmtree(scratch, ignore_errors=True)
    return len(sample) / t_embed, len(sample) / t_tok, len(sample) / t_chroma


def run(corpus: Path, index: Path, embedder_spec: str) -> dict:
    from llm_extract.config import Settings
    from llm_extract.embedding import get_embedder
    from llm_extract.pipeline import ingest

    shutil.rmtree(index, ignore_errors=True)
    settings = Settings(index=index, embedder=embedder_spec)
    embedder = get_embedder(settings)
    embedder.embed(["预热"])  # model load is not ingest throughput
    from llm_extract.store import open_store  # noqa: F401 - chromadb import is not ingest either

    import chromadb  # noqa: F401

    base = rss_mb()
    samples: list[float] = []

    def progress(event: str, done: int, total: int, _detail: str) -> None:
        if event == "file":
            samples.append(rss_mb())

    t0 = time.perf_counter()
    summary = ingest([corpus], settings, embedder=embedder, progress=progress)
    t_ingest = time.perf_counter() - t0
    peak = peak_rss_mb()
    if summary.skipped:
        raise SystemExit(f"skipped files: {summary.skipped[:3]}")

    texts = chunk_texts(settings, embedder)
    step = max(1, len(texts) // BARE_SAMPLE)
    sample = texts[::step][:BARE_SAMPLE]
    bare_cps, tok_cps, chroma_cps = bare_parts(sample, settings, embedder, index.parent / f"bare-{index.name}")
    # The pipeline's parts run one after another: this is the best a serial pipeline can do.
    parts_cps = 1.0 / (1.0 / bare_cps + 1.0 / tok_cps + 1.0 / chroma_cps)
    quarter = [samples[min(len(samples) - 1, int(q * (len(samples) - 1)))] for q in (0.25, 0.5, 0.75, 1.0)] if samples else []
    return {
        "files": summary.files_indexed, "documents": summary.documents, "chunks": summary.chunks,
        "corpus_mb": dir_mb(corpus), "index_mb": dir_mb(index), "ingest_s": t_ingest,
        "docs_per_s": summary.documents / t_ingest, "chunks_per_s": summary.chunks / t_ingest,
        "bare_chunks_per_s": bare_cps, "ratio_to_bare": (summary.chunks / t_ingest) / bare_cps,
        "tokenizer_chunks_per_s": tok_cps, "chroma_chunks_per_s": chroma_cps, "parts_chunks_per_s": parts_cps,
        "ratio_to_parts": (summary.chunks / t_ingest) / parts_cps,
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
    print(f"{label}: {row['files']} files, {row['documents']} documents, {row['chunks']} chunks in {row['ingest_s']:.1f}s"
          f" = {row['docs_per_s']:.2f} docs/s, {row['chunks_per_s']:.1f} chunks/s; bare embedder "
          f"{row['bare_chunks_per_s']:.1f} chunks/s (ratio {row['ratio_to_bare']:.2f}), embedder + tokenizer + Chroma "
          f"{row['parts_chunks_per_s']:.1f} chunks/s (ratio {row['ratio_to_parts']:.2f}); RSS {row['rss_base_mb']:.0f} MB"
          f" with the model loaded, peak {row['rss_peak_mb']:.0f} MB")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(row, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
