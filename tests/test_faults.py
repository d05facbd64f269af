"""Broken input and interrupted runs: every bad file is skipped with a reason, every crash is resumable.

* bad files (empty, binary, corrupt .docx/.pdf, scanned PDF, undecodable,
  mixed encodings, no outline, one line, vanishing mid-run, unreadable) are
  each skipped with one line naming the file while the run goes on, and the
  CLI exits with code 3;
* a model that fails in the middle of a bulk extraction loses nothing: the
  records of finished units are kept (output and checkpoint) and a rerun
  finishes the job without duplicates;
* ``kill -9`` in the middle of ``ingest`` and of ``extract`` (real
  subprocesses, killed at random moments, several times): the next run
  finishes, with no duplicate or orphan chunks in Chroma or the keyword
  index, no duplicate or lost records, and never a corrupt output file;
* two processes ingesting into one index: the second waits, or fails with a
  one-line error, and the index stays consistent.
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from llm_extract.core.config import Settings
from llm_extract.core.errors import LLMConnectionError, LLMError, LLMOutputError
from llm_extract.index.manifest import Manifest
from llm_extract.index.ingest import ingest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_pipeline import BigramEmbedder  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "corpus"
XJ = "004_8f4dc4ad24e9474b.txt"  # 徐泾镇: simplified, line breaks, many figures


# ---------------------------------------------------------------------------
# Index invariants
# ---------------------------------------------------------------------------


def index_state(index: Path, embedder) -> dict:
    """Chunks of Chroma and of the keyword index, and the manifest's complete documents."""
    from llm_extract.index.keyword import KeywordIndex
    from llm_extract.index.store import open_store

    settings = Settings(index=index)
    store = open_store(settings, embedder)
    got = store.collection.get(include=["metadatas"])
    chroma = {cid: (m["doc_id"], m["source"], m["start"], m["end"], m["text"]) for cid, m in zip(got["ids"], got["metadatas"])}
    m = Manifest(index)
    docs = {d["doc_id"]: d for d in m.docs()}
    originals = {s: m.original_text(s) for s in {d["source"] for d in docs.values()}}
    m.close()
    kw = KeywordIndex.open(index / "keyword")
    keyword = {}
    # Chunk ids are "<doc_id>:<ordinal:05d>" with ordinals from 0: walk each document's.
    for doc_id in kw.doc_ids() | set(docs) | {v[0] for v in chroma.values()}:
        i = 0
        while (c := kw.chunk(f"{doc_id}:{i:05d}")) is not None:
            keyword[c.chunk_id] = (c.doc_id, c.source, c.start, c.end, c.text)
            i += 1
    assert len(keyword) == len(kw), "keyword index holds chunks outside the id scheme"
    return {"chroma": chroma, "keyword": keyword, "docs": docs, "originals": originals}


def assert_consistent(state: dict, *, final: bool) -> None:
    """Every complete document is whole in both stores; when ``final``, nothing else is there."""
    for name in ("chroma", "keyword"):
        by_doc = Counter(v[0] for v in state[name].values())
        for doc_id, d in state["docs"].items():
            assert by_doc[doc_id] == d["chunks"], f"{name}: {doc_id} has {by_doc[doc_id]} chunks, manifest {d['chunks']}"
        if final:
            orphans = set(by_doc) - set(state["docs"])
            assert not orphans, f"{name} holds chunks of documents not in the manifest: {sorted(orphans)[:5]}"
        # No chunk twice: the same span of the same document under two ids.
        spans = Counter((v[0], v[2], v[3]) for v in state[name].values())
        assert max(spans.values(), default=1) == 1, f"{name}: duplicate chunks"
        for doc_id, source, start, end, text in state[name].values():
            if doc_id in state["docs"]:
                assert state["originals"][source][start:end] == text
    if final:
        assert state["chroma"] == state["keyword"]


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


def _docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    doc = docx.Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _scanned_pdf() -> bytes:
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _text_pdf() -> bytes:
    from test_loading import _minimal_pdf

    return _minimal_pdf("Xujing GDP grew 8 percent in 2013, fiscal revenue 3 billion yuan.")


def make_bad_folder(folder: Path) -> dict[str, str]:
    """Write good and bad files; returns {file name: fragment the skip reason must contain} for the bad ones."""
    folder.mkdir(parents=True, exist_ok=True)
    xj = (CORPUS / XJ).read_text(encoding="utf-8")
    cut = xj.index("\n", 3000) + 1
    bad = {
        "empty.txt": "empty file",
        "blank.md": "no text",
        "random.txt": "binary",
        "photo.txt": "PNG",
        "truncated.docx": "corrupt .docx",
        "truncated.pdf": "corrupt .pdf",
        "scanned.pdf": "OCR",
        "undecodable.txt": "encoding",
        "only_chrome.txt": "no report text",
        "vanishes.txt": "not found",
        "locked.txt": "permission denied",
    }
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_bytes(b" \r\n\t\n\xe3\x80\x80\n")
    (folder / "random.txt").write_bytes(random.Random(1).randbytes(20_000))
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + random.Random(2).randbytes(500))
    good_docx = _docx_bytes(["徐泾镇2013年工作总结", "一、经济运行", "全镇实现地区生产总值80.43亿元，同比增长0.25%。"])
    (folder / "truncated.docx").write_bytes(good_docx[: len(good_docx) // 2])
    pdf = _text_pdf()
    (folder / "truncated.pdf").write_bytes(pdf[: len(pdf) // 2])
    (folder / "scanned.pdf").write_bytes(_scanned_pdf())
    (folder / "undecodable.txt").write_bytes(bytes(range(0x80, 0x100)) * 50)
    (folder / "only_chrome.txt").write_text("当前位置：首页 > 工作总结\n发布时间：2022-02-03 10:17\n相关文章\n", encoding="utf-8")
    (folder / "vanishes.txt").write_text("一、这个文件在运行中被删除。\n" * 5, encoding="utf-8")
    (folder / "locked.txt").write_text("一、没有读权限的文件。\n" * 5, encoding="utf-8")
    # Good, if odd, files: all must be indexed with exact offsets.
    (folder / "good.docx").write_bytes(good_docx)
    (folder / "good.pdf").write_bytes(pdf)
    (folder / "mixed_encodings.txt").write_bytes(xj[:cut].encode("utf-8") + xj[cut:].encode("gb18030"))
    (folder / "gbk.txt").write_bytes(xj.encode("gb18030"))
    (folder / "no_outline.txt").write_text("今年全镇经济运行平稳，财政收入3亿元，同比增长5%。" * 40, encoding="utf-8")
    (folder / "one_line.txt").write_text(xj.replace("\r", "").replace("\n", ""), encoding="utf-8")
    (folder / "one_char.txt").write_text("好", encoding="utf-8")
    return bad


GOOD = {"good.docx", "good.pdf", "mixed_encodings.txt", "gbk.txt", "no_outline.txt", "one_line.txt", "one_char.txt"}


@pytest.fixture()
def bad_folder(tmp_path, monkeypatch):
    """The folder, with locked.txt unreadable (chmod, or a denied open() when running as root)."""
    from llm_extract.text import loading

    folder = tmp_path / "reports"
    bad = make_bad_folder(folder)
    locked = folder / "locked.txt"
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads anything: deny the open() the loader makes for this one file
        real_open = open

        def guarded(file, *a, **kw):
            if Path(file) == locked:
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *a, **kw)

        monkeypatch.setattr(loading, "open", guarded, raising=False)
    yield folder, bad
    locked.chmod(0o644)


def _vanish_on_progress(folder: Path):
    """A progress callback that deletes vanishes.txt while the run is under way."""
    def progress(event, done, total, detail):
        if event == "file" and done == 2 and (folder / "vanishes.txt").exists():
            (folder / "vanishes.txt").unlink()
    return progress


def test_every_bad_file_is_skipped_with_one_line_naming_it_and_the_run_goes_on(bad_folder, tmp_path, capfd):
    folder, bad = bad_folder
    settings = Settings(index=tmp_path / "index")
    emb = BigramEmbedder()
    summary = ingest([folder], settings, embedder=emb, progress=_vanish_on_progress(folder))
    reasons = {Path(s.source).name: s.reason for s in summary.skipped}
    assert set(reasons) == set(bad), reasons
    for name, fragment in bad.items():
        line = reasons[name]
        assert "\n" not in line and name in line, line
        assert fragment.lower() in line.lower(), (name, line)
    assert summary.files_indexed == len(GOOD)
    # Libraries must not add their own lines (pypdf's "EOF marker not found" …) to stderr.
    err = capfd.readouterr().err
    assert "EOF marker" not in err and "Traceback" not in err, err
    state = index_state(settings.index_path(), emb)
    assert {Path(d["source"]).name for d in state["docs"].values()} == GOOD
    assert_consistent(state, final=True)
    xj = (CORPUS / XJ).read_text(encoding="utf-8")
    m = Manifest(settings.index_path())
    mixed = [s for s in m.sources() if s.endswith("mixed_encodings.txt")][0]
    assert m.original_text(mixed) == xj and m.file_row(mixed)["encoding"].startswith("mixed:")
    m.close()


def test_utf8_lines_mixed_with_garbage_are_not_taken_for_mixed_encodings():
    from llm_extract.core.errors import DecodeError
    from llm_extract.text.loading import decode_bytes

    rng = random.Random(3)
    for _ in range(50):
        lines = [
            "全镇实现地区生产总值80.43亿元。\n".encode() if rng.random() < 0.5
            else bytes(rng.randrange(0x80, 0x100) for _ in range(rng.randrange(4, 60))) + b"\n"
            for _ in range(20)
        ]
        with pytest.raises(DecodeError):
            decode_bytes(b"".join(lines), path="junk.txt")


def test_cli_exits_3_when_files_were_skipped(bad_folder, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import llm_extract.index.embedding
    from llm_extract.cli import app

    folder, bad = bad_folder
    monkeypatch.setattr(llm_extract.index.embedding, "get_embedder", lambda settings=None, **kw: BigramEmbedder())
    result = CliRunner().invoke(app, ["ingest", str(folder), "--index", str(tmp_path / "index"), "--json"])
    assert result.exit_code == 3, result.output
    summary = json.loads(result.stdout)
    assert summary["files_indexed"] == len(GOOD) + 1  # vanishes.txt is still there: good this time
    skipped_lines = [ln for ln in result.stderr.splitlines() if ln.startswith("skipped: ")]
    assert len(skipped_lines) == len(bad) - 1
    for name in set(bad) - {"vanishes.txt"}:
        assert sum(name in ln for ln in skipped_lines) == 1, name


def test_a_folder_that_disappears_mid_run_is_skipped(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        d.mkdir()
        shutil.copy(CORPUS / XJ, d / XJ)

    def progress(event, done, total, detail):
        if event == "file" and done == 1 and b.exists():
            shutil.rmtree(b)

    s = ingest([a, b], Settings(index=tmp_path / "index"), embedder=BigramEmbedder(), progress=progress)
    assert s.files_indexed == 1 and len(s.skipped) == 1 and "not found" in s.skipped[0].reason


def test_an_unusable_index_path_is_a_one_line_error(tmp_path):
    from llm_extract.core.errors import IndexStoreError

    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(IndexStoreError) as info:
        ingest([CORPUS / XJ], Settings(index=blocker / "index"), embedder=BigramEmbedder())
    assert "not-a-dir" in info.value.one_line()


# ---------------------------------------------------------------------------
# The model fails in the middle of a bulk extraction
# ---------------------------------------------------------------------------


class FlakyLLM:
    """Answers with no items (rules supply the records) and dies for good after ``ok_calls`` calls."""

    def __init__(self, ok_calls: int | None = None, error: Exception | None = None, junk_every: int = 0):
        self.ok_calls = ok_calls
        self.error = error or LLMConnectionError("connection refused", hint="is the server running?")
        self.junk_every = junk_every
        self.calls = 0
        self.calls_after_failure = 0

    def structured(self, model, messages, *, template_version, max_retries=None):
        self.calls += 1
        if self.ok_calls is not None and self.calls > self.ok_calls:
            if self.calls > self.ok_calls + 1:
                self.calls_after_failure += 1
            raise self.error
        if self.junk_every and self.calls % self.junk_every == 0:
            raise LLMOutputError("model output invalid JSON", attempts=3, last_output="{not json")
        return model(items=[]), type("U", (), {"prompt_tokens": 10, "completion_tokens": 2, "seconds": 0.0})()

    def close(self):
        pass


def _targets(tmp_path, copies: int = 2):
    from llm_extract.extract.bulk import targets_from_paths

    folder = tmp_path / "src"
    for i in range(copies):
        shutil.copytree(CORPUS, folder / f"c{i}")
    skipped: list[str] = []
    targets = targets_from_paths([folder], Settings(index=tmp_path / "none"), skipped)
    assert not skipped
    return targets


def _jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def test_records_already_produced_are_kept_when_the_model_dies_mid_run(tmp_path):
    from llm_extract.extract.bulk import run_extraction

    targets = _targets(tmp_path)
    settings = Settings(index=tmp_path / "none", concurrency=2)
    ref_out = tmp_path / "ref.jsonl"
    run_extraction(targets, kinds=["indicator"], out=ref_out, backend="rules+llm", settings=settings, llm=FlakyLLM())
    reference = _jsonl(ref_out)
    assert len(reference) > 50

    out = tmp_path / "records.jsonl"
    dying = FlakyLLM(ok_calls=20)
    with pytest.raises(LLMError) as info:
        run_extraction(targets, kinds=["indicator"], out=out, backend="rules+llm", settings=settings, llm=dying)
    # It stops at once: queued units are cancelled, not each sent to a dead server.
    assert dying.calls_after_failure <= settings.extract.concurrency
    line = info.value.one_line()
    assert "connection refused" in line and "run the same command again" in line and "\n" not in line
    # The output is only ever written whole; the finished units' records are kept in the log.
    assert not out.exists()
    progress = out.with_name(out.name + ".progress.jsonl")
    finished = [json.loads(x) for x in progress.read_text(encoding="utf-8").splitlines()]
    kept = [r for e in finished for r in e["records"]]
    assert finished and kept and all(r in reference for r in kept)
    assert f"{len(finished)}/" in line

    healthy = FlakyLLM()
    summary = run_extraction(targets, kinds=["indicator"], out=out, backend="rules+llm", settings=settings, llm=healthy)
    assert summary.units_resumed == len(finished)
    final = _jsonl(out)
    assert final == reference  # same records, same order, none twice, none lost


def test_junk_model_output_drops_a_batch_and_the_run_goes_on(tmp_path):
    from llm_extract.extract.bulk import run_extraction

    targets = _targets(tmp_path, copies=1)
    out = tmp_path / "records.jsonl"
    summary = run_extraction(targets, kinds=["indicator"], out=out, backend="rules+llm",
                             settings=Settings(index=tmp_path / "none"), llm=FlakyLLM(junk_every=3))
    assert summary.dropped.get("model output invalid", 0) > 0
    assert summary.records.get("indicator", 0) > 0 and len(_jsonl(out)) == summary.records["indicator"]


# ---------------------------------------------------------------------------
# kill -9 in the middle of extract
# ---------------------------------------------------------------------------


def _cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "llm_extract.cli", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, **(env or {})}, start_new_session=True)


def _kill9(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)


def _count_lines(path: Path) -> int:
    try:
        with open(path, "rb") as fh:
            return sum(1 for _ in fh)
    except FileNotFoundError:
        return 0


def test_kill_9_during_extract_then_rerun_loses_and_duplicates_nothing(tmp_path):
    from llm_extract.extract.bulk import run_extraction, targets_from_paths

    src = tmp_path / "c40"
    for i in range(40):
        shutil.copytree(CORPUS, src / f"c{i:02d}")
    # Reference: one copy extracted in process; every copy must yield exactly its records.
    ref_out = tmp_path / "ref.jsonl"
    one = targets_from_paths([src / "c00"], Settings(index=tmp_path / "none"), [])
    run_extraction(one, kinds=["indicator"], out=ref_out, backend="rules", settings=Settings(index=tmp_path / "none"))
    ref = Counter((Path(r["source"]).name, json.dumps({k: v for k, v in r.items() if k not in ("doc_id", "source")},
                                                     sort_keys=True, ensure_ascii=False)) for r in _jsonl(ref_out))
    assert sum(ref.values()) > 30

    out = tmp_path / "out" / "records.jsonl"
    progress = out.with_name(out.name + ".progress.jsonl")
    args = ("extract", str(src), "--backend", "rules", "--out", str(out), "--json")
    rng = random.Random(8)
    kills = 0
    for round_ in range(3):
        proc = _cli(*args, cwd=tmp_path)
        before = _count_lines(progress)
        deadline = time.monotonic() + 120
        # Wait until this run has finished some units, then kill it at a random moment.
        while proc.poll() is None and _count_lines(progress) < before + 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 2.0))
        if proc.poll() is None:
            _kill9(proc)
            kills += 1
        else:
            proc.communicate()
        if out.exists():  # the output is replaced whole, never half-written
            _jsonl(out)
    assert kills >= 2, "the run finished before it could be killed: make the corpus bigger"
    proc = _cli(*args, cwd=tmp_path)
    stdout, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, stderr.decode()[-2000:]
    summary = json.loads(stdout)
    assert summary["units_resumed"] > 0 and summary["documents"] == 40 * 7
    records = _jsonl(out)
    assert len(records) == 40 * sum(ref.values())
    per_copy: dict[str, Counter] = {}
    for r in records:
        rel = Path(r["source"]).resolve().relative_to(src.resolve())
        body = json.dumps({k: v for k, v in r.items() if k not in ("doc_id", "source")}, sort_keys=True, ensure_ascii=False)
        per_copy.setdefault(rel.parts[0], Counter())[(rel.parts[-1], body)] += 1
    assert len(per_copy) == 40 and all(c == ref for c in per_copy.values())
    assert not [p.name for p in out.parent.iterdir() if ".tmp" in p.name], "temporary files left behind"


# ---------------------------------------------------------------------------
# kill -9 in the middle of ingest
# ---------------------------------------------------------------------------

INGEST_DRIVER = r"""
import sys, time
sys.path.insert(0, sys.argv[3])
from test_pipeline import BigramEmbedder
from llm_extract.core.config import Settings
from llm_extract.index.ingest import ingest


class SlowEmbedder(BigramEmbedder):
    # A real model takes time per text; this keeps the run long enough to be interrupted.
    def embed(self, texts):
        time.sleep(float(sys.argv[4]) * len(texts))
        return super().embed(texts)


def progress(event, done, total, detail):
    if event == "file":
        print(f"file {done}/{total}", flush=True)


s = ingest([sys.argv[1]], Settings(index=sys.argv[2], embed_batch_size=2), embedder=SlowEmbedder(), progress=progress)
print("done", s.files_indexed, s.files_unchanged, len(s.skipped), flush=True)
"""


def _ingest_proc(src: Path, index: Path, tmp_path: Path, delay: float) -> subprocess.Popen:
    driver = tmp_path / "ingest_driver.py"
    driver.write_text(INGEST_DRIVER, encoding="utf-8")
    return subprocess.Popen([sys.executable, str(driver), str(src), str(index), str(Path(__file__).parent), str(delay)],  # s/chunk
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, text=True)


def _chunk_set(state: dict) -> set:
    return {(v[0], Path(v[1]).name, v[2], v[3]) for v in state["chroma"].values()}


def test_kill_9_during_ingest_then_rerun_leaves_a_consistent_index(tmp_path):
    src = tmp_path / "src"
    for i in range(6):
        shutil.copytree(CORPUS, src / f"c{i}")
    emb = BigramEmbedder()
    ref_index = tmp_path / "ref"
    ingest([src], Settings(index=ref_index), embedder=emb)
    reference = index_state(ref_index, emb)

    index = tmp_path / "index"
    rng = random.Random(5)
    kills, midway = 0, 0
    for round_ in range(4):
        proc = _ingest_proc(src, index, tmp_path, delay=0.005)
        # Kill after a random number of files, a random moment into the next one.
        target = rng.randint(1, 29)
        while (line := proc.stdout.readline()) and line != f"file {target}/30\n":
            pass
        time.sleep(rng.uniform(0.0, 0.5))
        if proc.poll() is None:
            _kill9(proc)
            kills += 1
        else:
            out, err = proc.communicate()
            assert proc.returncode == 0, err[-2000:]
        if (index / "manifest.sqlite").exists():
            # Whatever the moment of the kill, the index opens and what it calls complete is whole.
            state = index_state(index, emb)
            assert_consistent(state, final=False)
            midway += 0 < len(state["docs"]) < len(reference["docs"]) or len(state["chroma"]) > sum(
                d["chunks"] for d in state["docs"].values())
    assert kills >= 2 and midway >= 1, (kills, midway)
    proc = _ingest_proc(src, index, tmp_path, delay=0.0)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-2000:]
    state = index_state(index, emb)
    assert_consistent(state, final=True)
    assert _chunk_set(state) == _chunk_set(reference)
    assert set(state["docs"]) == set(reference["docs"])


class _CrashOnSecondCall(BigramEmbedder):
    """Raises (like a kill) on the second embed call: the first batch is in Chroma, nothing is flushed yet."""

    calls = 0

    def embed(self, texts):
        self.calls += 1
        if self.calls == 2:
            raise KeyboardInterrupt
        return super().embed(texts)


def test_chunks_of_a_file_that_vanished_after_a_crash_do_not_stay_behind(tmp_path):
    src = tmp_path / "src"
    for i in range(6):
        shutil.copytree(CORPUS, src / f"c{i}")
    settings = Settings(index=tmp_path / "index")
    with pytest.raises(KeyboardInterrupt):
        ingest([src], settings, embedder=_CrashOnSecondCall())
    # The file being embedded when the run died is gone before the next run.
    emb = BigramEmbedder()
    partial = index_state(settings.index_path(), emb)
    half_done = {Path(v[1]) for v in partial["chroma"].values()}
    assert half_done, "the crash should leave chunks of an unfinished file"
    for p in half_done:
        p.unlink()
    ingest([src], settings, embedder=emb)
    state = index_state(settings.index_path(), emb)
    assert_consistent(state, final=True)
    assert not {Path(v[1]) for v in state["chroma"].values()} & half_done


# ---------------------------------------------------------------------------
# Two writers
# ---------------------------------------------------------------------------


def test_a_second_ingest_into_a_locked_index_fails_with_one_line_and_corrupts_nothing(tmp_path):
    src = tmp_path / "src"
    for i in range(3):
        shutil.copytree(CORPUS, src / f"c{i}")
    index = tmp_path / "index"
    first = _ingest_proc(src, index, tmp_path, delay=0.05)  # holds the lock for longer than the 10 s wait
    try:
        deadline = time.monotonic() + 60
        while not (index / ".lock").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)
        assert first.poll() is None, first.communicate()[1][-2000:]
        second = subprocess.run([sys.executable, "-m", "llm_extract.cli", "ingest", str(CORPUS), "--index", str(index)],
                                cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert first.poll() is None, f"the first ingest finished before the second gave up: {second}"
    finally:
        out, err = first.communicate(timeout=600)
    assert first.returncode == 0, err[-2000:]
    assert second.returncode == 4, second.stderr
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and "locked" in lines[0] and str(index) in lines[0]
    emb = BigramEmbedder()
    state = index_state(index, emb)
    assert_consistent(state, final=True)
    assert len(state["docs"]) == 3 * 7


def test_a_second_ingest_waits_for_a_short_one(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(CORPUS, src)
    index = tmp_path / "index"
    procs = [_ingest_proc(src, index, tmp_path, delay=0.0) for _ in range(2)]
    results = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [r[1][-1500:] for r in results]
    done = sorted(tuple(int(x) for x in r[0].strip().splitlines()[-1].split()[1:]) for r in results)
    assert done == [(0, 5, 0), (5, 0, 0)]  # one indexed everything, the other found it all unchanged
    assert_consistent(index_state(index, BigramEmbedder()), final=True)


def test_same_file_name_in_two_folders_keeps_both_multi_report_files(tmp_path):
    # 003 holds three reports (ids <stem>-p1…p3): a second folder's copy must not overwrite them.
    for d in ("2022", "2023"):
        (tmp_path / "src" / d).mkdir(parents=True)
        shutil.copy(CORPUS / "003_382408bda239f675.txt", tmp_path / "src" / d)
    settings = Settings(index=tmp_path / "index")
    emb = BigramEmbedder()
    s = ingest([tmp_path / "src"], settings, embedder=emb)
    assert s.documents == 6
    state = index_state(settings.index_path(), emb)
    assert len(state["docs"]) == 6 and len({d["source"] for d in state["docs"].values()}) == 2
    assert_consistent(state, final=True)
    assert ingest([tmp_path / "src"], settings, embedder=emb).files_unchanged == 2
