"""Ingest throughput vs. the bare embedder on the same chunks, measured in one run.

    .venv/bin/python bench/ingest.py [--repeat N] [--embedder use]

Prints one table: documents/s and chunks/s for the whole pipeline (load, normalize,
outline, chunk, embed, Chroma + BM25 writes) and for the embedder alone on the very
chunks the pipeline produced, and the ratio between them (the pipeline's overhead).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT / "examples" / "corpus"))
    ap.add_argument("--repeat", type=int, default=4, help="copies of the corpus to ingest (distinct files)")
    ap.add_argument("--embedder", default="use")
    args = ap.parse_args()

    from llm_extract.config import Settings
    from llm_extract.embedding import get_embedder
    from llm_extract.manifest import Manifest
    from llm_extract.pipeline import ingest
    from llm_extract.store import open_store

    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        corpus = work / "corpus"
        for i in range(args.repeat):
            shutil.copytree(args.corpus, corpus / f"copy{i}")
        settings = Settings(index=work / "index", embedder=args.embedder)
        embedder = get_embedder(settings)
        embedder.embed(["预热"])  # model load is not ingest throughput
        t0 = time.perf_counter()
        summary = ingest([corpus], settings, embedder=embedder)
        t_ingest = time.perf_counter() - t0

        store = open_store(settings, embedder)
        m = Manifest(settings.index_path())
        texts = [h.search_text for d in m.docs() for h in store.get(store.doc_chunk_ids(d["doc_id"]))]
        m.close()
        t0 = time.perf_counter()
        for b in range(0, len(texts), settings.embed_batch_size):
            embedder.embed(texts[b : b + settings.embed_batch_size])
        t_embed = time.perf_counter() - t0
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        rows = [
            ("pipeline (ingest)", summary.documents / t_ingest, summary.chunks / t_ingest, t_ingest),
            ("bare embedder", summary.documents / t_embed, len(texts) / t_embed, t_embed),
        ]
        print(f"corpus: {summary.files_indexed} files, {summary.documents} documents, {summary.chunks} chunks; "
              f"embedder {embedder.name}; peak RSS {rss_mb:.0f} MB")
        print(f"{'stage':<20}{'docs/s':>10}{'chunks/s':>12}{'seconds':>10}")
        for name, dps, cps, secs in rows:
            print(f"{name:<20}{dps:>10.2f}{cps:>12.1f}{secs:>10.2f}")
        print(f"pipeline / bare embedder throughput ratio: {(summary.chunks / t_ingest) / (len(texts) / t_embed):.3f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
