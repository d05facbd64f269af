"""``llm-extract eval``: run extraction and QA against the gold set and score them."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Callable, Optional

from ..core.config import Settings
from ..core.errors import EvalError
from ..core.types import canonical_report_type

ProgressFn = Callable[[str, int, int], None]


SPLITS = ("dev", "test", "all")


def load_split(gold_dir: Path, split: str = "all") -> Optional[set[str]]:
    """The document stems of ``split`` from ``<gold_dir>/splits.json``; None for ``all``.

    ``dev`` is what rules, prompts, weights and thresholds may be designed on; ``test`` is only
    ever scored.  A gold directory without a splits file has only ``all``.
    """
    if split not in SPLITS:
        raise EvalError(f"unknown split {split!r}", hint="choose " + " | ".join(SPLITS))
    if split == "all":
        return None
    path = Path(gold_dir) / "splits.json"
    if not path.exists():
        raise EvalError(f"no splits file for --split {split}", path=str(path), hint="use --split all")
    data = json.loads(path.read_text(encoding="utf-8"))
    return set(data[split])


def load_gold_qa(gold_dir: Path, docs: Optional[set[str]] = None) -> list[dict]:
    """QA gold items, those about a document of ``docs`` only when given (unanswerable ones by their ``doc``).

    A question a developer saw while designing moves to dev on its own (``qa_moved_to_dev`` in
    ``splits.json``): it is scored with the dev documents, never with its document's test split.
    """
    path = Path(gold_dir) / "gold" / "qa.jsonl"
    if not path.exists():
        raise EvalError("QA gold set not found", path=str(path))
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if docs is not None:
        moved, is_dev = _moved_to_dev(gold_dir, "qa_moved_to_dev", docs)
        items = [it for it in items if (is_dev if it.get("id") in moved else it.get("doc") in docs)]
    return items


def _moved_to_dev(gold_dir: Path, key: str, docs: set[str]) -> tuple[set[str], bool]:
    """The ids ``splits.json`` lists under ``key`` (gold items seen while designing, scored with dev), and
    whether ``docs`` is the dev split."""
    path = Path(gold_dir) / "splits.json"
    splits = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return set((splits.get(key) or {}).get("ids") or []), docs == set(splits.get("dev") or [])


def _record_key(rec: dict) -> tuple:
    return (Path(rec["source"]).name, rec["record_type"], rec["evidence"], rec.get("occurrence", 1))


def _seen_records(gold_dir: Path, docs: Optional[set[str]]) -> dict[tuple, dict]:
    """Gold records of test documents a developer saw while designing (``extraction_moved_to_dev`` in
    ``splits.json``), located in their files: left out of every score but dev's, with the predictions on
    their spans (dev does not score their documents, so they count nowhere)."""
    path = Path(gold_dir) / "splits.json"
    splits = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    listed = (splits.get("extraction_moved_to_dev") or {}).get("records") or []
    if not listed or docs == set(splits.get("dev") or []):
        return {}
    from .metrics import load_gold_extraction

    keys = {_record_key(r) for r in listed}
    sources = {r["source"] for r in listed}
    located = load_gold_extraction(Path(gold_dir) / "gold", _gold_root(gold_dir), sources)
    return {_record_key(g): g for g in located if _record_key(g) in keys}


def _record_covers(gold: dict, pred: dict) -> bool:
    return (pred.get("record_type") == gold["record_type"] and Path(pred.get("source", "")).name == Path(gold["source"]).name
            and min(pred.get("end", 0), gold["end"]) > max(pred.get("start", 0), gold["start"]))


def _gold_root(gold_dir: Path) -> Path:
    return Path(gold_dir).resolve().parent


def _relative(source: str, root: Path) -> str:
    """An indexed or extracted file's path as the gold names it (relative to the checkout holding ``eval/``)."""
    path = Path(source)
    if not path.is_absolute():
        return source
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        raise EvalError(f"{source} is not under {root}: the index was built from another copy of the eval files",
                        hint="run eval with a fresh --index (or LLM_EXTRACT_INDEX) from this checkout") from None


def _kinds_for(backend: str, kinds: list[str]) -> list[str]:
    """The kinds a backend is scored on: the rules only on those they extract."""
    from ..extract.extractor import STRUCTURE_KINDS

    if backend != "rules":
        return kinds
    return [k for k in kinds if k == "indicator" or k in STRUCTURE_KINDS]


def eval_extraction(gold_dir: Path, backends: list[str], settings: Settings, *, llm=None,
                    kinds: Optional[list[str]] = None, progress: Optional[ProgressFn] = None,
                    docs: Optional[set[str]] = None) -> dict:
    """Run each backend over the gold documents (of ``docs`` when given) and score it."""
    from ..extract.bulk import run_extraction, targets_from_paths
    from .metrics import grounding_report, load_gold_extraction, score_extraction

    root = _gold_root(gold_dir)
    files = sorted((Path(gold_dir) / "gold" / "extraction").glob("*.jsonl"))
    if docs is not None:
        files = [f for f in files if f.stem in docs]
    # Indicators are labeled exhaustively in every gold file (a file may rightly hold none);
    # the other kinds only in the files that carry labels of that kind.
    all_sources = sorted({json.loads(line)["source"] for f in files
                          for line in f.read_text(encoding="utf-8").splitlines()[:1] if line.strip()})
    gold = load_gold_extraction(Path(gold_dir) / "gold", root, set(all_sources))
    seen = _seen_records(gold_dir, docs)
    gold = [g for g in gold if _record_key(g) not in seen]
    if not gold:
        raise EvalError("no extraction gold records", path=str(gold_dir))
    work = settings.index_path() / "eval"
    work.mkdir(parents=True, exist_ok=True)
    sources_by_kind: dict[str, set[str]] = {"indicator": set(all_sources)}
    for g in gold:
        sources_by_kind.setdefault(g["record_type"], set()).add(g["source"])
    skipped: list[str] = []
    targets = targets_from_paths([root / s for s in all_sources], settings, skipped)
    texts = {t.doc.source: t.original for t in targets}
    out: dict = {}
    for backend in backends:
        run_kinds = _kinds_for(backend, kinds or sorted(sources_by_kind))
        records: list[dict] = []
        cost = {"prompt_tokens": 0, "completion_tokens": 0, "calls": 0, "seconds": 0.0}
        for kind in run_kinds:
            wanted = {Path(s).name for s in sources_by_kind[kind]}
            kt = [t for t in targets if Path(t.doc.source).name in wanted]
            path = work / f"{backend.replace('+', '_')}-{kind}.jsonl"
            for stale in (path, path.with_name(path.name + ".progress.jsonl")):
                stale.unlink(missing_ok=True)  # scores must come from this run, not a resumed one
            summary = run_extraction(kt, kinds=[kind], out=path, backend=backend, settings=settings, llm=llm,
                                     progress=(lambda d, t, r, k, kind=kind: progress(f"extract {backend} {kind}", d, t))
                                     if progress else None)
            records.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
            for key in ("prompt_tokens", "completion_tokens", "calls"):
                cost[key] += getattr(summary, key)
            cost["seconds"] += summary.seconds
        for r in records:
            r["source"] = _relative(r["source"], root)
        records = [r for r in records if not any(_record_covers(g, r) for g in seen.values())]
        rel_texts = {_relative(s, root): t for s, t in texts.items()}
        score = score_extraction(records, gold, kinds=run_kinds, sources_by_kind=sources_by_kind)
        n_docs = len({t.doc.doc_id for t in targets})
        cost["seconds_per_document"] = round(cost["seconds"] / max(1, n_docs), 2)
        cost["seconds"] = round(cost["seconds"], 2)
        out[backend] = {
            "by_type": score.by_type,
            "grounding": grounding_report(records, lambda s: rel_texts.get(s) or texts[s]),
            "cost": cost,
            "misses": score.misses,
        }
    return out


def eval_qa(gold_dir: Path, settings: Settings, *, llm=None, embedder=None, modes=("hybrid", "bm25", "dense"),
            answer: bool = True, ids: Optional[list[str]] = None, progress: Optional[ProgressFn] = None,
            docs: Optional[set[str]] = None) -> dict:
    from ..index.access import open_retriever
    from .answers import first_relevant_rank, gold_evidence_spans
    from ..index.ingest import ingest

    root = _gold_root(gold_dir)
    split_items = load_gold_qa(gold_dir, docs)
    items = split_items
    if ids:
        items = [it for it in items if it["id"] in set(ids)]
    # The index holds every document of the split (also those only unanswerable questions are about).
    sources = sorted({ev["source"] for it in split_items for ev in it.get("evidence") or [] if isinstance(ev, dict)})
    if not sources:
        raise EvalError("QA gold has no evidence sources", path=str(gold_dir))
    qa_settings = settings.replace(index=settings.index_path() / "eval" / "qa-index")
    ingest([root / s for s in sources], qa_settings, embedder=embedder)
    retriever = open_retriever(qa_settings, embedder=embedder)
    retrieval: dict[str, dict] = {}
    latencies: list[float] = []
    for mode in modes:
        ranks = []
        for it in items:
            if not it["answerable"]:
                continue
            spans = gold_evidence_spans(it, root)
            t0 = time.perf_counter()
            hits = retriever.search(it["question"], k=5, mode=mode)
            latencies.append(time.perf_counter() - t0)
            rows = [{"source": _relative(h.source, root), "start": h.start, "end": h.end} for h in hits]
            ranks.append(first_relevant_rank(rows, spans))
        n = max(1, len(ranks))
        retrieval[mode] = {
            "recall@1": round(sum(1 for r in ranks if r == 1) / n, 4),
            "recall@5": round(sum(1 for r in ranks if r is not None and r <= 5) / n, 4),
            "mrr": round(sum(1 / r for r in ranks if r) / n, 4),
        }
    result: dict = {"retrieval": retrieval, "items": []}
    if not answer:
        return result
    own_llm = llm is None
    if own_llm:
        from ..llm.client import LLMClient

        # One client (one server, warm prompt cache) for every question, not one per ask.
        llm = LLMClient(qa_settings)
    try:
        per_item, tokens = _answer_items(items, root, qa_settings, retriever, llm, progress)
    finally:
        if own_llm:
            llm.close()
    return _qa_scores(result, per_item, tokens, latencies)


def _answer_items(items, root, qa_settings, retriever, llm, progress) -> tuple[list[dict], dict]:
    from .answers import answer_correct, gold_evidence_spans
    from .metrics import original_text
    from ..qa.ask import ask

    per_item = []
    tokens = {"prompt_tokens": 0, "completion_tokens": 0, "seconds": 0.0}
    for n, it in enumerate(items, 1):
        if progress:
            progress("ask", n - 1, len(items))
        t0 = time.perf_counter()
        ans = ask(it["question"], settings=qa_settings, retriever=retriever, llm=llm)
        wall = time.perf_counter() - t0
        for key in tokens:
            tokens[key] += ans.usage.get(key, 0)
        spans = gold_evidence_spans(it, root)
        cites = [{"source": _relative(c.source, root), "start": c.start, "end": c.end, "quote": c.quote}
                 for c in ans.citations]
        valid = [original_text(root, c["source"])[c["start"] : c["end"]] == c["quote"] for c in cites]
        per_item.append({
            "id": it["id"], "question": it["question"], "gold": it.get("answer"), "answer": ans.answer,
            "answerable": it["answerable"], "abstained": ans.abstained, "type": it.get("type"),
            "correct": answer_correct(it, ans.answer, ans.abstained),
            "citations": len(cites), "citations_valid": sum(valid),
            "citation_hits_gold": any(any(max(0, min(c["end"], g["end"]) - max(c["start"], g["start"])) > 0
                                          and c["source"] == g["source"] for g in spans) for c in cites),
            "tokens": ans.usage.get("prompt_tokens", 0) + ans.usage.get("completion_tokens", 0),
            "seconds": round(ans.usage.get("seconds", 0.0), 2),
            "route": ans.route, "wall_seconds": round(wall, 3),
        })
    return per_item, tokens


def _by_route(per_item: list[dict]) -> dict:
    """Questions, accuracy and wall-clock latency (p50/p95, warm: index and model already open) per route."""
    out = {}
    for route in sorted({p.get("route", "model") for p in per_item}):
        rows = [p for p in per_item if p.get("route", "model") == route]
        lat = sorted(p.get("wall_seconds", 0.0) for p in rows)
        out[route] = {"questions": len(rows), "accuracy": round(statistics.fmean(p["correct"] for p in rows), 4),
                      "p50_s": round(lat[len(lat) // 2], 3), "p95_s": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 3)}
    return out


def _qa_scores(result: dict, per_item: list[dict], tokens: dict, latencies: list[float]) -> dict:
    answerable = [p for p in per_item if p["answerable"]]
    abst = [p for p in per_item if p["abstained"]]
    unans = [p for p in per_item if not p["answerable"]]
    n_cites = sum(p["citations"] for p in per_item)
    result.update({
        "answer_accuracy": round(statistics.fmean(p["correct"] for p in per_item), 4) if per_item else 0.0,
        "answerable_accuracy": round(statistics.fmean(p["correct"] for p in answerable), 4) if answerable else 0.0,
        "abstention_precision": round(sum(1 for p in abst if not p["answerable"]) / len(abst), 4) if abst else 0.0,
        "abstention_recall": round(sum(1 for p in unans if p["abstained"]) / len(unans), 4) if unans else 0.0,
        # No citation at all measures nothing: None, so a floor on it fails rather than passes.
        "citation_validity": round(sum(p["citations_valid"] for p in per_item) / n_cites, 4) if n_cites else None,
        "accuracy_by_type": {t: round(statistics.fmean(p["correct"] for p in per_item if p["type"] == t), 4)
                             for t in sorted({p["type"] for p in per_item})},
        "questions": len(per_item),
        "by_route": _by_route(per_item),
        "citation_recall": round(sum(1 for p in answerable if p["citation_hits_gold"]) / len(answerable), 4) if answerable else 0.0,
        "cost": {k: round(v, 2) for k, v in tokens.items()},
        "items": per_item,
    })
    if latencies:
        lat = sorted(latencies)
        result["retrieval_latency_ms"] = {"p50": round(1000 * lat[len(lat) // 2], 2),
                                          "p95": round(1000 * lat[min(len(lat) - 1, int(0.95 * len(lat)))], 2)}
    return result


def eval_documents(gold_dir: Path, settings: Settings, *, docs: Optional[set[str]] = None) -> dict:
    """Document understanding: title, place, level, years and type against ``gold/documents.jsonl``.

    A field the tool does not produce counts as wrong (it is what a user would miss).  A document
    whose metadata gold a developer saw moves to dev for this score alone (``documents_moved_to_dev``
    in ``splits.json``), as a seen question does (:func:`load_gold_qa`).
    """
    from ..extract.bulk import targets_from_paths
    from .metrics import _simp

    path = Path(gold_dir) / "gold" / "documents.jsonl"
    if not path.exists():
        raise EvalError("document metadata gold not found", path=str(path))
    gold = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if docs is not None:
        moved, is_dev = _moved_to_dev(gold_dir, "documents_moved_to_dev", docs)
        gold = [g for g in gold if (is_dev if g["doc"] in moved else g["doc"] in docs)]
    root = _gold_root(gold_dir)
    skipped: list[str] = []
    targets = targets_from_paths([root / g["source"] for g in gold], settings, skipped)
    by_source = {str(Path(t.doc.source).resolve()): t.doc for t in targets}
    fields = ("title", "place", "level", "report_year", "type", "review_years", "plan_years")
    hits = {f: 0 for f in fields}
    items = []
    for g in gold:
        doc = by_source.get(str((root / g["source"]).resolve()))
        got = {
            "title": getattr(doc, "title", "") or "",
            "place": getattr(doc, "place", "") or "",
            "level": getattr(doc, "level", "") or "",
            "report_year": str(getattr(doc, "report_year", "") or ""),
            "type": canonical_report_type(getattr(doc, "report_type", "") or ""),
            "review_years": sorted(str(y) for y in getattr(doc, "review_years", None) or []),
            "plan_years": sorted(str(y) for y in getattr(doc, "plan_years", None) or []),
        }
        ok = {
            "title": bool(got["title"]) and _simp(got["title"]).strip("-—") == _simp(g.get("title")).strip("-—"),
            "place": _simp(got["place"]) == _simp(g.get("place")),
            "level": got["level"] == (g.get("level") or ""),
            "report_year": got["report_year"] == str(g.get("report_year") or ""),
            "type": got["type"] == (g.get("type") or ""),
            "review_years": got["review_years"] == sorted(str(y) for y in g.get("review_years") or []),
            "plan_years": got["plan_years"] == sorted(str(y) for y in g.get("plan_years") or []),
        }
        for f in fields:
            hits[f] += ok[f]
        items.append({"doc": g["doc"], "gold": {f: g.get(f) for f in fields}, "got": got, "ok": ok})
    n = max(1, len(gold))
    return {"documents": len(gold), "accuracy": {f: round(hits[f] / n, 4) for f in fields}, "items": items}


def run_eval(gold_dir: Path | str = "eval", *, only: Optional[str] = None, backends: Optional[list[str]] = None,
             settings: Optional[Settings] = None, llm=None, embedder=None, progress: Optional[ProgressFn] = None,
             split: str = "test") -> dict:
    """Score extraction and QA on the documents of ``split`` (``test`` by default: never designed on)."""
    settings = settings or Settings()
    gold_dir = Path(gold_dir)
    if not (gold_dir / "gold").is_dir():
        raise EvalError("gold set not found (expected <dir>/gold/)", path=str(gold_dir))
    docs = load_split(gold_dir, split)
    result: dict = {"gold": str(gold_dir), "split": split}
    if only in (None, "extraction"):
        result["extraction"] = eval_extraction(gold_dir, backends or ["rules", "llm"], settings, llm=llm,
                                               progress=progress, docs=docs)
    if only in (None, "qa"):
        result["qa"] = eval_qa(gold_dir, settings, llm=llm, embedder=embedder, progress=progress, docs=docs)
    if only in (None, "documents") and (gold_dir / "gold" / "documents.jsonl").exists():
        result["documents"] = eval_documents(gold_dir, settings, docs=docs)
    return result
