"""CLI cold start: process wall time of ``llm-extract --help`` and of one ``search``.

    .venv/bin/python bench/cli.py [--index DIR ...] [--repeat 3]

Each command runs ``--repeat`` times as a new process (the median is
reported); the operating system's file cache is warm after the first run, as
it is for a user who searches twice.  ``search`` is timed in hybrid mode (the
default: BM25 + the embedder + the index's dense snapshot) and with ``--mode bm25``
(no embedder).  In the same run, for the ratio:

* ``hybrid_old_s`` -- hybrid with the start-up tables and the dense snapshot off
  (``LLM_EXTRACT_STARTUP_CACHE=0 LLM_EXTRACT_DENSE_SNAPSHOT=0``): jieba's whole
  dictionary, the USE tokenizer and weights built from the package, Chroma started;
* ``hybrid_first_s`` -- the first hybrid search on a machine (an empty start-up
  directory: the tables are built during this one command, once).

The start-up tables live in a temporary directory of this run, not in ``~/.cache``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results import save_json  # noqa: E402

HERE = Path(__file__).resolve().parent
QUERY = "地区生产总值"


def cli_path() -> str:
    beside = Path(sys.executable).with_name("llm-extract")
    return str(beside) if beside.exists() else "llm-extract"


def wall(cmd: list[str], repeat: int, extra: dict | None = None) -> float:
    """Median wall seconds of ``cmd`` over ``repeat`` fresh processes; fails loudly on a non-zero exit."""
    times = []
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLM_EXTRACT_")}
    env.update(extra or {})
    for _ in range(repeat):
        t = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
        times.append(time.perf_counter() - t)
        if out.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {out.returncode}: {out.stderr[-500:]}")
    return statistics.median(times)


def measure(indexes: list[Path], repeat: int) -> dict:
    import tempfile

    cli = cli_path()
    row: dict = {"help_s": wall([cli, "--help"], repeat), "search": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for n, index in enumerate(indexes):
            search = [cli, "search", QUERY, "--index", str(index), "-k", "5"]
            fresh = {"LLM_EXTRACT_STARTUP_CACHE_DIR": str(Path(tmp) / f"first-{n}")}
            tables = {"LLM_EXTRACT_STARTUP_CACHE_DIR": str(Path(tmp) / "tables")}
            row["search"][index.name] = {
                "hybrid_first_s": wall(search, 1, fresh),
                "hybrid_s": wall(search, repeat, tables),
                "bm25_s": wall(search + ["--mode", "bm25"], repeat, tables),
                "hybrid_old_s": wall(search, repeat, {"LLM_EXTRACT_STARTUP_CACHE": "0", "LLM_EXTRACT_DENSE_SNAPSHOT": "0"}),
            }
    row["load_avg"] = os.getloadavg()[0]
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, nargs="*", default=[], help="indexes to search (made by bench/ingest.py)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    row = measure(args.index, args.repeat)
    print(f"llm-extract --help: {row['help_s']:.2f} s")
    for name, r in row["search"].items():
        print(f"llm-extract search ({name}): hybrid {r['hybrid_s']:.2f} s (first on a machine {r['hybrid_first_s']:.2f} s, "
              f"without start-up tables and snapshot {r['hybrid_old_s']:.2f} s), bm25 {r['bm25_s']:.2f} s")
    save_json(args.json, row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
