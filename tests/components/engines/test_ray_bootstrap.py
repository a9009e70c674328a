"""The guide engine's Ray bootstrap script, run for real with stand-in `ray`, `python3` (Ray's node count) and
`vllm` on PATH.

The stand-ins share a state folder: `ray start --head` makes one node alive; every poll of the node count
(`python3 -c 'import ray ...'`) counts, and after JOIN_AFTER_POLLS polls the worker joins (two nodes alive).
`vllm` records its arguments and how many nodes were alive when it started.
"""


import pytest

from components.engines import SCRIPTS_DIR
from tests.components.engines.sandbox import Sandbox

STANDINS = {
    "ray": """#!/bin/sh
echo "ray $*" >> "$STATE/calls"
case "$1 $2" in
  "start --head") echo 1 > "$STATE/nodes" ;;
  "start --address="*)
    failures=$(cat "$STATE/join_failures" 2>/dev/null || echo 0)
    if [ "$failures" -gt 0 ]; then echo $((failures - 1)) > "$STATE/join_failures"; exit 1; fi
    echo "joined $2" >> "$STATE/joined" ;;
esac
exit 0
""",
    "python3": """#!/bin/sh
polls=$(( $(cat "$STATE/polls" 2>/dev/null || echo 0) + 1 ))
echo "$polls" > "$STATE/polls"
[ "$polls" -ge "${JOIN_AFTER_POLLS:-1}" ] && echo 2 > "$STATE/nodes"
cat "$STATE/nodes"
""",
    "vllm": """#!/bin/sh
cat "$STATE/nodes" 2>/dev/null > "$STATE/nodes_at_vllm_start" || echo none > "$STATE/nodes_at_vllm_start"
printf '%s\\n' "$@" > "$STATE/vllm_args"
printf '%s' "${VLLM_API_KEY:-}" > "$STATE/vllm_api_key"
""",
}


@pytest.fixture
def sandbox(tmp_path) -> Sandbox:
    return Sandbox(tmp_path, "ray-bootstrap.sh", STANDINS, None)


def leader_command(rendered) -> list[str]:
    spec = rendered("prod-guide").one("kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet").inputs["spec"]
    return spec["leaderWorkerTemplate"]["leaderTemplate"]["spec"]["containers"][0]["command"]


def test_the_guide_engine_runs_this_script(rendered):
    assert leader_command(rendered)[:5] == ["/bin/sh", f"{SCRIPTS_DIR}/ray-bootstrap.sh", "leader", "vllm", "serve"]


def test_leader_waits_for_the_whole_group_then_execs_vllm_with_the_manifests_args(sandbox, rendered):
    command = leader_command(rendered)
    result = sandbox.run(command[2:], LWS_GROUP_SIZE="2", JOIN_AFTER_POLLS="4", GROUP_FORMATION_TIMEOUT_SECONDS="60")
    assert result.returncode == 0, result.stderr
    assert sandbox.read("nodes_at_vllm_start").strip() == "2"  # never before the worker joined
    assert int(sandbox.read("polls")) == 4
    assert sandbox.read("vllm_args").splitlines() == command[4:]
    assert "ray start --head --port=6379 --disable-usage-stats" in sandbox.read("calls")
    assert "1 of 2 Ray nodes alive" in result.stderr and "2 of 2 Ray nodes alive" in result.stderr


def test_leader_fails_when_the_group_never_forms(sandbox):
    result = sandbox.run(["leader", "vllm", "serve", "/models/m"], LWS_GROUP_SIZE="2", JOIN_AFTER_POLLS="100000",
                         GROUP_FORMATION_TIMEOUT_SECONDS="1", RETRY_INTERVAL_SECONDS="0.2")
    assert result.returncode == 1
    assert sandbox.read("vllm_args") is None
    assert "ray stop --force" in sandbox.read("calls")
    assert "did not form within 1s" in result.stderr


def test_single_pod_group_starts_vllm_without_ray(sandbox):
    result = sandbox.run(["leader", "vllm", "serve", "/models/m", "--port", "8000"], LWS_GROUP_SIZE="1")
    assert result.returncode == 0, result.stderr
    assert sandbox.read("vllm_args").splitlines() == ["serve", "/models/m", "--port", "8000"]
    assert sandbox.read("calls") is None


def test_worker_retries_until_the_leader_answers(sandbox):
    sandbox.write("join_failures", "2")
    result = sandbox.run(["worker"], LWS_LEADER_ADDRESS="deepseek-r1-0.deepseek-r1.deepseek", GROUP_FORMATION_TIMEOUT_SECONDS="60")
    attempts = [line for line in sandbox.read("calls").splitlines() if line.startswith("ray start --address=")]
    assert len(attempts) == 3
    assert attempts[0] == "ray start --address=deepseek-r1-0.deepseek-r1.deepseek:6379 --block --disable-usage-stats"
    assert sandbox.read("joined")
    # `--block` returned: this pod's Ray node is gone, so the group must be recreated.
    assert result.returncode == 1 and "Ray node stopped" in result.stderr
    assert result.stderr.count("not reachable yet") == 2


def test_worker_gives_up_after_the_group_timeout(sandbox):
    sandbox.write("join_failures", "100000")
    result = sandbox.run(["worker"], LWS_LEADER_ADDRESS="leader", GROUP_FORMATION_TIMEOUT_SECONDS="1",
                         RETRY_INTERVAL_SECONDS="0.2")
    assert result.returncode == 1 and "could not join leader:6379 within 1s" in result.stderr
    assert sandbox.read("joined") is None


def test_probe_checks_the_groups_ray_cluster(sandbox):
    result = sandbox.run(["probe"], LWS_LEADER_ADDRESS="leader", RAY_PORT="7000")
    assert result.returncode == 0
    assert sandbox.read("calls").strip() == "ray health-check --address=leader:7000"


def test_unknown_role_is_a_usage_error(sandbox):
    result = sandbox.run(["follower"])
    assert result.returncode == 64 and "usage:" in result.stderr


def test_leader_hands_the_mounted_api_key_to_vllm_off_the_command_line(sandbox, tmp_path):
    key_file = tmp_path / "api-key"
    key_file.write_text("k-123")
    result = sandbox.run(["leader", "vllm", "serve", "/models/m"], LWS_GROUP_SIZE="1", API_KEY_FILE=str(key_file))
    assert result.returncode == 0, result.stderr
    assert sandbox.read("vllm_api_key") == "k-123"
    assert "k-123" not in sandbox.read("vllm_args") and "k-123" not in result.stderr
