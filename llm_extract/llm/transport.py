"""The chat-completions connection under :class:`~.client.LLMClient`.

It opens the openai client against a remote endpoint or the embedded llama.cpp
server (started lazily), sends each request with bounded transport retries
(connection refused, timeouts, 429, 5xx) *below* instructor, restarts an
embedded server that died, reads streamed answers, and turns what is left into
typed errors.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from ..core.config import Settings
from ..core.errors import LLMConnectionError, LLMError
from .usage import CallUsage

# The LLM layer logs under one name, whichever of its modules speaks.
logger = logging.getLogger("llm_extract.llm.client")

RETRYABLE_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


@dataclass
class CallState:
    """Per-call scratch shared with the create hook; a ContextVar keeps threads apart."""

    grammar_schema: Optional[dict] = None
    responses: list = field(default_factory=list)
    # (prompt, completion) tokens per attempt, read on arrival: instructor later
    # overwrites each response's usage with its running total.
    usages: list = field(default_factory=list)


CALL_STATE: contextvars.ContextVar[CallState] = contextvars.ContextVar("llm_call_state")


def usage_of(response: Any) -> tuple[int, int]:
    usage = getattr(response, "usage", None)
    if usage is None:
        return 0, 0
    return getattr(usage, "prompt_tokens", 0) or 0, getattr(usage, "completion_tokens", 0) or 0


def stream_errors() -> tuple[type[BaseException], ...]:
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


class Transport:
    """The connection half of :class:`~.client.LLMClient`, which sets the attributes declared here."""

    transport_retries = 3
    backoff = 1.0  # seconds before the first transport retry; doubles each time
    backoff_max = 30.0

    settings: Settings
    backend: str  # "remote" | "embedded"
    model: str
    _client: Any
    _endpoint: Optional[str]
    _server: Any
    _restarts: int
    _patched: Optional[Callable[..., Any]]
    _lock: threading.Lock  # guards the lazy backend start
    _tokenizer: Any  # PromptTokenizer | False once tried

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

        state = CALL_STATE.get(None)
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
            state.usages.append(usage_of(response))
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

    # -- streaming -----------------------------------------------------------

    def _stream(self, params: dict, on_token: Optional[Callable[[str], None]], t0: float) -> tuple[str, CallUsage]:
        """A streamed answer, each piece passed to ``on_token``; its usage is not yet accounted."""
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
        except stream_errors() as exc:
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
        return "".join(pieces), usage

    def _count_prompt_tokens(self, messages: list[dict]) -> Optional[int]:
        """Prompt tokens of a chat request to the embedded model, or None where it cannot be counted."""
        if self.backend != "embedded":
            return None
        if self._tokenizer is None:
            from .tokens import PromptTokenizer

            self._tokenizer = PromptTokenizer.for_settings(self.settings)
        return self._tokenizer.count(messages) if self._tokenizer else None
