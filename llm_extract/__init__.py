"""llm-extract: index, extract from and question Chinese local-government reports.

Public API (imports stay light; heavy libraries load on first use)::

    from llm_extract import Settings, ingest, search, ask, extract, evaluate, list_documents, load_original
"""

from .api import ask, evaluate, extract, ingest, list_documents, load_original, open_retriever, search
from .core.config import Settings
from .core.errors import LlmExtractError
from .core.types import Chunk, Citation, Document, Hit, IndicatorRecord, ProblemRecord, ProjectRecord, Section, Span, TaskRecord

__version__ = "0.1.0"

__all__ = [
    "Settings", "LlmExtractError", "ingest", "search", "ask", "extract", "evaluate", "list_documents", "load_original", "open_retriever",
    "Span", "Document", "Section", "Chunk", "Hit", "Citation",
    "IndicatorRecord", "ProjectRecord", "ProblemRecord", "TaskRecord",
]
