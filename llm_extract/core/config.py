"""The one settings object.  Every field can be set by ``LLM_EXTRACT_<NAME>``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_models_dir() -> Path:
    return Path.home() / ".cache" / "llm-extract" / "models"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LLM_EXTRACT_", extra="ignore")

    # --- index -------------------------------------------------------------
    index: Path = Field(Path(".llm-extract"), description="Index directory (Chroma store, keyword index, manifest)")
    chroma_url: Optional[str] = Field(
        None, description="http://HOST:PORT of a Chroma server; when set the store uses it instead of the local directory"
    )
    chunk_size: int = Field(400, ge=50, le=4000, description="Target chunk length in normalized characters")
    chunk_overlap: int = Field(60, ge=0, le=1000, description="Characters of overlap between consecutive chunks")
    embedder: str = Field(
        "use",
        description="'use' (multilingual Universal Sentence Encoder, numpy) or 'st:<model name or directory>' "
        "for sentence-transformers",
    )
    max_file_mb: int = Field(50, ge=1, description="Largest file ingest will load, in MB")
    embed_batch_size: int = Field(32, ge=1, description="Chunks per embedder batch")
    search_k: int = Field(5, ge=1, description="Default number of search hits")
    ask_k: int = Field(3, ge=1, description="Passages shown to the model by ask (measured: 3 beats 5 with the 1.5B model)")
    focus_chars: int = Field(
        160, ge=0, description="ask: narrow each passage to the sentences around the question's words, at most this "
        "many characters (0 = whole chunks); a small model answers far better from short passages"
    )
    retrieval: str = Field("hybrid", description="hybrid | bm25 | dense")
    rerank: str = Field(
        "none", description="ask: reorder the first rerank_depth hits before showing ask_k of them: none | lexical | "
        "llm (measured by bench/rerank.py; see the README)"
    )
    second_look: bool = Field(
        True, description="ask: when the model abstains, ask it to copy the answering sentence and accept the copy only "
        "if code finds it verbatim in the cited passage and on the question's topic (measured in the README)"
    )
    rerank_depth: int = Field(10, ge=1, description="Hits fetched for the reranker to reorder")
    rrf_k: int = Field(
        1, ge=1, description="Reciprocal-rank-fusion constant (small keeps the strong BM25 order; measured in eval)"
    )
    dense_weight: float = Field(
        0.2, ge=0, le=1, description="Weight of the dense ranking against BM25 (1.0) in hybrid fusion; chosen by eval"
    )

    # --- language model ----------------------------------------------------
    llm_base_url: Optional[str] = Field(
        None, description="OpenAI-compatible endpoint; unset means the embedded local model"
    )
    llm_model: Optional[str] = Field(None, description="Model name sent to the endpoint")
    llm_api_key: Optional[SecretStr] = Field(None, description="API key for the endpoint (never printed or logged)")
    llm_mode: Optional[str] = Field(
        None, description="instructor mode: json | tools | md_json; default chosen per backend"
    )
    llm_max_retries: int = Field(2, ge=0, le=10, description="Re-asks after a validation error")
    llm_timeout: float = Field(300.0, gt=0, description="Seconds to wait for one model response")
    llm_temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature (0 = deterministic)")
    llm_seed: int = Field(42, description="Seed sent to backends that accept one")
    llm_max_tokens: int = Field(1024, ge=16, description="Upper bound on generated tokens per call")
    llm_cache: bool = Field(True, description="Cache model responses on disk")
    cache_dir: Optional[Path] = Field(None, description="LLM response cache directory; default <index>/llm-cache")
    extract_backend: str = Field(
        "auto", description="extract: auto (per kind, as measured: rules for indicators, the model for the rest) | "
        "rules | llm | rules+llm"
    )
    concurrency: int = Field(1, ge=1, le=64, description="Parallel requests for bulk extraction")

    # --- embedded model ------------------------------------------------------
    embedded_model: str = Field("qwen2.5-coder-1.5b", description="qwen2.5-coder-1.5b | qwen2.5-coder-0.5b")
    models_dir: Path = Field(default_factory=_default_models_dir, description="Where assembled GGUF weights are kept")
    server_url: Optional[str] = Field(
        None, description="URL of an already running embedded server (set by 'llm-extract model serve')"
    )
    n_ctx: int = Field(4096, ge=512, description="Context window of the embedded model")
    n_threads: Optional[int] = Field(None, description="CPU threads for the embedded model; default all cores")
    server_start_timeout: float = Field(180.0, gt=0, description="Seconds to wait for the embedded server to be healthy")
    server_restarts: int = Field(
        1, ge=0, le=5,
        description="How often one command restarts an embedded model server that died mid-run before giving up",
    )

    def index_path(self) -> Path:
        return Path(self.index)

    def llm_cache_dir(self) -> Path:
        return Path(self.cache_dir) if self.cache_dir else self.index_path() / "llm-cache"


def get_settings(**overrides) -> Settings:
    """Settings from the environment, with explicit non-None overrides on top.

    An invalid value (``LLM_EXTRACT_CHUNK_SIZE=abc``, ``--concurrency 100``) raises a one-line
    :class:`ConfigError` naming the setting, its environment variable and what it accepts.
    """
    from pydantic import ValidationError

    from .errors import ConfigError

    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(x) for x in first.get("loc", ())) or "?"
        given = first.get("input")
        raise ConfigError(
            f"invalid setting {field}={given!r}: {first.get('msg', 'invalid')}",
            hint=f"fix the option or the environment variable LLM_EXTRACT_{field.upper()}",
        ) from None
