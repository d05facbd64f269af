"""The top of a report, above its first numbered heading: title lines and byline.

A title may be printed over two or three lines, wrapped in a reposting site's decoration
(``《…》``, ``【全文】``), letter-spaced, or followed by a footnote mark; the byline holds the
congress line, the date (in digits or Chinese numerals), the issuer and the office holder.
:mod:`.metadata` decides the document's fields from what is read here.
"""

from __future__ import annotations

import re
from typing import Optional

from .notes import strip_footnote_marks
from .outline import match_marker
from .places import Place, leading_place

_TITLE_WORDS = ("报告", "总结", "计划", "工作", "安排", "汇报", "要点", "打算", "回顾", "规划", "目标", "思路", "公报")
TITLE_BAD = re.compile(r"[。！？；!?;：:>|，,]|https?|www\.|各位代表|同志们")
TOP_CHARS = 1500  # the title and byline sit at the top of a report
_LETTER_SPACED = re.compile(r"^(?:[\u4e00-\u9fff][ \t\u3000]+){2,}[\u4e00-\u9fff]$")
_LEAD_YEAR = re.compile(r"^(?:关于)?(?:((?:19|20)\d{2})年度?)?")
# A year, month and day in Chinese numerals, as official documents date themselves (``二〇二五年一月八日``).
_CN_DATE = re.compile(r"([〇零○OＯ0一二三四五六七八九]{4})年(?:([一二三四五六七八九十]{1,3})月(?:([一二三四五六七八九十]{1,3})日)?)?")
# Decoration a reposting site puts around a title: ``【全文】…``, ``…（全文）``, ``《…》`` (see clean_title).
_TITLE_WRAP = re.compile(r"^[【\[](?:全文|图文|原文|摘要|实录)[】\]]|[(（]全文[)）]$|^(?:最新|重磅|权威发布)[!！:：]\s*")
# The issuing offices a text layer runs into the title line (…统计公报湘西州统计局国家统计局湘西调查队).
_ISSUERS_AFTER = re.compile(r"(?<=公报|报告|总结|计划|汇报)(?:[\u4e00-\u9fff]{2,12}?(?:统计局|调查队|办公室|人民政府))+$")

# --- byline -------------------------------------------------------------------
DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_WEB_LABEL = re.compile(r"(?:发布|时间|来源|日期|浏览|点击|作者|编辑)\s*[:：]")
_ROLE = re.compile(r"(?:代理|代)?(?:省长|市长|县长|区长|州长|盟长|旗长|镇长|乡长|主席|主任)")
# ``在青川县第十八届人民代表大会``, or a document header opening with the congress (``青川县第十八届人民代表大会第五次会议文件``).
_CONGRESS = re.compile(r"(?:在|^)([^在]{2,40}?)第[一二三四五六七八九十百零〇\d]+届人民代表大会")
ISSUER = re.compile(r"^(.{2,30}?)统计局")
# ``代省长某某作政府工作报告``: who delivers the report (a byline, also the tail of one cut at a wrap).
_SPEAKER = re.compile(_ROLE.pattern + r"[ \t\u3000]*[\u4e00-\u9fff]{2,4}[ \t\u3000]*(?:作|做)(?:政府)?工作报告")
_SALUTATIONS = ("各位代表", "同志们")
_GOVERNMENT = re.compile(r"^(.{2,30}?)(?:人民政府|政府|办事处)")
# A page's disclosure field naming the document (``名　　称：2025年青川县政府工作报告``).
_NAME_FIELD = re.compile(r"^(?:名\s*称|标\s*题|文件名称|文章标题|信息名称)\s*[:：]\s*")
# Parts of a page's ``<title>`` (``2025年青川县政府工作报告_青川县人民政府网``).
_PAGE_TITLE_SEP = re.compile(r"\s*(?:_|\||｜|--|—+|–|\s-\s)\s*")

# How a title ends: its genre (a line ending so is not the first half of a wrapped title).
GENRE_END = re.compile(r"(?:公报|报告|总结|计划|打算|要点|安排|汇报|规划|思路)[》)）]?$")
# A title that names no place: the genre alone, perhaps with its year.
GENERIC_TITLE = re.compile(r"^(?:(?:19|20)\d{2}年度?)?(?:(?:政府)?工作报告|(?:国民经济和社会发展)?统计公报)$")


def top_lines(s: str) -> list[str]:
    """Stripped non-empty lines above the first numbered heading (at most ~1500 chars)."""
    out: list[str] = []
    pos = 0
    for line in s[:TOP_CHARS].split("\n"):
        start = pos
        pos += len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        if match_marker(s, start + len(line) - len(line.lstrip())) is not None:
            break
        out.append(stripped)
    return out


def arabic_dates(text: str) -> str:
    """``text`` with dates in Chinese numerals rewritten in digits (``二〇二五年一月`` → ``2025年1月``)."""
    from .numerals import cn_to_number

    def digits(m: re.Match) -> str:
        year = "".join("0" if c in "〇零○OＯ0" else str(int(cn_to_number(c) or 0)) for c in m.group(1))
        rest = [f"{int(cn_to_number(g) or 0)}{u}" for g, u in ((m.group(2), "月"), (m.group(3), "日")) if g]
        return f"{year}年" + "".join(rest)

    return _CN_DATE.sub(digits, text)


def clean_title(line: str) -> str:
    line = _ISSUERS_AFTER.sub("", _TITLE_WRAP.sub("", _NAME_FIELD.sub("", line)))
    if line.startswith("《") and line.endswith("》") and line.count("《") == line.count("》") == 1:
        line = line[1:-1]
    line = re.sub(r"^[【\[]?第[一二三四五六七八九十\d]+篇[\s:：、.]*", "", line).strip("【】[] \t\u3000")
    if _LETTER_SPACED.match(line):
        line = re.sub(r"[ \t\u3000]+", "", line)
    return strip_footnote_marks(line, trailing_only=True)  # 统计公报① points to a note, it is no part of the title


def is_title(line: str) -> bool:
    return (4 <= len(line) <= 60 and not TITLE_BAD.search(line) and any(w in line for w in _TITLE_WORDS)
            and not _SPEAKER.search(line))


def place_in(text: str) -> Optional[Place]:
    """The place a title-like string opens with, after a leading year (``2025年湖南省…``)."""
    return leading_place(_LEAD_YEAR.sub("", arabic_dates(text.strip()), count=1))


def _is_place_line(line: str) -> bool:
    p = leading_place(line)
    return p is not None and len("".join(p.chain)) == len(line)


def _wrapped(line: str, nxt: str) -> str:
    """The title ``line`` and ``nxt`` make together when ``nxt`` finishes what ``line`` began, else ``""``.

    A title is printed over two lines with the place above (``青川县`` / ``2016年…统计公报``,
    ``2024年青川县`` / ``政府工作报告``), or wraps where a cover page's large type reaches the
    margin (``青川县2023年国民经济和社会发展统`` / ``计公报``, ``…工作总结和`` / ``2024年工作计划``):
    the joined text opens with the place, the second line names none, and only it ends the genre.
    """
    if not nxt or GENRE_END.search(line) or TITLE_BAD.search(line):
        return ""
    if is_byline_line(line) and not (_government_alone(line) and re.match(r"(?:19|20)\d{2}年", nxt)):
        return ""  # but ``青川县云岭镇人民政府`` / ``2023年工作总结`` is one title
    joined = clean_title(line + nxt)
    if len(joined) > 60 or not is_title(joined) or place_in(joined) is None or place_in(nxt) is not None:
        return ""
    if _is_place_line(line) or (GENRE_END.search(nxt) and not is_byline_line(nxt)):
        return joined
    return ""


def read_title_lines(top: list[str]) -> list[str]:
    """Title-like lines above the salutation; a title printed over two lines is joined (:func:`_wrapped`).

    Below ``各位代表：`` the speech has begun: ``2024年工作回顾`` there is a part's heading, not the title.
    A title naming its place goes before one that is the genre alone (a page's running header
    ``政府工作报告`` above ``2024年青川县政府工作报告``).
    """
    out = []
    lines = [clean_title(line) for line in top] + ["", ""]
    skip = 0
    for i, line in enumerate(lines[:-2]):
        if line.startswith(_SALUTATIONS):
            break
        if skip:
            skip -= 1
            continue
        nxt, third = lines[i + 1], lines[i + 2]
        if joined := _wrapped(line, nxt):
            out.append(joined)
            skip = 1
        elif (len(nxt) <= 20 and place_in(nxt) is None and not TITLE_BAD.search(nxt) and not is_byline_line(nxt)
              and (joined := _wrapped(line + nxt, third))):
            out.append(joined)  # over three lines: ``青川县`` / ``2023年国民经济和社会发展`` / ``统计公报``
            skip = 2
        elif is_title(line) and len(line) <= 40:
            out.append(line)
    named = [t for t in out if not GENERIC_TITLE.match(t) and place_in(t)]
    if out and GENERIC_TITLE.match(out[0]) and named:
        out.remove(named[0])
        out.insert(0, named[0])
    return out


_PHOTO_CREDIT = re.compile(r"记者[\u4e00-\u9fff·\s]{1,12}摄$|摄影[:：]")


def read_byline(top: list[str]) -> list[str]:
    """The lines between the title and the salutation or first paragraph (no sentence in them).

    A congress line printed as a sentence (``2025年1月14日在青川县第…会议上县长某某作政府工作报告。``,
    as exported texts run the byline together) is the byline's last line.
    """
    out = []
    for line in top:
        if _PHOTO_CREDIT.search(line):
            continue  # a photo's caption above the title (…作政府工作报告。本报记者某某摄) is no part of it
        if line.startswith(_SALUTATIONS) or len(line) > 80:
            break
        if re.search(r"[。，,；;！!？?]", line):
            if _CONGRESS.search(line):
                out.append(line.lstrip("—-－ "))
            break
        if not _WEB_LABEL.search(line):
            out.append(line.lstrip("—-－ "))
    return out


def is_byline_line(line: str) -> bool:
    """A byline line (congress, date, issuer, office holder, web label), never a title, though a
    page's first line may be one: a PDF whose title is an image opens with ``青川县统计局``."""
    line = line.lstrip("—-－ ")
    if _CONGRESS.search(line) or DATE.match(arabic_dates(line)) or _WEB_LABEL.search(line):
        return True
    if _government_alone(line):
        return True  # the issuing government alone: ``云岭镇人民政府``, ``枫林街道办事处``
    return not is_title(line) and len(line) <= 30 and bool(ISSUER.match(line) or _ROLE.search(line))


def _government_alone(line: str) -> bool:
    return bool((m := _GOVERNMENT.match(line)) and m.end() == len(line) and _is_place_line(m.group(1)))


def byline_place(lines: list[str]) -> Optional[Place]:
    for line in lines:
        m = _CONGRESS.search(line)
        if m and (p := leading_place(m.group(1))):
            return p
    for line in lines:
        for rx in (ISSUER, _GOVERNMENT):
            m = rx.match(line)
            if m and (p := leading_place(m.group(1))):
                return p
        m = _ROLE.search(line)
        if m and len(line) <= 30 and (p := leading_place(line[: m.start()])):
            return p
    return None


def page_title(text: str) -> str:
    """The document's part of a page title (``2025年青川县政府工作报告_青川县人民政府网``), else the whole."""
    parts = [p for p in _PAGE_TITLE_SEP.split(text) if p]
    return next((p for p in parts if is_title(p)), text) if len(parts) > 1 else text
