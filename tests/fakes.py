"""Fakes shared by several test modules."""

from __future__ import annotations

import hashlib

import numpy as np


class BigramEmbedder:
    """Hashes character bigrams into a small unit vector: similar texts get similar vectors."""

    name = "test-bigram-64"
    dim = 64

    def embed(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for a, b in zip(t, t[1:]):
                h = int.from_bytes(hashlib.blake2b((a + b).encode(), digest_size=4).digest(), "little")
                out[i, h % self.dim] += 1.0
            n = np.linalg.norm(out[i])
            if n:
                out[i] /= n
        return out

    def embed_query(self, text):
        return self.embed([text])[0]


def hits_from_texts(*texts: str):
    """Search hits over one made-up file that is the texts laid end to end (spans index into it)."""
    from llm_extract.core.types import Hit

    out, pos = [], 0
    for i, t in enumerate(texts):
        out.append(Hit(doc_id="d", source="x.txt", start=pos, end=pos + len(t), text=t, section="", score=1.0,
                       chunk_id=f"d:{i}", search_text=t))
        pos += len(t)
    return out


class NoModel:
    """A model client that fails the test when called: for routes that must answer without the model."""

    def complete(self, *a, **k):
        raise AssertionError("this route needs no model")

    def structured(self, *a, **k):
        raise AssertionError("this route needs no model")

    def close(self):
        pass


def indexed_reports(tmp_path, reports: dict[str, str]):
    """Settings of an index ingested from invented reports (file name → text), embedded by :class:`BigramEmbedder`."""
    from llm_extract.core.config import Settings
    from llm_extract.index.ingest import ingest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in reports.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = Settings(index=tmp_path / "index")
    ingest([corpus], settings, embedder=BigramEmbedder())
    return settings


def ask_by_code(settings, question: str):
    """``ask`` with a model and a retriever that fail the test if a structured route does not answer."""
    from llm_extract.qa.ask import ask

    class NoRetriever:
        def search(self, *a, **k):
            return []

    return ask(question, settings=settings, llm=NoModel(), retriever=NoRetriever())
