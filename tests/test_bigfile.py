"""A 50 MB text file is indexed in bounded memory, in parts cut at paragraph breaks.

The normalizer keeps a few Python objects per character (~200 bytes), so a
50 MB file of Chinese (~17 M characters) normalized whole would need about
3.5 GB.  The pipeline cuts long texts into parts of ``PART_CHARS`` characters
and processes one part at a time.  Peak RSS is measured in a subprocess with
``resource.getrusage`` (ru_maxrss), after the heavy libraries are imported, so
the figure is the ingest's own growth.

The embedder, vector store and keyword index are fakes: the point is the
loader → normalizer → outline → chunker path.  (Chroma's own upsert cost,
about 4 ms per chunk here, would make a 71 000-chunk file take minutes; it
belongs to the store, not to this test.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from llm_extract.index.ingest import PART_CHARS, split_parts

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "corpus"
FILE_BYTES = 50_000_000
# Expected growth: the file's bytes and text (~50 + 35 MB), the UTF-8 copy saved beside the
# index (50 MB), every chunk of the file held until it is flushed (~150 MB for 71 000 chunks)
# and one part's normalization (~150 MB): about 450 MB.  Normalized whole it would be ~3.5 GB.
MAX_GROWTH_MB = 1024

DRIVER = r"""
import json, resource, sys, time
import numpy as np
from llm_extract.core.config import Settings
from llm_extract.index.manifest import Manifest
from llm_extract.index.ingest import ingest
import llm_extract.text.chunking, llm_extract.text.loading, llm_extract.text.metadata, llm_extract.text.outline
from llm_extract.text.normalize import normalize
normalize("預熱")  # load OpenCC before the baseline


class Embedder:
    name, dim = "test-const-4", 4
    def embed(self, texts):
        return np.ones((len(texts), 4), dtype=np.float32)


class Store:
    # Keeps a sample of chunks to check their offsets against the saved original.
    def __init__(self):
        self.n, self.sample = 0, []
    def upsert(self, chunks, vectors):
        assert len(vectors) == len(chunks)
        self.n += len(chunks)
        self.sample.extend((c.source, c.start, c.end, c.text) for c in chunks[::97])
    def delete_doc(self, doc_id):
        pass


class Keyword:
    def __init__(self):
        self.n = 0
    def add(self, chunks):
        self.n += len(chunks)
    def remove_doc(self, doc_id):
        return 0
    def save(self):
        pass


base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
store, kw = Store(), Keyword()
settings = Settings(index=sys.argv[2])
s = ingest([sys.argv[1]], settings, embedder=Embedder(), store=store, keyword=kw)
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
m = Manifest(settings.index_path())
original = m.original_text(m.sources()[0])
bad = [x for x in store.sample if original[x[1]:x[2]] != x[3]]
ids = [d["doc_id"] for d in m.docs()]
print(json.dumps({"summary": s.to_dict(), "base_mb": base / 1024, "peak_mb": peak / 1024, "seconds": seconds,
                  "stored": store.n, "keyword": kw.n, "bad_offsets": len(bad), "sampled": len(store.sample),
                  "chars": len(original), "doc_ids": ids[:3], "n_docs": len(ids), "unique_ids": len(set(ids))}))
"""


def _make_big_file(path: Path, size: int) -> None:
    """The five sample reports (chrome, glosses, inline headings, 【第N篇 pages) repeated to ``size`` bytes."""
    unit = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))).encode("utf-8") + b"\n\n"
    with open(path, "wb") as fh:
        written = 0
        while written + len(unit) <= size:
            fh.write(unit)
            written += len(unit)
        fh.write(b"\n" * (size - written))


def test_split_parts_tiles_the_text_at_paragraph_breaks():
    text = ("段落一。" * 30 + "\n\n" + "段落二，没有句号" * 20 + "\n") * 50
    parts = split_parts(text, limit=1000)
    assert parts[0][0] == 0 and parts[-1][1] == len(text)
    assert all(a < b and b - a <= 1000 for a, b in parts)
    assert all(parts[i][1] == parts[i + 1][0] for i in range(len(parts) - 1))
    assert all(text[b - 1] == "\n" for _, b in parts[:-1])
    assert split_parts("短", limit=1000) == [(0, 1)]
    assert split_parts("", limit=1000) == [(0, 0)]


def test_split_parts_cuts_a_single_line_at_sentences_then_anywhere():
    line = "一句话没有换行。" * 500
    parts = split_parts(line, limit=1000)
    assert all(line[b - 1] == "。" for _, b in parts[:-1])
    blob = "字" * 2500
    assert split_parts(blob, limit=1000) == [(0, 1000), (1000, 2000), (2000, 2500)]


def test_a_50_mb_text_file_is_indexed_in_bounded_memory(tmp_path):
    big = tmp_path / "big.txt"
    _make_big_file(big, FILE_BYTES)
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, str(big), str(tmp_path / "index")],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    growth = r["peak_mb"] - r["base_mb"]
    print(f"50 MB file: {r['chars']} chars, {r['n_docs']} documents, {r['stored']} chunks in {r['seconds']:.1f}s, "
          f"RSS {r['base_mb']:.0f} MB -> peak {r['peak_mb']:.0f} MB (growth {growth:.0f} MB)")
    assert r["summary"]["skipped"] == [] and r["summary"]["files_indexed"] == 1
    assert r["stored"] == r["keyword"] == r["summary"]["chunks"] > 50_000
    # Offsets still point into the whole file's original text, part after part.
    assert r["sampled"] > 500 and r["bad_offsets"] == 0
    assert r["chars"] > 10 * PART_CHARS
    assert r["unique_ids"] == r["n_docs"] > 1 and all(r["doc_ids"])  # one id per report of the file
    assert growth < MAX_GROWTH_MB, f"peak RSS grew by {growth:.0f} MB"
