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
