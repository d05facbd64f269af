"""Warm in-process search latency: hybrid, BM25 alone, dense alone (p50/p95).

    .venv/bin/python bench/search.py --index bench/out/work/index-docs-100     # an ingested index
    .venv/bin/python bench/search.py --synthetic 100000                        # build the 100k-chunk set first

One ``Retriever`` is opened, every query is run once in every mode to warm it
(model loaded, index files mapped), then ``--rounds`` passes over the queries
are timed one by one.  ``embed_query`` is the dense path's query embedding
alone, to show how much of dense and hybrid latency is the model.

``--synthetic N`` builds an index of N chunks without the pipeline: 2,000
synthetic paragraphs are embedded for real (cached in the workdir), and chunk
``i`` is the first half of paragraph ``a`` + the second half of paragraph
``b`` (deterministic pairs) with the vector ``normalize(v_a + v_b + noise)``.
The chunks go into Chroma and the keyword index through the same ``upsert`` /
``add`` / ``save`` calls ingest makes, 30 chunks a document, saved every 25
documents; a manifest is created so the CLI accepts the index.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from results import save_json  # noqa: E402

from procstat import peak_rss_mb  # noqa: E402
from synth import QUERIES  # noqa: E402

MODES = ("hybrid", "bm25", "dense")
N_BASES = 2000
DOC_CHUNKS = 30
SAVE_EVERY_DOCS = 25


def percentiles(values: list[float]) -> tuple[float, float]:
    v = sorted(values)
    return statistics.median(v), v[min(len(v) - 1, int(round(0.95 * (len(v) - 1))))]


def measure(settings, rounds: int, k: int = 5) -> dict:
    from llm_extract.index.embedding import get_embedder
    from llm_extract.index.retrieval import Retriever

    t0 = time.perf_counter()
    retriever = Retriever(settings, embedder=get_embedder(settings))
    for mode in MODES:
        for q in QUERIES:
            retriever.search(q, k, mode=mode)
    warm_s = time.perf_counter() - t0
    row: dict = {"queries": len(QUERIES) * rounds, "warmup_s": warm_s, "chunks": retriever.store.count()}
    for mode in MODES:
        lat = []
        for _ in range(rounds):
            for q in QUERIES:
                t = time.perf_counter()
                hits = retriever.search(q, k, mode=mode)
                lat.append(1000 * (time.perf_counter() - t))
                assert hits, f"no {mode} hits for {q!r}"
        row[f"{mode}_p50_ms"], row[f"{mode}_p95_ms"] = percentiles(lat)
    lat = []
    for _ in range(rounds):
        for q in QUERIES:
            t = time.perf_counter()
            retriever.embedder.embed_query(q)
            lat.append(1000 * (time.perf_counter() - t))
    row["embed_query_p50_ms"], row["embed_query_p95_ms"] = percentiles(lat)
    row["rss_peak_mb"] = peak_rss_mb()
    return row


def _base_vectors(workdir: Path, embedder, search: list[str]) -> np.ndarray:
    cache = workdir / f"base-vectors-{embedder.name}-{N_BASES}.npy"
    if cache.exists():
        vectors = np.load(cache)
        if vectors.shape == (len(search), embedder.dim):
            return vectors
    vectors = embedder.embed(search)
    workdir.mkdir(parents=True, exist_ok=True)
    np.save(cache, vectors)
    return vectors


def build_synthetic(workdir: Path, n: int, embedder_spec: str) -> tuple[Path, dict]:
    """An index of ``n`` synthetic chunks under ``workdir`` (reused when already complete)."""
    import shutil

    from llm_extract.core.config import Settings
    from llm_extract.index.embedding import get_embedder
    from llm_extract.index.keyword import KeywordIndex
    from llm_extract.index.manifest import Manifest
    from llm_extract.text.normalize import normalize
    from llm_extract.index.store import open_store
    from llm_extract.core.types import Chunk
    from synth import recombine, synth_paragraph

    index = workdir / f"index-chunks-{n}"
    settings = Settings(index=index, embedder=embedder_spec)
    embedder = get_embedder(settings)
    done = index / "bench-complete.json"
    if done.exists() and json.loads(done.read_text()).get("chunks") == n:
        return index, json.loads(done.read_text())
    shutil.rmtree(index, ignore_errors=True)

    t0 = time.perf_counter()
    raw = [synth_paragraph(i) for i in range(N_BASES)]
    search = [normalize(t).simplified for t in raw]
    vectors = _base_vectors(workdir, embedder, search)
    t_bases = time.perf_counter() - t0

    store = open_store(settings, embedder)
    keyword = KeywordIndex.open(index / "keyword")
    Manifest(index).close()
    rng = np.random.default_rng(5)
    t_store = t_keyword = 0.0
    batch: list[Chunk] = []
    pairs: list[tuple[int, int]] = []

    def write() -> None:
        nonlocal t_store, t_keyword
        mix = vectors[[a for a, _ in pairs]] + vectors[[b for _, b in pairs]]
        mix += rng.normal(0.0, 0.02, mix.shape).astype(np.float32)
        mix /= np.linalg.norm(mix, axis=1, keepdims=True)
        t = time.perf_counter()
        store.upsert(batch, mix)
        t_store += time.perf_counter() - t
        t = time.perf_counter()
        for d in range(0, len(batch), DOC_CHUNKS):
            keyword.add(batch[d : d + DOC_CHUNKS])
        keyword.save()
        t_keyword += time.perf_counter() - t
        batch.clear()
        pairs.clear()

    for i, (a, b, text, stext) in enumerate(recombine(n, raw, search)):
        doc = f"synth{i // DOC_CHUNKS:05d}"
        batch.append(Chunk(chunk_id=f"{doc}:{i % DOC_CHUNKS:05d}", doc_id=doc, source=f"synthetic/{doc}.txt",
                           start=0, end=len(text), text=text, search_text=stext, section="一、工作回顾",
                           ordinal=i % DOC_CHUNKS))
        pairs.append((a, b))
        if len(batch) == DOC_CHUNKS * SAVE_EVERY_DOCS:
            write()
    if batch:
        write()
    info = {"chunks": n, "bases_s": t_bases, "chroma_s": t_store, "keyword_s": t_keyword,
            "build_s": time.perf_counter() - t0}
    done.write_text(json.dumps(info))
    return index, info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, help="an index made by ingest (bench/ingest.py)")
    ap.add_argument("--synthetic", type=int, help="build (or reuse) an index of this many synthetic chunks")
    ap.add_argument("--workdir", type=Path, default=HERE / "out" / "work")
    ap.add_argument("--embedder", default="use")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    from llm_extract.core.config import Settings

    build: dict = {}
    if args.synthetic:
        index, build = build_synthetic(args.workdir, args.synthetic, args.embedder)
    elif args.index:
        index = args.index
    else:
        ap.error("give --index or --synthetic")
    row = {"index": str(index), **measure(Settings(index=index, embedder=args.embedder), args.rounds),
           "build": build, "load_avg": os.getloadavg()[0]}
    print(f"{index.name}: {row['chunks']} chunks; " + ", ".join(
        f"{m} p50 {row[f'{m}_p50_ms']:.1f} ms / p95 {row[f'{m}_p95_ms']:.1f} ms" for m in MODES)
        + f"; query embedding p50 {row['embed_query_p50_ms']:.1f} ms")
    save_json(args.json, row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
