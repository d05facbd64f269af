"""Cold-command latency: what an analyst waits for when typing one command, per ``ask`` route.

    python bench/cold_commands.py              # 5 rounds each, on the sample corpus
    python bench/cold_commands.py --rounds 9

The sample corpus is ingested into a temp index first (not timed; records are stored by ingest, and
the start-up tables and the dense snapshot are written, as on a user's machine after the first ingest).
Each command then runs as a fresh process (``python -m llm_extract.cli …``), as from a shell:

* ``ask`` on the **record** route: a figure the stored records settle (no model, no retriever);
* ``ask`` on the **section** route: a list of a report's own problems (stored items, no model);
* ``ask`` on the **abstain** route: a ``--place`` the index does not hold;
* ``search`` (hybrid: BM25 + dense, so the embedder is loaded);
* ``search`` with ``LLM_EXTRACT_RETRIEVAL=bm25`` (no embedder).

The model route is measured by ``bench/ask.py`` (its cost is the model, seconds per question).
Reported: median and max wall time per command, and the route each ``ask`` took.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results import save_json  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "ask (record route)": (["ask", "徐泾镇2013年第三产业增加值的目标是多少？", "--json"], {}),
    "ask (section route)": (["ask", "小雄镇存在哪些问题？", "--json"], {}),
    "ask (abstain route)": (["ask", "地区生产总值是多少？", "--place", "青川县", "--json"], {}),
    "search (hybrid)": (["search", "徐泾镇2013年地区生产总值预期目标", "--json"], {}),
    "search (bm25)": (["search", "徐泾镇2013年地区生产总值预期目标", "--json"], {"LLM_EXTRACT_RETRIEVAL": "bm25"}),
}


def run(args: list[str], env: dict) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "llm_extract.cli", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, check=True)
    seconds = time.perf_counter() - t0
    route = ""
    if args[0] == "ask":
        route = json.loads(proc.stdout).get("route", "")
    return seconds, route


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--json", type=Path, default=None, help="also write the result here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # Start-up tables (jieba's word table, USE tokenizer/weights) go to this run's temp dir; ingest builds them.
        env = dict(os.environ, LLM_EXTRACT_INDEX=str(Path(tmp) / "index"),
                   LLM_EXTRACT_STARTUP_CACHE_DIR=str(Path(tmp) / "startup"))
        subprocess.run([sys.executable, "-m", "llm_extract.cli", "ingest", str(ROOT / "examples" / "corpus")],
                       env=env, cwd=ROOT, check=True, capture_output=True)
        rows = {}
        for _ in range(args.rounds):  # interleaved rounds: load on the machine hits every command alike
            for name, (cmd, extra) in COMMANDS.items():
                seconds, route = run(cmd, {**env, **extra})
                rows.setdefault(name, {"seconds": [], "route": route})["seconds"].append(seconds)
    out = {name: {"median_s": round(statistics.median(r["seconds"]), 3), "max_s": round(max(r["seconds"]), 3),
                  "route": r["route"], "rounds": len(r["seconds"])} for name, r in rows.items()}
    for name, r in out.items():
        print(f"{name:22s} median {r['median_s']:.2f} s  max {r['max_s']:.2f} s  {r['route']}")
    save_json(args.json, out)


if __name__ == "__main__":
    main()
