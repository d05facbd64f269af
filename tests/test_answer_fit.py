"""Does the model's figure answer what was asked (invented passages)."""

from __future__ import annotations

from llm_extract.core.types import Hit
from llm_extract.qa.answer_fit import fit_problems
from llm_extract.qa.understand import understand
from llm_extract.text.query import parse_query


def _fit(question, answer, passage):
    hit = Hit(doc_id="d", source="a.txt", start=0, end=len(passage), text=passage, section="", score=1.0)
    return fit_problems(answer, [hit], [1], understand(parse_query(question)))


REVIEW = "2023年，青川县地区生产总值182.5亿元，同比增长6.1%；全体居民人均可支配收入增长5.5%。"
PLAN = "2024年主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长5%。"


def test_a_figure_that_answers_the_question_passes():
    assert _fit("青川县2023年地区生产总值是多少？", "182.5亿元[1]", REVIEW) == []
    blank = "云雀项目目前共投资xxx万元。"
    assert _fit("云雀项目目前共投资多少？", "云雀项目目前共投资xxx万元[1]。", blank) == []  # the figure as left blank
    assert _fit("青川县2023年地区生产总值增长了多少？", "增长6.1%[1]", REVIEW) == []
    assert _fit("青川县2024年地区生产总值预期增长多少？", "6%左右[1]", PLAN) == []
    met = "圆满完成年度目标任务，地区生产总值增长6.1%。"
    assert _fit("青川县2023年地区生产总值增长了多少？", "6.1%[1]", met) == []


def test_a_percentage_is_no_amount_and_no_amount_is_a_percentage():
    assert _fit("青川县2023年全体居民人均可支配收入是多少？", "5.5%[1]", REVIEW)  # a growth rate for a level
    assert _fit("青川县2023年地区生产总值增长了多少？", "6.1亿元[1]", REVIEW)  # printed as 6.1%, said as 亿元


def test_an_amount_does_not_answer_a_rate_of_change():
    taxes = "全年税收收入33.3亿元。"
    assert any("rate of change" in p for p in _fit("青川县2023年税收收入同比增长多少？", "33.3亿元[1]", taxes))
    assert any("rate of change" in p for p in _fit("青川县2023年地区生产总值的增速是多少？", "182.5亿元[1]", REVIEW))
    assert _fit("青川县2023年地区生产总值增长了多少？", "增长6.1%[1]", REVIEW) == []
    grew = "全年税收收入33.3亿元，比上年增加2.1亿元。"
    assert not any("rate of change" in p for p in _fit("青川县2023年税收收入比上年增加多少？", "2.1亿元[1]", grew))
    assert not any("rate of change" in p for p in _fit("青川县2023年税收收入增长了多少亿元？", "2.1亿元[1]", grew))


def test_a_question_asking_for_a_figure_is_not_answered_without_one():
    note = "[2]地区生产总值绝对数按现价计算，增长速度按不变价格计算。"
    assert any("gives none" in p for p in _fit("青川县2024年地区生产总值的预期增长目标是多少？",
                                                  "地区生产总值绝对数按现价计算[1]", note))
    assert _fit("青川县2023年居民消费价格涨幅是多少？", "与上年持平[1]", "居民消费价格与上年持平。") == []
    assert _fit("青川县2023年地区生产总值是多少？", "182.5亿元[1]", REVIEW) == []
    # a numeral inside a set phrase or an idiom is no figure
    words = "三次产业增加值绝对数按现价计算，全镇煤矿的生产能力有一个大的提升。"
    for said in ("三次产业增加值绝对数按现价计算[1]", "生产能力有一个大的提升[1]"):
        assert any("gives none" in p for p in _fit("青川县2024年地区生产总值是多少？", said, words)), said
    assert _fit("云岭州有几个国家级自然保护区？", "三个[1]", "全州有三个国家级自然保护区。") == []


def test_a_goal_does_not_answer_what_was_achieved():
    assert _fit("青川县2024年地区生产总值增长了多少？", "增长6%左右[1]", PLAN)
    assert _fit("青川县2024年一般公共预算收入实际增长多少？", "5%[1]", PLAN)


def test_another_metric_does_not_answer():
    problems = _fit("青川县2023年城镇居民人均可支配收入增长了多少？", "5.5%[1]", REVIEW)
    assert problems and "城镇居民人均可支配收入" in problems[0]
    assert _fit("青川县2023年居民人均可支配收入增长了多少？", "5.5%[1]", REVIEW) == []


def test_counts_in_a_quoted_sentence_do_not_make_another_metrics_rate_fit():
    quote = "两项补贴标准稳步提升，全体居民人均可支配收入增长5%，农村居民人均可支配收入增长6.1%。"
    assert _fit("青川县2023年城镇居民人均可支配收入增长了多少？", quote + "[1]", quote)


def test_a_metric_printed_with_its_shared_words_left_to_the_next_passes():
    both = "城镇和农村居民人均可支配收入分别增长4.5%和6.8%。"
    assert _fit("青川县2023年城镇居民人均可支配收入增长了多少？", "4.5%[1]", both) == []
    levels = "城镇、农村居民人均可支配收入分别达到42000元、18000元。"
    assert _fit("青川县2023年城镇居民人均可支配收入是多少？", "42000元[1]", levels) == []
    town_and_country = "城乡居民人均可支配收入分别增长4.5%、6.8%。"
    assert _fit("青川县2023年城镇居民人均可支配收入增长了多少？", "4.5%[1]", town_and_country) == []
    assert _fit("青川县2023年城镇居民人均可支配收入增长了多少？", "5.5%[1]", REVIEW)  # 全体居民 still is not 城镇
    share = "财政质量提升，税收占比达76.5%。"
    assert _fit("青川县2023年税收收入占一般公共预算收入比重是多少？", "76.5%[1]", share) == []


def test_goal_words_said_of_results_do_not_make_a_result_a_goal():
    for passage in ("在确保安全的前提下，全县地区生产总值增长6.1%。",
                    "全年主要目标任务顺利完成，地区生产总值增长6.1%。",
                    "主要经济指标好于预期，地区生产总值增长6.1%。"):
        assert _fit("青川县2023年地区生产总值增长了多少？", "6.1%[1]", passage) == [], passage
    assert _fit("青川县2023年获得上级资金多少？", "85亿元[1]", "全年争取上级资金85亿元，增长12%。") == []
    planned = "全年实施重点项目56个，年度计划投资85亿元，实际完成投资92亿元。"
    assert _fit("青川县2023年重点项目完成投资多少？", "92亿元[1]", planned) == []
    assert _fit("青川县2023年重点项目完成投资多少？", "85亿元[1]", planned)  # the planned figure
    assert _fit("青川县2023年城镇登记失业率是多少？", "3.2%[1]", "城镇登记失业率控制在3.2%以内。") == []


def test_goals_set_over_several_clauses_are_still_goals():
    assert _fit("青川县2024年一般公共预算收入增长了多少？", "5%[1]", "力争地区生产总值增长6%，一般公共预算收入增长5%。")
    assert _fit("青川县2024年粮食产量是多少？", "30万吨[1]", "确保粮食产量稳定在30万吨。")
    assert _fit("青川县2024年城镇调查失业率是多少？", "5.5%[1]", "主要预期目标：城镇调查失业率控制在5.5%以内。")


def test_a_percentage_answers_a_metric_measured_in_percent():
    assert _fit("青川县2023年恩格尔系数是多少？", "28.5%[1]", "城镇居民恩格尔系数为28.5%。") == []
    assert _fit("青川县2023年研发经费投入强度是多少？", "2.1%[1]", "研发经费投入强度达到2.1%。") == []
    assert _fit("青川县2023年常住人口城镇化水平是多少？", "55.2%[1]", "常住人口城镇化水平达到55.2%。") == []


def test_a_figure_printed_without_a_unit_is_not_of_another_kind():
    table = "指标 2023年 2022年 增长\n地区生产总值 182.5 172.0 6.1"
    assert _fit("青川县2023年地区生产总值是多少？", "182.5亿元[1]", table) == []


def test_a_mission_or_a_named_programme_is_no_goal_for_the_figure():
    assert _fit("青川县2023年地区生产总值增长了多少？", "6.1%[1]",
                "围绕建设生态强县目标，全县地区生产总值增长6.1%。") == []
    assert _fit("青川县2023年人口自然增长率是多少？", "5.2‰[1]", "人口和计划生育工作扎实推进，人口自然增长率5.2‰。") == []
    executed = "全县国民经济和社会发展计划执行情况良好，地区生产总值增长6.1%。"
    assert _fit("青川县2023年地区生产总值增长了多少？", "6.1%[1]", executed) == []
    programme = "深入实施“百村就业稳岗计划”，城镇新增就业6000人以上。"
    assert _fit("青川县2023年城镇新增就业多少人？", "6000人[1]", programme) == []


def test_a_first_estimate_or_a_figure_said_as_done_is_no_goal():
    assert _fit("青川县2023年地区生产总值增长了多少？", "6%[1]", "预计全县地区生产总值增长6%左右。") == []
    assert _fit("青川县2023年实际利用外资多少？", "1.5亿美元[1]", "开放持续扩大，实际使用外资1.5亿美元左右。") == []
    assert _fit("青川县2024年地区生产总值增长了多少？", "6%[1]", "今年全县地区生产总值增长6%左右。")  # 左右 alone: a goal


def test_a_growth_rate_does_not_answer_a_share_or_an_intensity():
    passage = "五年来，全县研发经费年均增长6.3%。2025年研发投入强度达到2.1%。"
    assert _fit("青川县2025年研发投入强度是多少？", "研发投入强度为6.3%[1]", passage)
    assert not _fit("青川县2025年研发投入强度是多少？", "研发投入强度为2.1%[1]", passage)
    assert not _fit("青川县研发经费年均增长多少？", "年均增长6.3%[1]", passage)  # a change is asked
