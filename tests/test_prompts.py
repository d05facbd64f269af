"""Prompt files load, validate, and cannot change without a version bump."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm_extract.core.errors import PromptError
from llm_extract.llm.prompts import PROMPTS_DIR, REQUIRED_FIELDS, load_prompts, parse_prompt


def test_all_prompts_load_and_render():
    prompts = load_prompts()
    assert set(REQUIRED_FIELDS) <= set(prompts)
    for name, p in prompts.items():
        msgs = p.render(**{f: "x" for f in p.fields})
        assert [m["role"] for m in msgs] == ["system", "user"]
        assert "@" in p.version


def test_changing_a_prompt_needs_a_version_bump():
    """prompts/VERSIONS pins each version's content hash: the version is part of the cache key."""
    pinned = json.loads((PROMPTS_DIR / "VERSIONS.json").read_text(encoding="utf-8"))
    for name, p in load_prompts().items():
        assert pinned.get(p.version) == p.sha256, f"{name} changed: bump its version and add it to VERSIONS.json"


@pytest.mark.parametrize(
    "text,msg",
    [
        ("no front matter", "front matter"),
        ("---\nname: answer\n---\n### system\nx\n### user\n{question}{passages}", "version"),
        ("---\nname: answer\nversion: 1\n---\n### system\nx\n", "exactly"),
        ("---\nname: answer\nversion: 1\n---\n### system\nx\n### user\n{question}", "lacks"),
        ("---\nname: x\nversion: 1\n---\n### system\n{oops\n### user\ny", "braces"),
    ],
)
def test_bad_prompt_files_are_rejected(text, msg):
    with pytest.raises(PromptError, match=msg):
        parse_prompt(text, path="p.md")
