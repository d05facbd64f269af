"""BM25 keyword index: tokenization, search, scripts, edits, persistence."""

from __future__ import annotations

import json

import pytest

from llm_extract.core.errors import IndexStoreError
from llm_extract.index.keyword import TOKENIZER_VERSION, KeywordIndex, tokenize
from llm_extract.core.types import Chunk


def mk(cid: str, doc: str, text: str, *, search: str | None = None, ordinal: int = 0) -> Chunk:
    return Chunk(
        chunk_id=cid,
        doc_id=doc,
        source=f"corpus/{doc}.txt",
        start=100 * ordinal,
        end=100 * ordinal + len(text),
        text=text,
        search_text=search if search is not None else text,
        section="一、经济发展",
        ordinal=ordinal,
    )


CHUNKS = [
    mk("a-0", "a", "全鎮地區生產總值達到80.43億元，同比增長12.5%。", search="全镇地区生产总值达到80.43亿元，同比增长12.5%。"),
    mk("a-1", "a", "农民人均纯收入达到8500元，增长10%。", ordinal=1),
    mk("b-0", "b", "财政收入完成3亿元，其中地方财政收入1.2亿元。"),
    mk("b-1", "b", "新建学校三所、卫生院一所，教育卫生事业稳步发展。", ordinal=1),
    mk("c-0", "c", "全年招商引资到位资金15亿元，新办企业120家。"),
]


@pytest.fixture()
def index(tmp_path):
    kw = KeywordIndex.open(tmp_path / "keyword")
    kw.add(CHUNKS)
    return kw


def test_tokenize_drops_punctuation_keeps_numbers():
    toks = tokenize("全镇地区生产总值达到80.43亿元，同比增长12.5%。GDP")
    assert "80.43" in toks
    assert "12.5" in toks  # percent sign stripped so "12.5" matches
    assert "gdp" in toks  # latin lowercased
    assert not any(t.strip("，。%") == "" for t in toks)
    assert "区生" in toks and "总值" in toks  # CJK bigrams


def test_tokenize_empty_and_punctuation_only():
    assert tokenize("") == []
    assert tokenize("，。、！？ \n\t——") == []


def test_finds_metric_chunk_first(index):
    res = index.search("地区生产总值", 3)
    assert res[0][0] == "a-0"
    assert all(score > 0 for _, score in res)


def test_traditional_query_finds_simplified_chunk(index):
    res = index.search("地區生產總值", 3)
    assert res and res[0][0] == "a-0"


def test_number_query(index):
    assert index.search("80.43", 3)[0][0] == "a-0"
    assert index.search("增长12.5%", 3)[0][0] == "a-0"


def test_scores_descending_and_k(index):
    res = index.search("财政收入 亿元", 10)
    scores = [s for _, s in res]
    assert scores == sorted(scores, reverse=True)
    assert res[0][0] == "b-0"
    assert len(index.search("亿元", 2)) == 2


def test_no_match_and_empty_queries(index):
    assert index.search("量子计算机", 5) == []
    assert index.search("，。", 5) == []
    assert index.search("地区生产总值", 0) == []


def test_doc_filter(index):
    assert index.search("收入", 10, doc_ids=["b"])[0][0] == "b-0"
    assert all(cid.startswith("b-") for cid, _ in index.search("收入", 10, doc_ids=["b"]))
    assert index.search("收入", 10, doc_ids=[]) == []
    assert index.search("地区生产总值", 10, doc_ids=["b", "c"]) == []


def test_add_replaces_by_chunk_id(index):
    index.add([mk("c-0", "c", "全年引进外资项目八个。")])
    assert len(index) == 5
    assert index.search("招商引资", 5) == []
    assert index.search("外资项目", 5)[0][0] == "c-0"
    assert index.chunk("c-0").text == "全年引进外资项目八个。"


def test_add_moving_chunk_to_other_doc(index):
    index.add([mk("c-0", "z", "全年引进外资项目八个。")])
    assert index.remove_doc("c") == 0
    assert index.remove_doc("z") == 1
    assert "c-0" not in index


def test_remove_doc(index):
    assert index.remove_doc("a") == 2
    assert len(index) == 3
    assert index.search("地区生产总值", 5) == []
    assert index.doc_ids() == {"b", "c"}
    assert index.remove_doc("a") == 0


def test_save_and_reload(tmp_path, index):
    before = index.search("财政收入", 5)
    index.save()
    files = sorted(p.name for p in (tmp_path / "keyword").iterdir())
    assert files and not [f for f in files if "tmp" in f]  # no temp file left behind
    again = KeywordIndex.open(tmp_path / "keyword")
    assert len(again) == len(index)
    assert again.search("财政收入", 5) == before
    assert again.chunk("a-0") == CHUNKS[0]


def test_reload_retokenizes_after_tokenizer_change(tmp_path, index):
    index.save()
    path = tmp_path / "keyword" / "chunks.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["tokenizer"] == TOKENIZER_VERSION
    header["tokenizer"] = "old-tokenizer"
    rows = [json.loads(line) for line in lines[1:]]
    for row in rows:
        row["tokens"] = "garbage"
    path.write_text("\n".join([json.dumps(header)] + [json.dumps(r, ensure_ascii=False) for r in rows]), encoding="utf-8")
    again = KeywordIndex.open(tmp_path / "keyword")
    assert again.search("地区生产总值", 3)[0][0] == "a-0"


def test_missing_dir_is_empty_index(tmp_path):
    kw = KeywordIndex.open(tmp_path / "nothing")
    assert len(kw) == 0
    assert kw.search("地区生产总值", 5) == []


@pytest.mark.parametrize("content", ['{"format": 99}\n', "not json\n", '{"format": 1}\n{"chunk_id": 1}\n'])
def test_corrupt_file_raises(tmp_path, content):
    d = tmp_path / "keyword"
    d.mkdir()
    (d / "chunks.jsonl").write_text(content, encoding="utf-8")
    with pytest.raises(IndexStoreError):
        KeywordIndex.open(d)


def test_incremental_add_after_search(index):
    assert index.search("养老服务", 5) == []
    index.add([mk("d-0", "d", "建成养老服务中心两个。")])
    assert index.search("养老服务", 5)[0][0] == "d-0"
