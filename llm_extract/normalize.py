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
4. web-page chrome lines are dropped and blank lines folded;
5. traditional -> simplified (OpenCC, same length) and placeholder detection.
"""

from __future__ import annotations

import html.entities
import re
from functools import lru_cache
from typing import Optional

from .errors import ConfigError
from .types import NormalizedText

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

_CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Punctuation that only occurs in CJK typesetting: a space next to it is layout.
_CJK_PUNCT = "\u3001-\u303f\u2018\u2019\u201c\u201d\u2014\u2026\u00b7\uff5f-\uffef"
_CJK_RE = re.compile(f"[{_CJK_RANGES}]")
_CJKISH_RE = re.compile(f"[{_CJK_RANGES}{_CJK_PUNCT}]")


def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph (BMP, extension A and the supplementary planes)."""
    return bool(ch) and _CJK_RE.match(ch) is not None


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
    drop = _chrome_mask(simp_lines)

    cs: list[str] = []
    ss: list[int] = []
    es: list[int] = []
    simp: list[str] = []
    have_content = False
    prev_nl: Optional[tuple[int, int]] = None
    blank_nl: Optional[tuple[int, int]] = None
    for ln, sl, dropped in zip(lines, simp_lines, drop):
        if dropped:
            continue
        if not ln.cs:
            if have_content and blank_nl is None:
                blank_nl = ln.nl
            continue
        if have_content and prev_nl is not None:
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
    return bool(text) and _line_kind(to_simplified(text)) is not None


# ---------------------------------------------------------------------------
# web-page chrome (patterns match the simplified, folded line)
# ---------------------------------------------------------------------------

_R_WELCOME = re.compile(r"^(欢迎(光临|访问|来到|进入)|welcome\b)", re.I)
_R_LOCATION = re.compile(r"^(当前位置|您的位置|你的位置|您现在的位置|你现在的位置|所在位置|当前页面)\s*[:>]?")
_R_CRUMB_HOME = re.compile(r"^(网站)?首页\s*[>»›/→]")
_R_CRUMB = re.compile(r"\s*[>»›→]\s*")
# "时间:2013年3月" may be a plan's schedule; a page stamp is "2022-02-03 10:17".
_R_META_TIME = re.compile(
    r"^(发布|更新|上传|提交|录入|发表|添加)(时间|日期)\s*:\s*\d{2,4}\s*[-/.年]"
    r"|^(时间|日期)\s*:\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(\s+\d{1,2}:\d{2}(:\d{2})?)?\s*$"
)
_R_META_COUNT = re.compile(r"(查看人数|浏览次数|阅读次数|点击次数|访问次数|浏览量|阅读量|点击量|点击数|阅读数|浏览数)\s*:?\s*\d")
_R_META_FIELD = re.compile(r"^[【\[]?(来源|作者|编辑|责任编辑|文章来源|信息来源|稿件来源|供稿|发布者|发布人|发布机构|录入|审核|字号|字体)\s*:")
_R_DISCLAIMER = re.compile(
    r"不代表本站(观点|立场)|(来源于|来自)网友(上传|投稿|分享)|本站(仅提供|不拥有|只提供|仅供)|如有侵权|侵权请?(联系|告知)"
)
_R_LEGAL = re.compile(r"免责声明|版权所有|版权声明|copyright|©|icp备|icp证|公网安备", re.I)
_R_SHARE = re.compile(r"分享到|扫一扫|扫描二维码|微信扫|收藏本页|加入收藏|打印本页|关闭窗口|返回顶部|设为首页|手机版")
_R_PREVNEXT = re.compile(r"^(上一篇|下一篇|上一页|下一页|上篇|下篇)\s*[:>]?")
_R_RELATED = re.compile(
    r"^(相关|相關)\S{0,20}?(文章|推荐|阅读|信息|内容|范文|资料|链接|专题|搜索|热词|下载|文档)\s*:?$"
    r"|^(猜你喜欢|热门推荐|推荐阅读|延伸阅读|热门文章|最新文章|精选文章|推荐文章|精彩推荐|大家都在看|你可能(还)?感兴趣|更多相关)"
)
_R_ANCHOR = re.compile(
    r"点击下载|下载文档|文档为\s*\w{0,6}\s*格式|下载本文|推荐度\s*:|\[更多\]|更多\s*>>|查看更多|阅读全文|展开全文"
    r"|^《?\s*[\[【]\s*推荐\s*[\]】]"
)
_R_WATERMARK = re.compile(
    r"www\.[\w-]+\.[a-z]{2,}|https?://|本文由.{0,30}(整理|提供|收集|编辑|发布|原创)|转载请注明|本文(来源|来自|出自)", re.I
)
# A teaser is cut mid-sentence: one "…" after a word (Chinese prose closes with "……").
_R_TEASER = re.compile(r"(\[更多\]|更多\s*>+|>>|(?<![…。！？!?.])(…|\.{3}))\s*$")
_R_SENTENCE_END = re.compile(r"[。！？；!?;]")
_R_HEADING = re.compile(r"^([一二三四五六七八九十]+、|\(?[一二三四五六七八九十]+\)|\d+(?:[、)]|\.(?!\d))|第[一二三四五六七八九十\d]+[章节条部分])")
_R_BULLET = re.compile(r"^[•·●◆◇▪▫■□○►▶\-*>]")
_R_SITE_NAME = re.compile(r"(网|网站|站|\.com|\.cn|\.net)$", re.I)


def _looks_like_content(line: str) -> bool:
    """A long sentence with numbers is report text, whatever words it holds."""
    return len(line) > 60 and re.search(r"\d", line) is not None and re.search(r"[。；;，,]", line) is not None


def _line_kind(line: str) -> Optional[str]:
    """``None`` for text, else ``'chrome'``, ``'anchor'`` (page footer) or ``'related'``.

    ``line`` must already be folded and simplified.
    """
    n = len(line)
    if not line:
        return None
    # Unambiguous footer and disclaimer markers: they never occur in a report.
    if n <= 40 and _R_RELATED.search(line):
        return "related"
    if n <= 400 and _R_ANCHOR.search(line):
        return "anchor"
    if n <= 300 and _R_DISCLAIMER.search(line):
        return "chrome"
    if n <= 120 and _R_PREVNEXT.search(line):
        return "anchor"
    if _looks_like_content(line):
        return None
    if n <= 40 and _R_WELCOME.search(line):
        return "chrome"
    if n <= 100 and (_R_LOCATION.search(line) or _R_CRUMB_HOME.search(line)):
        return "chrome"
    if n <= 80:
        parts = [p for p in _R_CRUMB.split(line) if p]
        if len(parts) >= 3 and all(len(p) <= 12 for p in parts) and not _R_SENTENCE_END.search(line):
            return "chrome"
    if n <= 80 and (_R_META_TIME.search(line) or _R_META_COUNT.search(line)):
        return "chrome"
    if n <= 60 and _R_META_FIELD.search(line) and "。" not in line:
        return "chrome"
    if n <= 150 and _R_LEGAL.search(line):
        return "chrome"
    if n <= 60 and _R_SHARE.search(line):
        return "chrome"
    if n <= 80 and _R_WATERMARK.search(line):
        return "chrome"
    return None


def _is_weak(line: str) -> bool:
    """A short title-like line: part of a page footer when chrome surrounds it."""
    return (
        len(line) <= 40
        and not _R_SENTENCE_END.search(line)
        and not _R_HEADING.search(line)
        and "," not in line
        and not line.endswith("……")
    )


def _is_listish(line: str) -> bool:
    """A line of a related-articles list: bullet, short title or teaser (not a heading)."""
    if not line or _R_BULLET.search(line) or _R_TEASER.search(line):
        return True
    return len(line) <= 40 and not _R_HEADING.search(line)


def _chrome_mask(lines: list[str]) -> list[bool]:
    """Which lines (folded, simplified) are chrome and must be dropped."""
    n = len(lines)
    kinds = [_line_kind(ln) for ln in lines]
    # A short site-name line repeated over the page is a vendor watermark.
    counts: dict[str, int] = {}
    for ln in lines:
        if ln and len(ln) <= 30 and _R_SITE_NAME.search(ln):
            counts[ln] = counts.get(ln, 0) + 1
    for i, ln in enumerate(lines):
        if kinds[i] is None and counts.get(ln, 0) >= 3:
            kinds[i] = "chrome"
    drop = [k is not None for k in kinds]
    # The list of related articles after its header goes with it.
    for i, k in enumerate(kinds):
        if k == "related":
            j = i + 1
            while j < n and (kinds[j] is not None or _is_listish(lines[j])):
                drop[j] = True
                j += 1
    # Page footer: a trailing run of chrome, teasers and short title lines.
    j = n
    while j > 0:
        ln = lines[j - 1]
        if drop[j - 1] or not ln or _is_weak(ln) or _R_TEASER.search(ln):
            j -= 1
            continue
        break
    first = next((i for i in range(j, n) if kinds[i] is not None or drop[i]), None)
    if first is not None:
        # Title and teaser lines before the first chrome line go only when that
        # line is a footer marker: a signature above "欢迎光临" is report text.
        lo = j if kinds[first] in ("anchor", "related") else first
        for i in range(lo, n):
            drop[i] = True
    return drop


# ---------------------------------------------------------------------------
# placeholders
# ---------------------------------------------------------------------------

_PH_X = re.compile(r"(?<![A-Za-z0-9.+])(?:[A-WYZ](?=[xX]{2,}))?\d*[xX]+(?:\.[xX]+)?%?(?![A-Za-z0-9])")
_PH_TIMES = re.compile(r"×+")
_PH_UNDER = re.compile(r"(?<![A-Za-z0-9_])\d*_+(?![A-Za-z0-9_])")
_PH_STAR = re.compile(r"(?<![A-Za-z0-9*])\d*\*+(?![A-Za-z0-9*])")
_UNIT_AFTER = set("镇鎮乡鄉村县縣市区區省年月日万萬亿億元个個家项項人亩畝%")
_NOT_AFTER_X = set("光射线綫線轴軸")


def find_placeholders(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` where a placeholder stands for a number or a name.

    ``xxxxx万元``, ``增长x%``, ``20xx年``, ``x.xxx亿元``, ``××镇``, ``___镇``,
    ``200*年``, ``***镇``.  An ``x`` inside an English word, ``1+X`` or ``3×4``
    is not a placeholder.
    """
    n = len(text)

    def at(i: int) -> str:
        return text[i] if 0 <= i < n else ""

    spans: list[tuple[int, int]] = []
    for m in _PH_X.finditer(text):
        a, b = m.span()
        core = m.group().rstrip("%")
        if len(core) == 1:
            prev, nxt = at(a - 1), at(a + 1)
            ok = (is_cjk(nxt) or nxt == "%" or is_cjk(prev)) and nxt not in _NOT_AFTER_X
            if not ok:
                continue
        spans.append((a, b))
    for m in _PH_TIMES.finditer(text):
        a, b = m.span()
        if b - a == 1:
            prev, nxt = at(a - 1).strip() or at(a - 2), at(b).strip() or at(b + 1)
            if prev.isdigit() or nxt.isdigit() or not (is_cjk(prev) or is_cjk(nxt)):
                continue
        spans.append((a, b))
    for m in _PH_UNDER.finditer(text):
        g = m.group()
        if g.count("_") >= 2 or g[0].isdigit():
            spans.append(m.span())
    for m in _PH_STAR.finditer(text):
        a, b = m.span()
        g = m.group()
        stars = g.count("*")
        alone = at(a - 1) in ("", "\n") and at(b) in ("", "\n")
        if g[0].isdigit() or (stars >= 3 and not alone) or (stars == 2 and at(b) in _UNIT_AFTER):
            spans.append((a, b))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


# ---------------------------------------------------------------------------
# several reports on one page
# ---------------------------------------------------------------------------

_NUM = "0-9一二三四五六七八九十百两"
_R_MARK_BRACKET = re.compile(
    rf"^[【\[]\s*(?:第\s*([{_NUM}]+)\s*篇|篇\s*([{_NUM}]+))\s*[】\]]?\s*[:、.]?\s*"
)
_R_MARK_PLAIN = re.compile(rf"^(?:第\s*([{_NUM}]+)\s*篇|篇\s*([{_NUM}]+))\s*[:、.]?\s*")
_R_COUNT = re.compile(r"[(\[【]?\s*[二三四五六七八九十两\d]+\s*篇\s*[)\]】]?")
_R_CHAPTER = re.compile(r"^第[一二三四五六七八九十\d]+章", re.M)
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _cn_number(s: str) -> int:
    if s.isdigit():
        return int(s)
    if s in _CN_DIGITS:
        return _CN_DIGITS[s]
    if "十" in s:
        tens, _, ones = s.partition("十")
        return _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0)
    return -1


def _line_starts(text: str) -> list[int]:
    starts = [0]
    pos = text.find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


def _is_report_text(segment: str) -> bool:
    return any(len(ln) >= 50 or "。" in ln for ln in segment.split("\n"))


def _find_marks(text: str, simp: str, starts: list[int], lines: list[str]) -> list[tuple[int, int, int]]:
    """``(line start, title start, number)`` of the report markers worth trusting."""

    def find(regex: re.Pattern, max_len: int) -> list[tuple[int, int, int]]:
        found = []
        for k, (a, ln) in enumerate(zip(starts, lines)):
            m = regex.match(ln)
            if m and len(ln) <= max_len:
                nxt = starts[k + 1] if k + 1 < len(starts) else len(text)
                found.append((a, a + m.end(), _cn_number(m.group(1) or m.group(2)), nxt))
        # A table of contents lists the markers without text: skip those lines.
        kept = []
        for i, (a, t, num, nxt) in enumerate(found):
            seg_end = found[i + 1][0] if i + 1 < len(found) else len(text)
            if _is_report_text(text[nxt:seg_end]):
                kept.append((a, t, num))
        return kept

    marks = find(_R_MARK_BRACKET, 200)
    if len({num for _, _, num in marks}) >= 2:
        return marks
    plain = find(_R_MARK_PLAIN, 60)
    nums = [num for _, _, num in plain]
    header = simp[: plain[0][0]] if plain else ""
    # Unbracketed "第一篇" also heads parts of long plans: trust it only when
    # numbered 1..k and the page announces its count or has no chapters.
    if len(plain) >= 2 and nums == list(range(1, len(plain) + 1)) and (
        _R_COUNT.search(header) or not _R_CHAPTER.search(simp)
    ):
        return plain
    return []


def split_reports(original: str, start: int = 0, end: Optional[int] = None) -> list[tuple[int, int, str]]:
    """One ``(start, end, title)`` per report of ``original[start:end]``, in original offsets.

    Chrome (site header, related-article lists) is left out of every range;
    a page without report markers gives one range over its content.  A range
    lets a very large file be split part by part without normalizing it whole.
    """
    nt = normalize(original, start, end)
    text, simp = nt.text, nt.simplified
    if not text:
        return []
    starts = _line_starts(text)
    lines = [simp[a : (starts[i + 1] - 1 if i + 1 < len(starts) else len(simp))] for i, a in enumerate(starts)]
    marks = _find_marks(text, simp, starts, lines)

    def orig_range(a: int, b: int) -> Optional[tuple[int, int]]:
        seg = text[a:b]
        b = a + len(seg.rstrip())
        a = a + (len(seg) - len(seg.lstrip()))
        if a >= b:
            return None
        return nt.src_start[a], nt.src_end[b - 1]

    if not marks:
        first = lines[0]
        title = text[: len(first)] if _is_weak(first) and len(starts) > 1 else ""
        rng = orig_range(0, len(text))
        return [(rng[0], rng[1], title)] if rng else []

    bounds = [a for a, _, _ in marks] + [len(text)]
    if _is_report_text(text[: bounds[0]]):
        bounds[0] = 0  # the page holds text before the first marker: keep it
    out: list[tuple[int, int, str]] = []
    for k, (a, title_start, _) in enumerate(marks):
        rng = orig_range(bounds[k], bounds[k + 1])
        if rng is None:
            continue
        line_end = text.find("\n", a)
        line_end = len(text) if line_end < 0 else line_end
        title = text[title_start:line_end].strip().strip("】]").strip()
        out.append((rng[0], rng[1], title))
    return out
