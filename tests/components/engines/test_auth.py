"""The ASGI middleware vLLM loads with --middleware: the key guards every route that serves tokens."""

import asyncio
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "components" / "engines"))
from deepseek_acs_auth import RequireApiKey  # noqa: E402 (loaded from the mounted folder, as vLLM does)


def call(path: str, headers=(), method: str = "POST", kind: str = "http", key: str = "k-1"):
    reached, sent = [], []

    async def app(scope, receive, send):
        reached.append(scope["path"])

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    scope = {"type": kind, "path": path, "method": method, "headers": list(headers)}
    asyncio.run(RequireApiKey(app, key=key)(scope, receive, send))
    return reached, sent


@pytest.mark.parametrize("path", ["/v1/chat/completions", "/invocations", "/pooling", "/score", "/tokenize",
                                  "/v2/rerank", "/metricsx"])
def test_every_token_route_needs_the_key(path):
    reached, sent = call(path)
    assert not reached and sent[0]["status"] == 401
    reached, _ = call(path, [(b"authorization", b"Bearer k-1")])
    assert reached == [path]


@pytest.mark.parametrize("given", [b"Bearer k-2", b"k-1", b"bearer k-1 ", b"Basic k-1"])
def test_a_wrong_key_is_refused(given):
    reached, sent = call("/invocations", [(b"authorization", given)])
    assert not reached and sent[0]["status"] == 401


@pytest.mark.parametrize("path", ["/health", "/ping", "/metrics", "/metrics/", "/version"])
def test_probes_and_metrics_are_open(path):
    reached, _ = call(path, method="GET")
    assert reached == [path]


def test_a_websocket_without_the_key_is_closed():
    reached, sent = call("/v1/realtime", kind="websocket")
    assert not reached and sent == [{"type": "websocket.close", "code": 1008}]


def test_it_refuses_to_start_without_a_key(monkeypatch, tmp_path):
    monkeypatch.delenv("API_KEY_FILE", raising=False)
    with pytest.raises(RuntimeError, match="refusing to serve"):
        RequireApiKey(lambda *a: None)
    (tmp_path / "key").write_text("k-9\n")
    monkeypatch.setenv("API_KEY_FILE", str(tmp_path / "key"))
    assert RequireApiKey(lambda *a: None).expected == b"Bearer k-9"


def test_the_leader_loads_it_where_a_key_is_set(rendered):
    template = rendered("prod").one("kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet").inputs["spec"][
        "leaderWorkerTemplate"]
    leader = template["leaderTemplate"]["spec"]["containers"][0]
    assert leader["command"][leader["command"].index("--middleware") + 1] == "deepseek_acs_auth.RequireApiKey"
    assert {"name": "PYTHONPATH", "value": "/opt/deepseek-acs"} in leader["env"]
    assert "--middleware" not in template["workerTemplate"]["spec"]["containers"][0]["command"]
