"""The one LLM layer: typed output through instructor, plain completions, usage, cache.

Backends: an OpenAI-compatible endpoint when ``LLM_EXTRACT_LLM_BASE_URL`` is
set (no fallback if it fails), otherwise the embedded llama.cpp server, started
lazily on the first call and stopped by :meth:`LLMClient.close`.

Transport failures (connection refused, timeouts, 429, 5xx) are retried with
backoff *below* instructor (in :mod:`.transport`, the base of the client), so a
flaky network never burns validation re-asks; validation failures are re-asked
by instructor with the error text.

The response cache lives in ``llm_cache`` (it is plain file storage, with no
backend knowledge); ``LLMCache`` and ``cache_key`` are re-exported here.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import asdict
from typing import Any, Callable, Optional, TypeVar

from pydantic import BaseModel

from ..core.config import LLMMode, Settings, choices
from ..core.errors import ConfigError, LLMError, LLMOutputError, ModelError
from .cache import LLMCache, cache_key  # re-exported: callers import them from here
from .transport import CALL_STATE, CallState, Transport, usage_of
from .usage import CallUsage

logger = logging.getLogger(__name__)
# instructor logs every failed attempt at ERROR; without a handler of its own
# that would reach stderr through logging's last resort.  We report failures
# through typed errors instead; an app that configures logging still sees them.
logging.getLogger("instructor").addHandler(logging.NullHandler())

T = TypeVar("T", bound=BaseModel)
Messages = list[dict[str, Any]]

MODES = choices(LLMMode)
"""``json_grammar`` is instructor's JSON mode plus the schema inside
``response_format``, which llama.cpp turns into a grammar that constrains
decoding.  ``json_schema`` (OpenAI structured outputs) is rejected by
llama-cpp-python's server, so it is only useful with hosted endpoints."""

DEFAULT_MODE = {"embedded": "json_grammar", "remote": "tools"}


def grammar_schema(schema: dict) -> dict:
    """The JSON schema handed to llama.cpp's grammar, with ``= None`` fields made required.

    Under a grammar, a property that is not required may simply be skipped, and
    small models skip ``Optional[...] = None`` fields even when the text states
    them; required-but-nullable fields come back filled.  So every property whose
    default is None becomes required (it can still be null); fields with real
    defaults stay optional.  Validation still uses the untouched model.
    """
    out = json.loads(json.dumps(schema))

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict):
                required = list(node.get("required", []))
                for name, prop in props.items():
                    if isinstance(prop, dict) and "default" in prop and prop["default"] is None and name not in required:
                        required.append(name)
                if required:
                    node["required"] = required
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(out)
    return out


def _raw_text(completion: Any) -> Optional[str]:
    """What the model actually wrote: tool-call arguments or message content."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        return calls[0].function.arguments
    return getattr(message, "content", None)


def _plain(obj: BaseModel, model: type[T]) -> T:
    """``obj`` as an instance of exactly ``model``.

    instructor returns an instance of a subclass it made (mixing in its own
    schema class) with the raw completion pinned on it; callers compare,
    pickle and type-check records, so rebuild the already validated values.
    """
    if type(obj) is model:
        for name in ("_raw_response", "_total_usage"):
            obj.__dict__.pop(name, None)
        return obj
    values = {name: getattr(obj, name) for name in model.model_fields}
    return model.model_construct(_fields_set=set(obj.model_fields_set), **values)



class LLMClient(Transport):
    """Typed and plain calls against the configured backend; use as a context manager."""

    def __init__(self, settings: Optional[Settings] = None, *, client: Any = None, cache: Optional[LLMCache] = None):
        self.settings = settings or Settings()
        s = self.settings
        if s.llm.base_url:
            if not s.llm.model:
                raise ConfigError(
                    "LLM_EXTRACT_LLM_MODEL is required when LLM_EXTRACT_LLM_BASE_URL is set",
                    hint="set the model name your endpoint serves",
                )
            self.backend = "remote"
            self.model = s.llm.model
            self.backend_id = "remote:" + s.llm.base_url.rstrip("/")
        else:
            from .weights import get_spec

            spec = get_spec(s)
            self.backend = "embedded"
            # The server serves one model under this alias; LLM_EXTRACT_LLM_MODEL names remote models only.
            self.model = spec.name
            # The weights' hash, not just the name, identifies what answered.
            self.backend_id = f"embedded:{spec.name}:{spec.sha256[:16]}"
        self.mode = (s.llm.mode or DEFAULT_MODE[self.backend]).lower()
        if self.mode not in MODES:
            raise ConfigError(f"unknown LLM mode {s.llm.mode!r}", hint="LLM_EXTRACT_LLM_MODE: " + " | ".join(MODES))
        self._client = client
        self._endpoint: Optional[str] = str(getattr(client, "base_url", "")) or None if client is not None else None
        self._server = None
        self._restarts = 0
        self._tokenizer: Any = None  # PromptTokenizer | False once tried
        self._patched: Optional[Callable[..., Any]] = None
        self._lock = threading.Lock()  # guards the lazy backend start
        self._usage_lock = threading.Lock()
        self._total = CallUsage()
        if cache is not None:
            self.cache: Optional[LLMCache] = cache
        else:
            self.cache = LLMCache(s.llm_cache_dir()) if s.llm.cache else None

    # -- lifecycle -----------------------------------------------------------

    def __enter__(self) -> "LLMClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop the embedded server this client started (a shared ``model serve`` is left running)."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()
            self._client = None
            self._patched = None

    def start(self) -> "LLMClient":
        """Start (or find) the backend now rather than on the first call, e.g. to time a warm model."""
        self._openai()
        return self

    def __repr__(self) -> str:
        return f"LLMClient(backend={self.backend!r}, model={self.model!r}, mode={self.mode!r})"

    # -- structured output ---------------------------------------------------

    def _instructor_create(self) -> Callable[..., Any]:
        if self._patched is None:
            from instructor import Mode
            from instructor.v2.core.patch import patch_v2
            from instructor.v2.core.providers import Provider

            mode = {
                "json": Mode.JSON,
                "json_grammar": Mode.JSON,
                "tools": Mode.TOOLS,
                "md_json": Mode.MD_JSON,
                "json_schema": Mode.JSON_SCHEMA,
            }[self.mode]
            self._patched = patch_v2(func=self._send, provider=Provider.OPENAI, mode=mode)
        return self._patched

    def _request_params(self) -> dict:
        s = self.settings
        return {"temperature": s.llm.temperature, "seed": s.llm.seed, "max_tokens": s.llm.max_tokens}

    def _key(self, kind: str, messages: Messages, template_version: str, schema: Optional[dict]) -> str:
        return cache_key(
            kind=kind,
            backend=self.backend_id,
            model=self.model,
            mode=self.mode if kind == "structured" else None,
            template_version=template_version,
            messages=messages,
            schema=schema,
            params=self._request_params(),
        )

    def structured(
        self,
        response_model: type[T],
        messages: Messages,
        *,
        template_version: str,
        max_retries: Optional[int] = None,
    ) -> tuple[T, CallUsage]:
        """A validated ``response_model`` instance; ``LLMOutputError`` after the last re-ask fails."""
        from instructor.core import IncompleteOutputException, InstructorRetryException

        schema = response_model.model_json_schema()
        key = self._key("structured", messages, template_version, schema)
        retries = self.settings.llm.max_retries if max_retries is None else max_retries
        failed_with = (retries, self.settings.llm.max_tokens)
        cached = self._structured_from_cache(key, response_model, failed_with)
        if cached is not None:
            return cached

        state = CallState(grammar_schema=grammar_schema(schema) if self.mode == "json_grammar" else None)
        token = CALL_STATE.set(state)
        t0 = time.perf_counter()
        try:
            obj = self._instructor_create()(
                response_model=response_model,
                messages=[dict(m) for m in messages],
                max_retries=retries,
                strict=False,
                model=self.model,
                **self._request_params(),
            )
        except (LLMError, ModelError):
            raise
        except IncompleteOutputException:
            self._attempt_usage(state, t0)
            raise self._failed(key, failed_with, self._incomplete_error(state)) from None
        except InstructorRetryException as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, (LLMError, ModelError)):  # a dead server is no validation failure
                raise cause from None
            self._attempt_usage(state, t0)
            raise self._failed(key, failed_with, self._invalid_error(response_model, exc, cause, state)) from None
        finally:
            CALL_STATE.reset(token)
        obj = _plain(obj, response_model)
        usage = self._attempt_usage(state, t0)
        raw = _raw_text(state.responses[-1]) if state.responses else None
        self._cache_put(key, {"kind": "structured", "output": obj.model_dump(mode="json"), "raw": raw, "usage": usage.to_dict()})
        return obj, usage

    def _structured_from_cache(self, key: str, response_model: type[T], failed_with: tuple) -> Optional[tuple[T, CallUsage]]:
        """The cached answer to this request, if it still validates; raises the cached failure of the
        same request under the same budget; None when the model must be asked."""
        hit = self._cache_get(key)
        if hit is not None and hit.get("kind") == "structured":
            try:
                return response_model.model_validate(hit["output"]), self._account(CallUsage(calls=1, cached=1))
            except ValueError:
                logger.info("cached output no longer validates; asking again")
        if hit is not None and hit.get("kind") == "structured_error" and tuple(hit.get("budget", ())) == failed_with:
            # At temperature 0 with a fixed seed the same request fails the same way: a re-run does not
            # pay for it again (--no-cache, more retries or a larger max_tokens ask anew).
            self._account(CallUsage(calls=1, cached=1))
            raise LLMOutputError(hit["message"], attempts=hit.get("attempts", 0), last_output=hit.get("last_output"),
                                 hint=hit.get("hint"))
        return None

    def _incomplete_error(self, state: CallState) -> LLMOutputError:
        return LLMOutputError(
            f"output hit max_tokens={self.settings.llm.max_tokens} before the object was complete",
            attempts=len(state.responses),
            last_output=_raw_text(state.responses[-1]) if state.responses else None,
            hint="raise LLM_EXTRACT_LLM_MAX_TOKENS or shorten the input",
        )

    def _invalid_error(self, response_model: type, exc: Any, cause: Optional[BaseException],
                       state: CallState) -> LLMOutputError:
        last = _raw_text(exc.last_completion) if exc.last_completion is not None else None
        if last is None and state.responses:
            last = _raw_text(state.responses[-1])
        first_line = self._scrub(str(cause or exc)).strip().splitlines()[0][:200] if str(cause or exc).strip() else ""
        return LLMOutputError(
            f"{response_model.__name__} did not validate after {exc.n_attempts} attempt(s): {first_line}",
            attempts=exc.n_attempts,
            last_output=last,
        )

    def _failed(self, key: str, budget: tuple, err: LLMOutputError) -> LLMOutputError:
        self._cache_put(key, {"kind": "structured_error", "budget": list(budget), "message": err.message,
                              "attempts": err.attempts, "last_output": err.last_output, "hint": err.hint})
        return err

    def _attempt_usage(self, state: CallState, t0: float) -> CallUsage:
        prompt = sum(p for p, _ in state.usages)
        completion = sum(c for _, c in state.usages)
        return self._account(
            CallUsage(
                prompt_tokens=prompt,
                completion_tokens=completion,
                wall_time=time.perf_counter() - t0,
                calls=1,
                attempts=len(state.responses),
            )
        )

    # -- plain completion ----------------------------------------------------

    def complete(
        self,
        messages: Messages,
        *,
        template_version: str,
        stream: bool = False,
        on_token: Optional[Callable[[str], None]] = None,
    ) -> tuple[str, CallUsage]:
        """The model's text answer.  With ``stream`` each piece goes to ``on_token`` as it arrives."""
        key = self._key("text", messages, template_version, None)
        hit = self._cache_get(key)
        if hit is not None and hit.get("kind") == "text":
            if on_token and hit["text"]:
                on_token(hit["text"])
            return hit["text"], self._account(CallUsage(calls=1, cached=1))

        t0 = time.perf_counter()
        params = dict(model=self.model, messages=[dict(m) for m in messages], **self._request_params())
        if not stream:
            state = CallState()
            token = CALL_STATE.set(state)
            try:
                response = self._send(**params)
            finally:
                CALL_STATE.reset(token)
            text = _raw_text(response) or ""
            if on_token and text:
                on_token(text)
            usage = self._attempt_usage(state, t0)
        else:
            text, usage = self._stream(params, on_token, t0)
            usage = self._account(usage)
        self._cache_put(key, {"kind": "text", "text": text, "usage": usage.to_dict()})
        return text, usage

    def raw_completion(self, messages: Messages, *, max_tokens: int) -> dict:
        """One uncached, unstreamed request: its text, token counts and wall time (smoke checks, benches)."""
        params = dict(model=self.model, messages=[dict(m) for m in messages], **self._request_params())
        params["max_tokens"] = max_tokens
        t0 = time.perf_counter()
        response = self._send(**params)
        seconds = time.perf_counter() - t0
        prompt, completion = usage_of(response)
        return {"text": _raw_text(response) or "", "prompt_tokens": prompt, "completion_tokens": completion,
                "seconds": seconds}

    # -- cache and accounting ------------------------------------------------

    def _cache_get(self, key: str) -> Optional[dict]:
        return self.cache.get(key) if self.cache is not None else None

    def _cache_put(self, key: str, value: dict) -> None:
        if self.cache is not None:
            self.cache.put(key, value)

    def _account(self, usage: CallUsage) -> CallUsage:
        with self._usage_lock:
            self._total = self._total + usage
        return usage

    def usage_total(self) -> CallUsage:
        """Everything this client spent since it was made (one command, normally)."""
        with self._usage_lock:
            return CallUsage(**asdict(self._total))
