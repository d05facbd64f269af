"""``llm-extract report``: one self-contained HTML page per run of records.

At the top an overview links to each document.  Each document has a header (title, place, year,
type, counts by kind), its text with every record's span highlighted and every figure no record
covers underlined, a side list with one readable line per record
(``地区生产总值 · 2016 · actual · 303.6亿元 · +7.2%``) and its raw fields on demand, and a list of
the sentences whose figures no record covers, so a reviewer sees the misses.

Every piece of document text and every record field goes through ``html.escape``: a report must
never run what a document or a model wrote.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable, Optional

from .coverage import Uncovered, uncovered_figures
from .documents import DocInfo
from .figures import record_line

COLORS = {"indicator": "#fff3b0", "project": "#c8e6ff", "problem": "#ffd6d6", "task": "#d6f5d6"}
SHOWN_FIELDS = ("metric", "metric_raw", "period", "kind", "value", "unit", "value_base", "yoy_pct", "yoy_basis",
                "qualifier", "placeholder", "name", "investment_value", "investment_unit", "status", "problem",
                "category", "task", "deadline", "section", "grounding", "prompt_version", "doc_id", "source")

CSS = """
body{font-family:"Noto Sans CJK SC","PingFang SC",sans-serif;margin:0}
header{padding:8px 16px;background:#333;color:#fff}
nav{padding:8px 16px;font-size:14px}
nav table{border-collapse:collapse}nav td,nav th{padding:2px 10px;border-bottom:1px solid #ddd;text-align:left}
.docwrap{border-top:3px solid #666;margin-top:12px}
.dochead{padding:8px 16px;background:#f0f0f0}.dochead h2{margin:0 0 4px;font-size:18px}
.meta{font-size:13px;color:#444}
.doc{display:flex}
.text{flex:3;white-space:pre-wrap;padding:12px 16px;line-height:1.7;max-height:80vh;overflow:auto}
.side{flex:2;padding:12px;background:#fafafa;max-height:80vh;overflow:auto;font-size:13px}
mark{border-radius:2px;padding:0 1px;cursor:help}
.miss{text-decoration:underline wavy #c00}
.rec{border:1px solid #ddd;border-radius:4px;margin:0 0 6px;padding:4px 6px;background:#fff}
.rec summary{cursor:pointer;color:#666;font-size:12px}
.rec b{display:inline-block;min-width:110px;margin-right:6px;color:#555}
.misses{padding:8px 16px;font-size:14px}.misses li{margin:3px 0}
"""


def _fields(rec: dict) -> str:
    rows = []
    for k in SHOWN_FIELDS:
        if k in rec and rec[k] not in (None, ""):
            rows.append(f"<div><b>{html.escape(k)}</b>{html.escape(str(rec[k]))}</div>")
    return "".join(rows)


def _drawable(rec: dict, a: int, b: int) -> bool:
    """A span inside ``[a, b)``; a records file edited by hand may hold anything in start/end."""
    s, e = rec.get("start"), rec.get("end")
    ok = isinstance(s, int) and isinstance(e, int) and not isinstance(s, bool) and not isinstance(e, bool)
    return ok and a <= s < e <= b


def _marked_text(original: str, a: int, b: int, recs: list[dict], prefix: str, misses: list[Uncovered]) -> str:
    """``original[a:b]`` cut at every span boundary: record spans in <mark>, uncovered figures underlined."""
    figures = [f for u in misses for f in u.figures]
    cuts = sorted({a, b, *[r["start"] for r in recs], *[r["end"] for r in recs], *[x for f in figures for x in f]})
    pieces = []
    for x, y in zip(cuts, cuts[1:]):
        covering = [i for i, r in enumerate(recs) if r["start"] <= x and y <= r["end"]]
        text = html.escape(original[x:y])
        if covering:
            r = recs[covering[0]]
            color = COLORS.get(r.get("record_type", ""), "#eee")
            tip = html.escape(" || ".join(record_line(recs[i]) for i in covering), quote=True)
            ids = " ".join(f"{prefix}r{i}" for i in covering)
            pieces.append(f'<mark style="background:{color}" title="{tip}" data-recs="{ids}">{text}</mark>')
        elif any(fa <= x and y <= fb for fa, fb in figures):
            pieces.append(f'<span class="miss" title="no record covers this figure">{text}</span>')
        else:
            pieces.append(text)
    return "".join(pieces)


def _record_item(rec: dict, rid: str, drawn: bool) -> str:
    color = COLORS.get(str(rec.get("record_type", "")), "#eee")
    where = f"{rec['start']}–{rec['end']}" if drawn else "span outside the text: not drawn"
    return (f'<div class="rec" id="{rid}" style="border-left:6px solid {color}">'
            f"{html.escape(record_line(rec) or str(rec.get('record_type', '')))}"
            f"<details><summary>fields</summary><div><b>type</b>{html.escape(str(rec.get('record_type', '')))}</div>"
            f"{_fields(rec)}<div><b>span</b>{html.escape(where)}</div>"
            f"<div><b>evidence</b>{html.escape(str(rec.get('evidence', '')))}</div></details></div>")


def _counts(records: list[dict]) -> str:
    """``12 records: indicator 9 (actual 6, target 3) · task 3``."""
    types = Counter(str(r.get("record_type", "")) for r in records)
    kinds = Counter(str(r.get("kind") or "actual") for r in records if r.get("record_type") == "indicator")
    parts = []
    for t, n in types.most_common():
        extra = f" ({', '.join(f'{k} {m}' for k, m in kinds.most_common())})" if t == "indicator" and kinds else ""
        parts.append(f"{t} {n}{extra}")
    return f"{len(records)} records: " + " · ".join(parts)


def _doc_meta(info: Optional[DocInfo], source: str) -> list[str]:
    if info is None:
        return [f"source {source}"]
    fields = [("place", info.place), ("year", info.report_year), ("type", info.report_type), ("level", info.level)]
    return [f"{k} {v}" for k, v in fields if v] + [f"source {source}:{info.start}-{info.end}"]


def render_document(source: str, original: str, records: list[dict], *, info: Optional[DocInfo] = None,
                    anchor: str = "doc-1") -> tuple[str, int]:
    """HTML for one document and the number of sentences holding figures no record covers."""
    a, b = (info.start, info.end) if info is not None and 0 <= info.start < info.end <= len(original) else (0, len(original))
    drawn = sorted((r for r in records if _drawable(r, a, b)), key=lambda r: (r["start"], r["end"]))
    misses = uncovered_figures(original, a, b, [(r["start"], r["end"]) for r in drawn])
    prefix = f"{anchor}-"
    side = [_record_item(r, f"{prefix}r{i}", True) for i, r in enumerate(drawn)]
    side += [_record_item(r, f"{prefix}x{i}", False) for i, r in enumerate(x for x in records if not _drawable(x, a, b))]
    title = (info.title if info is not None and info.title else "") or source
    miss_items = "".join(
        f"<li>{_marked_text(original, u.start, u.end, [], prefix, [u])} <small>({u.start}–{u.end})</small></li>"
        for u in misses)
    page = (
        f'<section class="docwrap" id="{anchor}"><div class="dochead"><h2>{html.escape(title)}</h2>'
        f'<div class="meta">{html.escape(" · ".join(_doc_meta(info, source)))}</div>'
        f'<div class="meta">{html.escape(_counts(records))}; {len(misses)} sentences with figures no record covers</div>'
        f'</div><div class="doc"><div class="text">{_marked_text(original, a, b, drawn, prefix, misses)}</div>'
        f'<div class="side"><h3>{len(records)} records</h3>{"".join(side)}</div></div>'
        f'<details class="misses" open><summary>{len(misses)} sentences hold figures that no record covers</summary>'
        f"<ol>{miss_items}</ol></details></section>"
    )
    return page, len(misses)


def _group(records: list[dict], documents: dict[str, DocInfo]) -> list[tuple[str, Optional[DocInfo], list[dict]]]:
    """Records by document (by file where the document is unknown), in file and offset order."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in records:
        doc_id = str(r.get("doc_id") or "")
        info = documents.get(doc_id)
        groups[(doc_id if info else "", info.source if info else str(r.get("source", "")))].append(r)
    out = [(source, documents.get(doc_id) if doc_id else None, recs) for (doc_id, source), recs in groups.items()]
    return sorted(out, key=lambda g: (g[0], g[1].start if g[1] else -1))


def _overview(rows: list[tuple[str, str, Optional[DocInfo], int, int]]) -> str:
    cells = []
    for anchor, title, info, n, misses in rows:
        meta = [info.place, str(info.report_year or ""), info.report_type] if info else ["", "", ""]
        cells.append(f'<tr><td><a href="#{anchor}">{html.escape(title)}</a></td>'
                     + "".join(f"<td>{html.escape(m)}</td>" for m in meta) + f"<td>{n}</td><td>{misses}</td></tr>")
    return ("<nav><table><tr><th>document</th><th>place</th><th>year</th><th>type</th><th>records</th>"
            f"<th>sentences with uncovered figures</th></tr>{''.join(cells)}</table></nav>")


def write_report(records: list[dict], out: Path, read_original: Callable[[str], str], *, title: str = "llm-extract records",
                 documents: Optional[dict[str, DocInfo]] = None) -> int:
    """Write the page; returns the number of documents shown. No script, no external resource.

    ``documents`` (:func:`.documents.describe_documents`) gives each document its header and its
    range of the file; without it each file is shown whole under its path.
    """
    groups = _group(records, documents or {})
    originals: dict[str, str] = {}
    sections, rows = [], []
    for i, (source, info, recs) in enumerate(groups, 1):
        if source not in originals:
            originals[source] = read_original(source)
        anchor = f"doc-{i}"
        page, misses = render_document(source, originals[source], recs, info=info, anchor=anchor)
        sections.append(page)
        rows.append((anchor, (info.title if info and info.title else "") or source, info, len(recs), misses))
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>",
        f"<header>{html.escape(title)}: {len(records)} records in {len(groups)} documents</header>",
        _overview(rows), *sections, "</body></html>",
    ]
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text("\n".join(parts), encoding="utf-8")
    tmp.replace(out)
    return len(groups)


def records_from_file(path: Path) -> list[dict]:
    from .table import read_records

    return read_records(path)


__all__ = ["write_report", "render_document", "records_from_file"]
