"""Tests of llm_extract.text.chunking: offsets, section bounds, sizes, overlap, gaps, placeholders, corpus."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llm_extract.text.chunking import chunk_document
from llm_extract.text.outline import parse_outline
from llm_extract.core.types import Document, NormalizedText, Section

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"


def ident(t: str, simplified: str | None = None) -> NormalizedText:
    n = len(t)
    return NormalizedText(original=t, text=t, simplified=simplified if simplified is not None else t,
                          src_start=list(range(n)), src_end=list(range(1, n + 1)), base_start=0, base_end=n)


def dropping(original: str, pattern: str) -> NormalizedText:
    """Normalized view of ``original`` with every match of ``pattern`` removed (a real offset map)."""
    chars, ss, es = [], [], []
    pos = 0
    for m in list(re.finditer(pattern, original)) + [None]:
        stop = m.start() if m else len(original)
        for i in range(pos, stop):
            chars.append(original[i])
            ss.append(i)
            es.append(i + 1)
        pos = m.end() if m else stop
    text = "".join(chars)
    return NormalizedText(original=original, text=text, simplified=text, src_start=ss, src_end=es,
                          base_start=0, base_end=len(original))


def doc_for(norm: NormalizedText, doc_id: str = "doc") -> Document:
    return Document(doc_id=doc_id, source=f"{doc_id}.txt", start=norm.base_start, end=norm.base_end)


def whole(norm: NormalizedText) -> list[Section]:
    return [Section(title="", level=0, path=[], start=norm.base_start, end=norm.base_end, heading_end=norm.base_start)]


def norm_span(norm: NormalizedText, c) -> tuple[int, int]:
    return norm.from_original(c.start, c.end)


def check_chunks(norm: NormalizedText, sections: list[Section], chunks, size: int, max_gap: int = 20) -> None:
    """Invariants every chunking must satisfy."""
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    for c in chunks:
        assert norm.original[c.start:c.end] == c.text
        assert c.start < c.end and c.text.strip()
        assert c.chunk_id == f"{c.doc_id}:{c.ordinal:05d}"
        owners = [s for s in sections if s.start <= c.start and c.end <= s.end]
        assert len(owners) >= 1, f"chunk {c.chunk_id} crosses a section boundary"
        assert c.section == owners[0].path_str
        lo, hi = norm_span(norm, c)
        assert hi - lo <= 1.5 * size
        body = norm.simplified[lo:hi]
        assert c.search_text == (f"{c.section}\n{body}" if c.section else body)
        for i in range(lo, hi - 1):
            assert norm.src_start[i + 1] - norm.src_end[i] <= max_gap, "chunk spans removed chrome"
    # every visible character of the text is in some chunk
    covered = [False] * len(norm.text)
    for c in chunks:
        lo, hi = norm_span(norm, c)
        covered[lo:hi] = [True] * (hi - lo)
    missing = [i for i, ch in enumerate(norm.text) if not ch.isspace() and not covered[i]]
    assert not missing, f"characters left out: {norm.text[missing[0]:missing[0] + 10]!r}"


def sentences(*chars: str, length: int = 20) -> list[str]:
    """Distinct sentences of ``length`` characters, the last one 。."""
    return [ch * (length - 1) + "。" for ch in chars]


# ---------------------------------------------------------------------------
# basics
# ---------------------------------------------------------------------------


def test_chunks_follow_sections_and_carry_paths():
    t = ("某镇2013年工作总结\n" + "全镇经济平稳发展，财政收入稳步增长。" * 6 + "\n一、工业经济\n"
         + "规模以上工业产值增长百分之十。" * 8 + "\n（一）重点项目\n" + "新开工项目十二个。" * 3)
    norm = ident(t)
    secs = parse_outline(norm)
    chunks = chunk_document(doc_for(norm), norm, secs, size=60, overlap=15)
    check_chunks(norm, secs, chunks, 60)
    assert {c.section for c in chunks} == {"", "一、工业经济", "一、工业经济 > （一）重点项目"}
    last = chunks[-1]
    assert last.search_text.startswith("一、工业经济 > （一）重点项目\n（一）重点项目")
    assert all(c.doc_id == "doc" and c.source == "doc.txt" for c in chunks)
    assert chunks[0].chunk_id == "doc:00000"


def test_no_sections_means_one_untitled_section():
    t = "全镇经济平稳发展。" * 30
    norm = ident(t)
    chunks = chunk_document(doc_for(norm), norm, [], size=50, overlap=0)
    check_chunks(norm, whole(norm), chunks, 50)
    assert all(c.section == "" and "\n" not in c.search_text for c in chunks)


def test_empty_and_whitespace():
    norm = ident("")
    assert chunk_document(doc_for(norm), norm, []) == []
    norm = ident(" \n\n\u3000 \n")
    assert chunk_document(doc_for(norm), norm, whole(norm)) == []
    # a section holding only whitespace yields nothing; its neighbour still does
    t = "一、标题。\n      \n      "
    norm = ident(t)
    secs = [Section("一、标题", 1, ["一、标题"], 0, 6, 5), Section("空", 1, ["空"], 6, len(t), 6)]
    chunks = chunk_document(doc_for(norm), norm, secs)
    assert [c.text for c in chunks] == ["一、标题。"]


def test_search_text_is_simplified_and_text_is_original():
    t = "一、經濟發展\n全鎮經濟平穩發展。"
    simp = "一、经济发展\n全镇经济平稳发展。"
    norm = ident(t, simp)
    secs = [Section("一、经济发展", 1, ["一、经济发展"], 0, len(t), 6)]
    (c,) = chunk_document(doc_for(norm), norm, secs)
    assert c.text == t
    assert c.search_text == "一、经济发展\n" + simp


# ---------------------------------------------------------------------------
# sizes and overlap
# ---------------------------------------------------------------------------


def test_overlap_repeats_whole_sentences():
    sents = sentences(*"甲乙丙丁戊己庚辛壬癸子丑")
    t = "".join(sents)
    norm = ident(t)
    chunks = chunk_document(doc_for(norm), norm, whole(norm), size=100, overlap=45)
    check_chunks(norm, whole(norm), chunks, 100)
    assert chunks[0].text == "".join(sents[:5])
    # the last two sentences (40 chars <= 45) are carried over, then new ones up to 100 chars
    assert chunks[1].text == "".join(sents[3:8])
    for a, b in zip(chunks, chunks[1:]):
        assert a.start < b.start < a.end  # overlapping, always advancing


def test_zero_overlap_chunks_are_disjoint():
    t = "".join(sentences(*"甲乙丙丁戊己庚辛壬癸子丑"))
    norm = ident(t)
    chunks = chunk_document(doc_for(norm), norm, whole(norm), size=100, overlap=0)
    assert [len(c.text) for c in chunks] == [100, 100, 40]
    for a, b in zip(chunks, chunks[1:]):
        assert a.end <= b.start


def test_overlap_from_a_long_sentence_starts_at_a_clause():
    long = "，".join(["甲" * 9] * 9) + "。"  # 90 chars, clauses of 10
    t = long + "".join(sentences(*"乙丙丁"))
    norm = ident(t)
    chunks = chunk_document(doc_for(norm), norm, whole(norm), size=100, overlap=25)
    assert chunks[0].text == long
    # too long to repeat whole: its longest tail within 25 chars that starts at a clause is carried
    assert chunks[1].start == 70
    assert chunks[1].text.startswith("甲" * 9 + "，" + "甲" * 9 + "。" + "乙")


def test_long_sentence_splits_at_commas_then_hard():
    clause = "乙" * 29 + "，"
    t = clause * 6 + "尾。"
    norm = ident(t)
    chunks = chunk_document(doc_for(norm), norm, whole(norm), size=80, overlap=0)
    check_chunks(norm, whole(norm), chunks, 80)
    assert all(len(c.text) <= 80 for c in chunks)
    assert all(c.text.endswith("，") for c in chunks[:-1])
    hard = "丙" * 250
    norm = ident(hard)
    chunks = chunk_document(doc_for(norm), norm, whole(norm), size=100, overlap=0)
    assert [len(c.text) for c in chunks] == [100, 100, 50]


def test_short_tail_merges_into_previous_chunk():
    base = "".join(sentences(*"甲乙丙丁戊"))  # 100 chars
    norm = ident(base + "尾巴。")
    chunks = chunk_document(doc_for(norm), norm, whole(norm), size=100, overlap=0)
    assert [c.text for c in chunks] == [base + "尾巴。"]
    # a tail of size/4 or more stays its own chunk
    tail = "己" * 29 + "。"
    norm = ident(base + tail)
    chunks = chunk_document(doc_for(norm), norm, whole(norm), size=100, overlap=0)
    assert [c.text for c in chunks] == [base, tail]


def test_short_tail_never_merges_across_sections():
    t = "".join(sentences(*"甲乙丙丁戊")) + "\n二、尾巴。"
    norm = ident(t)
    secs = parse_outline(norm)
    chunks = chunk_document(doc_for(norm), norm, secs, size=100, overlap=0)
    assert [c.section for c in chunks] == ["", "二、尾巴"]


def test_line_breaks_end_sentences():
    t = "第一行没有句号\n第二行也没有\n" + "第三行" * 20
    norm = ident(t)
    chunks = chunk_document(doc_for(norm), norm, whole(norm), size=20, overlap=0)
    check_chunks(norm, whole(norm), chunks, 20)
    assert chunks[0].text == "第一行没有句号\n第二行也没有"


# ---------------------------------------------------------------------------
# gaps, placeholders
# ---------------------------------------------------------------------------


def test_large_removed_region_splits_chunks():
    original = "甲乙丙。" * 10 + "<" * 30 + "丁戊己。" * 10
    norm = dropping(original, r"<+")
    chunks = chunk_document(doc_for(norm), norm, whole(norm), size=1000, overlap=50)
    check_chunks(norm, whole(norm), chunks, 1000)
    assert [c.text for c in chunks] == ["甲乙丙。" * 10, "丁戊己。" * 10]
    # a small removed region (a pinyin gloss) does not split
    original = "甲乙丙。" * 10 + "<" * 10 + "丁戊己。" * 10
    norm = dropping(original, r"<+")
    chunks = chunk_document(doc_for(norm), norm, whole(norm), size=1000, overlap=50)
    assert [c.text for c in chunks] == [original]


def test_has_placeholder():
    t = "".join(sentences(*"甲乙丙丁")) + "全年完成xx万元。" + "".join(sentences(*"戊己庚辛"))
    norm = ident(t)
    pos = t.index("xx")
    norm.placeholders = [(pos, pos + 2)]
    chunks = chunk_document(doc_for(norm), norm, whole(norm), size=60, overlap=0)
    flagged = [c for c in chunks if c.has_placeholder]
    assert flagged and all("xx" in c.text for c in flagged)
    assert all("xx" not in c.text for c in chunks if not c.has_placeholder)


def test_ids_continue_across_sections():
    t = "一、甲\n" + "甲" * 150 + "。\n二、乙\n" + "乙" * 150 + "。"
    norm = ident(t)
    chunks = chunk_document(doc_for(norm, "x-p2"), norm, parse_outline(norm), size=60, overlap=10)
    assert [c.chunk_id for c in chunks] == [f"x-p2:{i:05d}" for i in range(len(chunks))]
    assert len({c.section for c in chunks}) == 2


def test_invalid_size():
    norm = ident("甲。")
    with pytest.raises(ValueError):
        chunk_document(doc_for(norm), norm, whole(norm), size=0)


# ---------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "一、", "二、", "（一）", "1.", "(2)", "。", "，", "、", "；", "\n", "\n\n", " ", "\u3000", "工作", "2008年",
    "全镇经济平稳发展", "主要任务", "xx", "“四个小雄”", "规模以上工业增加值完成", "甲" * 45,
])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, min_size=1, max_size=50), st.integers(8, 200), st.integers(0, 120))
def test_invariants_on_random_text(pieces, size, overlap):
    t = "".join(pieces)
    norm = ident(t)
    secs = parse_outline(norm)
    chunks = chunk_document(doc_for(norm), norm, secs, size=size, overlap=overlap)
    check_chunks(norm, secs, chunks, size)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_PIECES, st.integers(0, 40)), min_size=1, max_size=40), st.integers(10, 120),
       st.integers(0, 60))
def test_invariants_with_removed_regions(parts, size, overlap):
    original = "".join(p + "<" * k + ">" for p, k in parts)
    norm = dropping(original, r"<*>")
    if not norm.text:
        return
    secs = parse_outline(norm)
    chunks = chunk_document(doc_for(norm), norm, secs, size=size, overlap=overlap)
    check_chunks(norm, secs, chunks, size)


# ---------------------------------------------------------------------------
# corpus
# ---------------------------------------------------------------------------


@lru_cache(maxsize=None)
def corpus_docs(prefix: str):
    from llm_extract.text.normalize import normalize
    from llm_extract.text.split import split_reports

    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    raw = path.read_text(encoding="utf-8")
    out = []
    for i, (start, end, _) in enumerate(split_reports(raw)):
        norm = normalize(raw, start, end)
        out.append((norm, parse_outline(norm), f"{prefix}-p{i}"))
    return out


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
@pytest.mark.parametrize("size,overlap", [(400, 60), (150, 30)])
def test_corpus_chunks(prefix, size, overlap):
    for norm, secs, doc_id in corpus_docs(prefix):
        chunks = chunk_document(doc_for(norm, doc_id), norm, secs, size=size, overlap=overlap)
        assert chunks
        check_chunks(norm, secs, chunks, size)
        assert all(norm.base_start <= c.start and c.end <= norm.base_end for c in chunks)


def test_corpus_000_chrome_gap_is_not_spanned():
    ((norm, secs, doc_id),) = corpus_docs("000")
    chunks = chunk_document(doc_for(norm, doc_id), norm, secs)
    assert not any("导语" in c.search_text or "時間" in c.text for c in chunks)
    assert any(c.has_placeholder for c in chunks)  # ××镇


def test_corpus_004_sections():
    ((norm, secs, doc_id),) = corpus_docs("004")
    chunks = chunk_document(doc_for(norm, doc_id), norm, secs)
    assert any(c.section == "(一)围绕一个中心,举全镇之力参与西虹桥地区的开发建设" for c in chunks)
    assert any("80.43亿元" in c.text for c in chunks)
