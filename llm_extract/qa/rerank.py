"""Optional second ordering of retrieved passages before ``ask`` shows the top few to the model.

``ask`` shows only three short passages (more confuse a 1.5B model), so the
order of the first ten hits decides what the model can answer from.  Two
rerankers are offered, neither on by default unless the eval says it helps
(``bench/rerank.py`` measures them on the gold questions):

* ``lexical`` — how many of the question's character bigrams a passage holds,
  plus a prior for the fused rank; free (well under a millisecond);
* ``llm`` — the configured model names the passages that answer the question
  (one structured call over the focused passages, a few seconds on the
  embedded model).  Passages it names come first in its order, the rest keep
  their retrieval order, so a model that names none changes nothing.

No cross-encoder ships inside a PyPI package this project can install, so
none is offered.
"""

from __future__ import annotations

from typing import Optional

from pydantic import BaseModel, Field

from ..core.config import RerankMethod, choices
from ..core.types import Hit, Query
from ..text.query import as_query
from ..text.segments import bigrams

METHODS = choices(RerankMethod)
_PUNCT = "，。、；：:,.;（）()《》“”\"' \n\t？?！!"


def lexical_rerank(question: "str | Query", hits: list[Hit], *, prior: float = 0.5) -> list[Hit]:
    """Order by the share of the question's bigrams a passage holds, plus ``prior / (1 + rank)``."""
    from ..text.normalize import normalize_query

    want = bigrams(as_query(question).normalized, skip=_PUNCT)
    if not want or not hits:
        return list(hits)
    scores = [len(want & bigrams(h.search_text or normalize_query(h.text), skip=_PUNCT)) / len(want) + prior / (1 + i)
              for i, h in enumerate(hits)]
    order = sorted(range(len(hits)), key=lambda i: (-scores[i], i))
    return [hits[i] for i in order]


class Relevant(BaseModel):
    relevant: list[int] = Field(description="能回答问题的资料编号，最相关的在前；没有则为空列表")


def llm_rerank(question: "str | Query", hits: list[Hit], llm, *, focus_chars: int = 160) -> tuple[list[Hit], dict]:
    """The model's choice of passages first; returns the new order and the call's usage."""
    from ..llm.prompts import get_prompt
    from .passages import focus_passages, format_passages

    if len(hits) < 2:
        return list(hits), {}
    query = as_query(question)
    shown = focus_passages(query, hits, focus_chars) if focus_chars else hits
    prompt = get_prompt("rerank")
    messages = prompt.render(question=query.text, passages=format_passages(shown))
    obj, usage = llm.structured(Relevant, messages, template_version=prompt.version)
    picked: list[int] = []
    for n in obj.relevant:
        if 1 <= n <= len(hits) and n - 1 not in picked:
            picked.append(n - 1)
    order = picked + [i for i in range(len(hits)) if i not in picked]
    used = {"prompt_tokens": getattr(usage, "prompt_tokens", 0) or 0,
            "completion_tokens": getattr(usage, "completion_tokens", 0) or 0,
            "seconds": getattr(usage, "wall_time", 0.0) or 0.0, "calls": 1}
    return [hits[i] for i in order], used


def rerank(question: "str | Query", hits: list[Hit], method: str, *, llm=None, focus_chars: int = 160) -> tuple[list[Hit], dict]:
    """Dispatch on ``method`` (see :data:`METHODS`); returns hits and the model usage it cost (empty if none)."""
    from ..core.errors import ConfigError

    if method == "none":
        return list(hits), {}
    if method == "lexical":
        return lexical_rerank(question, hits), {}
    if method == "llm":
        if llm is None:
            raise ConfigError("rerank 'llm' needs a language model client")
        return llm_rerank(question, hits, llm, focus_chars=focus_chars)
    raise ConfigError(f"unknown rerank method {method!r}", hint="use " + " | ".join(METHODS))


def rerank_depth(k: int, depth: Optional[int]) -> int:
    """How many hits to fetch so a reranker has something to reorder."""
    return max(k, depth or 0)


__all__ = ["METHODS", "lexical_rerank", "llm_rerank", "rerank", "rerank_depth"]
