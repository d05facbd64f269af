"""Tests of llm_extract.text.metadata: title, place, years and report type on snippets and the corpus."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from llm_extract.text.metadata import extract_metadata
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
    assert meta(text)["report_type"] == kind


def test_keys_and_empty_values():
    assert meta(BODY) == {"title": "", "place": "", "years": [], "report_type": ""}


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
    assert m["report_type"] == "plan"
    assert m["title"] == "徐泾镇2013年的主要工作"


def test_corpus_000():
    (m,) = corpus_meta("000")
    assert m["place"] == ""  # only ××镇 / 某镇
    assert m["years"] == [2001, 2008]  # never 2022 from the publication time
    assert m["report_type"] == "review_and_plan"


def test_corpus_001():
    (m,) = corpus_meta("001")
    assert m["place"] == "小雄镇"
    assert m["years"] == [2007, 2008]


def test_corpus_002_placeholder_years():
    (m,) = corpus_meta("002")
    assert m["years"] == [] and m["place"] == ""
    assert m["report_type"] == "review_and_plan"


def test_corpus_003():
    metas = corpus_meta("003")
    assert len(metas) == 3
    assert [m["report_type"] for m in metas] == ["government_work_report"] * 3
    assert [m["place"] for m in metas] == ["", "", "龙港镇"]
    assert all(m["title"] for m in metas)
