"""The one settings object: nested groups by stage, every field described, every choice a ``Literal``.

``Settings`` has six groups — ``index``, ``retrieval``, ``ask``, ``llm``, ``extract``, ``embedded`` — read as
``settings.index.chunk_size``.  Each field is set from the environment in two ways:

* nested: ``LLM_EXTRACT_<GROUP>__<FIELD>`` (``LLM_EXTRACT_INDEX__CHUNK_SIZE=300``);
* flat, the names the tool has always read: ``LLM_EXTRACT_CHUNK_SIZE=300``, ``LLM_EXTRACT_LLM_BASE_URL=…``.

The nested name wins when both are set.  Keyword arguments take the same flat names
(``Settings(index="my-index", chunk_size=300)``) or whole groups (``Settings(index={"dir": …})``).
The README's settings table is generated from this module (``python scripts/settings_table.py``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal, Optional, get_args

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

ENV_PREFIX = "LLM_EXTRACT_"

RetrievalMode = Literal["hybrid", "bm25", "dense"]
RerankMethod = Literal["none", "lexical", "llm"]
LLMMode = Literal["json", "tools", "md_json", "json_schema", "json_grammar"]
ExtractBackend = Literal["auto", "rules", "llm", "rules+llm"]


def choices(literal: Any) -> tuple[str, ...]:
    """The values of a ``Literal`` choice type, in declaration order (``choices(RetrievalMode)``)."""
    return tuple(get_args(literal))


def _default_models_dir() -> Path:
    return Path.home() / ".cache" / "llm-extract" / "models"


def _default_startup_dir() -> Path:
    return Path.home() / ".cache" / "llm-extract" / "startup"


def _f(default: Any, flat: str, description: str, **kw: Any) -> Any:
    """A field that also answers to its historical flat name ``LLM_EXTRACT_<FLAT>``."""
    if callable(default) and not isinstance(default, type):
        return Field(default_factory=default, description=description, json_schema_extra={"flat": flat}, **kw)
    return Field(default, description=description, json_schema_extra={"flat": flat}, **kw)


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    @model_validator(mode="before")
    @classmethod
    def _choices_ignore_case(cls, data: Any) -> Any:
        """``LLM_EXTRACT_LLM_MODE=MD_JSON`` means ``md_json``: a choice is matched without case."""
        if isinstance(data, dict):
            for name, value in list(data.items()):
                info = cls.model_fields.get(name)
                if isinstance(value, str) and info is not None and "Literal" in str(info.annotation):
                    data[name] = value.strip().lower()
        return data


class IndexSettings(_Group):
    """Where the index lives and how files become chunks and vectors."""

    dir: Path = _f(Path(".llm-extract"), "index", "Index directory (Chroma store, keyword index, manifest)")
    chroma_url: Optional[str] = _f(
        None, "chroma_url", "http://HOST:PORT of a Chroma server; when set the store uses it instead of the local directory"
    )
    chunk_size: int = _f(400, "chunk_size", "Target chunk length in normalized characters", ge=50, le=4000)
    chunk_overlap: int = _f(60, "chunk_overlap", "Characters of overlap between consecutive chunks", ge=0, le=1000)
    embedder: str = _f(
        "use", "embedder",
        "'use' (multilingual Universal Sentence Encoder, numpy) or 'st:<model name or directory>' for sentence-transformers",
    )
    max_file_mb: int = _f(50, "max_file_mb", "Largest file ingest will load, in MB", ge=1)
    embed_batch_size: int = _f(32, "embed_batch_size", "Chunks per embedder batch", ge=1)
    startup_cache: bool = _f(
        True, "startup_cache",
        "Keep start-up tables derived from the installed packages (jieba's word table as SQLite, the USE tokenizer "
        "and uncompressed weights) so a cold command loads only what its query needs; built on first use",
    )
    startup_cache_dir: Path = _f(_default_startup_dir, "startup_cache_dir",
                                 "Where the start-up tables are kept (default ~/.cache/llm-extract/startup)")
    dense_snapshot: bool = _f(
        True, "dense_snapshot",
        "Ingest also writes the vectors as one flat file beside Chroma, so a local search ranks by exact cosine "
        "without starting Chroma (Chroma stays the store of record; a missing or stale snapshot falls back to it)",
    )


class RetrievalSettings(_Group):
    """How ``search`` ranks chunks."""

    mode: RetrievalMode = _f("hybrid", "retrieval", "Ranking: BM25 and dense fused (hybrid), or one of them alone")
    search_k: int = _f(5, "search_k", "Default number of search hits", ge=1)
    rrf_k: int = _f(1, "rrf_k", "Reciprocal-rank-fusion constant (small keeps the strong BM25 order; measured in eval)", ge=1)
    dense_weight: float = _f(
        0.2, "dense_weight", "Weight of the dense ranking against BM25 (1.0) in hybrid fusion; chosen by eval", ge=0, le=1
    )


class AskSettings(_Group):
    """What ``ask`` shows the model and how it checks the answer."""

    k: int = _f(3, "ask_k", "Passages shown to the model (measured: 3 beats 5 with the 1.5B model)", ge=1)
    focus_chars: int = _f(
        160, "focus_chars", "Narrow each passage to the sentences around the question's words, at most this many "
        "characters (0 = whole chunks); a small model answers far better from short passages", ge=0,
    )
    rerank: RerankMethod = _f(
        "none", "rerank", "Reorder the first rerank_depth hits before showing k of them (measured by bench/rerank.py)"
    )
    rerank_depth: int = _f(10, "rerank_depth", "Hits fetched for the reranker to reorder", ge=1)
    records: bool = _f(
        True, "ask_records", "Answer a quantity question from the stored indicator records when they settle it "
        "(place, one year, metric, kind and agreeing figures), without calling the model",
    )
    second_look: bool = _f(
        True, "second_look", "When the model abstains, ask it to copy the answering sentence and accept the copy only "
        "if code finds it verbatim in the cited passage and on the question's topic (measured in the README)",
    )
    extractive: bool = _f(
        True, "ask_extractive", "When the model abstains on a question asking for one figure, answer with the one clause "
        "of its passages that prints a figure of the asked unit, on the question's words, year and kind, cited "
        "(route 'extract'; declines unless one clause is clearly best)",
    )


class LLMSettings(_Group):
    """The OpenAI-compatible endpoint (the embedded model unless ``base_url`` is set)."""

    base_url: Optional[str] = _f(None, "llm_base_url", "OpenAI-compatible endpoint; unset means the embedded local model")
    model: Optional[str] = _f(None, "llm_model", "Model name sent to the endpoint")
    api_key: Optional[SecretStr] = _f(None, "llm_api_key", "API key for the endpoint (never printed or logged)")
    mode: Optional[LLMMode] = _f(None, "llm_mode", "instructor mode; unset chooses per backend")
    max_retries: int = _f(2, "llm_max_retries", "Re-asks after a validation error", ge=0, le=10)
    timeout: float = _f(300.0, "llm_timeout", "Seconds to wait for one model response", gt=0)
    temperature: float = _f(0.0, "llm_temperature", "Sampling temperature (0 = deterministic)", ge=0, le=2)
    seed: int = _f(42, "llm_seed", "Seed sent to backends that accept one")
    max_tokens: int = _f(1024, "llm_max_tokens", "Upper bound on generated tokens per call", ge=16)
    cache: bool = _f(True, "llm_cache", "Cache model responses on disk")
    cache_dir: Optional[Path] = _f(None, "cache_dir", "Response cache directory; default <index dir>/llm-cache")


class ExtractSettings(_Group):
    """Bulk structured extraction."""

    backend: ExtractBackend = _f(
        "auto", "extract_backend",
        "auto (per kind, as measured: rules for indicators, tasks, problems and projects) | rules | llm | rules+llm",
    )
    concurrency: int = _f(1, "concurrency", "Parallel requests for bulk extraction", ge=1, le=64)


class EmbeddedSettings(_Group):
    """The embedded llama.cpp model server."""

    # A name of the weights registry (llm/weights.py MODELS), checked where the weights are looked up:
    # the registry, not this module, knows which models ship.
    model: str = _f(
        "qwen2.5-coder-1.5b", "embedded_model", "Which embedded model to run: qwen2.5-coder-1.5b | qwen2.5-coder-0.5b"
    )
    models_dir: Path = _f(_default_models_dir, "models_dir", "Where assembled GGUF weights are kept")
    server_url: Optional[str] = _f(
        None, "server_url", "URL of an already running embedded server (set by 'llm-extract model serve')"
    )
    n_ctx: int = _f(4096, "n_ctx", "Context window of the embedded model", ge=512)
    n_threads: Optional[int] = _f(None, "n_threads", "CPU threads for the embedded model; default all cores", ge=1)
    start_timeout: float = _f(
        180.0, "server_start_timeout", "Seconds to wait for the embedded server to be healthy", gt=0
    )
    restarts: int = _f(
        1, "server_restarts", "How often one command restarts an embedded model server that died mid-run", ge=0, le=5
    )


GROUPS: dict[str, type[_Group]] = {
    "index": IndexSettings, "retrieval": RetrievalSettings, "ask": AskSettings,
    "llm": LLMSettings, "extract": ExtractSettings, "embedded": EmbeddedSettings,
}

#: flat name → (group, field), e.g. ``"chunk_size" → ("index", "chunk_size")``.
FLAT: dict[str, tuple[str, str]] = {
    (info.json_schema_extra or {})["flat"]: (group, name)
    for group, cls in GROUPS.items() for name, info in cls.model_fields.items()
}


def env_names(group: str, field: str) -> tuple[str, str]:
    """The (nested, flat) environment variable names of one field."""
    flat = (GROUPS[group].model_fields[field].json_schema_extra or {})["flat"]
    return f"{ENV_PREFIX}{group.upper()}__{field.upper()}", f"{ENV_PREFIX}{flat.upper()}"


def _fold(values: dict[str, Any]) -> dict[str, Any]:
    """Move flat keyword names (``chunk_size=…``, ``index=<path>``) into their groups."""
    out: dict[str, Any] = {}
    flat: dict[str, dict[str, Any]] = {}
    for key, value in values.items():
        if key in GROUPS and (isinstance(value, (dict, BaseModel))):
            out[key] = value.model_dump(exclude_unset=True) if isinstance(value, BaseModel) else dict(value)
        elif key in FLAT:
            group, name = FLAT[key]
            flat.setdefault(group, {})[name] = value
        else:
            out[key] = value  # unknown: let validation name it
    for group, fields in flat.items():
        out[group] = {**out.get(group, {}), **fields}
    return out


class _EnvSource(PydanticBaseSettingsSource):
    """Reads ``LLM_EXTRACT_<GROUP>__<FIELD>`` and the flat ``LLM_EXTRACT_<FLAT>``; nested wins."""

    def get_field_value(self, field, field_name):  # pragma: no cover - required by the base class, unused
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        env = {k.upper(): v for k, v in os.environ.items() if k.upper().startswith(ENV_PREFIX)}
        data: dict[str, dict[str, Any]] = {}
        for group, cls in GROUPS.items():
            for name in cls.model_fields:
                nested, flat = env_names(group, name)
                if nested in env:
                    data.setdefault(group, {})[name] = env[nested]
                elif flat in env:
                    data.setdefault(group, {})[name] = env[flat]
        return data


class Settings(BaseSettings):
    """All settings, grouped by stage (see the module docstring for names and environment variables)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid")

    index: IndexSettings = Field(default_factory=IndexSettings, description="Index location, chunking, embedding")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="Search ranking")
    ask: AskSettings = Field(default_factory=AskSettings, description="Question answering")
    llm: LLMSettings = Field(default_factory=LLMSettings, description="Language-model endpoint")
    extract: ExtractSettings = Field(default_factory=ExtractSettings, description="Bulk extraction")
    embedded: EmbeddedSettings = Field(default_factory=EmbeddedSettings, description="Embedded model server")

    def __init__(self, **values: Any) -> None:
        super().__init__(**_fold(values))

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings):
        return (init_settings, _EnvSource(settings_cls))

    def index_path(self) -> Path:
        return Path(self.index.dir)

    def startup_cache_path(self) -> Optional[Path]:
        """Directory of the start-up tables, or None when ``index.startup_cache`` is off."""
        return Path(self.index.startup_cache_dir) if self.index.startup_cache else None

    def llm_cache_dir(self) -> Path:
        return Path(self.llm.cache_dir) if self.llm.cache_dir else self.index_path() / "llm-cache"

    def replace(self, **flat: Any) -> "Settings":
        """A copy with some fields changed, by flat or group name (``settings.replace(index=tmp, llm_cache=False)``)."""
        data = self.model_dump()
        for group, fields in _fold(flat).items():
            data[group] = {**data.get(group, {}), **(fields if isinstance(fields, dict) else {})}
        return Settings.model_validate(data)


def get_settings(**overrides) -> Settings:
    """Settings from the environment, with explicit non-None overrides (flat names) on top.

    An invalid value (``LLM_EXTRACT_CHUNK_SIZE=abc``, ``--concurrency 100``) raises a one-line
    :class:`ConfigError` naming the setting, its environment variables and what it accepts.
    """
    from pydantic import ValidationError

    from .errors import ConfigError

    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [str(x) for x in first.get("loc", ())]
        field = ".".join(loc) or "?"
        given = first.get("input")
        if len(loc) >= 2 and loc[0] in GROUPS and loc[1] in GROUPS[loc[0]].model_fields:
            nested, flat = env_names(loc[0], loc[1])
            hint = f"fix the option or the environment variable {flat} (or {nested})"
        else:
            hint = f"check the option or the {ENV_PREFIX}* environment variables"
        raise ConfigError(f"invalid setting {field}={given!r}: {first.get('msg', 'invalid')}", hint=hint) from None
