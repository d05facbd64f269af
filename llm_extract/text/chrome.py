"""Which lines of a page are web-page chrome rather than report text.

Site headers and menus, breadcrumbs, publication stamps, government
information-disclosure headers (索引号/发布机构/文号…), tool bars (打印本页,
【字体：大 中 小】), share buttons, site footers (主办/网站标识码/ICP备),
copyright and disclaimer lines, vendor watermarks and related-article lists are recognized
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
_R_LOCATION = re.compile(
    r"^(当前位置|您的位置|你的位置|您现在的位置|你现在的位置|您所在的位置|您当前的位置|所在位置|当前页面)\s*[:>]?"
)
# A government site's name standing alone (its logo's text): ``青川县人民政府门户网站``, ``云雾市人民政府网``.
_R_SITE_TITLE = re.compile(
    r"^[\u4e00-\u9fff]{2,20}?(?:人民政府门户网站|人民政府网站|人民政府网|政府门户网站|政府网站|政府网|门户网站|政务网|政务服务网)$"
)
_R_CRUMB_HOME = re.compile(r"^(网站)?首页\s*[>»›/→]")
_R_CRUMB = re.compile(r"\s*[>»›→]\s*")
# "时间:2013年3月" may be a plan's schedule; a page stamp is "2022-02-03 10:17".
_R_META_TIME = re.compile(
    r"^(发布|更新|上传|提交|录入|发表|添加)(时间|日期)\s*:\s*\d{2,4}\s*[-/.年]"
    r"|^(时间|日期)\s*:\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(\s+\d{1,2}:\d{2}(:\d{2})?)?\s*$"
)
_R_META_COUNT = re.compile(r"(查看人数|浏览次数|阅读次数|点击次数|访问次数|浏览量|阅读量|点击量|点击数|阅读数|浏览数)\s*:?\s*\d")
_R_META_FIELD = re.compile(r"^[【\[(]?(来源|作者|编辑|责任编辑|文章来源|信息来源|稿件来源|供稿|发布者|发布人|发布机构|录入|审核|字号|字体)\s*:")
_R_DISCLAIMER = re.compile(
    r"不代表本站(观点|立场)|(来源于|来自)网友(上传|投稿|分享)|本站(仅提供|不拥有|只提供|仅供)|如有侵权|侵权请?(联系|告知)"
)
# A government page's information-disclosure header ("索引号: … 发布机构: … 文号: …").
_R_GOV_META = re.compile(
    r"^[【\[]?(索引号|发布机构|发文机关|发文单位|主题分类|主题词|组配分类|体裁分类|服务对象|文号|发文字号|成文日期|"
    r"发布日期|生成日期|公开方式|公开范围|公开时限|公开形式|公开类别|信息类别|信息分类|有效性|效力状态|统一编号|"
    r"所属机构|文件编号)\s*:"
)
_R_SITE_FOOTER = re.compile(
    r"^(主办|承办|协办|主管|主办单位|承办单位|主管单位|协办单位|技术支持|运行维护|运维单位|网站标识码|网站识别码)\s*[:：]"
    r"|网站标识码|网站识别码|ipv6|建议使用.{0,30}(浏览器|分辨率)|最佳(浏览|显示)效果",
    re.I,
)
# Words of a page's tool bars and site menus; a line made only of them is furniture.
_CONTROL_WORDS = re.compile(
    r"打印本页|打印此页|打印文章|打印|关闭窗口|关闭本页|关闭|收藏本页|收藏|分享到|分享|我要纠错|纠错|返回顶部|返回首页|"
    r"返回列表|返回|字体|字号|大中小|小中大|默认|保存|微信|新浪微博|腾讯微博|微博|qq空间|qq|扫一扫|朋友圈|复制链接|"
    r"无障碍|长者模式|关怀版|繁体|简体|繁體|登录|注册|网站地图|联系我们|关于我们|手机版|english|搜索|放大|缩小",
    re.I,
)
_NAV_WORDS = re.compile(
    r"网站首页|首页|政务公开|政府信息公开|信息公开|政务服务|互动交流|政民互动|公众参与|新闻中心|新闻动态|要闻动态|政务动态|"
    r"走进[\w]{1,6}|魅力[\w]{1,4}|机构职能|领导之窗|政策文件|政策解读|办事服务|在线服务|数据开放|专题专栏|网上信访|"
    r"领导信箱|县长信箱|市长信箱|在线访谈|征集调查|通知公告|工作动态|部门动态|乡镇动态|政府文件|民意征集|"
    # a statistics bureau's site: its menus name the genres it publishes (统计公报 among them)
    r"机构概况|统计动态|统计新闻|统计数据|数据发布|统计公报|统计分析|统计年鉴|数据查询|数据解读|统计法规|统计标准|"
    r"统计制度|普查专栏|统计知识|统计信息|统计服务"
)
_MENU_WORDS = re.compile(_NAV_WORDS.pattern + "|" + _CONTROL_WORDS.pattern, re.I)
_FURNITURE_PUNCT = re.compile(r"[\s:：|｜/\\【】\[\]()（）·•\-—>》«»,，、]+")
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


def _word_line(line: str, words: re.Pattern) -> int:
    """How many of ``words`` the line holds when it holds nothing else but punctuation; else 0."""
    found = words.findall(line)
    if not found or _FURNITURE_PUNCT.sub("", words.sub("", line)):
        return 0
    return len(found)


def _gov_furniture(line: str) -> Optional[str]:
    """Government-site furniture: disclosure header fields, site footer, tool bars, menus."""
    n = len(line)
    if n <= 150 and (m := _R_GOV_META.search(line)) and "。" not in line:
        return "label" if m.end() == n else "chrome"
    if n <= 150 and _R_SITE_FOOTER.search(line):
        return "chrome"
    if n <= 80 and (_word_line(line, _CONTROL_WORDS) or _word_line(line, _MENU_WORDS) >= 2):
        return "chrome"
    if n <= 12 and _word_line(line, _NAV_WORDS):
        return "menu"  # one menu item per line: dropped in a run of three or more (chrome_mask)
    return None


def line_kind(line: str) -> Optional[str]:
    """``None`` for text, else ``'chrome'``, ``'anchor'`` (page footer) or ``'related'``.

    Two kinds depend on the lines around them (see :func:`chrome_mask`):
    ``'menu'`` (one site-menu item) and ``'label'`` (a disclosure field name
    whose value is on the next line).

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
    if n <= 40 and (_R_WELCOME.search(line) or _R_SITE_TITLE.search(line)):
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
    return _gov_furniture(line)


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


def _menus_and_labels(lines: list[str], kinds: list[Optional[str]]) -> None:
    """Settle the two kinds that depend on their neighbours, in place.

    A one-item menu line is chrome only in a run of three or more menu or
    chrome lines (a site menu rendered one item per line); a disclosure label
    standing alone ("索引号:") takes the short value line after it along.
    """
    n = len(lines)
    i = 0
    while i < n:
        if kinds[i] != "menu":
            i += 1
            continue
        j = i
        while j < n and (kinds[j] is not None or not lines[j]):
            j += 1
        run = [k for k in range(i, j) if lines[k]]
        menus = [k for k in run if kinds[k] == "menu"]
        keep = len(run) < 3
        for k in menus:
            kinds[k] = None if keep else "chrome"
        i = j
    for i in range(n):
        if kinds[i] == "label":
            kinds[i] = "chrome"
            nxt = next((k for k in range(i + 1, min(n, i + 3)) if lines[k]), None)
            if nxt is not None and kinds[nxt] is None and len(lines[nxt]) <= 40 and not _R_SENTENCE_END.search(lines[nxt]):
                kinds[nxt] = "chrome"


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
    _menus_and_labels(lines, kinds)
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
