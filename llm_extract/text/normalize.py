"""Text normalization with an offset map back to the original text.

Every character of a :class:`NormalizedText` remembers the half-open range of
the original text that produced it, so search hits, citations and extracted
evidence can always be turned back into exact quotes of the file.

The work is done in a few passes over three parallel lists (characters,
original start, original end).  A pass that merges several characters into one
keeps the first start and the last end; a pass that drops characters simply
leaves them out.  Because every pass walks left to right, both maps stay
non-decreasing without any extra bookkeeping.

Passes:

1. decode: literal ``\\n``/``\\r\\n``/``\\t`` escapes, real ``\\r\\n``, HTML
   entities, full-width ASCII and exotic spaces;
2. pinyin glosses after a character (``鎮(zhèn)``) are dropped;
3. whitespace inside lines is folded, spaces between CJK characters removed;
4. web-page chrome lines and page furniture are dropped, blank lines folded
   and line breaks inside a wrapped sentence left out (:mod:`.layout`);
5. traditional -> simplified (OpenCC, same length) and placeholder detection.

Deciding *what* is chrome (:mod:`.chrome`) or a placeholder
(:mod:`.placeholders`) lives in modules of its own; this one builds and keeps
the offset map.  Splitting a page into several reports is in :mod:`.reports`.
"""

from __future__ import annotations

import html.entities
import re
from functools import lru_cache
from typing import Optional

from .chrome import chrome_mask, line_kind
from .layout import page_furniture, wrap_joins
from ..core.cjk import CJK_RANGES as _CJK_RANGES
from ..core.cjk import CJK_RE as _CJK_RE
from ..core.cjk import is_cjk
from ..core.errors import ConfigError
from .placeholders import find_placeholders
from ..core.types import NormalizedText

__all__ = [
    "normalize",
    "normalize_query",
    "split_reports",
    "find_placeholders",
    "is_chrome_line",
    "has_gloss",
    "is_cjk",
    "to_simplified",
]

# ---------------------------------------------------------------------------
# character classes
# ---------------------------------------------------------------------------

# Punctuation that only occurs in CJK typesetting: a space next to it is layout.
_CJK_PUNCT = "\u3001-\u303f\u2018\u2019\u201c\u201d\u2014\u2026\u00b7\uff5f-\uffef"
_CJKISH_RE = re.compile(f"[{_CJK_RANGES}{_CJK_PUNCT}]")


def _is_cjkish(ch: str) -> bool:
    return _CJKISH_RE.match(ch) is not None


def _build_fold() -> dict[str, str]:
    fold: dict[str, str] = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
    for c in ["\u3000", "\u00a0", "\u1680", "\u202f", "\u205f", "\t"] + [chr(c) for c in range(0x2000, 0x200B)]:
        fold[c] = " "
    for c in ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]:
        fold[c] = ""  # invisible characters: dropping them keeps words searchable
    for c in ["\u2028", "\u2029", "\x0b", "\x0c", "\x85"]:
        fold[c] = "\n"
    return fold


_FOLD = _build_fold()
# Characters the decode pass must look at; everything else is copied in bulk.
_SPECIAL_RE = re.compile("[\\\\\r&" + re.escape("".join(_FOLD)) + "]")

# ---------------------------------------------------------------------------
# entities and glosses
# ---------------------------------------------------------------------------

_ENTITY_BODY = r"(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}))(;?)"
_ENTITY_RE = re.compile("&" + _ENTITY_BODY)
# ``&amp;nbsp;``: an entity escaped twice by a careless exporter.
_DOUBLE_ENTITY_RE = re.compile("&amp;" + _ENTITY_BODY)
# Names that exporters write without the closing semicolon.
_BARE_ENTITIES = {"nbsp", "amp", "lt", "gt", "quot"}

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ\u0300\u0301\u0304\u030c"
_PINYIN_LETTERS = "a-z" + _TONED + "ê"
_SYL = f"[{_PINYIN_LETTERS}]{{1,7}}"
_GLOSS_RE = re.compile(
    f"(?<=[{_CJK_RANGES}A-Za-z])[(（]\\s?(?=[^)）]{{0,40}}[{_TONED}])({_SYL}(?:[ '’]{_SYL}){{0,3}})\\s?[)）]"
)


def has_gloss(text: str) -> bool:
    """True when ``text`` still holds a pinyin gloss such as ``鎮(zhèn)``."""
    return _GLOSS_RE.search(text) is not None


def _decode_entity(m: re.Match) -> Optional[str]:
    dec, hexa, name, semi = m.group(1), m.group(2), m.group(3), m.group(4)
    if dec or hexa:
        cp = int(dec) if dec else int(hexa, 16)
        if cp < 9 or cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF or 0x7F <= cp <= 0x9F:
            return None
        return chr(cp)
    if semi:
        return html.entities.html5.get(name + ";")
    if name in _BARE_ENTITIES:
        return html.entities.html5.get(name + ";")
    return None


# ---------------------------------------------------------------------------
# passes
# ---------------------------------------------------------------------------

Lists = tuple[list[str], list[int], list[int]]


def _decode_pass(original: str, start: int, end: int) -> Lists:
    """Escapes, line ends, entities and full-width folding in one scan."""
    cs: list[str] = []
    ss: list[int] = []
    es: list[int] = []
    search = _SPECIAL_RE.search
    i = start
    while i < end:
        m = search(original, i, end)
        j = m.start() if m else end
        if j > i:  # plain run: copied as is
            cs.extend(original[i:j])
            ss.extend(range(i, j))
            es.extend(range(i + 1, j + 1))
            i = j
            if not m:
                break
        c = original[i]
        out: Optional[str] = None
        k = i + 1
        if c == "\\" and i + 1 < end and original[i + 1] in "rnt":
            n = original[i + 1]
            k = i + 2
            if n == "t":
                out = " "
            else:
                if n == "r" and k + 2 <= end and original.startswith("\\n", k):
                    k += 2
                out = "\n"
        elif c == "\r":
            out = "\n"
            if i + 1 < end and original[i + 1] == "\n":
                k = i + 2
        elif c == "&":
            em = _DOUBLE_ENTITY_RE.match(original, i, end)
            dec = _decode_entity(em) if em else None
            if dec is None:
                em = _ENTITY_RE.match(original, i, end)
                dec = _decode_entity(em) if em else None
            if dec is not None and em is not None:
                k = em.end()
                out = "".join("\n" if ch == "\r" else _FOLD.get(ch, ch) for ch in dec)
            else:
                out = "&"
        else:
            out = _FOLD.get(c, c)
        for ch in out:
            cs.append(ch)
            ss.append(i)
            es.append(k)
        i = k
    return cs, ss, es


def _drop_glosses(cs: list[str], ss: list[int], es: list[int]) -> Lists:
    # Removing one gloss can close another around it (``鎮(zh(yè)èn)``), so
    # repeat until none is left; real text needs a single round.
    for _ in range(4):
        spans = [m.span() for m in _GLOSS_RE.finditer("".join(cs))]
        if not spans:
            break
        # Copy the runs between glosses slice by slice: per-character masks cost
        # seconds on a large file.
        nc: list[str] = []
        ns: list[int] = []
        ne: list[int] = []
        prev = 0
        for a, b in spans:
            nc.extend(cs[prev:a])
            ns.extend(ss[prev:a])
            ne.extend(es[prev:a])
            prev = b
        nc.extend(cs[prev:])
        ns.extend(ss[prev:])
        ne.extend(es[prev:])
        cs, ss, es = nc, ns, ne
    return cs, ss, es


def _removable_space(prev: str, nxt: str) -> bool:
    """A space between these two characters is layout, not content."""
    p_cjk, n_cjk = is_cjk(prev), is_cjk(nxt)
    if (p_cjk or _is_cjkish(prev)) and (n_cjk or _is_cjkish(nxt)):
        return True
    if p_cjk and (nxt.isdigit() or nxt in ",.;:!?)]%"):
        return True
    if n_cjk and (prev.isdigit() or prev in ",;:!?(["):
        return True
    return False


class _Line:
    __slots__ = ("cs", "ss", "es", "nl")

    def __init__(self, cs: list[str], ss: list[int], es: list[int], nl: Optional[tuple[int, int]]):
        self.cs, self.ss, self.es, self.nl = cs, ss, es, nl


def _fold_line(cs: list[str], ss: list[int], es: list[int]) -> Lists:
    """Collapse space runs, strip the line, drop spaces between CJK characters."""
    if " " not in cs:
        return cs, ss, es
    oc: list[str] = []
    os_: list[int] = []
    oe: list[int] = []
    n = len(cs)
    i = 0
    while i < n:
        if cs[i] != " ":
            oc.append(cs[i])
            os_.append(ss[i])
            oe.append(es[i])
            i += 1
            continue
        j = i
        while j < n and cs[j] == " ":
            j += 1
        # leading/trailing runs vanish; inner runs become one space unless layout
        if oc and j < n and not _removable_space(oc[-1], cs[j]):
            oc.append(" ")
            os_.append(ss[i])
            oe.append(es[j - 1])
        i = j
    return oc, os_, oe


def _split_lines(cs: list[str], ss: list[int], es: list[int]) -> list[_Line]:
    lines: list[_Line] = []
    a = 0
    n = len(cs)
    # Line ends found in the joined string: str.find is far cheaper than list.index.
    joined = "".join(cs)
    while a <= n:
        b = joined.find("\n", a)
        if b < 0:
            b = n
        lc, ls, le = _fold_line(cs[a:b], ss[a:b], es[a:b])
        lines.append(_Line(lc, ls, le, (ss[b], es[b]) if b < n else None))
        a = b + 1
    return lines


def _core(original: str, start: int, end: int) -> list[_Line]:
    cs, ss, es = _decode_pass(original, start, end)
    cs, ss, es = _drop_glosses(cs, ss, es)
    return _split_lines(cs, ss, es)


# ---------------------------------------------------------------------------
# traditional -> simplified
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _converter():
    try:
        import opencc  # heavy-ish C extension: imported on first use only
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigError("the 'opencc' package is missing", hint="pip install opencc") from exc
    try:
        return opencc.OpenCC("t2s")
    except Exception:  # some builds want the file name
        return opencc.OpenCC("t2s.json")


@lru_cache(maxsize=8192)
def _simplify_char(ch: str) -> str:
    out = _converter().convert(ch)
    return out if len(out) == 1 else ch


def to_simplified(text: str) -> str:
    """Traditional -> simplified with exactly the same length as ``text``.

    OpenCC converts phrases, and a phrase may change length; then the text is
    converted line by line and finally character by character so the 1:1 map
    between ``text`` and ``simplified`` holds.
    """
    if not text:
        return text
    conv = _converter()
    out = conv.convert(text)
    if _aligned(text, out):
        return out
    parts = []
    for line in text.split("\n"):
        conv_line = conv.convert(line)
        parts.append(conv_line if _aligned(line, conv_line) else "".join(_simplify_char(c) for c in line))
    return "\n".join(parts)


def _aligned(text: str, converted: str) -> bool:
    # Equal length is not enough: one phrase may shrink and another grow.
    # Conversion only touches ideographs, so everything else must stay put.
    return len(text) == len(converted) and _CJK_RE.sub("\0", text) == _CJK_RE.sub("\0", converted)


# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------


def normalize(original: str, start: int = 0, end: Optional[int] = None) -> NormalizedText:
    """Normalize ``original[start:end]`` keeping a map back to the original."""
    end = len(original) if end is None else end
    if not 0 <= start <= end <= len(original):
        raise ValueError(f"range [{start}, {end}) outside text of length {len(original)}")
    lines = _core(original, start, end)
    simp_lines = [to_simplified("".join(ln.cs)) for ln in lines]
    furniture = page_furniture(simp_lines)
    drop = [c or f for c, f in zip(chrome_mask(simp_lines), furniture)]
    # As extracted, leading white space included (a line's indent can mark a new paragraph).
    heads = [start] + [ln.nl[1] if ln.nl else end for ln in lines[:-1]]
    raw_lines = [original[h:ln.es[-1]] if ln.cs else "" for h, ln in zip(heads, lines)]
    joins = wrap_joins(simp_lines, drop, furniture, raw_lines)

    cs: list[str] = []
    ss: list[int] = []
    es: list[int] = []
    simp: list[str] = []
    have_content = False
    prev_nl: Optional[tuple[int, int]] = None
    blank_nl: Optional[tuple[int, int]] = None
    for i, (ln, sl, dropped) in enumerate(zip(lines, simp_lines, drop)):
        if dropped:
            continue
        if not ln.cs:
            if have_content and blank_nl is None:
                blank_nl = ln.nl
            continue
        if have_content and prev_nl is not None and i in joins:
            # A line wrapped inside a sentence: the break is layout, not text.
            if cs[-1].isascii() and cs[-1].isalpha() and ln.cs[0].isascii() and ln.cs[0].isalpha():
                cs.append(" ")
                ss.append(prev_nl[0])
                es.append(prev_nl[1])
                simp.append(" ")
        elif have_content and prev_nl is not None:
            # at most one blank line survives between two lines of text
            for nl in (prev_nl, blank_nl):
                if nl is not None:
                    cs.append("\n")
                    ss.append(nl[0])
                    es.append(nl[1])
                    simp.append("\n")
        cs.extend(ln.cs)
        ss.extend(ln.ss)
        es.extend(ln.es)
        simp.append(sl)
        prev_nl, blank_nl, have_content = ln.nl, None, True
    text = "".join(cs)
    nt = NormalizedText(
        original=original, text=text, simplified="".join(simp), src_start=ss, src_end=es,
        base_start=start, base_end=end,
    )
    nt.placeholders = find_placeholders(text)
    return nt


def normalize_query(q: str) -> str:
    """Normalize a search query the way indexed text is normalized (simplified)."""
    cs, ss, es = _decode_pass(q, 0, len(q))
    cs, ss, es = _drop_glosses(cs, ss, es)
    cs = [" " if c == "\n" else c for c in cs]
    cs, _, _ = _fold_line(cs, ss, es)
    return to_simplified("".join(cs))


def is_chrome_line(line: str) -> bool:
    """True when ``line`` (any script, raw or normalized) is web-page chrome."""
    lines = _core(line, 0, len(line))
    text = " ".join("".join(ln.cs) for ln in lines).strip()
    return bool(text) and line_kind(to_simplified(text)) not in (None, "menu")
