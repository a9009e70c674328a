"""The native launcher (vLLM, SGLang), run for real with stand-in `getent` (the group's DNS) and engine on PATH.

`getent hosts NAME` answers for names listed in the state folder's `hosts` file, which a test fills as the group's
pods "appear"; after RESOLVE_AFTER lookups every member resolves. The stand-in engine records its argv, its
environment's API key and when it started.
"""


import pytest

from components.engines import SCRIPTS_DIR
from tests.components.engines.sandbox import Sandbox

LEADER = "deepseek-r1-0.deepseek-r1.deepseek"
WORKER = "deepseek-r1-0-1.deepseek-r1.deepseek"

STANDINS = {
    "getent": """#!/bin/sh
lookups=$(( $(cat "$STATE/lookups" 2>/dev/null || echo 0) + 1 ))
echo "$lookups" > "$STATE/lookups"
echo "$2" >> "$STATE/asked"
if [ "$lookups" -ge "${RESOLVE_AFTER:-1}" ] || grep -qx "$2" "$STATE/hosts" 2>/dev/null; then
  echo "10.0.0.1 $2"; exit 0
fi
exit 2
""",
    "engine": """#!/bin/sh
printf '%s\\n' "$@" > "$STATE/argv"
printf '%s' "${VLLM_API_KEY:-}" > "$STATE/env_key"
cat "$STATE/lookups" > "$STATE/lookups_at_start"
""",
}


@pytest.fixture
def sandbox(tmp_path) -> Sandbox:
    return Sandbox(tmp_path, "launch.sh", STANDINS, {"LWS_LEADER_ADDRESS": LEADER, "LWS_GROUP_SIZE": "2"})


def commands(run) -> dict[str, list[str]]:
    template = run.one("kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet").inputs["spec"]["leaderWorkerTemplate"]
    return {role: template[f"{role}Template"]["spec"]["containers"][0]["command"] for role in ("leader", "worker")}


@pytest.mark.parametrize("stack", ["prod", "prod-sglang"])
def test_both_roles_of_the_native_engines_run_this_script(rendered, stack):
    for role, command in commands(rendered(stack)).items():
        assert command[:3] == ["/bin/sh", f"{SCRIPTS_DIR}/launch.sh", role]


def test_every_pod_waits_for_the_whole_group_then_execs_the_engine(sandbox):
    result = sandbox.run(["leader", "engine", "serve", "--node-rank", "0"], RESOLVE_AFTER="5",
                         GROUP_FORMATION_TIMEOUT_SECONDS="60")
    assert result.returncode == 0, result.stderr
    assert sandbox.read("argv").splitlines() == ["serve", "--node-rank", "0"]
    assert int(sandbox.read("lookups_at_start")) >= 5  # not before every member resolved
    assert {LEADER, WORKER} <= set(sandbox.read("asked").split())
    assert f"waiting for {LEADER} {WORKER}" in result.stderr or f"waiting for {WORKER}" in result.stderr


def test_a_group_that_never_forms_exits_so_lws_recreates_it(sandbox):
    (sandbox.state / "hosts").write_text(LEADER + "\n")  # the worker never gets an address
    result = sandbox.run(["worker", "engine", "serve"], RESOLVE_AFTER="100000", GROUP_FORMATION_TIMEOUT_SECONDS="1",
                         RETRY_INTERVAL_SECONDS="0.2")
    assert result.returncode == 1
    assert sandbox.read("argv") is None
    assert f"did not form within 1s (no address yet: {WORKER})" in result.stderr


def test_a_one_pod_group_starts_at_once(sandbox):
    (sandbox.state / "hosts").write_text(LEADER + "\n")
    result = sandbox.run(["leader", "engine"], LWS_GROUP_SIZE="1", RESOLVE_AFTER="100000")
    assert result.returncode == 0, result.stderr
    assert sandbox.read("asked").split() == [LEADER]


def test_the_key_reaches_vllm_as_its_variable_and_sglang_as_its_flag(sandbox, tmp_path):
    key_file = tmp_path / "api-key"
    key_file.write_text("k-123\n")
    vllm = sandbox.run(["leader", "engine", "serve"], API_KEY_FILE=str(key_file), API_KEY_ENV="VLLM_API_KEY")
    assert vllm.returncode == 0 and sandbox.read("env_key") == "k-123"
    assert "k-123" not in sandbox.read("argv") and "k-123" not in vllm.stderr
    sglang = sandbox.run(["leader", "engine", "--port", "8000"], API_KEY_FILE=str(key_file), API_KEY_FLAG="--api-key")
    assert sglang.returncode == 0 and sandbox.read("argv").splitlines() == ["--port", "8000", "--api-key", "k-123"]
    assert "k-123" not in sglang.stderr


def test_workers_never_get_the_key(sandbox, tmp_path):
    key_file = tmp_path / "api-key"
    key_file.write_text("k-123")
    result = sandbox.run(["worker", "engine"], API_KEY_FILE=str(key_file), API_KEY_FLAG="--api-key")
    assert result.returncode == 0 and "k-123" not in sandbox.read("argv")


@pytest.mark.parametrize("args", [["follower", "engine"], ["leader"]])
def test_usage_errors(sandbox, args):
    result = sandbox.run(args)
    assert result.returncode == 64 and "usage:" in result.stderr
