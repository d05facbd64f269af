"""What a finished ``eval`` run is checked and shown with: floors, a comparison with an earlier run, an HTML page.

Scores are nested dicts (``extraction.rules.by_type.indicator.relaxed.f1``); floors and comparisons
read them flattened to dotted paths.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Optional


def _flatten(d, prefix: str = "", *, keep_none: bool = False) -> dict[str, Optional[float]]:
    out: dict[str, Optional[float]] = {}
    if isinstance(d, dict):
        for k, v in d.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k), keep_none=keep_none))
    elif isinstance(d, (int, float)) and not isinstance(d, bool):
        out[prefix] = float(d)
    elif d is None and keep_none and prefix:
        out[prefix] = None
    return out


# Top-level parts a floor may name: what `eval` produces, and the CI subsets tests/test_eval.py scores.
KNOWN_SECTIONS = {"extraction", "qa", "documents", "ci_qa", "ci_extraction"}


def check_thresholds(result: dict, thresholds: dict[str, float]) -> list[str]:
    """Metrics below their floor (``thresholds`` maps dotted paths to minimum values).

    A floor of a part that was not run (``--only qa`` skips ``extraction.*``) is not checked; a
    floor whose metric the run should have produced but did not (a renamed metric, a typo, a
    score of None because nothing was measured) fails, so a gate can never pass by going missing.
    """
    flat = _flatten({k: v for k, v in result.items() if k != "items"}, keep_none=True)
    ran = {k for k, v in result.items() if isinstance(v, dict)}
    failures = []
    for key, floor in thresholds.items():
        section = key.split(".")[0]
        if section not in KNOWN_SECTIONS:
            failures.append(f"{key}: unknown section {section!r} (expected one of {', '.join(sorted(KNOWN_SECTIONS))})")
            continue
        if section not in ran:
            continue
        if key not in flat:
            failures.append(f"{key}: no such metric in this run (renamed or misspelt floor?)")
        elif flat[key] is None:
            failures.append(f"{key}: not measured (nothing to score)")
        elif flat[key] + 1e-9 < floor:
            failures.append(f"{key} = {flat[key]:.4f} < {floor}")
    return failures


def compare(previous: dict, current: dict, *, tolerance: float = 0.005) -> list[dict]:
    """Deltas of every shared score; a drop beyond ``tolerance`` in a higher-is-better score is a regression."""
    lower_is_better = ("tokens", "seconds", "latency", ".fp", ".fn", "calls")
    prev, cur = _flatten(_strip(previous)), _flatten(_strip(current))
    rows = []
    for key in sorted(set(prev) & set(cur)):
        delta = cur[key] - prev[key]
        worse = delta > tolerance if any(s in key for s in lower_is_better) else delta < -tolerance
        cost_key = any(s in key for s in ("tokens", "seconds", "latency", "calls"))
        rows.append({"metric": key, "previous": prev[key], "current": cur[key], "delta": round(delta, 4),
                     "regression": bool(worse and not cost_key)})
    return rows


def _strip(d):
    if isinstance(d, dict):
        return {k: _strip(v) for k, v in d.items() if k not in ("items", "misses")}
    return d


def write_html(result: dict, path: Path) -> None:
    """A self-contained report; every piece of document text and record field is escaped."""
    e = html.escape
    parts = ["<!doctype html><meta charset='utf-8'><title>llm-extract eval</title>",
             "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
             "padding:3px 6px;vertical-align:top}th{background:#eee}.bad{background:#fdd}</style>",
             "<h1>llm-extract eval</h1>"]
    flat = _flatten(_strip(result))
    parts.append("<h2>Scores</h2><table><tr><th>metric</th><th>value</th></tr>")
    parts += [f"<tr><td>{e(k)}</td><td>{v:.4f}</td></tr>" for k, v in sorted(flat.items())]
    parts.append("</table>")
    for backend, res in (result.get("extraction") or {}).items():
        parts.append(f"<h2>Extraction misses: {e(backend)}</h2><table><tr><th>type</th><th>kind</th><th>predicted</th>"
                     "<th>gold</th><th>wrong fields</th></tr>")
        for m in res.get("misses", []):
            def cell(r):
                if not r:
                    return ""
                keep = {k: r.get(k) for k in ("metric", "metric_raw", "name", "problem", "task", "period", "kind", "value",
                                                 "unit", "yoy_pct", "qualifier", "placeholder", "status", "evidence", "source") if k in r}
                return e(json.dumps(keep, ensure_ascii=False))
            parts.append(f"<tr class='bad'><td>{e(m['type'])}</td><td>{e(m['kind'])}</td><td>{cell(m['pred'])}</td>"
                         f"<td>{cell(m['gold'])}</td><td>{e(', '.join(m['fields']))}</td></tr>")
        parts.append("</table>")
    qa = result.get("qa") or {}
    if qa.get("items"):
        parts.append("<h2>QA items</h2><table><tr><th>id</th><th>question</th><th>gold</th><th>answer</th><th>score</th></tr>")
        for it in qa["items"]:
            cls = "" if it["correct"] >= 1 else " class='bad'"
            parts.append(f"<tr{cls}><td>{e(it['id'])}</td><td>{e(it['question'])}</td><td>{e(str(it['gold']))}</td>"
                         f"<td>{e(it['answer'])}</td><td>{it['correct']:.2f}</td></tr>")
        parts.append("</table>")
    path.write_text("\n".join(parts), encoding="utf-8")
