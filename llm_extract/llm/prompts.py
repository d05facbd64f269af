"""Prompt templates: files in ``prompts/``, loaded and validated once.

A template file is a front-matter block followed by ``### system`` and
``### user`` parts.  ``version`` is part of the LLM cache key and of every
record produced, so changing a prompt without bumping it is caught by a test
(the content hash is pinned in ``prompts/VERSIONS.json``).
"""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..core.errors import PromptError

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"

# Which placeholders each template must use: a template missing one would silently drop input.
REQUIRED_FIELDS: dict[str, set[str]] = {
    "extract_indicator": {"text", "doc_title", "section"},
    "extract_project": {"text", "doc_title", "section"},
    "extract_problem": {"text", "doc_title", "section"},
    "extract_task": {"text", "doc_title", "section"},
    "extract_custom": {"text", "doc_title", "section", "schema_name"},
    "answer": {"question", "passages"},
    "rerank": {"question", "passages"},
    "quote": {"question", "passages"},
}


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str  # "<name>@<version>"
    system: str
    user: str
    fields: frozenset[str]

    def render(self, **values: str) -> list[dict]:
        missing = self.fields - set(values)
        if missing:
            raise PromptError(f"prompt {self.name} needs {sorted(missing)}")
        return [
            {"role": "system", "content": self.system.format(**values)},
            {"role": "user", "content": self.user.format(**values)},
        ]

    @property
    def sha256(self) -> str:
        return hashlib.sha256((self.system + "\x00" + self.user).encode("utf-8")).hexdigest()


_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def parse_prompt(text: str, *, path: str = "") -> Prompt:
    m = _FRONT.match(text)
    if not m:
        raise PromptError("missing front matter (--- name/version ---)", path=path)
    meta = {}
    for line in m.group(1).splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            meta[k.strip()] = v.strip()
    if "name" not in meta or "version" not in meta:
        raise PromptError("front matter needs name and version", path=path)
    body = text[m.end():]
    parts = re.split(r"^### (system|user)\s*$", body, flags=re.M)
    sections = {parts[i]: parts[i + 1].strip("\n") for i in range(1, len(parts) - 1, 2)}
    if set(sections) != {"system", "user"}:
        raise PromptError("needs exactly a '### system' and a '### user' part", path=path)
    fields: set[str] = set()
    for part in sections.values():
        try:
            fields |= {f for _, f, _, _ in string.Formatter().parse(part) if f}
        except ValueError as exc:
            raise PromptError(f"bad template braces: {exc}", path=path) from exc
    need = REQUIRED_FIELDS.get(meta["name"], set())
    if not need <= fields:
        raise PromptError(f"template lacks {sorted(need - fields)}", path=path)
    return Prompt(meta["name"], f"{meta['name']}@{meta['version']}", sections["system"], sections["user"], frozenset(fields))


@lru_cache(maxsize=None)
def load_prompts(directory: str | None = None) -> dict[str, Prompt]:
    d = Path(directory) if directory else PROMPTS_DIR
    if not d.is_dir():
        raise PromptError("prompts directory not found", path=str(d), hint="run from a checkout or set the prompts dir")
    out = {}
    for f in sorted(d.glob("*.md")):
        p = parse_prompt(f.read_text(encoding="utf-8"), path=str(f))
        out[p.name] = p
    missing = set(REQUIRED_FIELDS) - set(out)
    if missing:
        raise PromptError(f"missing templates {sorted(missing)}", path=str(d))
    return out


def get_prompt(name: str, directory: str | None = None) -> Prompt:
    prompts = load_prompts(directory)
    if name not in prompts:
        raise PromptError(f"no prompt named {name}")
    return prompts[name]
