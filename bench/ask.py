"""Benchmark of ``ask``: retrieval latency, and end-to-end time with the embedded model split by stage.

    python bench/ask.py            # retrieval over all 110 gold questions, 8 questions end to end
    python bench/ask.py -n 20      # more end-to-end questions

The sample corpus is ingested into a temp index first (not timed).  Then:

* **retrieval**, warm and in-process: every gold question through hybrid,
  BM25-only and dense-only search at the ``ask`` depth, after one warm-up pass;
  p50/p95 in milliseconds;
* **end to end** with the embedded model (response cache off, server already
  warm; its cold start is timed on its own): for ``n`` answerable questions
  spread over the gold set, the wall time of :func:`llm_extract.qa.ask.ask`, split
  into retrieval (document narrowing + search + passage focusing), prompt
  processing (request sent → first streamed token) and generation (first
  token → last), summed over the calls (a failed check re-asks once).
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


def _pct(values: list[float], q: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))] if v else float("nan")


def load_questions() -> list[dict]:
    path = ROOT / "eval" / "gold" / "qa.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class TimedRetriever:
    """Wraps a retriever: records how long each search takes."""

    def __init__(self, inner):
        self.inner = inner
        self.seconds = 0.0

    def search(self, *a, **kw):
        t0 = time.perf_counter()
        try:
            return self.inner.search(*a, **kw)
        finally:
            self.seconds += time.perf_counter() - t0


class StageClock:
    """Wraps ``LLMClient.complete``: per call, the time to the first streamed token and the time after it."""

    def __init__(self, llm):
        self.llm = llm
        self.prompt_s = 0.0
        self.generation_s = 0.0
        self.calls = 0
        self._first: Optional[float] = None
        self._inner = llm.complete
        llm.complete = self.complete  # type: ignore[method-assign]

    def on_token(self, _piece: str) -> None:
        if self._first is None:
            self._first = time.perf_counter()

    def complete(self, messages, **kw):
        self._first = None
        t0 = time.perf_counter()
        out = self._inner(messages, **kw)
        t1 = time.perf_counter()
        first = self._first or t1
        self.prompt_s += first - t0
        self.generation_s += t1 - first
        self.calls += 1
        return out


def retrieval_latency(retriever, questions: list[dict], k: int) -> dict:
    out = {}
    for q in questions:  # warm-up: first-touch costs (jieba dictionary, HNSW pages) are not latency
        retriever.search(q["question"], k=k)
    for mode in ("hybrid", "bm25", "dense"):
        lat = []
        for q in questions:
            t0 = time.perf_counter()
            retriever.search(q["question"], k=k, mode=mode)
            lat.append(1000 * (time.perf_counter() - t0))
        out[mode] = {"p50_ms": round(_pct(lat, 0.5), 2), "p95_ms": round(_pct(lat, 0.95), 2), "n": len(lat)}
    return out


def end_to_end(settings: Settings, retriever, questions: list[dict]) -> dict:
    from llm_extract.llm.client import LLMClient
    from llm_extract.evaluation.answers import answer_correct
    from llm_extract.qa.ask import ask

    t0 = time.perf_counter()
    llm = LLMClient(settings.replace(llm_cache=False)).start()
    cold = time.perf_counter() - t0
    rows = []
    try:
        clock = StageClock(llm)
        for q in questions:
            timed = TimedRetriever(retriever)
            clock.prompt_s = clock.generation_s = 0.0
            clock.calls = 0
            t0 = time.perf_counter()
            ans = ask(q["question"], settings=settings, retriever=timed, llm=llm, on_token=clock.on_token)
            total = time.perf_counter() - t0
            llm_s = clock.prompt_s + clock.generation_s
            rows.append({
                "id": q["id"], "total_s": round(total, 2), "retrieval_s": round(total - llm_s, 3),
                "search_s": round(timed.seconds, 3), "prompt_s": round(clock.prompt_s, 2),
                "generation_s": round(clock.generation_s, 2), "calls": clock.calls,
                "prompt_tokens": ans.usage.get("prompt_tokens", 0),
                "completion_tokens": ans.usage.get("completion_tokens", 0),
                "abstained": ans.abstained, "correct": answer_correct(q, ans.answer, ans.abstained),
            })
            print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr, flush=True)
    finally:
        llm.close()

    def med(key: str) -> float:
        return round(statistics.median(r[key] for r in rows), 3)

    return {
        "server_cold_start_s": round(cold, 2),
        "questions": len(rows),
        "total_p50_s": med("total_s"), "total_p95_s": round(_pct([r["total_s"] for r in rows], 0.95), 2),
        "retrieval_p50_s": med("retrieval_s"), "prompt_p50_s": med("prompt_s"), "generation_p50_s": med("generation_s"),
        "first_token_p50_s": round(statistics.median(r["retrieval_s"] + r["prompt_s"] for r in rows), 2),
        "prompt_tokens_p50": med("prompt_tokens"), "completion_tokens_p50": med("completion_tokens"),
        "calls_mean": round(statistics.fmean(r["calls"] for r in rows), 2),
        "correct": round(sum(r["correct"] for r in rows), 2),
        "rows": rows,
    }


def bench(n: int, work: Path) -> dict:
    from llm_extract.api import ingest, open_retriever

    settings = Settings(index=work / "index")
    ingest([ROOT / "examples" / "corpus"], settings)
    retriever = open_retriever(settings)
    questions = load_questions()
    result = {"ask_k": settings.ask.k, "retrieval": retrieval_latency(retriever, questions, settings.ask.k)}
    answerable = [q for q in questions if q["answerable"]]
    step = max(1, len(answerable) // max(1, n))
    picked = answerable[::step][:n]
    if picked:
        result["end_to_end"] = end_to_end(settings, retriever, picked)
    return result


def print_table(r: dict) -> None:
    print()
    print(f"retrieval, warm, in-process, k={r['ask_k']} (all gold questions):")
    for mode, v in r["retrieval"].items():
        print(f"  {mode:<7} p50 {v['p50_ms']:6.1f} ms   p95 {v['p95_ms']:6.1f} ms   (n={v['n']})")
    e = r.get("end_to_end")
    if not e:
        return
    print(f"\nend to end with the embedded model ({e['questions']} questions, server cold start "
          f"{e['server_cold_start_s']:.1f} s, not included):")
    print(f"  {'id':<6} {'total':>7} {'retrieval':>9} {'prompt':>7} {'generate':>8} {'calls':>5} "
          f"{'tok in':>6} {'tok out':>7}  result")
    for row in e["rows"]:
        verdict = "abstained" if row["abstained"] else ("correct" if row["correct"] >= 1 else f"score {row['correct']:.2f}")
        print(f"  {row['id']:<6} {row['total_s']:>6.1f}s {row['retrieval_s']:>8.2f}s {row['prompt_s']:>6.1f}s "
              f"{row['generation_s']:>7.1f}s {row['calls']:>5} {row['prompt_tokens']:>6} {row['completion_tokens']:>7}  "
              f"{verdict}")
    print(f"  median: total {e['total_p50_s']:.1f} s = retrieval {e['retrieval_p50_s']:.2f} s + prompt "
          f"{e['prompt_p50_s']:.1f} s + generation {e['generation_p50_s']:.1f} s; first token after "
          f"{e['first_token_p50_s']:.1f} s; p95 total {e['total_p95_s']:.1f} s")


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=8, help="questions to answer end to end (0: retrieval only)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ask-bench-") as tmp:
        result = bench(args.n, Path(tmp))
    print_table(result)
    save_json(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
