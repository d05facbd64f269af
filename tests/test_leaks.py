"""Nothing scored may shape what is scored: no gold text in prompts or in the package's code.

Every gold string of either split — extraction evidence, QA answers, list items and evidence
quotes — is looked for in ``prompts/`` and ``llm_extract/``: whole (when at least ``MIN_CHARS``
long) and as any ``WINDOW``-character slice of a longer one, so a prompt that copies half a
gold sentence is caught too.  Few-shot examples and rule vocabulary must be invented.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable

ROOT = Path(__file__).resolve().parents[1]
MIN_CHARS = 8
WINDOW = 12
_SPACE = re.compile(r"\s+")


def gold_strings(gold_dir: Path) -> set[str]:
    """Evidence, answers, items and quotes of every gold file (both splits)."""
    found: set[str] = set()
    for path in sorted((gold_dir / "extraction").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                found.update(str(rec.get(k) or "") for k in ("evidence", "problem", "task", "name"))
    qa = gold_dir / "qa.jsonl"
    if qa.exists():
        for line in qa.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            if item.get("answerable", True):  # an abstention's "answer" is the fixed 资料中没有相关信息
                answer = str(item.get("answer") or "")
                found.update({answer, *answer.replace("）", "（").split("（")})  # the answer and its parentheticals
            found.update(str(x) for x in item.get("items") or [])
            found.update(str(ev.get("quote") or "") for ev in item.get("evidence") or [] if isinstance(ev, dict))
    return {_SPACE.sub("", s) for s in found if len(_SPACE.sub("", s)) >= MIN_CHARS}


def searched_text(paths: Iterable[Path]) -> dict[str, str]:
    """``{file: text with whitespace removed}`` of every prompt and source file under ``paths``."""
    out: dict[str, str] = {}
    for base in paths:
        for path in sorted(base.rglob("*")):
            if path.is_file() and path.suffix in (".md", ".py", ".json", ".txt", ".yaml"):
                out[str(path.relative_to(base.parent))] = _SPACE.sub("", path.read_text(encoding="utf-8", errors="replace"))
    return out


def generic_terms() -> list[str]:
    """Metric names of the genre (the canonical vocabulary, and the sections of the national industry
    classification GB/T 4754 with the measures statistics print for them): a slice inside one is no leak."""
    from llm_extract.extract.vocab import CANONICAL_METRICS, INDUSTRY_SECTIONS

    terms = list(CANONICAL_METRICS)
    for aliases in CANONICAL_METRICS.values():
        terms.extend(aliases)
    terms.extend(name + head for name in INDUSTRY_SECTIONS for head in ("增加值", "产值", "投资", "营业收入"))
    return terms


def find_leaks(gold: set[str], files: dict[str, str], generic: list[str] = ()) -> list[str]:
    """``"file: gold text"`` for every gold string (or WINDOW-slice of one) found in a file."""
    leaks: list[str] = []
    for s in sorted(gold):
        probes = [s] if len(s) <= WINDOW else [s[i : i + WINDOW] for i in range(len(s) - WINDOW + 1)]
        probes = [p for p in probes if not any(p in term for term in generic)]
        for name, text in files.items():
            hit = next((p for p in probes if p in text), None)
            if hit is not None:
                leaks.append(f"{name}: {hit!r} (from gold {s[:40]!r})")
    return leaks


def test_no_gold_text_in_prompts_or_code():
    gold = gold_strings(ROOT / "eval" / "gold")
    assert len(gold) > 300  # the gold set was read
    leaks = find_leaks(gold, searched_text([ROOT / "prompts", ROOT / "llm_extract"]), generic_terms())
    assert not leaks, "gold text found in prompts/code:\n" + "\n".join(leaks[:40])


def test_the_leak_check_catches_a_copied_sentence_and_half_of_one(tmp_path):
    gold = {"实现地区生产总值(GDP)80.43亿元,同比增长0.25%"}
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "a.md").write_text("示例：实现地区生产总值(GDP)80.43亿元", encoding="utf-8")
    (tmp_path / "prompts" / "b.md").write_text("示例：全县实现地区生产总值52.1亿元", encoding="utf-8")
    leaks = find_leaks(gold, searched_text([tmp_path / "prompts"]))
    assert len(leaks) == 1 and leaks[0].startswith("prompts/a.md")
