"""Turn files into :class:`~llm_extract.types.RawFile` objects.

``RawFile.text`` is the *original text* every span of the project points
into, so this module never normalizes it: plain text keeps its ``\\r\\n`` and
every character as decoded.  For HTML, DOCX and PDF files the original text
is the text layer this module extracts (visible HTML text, document
paragraphs, PDF page text); it is stored beside the index so spans stay
checkable.

Encodings are detected, never assumed: byte-order marks, then UTF-16 without
a BOM (recognized by its NUL bytes), strict UTF-8, then GB18030 / Big5 /
BOM-less UTF-16 ranked by the share of common Chinese characters each decoding
yields, and last UTF-8 with replacement characters when under 0.1% of the
bytes are bad.  The scoring needs no data file: GB2312 level 1 and Big5's
common-character block are themselves frequency lists.
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

from .errors import (
    BinaryFileError,
    DecodeError,
    EmptyFileError,
    LoadError,
    OcrNeededError,
    UnsupportedFormatError,
)
from .types import RawFile

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
_FORMATS = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}

_MB = 1024 * 1024
# A mostly-UTF-8 file is decoded with U+FFFD replacements only below this share of bad byte sequences.
MAX_BAD_UTF8_SHARE = 0.001
# Share of C0 control bytes (other than tab, newlines, form feed) above which a file is binary.
MAX_CONTROL_SHARE = 0.05
# Minimum share of "expected" characters for a guessed legacy decoding to be believed.
MIN_CJK_SCORE = 0.6
# The same for UTF-16 recognized by its NULs; ASCII counts there, so real text scores near 1.
MIN_UTF16_SCORE = 0.9
# Characters scored per candidate decoding; enough to be decisive, cheap on big files.
_SCORE_SAMPLE = 20000

_BOMS = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 LE one.
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF; give it the .pdf suffix"),
    (b"PK\x03\x04", "a ZIP archive (.docx/.xlsx?); give it its real suffix"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office file (.doc/.xls); save it as .docx or .txt"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
)

_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c") + b"\x7f"
_NON_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)

# Punctuation of Chinese prose: counts as "expected" when scoring a decoding.
_CJK_PUNCT = frozenset("，。、；：？！“”‘’（）《》〈〉【】—…·「」『』％．～×°\u3000―‖")

_DECODE_HINT = "convert the file to UTF-8, e.g. iconv -f GBK -t UTF-8 IN.txt > OUT.txt"


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
    :class:`~llm_extract.errors.UnsupportedFormatError` rather than being
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
# Decoding
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _is_common_hanzi(char: str) -> bool:
    """True for the ~3,800 most used simplified and ~5,400 most used traditional characters.

    GB2312 level 1 (lead bytes B0-D7) and Big5 "常用字" (A440-C67E) are
    frequency-ordered sets, so membership is a dependency-free frequency proxy.
    """
    try:
        code = char.encode("gb2312")
        if 0xB0 <= code[0] <= 0xD7:
            return True
    except UnicodeEncodeError:
        pass
    try:
        code = char.encode("big5")
        return len(code) == 2 and 0xA440 <= (code[0] << 8 | code[1]) <= 0xC67E
    except UnicodeEncodeError:
        return False


def _char_is_expected(char: str) -> bool:
    cp = ord(char)
    return char in _CJK_PUNCT or 0xFF01 <= cp <= 0xFF5E or (0x4E00 <= cp <= 0x9FFF and _is_common_hanzi(char))


def cjk_score(text: str, *, count_ascii: bool = False) -> float:
    """Share of characters that are common Chinese characters or punctuation.

    With ``count_ascii`` false only non-ASCII characters are scored (the ASCII
    part reads the same under every candidate encoding); with it true,
    printable ASCII and whitespace count as expected and ASCII control
    characters as unexpected.
    """
    sample = text[:_SCORE_SAMPLE]
    total = good = 0
    for char in sample:
        if ord(char) < 0x80:
            if not count_ascii:
                continue
            total += 1
            good += char.isprintable() or char in "\t\n\r\x0b\x0c"
            continue
        total += 1
        good += _char_is_expected(char)
    return good / total if total else 0.0


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _best(candidates: list[tuple[str, str]], *, count_ascii: bool) -> tuple[str, str, float] | None:
    """The highest-scoring ``(text, encoding)``; earlier candidates win ties."""
    best: tuple[str, str, float] | None = None
    for text, encoding in candidates:
        score = cjk_score(text, count_ascii=count_ascii)
        if best is None or score > best[2]:
            best = (text, encoding, score)
    return best


def _utf16_candidates(data: bytes) -> list[tuple[str, str]]:
    out = []
    encodings = ["utf-16-le", "utf-16-be"] if len(data) % 2 == 0 else []
    if len(data) % 4 == 0:
        encodings += ["utf-32-le", "utf-32-be"]
    for encoding in encodings:
        text = _strict(data, encoding)
        if text is not None:
            out.append((text, encoding))
    return out


def _control_share(data: bytes) -> float:
    # translate() deletes the non-control bytes in C: fast even on big files.
    return len(data.translate(None, _NON_CONTROL_BYTES)) / len(data) if data else 0.0


def decode_bytes(data: bytes, *, path: str = "") -> tuple[str, str]:
    """Decode a text file's bytes; returns ``(text, encoding)``.

    ``encoding`` is a Python codec name with which ``data.decode(encoding)``
    reproduces ``text`` (except for a mostly-UTF-8 file decoded with
    replacement characters, which is logged as a warning).  Raises
    :class:`BinaryFileError` for bytes that are not text and
    :class:`DecodeError` when no encoding fits.
    """
    if not data:
        return "", "utf-8"
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            if encoding == "utf-8-sig":
                return _decode_utf8(data[len(bom):], path, encoding)
            text = _strict(data, encoding)
            if text is None:
                raise DecodeError(
                    f"file starts with a {encoding.upper()} byte-order mark but is not valid {encoding.upper()}",
                    path=path,
                    hint=_DECODE_HINT,
                )
            return text, encoding
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise BinaryFileError(f"binary file, not text (looks like {what})", path=path)

    has_nul = b"\x00" in data
    controls = _control_share(data)
    if has_nul or controls > MAX_CONTROL_SHARE:
        # UTF-16 puts NULs in ASCII and control-range bytes in CJK punctuation (、 is 01 30).
        best = _best(_utf16_candidates(data), count_ascii=True)
        if best and best[2] >= MIN_UTF16_SCORE:
            return best[0], best[1]
        raise BinaryFileError(
            "binary file, not text", path=path, hint="only text, HTML, DOCX and PDF files can be loaded"
        )

    return _decode_utf8(data, path, "utf-8")


def _decode_utf8(data: bytes, path: str, name: str) -> tuple[str, str]:
    """Strict UTF-8, else a legacy CJK encoding, else UTF-8 with a few replacement characters."""
    text = _strict(data, "utf-8")
    if text is not None:
        return text, name
    # A BOM settles the encoding; otherwise a clean legacy decoding beats a lossy UTF-8 one
    # (an ASCII file with one GBK word has few bad UTF-8 bytes, but is GBK).
    legacy = None if name == "utf-8-sig" else _decode_legacy(data)
    if legacy and legacy[2] >= MIN_CJK_SCORE:
        return legacy[0], legacy[1]
    mixed = _decode_mixed(data)
    if mixed is not None:
        log.warning("%s: mixed encodings, decoded line by line as %s", path or "<bytes>", mixed[1])
        return mixed
    replaced = data.decode("utf-8", errors="replace")
    # Each U+FFFD not already in the file marks one invalid sequence of one or more bytes.
    bad = replaced.count("\ufffd") - data.count("\ufffd".encode("utf-8"))
    if bad < MAX_BAD_UTF8_SHARE * len(data):
        log.warning("%s: %d invalid UTF-8 byte sequence(s) replaced with U+FFFD", path or "<bytes>", bad)
        return replaced, name
    detail = f"{bad} invalid UTF-8 byte sequences ({bad / len(data):.1%} of bytes)"
    if name == "utf-8-sig":
        raise DecodeError(f"file has a UTF-8 byte-order mark but {detail}", path=path, hint=_DECODE_HINT)
    if legacy:
        detail += f", and as {legacy[1]} it reads as garbage"
    else:
        detail += ", and it is not GB18030, Big5 or UTF-16 either"
    raise DecodeError(f"cannot detect the text encoding: {detail}", path=path, hint=_DECODE_HINT)


def _decode_mixed(data: bytes) -> tuple[str, str] | None:
    """Lines of UTF-8 and lines of one legacy encoding in one file (files pasted together).

    Each line is strict UTF-8 or strict GB18030/Big5 (their multibyte
    sequences never contain CR or LF bytes, so lines split cleanly), and the
    legacy lines together must read as Chinese; the encoding reported is
    ``mixed:utf-8+<legacy>``.  None when that does not hold.
    """
    lines = data.splitlines(keepends=True)
    utf8: dict[int, str] = {}
    other: list[int] = []
    for i, line in enumerate(lines):
        text = _strict(line, "utf-8")
        if text is None:
            other.append(i)
        else:
            utf8[i] = text
    if not other or not any(not lines[i].isascii() for i in utf8):
        return None  # not a mix: the whole-file decodings already had their chance
    best: tuple[dict[int, str], str, float] | None = None
    for encoding in ("gb18030", "big5hkscs"):
        decoded = {}
        for i in other:
            text = _strict(lines[i], encoding)
            if text is None:
                break
            decoded[i] = text
        else:
            score = cjk_score("".join(decoded.values()))
            if best is None or score > best[2]:
                best = (decoded, encoding, score)
    if best is None or best[2] < MIN_CJK_SCORE:
        return None
    decoded = best[0]
    return "".join(utf8.get(i) or decoded[i] for i in range(len(lines))), f"mixed:utf-8+{best[1]}"


def _decode_legacy(data: bytes) -> tuple[str, str, float] | None:
    """Best of GB18030, Big5 and BOM-less UTF-16 by share of common Chinese characters."""
    candidates: list[tuple[str, str]] = []
    text = _strict(data, "gb18030")
    if text is not None:
        candidates.append((text, "gb18030"))
    for encoding in ("big5", "cp950", "big5hkscs"):  # plain Big5 first, then the vendor extensions
        text = _strict(data, encoding)
        if text is not None:
            candidates.append((text, encoding))
            break
    candidates += [c for c in _utf16_candidates(data) if c[1].startswith("utf-16")]
    return _best(candidates, count_ascii=False)


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

    Raises a :class:`~llm_extract.errors.LoadError` subclass with a one-line
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
    if fmt in ("txt", "md"):
        text, encoding = decode_bytes(data, path=where)
    elif fmt == "html":
        text, encoding = _load_html(data, where)
    elif fmt == "docx":
        text, encoding = _load_docx(data, where), ""
    else:
        text, encoding = _load_pdf(data, where), ""
    if not text.strip():
        raise EmptyFileError("file has no text (empty or only whitespace)", path=where)
    return RawFile(path=where, text=text, encoding=encoding, format=fmt, sha256=hashlib.sha256(data).hexdigest())


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
    if declared is None or declared in _LATIN_LABELS or any(data.startswith(bom) for bom, _ in _BOMS):
        # Chinese pages are often mislabelled iso-8859-1 by old CMSs; a BOM overrides <meta> in browsers too.
        return decode_bytes(data, path=path)
    encoding = _CHARSET_ALIASES.get(declared, declared)
    if encoding not in ("utf-8", "utf8") and not data.isascii() and _strict(data, "utf-8") is not None:
        # Valid UTF-8 with non-ASCII bytes is almost never GBK/Big5: the <meta> was copied from an old template.
        return data.decode("utf-8"), "utf-8"
    text = _strict(data, encoding)
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

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden += 1
        elif tag in ("pre", "textarea"):
            self.pre += 1
        self._boundary(tag)

    def handle_startendtag(self, tag: str, attrs) -> None:
        # <br/>, <hr/>, <td/>: a boundary, but never opens a hidden or <pre> region.
        self._boundary(tag)

    def handle_endtag(self, tag: str) -> None:
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


def html_to_text(markup: str) -> str:
    """Visible text of an HTML document, one block element per line, entities decoded."""
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    return parser.text()


def _load_html(data: bytes, path: str) -> tuple[str, str]:
    markup, encoding = _decode_html(data, path)
    return html_to_text(markup), encoding


# --- DOCX ------------------------------------------------------------------


def _load_docx(data: bytes, path: str) -> str:
    """Body paragraphs in order, one per line; a table row is one line of tab-separated cells."""
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
    return "\n".join(lines)


# --- PDF -------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _quiet_pypdf() -> None:
    # pypdf logs every damaged structure it works around ("EOF marker not found"); with no
    # handler of its own that reaches stderr through logging's last resort, beside the
    # one-line reason the caller reports.  An app that configures logging still sees it.
    logging.getLogger("pypdf").addHandler(logging.NullHandler())


def _load_pdf(data: bytes, path: str) -> str:
    """Text of every page joined with newlines; raises OcrNeededError for scanned PDFs."""
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
    return text
