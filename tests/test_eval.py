"""The eval in CI: rule extraction and retrieval scored live, LLM answers and extraction from cassettes.

Scores must stay at or above the floors in eval/thresholds.json; the same check makes
``llm-extract eval`` exit non-zero.  The full LLM eval over all 110 questions and the
whole corpus is ``llm-extract eval`` (see eval/README.md); CI replays a fixed subset.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm_extract.config import Settings
from llm_extract.evaluate import check_thresholds, eval_extraction, eval_qa

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval"
THRESHOLDS = json.loads((GOLD / "thresholds.json").read_text(encoding="utf-8"))
# A fixed mix: figures, growth, targets, a list, a placeholder, traditional questions, unanswerables.
QA_SUBSET = ["q001", "q002", "q005", "q015", "q026", "q041", "q047", "q057", "q078", "q079", "q083",
             "q094", "q097", "q105", "q109"]


def test_rule_extraction_meets_its_floor(tmp_path):
    res = eval_extraction(GOLD, ["rules"], Settings(index=tmp_path))
    assert res["rules"]["grounding_validity"] == 1.0
    fails = check_thresholds({"extraction": res}, {k: v for k, v in THRESHOLDS.items() if k.startswith("extraction.rules")})
    assert not fails, fails


def test_retrieval_meets_its_floor(tmp_path):
    res = eval_qa(GOLD, Settings(index=tmp_path), answer=False)
    fails = check_thresholds({"qa": res}, {k: v for k, v in THRESHOLDS.items() if k.startswith("qa.retrieval")})
    assert not fails, (fails, res["retrieval"])


def test_cited_answers_on_the_ci_subset(tmp_path, cassette_llm):
    res = eval_qa(GOLD, Settings(index=tmp_path), llm=cassette_llm(), modes=("hybrid",), ids=QA_SUBSET)
    summary = {k: res[k] for k in ("answer_accuracy", "abstention_precision", "abstention_recall", "citation_validity",
                                   "citation_recall", "cost")}
    print("CI QA subset:", json.dumps(summary), [(i["id"], i["correct"]) for i in res["items"]])
    assert len(res["items"]) == len(QA_SUBSET)
    # Every citation of every recorded answer points at exactly its quote in the original file.
    assert res["citation_validity"] == 1.0
    floors = {k.replace("ci_qa.", "qa."): v for k, v in THRESHOLDS.items() if k.startswith("ci_qa.")}
    fails = check_thresholds({"qa": res}, floors)
    assert not fails, (fails, [(i["id"], i["answer"], i["correct"]) for i in res["items"]])


def test_llm_extraction_on_004_is_grounded_and_meets_its_floor(tmp_path, cassette_llm, monkeypatch):
    from llm_extract import evaluate

    # Only 004's gold: its sections are what the cassette holds.
    gold = tmp_path / "eval"
    (gold / "gold" / "extraction").mkdir(parents=True)
    src = GOLD / "gold" / "extraction" / "004_8f4dc4ad24e9474b.jsonl"
    (gold / "gold" / "extraction" / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(evaluate, "_gold_root", lambda _d: ROOT)
    res = evaluate.eval_extraction(gold, ["llm"], Settings(index=tmp_path / "idx"), llm=cassette_llm(),
                                   kinds=["indicator"])
    out = res["llm"]
    print("CI LLM extraction (004):", json.dumps(out["by_type"]), json.dumps(out["cost"]))
    assert out["grounding_validity"] == 1.0
    floors = {k.replace("ci_extraction.", "extraction."): v for k, v in THRESHOLDS.items() if k.startswith("ci_extraction.")}
    fails = check_thresholds({"extraction": res}, floors)
    assert not fails, (fails, out["by_type"])
