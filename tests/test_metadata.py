"""Tests of llm_extract.text.metadata and .places: title, place, level, years, type and provenance.

Snippets are invented (made-up places such as 青川县, 云岭镇, 松岭市); the corpus tests read examples/corpus.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from llm_extract.text.metadata import extract_metadata
from llm_extract.text.places import expand, leading_place, short_name
from llm_extract.core.types import NormalizedText

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"

BODY = "全镇上下团结一心，扎实工作，各项事业取得了新的进展。"


def ident(t: str, simplified: str | None = None) -> NormalizedText:
    n = len(t)
    return NormalizedText(original=t, text=t, simplified=simplified if simplified is not None else t,
                          src_start=list(range(n)), src_end=list(range(1, n + 1)), base_start=0, base_end=n)


def meta(t: str, **kw) -> dict:
    return extract_metadata(ident(t), **kw)


# ---------------------------------------------------------------------------
# title
# ---------------------------------------------------------------------------


def test_title_is_first_report_like_line():
    t = f"欢迎光临范文网\n时间:2022-02-03 10:17:00\n镇近几年工作情况汇报及工作目标\n某镇2008年工作目标\n{BODY}"
    assert meta(t)["title"] == "镇近几年工作情况汇报及工作目标"


def test_title_skips_labels_and_stops_at_first_heading():
    t = f"当前位置:工作总结 > 总结大全\n各位代表：\n{BODY}\n一、2013年工作回顾\n{BODY}\n某镇工作计划\n"
    assert meta(t)["title"] == ""
    assert meta(t, title_hint="乡镇政府工作总结报告")["title"] == "乡镇政府工作总结报告"


def test_title_cleanups():
    assert meta(f"【第2篇 乡镇政府工作总结报告\n{BODY}")["title"] == "乡镇政府工作总结报告"
    assert meta(f"政 府 工 作 报 告\n{BODY}")["title"] == "政府工作报告"


def test_title_hint_is_simplified():
    pytest.importorskip("opencc")
    assert meta(BODY, title_hint="鄉鎮政府工作總結報告")["title"] == "乡镇政府工作总结报告"
    assert meta(BODY)["title"] == ""


def test_title_is_simplified_from_the_norm():
    t = f"鎮近幾年工作情況匯報\n{BODY}"
    s = f"镇近几年工作情况汇报\n{BODY}"
    assert extract_metadata(ident(t, s))["title"] == "镇近几年工作情况汇报"


# ---------------------------------------------------------------------------
# place
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("text,place", [
    (f"徐泾镇2013年的主要工作\n{BODY}", "徐泾镇"),
    (f"镇党委政府总结\n2007年是小雄镇社会主义新农村建设的关键一年。{BODY}", "小雄镇"),
    (f"工作报告\n现在，我代表青山乡人民政府向大会报告工作。{BODY}", "青山乡"),
    (f"工作报告\n{BODY}完成《龙港镇志》续编。打造实力龙港，建设都市龙港，龙港加快发展。", "龙港镇"),
    (f"枫桥街道2020年工作总结\n{BODY}", "枫桥街道"),
    (f"安吉县人民政府工作报告\n{BODY}", "安吉县"),
])
def test_place_stated(text, place):
    assert meta(text)["place"] == place


@pytest.mark.parametrize("text", [
    f"___镇2023年工作总结\n我代表___镇本届政府向大会报告工作。{BODY}",
    f"××镇工作汇报\n××镇各业经济保持发展。{BODY}",
    f"xx镇工作汇报\nxx镇各业经济保持发展。{BODY}",
    f"某镇近几年工作情况汇报\n{BODY}",
    f"工作总结\n我镇经济平稳发展，全镇上下团结一心。{BODY}",
    f"工作报告\n现在，我代表镇人民政府报告工作。各位代表，{BODY}",
    f"工作总结\n自觉接受镇人大的监督。{BODY}",
    f"工作总结\n推进城镇建设，创建国家级卫生镇，卫生工作，卫生事业，卫生条件。{BODY}",
    f"工作总结\n以九龙湾乡村家园为龙头。九龙湾乡村家园。{BODY}",
    f"工作总结\n按照区政府的要求，推进市政建设。{BODY}",
    BODY,
])
def test_no_place_invented(text):
    assert meta(text)["place"] == ""


def test_town_wins_over_county():
    assert meta(f"安吉县递铺镇2013年工作总结\n{BODY}")["place"] == "递铺镇"


# ---------------------------------------------------------------------------
# years
# ---------------------------------------------------------------------------


def test_years_from_title_headings_and_opening_sentences():
    t = (f"某镇近几年工作情况汇报及2008年工作目标\n时间:2022-02-03 10:17:00\n{BODY}\n"
         f"一、2001年以来的工作情况\n{BODY}2005年全镇完成产值5亿元。\n二、今后工作\n2008年是落实十七大精神的开始年。{BODY}")
    assert meta(t)["years"] == [2001, 2008]


def test_years_ignore_placeholders_dates_and_body_mentions():
    t = (f"20xx年工作总结\n发布时间:2023年3月26日\n{BODY}\n一、20xx年工作开展情况\n"
         f"{BODY}比2001年增长183%，2003年3月启动改革。\n二、200_年工作打算\n{BODY}")
    assert meta(t)["years"] == []


def test_a_work_report_reviewing_five_years_still_reviews_the_year_before_delivery():
    t = (f"政府工作报告\n——2023年1月10日在云岭省第十四届人民代表大会第一次会议上\n云岭省省长 某某\n{BODY}\n"
         f"一、过去五年工作回顾\n{BODY}\n二、2023年工作安排\n{BODY}")
    m = meta(t)
    assert (m["report_year"], m["review_years"], m["plan_years"]) == (2023, [2022], [2023])
    assert m["provenance"]["review_years"] == "inferred"


def test_years_from_banner_heading():
    t = f"工作总结及计划\n{BODY}\n一、工作回顾\n{BODY}\n2008年工作安排\n{BODY}\n一、总体思路\n{BODY}"
    assert meta(t)["years"] == [2008]


# ---------------------------------------------------------------------------
# report type
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("text,kind", [
    (f"各位代表：\n现在，我代表___镇本届政府向大会报告工作，请予审议。\n一、2023年工作回顾\n{BODY}", "government_work_report"),
    (f"2013年政府工作报告\n{BODY}", "government_work_report"),
    (f"各位代表：\n现在，我代表镇人民政府报告工作，请予审议。\n{BODY}", "government_work_report"),
    (f"某镇2013年工作总结\n{BODY}\n一、主要成绩\n{BODY}", "review"),
    (f"某镇工作情况汇报\n{BODY}", "review"),
    (f"某镇2014年工作计划\n{BODY}", "plan"),
    (f"徐泾镇2013年的主要工作\n{BODY}\n(一)围绕一个中心\n{BODY}", "plan"),
    (f"总结\n{BODY}\n一、2013年工作回顾\n{BODY}\n二、2014年工作安排\n{BODY}", "review_and_plan"),
    (f"“镇党委政府总结及计划”政府工作计划\n{BODY}", "review_and_plan"),
    (f"{BODY}\n一、主要措施\n{BODY}\n二、目标任务\n{BODY}", ""),
    (BODY, ""),
])
def test_report_type(text, kind):
    old_names = {"review": "work_summary", "review_and_plan": "work_summary", "plan": "work_plan"}
    assert meta(text)["report_type"] == old_names.get(kind, kind)


def test_keys_and_empty_values():
    assert meta(BODY) == {"title": "", "place": "", "level": "", "years": [], "report_type": "", "report_year": None,
                          "review_years": [], "plan_years": [], "provenance": {}}


# ---------------------------------------------------------------------------
# corpus
# ---------------------------------------------------------------------------


@lru_cache(maxsize=None)
def corpus_meta(prefix: str) -> list[dict]:
    from llm_extract.text.normalize import normalize
    from llm_extract.text.split import split_reports

    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    raw = path.read_text(encoding="utf-8")
    return [extract_metadata(normalize(raw, s, e), title_hint=hint) for s, e, hint in split_reports(raw)]


def test_corpus_004():
    (m,) = corpus_meta("004")
    assert m["place"] == "徐泾镇"
    assert 2013 in m["years"]
    assert m["report_type"] == "work_plan"
    assert m["title"] == "徐泾镇2013年的主要工作"
    assert (m["level"], m["report_year"], m["plan_years"]) == ("town", 2013, [2013])
    assert m["provenance"]["place"] == "title"


def test_corpus_000():
    (m,) = corpus_meta("000")
    assert m["place"] == ""  # only ××镇 / 某镇
    assert m["years"] == [2001, 2008]  # never 2022 from the publication time
    assert m["report_type"] == "work_summary"
    assert m["report_year"] is None  # 时间:2022-02-03 is when a website posted it


def test_corpus_001():
    (m,) = corpus_meta("001")
    assert m["place"] == "小雄镇"
    assert m["years"] == [2007, 2008]


def test_corpus_002_placeholder_years():
    (m,) = corpus_meta("002")
    assert m["years"] == [] and m["place"] == ""
    assert m["report_type"] == "work_summary"


def test_corpus_003():
    metas = corpus_meta("003")
    assert len(metas) == 3
    assert [m["report_type"] for m in metas] == ["government_work_report"] * 3
    assert [m["place"] for m in metas] == ["", "", "龙港镇"]  # never 乡镇 from a 乡镇政府工作报告 title
    assert all(m["title"] for m in metas)


# ---------------------------------------------------------------------------
# place names, levels, years and provenance (invented reports)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("text,chain,name,level", [
    ("湖州省政府工作报告", ("湖州省",), "湖州省", "province"),
    ("松花岭区2017年政府工作报告", ("松花岭区",), "松花岭区", "district"),  # three-character names stay whole
    ("白云鄂伦春族自治旗2019年", ("白云鄂伦春族自治旗",), "白云鄂伦春族自治旗", "county"),
    ("云雾苗族侗族自治州2016年", ("云雾苗族侗族自治州",), "云雾苗族侗族自治州", "city"),
    ("江北省松岭市青川县云岭镇2012年工作总结", ("江北省", "松岭市", "青川县", "云岭镇"), "云岭镇", "town"),
    ("新市镇工作总结", ("新市镇",), "新市镇", "town"),  # 市 inside a town's name
    ("枫林街道2020年", ("枫林街道",), "枫林街道", "town"),
    ("北京市2020年政府工作报告", ("北京市",), "北京市", "province"),
    ("广西政府工作报告", ("广西",), "广西壮族自治区", "province"),
    ("凉山州统计局", ("凉山州",), "凉山彝族自治州", "city"),
    ("沛县2019年政府工作报告", ("沛县",), "沛县", "county"),
])
def test_leading_place(text, chain, name, level):
    p = leading_place(text)
    assert p is not None and (p.chain, p.name, p.level) == (chain, name, level)


@pytest.mark.parametrize("text", ["城乡建设工作总结", "乡镇政府工作报告", "某镇工作汇报", "我县工作总结", "全市经济",
                                  "国家统计局青川调查队", "自治区人民政府", "县人民政府", "XX县工作总结",
                                  "李某某省长所作的政府工作报告", "王某县长在会上"])
def test_no_leading_place(text):
    assert leading_place(text) is None


def test_an_office_holder_is_no_place_but_a_place_before_a_city_starting_with_chang_is():
    assert leading_place("湖南省长沙市2025年").name == "长沙市"
    assert leading_place("湖南省长某某所作的报告").name == "湖南省"
    from llm_extract.text.query import parse_query

    assert parse_query("王某县长所作的报告中，青川县2024年GDP是多少？").place_mentions == ("青川县",)


def test_short_forms():
    assert expand("宁夏") == "宁夏回族自治区" and expand("黔南州") == "黔南布依族苗族自治州"
    assert short_name("新疆维吾尔自治区") == "新疆" and short_name("凉山彝族自治州") == "凉山州"
    assert short_name("湖州省") == "湖州省" and expand("青川县") == "青川县"


GOV_TOP = "各位代表：\n现在，我代表县人民政府向大会报告工作，请予审议。\n一、2024年工作回顾\n{b}\n二、2025年工作安排\n{b}"


@pytest.mark.parametrize("text,expect", [
    ("2019年青川县政府工作报告\n" + GOV_TOP.format(b=BODY),
     dict(place="青川县", level="county", report_type="government_work_report", report_year=2019,
          review_years=[2024], plan_years=[2025])),
    (f"云岭镇2012年工作总结\n{BODY}\n一、主要成绩\n{BODY}",
     dict(place="云岭镇", level="town", report_type="work_summary", report_year=2012, review_years=[2012],
          plan_years=[])),
    (f"枫林街道2014年工作计划\n{BODY}",
     dict(place="枫林街道", level="town", report_type="work_plan", report_year=2014, plan_years=[2014])),
    (f"松岭市2023年国民经济和社会发展统计公报\n{BODY}\n一、综合\n{BODY}",
     dict(place="松岭市", level="city", report_type="statistical_communique", report_year=2024,
          review_years=[2023], plan_years=[])),
    (f"2021年江北省政府工作报告\n{BODY}",
     dict(place="江北省", level="province", report_type="government_work_report", report_year=2021,
          review_years=[2020], plan_years=[2021])),
])
def test_title_line_gives_place_level_type_and_years(text, expect):
    m = meta(text)
    assert {k: m[k] for k in expect} == expect
    assert m["provenance"]["place"] == "title" and m["provenance"]["title"] == "title"


def test_title_over_two_lines_is_joined():
    m = meta(f"云雾苗族侗族自治州\n2016年国民经济和社会发展统计公报\n云雾州统计局\n2017年3月9日\n{BODY}")
    assert m["title"] == "云雾苗族侗族自治州2016年国民经济和社会发展统计公报"
    assert (m["place"], m["level"], m["report_type"]) == ("云雾苗族侗族自治州", "city", "statistical_communique")
    assert (m["report_year"], m["provenance"]["report_year"], m["review_years"]) == (2017, "byline", [2016])


def test_byline_gives_place_and_date():
    t = ("政府工作报告\n——2025年1月14日在青川县第十六届人民代表大会第二次会议上\n青川县人民政府县长 王某某\n"
         + GOV_TOP.format(b=BODY))
    m = meta(t)
    assert (m["place"], m["level"], m["report_year"]) == ("青川县", "county", 2025)
    assert m["provenance"]["place"] == m["provenance"]["report_year"] == "byline"
    assert (m["review_years"], m["plan_years"]) == ([2024], [2025])


def test_byline_with_a_role_only():
    m = meta(f"政府工作报告\n江北省代省长 李某某\n各位代表：\n{BODY}")
    assert (m["place"], m["level"], m["provenance"]["place"]) == ("江北省", "province", "byline")


def test_issuer_and_date_make_a_communique_without_a_title():
    m = meta(f"— 1 —\n凉山州统计局\n2024年4月2日\n2023年，全州经济稳中有进。{BODY}\n一、综合\n{BODY}",
             title_hint="— 1 —")
    assert (m["place"], m["report_type"], m["report_year"], m["review_years"]) == (
        "凉山彝族自治州", "statistical_communique", 2024, [2023])
    assert m["title"] == "凉山彝族自治州2023年国民经济和社会发展统计公报"
    assert m["provenance"]["title"] == "inferred"


def test_a_place_the_body_mentions_is_not_the_report_s_place():
    body = "学习安吉县的经验，与云岭镇签订协议，赴松岭市考察。"
    assert meta(f"2019年青川县政府工作报告\n{body}{BODY}")["place"] == "青川县"
    m = meta(f"政府工作报告\n各位代表：\n{body}{BODY}")
    assert (m["place"], m["level"]) == ("", "") and "place" not in m["provenance"]


def test_file_title_then_file_name():
    m = meta(f"各位代表：\n{BODY}", file_title="2018年青川县政府工作报告")
    assert (m["place"], m["title"], m["report_year"]) == ("青川县", "2018年青川县政府工作报告", 2018)
    assert m["provenance"]["place"] == m["provenance"]["title"] == "file_title"
    m = meta(f"各位代表：\n{BODY}", source="/data/2016年云岭镇工作总结.txt")
    assert (m["place"], m["level"], m["provenance"]["place"]) == ("云岭镇", "town", "filename")
    # the text's own title outranks both
    m = meta(f"枫林街道2014年工作计划\n{BODY}", file_title="青川县门户网站", source="/data/2016年云岭镇工作总结.txt")
    assert m["place"] == "枫林街道" and m["provenance"]["place"] == "title"


def test_a_city_with_towns_but_no_counties_is_county_level():
    assert meta(f"2019年石门市政府工作报告\n全市各乡镇完成任务。{BODY}")["level"] == "county"
    assert meta(f"2019年石门市政府工作报告\n各县（市、区）和各乡镇完成任务。{BODY}")["level"] == "city"


def test_web_page_dates_are_no_report_year():
    m = meta(f"工作总结\n发布时间：2023年3月26日\n{BODY}")
    assert m["report_year"] is None and "report_year" not in m["provenance"]


# ---------------------------------------------------------------------------
# the same report in other formats (an export without its title line, a PDF whose title is an image)
# ---------------------------------------------------------------------------

def test_pdf_opening_with_the_issuer_is_titled_from_it_not_by_it():
    # the splitter offers the page's first line as a title hint; an issuer or a date is no title
    t = f"青川县统计局\n2024年4月2日\n2023年，全县经济稳中有进。{BODY}\n一、综合\n{BODY}"
    m = meta(t, title_hint="青川县统计局")
    assert m["title"] == "青川县2023年国民经济和社会发展统计公报" and m["provenance"]["title"] == "inferred"
    for hint in ("——2025年1月14日在青川县第十六届人民代表大会第二次会议上", "2025年1月14日", "青川县县长 王某某"):
        assert meta(f"{hint}\n各位代表：\n{BODY}", title_hint=hint)["title"] != hint


def test_export_without_title_line_is_titled_from_its_byline():
    top = "——2025年1月14日在青川县第十六届人民代表大会第二次会议上\n青川县人民政府县长 王某某\n各位代表：\n"
    body = f"现在，我代表县人民政府，向大会报告工作，请予审议。\n2024年工作回顾\n{BODY}\n二、2025年工作安排\n{BODY}"
    m = meta(top + body, title_hint=top.split("\n")[0])
    assert (m["title"], m["provenance"]["title"]) == ("2025年青川县政府工作报告", "inferred")
    assert (m["place"], m["level"], m["report_year"], m["review_years"], m["plan_years"]) == (
        "青川县", "county", 2025, [2024], [2025])
    # a bare genre line is completed the same way; a title naming its place is kept as printed
    assert meta("政府工作报告\n" + top + body)["title"] == "2025年青川县政府工作报告"
    assert meta("青川县政府工作报告\n" + top + body)["title"] == "青川县政府工作报告"


def test_byline_run_together_as_one_sentence():
    # exported text: date, congress, speaker and genre on one line ending in 。
    t = ("来源：青川日报\n政府工作报告\n2025年1月14日在青川县第十六届人民代表大会第二次会议上县长王某某作政府工作报告。\n"
         f"各位代表：\n{BODY}")
    m = meta(t)
    assert (m["place"], m["report_year"], m["provenance"]["place"]) == ("青川县", 2025, "byline")
    assert m["title"] == "2025年青川县政府工作报告"


def test_speaker_line_cut_at_a_wrap_is_no_title():
    t = f"2025年1月14日在江北省第十四届人民代表大会第三次会议上江\n北省代省长李某某作政府工作报告\n各位代表：\n{BODY}"
    m = meta(t)
    assert m["title"] == "2025年江北省政府工作报告" and m["place"] == "江北省"


def test_communique_title_without_its_place_gets_the_issuer_s_place():
    m = meta(f"2016年国民经济和社会发展统计公报\n云雾州统计局\n2017年3月9日\n{BODY}")
    assert (m["place"], m["provenance"]["place"]) == ("云雾州", "byline")
    assert (m["title"], m["provenance"]["title"]) == ("云雾州2016年国民经济和社会发展统计公报", "inferred")


def test_real_pdf_exported_without_its_title_line():
    """A dev work report exported to text without its title and printed to PDF (tests/data/README.md)."""
    from llm_extract.core.config import Settings
    from llm_extract.extract.bulk import targets_from_paths

    path = Path(__file__).resolve().parent / "data" / "real" / "jilin-2025-gzbg-notitle-lo-p1-2.pdf"
    doc = targets_from_paths([path], Settings(), [])[0].doc
    assert (doc.place, doc.level, doc.report_year, doc.report_type) == ("吉林省", "province", 2025, "government_work_report")
    assert (doc.review_years, doc.plan_years) == ([2024], [2025])
    assert doc.title == "2025年吉林省政府工作报告" and doc.provenance["title"] == "inferred"
    assert doc.provenance["place"] == doc.provenance["report_year"] == "byline"


# ---------------------------------------------------------------------------
# generalisation: forms found by re-saving reports the way users hold them (invented names)
# ---------------------------------------------------------------------------

GWR_BODY = (f"各位代表：\n现在，我代表县人民政府向大会报告工作，请予审议。\n一、2024年工作回顾\n{BODY}\n"
            f"二、2025年工作安排\n{BODY}\n")


@pytest.mark.parametrize("text,chain,name,level", [
    ("九溪市2025年政府工作报告", ("九溪市",), "九溪市", "city"),  # a numeral inside a name
    ("六盘岭市政府工作报告", ("六盘岭市",), "六盘岭市", "city"),
    ("三河湾镇2025年政府工作报告", ("三河湾镇",), "三河湾镇", "town"),  # not 河湾镇
    ("二连图特市政府工作报告", ("二连图特市",), "二连图特市", "city"),
    ("和丰区政府工作报告", ("和丰区",), "和丰区", "district"),  # 和 inside a name
    ("九溪市和丰区2025年", ("九溪市", "和丰区"), "和丰区", "district"),
    ("云溪南和区2025年", ("云溪南和区",), "云溪南和区", "district"),
    ("全川县政府工作报告", ("全川县",), "全川县", "county"),  # 全/本/那/个/将/日 opening a name
    ("本岭市政府工作报告", ("本岭市",), "本岭市", "city"),
    ("那坪县2025年", ("那坪县",), "那坪县", "county"),
    ("万松街道2024年工作总结", ("万松街道",), "万松街道", "town"),
    ("金沙湾街道办事处", ("金沙湾街道办事处",), "金沙湾街道", "town"),  # the office's 街道 is the place
])
def test_leading_place_with_numerals_and_function_characters(text, chain, name, level):
    p = leading_place(text)
    assert p is not None and (p.chain, p.name, p.level) == (chain, name, level)


@pytest.mark.parametrize("text", ["一个县", "三个镇", "十二个乡镇", "三年来全县", "十四五时期全市", "将全县", "全县人民政府",
                                  "本镇2024年", "全省各市", "第十四届人大", "一区一策"])
def test_numerals_and_pronouns_that_count_or_point_are_no_place(text):
    assert leading_place(text) is None


def test_title_in_chinese_numerals_and_a_byline_dated_in_them():
    m = meta(f"二〇二五年青川县政府工作报告\n{GWR_BODY}")
    assert (m["title"], m["place"], m["report_year"]) == ("二〇二五年青川县政府工作报告", "青川县", 2025)
    m = meta(f"青川县政府工作报告\n——二〇二五年一月十八日在青川县第十八届人民代表大会第五次会议上\n{GWR_BODY}")
    assert (m["report_year"], m["provenance"]["report_year"]) == (2025, "byline")
    m = meta(f"——二〇二五年一月八日在云岭镇第十八届人民代表大会第五次会议上\n镇长  张某某\n{GWR_BODY}")
    assert (m["title"], m["place"], m["level"], m["report_year"]) == ("2025年云岭镇政府工作报告", "云岭镇", "town", 2025)
    assert meta(f"云岭镇二〇二四年工作总结\n{BODY}")["report_year"] == 2024


@pytest.mark.parametrize("line", ["《2025年青川县政府工作报告》", "【全文】2025年青川县政府工作报告",
                                  "2025年青川县政府工作报告（全文）", "名　　称：2025年青川县政府工作报告"])
def test_reposting_decoration_and_disclosure_label_are_not_part_of_the_title(line):
    m = meta(f"{line}\n{GWR_BODY}")
    assert (m["title"], m["place"], m["report_year"]) == ("2025年青川县政府工作报告", "青川县", 2025)


def test_congress_document_header_gives_the_place():
    m = meta(f"海拉河区第十八届人民代表大会第五次会议文件\n政府工作报告\n区长  王某某\n{GWR_BODY}")
    assert (m["place"], m["level"], m["provenance"]["place"]) == ("海拉河区", "district", "byline")
    assert m["title"] == "2025年海拉河区政府工作报告"


def test_undated_work_report_is_dated_by_the_year_it_plans():
    t = f"来源：云雾日报 2025-01-20\n政府工作报告\n——在青川县第十八届人民代表大会第五次会议上\n县长  王某某\n{GWR_BODY}"
    m = meta(t)
    assert (m["report_year"], m["provenance"]["report_year"]) == (2025, "inferred")
    assert (m["title"], m["review_years"], m["plan_years"]) == ("2025年青川县政府工作报告", [2024], [2025])
    # a dated byline still wins, and a summary is not dated this way
    assert meta(t.replace("——在", "——2026年1月8日在"))["report_year"] == 2026
    assert meta(f"工作总结\n一、2024年工作回顾\n{BODY}\n二、2025年工作安排\n{BODY}")["report_year"] is None


def test_the_issuing_government_alone_is_a_byline_not_a_title():
    t = f"花溪湾镇人民政府\n（2025年1月10日）\n一、2024年工作回顾\n{BODY}\n二、2025年工作计划\n{BODY}"
    m = meta(t, title_hint="花溪湾镇人民政府")
    assert m["title"] == "" and (m["place"], m["level"], m["report_year"]) == ("花溪湾镇", "town", 2025)
    m = meta(t.replace("花溪湾镇人民政府", "金沙湾街道办事处"), title_hint="金沙湾街道办事处")
    assert m["title"] == "" and (m["place"], m["level"], m["provenance"]["place"]) == ("金沙湾街道", "town", "byline")


def test_site_name_is_cut_from_a_page_title():
    m = meta(f"{BODY}\n{BODY}", file_title="2025年青川县政府工作报告_青川县人民政府网")
    assert (m["title"], m["provenance"]["title"], m["place"]) == ("2025年青川县政府工作报告", "file_title", "青川县")
    m = meta(f"{BODY}\n{BODY}", file_title="青川县人民政府门户网站 - 2025年青川县政府工作报告")
    assert m["title"] == "2025年青川县政府工作报告"


def test_book_title_marks_inside_a_title_stay():
    assert meta(f"学习《青川县政府工作报告》心得\n{BODY}")["title"] == "学习《青川县政府工作报告》心得"


def test_a_common_opening_word_is_not_the_start_of_a_place_name():
    from llm_extract.text.places import leading_place

    for phrase in ("全面推进乡村振兴", "全力推进县域经济发展", "本着以民为本建设新区"):
        assert leading_place(phrase) is None, phrase
    assert leading_place("全椒县2024年政府工作报告").name == "全椒县"


COMM_BODY = "一、综合\n初步核算，全年全市地区生产总值268.4亿元，比上年增长5.3%。\n"


def test_a_title_wrapped_at_the_margin_is_joined():
    """A cover page's large type wraps the title; the part that ends the genre finishes it."""
    t = f"松岭市2023年国民经济和社会发展统\n计公报\n松岭市统计局\n2024年3月28日\n{COMM_BODY}"
    m = meta(t)
    assert (m["title"], m["place"], m["report_year"]) == ("松岭市2023年国民经济和社会发展统计公报", "松岭市", 2024)
    m = meta(f"松岭市\n2023年国民经济和社会发展\n统计公报\n松岭市统计局\n{COMM_BODY}")
    assert (m["title"], m["report_year"]) == ("松岭市2023年国民经济和社会发展统计公报", 2024)
    t = f"《澜沧湾哈尼族自治州2023年国民经济\n和社会发展统计公报》\n澜沧湾州统计局\n{COMM_BODY}"
    assert meta(t)["place"] == "澜沧湾哈尼族自治州"
    t = f"枫林街道办事处2023年工作总结和\n2024年工作计划\n2024年1月5日\n一、2023年工作总结\n{BODY}"
    m = meta(t)
    assert (m["title"], m["place"], m["report_type"]) == ("枫林街道办事处2023年工作总结和2024年工作计划", "枫林街道",
                                                          "work_summary")


def test_a_title_split_after_its_place_and_year_is_joined():
    m = meta(f"2024年松涛区\n政府工作报告\n——2024年1月10日在松涛区第十八届人民代表大会第三次会议上\n{GWR_BODY}")
    assert (m["title"], m["place"], m["provenance"]["title"]) == ("2024年松涛区政府工作报告", "松涛区", "title")
    t = f"云雾市松涛区东门街道办事处\n2023年工作总结和2024年工作计划\n2024年1月4日\n一、2023年工作总结\n{BODY}"
    assert meta(t)["title"] == "云雾市松涛区东门街道办事处2023年工作总结和2024年工作计划"
    # a congress header or the issuing government above the genre is a byline, never half a title
    m = meta(f"松涛区第十八届人民代表大会第三次会议文件\n政府工作报告\n区长  王某某\n{GWR_BODY}")
    assert m["title"] == "2025年松涛区政府工作报告"
    m = meta(f"云雾市人民政府\n政府工作报告\n——2024年1月15日在云雾市第九届人民代表大会第四次会议上\n{GWR_BODY}")
    assert m["title"] == "2024年云雾市政府工作报告"


def test_a_title_naming_its_place_wins_over_the_genre_alone():
    m = meta(f"政府工作报告\n2024年松涛区政府工作报告\n区长  王某某\n{GWR_BODY}")
    assert m["title"] == "2024年松涛区政府工作报告"


def test_counties_of_the_province_compared_with_do_not_make_a_city_prefecture_level():
    body = ("一、综合\n全年各镇（街道）完成投资12.4亿元。\n"
            "全市在全省县（市、区）高质量发展综合绩效评价中位列第一档次。\n")
    m = meta(f"桐岭市2023年国民经济和社会发展统计公报\n桐岭市统计局\n{body}")
    assert (m["place"], m["level"]) == ("桐岭市", "county")
    m = meta(f"桐岭市2023年国民经济和社会发展统计公报\n桐岭市统计局\n{body}全市各县（市、区）新增就业2.1万人。\n")
    assert m["level"] == "city"


def test_a_footnote_mark_after_the_title_is_no_part_of_it():
    from llm_extract.text.notes import strip_footnote_marks

    assert strip_footnote_marks("2031年云雾市国民经济和社会发展统计公报①", trailing_only=True) == \
        "2031年云雾市国民经济和社会发展统计公报"
    assert strip_footnote_marks("岚溪县2031年政府工作报告[1]", trailing_only=True) == "岚溪县2031年政府工作报告"
    assert strip_footnote_marks("①", trailing_only=True) == "①"  # nothing but a mark: left alone
    assert strip_footnote_marks("全县生产总值[2]增长") == "全县生产总值增长"


def test_a_saved_page_s_menus_printing_genre_words_do_not_title_the_report():
    body = "一、综合\n全年全市地区生产总值512.3亿元，比上年增长5.1%。\n"
    menus = "首页\n政务公开\n规划计划\n统计信息\n政府工作报告\n"
    m = meta(f"{menus}桐岭市2025年国民经济和社会发展统计公报\n{body}")
    assert (m["title"], m["place"], m["report_type"]) == ("桐岭市2025年国民经济和社会发展统计公报", "桐岭市",
                                                          "statistical_communique")
    # no line of the text names the report, the page's own title does
    m = meta(f"首页\n领导活动\n政府工作报告\n新闻动态\n国民经济和社会发展统计公报[1]\n{body}",
             file_title="最新！2025年桐岭市国民经济和社会发展统计公报_桐岭市人民政府网")
    assert (m["title"], m["place"]) == ("2025年桐岭市国民经济和社会发展统计公报", "桐岭市")


def test_issuing_offices_run_into_the_title_line_are_cut_and_a_prefecture_s_short_name_is_expanded():
    m = meta("湘西自治州2025年国民经济和社会发展统计公报湘西州统计局国家统计局湘西调查队\n"
             "一、综合\n全年全州地区生产总值900.1亿元，比上年增长4.1%。\n")
    assert m["title"] == "湘西自治州2025年国民经济和社会发展统计公报"
    assert (m["place"], m["level"]) == ("湘西土家族苗族自治州", "city")


def test_autonomous_prefectures_are_known_by_their_short_and_one_character_forms():
    from llm_extract.text.places import aliases

    assert expand("湘西自治州") == "湘西土家族苗族自治州" and expand("博州") == "博尔塔拉蒙古自治州"
    assert {"博州", "博尔塔拉州", "博尔塔拉"} <= aliases("博尔塔拉蒙古自治州")
    assert {"湘西州", "湘西自治州", "湘西"} <= aliases("湘西土家族苗族自治州")
    assert aliases("焦作市") == {"焦作市", "焦作"}


def test_a_photo_caption_above_the_title_does_not_hide_the_congress_line_naming_the_place():
    text = ("政府工作报告。云岭日报记者 李青 摄\n政府工作报告\n（2026年1月20日在云岭省第十四届人民代表大会第四次会议上）\n"
            "省长 王云\n各位代表：\n现在，我代表省人民政府向大会报告工作。\n一、2025年工作回顾\n"
            "舞蹈《青溪乡韵》获群星奖，《青溪乡韵》巡演全省，青溪乡韵传遍各地。全省地区生产总值增长5%。\n")
    m = meta(text)
    assert (m["place"], m["level"]) == ("云岭省", "province")


def test_a_plan_part_named_by_its_year_s_main_work_or_by_no_role_word_plans_the_year_of_delivery():
    head = ("2026年云岭省政府工作报告\n（2026年1月21日在云岭省第十四届人民代表大会第四次会议上）\n省长 王云\n各位代表：\n"
            "一、2025年工作回顾\n全省地区生产总值增长5%。\n")
    m = meta(head + "二、“十五五”时期主要目标任务\n五年后，全省迈上新台阶。\n三、2026年主要工作\n地区生产总值增长5%左右。\n")
    assert (m["review_years"], m["plan_years"]) == ([2025], [2026])
    m = meta(head + "二、奋力开创新局面\n地区生产总值增长5%左右。\n")
    assert (m["review_years"], m["plan_years"]) == ([2025], [2026])
