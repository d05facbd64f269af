"""Tests of llm_extract.extract.clauses (sentences), .candidates, .rules (rules extractor) and .vocab."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm_extract.extract.candidates import find_candidates
from llm_extract.extract.clauses import split_sentences
from llm_extract.extract.rules import rules_extract_indicators
from llm_extract.core.errors import ConfigError
from llm_extract.extract.vocab import MetricIndex, canonical_metric, load_vocab

CORPUS = Path(__file__).resolve().parent.parent / "examples" / "corpus"


def _corpus(prefix: str) -> str:
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def norms():
    from llm_extract.text.normalize import normalize

    cache: dict[str, object] = {}

    def get(prefix: str):
        if prefix not in cache:
            cache[prefix] = normalize(_corpus(prefix))
        return cache[prefix]

    return get


# ---------------------------------------------------------------------------
# split_sentences
# ---------------------------------------------------------------------------


def test_split_sentences_terminators_and_lines():
    text = "第一句。第二句！第三句？第四句；第五句;六\n\n  七行  \n八"
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["第一句。", "第二句！", "第三句？", "第四句；", "第五句;", "六", "七行", "八"]


def test_split_sentences_edge_cases():
    assert split_sentences("") == []
    assert split_sentences("  \n\n ") == []
    text = "他说：“好。”然后走了"
    assert [text[a:b] for a, b in split_sentences(text)] == ["他说：“好。”", "然后走了"]
    # a decimal point never ends a sentence
    assert len(split_sentences("增长8.5%,达到6.87亿元")) == 1


# ---------------------------------------------------------------------------
# rules_extract_indicators
# ---------------------------------------------------------------------------


def test_rules_004_six_targets_for_2013():
    text = _corpus("004")
    recs = rules_extract_indicators(text)
    got = [(r.metric, r.value, r.unit, r.yoy_pct, r.yoy_basis, r.kind, r.period) for r in recs]
    assert got == [
        ("地区生产总值", 80.43, "亿元", 0.25, "同比", "target", "2013"),
        ("规模以上工业总产值", 91.8, "亿元", -17.7, "同比", "target", "2013"),
        ("第三产业增加值", 48.7, "亿元", 8.5, "同比", "target", "2013"),
        ("社会消费品零售总额", 53.1, "亿元", 3.0, "同比", "target", "2013"),
        ("税收收入", 23.26, "亿元", 2.78, "同比", "target", "2013"),
        ("结算财力", 6.49, "亿元", 5.93, "同比", "target", "2013"),
    ]
    first = recs[0]
    assert first.metric_raw == "地区生产总值(GDP)"
    assert first.value_base == 8043000000.0
    assert first.evidence == "实现地区生产总值(GDP)80.43亿元,同比增长0.25%"
    for r in recs:
        assert text[r.start : r.end] == r.evidence
        assert not r.placeholder


def test_rules_003_traditional_through_normalization(norms):
    from llm_extract.extract.grounding import ground_record

    norm = norms("003")
    recs = rules_extract_indicators(norm.simplified, period_hint="2019")
    gdp = recs[0]
    assert (gdp.metric, gdp.metric_raw, gdp.value, gdp.unit, gdp.yoy_pct) == ("地区生产总值", "全镇生产总值", 6.87, "亿元", 8.5)
    assert gdp.period == "2019"  # no year in the sentence: the hint
    assert gdp.kind == "actual"
    span = norm.to_original(gdp.start, gdp.end)
    grounded, reason = ground_record(gdp, norm.original, norm, doc_id="d3", source="003.txt", hint=(span.start, span.end))
    assert reason is None
    assert (grounded.start, grounded.end) == (span.start, span.end)
    assert grounded.evidence == norm.original[grounded.start : grounded.end]
    assert "生產總值完成6.87億元,同比增長8.5%" in grounded.evidence
    by_metric = {r.metric_raw: r for r in recs}
    assert by_metric["农民人均可支配收入"].metric == "农村居民人均可支配收入"
    assert by_metric["农民人均可支配收入"].value == 11375.0
    assert by_metric["税收收入"].value == 436.16  # "其中税收收入436.16万元"
    assert by_metric["镇域生产总值"].kind == "target"  # "主要预期指标是:…"
    assert by_metric["地方工业总产值"].kind == "estimate"  # "预计今年全镇完成…"
    assert by_metric["地方工业总产值"].yoy_pct == 23.0
    assert by_metric["地方工业总产值"].yoy_basis == "比上年同期"


def test_rules_002_placeholders(norms):
    text = norms("002").simplified
    recs = rules_extract_indicators(text)
    head = {r.metric: r for r in recs[:4]}
    assert set(head) == {"地区生产总值", "固定资产投资", "财政收入", "农民人均纯收入"}
    for r in head.values():
        assert r.placeholder and r.value is None and r.value_base is None
        assert text[r.start : r.end] == r.evidence
    assert head["地区生产总值"].evidence == "全镇完成地区生产总值xxxxx万元,同比增长xx.xx%"
    assert head["地区生产总值"].unit == "万元"
    assert head["地区生产总值"].yoy_pct is None


def test_rules_000_estimates_and_targets(norms):
    recs = rules_extract_indicators(norms("000").simplified)
    sales = recs[0]
    assert (sales.metric, sales.value, sales.kind, sales.period) == ("工商两业销售", 87.0, "estimate", "2007")
    assert sales.yoy_pct is None  # "是2001年的8.1倍" is not a growth clause of this figure
    rev = recs[1]
    assert (rev.metric, rev.value, rev.kind, rev.period, rev.yoy_pct, rev.yoy_basis) == (
        "财政收入", 3.0, "estimate", "2007", 183.0, "比2001年")
    targets_2008 = [(r.metric_raw, r.value, r.yoy_pct) for r in recs if r.period == "2008"]
    assert targets_2008 == [
        ("工商两业纳税营销", 116.5, 34.0), ("工业纳税销售", 94.5, 35.0), ("三产纳税营销", 22.0, 30.0),
        ("财政收入", 3.9, 30.0), ("一般预算收入", 1.38, 25.5), ("全社会固定资产投入", 14.8, 23.0),
    ]
    assert all(r.kind == "target" for r in recs if r.period == "2008")
    # figures of sub-entities and figures without names are left alone
    assert not any(r.value == 41.0 for r in recs)  # 89家…企业预计完成纳税销售41亿元
    assert not any(r.unit == "%" and r.value == 59.0 for r in recs)


@pytest.mark.parametrize(
    "text",
    [
        "投资xx亿元的氟化学循环工业园(一期)工程顺利完成",
        "共召开计生奖罚大会3次,落实三查1325例",
        "发放耕地地力保护补贴301万元、农机具购置补贴21万元",
        "有望完成全年1840.3万元的任务",
        "主导产业综合经营产值占农业总产值的80%以上",
        "2013年是贯彻落实党的十八大精神的第一年",
        "",
    ],
)
def test_rules_precision_skips(text):
    assert rules_extract_indicators(text) == []


def test_rules_growth_without_level_and_qualifiers():
    text = "2014年主要预期目标是:地区生产总值增长8%左右;力争农民人均纯收入达到12000元以上。"
    recs = rules_extract_indicators(text)
    gdp = next(r for r in recs if r.metric == "地区生产总值")
    assert (gdp.value, gdp.yoy_pct, gdp.qualifier, gdp.kind, gdp.period) == (None, 8.0, "左右", "target", "2014")
    assert gdp.evidence == "地区生产总值增长8%左右"
    farm = next(r for r in recs if r.metric == "农民人均纯收入")
    assert (farm.value, farm.unit, farm.qualifier, farm.kind) == (12000.0, "元", "以上", "target")


def test_rules_period_hint_and_estimate():
    recs = rules_extract_indicators("全年财政收入预计完成1.2亿元,比上年增长5%。", period_hint="2010")
    (r,) = recs
    assert (r.metric, r.kind, r.period, r.value_base, r.yoy_basis) == ("财政收入", "estimate", "2010", 120000000.0, "比上年")


def test_rules_full_width_text_offsets():
    text = "全镇实现地区生产总值８０．４３亿元，同比下降１７．７％。"
    (r,) = rules_extract_indicators(text)
    assert (r.value, r.yoy_pct) == (80.43, -17.7)
    assert text[r.start : r.end] == r.evidence == "全镇实现地区生产总值８０．４３亿元，同比下降１７．７％"


# ---------------------------------------------------------------------------
# find_candidates
# ---------------------------------------------------------------------------


def test_candidates_problem_list_001():
    text = _corpus("001")
    cands = find_candidates(text)
    problems = [c for c in cands if "problem" in c.kinds]
    starts = [c.text[:2] for c in problems]
    for item in ("二是", "三是", "四是", "五是", "六是"):
        assert item in starts
    assert any("主要表现在" in c.text for c in problems)
    for c in cands:
        assert text[c.start : c.end] == c.text
        assert c.kinds and set(c.reasons) == c.kinds
    # the sentence after the list is not a problem
    after = next(c for c in split_sentences(text) if text[c[0] : c[1]].startswith("这些问题"))
    assert not any(c.start == after[0] and "problem" in c.kinds for c in cands)


def test_candidates_kinds_on_small_texts():
    text = (
        "2013年是贯彻落实党的十八大精神的第一年。"
        "实现地区生产总值(GDP)80.43亿元,同比增长0.25%;"
        "以及投资90万元扩建山场小学宿舍楼工程等9项难题基本得到解决。"
        "力争2012年全镇形成工商两业超亿元村企50家以上。"
        "狠抓三项重点(个私经济发展、财政收入、农业基础设施改善);"
    )
    cands = {c.text[:6]: c for c in find_candidates(text)}
    assert "2013年是贯" not in cands
    assert "indicator" in cands["实现地区生产"].kinds
    assert "project" in cands["以及投资90"].kinds
    assert "task" in cands["力争2012"].kinds
    assert "狠抓三项重点" not in cands or "indicator" not in cands["狠抓三项重点"].kinds


def test_candidates_placeholder_figures_002(norms):
    text = norms("002").simplified
    cands = find_candidates(text)
    first = next(c for c in cands if "xxxxx万元" in c.text)
    assert "indicator" in first.kinds


def test_candidates_problem_heading_part(norms):
    text = norms("000").simplified
    cands = find_candidates(text)
    heading = next(c for c in cands if c.text == "二、当前主要存在的问题")
    assert "problem" in heading.kinds
    inside = [c for c in cands if c.start > heading.start and "problem" in c.kinds]
    assert any("资金与快速发展之间的矛盾" in c.text for c in inside)
    assert not any(c.text.startswith("三、今后五年") and "problem" in c.kinds for c in cands)


# ---------------------------------------------------------------------------
# vocab
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, canon",
    [
        ("地区生产总值(GDP)", "地区生产总值"), ("GDP", "地区生产总值"), ("全镇生产总值", "地区生产总值"),
        ("镇域生产总值", "地区生产总值"), ("国内生产总值", "地区生产总值"), ("人均gdp", "人均地区生产总值"),
        ("规模以上企业工业总产值", "规模以上工业总产值"), ("全社会固定资产投入", "固定资产投资"),
        ("财政总收入", "财政收入"), ("全口径财政收入", "财政收入"), ("一般预算收入", "一般公共预算收入"),
        ("农民人均可支配收入", "农村居民人均可支配收入"), ("工商两业纳税营销", "工商两业销售"),
        ("其中税收收入", "税收收入"), ("2013年全镇人均收入", "人均收入"), ("全年完成财政收入", "财政收入"),
        ("地方工业总产值", "工业总产值"),
        # a longer name that only ends with a known one keeps its own name
        ("工业纳税销售", "工业纳税销售"), ("万元地区生产总值综合能耗", "万元地区生产总值综合能耗"),
        ("工农业总产值", "工农业总产值"),
    ],
)
def test_canonical_metric(raw, canon):
    assert canonical_metric(raw) == canon


def test_load_vocab_json_and_yaml(tmp_path):
    js = tmp_path / "v.json"
    js.write_text(json.dumps({"地区生产总值": ["镇GDP"], "旅游人次": ["游客人次", "接待游客总人次"]}), encoding="utf-8")
    vocab = load_vocab(str(js))
    assert "镇GDP" in vocab["地区生产总值"] and "GDP" in vocab["地区生产总值"]
    assert canonical_metric("接待游客总人次", vocab) == "旅游人次"
    assert canonical_metric("镇GDP", MetricIndex(vocab)) == "地区生产总值"
    yml = tmp_path / "v.yaml"
    yml.write_text("粮食总产量:\n  - 粮食生产总量\n新指标: 新指标别名\n", encoding="utf-8")
    vocab = load_vocab(yml)
    assert canonical_metric("粮食生产总量", vocab) == "粮食总产量"
    assert canonical_metric("新指标别名", vocab) == "新指标"
    assert load_vocab(None)["地区生产总值"] == load_vocab()["地区生产总值"]


@pytest.mark.parametrize("content, name", [("[1, 2]", "bad.json"), ("{not json", "bad.json"), ('{"a": [1]}', "bad.json")])
def test_load_vocab_errors(tmp_path, content, name):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_vocab(str(path))
    with pytest.raises(ConfigError):
        load_vocab(str(tmp_path / "missing.json"))


def test_rules_use_extended_vocab():
    text = "全年接待游客总人次35万人次,同比增长12%。"
    assert rules_extract_indicators(text) == []
    vocab = MetricIndex(load_vocab() | {"旅游人次": ["接待游客总人次"]})
    (r,) = rules_extract_indicators(text, vocab=vocab)
    assert (r.metric, r.value, r.unit, r.value_base, r.yoy_pct) == ("旅游人次", 35.0, "万人次", 350000.0, 12.0)


def test_candidate_reason_text():
    (c,) = find_candidates("实现地区生产总值(GDP)80.43亿元,同比增长0.25%;")
    assert c.kinds == {"indicator"}
    assert c.reason.startswith("indicator: metric 地区生产总值")


def test_rules_level_after_rising_to():
    (r,) = rules_extract_indicators("2012年全镇财政收入增至5000万元。")
    assert (r.metric, r.value, r.unit, r.yoy_pct, r.period, r.kind) == ("财政收入", 5000.0, "万元", None, "2012", "actual")


def test_rules_single_char_adverbs_only_before_verbs():
    (r,) = rules_extract_indicators("要素市场成交额12亿元。")
    assert r.metric_raw == "要素市场成交额"
    (r,) = rules_extract_indicators("全镇已完成财政税收1388.5万元。")
    assert (r.metric_raw, r.value) == ("财政税收", 1388.5)
