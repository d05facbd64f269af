"""Does a rerank step help ``ask``?  Retrieval quality of the passages the model would be shown.

    python bench/rerank.py              # none and lexical over every answerable gold question, llm over all too
    python bench/rerank.py --llm-n 30   # the LLM reranker on the first 30 only (≈6 s a question on 2 cores)

For each answerable gold question: ``ask``'s own document narrowing, hybrid
search for ``rerank_depth`` hits, the reranker, then the first ``ask_k``.
Scores: recall@1 and recall@k (a passage overlaps the gold evidence), MRR
over the reordered depth, and recall@k after passage focusing (what the model
really reads).  Reported with the latency each reranker adds.  The LLM
reranker runs the embedded model with its response cache off.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from results import save_json  # noqa: E402

from llm_extract.core.config import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def score(method: str, items: list[dict], retriever, docs, settings: Settings, llm=None) -> dict:
    from llm_extract.evaluation.answers import first_relevant_rank, gold_evidence_spans
    from llm_extract.qa.ask import focus_passages, narrow_documents
    from llm_extract.qa.rerank import rerank

    k = settings.ask.k
    r1 = rk = fk = 0
    rr: list[float] = []
    lat: list[float] = []
    for it in items:
        spans = gold_evidence_spans(it, ROOT)
        ids = narrow_documents(it["question"], docs)
        hits = retriever.search(it["question"], k=settings.ask.rerank_depth, doc_ids=ids)
        t0 = time.perf_counter()
        hits, _ = rerank(it["question"], hits, method, llm=llm, focus_chars=settings.ask.focus_chars)
        lat.append(time.perf_counter() - t0)

        def rows(hs):
            return [{"source": str(Path(h.source).resolve().relative_to(ROOT)), "start": h.start, "end": h.end} for h in hs]

        rank = first_relevant_rank(rows(hits), spans)
        r1 += rank == 1
        rk += rank is not None and rank <= k
        rr.append(1 / rank if rank else 0.0)
        fk += first_relevant_rank(rows(focus_passages(it["question"], hits[:k], settings.ask.focus_chars)), spans) is not None
    n = max(1, len(items))
    return {"method": method, "questions": len(items), "recall@1": round(r1 / n, 3), f"recall@{k}": round(rk / n, 3),
            "mrr": round(statistics.fmean(rr), 3) if rr else 0.0, f"focused_recall@{k}": round(fk / n, 3),
            "added_latency_p50_ms": round(1000 * statistics.median(lat), 2) if lat else 0.0}


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm-n", type=int, default=None, help="questions for the LLM reranker (default: all; 0 skips it)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    from llm_extract.api import ingest, list_documents, open_retriever

    gold = [json.loads(line) for line in (ROOT / "eval" / "gold" / "qa.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    items = [it for it in gold if it["answerable"]]
    rows = []
    with tempfile.TemporaryDirectory(prefix="rerank-bench-") as tmp:
        settings = Settings(index=Path(tmp) / "index", llm_cache=False)
        ingest([ROOT / "examples" / "corpus"], settings)
        retriever = open_retriever(settings)
        docs = list_documents(settings)
        for method in ("none", "lexical"):
            rows.append(score(method, items, retriever, docs, settings))
        n_llm = len(items) if args.llm_n is None else args.llm_n
        if n_llm:
            from llm_extract.llm.client import LLMClient

            with LLMClient(settings).start() as llm:
                sub = items[:n_llm]
                if n_llm < len(items):  # the same subset without the model, for a fair comparison
                    rows.append({**score("none", sub, retriever, docs, settings), "method": f"none (first {n_llm})"})
                rows.append(score("llm", sub, retriever, docs, settings, llm=llm))
    keys = [k for k in rows[0] if k != "method"]
    print()
    print(f"{'method':<18}" + "".join(f"{k:>22}" for k in keys))
    for r in rows:
        print(f"{r['method']:<18}" + "".join(f"{r.get(k, ''):>22}" for k in keys))
    save_json(args.json, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
