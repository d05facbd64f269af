"""What makes a phrase of a work report the name of one project, beyond the words it ends with.

:mod:`.project_items` finds list items that end with what a project builds (水库, 机场, 项目 …).
A provincial report also names, in the same syntax, things that are no construction project:

* an item that is a clause, not a name: a subject with its verb (``青川市建设区域物流中心``,
  ``组织云岭、石门…``), or a predicate after the name (``云岭机场改扩建投入``, ``…获批``);
* a kind, not a named one (``检验检测中心``, ``风电光伏项目``, ``国家区域医疗中心``): a name carries a
  place, a firm, a route or a phase; a kind is a string of common words.  A report names kinds
  when it says what it will promote (建设, 打造, 推进), and it names a kind as a project only when
  it states a milestone of it (``全国首个室内冰雪馆建成开放``), so a kind counts only then;
* a programme called 工程 (``文明乡风建设工程``, ``钾盐稳产保供工程``): a works 工程 names what it
  builds (路, 桥, 水, 电, 管, 港 …), a programme names a goal;
* an item of a list that is a figure, an action or a bare place (``全年开行班列900列``, ``生产自救``).
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Optional

__all__ = ["clause_in_name", "is_kind", "is_programme", "not_an_item", "word_starts", "MILESTONE_RE"]

# --- a clause, not a name ---------------------------------------------------------------------
# Verbs (and the prepositions that open a clause) that never stand inside a project's name: the
# name before them is a subject, the words after them what it is asked to do.
_SUBJECT_VERB_RE = re.compile(
    r"建设(?=.)|建成(?=.)|打造|推进|推动|加快|实施|推行|包括|组织|对接|设立|设置|更名|创建|申报|聚焦|率先|出台|用好|运营好|做实|"
    r"深化|接续|服务全国|面向|辐射|具有|参与|均完成")
# A clause, not a name: it opens with a preposition, or it names what is done, not what is built.
_NOT_A_NAME_RE = re.compile(r"^(?:在|把|将(?!军)|对|从|向|为)|帮扶|开行|累计|惠及|参项目")
# Predicates that follow a name (``云岭机场改扩建投入运营``, ``青川博物馆获批``): the name ends before them.
_PREDICATE_RE = re.compile(r"投入|获批|入选|实现|扩大|分别|大坝封顶|封顶|并网|点亮|挂牌|成立")


def _quoted(s: str, i: int) -> bool:
    return s.count("“", 0, i) > s.count("”", 0, i)


def clause_in_name(name: str) -> Optional[tuple[int, int]]:
    """``(start, end)`` of the name in a list item that may be a clause: after the last verb a subject
    (``青川市建设…``) or an adverb (``以实施…``) stands before, and before a predicate that follows it
    (``…投入运营``); None when the item is a clause that names nothing to build."""
    if _NOT_A_NAME_RE.search(name):
        return None
    m = _PREDICATE_RE.search(name, 1)
    end = m.start() if m else len(name)
    start = max((v.end() for v in _SUBJECT_VERB_RE.finditer(name, 0, end) if not _quoted(name, v.start())), default=0)
    return (start, end) if end - start >= (4 if start else 2) else None


# --- a kind, not a named one ------------------------------------------------------------------
# What a report says of a project it reports or sets a date for; 建设, 推进, 打造 and 实施 say only
# that it will be promoted.
MILESTONE_RE = re.compile(
    r"开工|动工|开建|启动建设|建成|竣工|完工|落成|投产|投用|投运|投入使用|投入运营|通车|(?<!建设)运营|运行|开馆|开放|签约|"
    r"并网|贯通|封顶|送电|量产|落地|完成|开诊|开业|开园|校飞|首航|通航")
# Words a name's place or firm is tagged with (jieba: places, persons, other proper nouns, Latin).
_PROPER_TAGS = ("ns", "nr", "nz", "nt", "eng")
# A route, a line, a phase or a unit number names one works (``G331``, ``5号线``, ``三期``, ``A至B``).
_NUMBERED_RE = re.compile(r"[\dA-Za-z]|[一二三四五六七八九十]期|号|至|—|“[^”\d一二三四五六七八九十百千万个]{2,6}”")
# The object a project builds or runs, for a name whose modifier is short (``观音水库``): two
# characters before such a word are a proper name unless they are a common modifier.
_SHORT_HEAD_RE = re.compile(
    r"^(?P<mod>[\u4e00-\u9fff]{1,2})(?:水库|机场|电站|电厂|码头|港区?|大桥|隧道|铁路|高铁|高速|公路|中学|小学|医院|"
    r"体育馆|博物馆|图书馆|文化馆|纪念馆|美术馆|大学|学院|灌区|水利枢纽|线)(?:扩建|改扩建|改造|迁建)?(?:工程|项目)?$")
_COMMON_MODIFIERS = re.compile(r"^(?:大型|中型|小型|新型|现代|省级|市级|县级|国家|国际|全国|重点|高速|城际|支线|通用|"
                               r"干线|农村|城市|乡村|公共|民用|综合|专业|特色|虚拟|智能|智慧|数字|绿色|零碳|低碳|共享|"
                               r"储能|物流|应急|社区|乡镇|区域|口袋|新|大|小|老|省|市|县|区)$")
# Common words the tagger reads as proper nouns.
_NOT_PROPER = {"小镇", "登山", "智慧", "楼宇", "新建", "智能化", "疏港"}
_POS_LOCK = threading.Lock()


@lru_cache(maxsize=4096)
def _tags(name: str) -> tuple[tuple[str, str], ...]:
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(60)
    with _POS_LOCK:  # the tagger's lazy set-up is not thread-safe
        return tuple((p.word, p.flag) for p in pseg.cut(name))


def word_starts(name: str) -> set[int]:
    """Where the words of ``name`` start (by jieba's segmentation)."""
    out, pos = set(), 0
    for word, _flag in _tags(name):
        out.add(pos)
        pos += len(word)
    return out


def is_kind(name: str) -> bool:
    """Whether ``name`` is a kind of project rather than a named one: no number, route or phase, no
    short proper modifier, and no word the tagger reads as a place, a firm or a proper noun."""
    if _NUMBERED_RE.search(name):
        return False
    m = _SHORT_HEAD_RE.match(name)
    if m and not _COMMON_MODIFIERS.match(m.group("mod")):
        return False
    for word, flag in _tags(name):
        if word in _NOT_PROPER:
            continue
        if flag.startswith(_PROPER_TAGS) or (flag == "j" and len(word) == 1):
            return False  # a place, a firm, or a one-character abbreviation of a province (皖, 湘)
    return True


# --- a programme, not a works -----------------------------------------------------------------
# What a works 工程 builds (water, power, transport, buildings, land); a 工程 without any is a programme.
_WORKS_RE = re.compile(
    r"路|桥|隧|铁|轨|港|码头|航|机场|站|厂|电|网|管|线|水|河|江|湖|海|库|渠|堤|坝|闸|灌|枢纽|楼|馆|院|校|园|场|"
    r"中心|基地|小区|搬迁|棚户|房|供热|供气|燃气|污水|垃圾|田|林|矿|交通|通道|设施|口岸|景区|遗址|洪|涝|城(?!市)|镇|村|"
    r"主体|引.{1,3}[济入]|调水|引水")
# Goals, campaigns and services a programme 工程 is named after, even when it names water or land.
_PROGRAMME_RE = re.compile(
    r"立德树人|回归|溯源|传承|乡风|文明|示范引领|强医|筑基|一把手|民心|普惠|金融|稳产|保供|量质|突破|多样性|治沙|"
    r"补水|申遗|考古|水患|山水|“[^”]*”工程$|^新一轮")


def is_programme(name: str) -> bool:
    """Whether a name ending in 工程 names a programme: a goal, not something built."""
    if not re.search(r"工程$", name) or _NUMBERED_RE.search(name):
        return False
    return bool(_PROGRAMME_RE.search(name)) or not _WORKS_RE.search(name[:-2])


# --- an item of a list that names nothing -----------------------------------------------------
# A figure that counts what was done (``900列``, ``82.28万亩``, ``500万``); a capacity (万吨, 千瓦) may name a plant.
_COUNT_FIGURE_RE = re.compile(
    r"(?<![A-Za-z\d.×])[\d.]+(?![\d.])(?![万亿千百]?(?:吨|千瓦|千伏|兆瓦|标箱|立方|方|级|号|期|×))")
# Actions, services and aids listed beside a project: none is built.
_ACTION_ITEM_RE = re.compile(
    r"自救|救援|救助|援助|关爱|帮扶|家园$|改善|贷款|融资|授予|学位|实事|投产|运行|建设$|提升$|整治$|治理$|"
    r"^(?:新建|改扩建|扩建|改造)$|"
    r"规模$|能力|服务$|保障$|机制$|模式$|生产$")


_BARE_PLACE_RE = re.compile(r"^[\u4e00-\u9fff]{1,2}$|^[\u4e00-\u9fff]{2,3}[市县区州旗盟]$")


def not_an_item(name: str, *, completed: bool) -> bool:
    """Whether a list item that has no head of its own names nothing: a count, an action, or (unless
    its list's kind completes it, ``completed``) a bare place (``甲、乙打造…``)."""
    if _COUNT_FIGURE_RE.search(name) or _ACTION_ITEM_RE.search(name):
        return True
    return not completed and bool(_BARE_PLACE_RE.match(name))
