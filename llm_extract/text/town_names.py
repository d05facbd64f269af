"""The reporting government's own name when only the body states it.

Town reports copied from the web often carry no title line with a place;
the body still names the government in phrases where it speaks of itself:
``我代表青山乡人民政府``, ``青山乡人民政府``, ``2007年是小雄镇…``,
``《龙港镇志》``, or the bare name keeps recurring (``打造实力龙港``).  A name
merely mentioned once (a neighbour, a county above) never counts.

``我代表X人民政府`` gives the name in full (the phrase marks where it starts);
elsewhere the start is unknown, so a town name is taken as the two characters
before 镇/乡/街道 (the common case), and a county-level name (县/区/市) only
from a title line or an ``X县人民政府`` phrase.  Placeholders (``___镇``,
``××镇``, ``某镇``, ``我镇``) and common words before the suffix (``城镇``,
``卫生镇``) never count.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Optional

from .places import Place, leading_place, level_of

_TOWN = re.compile(r"(?=([\u4e00-\u9fff]{2})(镇|乡|街道))")
_COUNTY = re.compile(r"(?=([\u4e00-\u9fff]{2})(县|区|市))")
_SELF = re.compile(r"我代表([\u4e00-\u9fff]{2,30}?)(?:人民政府|政府|本届政府)")
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


def body_town(s: str, title_lines: list[str]) -> Optional[Place]:
    """The government's name as the body states it (see the module docstring), or None."""
    m = _SELF.search(s)
    if m and (p := leading_place(m.group(1))) and len("".join(p.chain)) == len(m.group(1)):
        return p
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
    return Place((best[2],), best[2], level_of(best[2])) if best else None
