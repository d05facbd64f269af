"""Check eval/gold/qa.jsonl: schema, ids, and every evidence quote is a substring of its source file.

Usage: python eval/gold/check_qa.py [path/to/qa.jsonl]   (run from the repo root or anywhere)
Exit status 1 and a list of problems when any check fails.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TYPES = {"number", "text", "list", "placeholder", "abstain"}
REQUIRED = {"id", "question", "answerable", "type", "answer", "evidence", "doc", "report", "tags"}


def _segment_bounds(text: str, report: int) -> tuple[int, int]:
    """Character span of report `report` inside a multi-report page (markers 【第N篇)."""
    start = text.find(f"【第{report}篇")
    if start < 0:
        return 0, len(text)
    nxt = text.find(f"【第{report + 1}篇", start)
    return start, (nxt if nxt >= 0 else len(text))


def check(path: Path) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        e = json.loads(line)
        qid = e.get("id", f"line{lineno}")
        missing = REQUIRED - e.keys()
        if missing:
            problems.append(f"{qid}: missing fields {sorted(missing)}")
            continue
        if qid in seen:
            problems.append(f"{qid}: duplicate id")
        seen.add(qid)
        t = e["type"]
        if t not in TYPES:
            problems.append(f"{qid}: bad type {t}")
        if e["answerable"] != (t != "abstain"):
            problems.append(f"{qid}: answerable inconsistent with type {t}")
        if t == "number" and (not isinstance(e.get("value"), (int, float)) or not e.get("unit")):
            problems.append(f"{qid}: number needs value and unit")
        if t != "number" and ("value" in e or "unit" in e):
            problems.append(f"{qid}: value/unit only for type number")
        if t == "list" and not e.get("items"):
            problems.append(f"{qid}: list needs items")
        if t != "list" and "items" in e:
            problems.append(f"{qid}: items only for type list")
        if t == "abstain":
            if e["evidence"]:
                problems.append(f"{qid}: abstain must have no evidence")
            continue
        if not e["evidence"]:
            problems.append(f"{qid}: answerable question without evidence")
        for ev in e["evidence"]:
            src = REPO / ev["source"]
            if Path(ev["source"]).stem != e["doc"]:
                problems.append(f"{qid}: evidence source {ev['source']} is not doc {e['doc']}")
            sys.path.insert(0, str(REPO))
            from llm_extract.text.loading import load_text  # the text gold quotes point into (.docx/.pdf/.html too)

            text = load_text(src)
            q = ev["quote"]
            pos = text.find(q)
            if pos < 0:
                problems.append(f"{qid}: quote not in {ev['source']}: {q}")
                continue
            lo, hi = _segment_bounds(text, e["report"])
            if not any(lo <= p < hi for p in _all(text, q)):
                problems.append(f"{qid}: quote not inside report {e['report']}: {q}")
    return problems


def _all(text: str, sub: str):
    i = text.find(sub)
    while i >= 0:
        yield i
        i = text.find(sub, i + 1)


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "eval" / "gold" / "qa.jsonl"
    problems = check(path)
    for p in problems:
        print(p)
    n = sum(1 for l in path.read_text(encoding="utf-8").splitlines() if l.strip())
    print(f"{n} questions, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
