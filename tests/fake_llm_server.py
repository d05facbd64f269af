"""A tiny OpenAI-compatible server that misbehaves on purpose (fault-injection tests).

    python tests/fake_llm_server.py --port N --mode ok|drop|segv|segv-once|500 [--state FILE]

* ``ok``: answers every chat completion (streamed or not) with a fixed reply;
* ``drop``: a streamed completion sends one piece, then the connection is closed mid-answer;
* ``segv``: the process kills itself with SIGSEGV when a completion arrives (a crashing runtime);
* ``segv-once``: like ``segv`` the first time (remembered in ``--state``), ``ok`` after a restart;
* ``segv-start``: dies with SIGSEGV before it ever answers (a runtime that cannot load);
* ``500``: every completion gets HTTP 500.

``GET /v1/models`` always answers, so the process looks healthy until it is asked for work.
Also usable in-process through :func:`serve_in_thread`.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPLY = '{"items": []}'


def make_handler(mode: str, state: Path | None):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # keep test output clean
            pass

        def _json(self, code: int, obj: dict) -> None:
            body = json.dumps(obj, ensure_ascii=False).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._json(200, {"object": "list", "data": [{"id": "fake", "object": "model", "owned_by": "test"}]})
            else:
                self._json(404, {"error": "not found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = json.loads(self.rfile.read(length) or b"{}")
            effective = mode
            if mode == "segv-once":
                if state is not None and state.exists():
                    effective = "ok"
                else:
                    if state is not None:
                        state.write_text("crashed once\n")
                    effective = "segv"
            if effective == "segv":
                sys.stderr.write("fake server: crashing on purpose\n")
                sys.stderr.flush()
                os.kill(os.getpid(), signal.SIGSEGV)
                time.sleep(30)  # the signal may land on another thread: never answer meanwhile
            if effective == "500":
                self._json(500, {"error": {"message": "internal error on purpose"}})
                return
            if request.get("stream"):
                self._stream(cut=effective == "drop")
                return
            self._json(200, {
                "id": "fake-1", "object": "chat.completion", "created": 0, "model": "fake",
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": REPLY}}],
                "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
            })

        def _stream(self, cut: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            pieces = ["资料", "中没有", "相关信息"]
            for i, piece in enumerate(pieces):
                chunk = {"id": "fake-s", "object": "chat.completion.chunk", "created": 0, "model": "fake",
                         "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                data = f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode()
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()
                if cut and i == 0:
                    # Close mid-body: the client sees an incomplete chunked message.
                    self.connection.shutdown(2)
                    self.close_connection = True
                    return
            done = b"data: [DONE]\n\n"
            self.wfile.write(f"{len(done):x}\r\n".encode() + done + b"\r\n0\r\n\r\n")
            self.wfile.flush()

    return Handler


def serve_in_thread(mode: str) -> tuple[ThreadingHTTPServer, str]:
    """Start the fake in this process on a free loopback port; returns (server, base_url)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(mode, None))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/v1"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--mode", default="ok", choices=["ok", "drop", "segv", "segv-once", "segv-start", "500"])
    ap.add_argument("--state", type=Path, default=None)
    args, _unknown = ap.parse_known_args()
    if args.mode == "segv-start":  # a runtime that cannot even load the model on this CPU
        sys.stderr.write("fake server: crashing while loading\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGSEGV)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args.mode, args.state))
    server.serve_forever()


if __name__ == "__main__":
    main()
