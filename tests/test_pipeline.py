"""Ingest pipeline over the real sample corpus, with a fast deterministic embedder.

The real embedder is exercised end to end in tests/test_cli.py; here the
embedder is a fake so the offset and idempotence properties run quickly.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from llm_extract.core.config import Settings
from llm_extract.index.manifest import Manifest
from llm_extract.index.doc_ids import make_doc_id
from llm_extract.index.ingest import ingest

from fakes import BigramEmbedder  # noqa: F401  (also imported from here by other test modules)

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"


@pytest.fixture()
def corpus(tmp_path):
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS, dst)
    return dst


@pytest.fixture()
def settings(tmp_path):
    return Settings(index=tmp_path / "index")


def _chunks_of(settings, embedder):
    from llm_extract.index.store import open_store

    store = open_store(settings, embedder)
    m = Manifest(settings.index_path())
    out = []
    for d in m.docs():
        out.extend(store.get(store.doc_chunk_ids(d["doc_id"])))
    m.close()
    return out


def test_every_chunk_points_into_the_original(corpus, settings):
    from llm_extract.text.normalize import has_gloss

    emb = BigramEmbedder()
    summary = ingest([corpus], settings, embedder=emb)
    assert summary.files_indexed == 5 and not summary.skipped
    # 003 holds three reports, the others one each.
    assert summary.documents == 7
    m = Manifest(settings.index_path())
    texts = {s: m.original_text(s) for s in m.sources()}
    for s, t in texts.items():
        assert t == (Path(s).read_bytes().decode("utf-8"))
    m.close()
    hits = _chunks_of(settings, emb)
    assert len(hits) == summary.chunks > 50
    for h in hits:
        assert texts[h.source][h.start : h.end] == h.text
        assert not has_gloss(h.search_text), h.search_text[:80]


def test_reingest_is_idempotent_and_replaces_changed_files(corpus, settings):
    emb = BigramEmbedder()
    first = ingest([corpus], settings, embedder=emb)
    again = ingest([corpus], settings, embedder=emb)
    assert again.files_unchanged == 5 and again.files_indexed == 0
    assert len(_chunks_of(settings, emb)) == first.chunks

    target = corpus / "004_8f4dc4ad24e9474b.txt"
    target.write_text("徐泾镇2014年工作安排\n一、总体目标\n实现地区生产总值90亿元，同比增长5%。\n", encoding="utf-8")
    third = ingest([corpus], settings, embedder=emb)
    assert third.files_indexed == 1 and third.files_unchanged == 4
    chunks = _chunks_of(settings, emb)
    mine = [c for c in chunks if c.source.endswith("004_8f4dc4ad24e9474b.txt")]
    assert mine and all("90亿元" in c.text or "2014" in c.text or "总体目标" in c.text for c in mine)
    assert not any("80.43" in c.text for c in chunks)


def test_prune_drops_files_gone_from_disk(corpus, settings):
    emb = BigramEmbedder()
    ingest([corpus], settings, embedder=emb)
    (corpus / "001_a5468e0cb521a9da.txt").unlink()
    s = ingest([corpus], settings, embedder=emb, prune=True)
    assert s.files_pruned == 1
    assert not any(c.source.endswith("001_a5468e0cb521a9da.txt") for c in _chunks_of(settings, emb))


def test_bad_files_are_skipped_with_a_reason_and_the_run_goes_on(tmp_path, settings):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 20)
    shutil.copy(CORPUS / "004_8f4dc4ad24e9474b.txt", folder / "good.txt")
    s = ingest([folder], settings, embedder=BigramEmbedder())
    assert s.files_indexed == 1
    reasons = {Path(x.source).name: x.reason for x in s.skipped}
    assert set(reasons) == {"empty.txt", "binary.txt"}
    assert all("\n" not in r and "txt" in r for r in reasons.values())


def test_doc_ids_are_safe_and_unique():
    taken: set[str] = set()
    a = make_doc_id("a/../../etc/passwd.txt", taken)
    assert "/" not in a and ".." not in a
    taken.add(a)
    b = make_doc_id("b/passwd.txt", taken)
    assert b != a and "/" not in b


def test_a_file_named_twice_is_indexed_once(corpus, settings, monkeypatch):
    one = sorted(corpus.glob("*.txt"))[1]
    monkeypatch.chdir(corpus)
    summary = ingest([one, corpus, Path(".") / one.name], settings, embedder=BigramEmbedder())
    assert summary.files_seen == 5
    assert summary.files_indexed == 5 and summary.documents == 7


def test_extraction_targets_name_a_file_once(corpus, settings):
    from llm_extract.extract.bulk import targets_from_paths

    one = sorted(corpus.glob("*.txt"))[0]
    targets = targets_from_paths([one, corpus, corpus / "." / one.name], settings, [])
    assert len(targets) == 7
    assert len({t.doc.doc_id for t in targets}) == 7


def _ids_by_source(settings) -> dict[str, list[str]]:
    m = Manifest(settings.index_path())
    out: dict[str, list[str]] = {}
    for d in m.docs():
        out.setdefault(d["source"], []).append(d["doc_id"])
    m.close()
    return out


def test_doc_ids_are_readable_and_stable_across_ingests(corpus, tmp_path):
    import re

    emb = BigramEmbedder()
    one, two = Settings(index=tmp_path / "one"), Settings(index=tmp_path / "two")
    ingest([corpus], one, embedder=emb)
    ingest([corpus], two, embedder=emb)
    ids = _ids_by_source(one)
    assert ids == _ids_by_source(two)  # the same files give the same ids in any index
    every = [i for v in ids.values() for i in v]
    assert len(set(every)) == len(every) == 7
    xujing = next(v for s, v in ids.items() if s.endswith("004_8f4dc4ad24e9474b.txt"))
    assert re.fullmatch(r"徐泾镇-2013-[0-9a-f]{4}", xujing[0])
    # an edited file keeps its ids: they hang on the file's path, not its bytes
    target = corpus / "004_8f4dc4ad24e9474b.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\n补记：全年工作圆满完成。\n", encoding="utf-8")
    assert ingest([corpus], one, embedder=emb).files_indexed == 1
    assert _ids_by_source(one) == ids


def test_same_place_and_year_in_two_files_get_two_ids(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text("2019年青川县政府工作报告\n各位代表：\n全县经济平稳发展，各项事业取得新进展。\n",
                                   encoding="utf-8")
    ingest([folder], Settings(index=tmp_path / "idx"), embedder=BigramEmbedder())
    ids = _ids_by_source(Settings(index=tmp_path / "idx"))
    (a,), (b,) = ids.values()
    assert a != b and a.startswith("青川县-2019-") and b.startswith("青川县-2019-")


def test_an_index_written_before_document_metadata_still_reads(tmp_path):
    import sqlite3

    index = tmp_path / "old"
    index.mkdir()
    db = sqlite3.connect(index / "manifest.sqlite")
    db.executescript("""
        CREATE TABLE files (source TEXT PRIMARY KEY, abs_path TEXT NOT NULL, sha256 TEXT NOT NULL, status TEXT NOT NULL,
            format TEXT NOT NULL, encoding TEXT NOT NULL, chars INTEGER NOT NULL, text_file TEXT NOT NULL,
            updated REAL NOT NULL);
        CREATE TABLE docs (doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
            title TEXT NOT NULL, place TEXT NOT NULL, years TEXT NOT NULL, report_type TEXT NOT NULL,
            sha256 TEXT NOT NULL, chunks INTEGER NOT NULL, sections TEXT NOT NULL);
        INSERT INTO files VALUES ('x.txt', '/x.txt', 'h', 'complete', 'txt', 'utf-8', 10, 'originals/x.txt', 0);
        INSERT INTO docs VALUES ('x', 'x.txt', 0, 10, '云岭镇工作总结', '云岭镇', '[2012]', 'review', 'h', 3, '[]');
    """)
    db.commit()
    db.close()
    m = Manifest(index)
    (row,) = m.docs()
    assert (row["doc_id"], row["report_type"], row["level"], row["report_year"], row["provenance"]) == (
        "x", "work_summary", "", None, {})
    doc = m.document("x")
    assert doc.report_type == "work_summary" and doc.review_years == [] and doc.place == "云岭镇"
    m.close()


def test_doc_ids_never_start_with_digits_that_read_as_a_year():
    from llm_extract.index.doc_ids import make_doc_id

    for source, year in [("a/2016.txt", None), ("a/2024.docx", 2024), ("b/2025-4ea0584e.pdf", 2025),
                         ("c/000_ae76d08569899c59.txt", 2007)]:
        doc_id = make_doc_id(source, set(), year=year)
        assert not doc_id[0].isdigit() and not doc_id.startswith("-"), doc_id
