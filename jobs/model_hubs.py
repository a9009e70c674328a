"""Clients for the model hubs the import copies from: ModelScope (the default in mainland regions) and Hugging
Face (or a mirror of it). Both speak plain HTTPS; what they return is what each hub documents:

- ModelScope: `GET /api/v1/models/<repo>/repo/files?Revision=&Recursive=True` -> `{"Code": 200, "Success": true,
  "Data": {"Files": [{"Path", "Type": "blob"|"tree", "Size", "Sha256", "Revision", "IsLFS", ...}]}}`; files from
  `GET /api/v1/models/<repo>/repo?Revision=&FilePath=` (large files redirect to OSS); branches and tags from
  `GET /api/v1/models/<repo>/revisions` (`Data.RevisionMap.{Branches,Tags}[].Revision`).
- Hugging Face: `GET /api/models/<repo>/revision/<rev>?blobs=true` -> `{"sha", "siblings": [{"rfilename", "size",
  "blobId", "lfs": {"sha256", "size"}}]}`; files from `/<repo>/resolve/<rev>/<path>` (LFS files redirect to a CDN
  that must not see the token); tags from `GET /api/models/<repo>/refs`. Errors carry `X-Error-Code`.

Both are retried on 408, 429 and 5xx with exponential backoff, honouring `Retry-After` and Hugging Face's
`RateLimit` header, as each hub's own client does.
"""

import re
import time
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

import requests

COMMIT_ID = re.compile(r"^[0-9a-f]{40}$")
PLACEHOLDER_COMMIT = "0" * 40
"""Git's null commit id: what a stack file holds until someone has looked the real revision up."""
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
RATE_LIMIT = re.compile(r'"[^"]*"\s*;\s*r\s*=\s*(?P<r>\d+)\s*;\s*t\s*=\s*(?P<t>\d+)')


class HubError(Exception):
    """The hub refused or could not answer; the message says what and, where the hub said, why."""


@dataclass(frozen=True)
class HubFile:
    path: str
    size: int
    sha256: str | None = None
    git_sha1: str | None = None
    """Git blob id: what Hugging Face publishes for files not stored in LFS."""


@dataclass
class Retrying:
    """GET with the hubs' retry policy."""

    session: requests.Session
    attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 60.0
    sleep: object = time.sleep

    def get(self, url: str, **kwargs) -> requests.Response:
        for attempt in range(1, self.attempts + 1):
            try:
                response = self.session.get(url, **kwargs)
            except (requests.ConnectionError, requests.Timeout):
                if attempt == self.attempts:
                    raise
                self.sleep(self._backoff(attempt))
                continue
            if response.status_code not in RETRY_STATUSES or attempt == self.attempts:
                return response
            delay = self._server_delay(response) or self._backoff(attempt)
            response.close()
            self.sleep(min(delay, self.max_delay))
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int) -> float:
        return min(self.base_delay * 2 ** (attempt - 1), self.max_delay)

    @staticmethod
    def _server_delay(response: requests.Response) -> float | None:
        limit = RATE_LIMIT.search(response.headers.get("RateLimit", ""))
        if limit and int(limit["r"]) == 0:
            return int(limit["t"]) + 1
        retry_after = response.headers.get("Retry-After", "")
        return float(retry_after) if retry_after.replace(".", "", 1).isdigit() else None


class ModelScope:
    name = "modelscope"
    default_url = "https://modelscope.cn"

    def __init__(self, http: Retrying, base_url: str | None = None, token: str | None = None):
        self.http, self.base_url = http, (base_url or self.default_url).rstrip("/")
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _api(self, path: str, **params) -> dict:
        response = self.http.get(f"{self.base_url}/api/v1/models/{path}", params=params, headers=self.headers,
                                 timeout=60)
        body = _json(response)
        if response.status_code != 200 or body.get("Success") is False:
            raise HubError(f"ModelScope {response.status_code} for {path}: {body.get('Message', response.text[:200])}")
        return body.get("Data", body)

    def files(self, repo: str, revision: str) -> dict[str, HubFile]:
        listed = self._api(f"{repo}/repo/files", Revision=revision, Recursive="True").get("Files") or []
        return {item["Path"]: HubFile(item["Path"], int(item["Size"]), sha256=item.get("Sha256") or None)
                for item in listed if item.get("Type", "blob") == "blob"}

    def tags(self, repo: str) -> list[str]:
        revisions = self._api(f"{repo}/revisions").get("RevisionMap") or {}
        return [tag["Revision"] for tag in revisions.get("Tags") or []]

    def url(self, repo: str, revision: str, path: str) -> str:
        # FilePath must come last (modelscope SDK, hub/api.py); both values are URL-encoded as the SDK does.
        return f"{self.base_url}/api/v1/models/{repo}/repo?Revision={quote_plus(revision)}&FilePath={quote_plus(path)}"


class HuggingFace:
    name = "huggingface"
    default_url = "https://huggingface.co"

    def __init__(self, http: Retrying, base_url: str | None = None, token: str | None = None):
        self.http, self.base_url = http, (base_url or self.default_url).rstrip("/")
        # requests drops this header when a download redirects to another host (the CDN).
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _api(self, path: str, **params) -> dict:
        response = self.http.get(f"{self.base_url}/api/models/{path}", params=params, headers=self.headers,
                                 timeout=60)
        if response.status_code != 200:
            code = response.headers.get("X-Error-Code", str(response.status_code))
            reason = response.headers.get("X-Error-Message", response.text[:200])
            hint = " (gated or private: set deepseek-acs:hub_token)" if code in ("GatedRepo", "RepoNotFound") else ""
            raise HubError(f"Hugging Face {code} for {path}: {reason}{hint}")
        return _json(response)

    def files(self, repo: str, revision: str) -> dict[str, HubFile]:
        info = self._api(f"{repo}/revision/{quote(revision, safe='')}", blobs="true")
        found = {}
        for item in info.get("siblings", []):
            lfs = item.get("lfs") or {}
            found[item["rfilename"]] = HubFile(item["rfilename"], int(lfs.get("size", item.get("size") or 0)),
                                               sha256=lfs.get("sha256"), git_sha1=None if lfs else item.get("blobId"))
        return found

    def tags(self, repo: str) -> list[str]:
        return [tag["name"] for tag in self._api(f"{repo}/refs").get("tags", [])]

    def url(self, repo: str, revision: str, path: str) -> str:
        return f"{self.base_url}/{repo}/resolve/{quote(revision, safe='')}/{quote(path)}"


HUBS = {hub.name: hub for hub in (ModelScope, HuggingFace)}


def check_revision(hub: ModelScope | HuggingFace, repo: str, revision: str) -> None:
    """A pinned revision is a full commit id or a tag the hub reports; a branch moves under you."""
    if revision == PLACEHOLDER_COMMIT:
        raise HubError(f"the revision is the placeholder {PLACEHOLDER_COMMIT} (git's null id): set "
                       f"model.import.revision to a commit id of {repo} on {hub.name}")
    if COMMIT_ID.match(revision):
        return
    tags = hub.tags(repo)
    if revision not in tags:
        raise HubError(f"{revision!r} is neither a full commit id (40 hex digits) nor a tag of {repo} on {hub.name} "
                       f"(its tags: {', '.join(tags) or 'none'})")


def _json(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        raise HubError(f"{response.url}: HTTP {response.status_code}, not JSON: {response.text[:200]!r}") from None
    if not isinstance(body, dict):
        raise HubError(f"{response.url}: unexpected answer {str(body)[:200]}")
    return body
