"""Stand-ins for ModelScope and Hugging Face, answering as each hub documents (jobs/model_hubs.py names the
shapes, the research notes cite them), served over TLS under the hubs' real names (see loopback.py).

One repository per hub, with files, a commit id, branches and tags. Faults can be injected: rate-limit answers
(429 with the hub's own headers), server errors, a connection that drops mid-file, a gated repository.
"""

import hashlib
import json
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, unquote, urlparse

from tests.jobs.loopback import serve

MODELSCOPE_HOST = "modelscope.cn"
MODELSCOPE_CDN = "modelhub-cn-hangzhou.oss-cn-hangzhou-internal.aliyuncs.com"
HF_HOST = "huggingface.co"
HF_CDN = "cdn-lfs.hf.co"
HOSTS = (MODELSCOPE_HOST, MODELSCOPE_CDN, HF_HOST, HF_CDN)


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(f"blob {len(data)}\0".encode() + data).hexdigest()  # noqa: S324


@dataclass
class Repo:
    """A model repository as both hubs would hold it."""

    name: str
    files: dict[str, bytes]
    commit: str = "a" * 40
    branches: tuple[str, ...] = ("master", "main")
    tags: tuple[str, ...] = ("v1.0",)
    gated: bool = False
    """Hugging Face only: a token is required."""
    token: str = "hf_" + "T" * 34

    def is_lfs(self, path: str) -> bool:
        return path.endswith(".safetensors")

    def knows(self, revision: str) -> bool:
        return revision in (self.commit, *self.branches, *self.tags)


@dataclass
class Faults:
    throttle: Counter = field(default_factory=Counter)
    """path kind ('api', 'file') -> number of 429 answers to give first."""
    fail: Counter = field(default_factory=Counter)
    """path kind -> number of 503 answers to give first."""
    cut: dict[str, int] = field(default_factory=dict)
    """file path -> bytes after which the connection drops, once."""
    lying: dict[str, str] = field(default_factory=dict)
    """file path -> the SHA-256 the listing publishes instead of the true one."""


class Hubs:
    """Both hubs and their CDNs; requests are routed by their Host header."""

    def __init__(self, repo: Repo):
        self.repo, self.faults = repo, Faults()
        self.downloads: Counter = Counter()
        self.requests: list[tuple[str, str, dict]] = []
        self.lock = threading.Lock()

    def sha256(self, path: str) -> str:
        return self.faults.lying.get(path) or hashlib.sha256(self.repo.files[path]).hexdigest()

    # ------------------------------------------------------------------------------------------ ModelScope
    def modelscope_listing(self) -> dict:
        files = [{"CommitMessage": "upload weights", "CommittedDate": 1737331200, "CommitterName": "ai-modelscope",
                  "InCheck": False, "IsLFS": self.repo.is_lfs(path), "Mode": "33188", "Name": path.rsplit("/", 1)[-1],
                  "Path": path, "Revision": hashlib.sha1(path.encode()).hexdigest(),  # noqa: S324 (last commit per file)
                  "Sha256": self.sha256(path), "Size": len(data), "Type": "blob"}
                 for path, data in self.repo.files.items()]
        files.append({"Name": "figures", "Path": "figures", "Type": "tree", "Size": 0, "Sha256": "", "IsLFS": False})
        return {"Code": 200, "Success": True, "Data": {"Files": files}, "Message": "success",
                "RequestId": "7a1b2c3d4e5f"}

    def modelscope_revisions(self) -> dict:
        return {"Code": 200, "Success": True, "Message": "success", "RequestId": "7a1b2c3d4e5f", "Data": {
            "RevisionMap": {"Branches": [{"Revision": branch, "CreatedAt": 1737331200} for branch in self.repo.branches],
                            "Tags": [{"Revision": tag, "CreatedAt": 1737331200} for tag in self.repo.tags]}}}

    # ------------------------------------------------------------------------------------------ Hugging Face
    def huggingface_info(self) -> dict:
        siblings = []
        for path, data in self.repo.files.items():
            entry = {"rfilename": path, "size": len(data), "blobId": git_blob_id(data)}
            if self.repo.is_lfs(path):
                entry["lfs"] = {"sha256": self.sha256(path), "size": len(data), "pointerSize": 135}
                entry["blobId"] = git_blob_id(b"version https://git-lfs.github.com/spec/v1\n")  # the pointer's
            siblings.append(entry)
        return {"id": self.repo.name, "sha": self.repo.commit, "private": False, "gated": self.repo.gated,
                "siblings": siblings}

    def huggingface_refs(self) -> dict:
        def ref(kind: str, name: str) -> dict:
            return {"name": name, "ref": f"refs/{kind}/{name}", "targetCommit": self.repo.commit}

        return {"branches": [ref("heads", "main")], "converts": [], "tags": [ref("tags", tag) for tag in self.repo.tags]}


def _handler(hubs: Hubs):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            host = self.headers.get("Host", "").split(":")[0]
            url = urlparse(self.path)
            query = {key: values[0] for key, values in parse_qs(url.query).items()}
            with hubs.lock:
                hubs.requests.append((host, url.path, dict(self.headers)))
            routes = {MODELSCOPE_HOST: self.modelscope, HF_HOST: self.huggingface,
                      MODELSCOPE_CDN: self.cdn, HF_CDN: self.cdn}
            if host not in routes:
                return self.plain(421, b"misdirected")
            return routes[host](url.path, query)

        # -------------------------------------------------------------------------------------- faults
        def fault(self, kind: str, hub: str) -> bool:
            with hubs.lock:
                if hubs.faults.throttle[kind] > 0:
                    hubs.faults.throttle[kind] -= 1
                    headers = {"Retry-After": "1"} if hub == "modelscope" else {
                        "RateLimit": '"resolvers";r=0;t=1', "RateLimit-Policy": '"fixed window";"resolvers";q=3000;w=300'}
                    self.json(429, {"error": "Too Many Requests"}, headers)
                    return True
                if hubs.faults.fail[kind] > 0:
                    hubs.faults.fail[kind] -= 1
                    self.plain(503, b"upstream unavailable")
                    return True
            return False

        # -------------------------------------------------------------------------------------- ModelScope
        def modelscope(self, path: str, query: dict):
            prefix = f"/api/v1/models/{hubs.repo.name}/"
            if not path.startswith(prefix):
                return self.json(404, {"Code": 404, "Success": False, "Message": "model not found", "RequestId": "1"})
            rest = path[len(prefix):]
            kind = "file" if rest == "repo" else "api"
            if self.fault(kind, "modelscope"):
                return
            if rest == "revisions":
                return self.json(200, hubs.modelscope_revisions())
            revision = query.get("Revision", "master")
            if not hubs.repo.knows(revision):
                return self.json(404, {"Code": 404, "Success": False, "RequestId": "1",
                                       "Message": f"revision {revision} not found"})
            if rest == "repo/files":
                return self.json(200, hubs.modelscope_listing())
            if rest == "repo" and "FilePath" in query:
                return self.serve_file(query["FilePath"], MODELSCOPE_CDN, {})
            return self.json(404, {"Code": 404, "Success": False, "Message": "not found", "RequestId": "1"})

        # -------------------------------------------------------------------------------------- Hugging Face
        def huggingface(self, path: str, query: dict):
            repo = hubs.repo
            api = f"/api/models/{repo.name}"
            if repo.gated and self.headers.get("Authorization") != f"Bearer {repo.token}":
                return self.json(401, {"error": "gated"}, {"X-Error-Code": "GatedRepo", "X-Error-Message":
                                                           f"Access to model {repo.name} is restricted."})
            if path.startswith(api + "/revision/"):
                if self.fault("api", "huggingface"):
                    return
                revision = unquote(path[len(api + "/revision/"):])
                if not repo.knows(revision):
                    return self.json(404, {"error": "Invalid rev id"}, {"X-Error-Code": "RevisionNotFound"})
                return self.json(200, hubs.huggingface_info())
            if path == api + "/refs":
                return self.json(200, hubs.huggingface_refs())
            resolve = f"/{repo.name}/resolve/"
            if path.startswith(resolve):
                if self.fault("file", "huggingface"):
                    return
                revision, _, file_path = path[len(resolve):].partition("/")
                if not repo.knows(unquote(revision)):
                    return self.json(404, {"error": "Invalid rev id"}, {"X-Error-Code": "RevisionNotFound"})
                return self.serve_file(unquote(file_path), HF_CDN, {"X-Repo-Commit": repo.commit})
            return self.json(401, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"})

        # -------------------------------------------------------------------------------------- files
        def serve_file(self, path: str, cdn: str, headers: dict):
            repo = hubs.repo
            if path not in repo.files:
                return self.json(404, {"error": "Entry not found"}, {"X-Error-Code": "EntryNotFound"})
            if repo.is_lfs(path):
                # Large files live on a CDN: a redirect to another host, signed, which must not see the token.
                sha = hashlib.sha256(repo.files[path]).hexdigest()
                return self.plain(302, b"", {"Location": f"https://{cdn}/lfs/{sha}?path={path}&Expires=1893456000",
                                             "X-Linked-Etag": f'"{sha}"', "X-Linked-Size": str(len(repo.files[path])),
                                             **headers})
            return self.content(path, {"ETag": f'"{git_blob_id(repo.files[path])}"', **headers})

        def cdn(self, path: str, query: dict):
            if "Authorization" in self.headers:  # signed URLs refuse a second credential
                return self.plain(400, b"Only one auth mechanism allowed")
            return self.content(query.get("path", ""), {})

        def content(self, path: str, headers: dict):
            if path not in hubs.repo.files:
                return self.plain(404, b"no such object")
            with hubs.lock:
                hubs.downloads[path] += 1
                cut = hubs.faults.cut.pop(path, None)
            data = hubs.repo.files[path]
            self.send_response(200)
            for name, value in {"Content-Length": str(len(data)), **headers}.items():
                self.send_header(name, value)
            self.end_headers()
            if cut is not None:
                self.wfile.write(data[:cut])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)  # the network drops mid-file
                return
            self.wfile.write(data)

        def json(self, status: int, body: dict, headers: dict | None = None):
            self.plain(status, json.dumps(body).encode(), {"Content-Type": "application/json", **(headers or {})})

        def plain(self, status: int, data: bytes, headers: dict | None = None):
            self.send_response(status)
            for name, value in {"Content-Length": str(len(data)), **(headers or {})}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def hub_standins(hubs: Hubs, resolver, ca):
    """Serve both hubs over TLS on one loopback port, resolved under their real names."""
    with serve(_handler(hubs), ca.issue("hubs", *HOSTS)) as port:
        for host in HOSTS:
            resolver.route(host, 443, port)
        yield hubs


def wait_until(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True
