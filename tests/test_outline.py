"""Tests of llm_extract.text.outline: heading styles, hierarchy, inline headings, false positives, corpus."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llm_extract.text.outline import TITLE_MAX, cn_to_int, parse_outline
from llm_extract.core.types import NormalizedText

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"


def ident(t: str, simplified: str | None = None) -> NormalizedText:
    n = len(t)
    return NormalizedText(original=t, text=t, simplified=simplified if simplified is not None else t,
                          src_start=list(range(n)), src_end=list(range(1, n + 1)), base_start=0, base_end=n)


def dropping(original: str, pattern: str) -> NormalizedText:
    """Normalized view of ``original`` with every match of ``pattern`` removed (a real offset map)."""
    chars, ss, es = [], [], []
    pos = 0
    for m in list(re.finditer(pattern, original)) + [None]:
        stop = m.start() if m else len(original)
        for i in range(pos, stop):
            chars.append(original[i])
            ss.append(i)
            es.append(i + 1)
        pos = m.end() if m else stop
    text = "".join(chars)
    return NormalizedText(original=original, text=text, simplified=text, src_start=ss, src_end=es,
                          base_start=0, base_end=len(original))


def headings(t: str) -> list[tuple[int, str]]:
    return [(s.level, s.title) for s in parse_outline(ident(t)) if s.level > 0]


def titles(t: str) -> list[str]:
    return [title for _, title in headings(t)]


def check_tiling(norm: NormalizedText, sections) -> None:
    assert sections, "a non-empty text has at least one section"
    assert sections[0].start == norm.base_start
    assert sections[-1].end == norm.base_end
    for a, b in zip(sections, sections[1:]):
        assert a.end == b.start
    for s in sections:
        assert s.start <= s.heading_end <= s.end
        assert s.start < s.end
        if s.level == 0:
            assert s.path == [] and s.title == ""
        else:
            assert s.path[-1] == s.title and len(s.path) == s.level
            assert s.title == s.title.strip() and s.title


BODY = "全镇上下团结一心，扎实工作，各项事业取得了新的进展。"


# ---------------------------------------------------------------------------
# heading styles and hierarchy
# ---------------------------------------------------------------------------


def test_cn_to_int():
    assert [cn_to_int(x) for x in ["一", "十", "十二", "二十", "二十三", "九十九", "12", "百"]] == [1, 10, 12, 20, 23, 99, 12, 100]
    assert cn_to_int("") is None and cn_to_int("十十") is None


def test_every_style_nests_in_order():
    t = (f"一、总体要求\n{BODY}\n（一）指导思想\n{BODY}\n1.坚持发展\n{BODY}\n（1）抓好项目\n{BODY}\n"
         f"①建立项目库\n{BODY}\n②搭建平台\n{BODY}\n(2)抓好服务\n{BODY}\n2、强化保障\n{BODY}\n3．优化环境\n{BODY}\n"
         f"(二)主要目标\n{BODY}\n二、主要任务\n{BODY}")
    assert headings(t) == [
        (1, "一、总体要求"), (2, "（一）指导思想"), (3, "1.坚持发展"), (4, "（1）抓好项目"), (5, "①建立项目库"),
        (5, "②搭建平台"), (4, "(2)抓好服务"), (3, "2、强化保障"), (3, "3．优化环境"), (2, "(二)主要目标"),
        (1, "二、主要任务"),
    ]
    secs = parse_outline(ident(t))
    check_tiling(ident(t), secs)
    by_title = {s.title: s for s in secs}
    assert by_title["②搭建平台"].path == ["一、总体要求", "（一）指导思想", "1.坚持发展", "（1）抓好项目", "②搭建平台"]
    assert by_title["二、主要任务"].path == ["二、主要任务"]


def test_sibling_path_from_brief():
    t = f"三、2008年工作安排\n{BODY}\n（一）总体思路\n{BODY}\n（二）奋斗目标\n{BODY}"
    secs = parse_outline(ident(t))
    assert secs[-1].path == ["三、2008年工作安排", "（二）奋斗目标"]
    assert secs[-1].level == 2


def test_part_headings_push_levels_down():
    t = f"第一部分 2013年工作回顾\n{BODY}\n一、经济发展\n{BODY}\n（一）工业\n{BODY}\n第二部分 2014年工作安排\n{BODY}\n一、目标\n{BODY}"
    assert headings(t) == [(1, "第一部分 2013年工作回顾"), (2, "一、经济发展"), (3, "（一）工业"),
                           (1, "第二部分 2014年工作安排"), (2, "一、目标")]
    t2 = f"第三章 主要任务\n{BODY}\n一、产业\n{BODY}"
    assert headings(t2) == [(1, "第三章 主要任务"), (2, "一、产业")]


def test_skipped_level_leaves_no_hole():
    t = f"一、工作回顾\n{BODY}\n(1)工业经济\n{BODY}\n(2)农业经济\n{BODY}"
    secs = parse_outline(ident(t))
    assert [(s.level, s.path) for s in secs] == [
        (1, ["一、工作回顾"]), (2, ["一、工作回顾", "(1)工业经济"]), (2, ["一、工作回顾", "(2)农业经济"])]


def test_preface_and_offsets():
    t = f"某镇2013年工作总结\n{BODY}\n一、主要成绩\n{BODY}\n二、存在问题\n{BODY}"
    norm = ident(t)
    secs = parse_outline(norm)
    check_tiling(norm, secs)
    assert secs[0].level == 0 and secs[0].path == [] and t[secs[0].start:secs[0].end].startswith("某镇2013年")
    one = secs[1]
    assert t[one.start:one.heading_end] == "一、主要成绩"
    assert t[one.start:one.end] == f"一、主要成绩\n{BODY}\n"


def test_no_preface_when_text_starts_with_heading():
    t = f"  一、主要成绩\n{BODY}\n二、存在问题\n{BODY}"
    secs = parse_outline(ident(t))
    assert [s.title for s in secs] == ["一、主要成绩", "二、存在问题"]
    assert secs[0].start == 0


def test_no_headings_and_empty():
    secs = parse_outline(ident(BODY * 3))
    assert len(secs) == 1 and secs[0].level == 0 and (secs[0].start, secs[0].end) == (0, len(BODY) * 3)
    assert parse_outline(ident("")) == []


def test_titles_end_at_stop_or_limit():
    t = f"（一）突出园区建设，增强发展的集聚力。一是做活园区经济。\n二、指导思想：以科学发展观为统领。\n"
    assert titles(t) == ["（一）突出园区建设，增强发展的集聚力", "二、指导思想"]
    long_line = "1、现代都市工业园通过努力逐步把工业园建设成为城市搬遷企业特别是大中型企业相对聚集的区域和外资企业集中区域"
    (title,) = titles(f"{BODY}\n{long_line}\n{BODY}")
    assert title == long_line[: 2 + TITLE_MAX]
    # a marker followed by a stray 、 and spaces
    assert titles(f"{BODY}\n(二)、发展目标\n{BODY}\n三、 经济结构不断优化。{BODY}") == ["(二)、发展目标", "三、 经济结构不断优化"]


def test_titles_come_from_simplified_text():
    t = f"{BODY}\n一、工作回顧\n{BODY}"
    simp = t.replace("顧", "顾")
    secs = parse_outline(ident(t, simp))
    assert secs[1].title == "一、工作回顾"


def test_offsets_through_a_real_map():
    original = f"鎮(zhèn)政府工作\n一、經(jīng)濟發(fā)展\n{BODY}\n二、社會事業(yè)\n{BODY}"
    norm = dropping(original, r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
    assert "(" not in norm.text
    secs = parse_outline(norm)
    check_tiling(norm, secs)
    assert [s.title for s in secs[1:]] == ["一、經濟發展", "二、社會事業"]
    assert original[secs[1].start:secs[1].heading_end] == "一、經(jīng)濟發(fā)展"
    # the gloss after the last character is not part of the heading's text
    assert original[secs[2].start:secs[2].heading_end] == "二、社會事業"


# ---------------------------------------------------------------------------
# inline headings (pages without line breaks)
# ---------------------------------------------------------------------------

INLINE = (
    "全镇经济和社会各项事业取得了可喜的成绩。一、突出四项重点工作，努力打造“四个小雄”一、三区中低产田改造工程拖欠"
    "民工工资纠纷基本得到解决。二、统筹兼顾，切实做好其他各项工作2007年工作已经基本完成，主要表现在：一是产业层次不高；"
    "二是安全生产形势严峻。这些问题，都需要切实加以解决。\n2008年工作安排\n2008年，我镇将在县委、县政府的正确领导下，"
    "推进镇域经济持续发展。一、总体思路2008年工作的总体思路是：以增加农民收入为基本目标。二、奋斗目标三、主要任务(2)"
    "以个私经济为突破口，大力发展工业经济。一是抓好引导。①建立项目库，抓好落实。②做好引导。(4)加强财务管理。"
)


def test_inline_headings_and_banner():
    secs = parse_outline(ident(INLINE))
    check_tiling(ident(INLINE), secs)
    assert [(s.level, s.title) for s in secs] == [
        (0, ""),
        (1, "一、突出四项重点工作，努力打造“四个小雄”"),
        (1, "二、统筹兼顾，切实做好其他各项工作"),
        (1, "2008年工作安排"),
        (2, "一、总体思路"),
        (2, "二、奋斗目标"),
        (2, "三、主要任务"),
    ]
    assert secs[4].path == ["2008年工作安排", "一、总体思路"]
    assert INLINE[secs[4].start:secs[4].heading_end] == "一、总体思路"


def test_inline_requires_sentence_end_and_plausible_number():
    # 1. inside a sentence is not a heading; after a sentence end it is (ordinal 1)
    assert titles(f"{BODY}按照第1.条执行。{BODY}") == []
    assert titles(f"{BODY}1.打赢攻坚战。{BODY}2.改善基础设施。{BODY}") == ["1.打赢攻坚战", "2.改善基础设施"]
    # a lone 五、 after a sentence end is implausible; at a line start it is accepted (typos happen)
    assert titles(f"{BODY}五、加强自身建设。{BODY}") == []
    assert titles(f"{BODY}\n五、加强自身建设。{BODY}") == ["五、加强自身建设"]
    # a jump of more than three numbers inline is implausible, a missing one is fine
    assert titles(f"{BODY}一、发展经济。{BODY}三、改善民生。{BODY}九、其他。{BODY}") == ["一、发展经济", "三、改善民生"]


def test_inline_semicolon_lists_and_circled_items_are_not_headings():
    t = f"一、总体要求\n{BODY}重点抓好三件事：一、扩大投资；二、促进消费；三、稳定外贸。{BODY}①建立项目库。②搭建平台。"
    assert titles(t) == ["一、总体要求"]
    # after a full stop, but the run-in text ends at a semicolon: a list item too
    assert titles(f"一、总体要求\n{BODY}二、扩大有效投资；着力促进消费。{BODY}") == ["一、总体要求"]


# ---------------------------------------------------------------------------
# false positives
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("line", [
    "1.5亿元的投资已经全部到位，项目进展顺利。",
    "2.8%的增幅高于全县平均水平，位居前列。",
    "2013.01.22",
    "13.01.22发布",
    "1、2月份全镇完成工业产值5亿元，同比增长。",
    "一、二、三产业协调发展，结构不断优化。",
    "（一）、（二）两项任务已经完成，成效明显。",
    "1. ",
    "一、",
])
def test_false_positive_lines(line):
    assert titles(f"{BODY}\n{line}\n{BODY}") == []


def test_false_positives_inline():
    t = (f"{BODY}总量达到1.5亿元。2.8%的增幅居全县前列。一、二、三产业协调发展。根据第(一)项规定办理。"
         f"按照(一)中的要求推进。时间2013.01.22。{BODY}")
    assert titles(t) == []


def test_marker_mid_sentence_is_ignored():
    assert titles(f"{BODY}按照(一)的要求，做好一、二季度工作，完成1.条款。{BODY}") == []


# ---------------------------------------------------------------------------
# unnumbered heading lines
# ---------------------------------------------------------------------------


def test_unnumbered_heading_parent_of_a_restarted_list():
    t = f"报告标题\n{BODY}\n一、旧工作\n{BODY}\n2014年工作安排\n{BODY}\n一、总体思路\n{BODY}\n二、主要目标\n{BODY}"
    secs = parse_outline(ident(t))
    assert [(s.level, s.title) for s in secs] == [
        (0, ""), (1, "一、旧工作"), (1, "2014年工作安排"), (2, "一、总体思路"), (2, "二、主要目标")]
    assert secs[-1].path == ["2014年工作安排", "二、主要目标"]


def test_unnumbered_heading_inside_a_section():
    t = f"一、工作回顾\n{BODY}\n主要工作\n{BODY}\n（一）工业经济\n{BODY}\n二、工作打算\n{BODY}"
    secs = parse_outline(ident(t))
    by_title = {s.title: s for s in secs}
    assert by_title["主要工作"].path == ["一、工作回顾", "主要工作"]
    assert by_title["（一）工业经济"].path == ["一、工作回顾", "主要工作", "（一）工业经济"]
    assert by_title["二、工作打算"].level == 1
    # with nothing numbered after it, it nests inside the open heading and closes at the next sibling
    t2 = f"一、工作回顾\n{BODY}\n主要工作\n{BODY}\n二、工作打算\n{BODY}"
    assert headings(t2) == [(1, "一、工作回顾"), (2, "主要工作"), (1, "二、工作打算")]


@pytest.mark.parametrize("line", [
    "各位代表：",  # salutation
    "发布时间:2023年03月26日",  # chrome label
    "2013.01.22",  # no words
    "主动公开",  # followed by a short line, not by body text
    "这是一句话。",  # a sentence
    "【第2篇 乡镇政府工作总结",
    "青川县人民政府县长 李云岭",  # the speaker under the title
    "州长王某某",
    "“一个中心”",  # a quoted phrase alone
])
def test_not_unnumbered_headings(line):
    t = f"标题行\n{BODY}\n{line}\n无\n{BODY}" if line == "主动公开" else f"标题行\n{BODY}\n{line}\n{BODY}"
    assert titles(t) == []


def test_an_unnumbered_heading_may_open_with_a_quoted_plan_term():
    t = (f"报告标题\n省长 李云岭\n{BODY}\n“十四五”时期发展成就和2025年工作回顾\n{BODY}\n"
         f"“十五五”时期主要目标和2026年重点工作\n{BODY}\n一、把稳增长作为首要任务\n{BODY}")
    assert headings(t) == [(1, "“十四五”时期发展成就和2025年工作回顾"), (1, "“十五五”时期主要目标和2026年重点工作"),
                           (2, "一、把稳增长作为首要任务")]


def test_first_line_is_the_document_title_not_a_heading():
    t = f"徐泾镇2013年的主要工作\n{BODY}\n（一）围绕一个中心\n{BODY}"
    assert titles(t) == ["（一）围绕一个中心"]


# ---------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "一、", "二、", "三、", "（一）", "(二)", "1.", "2、", "（1）", "①", "第一部分", "。", "，", "\n", "\n\n", " ",
    "工作", "2008年", "1.5亿元", "2.8%", "主要任务", "一、二、三产业", "；", "：", "全镇经济平稳发展", "xx",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, min_size=1, max_size=40))
def test_sections_always_tile(pieces):
    t = "".join(pieces)
    norm = ident(t)
    secs = parse_outline(norm)
    if not t:
        assert secs == []
        return
    check_tiling(norm, secs)
    assert all(t[s.start:s.heading_end].strip() == s.title for s in secs if s.level)


@settings(max_examples=60, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=30), st.integers(0, 5))
def test_sections_tile_through_a_map(pieces, junk):
    original = "".join(p + "<" * junk + ">" if i % 3 == 0 else p for i, p in enumerate(pieces))
    norm = dropping(original, r"<*>")
    if not norm.text:
        return
    secs = parse_outline(norm)
    check_tiling(norm, secs)


# ---------------------------------------------------------------------------
# corpus
# ---------------------------------------------------------------------------


@lru_cache(maxsize=None)
def corpus_outlines(prefix: str):
    from llm_extract.text.normalize import normalize
    from llm_extract.text.split import split_reports

    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    raw = path.read_text(encoding="utf-8")
    out = []
    for start, end, _ in split_reports(raw):
        norm = normalize(raw, start, end)
        out.append((norm, parse_outline(norm)))
    return out


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_corpus_tiling(prefix):
    for norm, secs in corpus_outlines(prefix):
        check_tiling(norm, secs)
        for s in secs:
            if s.level:
                assert norm.original[s.start:s.heading_end]  # heading quotes the original


def test_corpus_000_top_level():
    ((_, secs),) = corpus_outlines("000")
    top = [s.title for s in secs if s.level == 1]
    assert top == ["一、2001年以来的工作情况", "二、当前主要存在的问题", "三、今后五年工作目标、工作思路和工作措施",
                   "四、2008年工作目标、思路及措施"]
    sub = [s for s in secs if s.title == "(二)发展目标"]
    assert len(sub) == 1 and sub[0].path == ["四、2008年工作目标、思路及措施", "(二)发展目标"]


def test_corpus_001_inline():
    ((_, secs),) = corpus_outlines("001")
    by_title = {s.title: s for s in secs}
    assert "一、总体思路" in by_title
    assert by_title["一、总体思路"].path == ["2008年工作安排", "一、总体思路"]
    assert "一、突出四项重点工作,努力打造“四个小雄”" in by_title


def test_corpus_003_three_reports():
    reports = corpus_outlines("003")
    assert len(reports) == 3
    _, third = reports[2]
    assert [s.title for s in third if s.level == 1] == ["200_年工作回顾", "2023年工作目标和任务"]
    assert len([s for s in third if s.level == 2]) == 12


def test_corpus_004_five_parts():
    ((_, secs),) = corpus_outlines("004")
    assert [s.title[:3] for s in secs if s.level == 1] == ["(一)", "(二)", "(三)", "(四)", "(五)"]
    assert secs[1].title == "(一)围绕一个中心,举全镇之力参与西虹桥地区的开发建设"
