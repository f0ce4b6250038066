"""A real HTTP server in a thread that records each request and answers as a test scripts it.

Used where the behaviour under test is ours, not KFP's contract: which credential headers are sent,
how each KFP status is turned into a message, what the multipart upload looks like.
"""

from __future__ import annotations

import json
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    body: bytes


@dataclass
class Answer:
    status: int = 200
    body: object = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    delay: float = 0.0

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body).encode()


class Recorder:
    """`with Recorder() as kfp:` — `kfp.url`, `kfp.requests`, `kfp.answer = Answer(...)` or a function."""

    def __init__(self, tls: tuple | None = None):
        """`tls=(certfile, keyfile)` serves HTTPS with that certificate."""
        self.requests: list = []
        self.answer: object = Answer()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = Recorded(
                    self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body
                )
                recorder.requests.append(seen)
                answer = recorder.answer(seen) if callable(recorder.answer) else recorder.answer
                if answer.delay:
                    threading.Event().wait(answer.delay)
                payload = answer.payload()
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "application/json")
                    for key, value in answer.headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            do_GET = do_POST = do_DELETE = do_PATCH = _handle

            def log_message(self, *args):  # keep test output clean
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        scheme = "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self._server.server_port}"
        self._thread: threading.Thread | None = None

    @property
    def last(self) -> Recorded:
        return self.requests[-1]

    def __enter__(self) -> Recorder:
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def route(table: dict) -> Callable:
    """An answer function from `{(method, path_prefix): Answer}`; the longest matching prefix wins."""

    def answer(req: Recorded) -> Answer:
        best = None
        for (method, prefix), value in table.items():
            if (
                req.method == method
                and req.path.startswith(prefix)
                and (best is None or len(prefix) > len(best[0]))
            ):
                best = (prefix, value)
        return best[1] if best else Answer(404, {"message": f"no route for {req.method} {req.path}"})

    return answer
