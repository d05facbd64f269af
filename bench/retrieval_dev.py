"""Retrieval metrics alone (no LLM): recall@1, recall@5 and MRR of each search mode on a split.

    PYTHONPATH=$PWD .venv/bin/python bench/retrieval_dev.py --split dev [--index /tmp/idx] [--out r.json]

This is ``eval --only qa`` without the answering half: it ingests the split's QA sources into a
fresh index and scores ``Retriever.search`` against the gold evidence spans, never starting the
embedded model.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    from llm_extract.core.config import Settings
    from llm_extract.evaluation.evaluate import eval_qa, load_split

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=Path("eval"))
    ap.add_argument("--split", default="dev")
    ap.add_argument("--index", type=Path, default=None, help="index directory (default: a fresh temporary one)")
    ap.add_argument("--modes", default="hybrid,bm25,dense")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    index = args.index or Path(tempfile.mkdtemp(prefix="retrieval-"))
    settings = Settings(index=index)
    result = eval_qa(args.gold, settings, modes=tuple(args.modes.split(",")), answer=False,
                     docs=load_split(args.gold, args.split))
    text = json.dumps(result["retrieval"], indent=1)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
