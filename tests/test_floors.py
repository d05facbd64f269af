"""Floors in eval/thresholds.json only rise, unless eval/CHANGES.md says why.

Every commit that touched the thresholds file is compared with the version before it (and
the working tree with the last commit): a floor that went down or disappeared must be named
in eval/CHANGES.md.  Re-recording a cassette therefore cannot quietly move a gate.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = "eval/thresholds.json"
CHANGES = ROOT / "eval" / "CHANGES.md"


def lowered(old: dict[str, float], new: dict[str, float]) -> list[str]:
    """Floors of ``old`` that ``new`` lowers or drops, as ``"key: 0.5 -> 0.45"``."""
    out = []
    for key, floor in old.items():
        if key not in new:
            out.append(f"{key}: {floor} -> removed")
        elif new[key] + 1e-12 < floor:
            out.append(f"{key}: {floor} -> {new[key]}")
    return out


def unexplained(changes: list[tuple[str, list[str]]], changes_md: str) -> list[str]:
    """Lowered floors whose metric name CHANGES.md does not mention (``changes``: (label, lowered))."""
    return [f"{label}: {item}" for label, items in changes for item in items if item.split(":")[0] not in changes_md]


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def history() -> list[tuple[str, dict]]:
    """(commit, thresholds) for every commit that changed the file, oldest first, then the work tree."""
    commits = _git("log", "--format=%H", "--reverse", "--", THRESHOLDS).split()
    versions = []
    for c in commits:
        try:
            versions.append((c[:10], json.loads(_git("show", f"{c}:{THRESHOLDS}"))))
        except (subprocess.CalledProcessError, ValueError):
            versions.append((c[:10], {}))  # deleted or unreadable in that commit
    versions.append(("work tree", json.loads((ROOT / THRESHOLDS).read_text(encoding="utf-8"))))
    return versions


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs the git history")
def test_floors_only_rise_unless_changes_md_says_why():
    versions = history()
    changes = [(f"{b[0]} (after {a[0]})", lowered(a[1], b[1])) for a, b in zip(versions, versions[1:])]
    text = CHANGES.read_text(encoding="utf-8") if CHANGES.exists() else ""
    missing = unexplained(changes, text)
    assert not missing, "floors lowered without an entry in eval/CHANGES.md:\n" + "\n".join(missing)


def test_the_floor_check_catches_a_lowered_or_dropped_floor():
    old = {"qa.answer_accuracy": 0.5, "qa.citation_validity": 1.0}
    new = {"qa.answer_accuracy": 0.45}
    found = lowered(old, new)
    assert found == ["qa.answer_accuracy: 0.5 -> 0.45", "qa.citation_validity: 1.0 -> removed"]
    assert len(unexplained([("c1", found)], "")) == 2
    assert unexplained([("c1", found)], "qa.answer_accuracy and qa.citation_validity: the scorer became strict") == []
    assert lowered(new, {"qa.answer_accuracy": 0.6}) == []  # rising is always fine
