"""Tests of llm_extract.text.normalize: offset maps, cleaning steps, chrome, placeholders, report splitting."""

from __future__ import annotations

import html
import importlib
import re
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llm_extract.text.normalize import (
    find_placeholders,
    has_gloss,
    is_chrome_line,
    normalize,
    normalize_query,
)
from llm_extract.text.split import split_reports

nz = importlib.import_module("llm_extract.text.normalize")  # the module, whatever the package re-exports

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"


# ---------------------------------------------------------------------------
# invariant checks shared by the property tests and the corpus tests
# ---------------------------------------------------------------------------

_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


def _produces(orig: str, ch: str) -> bool:
    """Could the original slice ``orig`` have produced the normalized char ``ch``?"""
    if orig == ch:
        return True
    dec = html.unescape(html.unescape(orig)) if "&" in orig else orig
    dec = dec.replace("\\t", " ")
    if dec == ch:
        return True
    if unicodedata.normalize("NFKC", dec) == ch:  # full-width and odd spaces fold like NFKC
        return True
    if ch == "\n":
        return dec in ("\r\n", "\r", "\\n", "\\r", "\\r\\n", "\u2028", "\u2029", "\x0b", "\x0c", "\x85")
    if ch == " ":
        return bool(dec) and all(c.isspace() or c in _INVISIBLE for c in dec)
    return False


def _check_maps(nt, original: str, start: int, end: int) -> None:
    n = len(nt.text)
    assert len(nt.simplified) == n == len(nt.src_start) == len(nt.src_end)
    assert (nt.base_start, nt.base_end) == (start, end)
    for i in range(n):
        assert start <= nt.src_start[i] < nt.src_end[i] <= end
        if i:
            assert nt.src_start[i - 1] <= nt.src_start[i] and nt.src_end[i - 1] <= nt.src_end[i]
    for a, b in nt.placeholders:
        assert 0 <= a < b <= n


def _check_produced(nt, original: str) -> None:
    for i, ch in enumerate(nt.text):
        orig = original[nt.src_start[i] : nt.src_end[i]]
        assert _produces(orig, ch), (i, ch, orig)


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


# ---------------------------------------------------------------------------
# property-based tests
# ---------------------------------------------------------------------------

_TOKENS = [
    # traditional and simplified CJK
    "鎮", "镇", "業", "业", "發", "发", "國", "国", "經濟", "经济", "政", "府", "工作", "報告", "报告", "鄉", "乾",
    # pinyin glosses
    "(zhèn)", "（yè）", "(fā)", "(xiāng)", "(lǜ)",
    # brackets that must stay
    "(GDP)", "(2008)", "(一)", "（二）",
    # full-width ASCII and ideographic space
    "ＧＤＰ", "１２３", "，", "：", "（", "）", "　", "ｘｘ", "％",
    # entities, good and bad
    "&nbsp;", "&amp;", "&ldquo;", "&rdquo;", "&#12345;", "&#x4e00;", "&amp;nbsp;", "&lt;", "&bogus;", "&", "&#0;",
    # literal escapes and a stray backslash
    "\\n", "\\r\\n", "\\t", "\\r", "\\",
    # real whitespace
    " ", "  ", "\t", "\n", "\n\n\n", "\r\n", "\r", "\u00a0", "\u3000", "\u200b",
    # ASCII and placeholder material
    "a", "x", "xx", "GDP", "2008", ".", "%", "_", "___", "*", "×", "万元", "年",
    # CJK punctuation
    "。", "、", "“", "”", "《", "》",
]

_mixed = st.lists(st.sampled_from(_TOKENS), max_size=40).map("".join)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mixed)
def test_maps_hold_on_mixed_text(original):
    nt = normalize(original)
    _check_maps(nt, original, 0, len(original))
    _check_produced(nt, original)
    assert not has_gloss(nt.text)
    assert "\r" not in nt.text and "\n\n\n" not in nt.text
    assert nt.text == nt.text.strip()


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60), st.data())
def test_maps_hold_on_any_text_and_slice(original, data):
    start = data.draw(st.integers(0, len(original)))
    end = data.draw(st.integers(start, len(original)))
    nt = normalize(original, start, end)
    _check_maps(nt, original, start, end)


@settings(max_examples=200, deadline=None)
@given(_mixed, st.data())
def test_to_original_round_trips(original, data):
    nt = normalize(original)
    n = len(nt.text)
    if n == 0:
        return
    i = data.draw(st.integers(0, n - 1))
    j = data.draw(st.integers(i + 1, n))
    span = nt.to_original(i, j)
    again = normalize(original, span.start, span.end)
    assert _squash(nt.text[i:j]) in _squash(again.text)
    # and back: the characters inside the original span include [i, j)
    lo, hi = nt.from_original(span.start, span.end)
    assert lo <= i and j <= hi


@settings(max_examples=100, deadline=None)
@given(_mixed)
def test_query_normalization_is_idempotent(q):
    once = normalize_query(q)
    assert normalize_query(once) == once
    assert "\n" not in once and not has_gloss(once)


# ---------------------------------------------------------------------------
# the cleaning steps one by one
# ---------------------------------------------------------------------------


def _orig_of(nt, ch_index: int) -> str:
    return nt.original[nt.src_start[ch_index] : nt.src_end[ch_index]]


def test_literal_escapes_and_crlf_become_line_breaks():
    src = "一、总体\\r\\n情况\\n二、问题\\t说明\r\n三、打算\r四"
    nt = normalize(src)
    assert nt.text == "一、总体\n情况\n二、问题说明\n三、打算\n四"
    assert _orig_of(nt, nt.text.index("\n")) == "\\r\\n"
    assert _orig_of(nt, nt.text.index("\n", nt.text.index("三") - 2)) == "\r\n"


def test_entities_map_to_the_whole_entity():
    src = "A&amp;B&nbsp;C &ldquo;发展&rdquo; &#12345;&#x4e00; &bogus; R&amp;D"
    nt = normalize(src)
    assert nt.text == "A&B C “发展”〹一 &bogus; R&D"
    assert _orig_of(nt, nt.text.index("“")) == "&ldquo;"
    assert _orig_of(nt, nt.text.index("一")) == "&#x4e00;"
    assert _orig_of(nt, 1) == "&amp;"
    assert normalize("总体&amp;nbsp;情况").text == "总体情况"


def test_full_width_folds_but_cjk_punctuation_stays():
    nt = normalize("ＧＤＰ增长１２．５％，达到“目标”。《报告》、　完成")
    assert nt.text == "GDP增长12.5%,达到“目标”。《报告》、完成"
    assert _orig_of(nt, 0) == "Ｇ"


@pytest.mark.parametrize(
    "src, expected",
    [
        ("鎮(zhèn)政府", "鎮政府"),
        ("產業(yè)發(fā)展", "產業發展"),
        ("鎮（zhèn）村", "鎮村"),
        ("綠(lǜ)化", "綠化"),
        ("地区生产总值(GDP)增长", "地区生产总值(GDP)增长"),
        ("措施(一)落实", "措施(一)落实"),
        ("自(2008)年", "自(2008)年"),
        ("村(居)委", "村(居)委"),
        ("工程(abc)完成", "工程(abc)完成"),
    ],
)
def test_gloss_removal(src, expected):
    assert normalize(src).text == expected
    assert has_gloss(src) == (src != expected)


def test_whitespace_folding():
    src = "  政 府 工 作 报 告  \n\n\n\n\n一、 经济   发展 GDP  growth\t\trate \n第 3 季度\n   \n二、"
    nt = normalize(src)
    assert nt.text == "政府工作报告\n\n一、经济发展 GDP growth rate\n第3季度\n\n二、"
    space = nt.text.index(" growth")
    assert _orig_of(nt, space) == "  "


# ---------------------------------------------------------------------------
# chrome
# ---------------------------------------------------------------------------

CHROME = [
    "歡迎光臨管理范文網",
    "欢迎访问某某网",
    "當前位置:工作總結 > 總結大全 > 總結報告",
    "首页 > 工作总结 > 正文",
    "发布时间:2023-03-26 15:36:12 查看人数:65",
    "發(fā)布時間:2023-03-26 15:36:12",
    "时间:2022-02-03 10:17:00",
    "浏览次数:1234",
    "来源:某某县人民政府网",
    "作者:佚名",
    "导语:某文一文来源于网友上传,不代表本站观点,若需要原创文章可咨询客服老师,欢迎参考。",
    "免责声明:本站资料来自网络",
    "版权所有 © 2020 某某网",
    "分享到:微信 微博",
    "扫一扫在手机打开当前页",
    "上一篇:2012年工作总结",
    "下一篇:2014年工作计划",
    "相关文章",
    "相關鄉(xiāng)鎮(zhèn)政府工作信息",
    "相关推荐",
    "点击下载文档文档为doc格式",
    "推薦度:",
    "[更多]",
    "《[推荐]乡镇政府工作报告",
    "www.fanwen123.com",
    "本文由范文网整理",
    "青川县人民政府门户网站",  # a government site's name (its logo's text) alone on a line
    "云雾市人民政府网",
    "首页 机构概况 统计动态 数据发布 统计公报 统计分析",  # a statistics bureau's menu on one line
    "首页 | 统计数据 | 统计公报 | 统计年鉴",
]

NOT_CHROME = [
    "二、主要问题和不足",
    "全镇生产总值完成6.87亿元,同比增长8.5%。",
    "各位代表:",
    "2013年全镇经济社会发展的主要预期目标是:实现地区生产总值(GDP)80.43亿元,同比增长0.2%。",
    "鄉鎮政府工作總結報告(三篇)",
    "推进时间节点管理,作者队伍建设",
    "来源广泛的资金渠道,2013年共筹集资金1.2亿元,用于农村道路、水利等基础设施建设,完成投资计划的105%。",
    "(一)突出园区建设,增强发展的集聚力。",
    "时间:2013年3月至6月",
    "相关部门要密切配合,形成工作合力,确保各项任务落到实处。",
    "工业互联网",
    "建设数字政府",
]


@pytest.mark.parametrize("line", CHROME)
def test_chrome_lines(line):
    assert is_chrome_line(line)


@pytest.mark.parametrize("line", NOT_CHROME)
def test_report_lines_are_not_chrome(line):
    assert not is_chrome_line(line)


def test_chrome_lines_and_related_list_are_dropped():
    src = "\n".join([
        "歡迎光臨某某網",
        "當前位置:首頁 > 總結",
        "",
        "某鎮2013年工作總結",
        "",
        "發布時間:2013-01-22 10:00:00",
        "一、經濟發展",
        "全鎮生產總值完成6.87億元,同比增長8.5%。",
        "某镇人民政府",
        "上一篇:某某",
        "相关文章",
        "  • 2012年工作总结",
        "    各位代表:现在,我代表镇人民政府向大会作工作报告,请予审议,并请参加大会的列席人员提出意见。200*年工作回顾 ...[更多]",
        "  • 2014年工作计划",
    ])
    nt = normalize(src)
    assert nt.text == "某鎮2013年工作總結\n\n一、經濟發展\n全鎮生產總值完成6.87億元,同比增長8.5%。"
    _check_maps(nt, src, 0, len(src))


def test_footer_keeps_signature_above_a_plain_welcome_line():
    src = "一、工作\n完成投资3亿元,同比增长5%。\n某镇人民政府\n2013年1月22日\n欢迎光临\n某某范文网"
    assert normalize(src).text == "一、工作\n完成投资3亿元,同比增长5%。\n某镇人民政府\n2013年1月22日"


def test_footer_does_not_eat_prose_ending_in_an_ellipsis():
    src = "一、工作\n我们要加强基础设施、公共服务、社会保障等等……\n上一篇:某某\n下一篇:某某"
    assert normalize(src).text == "一、工作\n我们要加强基础设施、公共服务、社会保障等等……"
    teaser = "一、工作\n完成投资3亿元。\n\n某某工作报告\n各位代表:现在,我代表镇人民政府向大会作工作报告,请予审议。200*年工作回顾一…\n推荐度:"
    assert normalize(teaser).text == "一、工作\n完成投资3亿元。"


def test_repeated_site_name_watermark_is_dropped():
    body = "完成地区生产总值5亿元,同比增长7%,各项工作稳步推进,群众满意度提高。"
    src = "\n".join(["某某范文网", body, "某某范文网", body, "某某范文网"])
    assert "范文网" not in normalize(src).text


# ---------------------------------------------------------------------------
# traditional -> simplified
# ---------------------------------------------------------------------------


def test_simplified_is_same_length_and_converted():
    nt = normalize("鄉(xiāng)鎮(zhèn)經濟發展,乾隆年間,於是")
    assert nt.text == "鄉鎮經濟發展,乾隆年間,於是"
    assert nt.simplified == "乡镇经济发展,乾隆年间,于是"


def test_length_changing_conversion_falls_back(monkeypatch):
    class Stretchy:
        def convert(self, s: str) -> str:
            # a phrase rule that changes length, as some OpenCC dictionaries do
            return s.replace("發展", "发展了").replace("鄉", "乡")

    nz._simplify_char.cache_clear()
    monkeypatch.setattr(nz, "_converter", lambda: Stretchy())
    try:
        out = nz.to_simplified("鄉鎮\n經濟發展")
    finally:
        nz._simplify_char.cache_clear()
    assert out == "乡鎮\n經濟發展"

    class Shifty:
        def convert(self, s: str) -> str:
            # same total length, but "發展" grew and "鄉鎮" shrank: misaligned
            return s.replace("鄉鎮", "乡").replace("發展", "发展了")

    nz._simplify_char.cache_clear()
    monkeypatch.setattr(nz, "_converter", lambda: Shifty())
    try:
        out = nz.to_simplified("鄉鎮,發展")
    finally:
        nz._simplify_char.cache_clear()
    assert out == "鄉鎮,發展"


def test_normalize_query():
    assert normalize_query(" 鄉鎮（xiāng）  政府\n工作 報告 ＧＤＰ&amp;x ") == "乡镇政府工作报告 GDP&x"


# ---------------------------------------------------------------------------
# placeholders
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("全镇完成地区生产总值xxxxx万元,同比增长xx.xx%", ["xxxxx", "xx.xx%"]),
        ("完成投资x.xxx亿元,增长x%", ["x.xxx", "x%"]),
        ("我代表___镇政府,20xx年", ["___", "20xx"]),
        ("建设平安××,XX村", ["××", "XX"]),
        ("200*年工作回顾,***镇", ["200*", "***"]),
        ("增长X.X个百分点", ["X.X"]),
        ("抢抓x省特色镇机遇", ["x"]),
        ("落实“1+19+X”管理方案", []),
        ("the box is next to Xbox and xenon", []),
        ("面积3×4米,X光机", []),
        ("地区生产总值(GDP)80.43亿元,2013.01.22", []),
        ("**重点工作**", []),
    ],
)
def test_find_placeholders(text, expected):
    assert [text[a:b] for a, b in find_placeholders(text)] == expected


# ---------------------------------------------------------------------------
# report splitting
# ---------------------------------------------------------------------------


def _body(n: int) -> str:
    return f"各位代表:\n一、工作回顾\n全镇生产总值完成{n}.5亿元,同比增长8%。各项事业全面发展,人民生活不断改善,社会保持和谐稳定。"


def test_split_bracket_markers():
    src = "欢迎光临某某网\n乡镇工作报告(三篇)\n\n【篇一】2013年工作总结\n" + _body(1) + "\n【篇二】\n" + _body(2) + \
        "\n【篇三】2015年工作计划\n" + _body(3) + "\n相关文章\n2012年工作总结\n"
    parts = split_reports(src)
    assert [t for _, _, t in parts] == ["2013年工作总结", "", "2015年工作计划"]
    assert src[parts[0][0] :].startswith("【篇一】")
    assert src[parts[2][0] : parts[2][1]].endswith("和谐稳定。")
    for a, b, _ in parts:
        assert src[a:b].count("一、工作回顾") == 1


def test_split_plain_markers_need_a_count_or_no_chapters():
    src = "乡镇工作总结(三篇)\n第一篇:甲镇总结\n" + _body(1) + "\n第二篇:乙镇总结\n" + _body(2) + \
        "\n第三篇:丙镇总结\n" + _body(3)
    assert [t for _, _, t in split_reports(src)] == ["甲镇总结", "乙镇总结", "丙镇总结"]
    plan = "第一章 总体要求\n" + _body(1) + "\n第一篇 发展环境\n" + _body(2) + "\n第二篇 主要任务\n" + _body(3)
    assert len(split_reports(plan)) == 1


def test_split_skips_a_table_of_contents():
    src = "工作总结范文(三篇)\n篇一:甲镇\n篇二:乙镇\n篇三:丙镇\n\n篇一:甲镇\n" + _body(1) + "\n篇二:乙镇\n" + _body(2) + \
        "\n篇三 丙镇\n" + _body(3)
    parts = split_reports(src)
    assert [t for _, _, t in parts] == ["甲镇", "乙镇", "丙镇"]
    assert src[parts[0][0] :].startswith("篇一:甲镇\n各位代表")


def test_split_keeps_header_with_report_text():
    src = "前言:本报告汇总了全镇2013年的各项工作情况,供大会审议参考。\n【第1篇 甲\n" + _body(1) + "\n【第2篇 乙\n" + _body(2)
    parts = split_reports(src)
    assert len(parts) == 2 and parts[0][0] == 0


def test_split_plain_file_and_empty():
    src = "\n\n  某镇2013年工作总结\n" + _body(1) + "\n\n"
    ((a, b, title),) = split_reports(src)
    assert src[a:b] == src.strip() and title == "某镇2013年工作总结"
    assert split_reports("  \n ") == []


# ---------------------------------------------------------------------------
# the sample corpus
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus():
    texts = {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))}
    return {k: (t, normalize(t)) for k, t in texts.items()}


def test_corpus_maps_and_no_gloss(corpus):
    assert sorted(corpus) == ["000", "001", "002", "003", "004"]
    for original, nt in corpus.values():
        _check_maps(nt, original, 0, len(original))
        _check_produced(nt, original)
        assert not has_gloss(nt.text) and not has_gloss(nt.simplified)


def test_corpus_chrome_is_gone_and_content_stays(corpus):
    t000, t003 = corpus["000"][1].simplified, corpus["003"][1].simplified
    for gone in ["欢迎光临", "当前位置", "发布时间", "查看人数", "不代表本站观点", "导语", "推荐度", "点击下载", "[更多]",
                 "相关乡镇政府工作信息", "人关注", "时间:2022"]:
        assert gone not in t000 and gone not in t003, gone
    assert "工商两业纳税营销116.5亿元" in t000
    assert "全镇生产总值完成6.87亿元" in t003
    assert t003.rstrip().endswith("而努力奋斗!")
    assert "欢迎光临" not in corpus["004"][1].text
    assert "实现地区生产总值(GDP)80.43亿元" in corpus["004"][1].text


def test_corpus_placeholders(corpus):
    def found(key):
        nt = corpus[key][1]
        return [nt.text[a:b] for a, b in nt.placeholders]

    assert {"xxxxx", "xx.xx%", "x.xxx", "20xx"} <= set(found("002"))
    assert {"___", "200_"} <= set(found("003"))
    assert "××" in found("000")
    assert found("004") == []


def test_corpus_split(corpus):
    for key, (original, _) in corpus.items():
        parts = split_reports(original)
        assert len(parts) == (3 if key == "003" else 1), key
        for a, b, _ in parts:
            assert 0 <= a < b <= len(original)
            assert not has_gloss(normalize(original, a, b).text)
    parts = split_reports(corpus["003"][0])
    original = corpus["003"][0]
    for k, (a, b, title) in enumerate(parts, 1):
        assert original[a:].startswith(f"【第{k}篇")
        assert "推薦度" not in original[a:b] and "歡迎光臨" not in original[a:b]
    assert parts[0][2].startswith("鄉鎮政府工作總結")
    assert parts[0][1] <= parts[1][0] <= parts[1][1] <= parts[2][0]
    (a, b, _), = split_reports(corpus["002"][0])
    assert (a, b) == (0, len(corpus["002"][0].rstrip()))


def test_normalizing_the_largest_sample_is_fast(corpus):
    original = corpus["003"][0]
    t0 = time.perf_counter()
    normalize(original)
    assert time.perf_counter() - t0 < 1.0


def test_a_statistics_sites_menu_is_dropped_but_the_title_stays():
    src = "\n".join(["云雾市统计局", "首页", "机构概况", "统计动态", "数据发布", "统计公报", "统计分析",
                     "当前位置：首页 > 数据发布 > 统计公报", "云雾市2023年国民经济和社会发展统计公报",
                     "发布时间：2024-03-28 10:00:00", "一、综合", "全年全市地区生产总值1234.5亿元，增长5.1%。"])
    text = normalize(src).text
    assert text.startswith("云雾市统计局\n云雾市2023年国民经济和社会发展统计公报\n一、综合")
