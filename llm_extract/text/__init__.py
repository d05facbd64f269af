"""Text: from a file on disk to an understood document, with offsets into the original.

Encoding detection and loading (txt/md/html/docx/pdf), page chrome and placeholders, normalization
with an offset map, splitting pages that hold several reports, the outline, document metadata,
chunking, and number/unit parsing.  May import: ``core``.
"""
