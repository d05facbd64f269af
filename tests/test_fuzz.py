"""Fuzzing the path from bytes to chunks: loader -> report splitter -> normalizer -> outline -> chunker.

Inputs are the genre's own material (headings of every style, glosses,
entities, literal escapes, chrome lines, placeholders, 【第N篇 markers) and
slices of the sample corpus, encoded in the encodings users have, then
damaged (bytes flipped, cut, NULs inserted).  Whatever comes in:

* the loader returns text or raises a ``LoadError`` with a one-line reason,
  never anything else;
* every span that leaves the pipeline points into the original text:
  reports and sections lie inside the text and tile in order, and every
  chunk's ``original[start:end] == text``.

Bounded for CI: ``LLM_EXTRACT_FUZZ_EXAMPLES`` (default 300 per test) sets the
number of examples; run with e.g. 5000 for a longer hunt.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import llm_extract.index.ingest as pipeline
from llm_extract.core.config import Settings
from llm_extract.core.errors import LoadError
from llm_extract.text.loading import decode_bytes, load_file
from llm_extract.text.normalize import normalize
from llm_extract.text.split import split_reports
from llm_extract.text.outline import parse_outline

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"
EXAMPLES = int(os.environ.get("LLM_EXTRACT_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("CI") == "true",
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

_SAMPLES = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]

_TOKENS = [
    # headings of every style, inline and on their own line
    "一、", "二、", "十二、", "（一）", "(二)", "（三）、", "1.", "2、", "3．", "（1）", "(2)", "①", "②", "第一部分", "第二章",
    "【第1篇】", "【第2篇", "第1篇：", "篇三", "2013年工作安排", "主要工作", "政 府 工 作 报 告",
    # prose
    "全镇实现地区生产总值80.43亿元，同比增长0.25%。", "财政收入3億元", "鎮(zhèn)", "業(yè)", "經(jīng)濟", "（zhèn）",
    "一、二、三产业", "1.5亿元", "2013.01.22", "2.8%", "xx", "xxxxx万元", "x.xxx亿元", "___镇", "××", "200*年",
    # chrome
    "当前位置：首页 > 工作总结", "发布时间：2022-02-03 10:17", "相关文章", "不代表本站观点", "www.example.com",
    "上一篇：", "扫一扫", "点击下载",
    # entities, escapes, whitespace, odd code points
    "&nbsp;", "&amp;nbsp;", "&#12345;", "&#x4e00;", "&lt;script&gt;", "&", "\\n", "\\r\\n", "\\t", "\\",
    " ", "\t", "\n", "\n\n", "\r\n", "\r", "\u3000", "\u00a0", "\u200b", "\ufeff", "\u2028", "\x0c",
    "。", "；", "：", "！", "？", "…", "……", "“", "”", "ＧＤＰ１２３", "𠀀", "\U0001f600", "a", "x",
]

_genre = st.lists(st.sampled_from(_TOKENS), min_size=0, max_size=60).map("".join)


@st.composite
def _corpus_slice(draw) -> str:
    text = draw(st.sampled_from(_SAMPLES))
    a = draw(st.integers(0, len(text)))
    b = draw(st.integers(a, min(len(text), a + 3000)))
    return text[a:b]


_texts = st.one_of(_genre, _corpus_slice(), st.text(max_size=200),
                   st.tuples(_corpus_slice(), _genre, _corpus_slice()).map("".join))


@st.composite
def _damaged_bytes(draw) -> bytes:
    text = draw(_texts)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "big5", "utf-16", "utf-16-le", "utf-16-be"]))
    data = bytearray(text.encode(encoding, errors="replace"))
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["flip", "cut", "nul", "insert"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[i] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del data[i:]
        elif op == "nul":
            data.insert(i, 0)
        else:
            data[i:i] = draw(st.binary(min_size=1, max_size=8))
    return bytes(data)


def _check_pipeline(text: str) -> None:
    """The span invariants of everything built from ``text``."""
    n = len(text)
    reports = split_reports(text)
    last = 0
    for start, end, _title in reports:
        assert last <= start < end <= n
        last = end
    for start, end, _title in reports:
        norm = normalize(text, start, end)
        assert len(norm.text) == len(norm.simplified) == len(norm.src_start) == len(norm.src_end)
        for i in range(len(norm.text)):
            assert start <= norm.src_start[i] < norm.src_end[i] <= end
            if i:
                assert norm.src_start[i - 1] <= norm.src_start[i] and norm.src_end[i - 1] <= norm.src_end[i]
        sections = parse_outline(norm)
        prev_end = None
        for s in sections:
            assert start <= s.start <= s.heading_end <= s.end <= end
            assert prev_end is None or s.start >= prev_end
            prev_end = s.end


@FUZZ
@given(_damaged_bytes())
def test_any_bytes_load_or_fail_with_one_line(data):
    try:
        text, encoding = decode_bytes(data, path="fuzz.txt")
    except LoadError as exc:
        line = exc.one_line()
        assert "fuzz.txt" in line and "\n" not in line
        return
    assert isinstance(text, str) and encoding
    if not encoding.startswith("mixed:") and "\ufffd" not in text:
        assert data.decode(encoding) == text  # the reported encoding reproduces the text
    _check_pipeline(text)


@FUZZ
@given(_texts)
def test_spans_point_into_the_original_text(text):
    _check_pipeline(text)


@contextmanager
def _part_chars(n: int):
    """Small parts, so that part boundaries fall inside short fuzz inputs."""
    saved = pipeline.PART_CHARS
    pipeline.PART_CHARS = n
    try:
        yield
    finally:
        pipeline.PART_CHARS = saved


@FUZZ
@given(_texts, st.integers(20, 400))
def test_chunks_quote_the_original_even_across_part_boundaries(text, part_chars):
    with _part_chars(part_chars):
        docs = pipeline.build_documents(text, "fuzz.txt", "0" * 64, set(),
                                        Settings(index="unused", chunk_size=50, chunk_overlap=10))
    ids = [d.doc_id for d, _ in docs]
    assert len(set(ids)) == len(ids)
    last = 0
    for doc, chunks in docs:
        assert last <= doc.start < doc.end <= len(text)
        last = doc.end
        for c in chunks:
            assert doc.start <= c.start < c.end <= doc.end
            assert text[c.start:c.end] == c.text and c.text.strip()


@FUZZ
@given(_damaged_bytes(), st.sampled_from([".txt", ".md", ".html", ".docx", ".pdf"]))
def test_load_file_never_raises_anything_but_load_errors(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"f{suffix}"
    path.write_bytes(data)
    try:
        raw = load_file(path)
    except LoadError as exc:
        assert str(path) in exc.one_line() and "\n" not in exc.one_line()
        return
    assert raw.text.strip()
