"""Benchmark of extraction cost with the embedded model on the sample corpus.

    python bench/extract.py                          # indicators, every sample report
    python bench/extract.py --kinds indicator,task   # more record kinds (each costs its own calls)

Three runs over the same documents, each through ``run_extraction`` exactly as
``llm-extract extract`` does it:

1. ``--backend llm`` with an empty response cache (a fresh temp directory), so
   every call reaches the embedded model: LLM tokens read per 1,000 characters
   of document, the share of the text the candidate finder sends at all,
   records/minute, seconds per document;
2. the same command again with the cache it just filled (the "re-run is free"
   claim, measured);
3. ``--backend rules`` for comparison (no model).

The server's cold start is timed separately and not charged to the runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from results import save_json  # noqa: E402

from llm_extract.extract.bulk import run_extraction, targets_from_paths  # noqa: E402
from llm_extract.core.config import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "corpus"


def sent_chars(targets, kinds: list[str]) -> int:
    """Characters of document text inside the windows the LLM backend sends (the extractor's own batching)."""
    from llm_extract.extract.extractor import llm_windows, section_candidates

    total = 0
    for t in targets:
        norm = t.norm
        for sec in t.doc.sections:
            s0, s1 = norm.from_original(sec.start, sec.end)
            text = norm.simplified[s0:s1]
            for kind in kinds:
                total += sum(b - a for a, b in llm_windows(section_candidates(kind, t.doc, sec, text)))
    return total


def _run(targets, kinds, out: Path, backend: str, settings: Settings, llm=None) -> tuple[float, object]:
    t0 = time.perf_counter()
    summary = run_extraction(targets, kinds=kinds, out=out, backend=backend, settings=settings, llm=llm)
    return time.perf_counter() - t0, summary


def bench(kinds: list[str], corpus: Path, work: Path) -> dict:
    from llm_extract.llm.client import LLMClient

    settings = Settings(index=work / "index", cache_dir=work / "llm-cache", llm_cache=True)
    skipped: list[str] = []
    targets = targets_from_paths([corpus], settings, skipped)
    doc_chars = sum(t.doc.end - t.doc.start for t in targets)
    window_chars = sent_chars(targets, kinds)

    t0 = time.perf_counter()
    llm = LLMClient(settings).start()
    cold = time.perf_counter() - t0
    try:
        wall, s = _run(targets, kinds, work / "llm.jsonl", "llm", settings, llm)
        before = llm.usage_total()
        cached_wall, cs = _run(targets, kinds, work / "llm-again.jsonl", "llm", settings, llm)
        after = llm.usage_total()
    finally:
        llm.close()
    rules_wall, rs = _run(targets, ["indicator"], work / "rules.jsonl", "rules", settings)
    n_records = sum(s.records.values())
    return {
        "kinds": ",".join(kinds),
        "documents": len(targets),
        "document_chars": doc_chars,
        "chars_sent_share": round(window_chars / max(1, doc_chars), 3),
        "server_cold_start_s": round(cold, 2),
        "calls": s.calls,
        "prompt_tokens": s.prompt_tokens,
        "completion_tokens": s.completion_tokens,
        "prompt_tokens_per_1000_chars": round(1000 * s.prompt_tokens / max(1, doc_chars), 1),
        "completion_tokens_per_1000_chars": round(1000 * s.completion_tokens / max(1, doc_chars), 1),
        "records": n_records,
        "records_by_type": s.records,
        "dropped": sum(s.dropped.values()),
        "wall_s": round(wall, 1),
        "s_per_document": round(wall / max(1, len(targets)), 1),
        "s_per_call": round(wall / max(1, s.calls), 1),
        "records_per_minute": round(60 * n_records / max(wall, 1e-9), 1),
        "cached_rerun_s": round(cached_wall, 2),
        "cached_rerun_records": sum(cs.records.values()),
        "cached_rerun_calls_to_model": (after.calls - before.calls) - (after.cached - before.cached),
        "rules_indicator_wall_s": round(rules_wall, 2),
        "rules_indicator_records": sum(rs.records.values()),
        "skipped_files": skipped,
    }


def print_table(r: dict) -> None:
    rows = [
        ("record kinds", r["kinds"]),
        ("documents (sample corpus)", r["documents"]),
        ("document characters", f"{r['document_chars']:,}"),
        ("share of text sent to the model", f"{100 * r['chars_sent_share']:.0f} %"),
        ("embedded server cold start", f"{r['server_cold_start_s']:.1f} s"),
        ("model calls", r["calls"]),
        ("prompt tokens per 1,000 chars", r["prompt_tokens_per_1000_chars"]),
        ("completion tokens per 1,000 chars", r["completion_tokens_per_1000_chars"]),
        ("records (dropped)", f"{r['records']} ({r['dropped']})"),
        ("wall time, empty cache", f"{r['wall_s']:.0f} s"),
        ("seconds per document", r["s_per_document"]),
        ("seconds per call", r["s_per_call"]),
        ("records per minute", r["records_per_minute"]),
        ("re-run with the cache", f"{r['cached_rerun_s']:.2f} s ({r['cached_rerun_records']} records, "
                                  f"{r['cached_rerun_calls_to_model']} calls reached the model)"),
        ("--backend rules, indicators", f"{r['rules_indicator_wall_s']:.2f} s ({r['rules_indicator_records']} records)"),
    ]
    width = max(len(a) for a, _ in rows) + 2
    print()
    for a, b in rows:
        print(f"{a:<{width}}{b}")


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default="indicator", help="comma-separated: indicator,project,problem,task")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of reports (default: the sample corpus)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    with tempfile.TemporaryDirectory(prefix="extract-bench-") as tmp:
        result = bench(kinds, args.corpus, Path(tmp))
    print(json.dumps(result, ensure_ascii=False), file=sys.stderr)
    print_table(result)
    save_json(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
