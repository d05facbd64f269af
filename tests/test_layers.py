"""The package's architecture, enforced: stages import only lower stages, and nothing imports in a circle.

    core → text, llm → index → extract → qa, outputs → evaluation → api, cli

(``qa`` sits above ``extract``: ``ask`` answers from the indicator records extraction stores.)

Every ``from … import`` of the package (also those inside functions) is read with ``ast``; a
module may import its own sub-package and the stages below it.  ``core`` imports nothing else
of ours, and ``core/types.py`` (the shared data types) imports nothing of ours at all.
"""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "llm_extract"
RANK = {"core": 0, "text": 1, "llm": 1, "index": 2, "extract": 3, "qa": 4, "outputs": 4, "evaluation": 5, "": 6}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PKG.rglob("*.py")}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Our modules that ``name`` imports (relative or absolute, anywhere in the file)."""
    out: set[str] = set()
    is_pkg = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = name.split(".") if is_pkg else name.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        if not target.startswith("llm_extract"):
            continue
        for cand in [target] + [f"{target}.{a.name}" for a in node.names]:
            if cand in known and cand != name:
                out.add(cand)
    return out


def stage(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in RANK) else ""


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {n: imports_of(n, p, set(mods)) for n, p in mods.items()}


def layer_violations(edges: dict[str, set[str]]) -> list[str]:
    bad = []
    for src, targets in edges.items():
        for dst in targets:
            s, d = stage(src), stage(dst)
            if dst == "llm_extract" or (d != s and RANK[d] >= RANK[s]):
                bad.append(f"{src} ({s or 'top'}) imports {dst} ({d or 'top'})")
    return bad


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in edges:
        if v not in index:
            visit(v)
    return found


def test_every_module_lives_in_a_stage():
    loose = [n for n in modules() if stage(n) == "" and n not in ("llm_extract", "llm_extract.api", "llm_extract.cli")]
    assert not loose, loose


def test_stages_import_only_lower_stages():
    assert not layer_violations(graph())


def test_no_import_cycles():
    assert not cycles(graph())


def test_shared_types_import_nothing_of_ours():
    edges = graph()
    assert not edges["llm_extract.core.types"]
    assert all(stage(d) == "core" for d in edges["llm_extract.core.errors"] | edges["llm_extract.core.config"])


def test_the_checks_catch_an_upward_import_and_a_cycle():
    edges = {"llm_extract.text.normalize": {"llm_extract.index.store"}, "llm_extract.index.store": set()}
    assert layer_violations(edges) == ["llm_extract.text.normalize (text) imports llm_extract.index.store (index)"]
    edges = {"llm_extract.qa.ask": {"llm_extract.qa.rerank"}, "llm_extract.qa.rerank": {"llm_extract.qa.ask"}}
    assert cycles(edges) == [["llm_extract.qa.ask", "llm_extract.qa.rerank"]]
