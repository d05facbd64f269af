"""Index: ingest documents into Chroma (dense) and a BM25 keyword index, keep the manifest of
files and their original text, and search them (hybrid retrieval); ``access`` reads an index.
May import: ``core``, ``text``.
"""
