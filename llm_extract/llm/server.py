"""The embedded model server: ``llama_cpp.server`` as a child process on loopback.

A command that needs the model starts one lazily, reuses it for every call and
stops it on exit, on Ctrl-C and on SIGTERM.  ``llm-extract model serve`` keeps
one alive instead and announces it in ``<index>/server.json`` so that later
commands reuse it rather than paying the cold start again.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Optional

from ..core.config import Settings
from ..core.errors import ModelError, ModelServerDiedError
from .weights import ensure_model, get_spec

logger = logging.getLogger(__name__)

_LIVE: "set[EmbeddedServer]" = set()
_LIVE_LOCK = threading.Lock()
_HANDLERS_INSTALLED = False
_ATEXIT_INSTALLED = False


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def is_healthy(url: str, timeout: float = 2.0) -> bool:
    """True when ``<url>/models`` answers 200; ``url`` ends in ``/v1``."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/models", timeout=timeout) as resp:
            return resp.status == 200
    except (OSError, urllib.error.URLError, ValueError):
        return False


def pid_alive(pid: int) -> bool:
    """True for a running process; a zombie (exited, not yet reaped) counts as dead."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def default_threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def log_path(settings: Settings) -> Path:
    """The server's stderr goes to the index dir when there is one, else beside the weights."""
    index = settings.index_path()
    base = index if index.is_dir() else Path(settings.embedded.models_dir).expanduser().parent
    base.mkdir(parents=True, exist_ok=True)
    return base / "llm-server.log"


def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.strip().splitlines()[-lines:])


def _child_env() -> dict[str, str]:
    # The child needs none of our secrets; llama_cpp.server also reads bare
    # variables such as MODEL or PORT, which must not override our arguments.
    drop = {"LLM_EXTRACT_LLM_API_KEY", "OPENAI_API_KEY", "MODEL", "HOST", "PORT", "API_KEY", "CONFIG_FILE"}
    return {k: v for k, v in os.environ.items() if k not in drop}


class EmbeddedServer:
    """Context manager around one ``llama_cpp.server`` child process."""

    def __init__(self, settings: Optional[Settings] = None, *, port: Optional[int] = None):
        self.settings = settings or Settings()
        self.spec = get_spec(self.settings)
        self.host = "127.0.0.1"
        self.port = port
        self.proc: Optional[subprocess.Popen] = None
        self.log_file: Optional[Path] = None
        self.started_in: Optional[float] = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise ModelError("embedded server is not started")
        return f"http://{self.host}:{self.port}/v1"

    @property
    def model_alias(self) -> str:
        return self.spec.name

    def command(self, model_file: Path) -> list[str]:
        s = self.settings
        return [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(model_file),
            "--model_alias", self.model_alias,
            "--host", self.host,
            "--port", str(self.port),
            "--n_ctx", str(s.embedded.n_ctx),
            "--n_threads", str(s.embedded.n_threads or default_threads()),
            "--n_threads_batch", str(s.embedded.n_threads or default_threads()),
            # No --chat_format: the GGUF's own Qwen2.5 template renders tool
            # definitions and tool-role messages (instructor's TOOLS re-asks),
            # which the generic "chatml" format silently drops.
            "--seed", str(s.llm.seed),
            "--verbose", "False",
        ]  # fmt: skip

    def start(self) -> "EmbeddedServer":
        if self.proc is not None:
            return self
        import importlib.util

        if importlib.util.find_spec("llama_cpp") is None:
            raise ModelError(
                "the embedded model needs llama-cpp-python, which is not installed",
                hint='pip install "llama-cpp-python[server]", or set LLM_EXTRACT_LLM_BASE_URL',
            )
        from .build import check_cpu

        check_cpu()  # a runtime built for other CPUs fails here in one line, not with SIGILL later
        model_file = ensure_model(self.settings)
        if self.port is None:
            self.port = free_port(self.host)
        self.log_file = log_path(self.settings)
        t0 = time.monotonic()
        with open(self.log_file, "ab") as log:
            log.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} starting {self.spec.title} on {self.url}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "llm_extract.llm.server_guard", str(os.getpid()), "--", *self.command(model_file)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=_child_env(),
                # Own process group: a terminal Ctrl-C reaches only us, and we
                # decide when the server goes, after in-flight cleanup.
                start_new_session=True,
            )
        _register(self)
        try:
            self._wait_healthy(t0)
        except BaseException:
            self.stop()
            raise
        self.started_in = time.monotonic() - t0
        logger.info("embedded server %s ready on %s in %.1fs", self.spec.name, self.url, self.started_in)
        return self

    def _wait_healthy(self, t0: float) -> None:
        deadline = t0 + self.settings.embedded.start_timeout
        delay = 0.1
        while True:
            code = self.proc.poll()
            if code is not None:
                if code > 128:  # a signal: the runtime crashed while loading
                    raise self.death_error("start-up", wait=0)
                raise ModelError(
                    f"embedded server exited with code {code} while starting:\n{_tail(self.log_file)}",
                    path=str(self.log_file),
                    hint="see the log; a port clash or too little memory are the usual causes",
                )
            if is_healthy(self.url, timeout=1.0):
                return
            if time.monotonic() > deadline:
                raise ModelError(
                    f"embedded server not healthy after {self.settings.embedded.start_timeout:.0f}s:\n{_tail(self.log_file)}",
                    path=str(self.log_file),
                    hint="raise LLM_EXTRACT_SERVER_START_TIMEOUT or check the log",
                )
            time.sleep(delay)
            delay = min(delay * 1.5, 1.0)

    def stop(self, timeout: float = 10.0) -> None:
        proc, self.proc = self.proc, None
        _unregister(self)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            return
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=5)

    @property
    def pid(self) -> Optional[int]:
        return self.proc.pid if self.proc else None

    def model_pid(self) -> Optional[int]:
        """The model server process itself (the guard's child; Linux), for memory readings."""
        if not self.proc:
            return None
        try:
            kids = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            return self.proc.pid
        return int(kids[0]) if kids else self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def exit_code(self, wait: float = 0.0) -> Optional[int]:
        """The guard's exit code once the server has ended (waiting up to ``wait`` s), else None."""
        if self.proc is None:
            return None
        try:
            return self.proc.wait(timeout=wait) if wait > 0 else self.proc.poll()
        except subprocess.TimeoutExpired:
            return None

    def death_error(self, during: str, wait: float = 1.5) -> Optional[ModelServerDiedError]:
        """A one-line error naming how the server died, its log and the fix; None while it still runs.

        A dropped connection arrives a moment before the process is reaped, so wait briefly.
        """
        code = self.exit_code(wait)
        if code is None:
            return None
        from .server_guard import describe_exit

        how = describe_exit(code)
        tail = " | ".join(line.strip() for line in _tail(self.log_file, 4).splitlines() if line.strip())
        crash = code > 128 and code - 128 in (signal.SIGSEGV, signal.SIGILL, signal.SIGBUS, signal.SIGFPE, signal.SIGABRT)
        hint = (
            "the llama.cpp runtime crashed on this CPU: rebuild it portably with `make setup` "
            "(scripts/build_runtime.py; `llm-extract model status --check` tests it), "
            "or point LLM_EXTRACT_LLM_BASE_URL/LLM_EXTRACT_LLM_MODEL at another OpenAI-compatible endpoint"
            if crash else
            "see the log; too little memory (the OOM killer) is the usual cause, or point "
            "LLM_EXTRACT_LLM_BASE_URL at another endpoint"
        )
        return ModelServerDiedError(
            f"embedded model server died with {how} during {during}; log {self.log_file}: {tail[-300:]}",
            hint=hint,
        )

    def __enter__(self) -> "EmbeddedServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"EmbeddedServer({self.spec.name!r}, port={self.port}, pid={self.pid})"


# ---------------------------------------------------------------------------
# cleanup on exit and signals
# ---------------------------------------------------------------------------


def _stop_all() -> None:
    with _LIVE_LOCK:
        servers = list(_LIVE)
    for server in servers:
        server.stop(timeout=5)


def _on_sigterm(signum, frame) -> None:  # pragma: no cover - exercised via subprocess
    _stop_all()
    # Exit the way the default handler would, so callers see the signal.
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _register(server: EmbeddedServer) -> None:
    global _ATEXIT_INSTALLED
    with _LIVE_LOCK:
        _LIVE.add(server)
        first = not _ATEXIT_INSTALLED
        _ATEXIT_INSTALLED = True
    if first:
        atexit.register(_stop_all)
    install_signal_handlers()


def install_signal_handlers() -> None:
    """Stop our servers on SIGTERM/SIGHUP, where nobody installed a handler already.

    Ctrl-C raises KeyboardInterrupt, which unwinds context managers and then
    runs atexit; SIGTERM/SIGHUP would kill us without either.  Python installs
    handlers only from the main thread, so a server first started by a worker
    thread relies on the CLI having called this at start (and, failing that, on
    the guard process: see :mod:`llm_extract.llm.server_guard`).
    """
    global _HANDLERS_INSTALLED
    if _HANDLERS_INSTALLED or threading.current_thread() is not threading.main_thread():
        return
    _HANDLERS_INSTALLED = True
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) in (signal.SIG_DFL, None):
            signal.signal(sig, _on_sigterm)


def _unregister(server: EmbeddedServer) -> None:
    with _LIVE_LOCK:
        _LIVE.discard(server)


# ---------------------------------------------------------------------------
# a long-running server shared by many commands
# ---------------------------------------------------------------------------


def server_file(settings: Settings) -> Path:
    return settings.index_path() / "server.json"


def running_server(settings: Optional[Settings] = None) -> Optional[dict]:
    """The announcement of a live ``model serve`` for this index, or None (stale ones are ignored)."""
    settings = settings or Settings()
    try:
        info = json.loads(server_file(settings).read_text(encoding="utf-8"))
        url, pid = str(info["url"]), int(info["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not pid_alive(pid) or not is_healthy(url):
        return None
    return info


def resolve_endpoint(settings: Optional[Settings] = None) -> Optional[str]:
    """URL of an embedded server this command may reuse: ``settings.embedded.server_url`` or a live announcement.

    An announcement for a different embedded model is not reused.
    """
    settings = settings or Settings()
    if settings.embedded.server_url:
        return settings.embedded.server_url.rstrip("/")
    info = running_server(settings)
    if info and info.get("model") == settings.embedded.model:
        return info["url"]
    return None


def serve_forever(
    settings: Optional[Settings] = None,
    port: Optional[int] = None,
    *,
    on_ready: Optional[Callable[[EmbeddedServer], None]] = None,
) -> int:
    """Run the embedded server until it exits or we are interrupted; returns its exit code (0 on Ctrl-C)."""
    settings = settings or Settings()
    announce = server_file(settings)
    with EmbeddedServer(settings, port=port) as server:
        info = {"url": server.url, "pid": server.pid, "model": settings.embedded.model, "started": time.time()}
        announce.parent.mkdir(parents=True, exist_ok=True)
        tmp = announce.with_name(f".{announce.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(info), encoding="utf-8")
        os.replace(tmp, announce)
        try:
            if on_ready:
                on_ready(server)
            while server.alive():
                time.sleep(0.5)
            return server.proc.returncode if server.proc else 0
        except KeyboardInterrupt:
            return 0
        finally:
            try:
                if json.loads(announce.read_text(encoding="utf-8")).get("pid") == info["pid"]:
                    announce.unlink()
            except (OSError, ValueError):
                pass
