"""An OpenAI-compatible `/v1/chat/completions` on loopback for the smoke test's tests."""

import json
import time
from collections.abc import Callable
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

from tests.jobs.loopback import serve


def _handler(respond: Callable[[dict, dict], tuple[int, bytes, float]]):
    """`respond(headers, body) -> (status, payload, delay)` decides each answer."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output quiet
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            status, payload, delay = respond(dict(self.headers), body)
            time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

    return Handler


@contextmanager
def chat_standin(respond: Callable[[dict, dict], tuple[int, bytes, float]]):
    """Yields the base URL of a chat endpoint answering with `respond`."""
    with serve(_handler(respond)) as port:
        yield f"http://127.0.0.1:{port}"
