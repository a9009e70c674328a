"""A stand-in for the Kubernetes API server as the waiter (jobs/kube_wait.py) sees it from inside a pod.

HTTPS with the service-account CA, bearer-token authentication (401 Status otherwise), RBAC by resource path
(403 Status "... is forbidden" for anything the waiter's Role does not grant), 404 Status for missing objects,
list responses with equality label selectors, as the API conventions describe
(https://kubernetes.io/docs/reference/using-api/api-concepts/).
"""

import json
import re
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse

from tests.jobs.loopback import serve

TOKEN = "eyJhbGciOiJSUzI1NiJ9.service-account.token"


def status(code: int, reason: str, message: str) -> dict:
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": reason, "code": code}


class KubeStandin:
    """Objects by API path; `allowed` are regexes of paths the service account may read."""

    def __init__(self, allowed: list[str], on_request=None):
        self.objects: dict[str, dict] = {}
        self.allowed = [re.compile(pattern) for pattern in allowed]
        self.on_request = on_request or (lambda standin: None)
        self.requests = 0
        self.lock = threading.Lock()

    def put(self, path: str, obj: dict) -> None:
        self.objects[path] = obj

    def answer(self, path: str, query: dict, authorization: str | None) -> tuple[int, dict]:
        with self.lock:
            self.requests += 1
            self.on_request(self)
            if authorization != f"Bearer {TOKEN}":
                return 401, status(401, "Unauthorized", "Unauthorized")
            if not any(pattern.fullmatch(path) for pattern in self.allowed):
                parts = path.strip("/").split("/")
                resource = parts[parts.index("namespaces") + 2] if "namespaces" in parts else parts[-1]
                return 403, status(403, "Forbidden", f'{resource} is forbidden: User "system:serviceaccount:deepseek:'
                                   f'waiter" cannot get resource "{resource}"')
            if path.endswith("/pods"):
                return 200, {"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "1"},
                             "items": self._select(path, query.get("labelSelector", ""))}
            obj = self.objects.get(path)
            if obj is None:
                name = path.rsplit("/", 1)[-1]
                return 404, status(404, "NotFound", f'"{name}" not found')
            return 200, obj

    def _select(self, path: str, selector: str) -> list[dict]:
        wanted = dict(term.split("=", 1) for term in selector.split(",") if term)
        prefix = path + "/"
        return [obj for key, obj in sorted(self.objects.items()) if key.startswith(prefix)
                and all((obj["metadata"].get("labels") or {}).get(k) == v for k, v in wanted.items())]


def _handler(standin: KubeStandin):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            url = urlparse(self.path)
            query = {key: values[0] for key, values in parse_qs(url.query).items()}
            code, body = standin.answer(url.path, query, self.headers.get("Authorization"))
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def kube_api(standin: KubeStandin, ca, directory, monkeypatch):
    """Serve the stand-in over TLS and set the pod's environment as the kubelet would (service host and port,
    the mounted token and CA)."""
    account = directory / "serviceaccount"
    account.mkdir(exist_ok=True)
    (account / "token").write_text(TOKEN)
    (account / "ca.crt").write_text(ca.bundle.read_text())
    with serve(_handler(standin), ca.issue("kube-apiserver", "127.0.0.1", "kubernetes.default.svc")) as port:
        monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
        monkeypatch.setenv("KUBERNETES_SERVICE_PORT", str(port))
        monkeypatch.setenv("SERVICE_ACCOUNT_DIR", str(account))
        yield standin
