"""Detect the encoding of a text file's bytes and decode them.

Encodings are detected, never assumed: byte-order marks, then UTF-16 without
a BOM (recognized by its NUL bytes), strict UTF-8, then GB18030 / Big5 /
BOM-less UTF-16 ranked by the share of common Chinese characters each decoding
yields, then files that mix UTF-8 lines with lines of one legacy encoding, and
last UTF-8 with replacement characters when under 0.1% of the bytes are bad.
The scoring needs no data file: GB2312 level 1 and Big5's common-character
block are themselves frequency lists.

Kept apart from :mod:`llm_extract.text.loading` because it works on bytes alone:
it knows nothing of paths on disk or file formats, and the format readers
there (plain text, HTML without a usable charset) all funnel into
:func:`decode_bytes`.
"""

from __future__ import annotations

import functools
import logging

from ..core.errors import BinaryFileError, DecodeError

__all__ = [
    "decode_bytes",
    "cjk_score",
    "strict_decode",
    "has_bom",
    "MAX_BAD_UTF8_SHARE",
    "MAX_CONTROL_SHARE",
    "MIN_CJK_SCORE",
    "MIN_UTF16_SCORE",
]

log = logging.getLogger(__name__)

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


def strict_decode(data: bytes, encoding: str) -> str | None:
    """``data`` decoded without replacements, or None when it is not valid ``encoding``."""
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def has_bom(data: bytes) -> bool:
    """True when ``data`` starts with a UTF-8, UTF-16 or UTF-32 byte-order mark."""
    return any(data.startswith(bom) for bom, _ in _BOMS)


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
        text = strict_decode(data, encoding)
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
            text = strict_decode(data, encoding)
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
    text = strict_decode(data, "utf-8")
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
        text = strict_decode(line, "utf-8")
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
            text = strict_decode(lines[i], encoding)
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
    text = strict_decode(data, "gb18030")
    if text is not None:
        candidates.append((text, "gb18030"))
    for encoding in ("big5", "cp950", "big5hkscs"):  # plain Big5 first, then the vendor extensions
        text = strict_decode(data, encoding)
        if text is not None:
            candidates.append((text, encoding))
            break
    candidates += [c for c in _utf16_candidates(data) if c[1].startswith("utf-16")]
    return _best(candidates, count_ascii=False)
