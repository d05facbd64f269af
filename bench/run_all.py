"""Run every benchmark and print one table; write a plot beside it (``make bench``).

    .venv/bin/python bench/run_all.py            # 10, 100, 1,000 documents + 100,000 chunks + models
    .venv/bin/python bench/run_all.py --quick    # 10 and 100 documents only, short model runs

Each measurement runs in its own process so peak RSS and cold starts are that
step's own.  Results go to ``bench/out/`` (``results.json``, ``table.txt``,
``scale.png``); the plot is also copied to ``bench/scale.png`` for the
repository.  Benchmarks of the embedded language model (``bench/llm.py``,
``bench/ask.py``, ``bench/extract.py``, ``bench/rerank.py``) run when its weights are
installed and are skipped with a note otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Optional

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
SIZES = (10, 100, 1000)
QUICK_SIZES = (10, 100)
BIG_CHUNKS = 100_000
MODEL_BENCHES = ("llm", "ask", "extract", "rerank")


def _run(script: str, *args: str, timeout: float = 7200) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(HERE / script), *args]
    print(f"$ {' '.join(cmd[1:])}", file=sys.stderr, flush=True)
    t = time.perf_counter()
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=None, text=True, timeout=timeout, cwd=ROOT)
    print(f"  ({time.perf_counter() - t:.0f} s) {out.stdout.strip()[-300:]}", file=sys.stderr, flush=True)
    return out


def _json_run(script: str, json_path: Path, *args: str) -> Optional[Any]:
    out = _run(script, *args, "--json", str(json_path))
    if out.returncode != 0:
        print(f"  {script} failed with exit code {out.returncode}", file=sys.stderr)
        return None
    return json.loads(json_path.read_text())


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {"cpu": cpu or platform.processor(), "cores": os.cpu_count(), "memory": mem,
            "python": platform.python_version(), "system": platform.platform(), "load_avg_start": os.getloadavg()[0],
            "date": time.strftime("%Y-%m-%d %H:%M")}


def model_installed() -> tuple[bool, str]:
    sys.path.insert(0, str(ROOT))
    from llm_extract.core.config import Settings
    from llm_extract.llm.weights import MODELS, missing_packages

    settings = Settings()
    spec = MODELS.get(settings.embedded.model)
    if spec is None:
        return False, f"unknown embedded model {settings.embedded.model!r}"
    missing = missing_packages(spec)
    return (not missing, f"{settings.embedded.model}: missing {', '.join(missing)}" if missing else "")


def run_model_benches(quick: bool, work: Path) -> dict:
    results: dict = {}
    present = [name for name in MODEL_BENCHES if (HERE / f"{name}.py").exists()]
    if not present:
        return results
    ok, why = model_installed()
    for name in present:
        if not ok:
            results[name] = {"skipped": f"embedded model not installed ({why})"}
            continue
        quick_args = {"llm": ["--models", "qwen2.5-coder-0.5b", "-n", "5"], "ask": ["-n", "3"], "rerank": ["--llm-n", "20"]}
        args = quick_args.get(name, []) if quick else []
        data = _json_run(f"{name}.py", work / f"{name}.json", *args)
        results[name] = data if data is not None else {"skipped": "failed; see stderr"}
    return results


def _summaries(prefix: str, obj: Any, out: list[str]) -> None:
    """One line per object of a benchmark's JSON: its label, then its numbers and notes; nested lists indented."""
    if isinstance(obj, list):
        for item in obj:
            _summaries(prefix, item, out)
        return
    if not isinstance(obj, dict):
        return
    label = next((v for k, v in obj.items() if isinstance(v, str) and k not in ("skipped", "rejected")), "")
    facts = [f"{k} {_fmt(v, 2)}" for k, v in obj.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    facts += [f"{k}: {v[:90]}" for k, v in obj.items() if k in ("skipped", "rejected") and isinstance(v, str)]
    out.append(f"{prefix} {label}: " + ", ".join(facts))
    for value in obj.values():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            _summaries("    " + prefix.strip() + (f" {label}" if label else ""), value, out)


def _fmt(value: Any, digits: int) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, int) or (isinstance(value, float) and value >= 1000):
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def build_table(res: dict) -> str:
    sizes = res["sizes"]
    cols = [f"{n:,} docs" for n in sizes] + ([f"{BIG_CHUNKS // 1000}k chunks"] if res.get("big") else [])
    ing = [res["ingest"].get(str(n)) or {} for n in sizes]
    sea = [res["search"].get(str(n)) or {} for n in sizes] + ([res["big"]] if res.get("big") else [])
    cli = res.get("cli") or {}
    names = [f"index-docs-{n}" for n in sizes] + ([f"index-chunks-{BIG_CHUNKS}"] if res.get("big") else [])
    clis = [(cli.get("search") or {}).get(name) or {} for name in names]
    kw = res.get("keyword") or {}

    rows: list[tuple[str, list[Any], int]] = [
        ("documents", [r.get("documents") for r in ing], 0),
        ("chunks", [r.get("chunks") for r in ing] + ([res["big"].get("chunks")] if res.get("big") else []), 0),
        ("corpus MB", [r.get("corpus_mb") for r in ing], 1),
        ("index MB", [r.get("index_mb") for r in ing], 1),
        ("ingest documents/s", [r.get("docs_per_s") for r in ing], 2),
        ("ingest chunks/s", [r.get("chunks_per_s") for r in ing], 1),
        ("bare embedder chunks/s (same chunks)", [r.get("bare_chunks_per_s") for r in ing], 1),
        ("ingest / bare embedder, wall time", [r.get("ratio_to_bare") for r in ing], 2),
        ("ingest / bare embedder, CPU time", [r.get("ratio_to_bare_cpu") for r in ing], 2),
        ("  ms/chunk in the embedder", [r.get("embed_ms_per_chunk") for r in ing], 1),
        ("  ms/chunk in Chroma writes", [r.get("chroma_ms_per_chunk") for r in ing], 1),
        ("  ms/chunk in BM25 (tokenize, save)", [r.get("bm25_ms_per_chunk") for r in ing], 1),
        ("  ms/chunk elsewhere (load..chunk)", [r.get("other_ms_per_chunk") for r in ing], 1),
        ("ingest RSS with model loaded, MB", [r.get("rss_base_mb") for r in ing], 0),
        ("ingest peak RSS, MB", [r.get("rss_peak_mb") for r in ing], 0),
    ]
    for mode in ("hybrid", "bm25", "dense"):
        rows.append((f"search {mode} p50 ms (warm)", [s.get(f"{mode}_p50_ms") for s in sea], 1))
        rows.append((f"search {mode} p95 ms (warm)", [s.get(f"{mode}_p95_ms") for s in sea], 1))
    rows += [
        ("  of which query embedding p50 ms", [s.get("embed_query_p50_ms") for s in sea], 1),
        ("search process peak RSS, MB", [s.get("rss_peak_mb") for s in sea], 0),
        ("CLI search cold, hybrid, s", [c.get("hybrid_s") for c in clis], 2),
        ("  same, start-up tables + snapshot off, s", [c.get("hybrid_old_s") for c in clis], 2),
        ("  first search on a machine (builds tables), s", [c.get("hybrid_first_s") for c in clis], 2),
        ("CLI search cold, --mode bm25, s", [c.get("bm25_s") for c in clis], 2),
        ("CLI --help cold, s", [cli.get("help_s")] + [None] * (len(cols) - 1), 2),
    ]
    if res.get("big"):
        b = res["big"].get("build") or {}
        rows.append((f"{BIG_CHUNKS // 1000}k set-up: Chroma upserts s", [None] * len(sizes) + [b.get("chroma_s")], 0))
        rows.append((f"{BIG_CHUNKS // 1000}k set-up: keyword add+save s",
                     [None] * len(sizes) + [b.get("keyword_s")], 0))
    lines = []
    width = max(len(r[0]) for r in rows) + 2
    header = f"{'':<{width}}" + "".join(f"{c:>14}" for c in cols)
    lines += [header, "-" * len(header)]
    for label, values, digits in rows:
        values = list(values) + [None] * (len(cols) - len(values))
        lines.append(f"{label:<{width}}" + "".join(f"{_fmt(v, digits):>14}" for v in values))
    for row in kw.get("rows", []):
        lines.append(f"keyword index alone, {row['chunks']:,} chunks: build {row['build_s']:.0f} s, "
                     f"{row['disk_mb']:.0f} MB, "
                     f"open {row['open_s']:.2f} s, first search {row['first_search_s']:.2f} s, "
                     f"p50/p95 {row['p50_ms']:.1f}/{row['p95_ms']:.1f} ms, cold RSS {row['cold_rss_mb']:.0f} MB")
    other: list[str] = []
    for name, data in (res.get("models") or {}).items():
        _summaries(f"bench/{name}.py", data, other)
    if other:
        lines.append("-" * len(header))
        lines += other
    m = res["machine"]
    lines.append("-" * len(header))
    lines.append(f"machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; Python {m['python']}; "
                 f"load average {m['load_avg_start']:.1f} at start, {res.get('load_avg_end', 0):.1f} at end; "
                 f"{m['date']}")
    return "\n".join(lines)


def plot(res: dict, path: Path) -> Optional[Path]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot", file=sys.stderr)
        return None
    sizes = res["sizes"]
    ing = [res["ingest"].get(str(n)) or {} for n in sizes]
    sea = [res["search"].get(str(n)) or {} for n in sizes] + ([res["big"]] if res.get("big") else [])
    chunks_i = [r.get("chunks") for r in ing]
    chunks_s = [s.get("chunks") for s in sea]
    fig, ax = plt.subplots(2, 2, figsize=(11, 8))
    a = ax[0][0]
    a.plot(chunks_i, [r.get("chunks_per_s") for r in ing], "o-", label="ingest (whole pipeline)")
    a.plot(chunks_i, [r.get("bare_chunks_per_s") for r in ing], "s--", label="bare embedder, same chunks")
    a.set(xscale="log", xlabel="chunks ingested", ylabel="chunks / s", title="Ingest throughput")
    a.set_ylim(bottom=0)
    a.legend()
    a = ax[0][1]
    a.plot(chunks_i, [r.get("rss_peak_mb") for r in ing], "o-", label="peak RSS during ingest")
    a.plot(chunks_i, [r.get("rss_base_mb") for r in ing], "s--", label="RSS with the model loaded")
    a.set(xscale="log", xlabel="chunks ingested", ylabel="MB", title="Ingest memory")
    a.set_ylim(bottom=0)
    a.legend()
    a = ax[1][0]
    for mode, marker, color in (("hybrid", "o", "C0"), ("bm25", "s", "C1"), ("dense", "^", "C2")):
        a.plot(chunks_s, [s.get(f"{mode}_p50_ms") for s in sea], marker + "-", color=color, label=f"{mode} p50")
        a.plot(chunks_s, [s.get(f"{mode}_p95_ms") for s in sea], marker + ":", color=color, alpha=0.5,
               label=f"{mode} p95")
    a.set(xscale="log", yscale="log", xlabel="chunks in the index", ylabel="ms", title="Warm search latency")
    a.legend(fontsize=8, ncol=2)
    a = ax[1][1]
    cli = (res.get("cli") or {}).get("search") or {}
    names = [f"index-docs-{n}" for n in sizes] + ([f"index-chunks-{BIG_CHUNKS}"] if res.get("big") else [])
    a.plot(chunks_s, [(cli.get(n) or {}).get("hybrid_s") for n in names], "o-", label="llm-extract search (hybrid)")
    a.plot(chunks_s, [(cli.get(n) or {}).get("bm25_s") for n in names], "s-", label="llm-extract search --mode bm25")
    if (res.get("cli") or {}).get("help_s"):
        a.axhline(res["cli"]["help_s"], color="grey", ls="--", label="llm-extract --help")
    a.set(xscale="log", xlabel="chunks in the index", ylabel="s (process wall time)", title="CLI cold start")
    a.set_ylim(bottom=0)
    a.legend(fontsize=8)
    m = res["machine"]
    fig.suptitle(f"llm-extract scaling — {m['cpu']}, {m['cores']} cores — {m['date']}", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="skip the 1,000-document and 100,000-chunk sizes")
    ap.add_argument("--embedder", default="use")
    ap.add_argument("--no-models", action="store_true", help="skip the language-model benchmarks")
    ap.add_argument("--only", help="comma-separated steps to run (ingest,search,big,cli,keyword,models); "
                    "the others are read from the last run's files in bench/out/work")
    ap.add_argument("--table-only", type=Path, help=argparse.SUPPRESS)  # re-render a results.json
    args = ap.parse_args(argv)

    if args.table_only:
        res = json.loads(args.table_only.read_text())
        print(build_table(res))
        plot(res, OUT / "scale.png")
        return 0
    work = OUT / "work"
    work.mkdir(parents=True, exist_ok=True)
    sizes = QUICK_SIZES if args.quick else SIZES
    res: dict = {"machine": machine(), "sizes": list(sizes), "quick": args.quick, "ingest": {}, "search": {}}
    indexes: list[Path] = []
    only = set(args.only.split(",")) if args.only else None

    def step(name: str, script: str, json_path: Path, *script_args: str):
        if only is None or name in only:
            return _json_run(script, json_path, *script_args)
        return json.loads(json_path.read_text()) if json_path.exists() else None

    for n in sizes:
        res["ingest"][str(n)] = step("ingest", "ingest.py", work / f"ingest-{n}.json", "--docs", str(n),
                                     "--workdir", str(work), "--embedder", args.embedder)
        index = work / f"index-docs-{n}"
        res["search"][str(n)] = step("search", "search.py", work / f"search-{n}.json", "--index", str(index),
                                     "--embedder", args.embedder)
        indexes.append(index)
    if not args.quick:
        res["big"] = step("big", "search.py", work / "search-big.json", "--synthetic", str(BIG_CHUNKS),
                          "--workdir", str(work), "--embedder", args.embedder)
        indexes.append(work / f"index-chunks-{BIG_CHUNKS}")
    res["cli"] = step("cli", "cli.py", work / "cli.json", "--index", *map(str, indexes))
    kw_rows = step("keyword", "keyword_index.py", work / "keyword.json",
                   "--chunks", "10000" if args.quick else str(BIG_CHUNKS))
    res["keyword"] = {"rows": kw_rows or []}
    if args.no_models:
        res["models"] = {}
    elif only is None or "models" in only:
        res["models"] = run_model_benches(args.quick, work)
    else:
        res["models"] = {n: json.loads((work / f"{n}.json").read_text())
                         for n in MODEL_BENCHES if (work / f"{n}.json").exists()}
    res["load_avg_end"] = os.getloadavg()[0]

    (OUT / "results.json").write_text(json.dumps(res, indent=1, ensure_ascii=False))
    table = build_table(res)
    (OUT / "table.txt").write_text(table + "\n", encoding="utf-8")
    print(table)
    png = plot(res, OUT / "scale.png")
    if png:
        shutil.copy(png, HERE / "scale.png")
        print(f"\nplot: {png} (copied to {HERE / 'scale.png'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
