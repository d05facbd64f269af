"""Turn files into :class:`~llm_extract.core.types.RawFile` objects.

``RawFile.text`` is the *original text* every span of the project points
into, so this module never normalizes it: plain text keeps its ``\\r\\n`` and
every character as decoded.  For HTML, DOCX and PDF files the original text
is the text layer this module extracts (visible HTML text, document
paragraphs, PDF page text); it is stored beside the index so spans stay
checkable.

Encoding detection lives in :mod:`llm_extract.text.encoding`; its public names are
re-exported here for the callers that import them from this module.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import io
import logging
import os
import re
import warnings
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Iterator

from .encoding import (  # noqa: F401  (cjk_score and the thresholds: re-exported)
    MAX_BAD_UTF8_SHARE,
    MAX_CONTROL_SHARE,
    MIN_CJK_SCORE,
    MIN_UTF16_SCORE,
    cjk_score,
    decode_bytes,
    has_bom,
    strict_decode,
)
from ..core.errors import EmptyFileError, LoadError, OcrNeededError, UnsupportedFormatError
from ..core.types import RawFile

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
_FORMATS = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}

_MB = 1024 * 1024


# ---------------------------------------------------------------------------
# Finding files
# ---------------------------------------------------------------------------


def _is_hidden(name: str) -> bool:
    # "~$x.docx" are Office lock files: unreadable stubs, never documents.
    return name.startswith(".") or name.startswith("~$")


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Yield the supported files among ``paths``, walking folders recursively.

    Folder contents are yielded sorted, hidden files and folders skipped, and
    only files with a suffix in :data:`SUPPORTED_SUFFIXES` kept.  A file named
    explicitly with an unsupported suffix raises
    :class:`~llm_extract.core.errors.UnsupportedFormatError` rather than being
    dropped silently; a path that does not exist raises ``LoadError``.
    """
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            found: list[Path] = []
            for root, dirs, files in os.walk(path):
                dirs[:] = [d for d in dirs if not _is_hidden(d)]
                for name in files:
                    candidate = Path(root) / name
                    if (
                        not _is_hidden(name)
                        and candidate.suffix.lower() in SUPPORTED_SUFFIXES
                        and candidate.is_file()
                    ):
                        found.append(candidate)
            candidates = sorted(found)
        elif path.is_file():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise UnsupportedFormatError(
                    f"unsupported file type {path.suffix or '(no suffix)'!r}",
                    path=str(path),
                    hint=f"supported: {', '.join(SUPPORTED_SUFFIXES)}",
                )
            candidates = [path]
        elif path.exists() or path.is_symlink():
            raise LoadError("not a regular file or folder", path=str(path), hint="pass files or folders")
        else:
            raise LoadError("no such file or folder", path=str(path), hint="check the path and its spelling")
        for candidate in candidates:
            key = candidate.resolve()  # "a.txt", "./a.txt" and a folder holding it are one file
            if key not in seen:
                seen.add(key)
                yield candidate


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------


def _read_bytes(path: Path, max_bytes: int | None) -> bytes:
    where = str(path)
    try:
        size = os.stat(path).st_size
        if max_bytes is not None and size > max_bytes:
            _too_large(where, size, max_bytes)
        with open(path, "rb") as fh:
            # Read one byte past the limit: the file may have grown since stat().
            data = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
    except PermissionError:
        raise LoadError("permission denied", path=where, hint="make the file readable (chmod +r)") from None
    except FileNotFoundError:
        raise LoadError("file not found (moved or deleted?)", path=where, hint="check the path") from None
    except IsADirectoryError:
        raise LoadError("is a folder, not a file", path=where) from None
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}", path=where) from None
    if max_bytes is not None and len(data) > max_bytes:
        _too_large(where, len(data), max_bytes)
    return data


def _too_large(where: str, size: int, max_bytes: int) -> None:
    raise LoadError(
        f"file too large ({size / _MB:.1f} MB), limit {max_bytes / _MB:g} MB",
        path=where,
        hint="split it or raise LLM_EXTRACT_MAX_FILE_MB",
    )


def load_file(path: str | Path, *, max_bytes: int | None = None) -> RawFile:
    """Read and decode one file; ``max_bytes=None`` means no size limit.

    Raises a :class:`~llm_extract.core.errors.LoadError` subclass with a one-line
    message naming the file for every way a file can fail to load.
    """
    path = Path(path).expanduser()
    where = str(path)
    suffix = path.suffix.lower()
    fmt = _FORMATS.get(suffix)
    if fmt is None:
        raise UnsupportedFormatError(
            f"unsupported file type {suffix or '(no suffix)'!r}",
            path=where,
            hint=f"supported: {', '.join(SUPPORTED_SUFFIXES)}",
        )
    data = _read_bytes(path, max_bytes)
    if not data:
        raise EmptyFileError("empty file", path=where)
    title = ""  # the file's own title, where the format has one
    if fmt in ("txt", "md"):
        text, encoding = decode_bytes(data, path=where)
    elif fmt == "html":
        text, encoding, title = _load_html(data, where)
    elif fmt == "docx":
        (text, title), encoding = _load_docx(data, where), ""
    else:
        (text, title), encoding = _load_pdf(data, where), ""
    if not text.strip():
        raise EmptyFileError("file has no text (empty or only whitespace)", path=where)
    return RawFile(path=where, text=text, encoding=encoding, format=fmt, sha256=hashlib.sha256(data).hexdigest(),
                   title=" ".join(title.split())[:200])


def load_text(path: str | Path) -> str:
    """The original text of a file (``load_file(path).text``)."""
    return load_file(path).text


# --- HTML ------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Labels browsers decode with a superset; mirror that so "gb2312" pages with GBK characters load.
_CHARSET_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "csgb2312": "gb18030",
    "chinese": "gb18030", "iso-ir-58": "gb18030", "big5": "big5hkscs", "x-x-big5": "big5hkscs",
    "cn-big5": "big5hkscs", "big5-hkscs": "big5hkscs", "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8",
}
_LATIN_LABELS = {"iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252", "us-ascii", "ascii"}


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML file declares in its first 4 KB (``<meta>`` or XML declaration), if any."""
    head = data[:4096]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii").lower() if match else None


def _decode_html(data: bytes, path: str) -> tuple[str, str]:
    declared = declared_charset(data)
    if declared is None or declared in _LATIN_LABELS or has_bom(data):
        # Chinese pages are often mislabelled iso-8859-1 by old CMSs; a BOM overrides <meta> in browsers too.
        return decode_bytes(data, path=path)
    encoding = _CHARSET_ALIASES.get(declared, declared)
    if encoding not in ("utf-8", "utf8") and not data.isascii() and strict_decode(data, "utf-8") is not None:
        # Valid UTF-8 with non-ASCII bytes is almost never GBK/Big5: the <meta> was copied from an old template.
        return data.decode("utf-8"), "utf-8"
    text = strict_decode(data, encoding)
    if text is None:
        log.info("%s: declared charset %r does not decode the file; detecting", path, declared)
        return decode_bytes(data, path=path)
    return text, codecs.lookup(encoding).name


# Content browsers never render as text.
_HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template", "title"})
_BLOCK_TAGS = frozenset(
    """address article aside blockquote body caption center dd details dialog div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hr html legend li main nav ol p pre section summary table
    tbody tfoot thead tr ul""".split()
)
_CELL_TAGS = frozenset({"td", "th"})
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
# A source line break between two CJK characters renders as nothing (CSS Text 3), not as a space:
# keeping it would split words the way letter-spaced titles do.
_CJK_BREAK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t]*[\r\n]+[ \t]*(?=[\u3000-\u9fff\uff00-\uffef])")


class _VisibleText(HTMLParser):
    """Collects visible text; block boundaries become newlines and table cells tabs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0  # depth inside _HIDDEN_TAGS
        self.pre = 0  # depth inside <pre>/<textarea>, where whitespace is kept
        self.in_title = False
        self.title = ""  # text of the first <title>
        self.article_title = ""  # <meta name="ArticleTitle">: the document's own title on a government site

    def handle_starttag(self, tag: str, attrs) -> None:
        self.in_title = tag == "title" and not self.title
        self._meta(tag, attrs)
        if tag in _HIDDEN_TAGS:
            self.hidden += 1
        elif tag in ("pre", "textarea"):
            self.pre += 1
        self._boundary(tag)

    def handle_startendtag(self, tag: str, attrs) -> None:
        # <br/>, <hr/>, <td/>: a boundary, but never opens a hidden or <pre> region.
        self._meta(tag, attrs)
        self._boundary(tag)

    def _meta(self, tag: str, attrs) -> None:
        if tag == "meta" and not self.article_title:
            named = {k.lower(): v or "" for k, v in attrs}
            if named.get("name", "").lower() == "articletitle":
                self.article_title = " ".join(named.get("content", "").split())

    def handle_endtag(self, tag: str) -> None:
        self.in_title = False
        if tag in _HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)
        elif tag in ("pre", "textarea"):
            self.pre = max(0, self.pre - 1)
        self._boundary(tag)  # browsers also read a stray </br> as a line break

    def _boundary(self, tag: str) -> None:
        if tag in _BLOCK_TAGS or tag == "br":
            self.parts.append("\n")
        elif tag in _CELL_TAGS:
            self.parts.append("\t")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        if self.hidden:
            return
        self.parts.append(data if self.pre else _HTML_SPACE.sub(" ", _CJK_BREAK.sub("", data)))

    def text(self) -> str:
        lines = []
        for line in "".join(self.parts).split("\n"):
            line = re.sub(r" *\t[\t ]*", "\t", line).strip()
            if line:
                lines.append(line)
        return "\n".join(lines)


def _parse_html(markup: str) -> _VisibleText:
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    return parser


def html_to_text(markup: str) -> str:
    """Visible text of an HTML document, one block element per line, entities decoded."""
    return _parse_html(markup).text()


def _load_html(data: bytes, path: str) -> tuple[str, str, str]:
    """``(visible text, encoding, title)``: the title a government page gives its document
    (``<meta name="ArticleTitle">``), else its ``<title>``."""
    markup, encoding = _decode_html(data, path)
    parser = _parse_html(markup)
    return parser.text(), encoding, parser.article_title or parser.title.strip()


# --- DOCX ------------------------------------------------------------------


def _load_docx(data: bytes, path: str) -> tuple[str, str]:
    """``(text, core title)``: body paragraphs in order, one per line; a table row is one line of tab-separated cells."""
    try:
        import docx
        from docx.oxml.ns import qn
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - dependency is in requirements
        raise LoadError(f"cannot read .docx: {exc}", path=path, hint="pip install python-docx") from None
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except Exception as exc:  # python-docx raises zipfile, KeyError, lxml and its own errors
        raise LoadError(
            f"corrupt .docx: {type(exc).__name__}: {exc}", path=path, hint="open and re-save it in Word or WPS"
        ) from None

    P, TBL, TR, TC, SDT, SDT_CONTENT = (qn(t) for t in ("w:p", "w:tbl", "w:tr", "w:tc", "w:sdt", "w:sdtContent"))

    def walk(element, out: list[str]) -> None:
        for child in element.iterchildren():
            if child.tag == P:
                text = Paragraph(child, document).text
                if text.strip():
                    out.append(text)
            elif child.tag == TBL:
                # Raw w:tc elements: a merged cell then appears once, not once per grid column/row.
                for row in child.iterchildren(TR):
                    cells = []
                    for cell in row.iterchildren(TC):
                        inner: list[str] = []
                        walk(cell, inner)
                        cells.append(" ".join(line.strip() for line in inner))
                    if any(cells):
                        out.append("\t".join(cells))
            elif child.tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    walk(content, out)

    lines: list[str] = []
    try:
        walk(body, lines)
    except Exception as exc:
        raise LoadError(f"corrupt .docx: {type(exc).__name__}: {exc}", path=path) from None
    try:
        title = document.core_properties.title or ""
    except Exception:  # a damaged docProps/core.xml costs the title, not the text
        title = ""
    return "\n".join(lines), title


# --- PDF -------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _quiet_pypdf() -> None:
    # pypdf logs every damaged structure it works around ("EOF marker not found"); with no
    # handler of its own that reaches stderr through logging's last resort, beside the
    # one-line reason the caller reports.  An app that configures logging still sees it.
    logging.getLogger("pypdf").addHandler(logging.NullHandler())


def _load_pdf(data: bytes, path: str) -> tuple[str, str]:
    """``(text, /Title)``: every page's text joined with newlines; raises OcrNeededError for scanned PDFs."""
    try:
        from pypdf import PdfReader
    except ImportError as exc:  # pragma: no cover - dependency is in requirements
        raise LoadError(f"cannot read .pdf: {exc}", path=path, hint="pip install pypdf") from None
    _quiet_pypdf()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise LoadError("encrypted PDF", path=path, hint="remove the password first, e.g. qpdf --decrypt")
            pages = [page.extract_text() or "" for page in reader.pages]
            try:
                title = str((reader.metadata or {}).get("/Title") or "")
            except Exception:  # a damaged info dictionary costs the title, not the text
                title = ""
    except LoadError:
        raise
    except Exception as exc:  # pypdf raises PdfReadError and assorted parse errors on damaged files
        raise LoadError(
            f"corrupt .pdf: {type(exc).__name__}: {exc}", path=path, hint="re-export or repair the PDF"
        ) from None
    if not pages:
        raise EmptyFileError("PDF has no pages", path=path)
    text = "\n".join(pages)
    if not text.strip():
        raise OcrNeededError(
            "PDF has no text layer", path=path, hint="OCR it first, e.g. ocrmypdf -l chi_sim IN.pdf OUT.pdf"
        )
    return text, title
