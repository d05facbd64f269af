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
