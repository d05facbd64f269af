"""Print (or, with --check README.md, verify) the README's table of settings, generated from core/config.py."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from llm_extract.core.config import GROUPS, Settings, env_names  # noqa: E402

BEGIN, END = "<!-- settings-table:begin -->", "<!-- settings-table:end -->"


def _default(info) -> str:
    if info.default_factory is not None:
        return "~/.cache/llm-extract/models" if "models" in str(info.default_factory) else "(computed)"
    return "unset" if info.default is None else f"`{info.default}`"


def table() -> str:
    rows = ["| setting | environment (flat · nested) | default | what it does |", "|---|---|---|---|"]
    for group, cls in GROUPS.items():
        for name, info in cls.model_fields.items():
            nested, flat = env_names(group, name)
            desc = (info.description or "").replace("|", "\\|").replace("<", "&lt;")
            ann = str(info.annotation)
            if "Literal" in ann:
                opts = ann[ann.index("Literal[") + 8 : ann.index("]", ann.index("Literal["))].replace("'", "")
                desc += f" (one of: {opts})"
            rows.append(f"| `{group}.{name}` | `{flat}` · `{nested}` | {_default(info)} | {desc} |")
    return "\n".join(rows)


def block() -> str:
    return f"{BEGIN}\n{table()}\n{END}"


def main(argv: list[str]) -> int:
    assert Settings  # the table describes this class
    if len(argv) == 2 and argv[0] == "--check":
        text = Path(argv[1]).read_text(encoding="utf-8")
        if block() not in text:
            print(f"{argv[1]}: settings table is stale; run python scripts/settings_table.py --write {argv[1]}")
            return 1
        return 0
    if len(argv) == 2 and argv[0] == "--write":
        path = Path(argv[1])
        text = path.read_text(encoding="utf-8")
        a, b = text.index(BEGIN), text.index(END) + len(END)
        path.write_text(text[:a] + block() + text[b:], encoding="utf-8")
        return 0
    print(block())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
