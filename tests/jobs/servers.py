"""Real local servers on loopback for the Job modules' tests: an S3 server (moto) standing in for OSS, a
model hub speaking ModelScope's and Hugging Face's file APIs, and an OpenAI-compatible chat endpoint."""

import hashlib
import json
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import boto3
import botocore.config


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def s3_server():
    """Yields (endpoint, client factory) for a fresh S3 server in its own process (moto), so the memory the
    server spends on stored objects is not counted against the code under test."""
    port = _free_port()
    server = subprocess.Popen([str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("the local S3 server did not start") from None
            time.sleep(0.05)

    def client():
        return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                            aws_secret_access_key="test",
                            config=botocore.config.Config(s3={"addressing_style": "path"}))

    try:
        yield endpoint, client
    finally:
        server.terminate()
        server.wait(timeout=10)


class Hub:
    """Files with published hashes; `cut[path] = n` drops the connection after n bytes, once."""

    def __init__(self, files: dict[str, bytes]):
        self.files = dict(files)
        self.published = {path: hashlib.sha256(data).hexdigest() for path, data in files.items()}
        self.cut: dict[str, int] = {}
        self.downloads: Counter = Counter()

    def listing_modelscope(self) -> dict:
        return {"Data": {"Files": [{"Path": path, "Name": path.rsplit("/", 1)[-1], "Type": "blob",
                                    "Size": len(data), "Sha256": self.published[path]}
                                   for path, data in self.files.items()]}}

    def listing_huggingface(self) -> dict:
        siblings = []
        for path, data in self.files.items():
            if path.endswith(".safetensors"):
                siblings.append({"rfilename": path, "lfs": {"sha256": self.published[path], "size": len(data)}})
            else:
                git_id = hashlib.sha1(f"blob {len(data)}\0".encode() + data).hexdigest()  # noqa: S324
                siblings.append({"rfilename": path, "size": len(data), "blobId": git_id})
        return {"siblings": siblings}


def _handler(hub: Hub):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output quiet
            pass

        def do_GET(self):
            url = urlparse(self.path)
            query = {key: values[0] for key, values in parse_qs(url.query).items()}
            if url.path.endswith("/repo/files"):
                return self._json(hub.listing_modelscope())
            if url.path.startswith("/api/models/"):
                return self._json(hub.listing_huggingface())
            if url.path.endswith("/repo") and "FilePath" in query:
                return self._file(query["FilePath"])
            if "/resolve/" in url.path:
                return self._file(url.path.split("/resolve/", 1)[1].split("/", 1)[1])
            self.send_error(404)

        def _json(self, body: dict):
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _file(self, path: str):
            if path not in hub.files:
                return self.send_error(404)
            hub.downloads[path] += 1
            data = hub.files[path]
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if path in hub.cut:
                self.wfile.write(data[: hub.cut.pop(path)])
                self.wfile.flush()
                self.connection.shutdown(2)  # the network drops mid-file
                return
            self.wfile.write(data)

    return Handler


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler]):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads, server.block_on_close = True, False  # never wait for a deliberately slow handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def hub_server(hub: Hub):
    with serve(_handler(hub)) as url:
        yield url


def chat_handler(respond: Callable[[dict, dict], tuple[int, bytes, float]]):
    """An OpenAI-compatible /v1/chat/completions; `respond(headers, body) -> (status, payload, delay)`."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            import time

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
