"""Document-level metadata a report states about itself: title, place, level, years, type.

Nothing is guessed from what the body merely mentions.  Each field is read
from the most trusted source that states it, and ``provenance`` records which:

1. ``title`` — the report's title line near the top (``2019年青川县政府工作报告``,
   ``云岭镇2012年工作总结``; a title printed over two or three lines (place
   above, year + genre below; or wrapped at a cover page's margin) is joined,
   and one naming its place goes before a bare ``政府工作报告``; a page's ``名称：`` field and a reposting
   site's ``《…》`` / ``【全文】`` / ``（全文）`` are taken off), else the page heading
   the splitter found;
2. ``byline`` — the lines under the title: ``——在青川县第十六届人民代表大会
   第二次会议上`` (or a header ``青川县第十六届人民代表大会第二次会议文件``),
   ``青川县人民政府县长 某某``, an issuer ``青川县统计局`` or ``云岭镇人民政府``,
   and a dated line ``2025年1月14日`` (``二〇二五年一月十四日`` alike);
3. ``file_title`` — the file's own title (HTML ``ArticleTitle`` or ``<title>``
   without the site's name after ``_``/``|``/``-``, PDF or DOCX properties);
4. ``filename`` — the file name;
5. ``body`` — only phrases in which the government names itself
   (``我代表云岭镇人民政府``, ``2007年是云岭镇…``) or a town name the text
   keeps repeating;
6. ``inferred`` — a rule over fields already read (a 2023 communiqué is
   published in 2024; a government work report reviews the year before, and
   one dated nowhere was delivered the year after the one it reviews; a
   report with no title, or only ``政府工作报告`` / ``2016年…统计公报``, as
   texts exported without their title line have, is titled from the place
   and year its byline gives: ``2025年青川县政府工作报告``).

Fields:

* ``place`` — full name of the lowest administrative unit named
  (:mod:`.places`); ``level`` — province | city | county | district | town (a 市 whose
  report speaks of its 乡镇 but of no 县 under it is a county-level city;
  the 县（市、区） of the province it ranks itself in are not its own).
* ``report_type`` — government_work_report | work_summary | work_plan |
  statistical_communique | ``""`` (a summary that also plans counts as summary).
* ``report_year`` — year the report was delivered or published.
* ``review_years`` / ``plan_years`` — years looked back on / planned for
  (``一、2024年工作回顾`` / ``二、2025年工作安排``).
* ``years`` — every year of the title lines, outline headings and paragraphs
  that open by naming their year (``2013年是…``); dates with a month and
  ``20xx`` are no such year.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from .outline import parse_outline
from .places import Place
from .report_top import (
    DATE, GENERIC_TITLE, GENRE_END, ISSUER, TITLE_BAD, TOP_CHARS, arabic_dates, byline_place, clean_title,
    is_byline_line, is_title, page_title, place_in, read_byline, read_title_lines, top_lines,
)
from .town_names import body_town
from ..core.types import NormalizedText

# --- years --------------------------------------------------------------------
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年(?!\d{1,2}月)")
_PARA_YEAR = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\))?\s*((?:19|20)\d{2})年"
    r"(?:是|,|，|以来|来|全镇|全乡|全街道|全县|全区|全市|全州|全省|全年|我镇|我乡|我县|我区|我市|政府工作|工作|的主要|主要)",
    re.M,
)
_FILE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_ROLE_REVIEW = re.compile(r"回顾|总结|汇报|工作情况|完成情况|开展情况|以来|主要成绩|工作成效|述职|统计公报")
_ROLE_PLAN = re.compile(r"安排|计划|要点|打算|任务|目标|思路|重点|部署|规划")
# ``二、关于2025年工作`` / ``三、2026年主要工作``: a year of work named without saying whether it is looked back
# on or planned.
_WORK_OF_YEAR = re.compile(r"^(?:[一二三四五六七八九十]+、)?\s*(?:关于)?((?:19|20)\d{2})年(?:的)?(?:政府|主要)?工作$")

# --- report type ----------------------------------------------------------------
_GOV = re.compile(r"政府工作报告|向大会(?:作|做)?(?:的)?(?:工作)?报告|报告(?:政府)?工作[,，]?\s*请予审议")
_REVIEW = re.compile(r"总结|汇报|回顾|工作情况|开展情况|完成情况|以来的工作|主要成绩|工作成效|述职")
_PLAN = re.compile(r"计划|安排|要点|打算|规划")
_PLAN_IF_DATED = re.compile(r"主要工作|目标|思路|措施|任务")
_FUTURE = re.compile(r"(?:19|20)\d{2}年|今后|明年|今年|下一步|新的一年|新一年|未来|下半年")
_COMMUNIQUE = re.compile(r"统计公报|国民经济和社会发展.{0,4}公报")

# --- level of a 市 -----------------------------------------------------------------
_HAS_COUNTIES = re.compile(r"县[(（]市、?区[)）]|县[(（]区[)）]|县市区|区县|县区|各县|[一二三四五六七八九十\d]+个县")
# The larger area a 市 compares itself with: the counties named after it are not the 市's own.
_ABOVE = re.compile(r"(?:全省|全国|全州|全盟|全区|全地区|省内|区内|州内)各?$")
_HAS_TOWNS = re.compile(r"各乡镇|乡镇[(（]街道[)）]|镇[(（]街道[)）]|[一二三四五六七八九十\d]+个乡镇")


def _has_counties(s: str) -> bool:
    """Counties under the place: ``各县（市、区）``, not those of the province it is compared with
    (``在全省县（市、区）综合考核中位列第一``)."""
    return any(not _ABOVE.search(s, max(0, m.start() - 4), m.start()) for m in _HAS_COUNTIES.finditer(s))


def _level(place: Place, s: str) -> tuple[str, bool]:
    """``(level, decided_by_body)``: a 市 that has 乡镇 but no 县 under it is county level."""
    if place.level == "city" and place.name.endswith("市"):
        if _HAS_TOWNS.search(s) and not _has_counties(s):
            return "county", True
    return place.level, False


def _years(s: str, title_lines: list[str], headings: list[str]) -> list[int]:
    years: set[int] = set()
    for text in title_lines + headings:
        years.update(int(y) for y in _YEAR.findall(text))
    years.update(int(m.group(1)) for m in _PARA_YEAR.finditer(s))
    return sorted(y for y in years if 1949 <= y <= 2100)


def _year_roles(texts: list[str]) -> tuple[set[int], set[int]]:
    """Years that a heading or title ties to looking back (``2024年工作回顾``) or ahead (``2025年工作安排``)."""
    review: set[int] = set()
    plan: set[int] = set()
    for text in texts:
        found = list(_YEAR.finditer(text))
        for k, m in enumerate(found):
            tail = text[m.end() : found[k + 1].start() if k + 1 < len(found) else len(text)]
            if _ROLE_PLAN.search(tail):
                plan.add(int(m.group(1)))
            elif _ROLE_REVIEW.search(tail):
                review.add(int(m.group(1)))
    return review, plan


def _short_lines(s: str) -> list[str]:
    """Heading-like lines (short, no sentence punctuation): banners such as ``2025年工作安排``."""
    return [ln.strip() for ln in s.split("\n") if 4 <= len(ln.strip()) <= 30 and not re.search(r"[。，,；;]", ln)]


def _report_type(title: str, title_lines: list[str], head: str, byline: list[str], headings: list[str]
                 ) -> tuple[str, str]:
    if title and _COMMUNIQUE.search(title):
        return "statistical_communique", "title"
    if any(_GOV.search(t) for t in title_lines) or (title and _GOV.search(title)):
        return "government_work_report", "title"
    if _GOV.search(head):
        return "government_work_report", "byline"
    if any(ISSUER.match(line) for line in byline) and not title_lines:
        return "statistical_communique", "byline"
    lines = title_lines + headings
    review = any(_REVIEW.search(t) for t in lines)
    plan = any(_PLAN.search(t) or (_PLAN_IF_DATED.search(t) and _FUTURE.search(t)) for t in lines)
    where = "title" if any(_REVIEW.search(t) or _PLAN.search(t) for t in title_lines) else "headings"
    if review:
        return "work_summary", where
    return ("work_plan", where) if plan else ("", "")


def _names_report(title: str) -> bool:
    """A full title: it opens with a place (after its year) and ends with the genre (…统计公报, …工作报告)."""
    return bool(GENRE_END.search(title)) and place_in(title) is not None


def _choose_title(title_lines: list[str], hint: str, file_title: str, stem: str) -> tuple[str, str]:
    """The report's title and where it was read.  A saved page's menus print genre words too (规划计划,
    政府工作报告): a title line naming the place and ending with the genre goes first, and when no line
    of the text does but the page's own title does, that one."""
    full = [t for t in title_lines if _names_report(t)]
    if full:
        return full[0], "title"
    page = page_title(file_title)
    if title_lines and not _names_report(title_lines[0]) and _names_report(page):
        return page, "file_title"
    if title_lines:
        return title_lines[0], "title"
    if re.search(r"[\u4e00-\u9fff]{2}", hint) and not TITLE_BAD.search(hint) and not is_byline_line(hint):
        return hint, "title"
    for text, where in ((page_title(file_title), "file_title"), (stem, "filename")):
        if is_title(text) and re.search(r"[\u4e00-\u9fff]", text):
            return text, where
    return "", ""


def _choose_place(title: str, title_where: str, byline: list[str], file_title: str, stem: str, s: str,
                  title_lines: list[str]) -> tuple[Optional[Place], str]:
    candidates = ((title, title_where), ("", "byline"), (file_title, "file_title"), (stem, "filename"))
    for text, where in candidates:
        p = byline_place(byline) if where == "byline" else place_in(text) if text else None
        if p:
            return p, where
    p = body_town(s, title_lines)
    return (p, "body") if p else (None, "")


def _simplified(text: str) -> str:
    if not text.strip():
        return ""
    from .normalize import normalize

    return clean_title(normalize(text).simplified.strip())


def extract_metadata(norm: NormalizedText, *, title_hint: str = "", file_title: str = "", source: str = "") -> dict:
    """Title, place, level, years, type, report/review/plan years and their ``provenance``."""
    s = norm.simplified
    top = top_lines(s)
    title_lines = read_title_lines(top)
    byline = read_byline(top)
    hint, file_title = _simplified(title_hint), _simplified(file_title)
    stem = _simplified(Path(source).stem) if source else ""
    # Headings of the two outer levels carry the report's structure; deeper ones are detail.
    headings = [sec.title for sec in parse_outline(norm) if 1 <= sec.level <= 2]
    prov: dict[str, str] = {}
    title, where = _choose_title(title_lines, hint, file_title, stem)
    place, place_where = _choose_place(title, where, byline, file_title, stem, s, title_lines)
    level = ""
    if place:
        level, by_body = _level(place, s)
        prov.update(place=place_where, level="body" if by_body else place_where)
    rtype, type_where = _report_type(title, title_lines, s[:TOP_CHARS], byline, headings)
    if rtype:
        prov["report_type"] = type_where
    years = _years(s, title_lines + ([title] if where == "title" and title not in title_lines else []), headings)
    dated = _dated(s, title, where, byline, rtype, stem, prov)
    title, where = _complete_title(title, where, place, rtype, dated)
    if title:
        prov["title"] = where
    return {"title": title, "place": place.name if place else "", "level": level, "years": years,
            "report_type": rtype, **dated, "provenance": prov}


def _complete_title(title: str, where: str, place: Optional[Place], rtype: str, dated: dict) -> tuple[str, str]:
    """A report with no title, or one that names neither place nor year (``政府工作报告``,
    ``2016年国民经济和社会发展统计公报``, a text exported without its title line), is titled from
    the place and years read elsewhere: ``2025年青川县政府工作报告``, ``云雾州2016年…统计公报``."""
    if not place or (title and not GENERIC_TITLE.match(title)):
        return title, where
    if rtype == "government_work_report" and dated["report_year"]:
        return f"{dated['report_year']}年{place.name}政府工作报告", "inferred"
    if rtype == "statistical_communique" and dated["review_years"]:
        return f"{place.name}{dated['review_years'][0]}年国民经济和社会发展统计公报", "inferred"
    return title, where


def _dated(s: str, title: str, title_where: str, byline: list[str], rtype: str, stem: str, prov: dict) -> dict:
    """``report_year``, ``review_years`` and ``plan_years``; records their provenance in ``prov``."""
    title_year = next((int(y) for y in _YEAR.findall(arabic_dates(title))), None)
    opening = _PARA_YEAR.search(s)
    report_year, ry_where = None, ""
    dates = [int(m.group(1)) for line in byline for m in [DATE.search(arabic_dates(line))] if m]
    if dates:
        report_year, ry_where = dates[0], "byline"
    elif title_year and rtype == "statistical_communique":
        report_year, ry_where = title_year + 1, "inferred"  # a year's communiqué comes out the next spring
    elif title_year:
        report_year, ry_where = title_year, title_where
    elif rtype == "statistical_communique" and opening:
        report_year, ry_where = int(opening.group(1)) + 1, "inferred"
    elif m := _FILE_YEAR.search(stem):
        report_year, ry_where = int(m.group(1)), "filename"
    review, plan = _year_roles(([title] if title else []) + _short_lines(s))
    roles_where = "headings"
    if not report_year and rtype == "government_work_report" and (plan or review):
        # delivered as the year after the one it looks back on begins: ``一、2024年工作回顾`` → 2025
        report_year, ry_where = (max(review) + 1 if review else min(plan)), "inferred"
    if rtype == "statistical_communique":
        year = title_year or (int(opening.group(1)) if opening else (report_year - 1 if report_year else None))
        review, plan, roles_where = ({year} if year else set()), set(), title_where if title_year else "inferred"
    elif rtype == "government_work_report" and report_year:
        # a government work report looks back on the years before it is delivered and plans from then on
        for m in filter(None, map(_WORK_OF_YEAR.match, _short_lines(s))):
            (plan if int(m.group(1)) >= report_year else review).add(int(m.group(1)))
        if not review and not plan:
            review, plan, roles_where = {report_year - 1}, {report_year}, "inferred"
        elif not review and plan == {report_year}:
            # ``一、过去五年工作回顾`` names no year: the year looked back on is still the one before delivery
            review = {report_year - 1}
            prov["review_years"] = "inferred"
        elif not plan and report_year not in review:
            # a plan part whose heading names no role (三、奋力开新局): the year of delivery is still planned
            plan = {report_year}
            prov["plan_years"] = "inferred"
    elif not review and not plan and title_year and rtype in ("work_summary", "work_plan"):
        review, plan = ({title_year}, set()) if rtype == "work_summary" else (set(), {title_year})
        roles_where = title_where
    if report_year:
        prov["report_year"] = ry_where
    if review or plan:
        prov.setdefault("review_years" if review else "plan_years", roles_where)
        if review and plan:
            prov.setdefault("plan_years", roles_where)
    return {"report_year": report_year, "review_years": sorted(review), "plan_years": sorted(plan)}
