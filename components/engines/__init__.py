"""How the pods of a group start, per engine launcher: the container's command, environment and probes, and the
scripts mounted next to it. The engine's command line itself comes from config/engines.

Two launchers: 'native' (vLLM, SGLang: `launch.sh` gates on the whole group, then execs the engine, whose own
multi-node flags connect the ranks) and 'ray' (the guide's vLLM 0.7.2: `ray-bootstrap.sh` forms a Ray cluster).
"""

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

from config.engines import Engine, Role

SCRIPTS_DIR = "/opt/deepseek-acs"
HERE = Path(__file__).resolve().parent
SCRIPTS = {name: (HERE / name).read_text() for name in ("launch.sh", "ray-bootstrap.sh", "deepseek_acs_auth.py")}
"""Everything a group's pods mount from the launch ConfigMap."""
SCRIPTS_SHA256 = hashlib.sha256("".join(f"{name}\0{text}" for name, text in sorted(SCRIPTS.items())).encode()).hexdigest()
"""On the pod template: a changed script rolls the groups (a ConfigMap change alone would not)."""
API_KEY_DIR = "/var/run/secrets/deepseek-acs"
API_KEY_FILE = f"{API_KEY_DIR}/api-key"
WORKER_INDEX_LABEL = "leaderworkerset.sigs.k8s.io/worker-index"
HEALTH_PATH = "/health"
API_KEY_ENV = {"vllm": "VLLM_API_KEY", "vllm-ray": "VLLM_API_KEY"}
"""Where the vLLM engines read the key (their own /v1 check, behind our middleware); SGLang takes a flag."""
API_KEY_FLAG = {"sglang": "--api-key"}


@dataclass(frozen=True)
class Container:
    """The engine-specific part of one pod's container."""

    name: str
    command: list[str]
    env: list[dict]
    ports: list[dict]
    probes: dict


def container(engine: Engine, serving, model, role: Role, with_api_key: bool) -> Container:
    script = "ray-bootstrap.sh" if engine.launcher == "ray" else "launch.sh"
    runs_engine = engine.launcher == "native" or role == "leader"
    argv = engine.argv(serving, model, role, with_api_key) if runs_engine else []
    serves_http = role == "leader" or engine.worker_serves_health
    return Container(
        name="engine" if role == "leader" else "worker",
        command=["/bin/sh", f"{SCRIPTS_DIR}/{script}", role, *argv],
        env=_env(engine, serving, role, with_api_key),
        ports=[{"name": "http", "containerPort": serving.port}] if serves_http else [],
        probes=_probes(engine, serving, role),
    )


def _env(engine: Engine, serving, role: Role, with_api_key: bool) -> list[dict]:
    values = {
        "GROUP_FORMATION_TIMEOUT_SECONDS": str(serving.group_formation_timeout_seconds),
        "PYTHONPATH": SCRIPTS_DIR,  # the auth middleware
        "NCCL_DEBUG": serving.nccl_debug,
        "NCCL_SOCKET_IFNAME": "eth0",
        "GLOO_SOCKET_IFNAME": "eth0",
        **(NCCL_RDMA_ENV if serving.rdma else {}),
    }
    if engine.launcher == "ray":
        values["RAY_PORT"] = str(engine.group_port.value)
    if with_api_key and role == "leader":
        # A file, not a secretKeyRef: the key stays out of the pod spec's environment and can be rotated.
        values["API_KEY_FILE"] = API_KEY_FILE
        values.update({"API_KEY_ENV": API_KEY_ENV[engine.name]} if engine.name in API_KEY_ENV else {})
        values.update({"API_KEY_FLAG": API_KEY_FLAG[engine.name]} if engine.name in API_KEY_FLAG else {})
    env = [{"name": name, "value": value} for name, value in values.items()]
    # The node rank: the LWS that ACS installs (v0.5) sets no LWS_WORKER_INDEX, but every LWS labels the pod.
    env.append({"name": "WORKER_INDEX",
                "valueFrom": {"fieldRef": {"fieldPath": f"metadata.labels['{WORKER_INDEX_LABEL}']"}}})
    # vLLM binds its inter-node queues to this address (else it guesses from a route to 8.8.8.8).
    env.append({"name": "VLLM_HOST_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}})
    return env


def _probes(engine: Engine, serving, role: Role) -> dict:
    startup_periods = math.ceil(serving.startup_timeout_minutes * 60 / 30)
    if role == "leader" or engine.worker_serves_health:
        health = {"httpGet": {"path": HEALTH_PATH, "port": "http"}}
        return {
            # The engine opens its port only after the model is loaded: tens of minutes for 671B.
            "startupProbe": {**health, "periodSeconds": 30, "timeoutSeconds": 10, "failureThreshold": startup_periods},
            "readinessProbe": {**health, "periodSeconds": 10, "timeoutSeconds": 10, "failureThreshold": 3},
            # Runs only after startup succeeded, so it cannot kill a loading group; lenient because any restart
            # recreates every pod of the group and reloads the model.
            "livenessProbe": {**health, "periodSeconds": 30, "timeoutSeconds": 10, "failureThreshold": 10},
        }
    if engine.launcher == "ray":
        ray_health = {"exec": {"command": ["/bin/sh", f"{SCRIPTS_DIR}/ray-bootstrap.sh", "probe"]},
                      "timeoutSeconds": 20}
        return {
            "startupProbe": {**ray_health, "periodSeconds": 30, "failureThreshold": startup_periods},
            "readinessProbe": {**ray_health, "periodSeconds": 30, "failureThreshold": 3},
        }
    # A headless vLLM worker serves nothing to probe; when its engine exits, the pod restarts and the
    # LeaderWorkerSet recreates the group.
    return {}


# The reference guide's RDMA variant; without RDMA none of the InfiniBand settings apply. NCCL_DEBUG is its own
# setting (serving.nccl_debug): the guide's INFO logs every connection of every rank.
NCCL_RDMA_ENV = {
    "NCCL_IB_TC": "136",
    "NCCL_IB_SL": "5",
    "NCCL_IB_GID_INDEX": "3",
    "NCCL_IB_HCA": "mlx5",
    "NCCL_NET_PLUGIN": "none",
}
