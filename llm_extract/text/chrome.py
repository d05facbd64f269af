"""Which lines of a page are web-page chrome rather than report text.

Site headers, breadcrumbs, publication stamps, share buttons, copyright and
disclaimer lines, vendor watermarks and related-article lists are recognized
here, one line at a time plus a few rules over the whole page.  This is kept
apart from :mod:`llm_extract.text.normalize` because it works on plain strings
(folded, simplified lines) and knows nothing of offset maps: normalize decides
*which* lines to drop by asking this module, then drops them itself so the map
back to the original stays intact.
"""

from __future__ import annotations

import re
from typing import Optional

__all__ = ["line_kind", "chrome_mask", "is_weak_line"]

# Patterns match the simplified, folded line.
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


def line_kind(line: str) -> Optional[str]:
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


def is_weak_line(line: str) -> bool:
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


def chrome_mask(lines: list[str]) -> list[bool]:
    """Which lines (folded, simplified) are chrome and must be dropped."""
    n = len(lines)
    kinds = [line_kind(ln) for ln in lines]
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
        if drop[j - 1] or not ln or is_weak_line(ln) or _R_TEASER.search(ln):
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
