"""Chinese administrative place names: how a name is built, and its level.

A place name is one or more *units*, each a name followed by an
administrative suffix (``安吉县递铺镇`` = ``安吉县`` + ``递铺镇``;
``黔东南苗族侗族自治州`` is one unit).  Names are never cut: ``海拉尔区`` stays
whole.  The level of a unit comes from its suffix:

* ``province`` — 省, 自治区, 特别行政区, and the four municipalities (北京市 …);
* ``city`` — 市, 州/自治州, 盟, 地区 (prefecture level);
* ``county`` — 县/自治县, 旗/自治旗;
* ``district`` — 区 (a city's district, same rank as a county);
* ``town`` — 镇, 乡, 街道, 苏木.

A 市 may also be a county-level city; :func:`leading_place` reports ``city``
and the caller decides with what the report says about its subdivisions.

Short forms that reports print for the two kinds of autonomous area
(``宁夏``, ``黔东南州``) map to the full name through the national lists
below; provinces printed without 省 (``湖南``) get it back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

# Longest first: 自治州 must win over 州.
_SUFFIXES = ("特别行政区", "街道办事处", "自治区", "自治州", "自治县", "自治旗", "街道", "地区", "苏木",
             "省", "市", "州", "盟", "县", "区", "旗", "镇", "乡")
_SUFFIX_LEVEL = {
    "特别行政区": "province", "自治区": "province", "省": "province",
    "市": "city", "州": "city", "自治州": "city", "盟": "city", "地区": "city",
    "县": "county", "自治县": "county", "区": "district", "旗": "county", "自治旗": "county",
    "镇": "town", "乡": "town", "街道": "town", "街道办事处": "town", "苏木": "town",
}
_MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}

# Provincial-level divisions: short form -> full name.
PROVINCES = {
    **{s: s + "省" for s in "河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 "
       "四川 贵州 云南 陕西 甘肃 青海 台湾".split()},
    **{s: s + "市" for s in ("北京", "天津", "上海", "重庆")},
    "内蒙古": "内蒙古自治区", "广西": "广西壮族自治区", "西藏": "西藏自治区", "宁夏": "宁夏回族自治区",
    "新疆": "新疆维吾尔自治区", "香港": "香港特别行政区", "澳门": "澳门特别行政区",
}
# The thirty autonomous prefectures: short form (printed as 短名州) -> full name.
_PREFECTURES = """延边朝鲜族 恩施土家族苗族 湘西土家族苗族 阿坝藏族羌族 甘孜藏族 凉山彝族 黔东南苗族侗族 黔南布依族苗族
黔西南布依族苗族 楚雄彝族 红河哈尼族彝族 文山壮族苗族 西双版纳傣族 大理白族 德宏傣族景颇族 怒江傈僳族 迪庆藏族
临夏回族 甘南藏族 海北藏族 黄南藏族 海南藏族 果洛藏族 玉树藏族 海西蒙古族藏族 昌吉回族 博尔塔拉蒙古 巴音郭楞蒙古
克孜勒苏柯尔克孜 伊犁哈萨克""".split()
_PEOPLES = re.compile(r"(?:朝鲜|土家|苗|羌|藏|彝|侗|布依|哈尼|壮|傣|白|景颇|傈僳|回|蒙古|柯尔克孜|哈萨克)族?$")


def _prefecture_short(full_stem: str) -> str:
    while True:
        m = _PEOPLES.search(full_stem)
        if not m or m.start() < 2:
            return full_stem
        full_stem = full_stem[: m.start()]


PREFECTURES = {_prefecture_short(stem) + "州": stem + "自治州" for stem in _PREFECTURES}
_SHORT_OF = {v: k for k, v in {**PROVINCES, **PREFECTURES}.items()}
# The one-character forms the region writes for prefectures with long transliterated names (博州, 巴州, 克州).
ONE_CHARACTER = {"博州": "博尔塔拉蒙古自治州", "巴州": "巴音郭楞蒙古自治州", "克州": "克孜勒苏柯尔克孜自治州"}

# A unit's name never contains these (pronouns, numerals, particles, suffixes that never sit inside a name) ...
_BAD_CHARS = set("全我本该各此每某其这那的了在是为和与及或向对把将从到由被并个等年月日号第届次"
                 "一二三四五六七八九十百千万亿零〇省县区旗盟")
# ... except that a name of two or more characters may hold one numeral (九江, 六盘水, 二连浩特), 和 (和田,
# 南和; also 和县) and, as its first character, one of these (全椒, 本溪, 那曲, 个旧, 将乐, 日照, 从江, 月湖) ...
_NUMERALS = set("一二三四五六七八九十百千万零")
_FIRST_OK = set("全本那个将日从月")
# ... so long as the numeral does not count something (一个, 十四届, 三年).
_COUNTED = set("个届次年月日号季期项批件条名位家所户座类种点化大")
# ... never starts with these (代省长, 副市长, 原县长) ...
_BAD_FIRST = set("代副原前")
# ... and is never one of these common words that end in a suffix character.
_COMMON = {"城乡", "乡镇", "城镇", "集镇", "村镇", "城区", "社区", "园区", "小区", "辖区", "景区", "新区", "开发区",
           "地区", "山区", "牧区", "郊区", "市区", "城市", "县市", "县城", "都市", "农村", "人民", "政府", "国家",
           "中国", "全国", "自治", "省级", "市级", "县级", "镇级", "乡级", "示范区", "试验区", "自贸区"}
_UNIT_RE = re.compile("(" + "|".join(_SUFFIXES) + ")")
_CJK = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True)
class Place:
    """A place name as printed (possibly several units) and its lowest unit."""

    chain: tuple[str, ...]  # units from the largest to the smallest, as printed
    name: str  # the smallest unit, full name (short autonomous forms expanded)
    level: str


def level_of(name: str) -> str:
    """Level of one unit by its suffix; ``""`` for a name without one."""
    if name in _MUNICIPALITIES or name in PROVINCES.values():
        return "province"
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return _SUFFIX_LEVEL[suffix]
    return ""


def expand(name: str) -> str:
    """Full name of a short form (``宁夏`` -> ``宁夏回族自治区``, ``黔东南州`` and ``黔东南自治州`` ->
    ``黔东南苗族侗族自治州``, ``博州`` -> ``博尔塔拉蒙古自治州``)."""
    if name.endswith("自治州") and name[:-3] + "州" in PREFECTURES:
        return PREFECTURES[name[:-3] + "州"]
    return PROVINCES.get(name) or PREFECTURES.get(name) or ONE_CHARACTER.get(name) or name


def short_name(name: str) -> str:
    """The usual short form of an autonomous area, else the name itself (for ids)."""
    return _SHORT_OF.get(name, name) if "自治" in name else name


def _long_name_ok(name: str) -> bool:
    """A name of two or more characters holding one of the exceptions to ``_BAD_CHARS``."""
    numerals = [i for i, c in enumerate(name) if c in _NUMERALS]
    if len(numerals) > 1 or any(i + 1 < len(name) and name[i + 1] in _COUNTED for i in numerals):
        return False
    if name[0] in _FIRST_OK and len(name) > 3:  # 全椒, 日喀则; not 全面推进(乡村振兴), 本着…
        return False
    for i, c in enumerate(name):
        if c in _BAD_CHARS and c not in _NUMERALS and c != "和" and not (i == 0 and c in _FIRST_OK):
            return False
    return True


def _name_ok(name: str, first: bool, rest: str) -> bool:
    if not name or name in _COMMON or name[0] in _BAD_FIRST:
        return False
    if len(name) == 1:  # 沛县, 和县: only as the whole phrase, right before a boundary
        return (first and name not in _SUFFIXES and (name == "和" or name not in _BAD_CHARS)
                and (not rest or rest[0].isdigit() or rest.startswith(("人民", "政府", "第", " ", "\u3000"))))
    return _long_name_ok(name)


def _segment(s: str, end: int, rest: str) -> Optional[list[str]]:
    """Split ``s[:end]`` into units, preferring more units whose names have two or more characters."""
    best: Optional[list[str]] = None

    def walk(pos: int, units: list[str]) -> None:
        nonlocal best
        if pos == end:
            if best is None or len(units) > len(best):
                best = list(units)
            return
        for m in _UNIT_RE.finditer(s, pos + 1, end):
            # every suffix occurrence may end this unit; try the longest suffix ending at each place
            stop = m.end()
            for suffix in _SUFFIXES:
                if s.endswith(suffix, pos, stop) and stop - len(suffix) > pos:
                    name = s[pos : stop - len(suffix)]
                    if s[pos:stop] not in _COMMON and _name_ok(name, not units, rest if stop == end else s[stop:end]):
                        walk(stop, units + [s[pos:stop]])
                    break

    walk(0, [])
    return best


OFFICE_SUFFIXES = "省市县区镇乡州旗盟"  # X长 after one of these is an office-holder (省长, 县长), not a place


def leading_place(text: str) -> Optional[Place]:
    """The place name ``text`` starts with (``湖南省政府工作报告`` -> 湖南省), or None.

    The longest prefix that reads as whole units wins; a province printed in
    short form (``宁夏政府工作报告``, ``湖南2025年…``) counts when the next
    word is 政府/省/a year.
    """
    m = _CJK.match(text)
    if not m:
        return None
    s = m.group()[:40]
    rest_all = text[m.end():]
    for end in range(len(s), 1, -1):
        if not s.endswith(_SUFFIXES, 0, end) or s.startswith("长", end) and s[end - 1] in OFFICE_SUFFIXES:
            continue  # 李某省长, 王某县长: an office-holder, not a place
        units = _segment(s, end, s[end:] + rest_all)
        if units:
            # the office (街道办事处) governs the 街道, whose name is the place's
            name = expand(units[-1].removesuffix("办事处"))
            return Place(tuple(units), name, level_of(name))
    for short, full in PROVINCES.items():
        if s.startswith(short) and (len(s) == len(short) and (not rest_all or rest_all[0].isdigit())
                                    or s.startswith(("政府", "人民政府", "省"), len(short))):
            return Place((short,), full, "province")
    for short, full in PREFECTURES.items():
        if s.startswith(short):
            return Place((short,), full, "city")
    return None


def aliases(name: str) -> set[str]:
    """Every way a question may write a place: the full name, its short form (for a prefecture with a
    long transliterated name also the one-character form, 博州), and the name without
    its suffix when two or more characters remain (``黔东南苗族侗族自治州`` → ``黔东南州``, ``黔东南``;
    ``宁夏回族自治区`` → ``宁夏``; ``徐泾镇`` → ``徐泾``; ``湖南省`` → ``湖南``)."""
    if not name:
        return set()
    full = expand(name)
    out = {name, full, short_name(full)} | {k for k, v in ONE_CHARACTER.items() if v == full}
    if full.endswith("自治州") and short_name(full) != full:
        out.add(short_name(full)[:-1] + "自治州")  # 湘西自治州
    for form in list(out):
        for suffix in _SUFFIXES:
            if form.endswith(suffix) and len(form) - len(suffix) >= 2:
                out.add(form[: -len(suffix)])
                break
    return {a for a in out if len(a) >= 2}
