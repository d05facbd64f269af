"""Document-level metadata stated by a report: title, place, years, type.

Everything is read from the text, never guessed: a field the report does not
state is ``""`` / ``[]``.  Values are simplified Chinese (taken from
``norm.simplified``).

* ``title`` — the first line near the top that reads like a report title
  (short, no sentence end, no ``label:`` chrome, contains a genre word such as
  报告/总结/计划/工作/安排/汇报); else ``title_hint``; else ``""``.
* ``place`` — a town-level name (``徐泾镇``; 镇/乡/街道) backed by good
  evidence: it is in a title line, or in a phrase that names the reporting
  government (``我代表X镇…``, ``X镇人民政府``, ``2007年是X镇…``), or the bare
  name recurs through the text (``打造实力龙港`` … ``《龙港镇总体规划》``).
  County/district/city names (县/区/市) only count from a title line or an
  ``X县人民政府`` phrase.  Placeholders (``___镇``, ``××镇``, ``某镇``,
  ``我镇``) and common words before 镇 (``城镇``, ``卫生镇``) never count.
  Names are taken as the two characters before the suffix, the common case;
  longer names are cut to their last two characters.
* ``years`` — years of the title lines, of the outline's headings
  (``2008年工作安排``, ``一、2001年以来的工作情况``) and of paragraphs that
  open by naming their year (``2013年是…``, ``2008年，全镇…``).  Dates with a
  month and timestamps such as ``2022-02-03`` are publication data, and
  ``20xx`` is no year.
* ``report_type`` — ``government_work_report`` (政府工作报告, 向大会报告工作),
  else ``review`` (总结/汇报/回顾/工作情况), ``plan`` (计划/安排/要点/打算,
  or 主要工作/目标/思路/措施/任务 tied to a year or to 今后/明年), or
  ``review_and_plan`` when the title and top headings say both.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .outline import match_marker, parse_outline
from ..core.types import NormalizedText

_TITLE_WORDS = ("报告", "总结", "计划", "工作", "安排", "汇报", "要点", "打算", "回顾", "规划", "目标", "思路")
_TITLE_BAD = re.compile(r"[。！？；!?;：:>|]|https?|www\.|各位代表|同志们")
_TOP_CHARS = 1500  # the title sits at the top of a report
_LETTER_SPACED = re.compile(r"^(?:[\u4e00-\u9fff][ \t\u3000]+){2,}[\u4e00-\u9fff]$")

# --- place --------------------------------------------------------------------
_TOWN = re.compile(r"(?=([\u4e00-\u9fff]{2})(镇|乡|街道))")
_COUNTY = re.compile(r"(?=([\u4e00-\u9fff]{2})(县|区|市))")
# Characters that are never part of a name (pronouns, particles, numerals, admin words) ...
_STOP_ANY = set("全我本该各此每某其这那乡村镇县区市省个等和与及或的了在是为对把将从向到由被并街年月日"
                "一二三四五六七八九十百千万亿")
# ... and ones that, right before the suffix, make a common word (城镇, 强镇, 小镇, 名镇).
_STOP_LAST = set("城集强建治级大小新老古名重点型")
_COMMON = {
    "卫生", "生态", "示范", "试点", "重点", "特色", "旅游", "工业", "商贸", "中心", "历史", "文化", "文明",
    "园林", "宜居", "美丽", "经济", "农业", "专业", "卫星", "新型", "先进", "明星", "建制", "全国",
    "环境", "安全", "平安", "森林", "健康", "智慧", "数字", "国家", "省级", "市级", "县级", "百强",
    "千强", "十强", "样板", "标准", "模范", "边境", "口岸", "贫困", "山区", "名镇", "古镇", "重镇",
    "城乡", "乡镇", "城镇", "集镇", "村镇", "市镇", "小城", "县城", "开发", "工作", "管理", "发展",
    "社会", "人民", "政府", "周边", "相邻", "临近", "所在", "辖区", "新区", "城区", "社区", "园区",
}
_NOT_TOWN_AFTER = {"乡": set("村镇土亲愁间里下音情")}
_STRONG_TOWN = (
    r"我代表{n}{s}", r"{n}{s}(?:人民政府|党委|政府|人大|本届|第[一二三四五六七八九十\d]+届)",
    r"(?:\d{{4}}年|今年|去年|明年)是{n}{s}", r"《{n}{s}",
)
_STRONG_COUNTY = (r"我代表{n}{s}", r"{n}{s}人民政府")

# --- years --------------------------------------------------------------------
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年(?!\d{1,2}月)")
_PARA_YEAR = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\))?\s*((?:19|20)\d{2})年"
    r"(?:是|,|，|以来|来|全镇|全乡|全街道|全县|全区|全市|全年|我镇|我乡|我县|我区|我市|政府工作|工作|的主要|主要)",
    re.M,
)

# --- report type ----------------------------------------------------------------
_GOV = re.compile(r"政府工作报告|向大会(?:作|做)?(?:的)?(?:工作)?报告|报告工作[,，]?\s*请予审议")
_REVIEW = re.compile(r"总结|汇报|回顾|工作情况|开展情况|完成情况|以来的工作|主要成绩|工作成效|述职")
_PLAN = re.compile(r"计划|安排|要点|打算|规划")
_PLAN_IF_DATED = re.compile(r"主要工作|目标|思路|措施|任务")
_FUTURE = re.compile(r"(?:19|20)\d{2}年|今后|明年|今年|下一步|新的一年|新一年|未来|下半年")


def _top_lines(s: str) -> list[str]:
    """Stripped non-empty lines above the first numbered heading (at most ~1500 chars)."""
    out: list[str] = []
    pos = 0
    for line in s[:_TOP_CHARS].split("\n"):
        start = pos
        pos += len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        if match_marker(s, start + len(line) - len(line.lstrip())) is not None:
            break
        out.append(stripped)
    return out


def _clean_title(line: str) -> str:
    line = re.sub(r"^[【\[]?第[一二三四五六七八九十\d]+篇[\s:：、.]*", "", line).strip("【】[] \t\u3000")
    if _LETTER_SPACED.match(line):
        line = re.sub(r"[ \t\u3000]+", "", line)
    return line


def _title_lines(top: list[str]) -> list[str]:
    out = []
    for line in top:
        line = _clean_title(line)
        if 4 <= len(line) <= 40 and not _TITLE_BAD.search(line) and any(w in line for w in _TITLE_WORDS):
            out.append(line)
    return out


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """Two-character words of jieba's dictionary that are not proper nouns.

    ``代表镇人民政府`` and ``接受镇人大的监督`` put a verb or a noun right before
    镇; the dictionary knows 代表 and 接受 are no places, while real town names
    are either absent from it (徐泾, 小雄) or tagged as places (龙港 ``ns``).
    """
    import jieba

    words = set()
    with jieba.dt.get_dict_file() as fh:
        for raw in fh:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            parts = line.split()
            if len(parts) >= 3 and len(parts[0]) == 2 and not parts[2].startswith(("ns", "nr", "nz")):
                words.add(parts[0])
    return frozenset(words)


def _name_ok(name: str, suffix: str, after: str) -> bool:
    if name in _COMMON or name[-1] in _STOP_LAST or any(c in _STOP_ANY for c in name):
        return False
    if after in _NOT_TOWN_AFTER.get(suffix, ()):
        return False
    return name not in _common_words()


def _place(s: str, title_lines: list[str]) -> str:
    titles = "\n".join(title_lines)
    best: tuple[int, int, str] | None = None
    for level, regex, strong in ((2, _TOWN, _STRONG_TOWN), (1, _COUNTY, _STRONG_COUNTY)):
        counts: Counter[tuple[str, str]] = Counter()
        for m in regex.finditer(s):
            name, suffix = m.group(1), m.group(2)
            end = m.start() + len(name) + len(suffix)
            if _name_ok(name, suffix, s[end : end + 1]):
                counts[(name, suffix)] += 1
        for (name, suffix), n in counts.items():
            full = name + suffix
            score = 0
            if full in titles:
                score += 3
            if any(re.search(p.format(n=re.escape(name), s=re.escape(suffix)), s) for p in strong):
                score += 3
            if level == 2 and s.count(name) - n >= 2:
                score += 2  # the bare name recurs: 打造实力龙港, 小雄村 …
            score += min(n, 3) - 1
            if score >= 3 and (best is None or (level, score) > best[:2]):
                best = (level, score, full)
        if best is not None:
            break  # a town-level name wins over the county or city around it
    return best[2] if best else ""


def _years(s: str, title_lines: list[str], headings: list[str]) -> list[int]:
    years: set[int] = set()
    for text in title_lines + headings:
        years.update(int(y) for y in _YEAR.findall(text))
    years.update(int(m.group(1)) for m in _PARA_YEAR.finditer(s))
    return sorted(y for y in years if 1949 <= y <= 2100)


def _report_type(s: str, title_lines: list[str], headings: list[str]) -> str:
    head = s[:_TOP_CHARS]
    if any(_GOV.search(t) for t in title_lines) or _GOV.search(head):
        return "government_work_report"
    lines = title_lines + headings
    review = any(_REVIEW.search(t) for t in lines)
    plan = any(_PLAN.search(t) or (_PLAN_IF_DATED.search(t) and _FUTURE.search(t)) for t in lines)
    if review and plan:
        return "review_and_plan"
    return "review" if review else "plan" if plan else ""


def extract_metadata(norm: NormalizedText, *, title_hint: str = "") -> dict:
    """``{"title", "place", "years", "report_type"}`` as the report states them."""
    s = norm.simplified
    title_lines = _title_lines(_top_lines(s))
    hint = ""
    if title_hint.strip():
        from .normalize import normalize

        hint = _clean_title(normalize(title_hint).simplified.strip())
    if hint and not title_lines and not _TITLE_BAD.search(hint):
        title_lines = [hint]
    # Headings of the two outer levels carry the report's structure; deeper ones are detail.
    headings = [sec.title for sec in parse_outline(norm) if 1 <= sec.level <= 2]
    return {
        "title": title_lines[0] if title_lines else hint,
        "place": _place(s, title_lines),
        "years": _years(s, title_lines, headings),
        "report_type": _report_type(s, title_lines, headings),
    }
