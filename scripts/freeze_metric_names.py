"""Add the gold's new metric names to ``eval/gold/metric_names.json`` (existing entries never change).

The scorer reads the canonical name of every gold metric from that file, not from the extractor's
vocabulary, so widening the vocabulary cannot make the scorer more lenient.  Run this after adding
gold; changing an existing entry is a scoring change and needs a line in ``eval/CHANGES.md``.

    .venv/bin/python scripts/freeze_metric_names.py [--gold eval/gold]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def main() -> None:
    from llm_extract.evaluation.metrics import METRIC_NAMES, _simp, frozen_metric_names
    from llm_extract.extract.vocab import canonical_metric

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=Path("eval/gold"))
    args = ap.parse_args()
    names = frozen_metric_names(args.gold)
    added = 0
    for f in sorted((args.gold / "extraction").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line) if line.strip() else {}
            metric = _simp(rec.get("metric"))
            if metric and metric not in names:
                names[metric] = _simp(canonical_metric(metric))
                added += 1
    path = args.gold / METRIC_NAMES
    path.write_text(json.dumps(dict(sorted(names.items())), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{path}: {len(names)} names ({added} added)")


if __name__ == "__main__":
    main()
