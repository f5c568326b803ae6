"""A Twilio-like Messages API on 127.0.0.1 for the sending tests (http.server in a
thread). It records every request and answers from a script: by default 201 with a new
message sid, or the answers a test queued with `answer(status, json, delay=...)`."""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class Call:
    path: str
    headers: dict[str, str]
    form: dict[str, str]


@dataclass
class Answer:
    status: int
    payload: dict | None
    delay: float = 0.0


class FakeTwilio:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.answers: list[Answer] = []
        self.released = threading.Event()
        self.count = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, status: int, payload: dict | None = None, *, delay: float = 0.0) -> None:
        self.answers.append(Answer(status, payload, delay))

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def _next(self) -> Answer:
        if self.answers:
            return self.answers.pop(0)
        self.count += 1
        return Answer(201, {"sid": f"SM{self.count:032d}", "status": "queued"})

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                form = {name: values[0] for name, values in parse_qs(raw).items()}
                headers = {name.lower(): value for name, value in self.headers.items()}
                fake.calls.append(Call(self.path, headers, form))
                answer = fake._next()
                if answer.delay:
                    fake.released.wait(answer.delay)
                body = json.dumps(answer.payload or {}).encode()
                with contextlib.suppress(OSError):  # the client may have given up
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(body)

            def log_message(self, format, *args) -> None:
                pass

        return Handler
