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
    assert _fit("青川县2023年地区生产总值增长了多少？", "增长6.1%[1]", REVIEW) == []
    assert _fit("青川县2024年地区生产总值预期增长多少？", "6%左右[1]", PLAN) == []
    met = "圆满完成年度目标任务，地区生产总值增长6.1%。"
    assert _fit("青川县2023年地区生产总值增长了多少？", "6.1%[1]", met) == []


def test_a_percentage_is_no_amount_and_no_amount_is_a_percentage():
    assert _fit("青川县2023年全体居民人均可支配收入是多少？", "5.5%[1]", REVIEW)  # a growth rate for a level
    assert _fit("青川县2023年地区生产总值增长了多少？", "6.1亿元[1]", REVIEW)  # printed as 6.1%, said as 亿元


def test_a_goal_does_not_answer_what_was_achieved():
    assert _fit("青川县2024年地区生产总值增长了多少？", "增长6%左右[1]", PLAN)
    assert _fit("青川县2024年一般公共预算收入实际增长多少？", "5%[1]", PLAN)


def test_another_metric_does_not_answer():
    problems = _fit("青川县2023年城镇居民人均可支配收入增长了多少？", "5.5%[1]", REVIEW)
    assert problems and "城镇居民人均可支配收入" in problems[0]
    assert _fit("青川县2023年居民人均可支配收入增长了多少？", "5.5%[1]", REVIEW) == []
