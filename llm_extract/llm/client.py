"""The one LLM layer: typed output through instructor, plain completions, usage, cache.

Backends: an OpenAI-compatible endpoint when ``LLM_EXTRACT_LLM_BASE_URL`` is
set (no fallback if it fails), otherwise the embedded llama.cpp server, started
lazily on the first call and stopped by :meth:`LLMClient.close`.

Transport failures (connection refused, timeouts, 429, 5xx) are retried here
with backoff, *below* instructor, so a flaky network never burns validation
re-asks; validation failures are re-asked by instructor with the error text.

The response cache lives in ``llm_cache`` (it is plain file storage, with no
backend knowledge); ``LLMCache`` and ``cache_key`` are re-exported here.
"""

from __future__ import annotations

import contextvars
import json
import logging
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Optional, TypeVar

from pydantic import BaseModel

from ..core.config import Settings
from ..core.errors import ConfigError, LLMConnectionError, LLMError, LLMOutputError, ModelError
from .cache import LLMCache, cache_key  # re-exported: callers import them from here

logger = logging.getLogger(__name__)
# instructor logs every failed attempt at ERROR; without a handler of its own
# that would reach stderr through logging's last resort.  We report failures
# through typed errors instead; an app that configures logging still sees them.
logging.getLogger("instructor").addHandler(logging.NullHandler())

T = TypeVar("T", bound=BaseModel)
Messages = list[dict[str, Any]]

MODES = ("json", "tools", "md_json", "json_schema", "json_grammar")
"""``json_grammar`` is instructor's JSON mode plus the schema inside
``response_format``, which llama.cpp turns into a grammar that constrains
decoding.  ``json_schema`` (OpenAI structured outputs) is rejected by
llama-cpp-python's server, so it is only useful with hosted endpoints."""

DEFAULT_MODE = {"embedded": "json_grammar", "remote": "tools"}
RETRYABLE_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


@dataclass
class CallUsage:
    """Tokens and time of one call (or, summed, of a command).  Cached calls cost no tokens."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    wall_time: float = 0.0
    calls: int = 0
    attempts: int = 0
    cached: int = 0
    estimated: bool = False  # token counts came from counting stream chunks, not the server

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: "CallUsage") -> "CallUsage":
        return CallUsage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            wall_time=self.wall_time + other.wall_time,
            calls=self.calls + other.calls,
            attempts=self.attempts + other.attempts,
            cached=self.cached + other.cached,
            estimated=self.estimated or other.estimated,
        )

    def to_dict(self) -> dict:
        return {**asdict(self), "total_tokens": self.total_tokens}


@dataclass
class _CallState:
    """Per-call scratch shared with the create hook; a ContextVar keeps threads apart."""

    grammar_schema: Optional[dict] = None
    responses: list = field(default_factory=list)
    # (prompt, completion) tokens per attempt, read on arrival: instructor later
    # overwrites each response's usage with its running total.
    usages: list = field(default_factory=list)


_STATE: contextvars.ContextVar[_CallState] = contextvars.ContextVar("llm_call_state")


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


def _usage_of(response: Any) -> tuple[int, int]:
    usage = getattr(response, "usage", None)
    if usage is None:
        return 0, 0
    return getattr(usage, "prompt_tokens", 0) or 0, getattr(usage, "completion_tokens", 0) or 0


def _stream_errors() -> tuple[type[BaseException], ...]:
    """What reading a streamed answer raises when the connection breaks (openai's HTTP layer is
    ``httpx`` or, in newer releases, ``httpx2``; both are caught)."""
    import openai

    found: list[type[BaseException]] = [openai.APIConnectionError]
    for name in ("httpx", "httpx2"):
        try:
            found.append(__import__(name).HTTPError)
        except (ImportError, AttributeError):
            pass
    return tuple(found)


class LLMClient:
    """Typed and plain calls against the configured backend; use as a context manager."""

    transport_retries = 3
    backoff = 1.0  # seconds before the first transport retry; doubles each time
    backoff_max = 30.0

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

    @property
    def endpoint(self) -> str:
        return self._endpoint or self.settings.llm.base_url or "embedded server"

    def _openai(self) -> Any:
        """The openai client, starting or finding the embedded server on first use."""
        if self._client is not None:
            return self._client
        with self._lock:
            if self._client is not None:
                return self._client
            import openai

            s = self.settings
            if self.backend == "remote":
                base_url = s.llm.base_url
                key = s.llm.api_key.get_secret_value() if s.llm.api_key else ""
            else:
                from .server import EmbeddedServer, resolve_endpoint

                base_url = resolve_endpoint(s)
                if base_url is None:
                    self._server = EmbeddedServer(s).start()
                    base_url = self._server.url
                key = ""
            # openai refuses an empty key; local endpoints ignore whatever is sent.
            self._client = openai.OpenAI(
                base_url=base_url, api_key=key or "no-key", timeout=s.llm.timeout, max_retries=0
            )
            self._endpoint = base_url
            return self._client

    # -- transport -----------------------------------------------------------

    def _scrub(self, text: str) -> str:
        key = self.settings.llm.api_key.get_secret_value() if self.settings.llm.api_key else ""
        return text.replace(key, "***") if key else text

    def _send(self, **kwargs: Any) -> Any:
        """One chat-completions request with bounded transport retries; the hook instructor calls."""
        import openai

        state = _STATE.get(None)
        if state is not None and state.grammar_schema is not None and kwargs.get("response_format") == {"type": "json_object"}:
            kwargs["response_format"] = {"type": "json_object", "schema": state.grammar_schema}
        client = self._openai()
        delay = self.backoff
        for attempt in range(self.transport_retries + 1):
            try:
                response = client.chat.completions.create(**kwargs)
                break
            except (openai.APIConnectionError, openai.APIStatusError) as exc:
                if self._server_died(kwargs):
                    client = self._openai()  # restarted: send the same request to the new server
                    continue
                status = getattr(exc, "status_code", None)
                retryable = status is None or status in RETRYABLE_STATUS
                if not retryable or attempt == self.transport_retries:
                    raise self._transport_error(exc, attempt + 1) from None
                wait = delay
                retry_after = getattr(getattr(exc, "response", None), "headers", {}).get("retry-after") if status else None
                if retry_after and retry_after.replace(".", "", 1).isdigit():
                    wait = max(wait, float(retry_after))
                logger.warning("LLM request to %s failed (%s); retry %d in %.1fs", self.endpoint, status or type(exc).__name__, attempt + 1, wait)
                time.sleep(min(wait, self.backoff_max))
                delay *= 2
        if state is not None and not kwargs.get("stream"):
            state.responses.append(response)
            state.usages.append(_usage_of(response))
        return response

    def _server_died(self, request: dict) -> bool:
        """After a failed request: raise if the embedded server we started died and may not restart.

        Returns True when it died and was restarted (the caller sends the request again); False
        when it is alive (an ordinary transport error) or this client started no server.  One
        crashing request must not lose a long bulk run, so each client restarts a dead server up
        to ``settings.embedded.restarts`` times; a runtime that crashes on every call still ends
        in one clear error.
        """
        server = self._server
        if server is None:
            return False
        died = server.death_error("a streamed completion" if request.get("stream") else "a completion")
        if died is None:
            return False
        if self._restarts >= self.settings.embedded.restarts:
            self._server = None
            self._client = None
            self._patched = None
            raise died
        self._restarts += 1
        logger.warning("%s; restarting it (%d of %d)", died.message.split(";")[0], self._restarts, self.settings.embedded.restarts)
        server.stop()
        with self._lock:
            self._client = None
            self._server = None
        self._openai()
        return True

    def _transport_error(self, exc: Exception, tries: int) -> LLMError:
        status = getattr(exc, "status_code", None)
        where = f"{self.endpoint} (model {self.model})"
        if status in (401, 403):
            return LLMError(f"{where} refused the credentials (HTTP {status})", hint="check LLM_EXTRACT_LLM_API_KEY")
        if status is not None and status not in RETRYABLE_STATUS:
            detail = self._scrub(str(getattr(exc, "message", "") or exc))[:300]
            return LLMError(f"{where} rejected the request (HTTP {status}): {detail}")
        if status:
            reason = f"HTTP {status}"
        else:
            # openai hides the real cause (refused, DNS, a test's vcr miss) behind "Connection error."
            cause = exc.__cause__ or exc.__context__
            reason = type(exc).__name__ + (f": {type(cause).__name__}: {cause}" if cause else "")
            reason = self._scrub(reason)[:400]
        hint = "is the server running and the URL right?" if self.backend == "remote" else "see llm-server.log"
        return LLMConnectionError(f"cannot get an answer from {where} after {tries} tries: {reason}", hint=hint)

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
        hit = self._cache_get(key)
        retries = self.settings.llm.max_retries if max_retries is None else max_retries
        if hit is not None and hit.get("kind") == "structured":
            try:
                return response_model.model_validate(hit["output"]), self._account(CallUsage(calls=1, cached=1))
            except ValueError:
                logger.info("cached output no longer validates; asking again")
        failed_with = (retries, self.settings.llm.max_tokens)
        if hit is not None and hit.get("kind") == "structured_error" and tuple(hit.get("budget", ())) == failed_with:
            # At temperature 0 with a fixed seed the same request fails the same way: a re-run does not
            # pay for it again (--no-cache, more retries or a larger max_tokens ask anew).
            self._account(CallUsage(calls=1, cached=1))
            raise LLMOutputError(hit["message"], attempts=hit.get("attempts", 0), last_output=hit.get("last_output"),
                                 hint=hit.get("hint"))

        state = _CallState(grammar_schema=grammar_schema(schema) if self.mode == "json_grammar" else None)
        token = _STATE.set(state)
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
            usage = self._attempt_usage(state, t0)
            raise self._failed(key, failed_with, LLMOutputError(
                f"output hit max_tokens={self.settings.llm.max_tokens} before the object was complete",
                attempts=len(state.responses),
                last_output=_raw_text(state.responses[-1]) if state.responses else None,
                hint="raise LLM_EXTRACT_LLM_MAX_TOKENS or shorten the input",
            )) from None
        except InstructorRetryException as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, (LLMError, ModelError)):  # a dead server is no validation failure
                raise cause from None
            usage = self._attempt_usage(state, t0)
            last = _raw_text(exc.last_completion) if exc.last_completion is not None else None
            if last is None and state.responses:
                last = _raw_text(state.responses[-1])
            first_line = self._scrub(str(cause or exc)).strip().splitlines()[0][:200] if str(cause or exc).strip() else ""
            raise self._failed(key, failed_with, LLMOutputError(
                f"{response_model.__name__} did not validate after {exc.n_attempts} attempt(s): {first_line}",
                attempts=exc.n_attempts,
                last_output=last,
            )) from None
        finally:
            _STATE.reset(token)
        obj = _plain(obj, response_model)
        usage = self._attempt_usage(state, t0)
        raw = _raw_text(state.responses[-1]) if state.responses else None
        self._cache_put(key, {"kind": "structured", "output": obj.model_dump(mode="json"), "raw": raw, "usage": usage.to_dict()})
        return obj, usage

    def _failed(self, key: str, budget: tuple, err: LLMOutputError) -> LLMOutputError:
        self._cache_put(key, {"kind": "structured_error", "budget": list(budget), "message": err.message,
                              "attempts": err.attempts, "last_output": err.last_output, "hint": err.hint})
        return err

    def _attempt_usage(self, state: _CallState, t0: float) -> CallUsage:
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
            state = _CallState()
            token = _STATE.set(state)
            try:
                response = self._send(**params)
            finally:
                _STATE.reset(token)
            text = _raw_text(response) or ""
            if on_token and text:
                on_token(text)
            usage = self._attempt_usage(state, t0)
        else:
            text, usage = self._stream(params, on_token, t0)
        self._cache_put(key, {"kind": "text", "text": text, "usage": usage.to_dict()})
        return text, usage

    def raw_completion(self, messages: Messages, *, max_tokens: int) -> dict:
        """One uncached, unstreamed request: its text, token counts and wall time (smoke checks, benches)."""
        params = dict(model=self.model, messages=[dict(m) for m in messages], **self._request_params())
        params["max_tokens"] = max_tokens
        t0 = time.perf_counter()
        response = self._send(**params)
        seconds = time.perf_counter() - t0
        prompt, completion = _usage_of(response)
        return {"text": _raw_text(response) or "", "prompt_tokens": prompt, "completion_tokens": completion,
                "seconds": seconds}

    def _stream(self, params: dict, on_token: Optional[Callable[[str], None]], t0: float) -> tuple[str, CallUsage]:

        pieces: list[str] = []
        chunks = 0
        server_usage = None
        stream = self._send(**params, stream=True, stream_options={"include_usage": True})
        try:
            for chunk in stream:
                if getattr(chunk, "usage", None) is not None:
                    server_usage = chunk.usage
                for choice in chunk.choices or ():
                    delta = getattr(choice.delta, "content", None)
                    if delta:
                        chunks += 1
                        pieces.append(delta)
                        if on_token:
                            on_token(delta)
        except _stream_errors() as exc:
            # A server that dies mid-answer drops the stream (RemoteProtocolError): say how it died.
            died = self._server.death_error("a streamed completion") if self._server is not None else None
            if died is not None:
                raise died from None
            raise LLMConnectionError(
                f"{self.endpoint} (model {self.model}) dropped the answer after {chunks} pieces: "
                f"{type(exc).__name__}: {self._scrub(str(exc))[:200]}",
                hint="run the command again; if it keeps happening, check the server's log or endpoint",
            ) from None
        if server_usage is not None:
            usage = CallUsage(server_usage.prompt_tokens or 0, server_usage.completion_tokens or 0)
        else:
            # llama-cpp-python sends no usage chunk; it streams one token per chunk.  Count the
            # prompt with the model's own tokenizer and chat template where we have them.
            prompt = self._count_prompt_tokens(params["messages"])
            usage = CallUsage(prompt or 0, chunks, estimated=prompt is None)
        usage.wall_time, usage.calls, usage.attempts = time.perf_counter() - t0, 1, 1
        return "".join(pieces), self._account(usage)

    def _count_prompt_tokens(self, messages: list[dict]) -> Optional[int]:
        """Prompt tokens of a chat request to the embedded model, or None where it cannot be counted."""
        if self.backend != "embedded":
            return None
        if self._tokenizer is None:
            from .tokens import PromptTokenizer

            self._tokenizer = PromptTokenizer.for_settings(self.settings)
        return self._tokenizer.count(messages) if self._tokenizer else None

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
