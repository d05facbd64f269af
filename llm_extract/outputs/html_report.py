"""``llm-extract report``: one self-contained HTML page per run of records.

Each document's original text is shown with every record's span highlighted
and its fields in a side list.  Every piece of document text and every record
field goes through ``html.escape``: a report must never run what a document or
a model wrote.
"""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path
from typing import Callable

COLORS = {"indicator": "#fff3b0", "project": "#c8e6ff", "problem": "#ffd6d6", "task": "#d6f5d6"}
SHOWN_FIELDS = ("metric", "metric_raw", "period", "kind", "value", "unit", "value_base", "yoy_pct", "yoy_basis",
                "qualifier", "placeholder", "name", "investment_value", "investment_unit", "status", "problem",
                "category", "task", "deadline", "prompt_version")

CSS = """
body{font-family:"Noto Sans CJK SC","PingFang SC",sans-serif;margin:0;display:flex;flex-direction:column}
header{padding:8px 16px;background:#333;color:#fff}
.doc{display:flex;border-bottom:2px solid #999}
.text{flex:3;white-space:pre-wrap;padding:12px 16px;line-height:1.7;max-height:80vh;overflow:auto}
.side{flex:2;padding:12px;background:#fafafa;max-height:80vh;overflow:auto;font-size:13px}
mark{border-radius:2px;padding:0 1px;cursor:help}
.rec{border:1px solid #ddd;border-radius:4px;margin:0 0 8px;padding:6px;background:#fff}
.rec b{display:inline-block;min-width:110px;margin-right:6px;color:#555}
"""


def _fields(rec: dict) -> str:
    rows = []
    for k in SHOWN_FIELDS:
        if k in rec and rec[k] not in (None, ""):
            rows.append(f"<div><b>{html.escape(k)}</b>{html.escape(str(rec[k]))}</div>")
    return "".join(rows)


def _tooltip(rec: dict) -> str:
    return "; ".join(f"{k}={rec[k]}" for k in SHOWN_FIELDS if k in rec and rec[k] not in (None, ""))


def _drawable(rec: dict, n: int) -> bool:
    """A span that fits the text; a records file edited by hand may hold anything in start/end."""
    s, e = rec.get("start"), rec.get("end")
    ok = isinstance(s, int) and isinstance(e, int) and not isinstance(s, bool) and not isinstance(e, bool)
    return ok and 0 <= s < e <= n


def render_document(source: str, original: str, records: list[dict]) -> str:
    """HTML for one source file: marked-up text (non-overlapping segments) plus a record list."""
    recs = sorted((r for r in records if _drawable(r, len(original))), key=lambda r: (r["start"], r["end"]))
    # Split the text at every span boundary; each piece is marked by the records covering it.
    cuts = sorted({0, len(original), *[r["start"] for r in recs], *[r["end"] for r in recs]})
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [i for i, r in enumerate(recs) if r["start"] <= a and b <= r["end"]]
        text = html.escape(original[a:b])
        if covering:
            r = recs[covering[0]]
            color = COLORS.get(r.get("record_type", ""), "#eee")
            tip = html.escape(" || ".join(_tooltip(recs[i]) for i in covering), quote=True)
            ids = " ".join(f"r{i}" for i in covering)
            pieces.append(f'<mark style="background:{color}" title="{tip}" data-recs="{ids}">{text}</mark>')
        else:
            pieces.append(text)
    side = []
    for i, r in enumerate(recs):
        color = COLORS.get(r.get("record_type", ""), "#eee")
        side.append(
            f'<div class="rec" id="r{i}" style="border-left:6px solid {color}">'
            f"<div><b>type</b>{html.escape(str(r.get('record_type', '')))}</div>{_fields(r)}"
            f"<div><b>span</b>{r['start']}–{r['end']}</div>"
            f"<div><b>evidence</b>{html.escape(r.get('evidence', ''))}</div></div>"
        )
    return (f'<section class="doc"><div class="text"><h3>{html.escape(source)}</h3>{"".join(pieces)}</div>'
            f'<div class="side"><h3>{len(recs)} records</h3>{"".join(side)}</div></section>')


def write_report(records: list[dict], out: Path, read_original: Callable[[str], str], *, title: str = "llm-extract records") -> int:
    """Write the page; returns the number of documents shown. No script, no external resource."""
    by_source: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_source[r.get("source", "")].append(r)
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>",
        f"<header>{html.escape(title)}: {len(records)} records in {len(by_source)} files</header>",
    ]
    for source in sorted(by_source):
        parts.append(render_document(source, read_original(source), by_source[source]))
    parts.append("</body></html>")
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text("\n".join(parts), encoding="utf-8")
    tmp.replace(out)
    return len(by_source)


def records_from_file(path: Path) -> list[dict]:
    from .table import read_records

    return read_records(path)


__all__ = ["write_report", "render_document", "records_from_file"]
