"""The inference service: vLLM on Ray in a LeaderWorkerSet, a Service in front of the leaders, and a
NetworkPolicy around the pods. `pulumi up` returns only once every group is Available (vLLM healthy)."""

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from config.schema import ModelConfig, ServingConfig

from .custom_resources import WAIT_FOR, LeaderWorkerSet, ObjectMeta

BOOTSTRAP_SCRIPT = (Path(__file__).parent / "bootstrap.sh").read_text()
BOOTSTRAP_DIR = "/opt/deepseek-acs"
LWS_NAME_LABEL = "leaderworkerset.sigs.k8s.io/name"
LWS_WORKER_INDEX_LABEL = "leaderworkerset.sigs.k8s.io/worker-index"
API_KEY_SECRET_KEY = "api-key"
API_KEY_DIR = "/var/run/secrets/deepseek-acs"
INTERNET_APPROVAL = "deepseek-acs/allow-internet-facing"

# The reference guide's RDMA variant; without RDMA none of the InfiniBand settings apply.
NCCL_RDMA_ENV = {
    "NCCL_IB_TC": "136",
    "NCCL_IB_SL": "5",
    "NCCL_IB_GID_INDEX": "3",
    "NCCL_IB_HCA": "mlx5",
    "NCCL_NET_PLUGIN": "none",
    "NCCL_DEBUG": "INFO",
}


@dataclass(frozen=True)
class InferenceServiceArgs:
    serving: ServingConfig
    model: ModelConfig
    namespace: pulumi.Input[str]
    claim_name: str
    """The model volume's claim, mounted read-only."""
    provider: k8s.Provider
    lws_release: pulumi.Resource
    volume_ready: list[pulumi.Resource] = field(default_factory=list)
    volume_pod_labels: Mapping[str, str] = field(default_factory=dict)
    api_key: pulumi.Output[str] | None = None
    """Secret. When set, clients must send it as a bearer token on /v1."""


def vllm_serve_args(serving: ServingConfig, model: ModelConfig) -> list[str]:
    """Arguments of `vllm serve`, all from typed config (the API key reaches vLLM as VLLM_API_KEY, not argv)."""
    args = [
        model.mount_path,
        "--port", str(serving.port),
        "--served-model-name", model.served_name,
        "--tensor-parallel-size", str(serving.tensor_parallel),
        "--pipeline-parallel-size", str(serving.pipeline_parallel),
        "--max-model-len", str(serving.max_model_len),
        "--gpu-memory-utilization", str(serving.gpu_memory_utilization),
    ]
    if serving.pods_per_group > 1:
        args += ["--distributed-executor-backend", "ray"]
    if serving.trust_remote_code:
        args.append("--trust-remote-code")
    if serving.enforce_eager:
        args.append("--enforce-eager")
    return args + list(serving.extra_args)


def pod_labels(serving: ServingConfig, role: str, extra: Mapping[str, str]) -> dict[str, str]:
    """Pod-template labels. ACS may rewrite its own labels, so none of these is ever used in a selector."""
    labels = {
        "app.kubernetes.io/name": serving.name,
        "app.kubernetes.io/component": role,
        "role": role,
        "alibabacloud.com/compute-class": serving.compute_class,
        "alibabacloud.com/compute-qos": serving.compute_qos,
    }
    if serving.compute_class == "gpu":  # gpu-hpn takes the model series as a node selector instead
        labels["alibabacloud.com/gpu-model-series"] = serving.gpu_model_series
    if serving.rdma:
        labels["alibabacloud.com/hpn-type"] = "rdma"
    return {**labels, **extra}


def _env(serving: ServingConfig, with_api_key: bool) -> list[dict]:
    values = {
        "RAY_PORT": str(serving.ray_port),
        "GROUP_FORMATION_TIMEOUT_SECONDS": str(serving.group_formation_timeout_seconds),
        "NCCL_SOCKET_IFNAME": "eth0",
        **(NCCL_RDMA_ENV if serving.rdma else {}),
    }
    if with_api_key:
        # A file, not a secretKeyRef: the key stays out of the pod spec's environment and can be rotated.
        values["API_KEY_FILE"] = f"{API_KEY_DIR}/{API_KEY_SECRET_KEY}"
    return [{"name": name, "value": value} for name, value in values.items()]


def _probes(serving: ServingConfig, role: str) -> dict:
    startup_periods = math.ceil(serving.startup_timeout_minutes * 60 / 30)
    if role == "leader":
        health = {"httpGet": {"path": "/health", "port": "http"}}
        return {
            # vLLM opens its port only after the model is loaded: tens of minutes for 671B.
            "startupProbe": {**health, "periodSeconds": 30, "timeoutSeconds": 10, "failureThreshold": startup_periods},
            "readinessProbe": {**health, "periodSeconds": 10, "timeoutSeconds": 5, "failureThreshold": 3},
            # Runs only after startup succeeded, so it cannot kill a loading group; lenient because any restart
            # recreates every pod of the group and reloads the model.
            "livenessProbe": {**health, "periodSeconds": 30, "timeoutSeconds": 10, "failureThreshold": 10},
        }
    ray_health = {"exec": {"command": ["/bin/sh", f"{BOOTSTRAP_DIR}/bootstrap.sh", "probe"]}, "timeoutSeconds": 20}
    return {
        "startupProbe": {**ray_health, "periodSeconds": 30, "failureThreshold": startup_periods},
        "readinessProbe": {**ray_health, "periodSeconds": 30, "failureThreshold": 3},
    }


def pod_template(
    serving: ServingConfig, model: ModelConfig, role: str, claim_name: str, extra_labels: Mapping[str, str],
    api_key_secret: str | None,
) -> dict:
    """The leader's or a worker's PodTemplateSpec."""
    amount = {"cpu": str(serving.cpu), "memory": f"{serving.memory_gib}Gi", "nvidia.com/gpu": str(serving.gpus_per_pod)}
    container = {
        "name": "vllm" if role == "leader" else "ray-worker",
        "image": serving.image,
        # ACS image caches serve `Always` pulls; with a pinned tag it is no less reproducible.
        "imagePullPolicy": "Always",
        "command": ["/bin/sh", f"{BOOTSTRAP_DIR}/bootstrap.sh", role],
        "args": vllm_serve_args(serving, model) if role == "leader" else [],
        "env": _env(serving, with_api_key=bool(api_key_secret) and role == "leader"),
        "ports": [{"name": "http", "containerPort": serving.port}] if role == "leader" else [],
        # ACS normalises GPU pods to Guaranteed: requests must equal limits.
        "resources": {"requests": amount, "limits": amount},
        "securityContext": {
            "allowPrivilegeEscalation": False,
            # NCCL over InfiniBand verbs pins memory, which needs IPC_LOCK; nothing else needs a capability.
            "capabilities": {"drop": ["ALL"], **({"add": ["IPC_LOCK"]} if serving.rdma else {})},
        },
        "volumeMounts": [
            {"name": "model", "mountPath": model.mount_path, "readOnly": True},
            {"name": "shm", "mountPath": "/dev/shm"},
            {"name": "bootstrap", "mountPath": BOOTSTRAP_DIR, "readOnly": True},
        ],
        **_probes(serving, role),
    }
    volumes = [
        {"name": "model", "persistentVolumeClaim": {"claimName": claim_name, "readOnly": True}},
        # NCCL needs a large /dev/shm; memory-backed, so it counts against the pod's memory.
        {"name": "shm", "emptyDir": {"medium": "Memory", "sizeLimit": f"{serving.shm_gib}Gi"}},
        {"name": "bootstrap", "configMap": {"name": f"{serving.name}-bootstrap", "defaultMode": 0o555}},
    ]
    if api_key_secret and role == "leader":
        volumes.append({"name": "api-key", "secret": {"secretName": api_key_secret, "defaultMode": 0o400}})
        container["volumeMounts"].append({"name": "api-key", "mountPath": API_KEY_DIR, "readOnly": True})
    spec = {
        "containers": [container],
        "enableServiceLinks": False,
        # vLLM and Ray never call the Kubernetes API.
        "automountServiceAccountToken": False,
        "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
        "volumes": volumes,
    }
    if serving.compute_class == "gpu-hpn":
        spec["nodeSelector"] = {"alibabacloud.com/gpu-model-series": serving.gpu_model_series}
    annotations = {
        # The ~10 GiB image takes >= 2x its size; ACS gives 30 GiB free.
        "alibabacloud.com/extra-ephemeral-storage": f"{serving.extra_ephemeral_storage_gib}Gi",
        # A new bootstrap script rolls the groups (a ConfigMap change alone would not).
        "deepseek-acs/bootstrap-sha256": hashlib.sha256(BOOTSTRAP_SCRIPT.encode()).hexdigest(),
    }
    return {"metadata": {"labels": pod_labels(serving, role, extra_labels), "annotations": annotations}, "spec": spec}


def leader_selector(serving: ServingConfig) -> dict[str, str]:
    """Leader pods only, by the labels LWS itself sets (never ACS labels)."""
    return {LWS_NAME_LABEL: serving.name, LWS_WORKER_INDEX_LABEL: "0"}


class InferenceService(pulumi.ComponentResource):
    """LeaderWorkerSet + leader Service + NetworkPolicy, awaited until the model answers health checks."""

    service_url: pulumi.Output[str]
    """In-cluster URL of the OpenAI-compatible API."""
    served_model_name: str
    check_command: pulumi.Output[str]
    """Paste-ready port-forward + chat completion check."""
    workload: pulumi.Resource
    """The LeaderWorkerSet; Available once every group's leader is healthy."""
    api_key_secret_name: pulumi.Output[str] | None

    def __init__(self, name: str, args: InferenceServiceArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("deepseek-acs:inference:InferenceService", name, None, opts)
        serving = args.serving
        in_cluster = pulumi.ResourceOptions(parent=self, provider=args.provider)
        bootstrap = k8s.core.v1.ConfigMap(
            f"{name}-bootstrap",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=f"{serving.name}-bootstrap", namespace=args.namespace),
            data={"bootstrap.sh": BOOTSTRAP_SCRIPT},
            opts=in_cluster,
        )
        api_key_secret = self._api_key_secret(name, args, in_cluster)
        self.api_key_secret_name = api_key_secret.metadata.name if api_key_secret else None
        template = {
            role: pod_template(serving, args.model, role, args.claim_name, args.volume_pod_labels,
                               self.api_key_secret_name)
            for role in ("leader", "worker")
        }
        wait = f"{serving.ready_timeout_minutes}m"
        workload = LeaderWorkerSet(
            ObjectMeta(serving.name, args.namespace, labels={"app.kubernetes.io/name": serving.name},
                       annotations={WAIT_FOR: "condition=Available"}),
            replicas=serving.replicas,
            size=serving.pods_per_group,
            leader_template=template["leader"],
            worker_template=template["worker"],
        ).declare(f"{name}-lws", pulumi.ResourceOptions.merge(in_cluster, pulumi.ResourceOptions(
            depends_on=[args.lws_release, bootstrap, *args.volume_ready, *([api_key_secret] if api_key_secret else [])],
            custom_timeouts=pulumi.CustomTimeouts(create=wait, update=wait),
        )))
        self.workload = workload
        service = self._service(name, args, workload, in_cluster)
        self._network_policy(name, args, in_cluster)
        self.served_model_name = args.model.served_name
        self.service_url = pulumi.Output.concat(
            "http://", service.metadata.name, ".", service.metadata.namespace, f".svc.cluster.local:{serving.port}"
        )
        self.check_command = pulumi.Output.concat(
            "kubectl -n ", service.metadata.namespace, " port-forward svc/", service.metadata.name,
            f" {serving.port}:{serving.port} & ", check_curl(serving.port, args.model.served_name, args.api_key is not None),
        )
        self.register_outputs({"service_url": self.service_url, "served_model_name": self.served_model_name})

    def _api_key_secret(
        self, name: str, args: InferenceServiceArgs, opts: pulumi.ResourceOptions
    ) -> k8s.core.v1.Secret | None:
        if args.api_key is None:
            return None
        return k8s.core.v1.Secret(
            f"{name}-api-key",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=f"{args.serving.name}-api-key", namespace=args.namespace),
            type="Opaque",
            string_data={API_KEY_SECRET_KEY: args.api_key},
            opts=opts,
        )

    def _service(
        self, name: str, args: InferenceServiceArgs, workload: pulumi.Resource, opts: pulumi.ResourceOptions
    ) -> k8s.core.v1.Service:
        serving = args.serving
        service = serving.service
        annotations = {}
        if service.type == "LoadBalancer":
            prefix = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-"
            annotations = {
                f"{prefix}address-type": "internet" if service.internet_facing else "intranet",
                f"{prefix}instance-charge-type": "PayByCLCU",
                f"{prefix}ip-version": "ipv4",
            }
            if service.internet_facing:
                # The stack config's explicit approval, which the policy pack requires for an internet CLB.
                annotations[INTERNET_APPROVAL] = "true"
        return k8s.core.v1.Service(
            f"{name}-leader",
            # Not the LWS name: LWS creates a headless Service of exactly that name for its pods.
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=f"{serving.name}-leader", namespace=args.namespace, annotations=annotations or None,
                labels={"app.kubernetes.io/name": serving.name},
            ),
            spec=k8s.core.v1.ServiceSpecArgs(
                type=service.type,
                selector=leader_selector(serving),
                ports=[k8s.core.v1.ServicePortArgs(name="http", port=serving.port, target_port="http", protocol="TCP")],
            ),
            # The Service waits for endpoints, which exist only once a leader is Ready; created before the
            # workload it would time out while the model loads.
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[workload])),
        )

    def _network_policy(
        self, name: str, args: InferenceServiceArgs, opts: pulumi.ResourceOptions
    ) -> k8s.networking.v1.NetworkPolicy:
        serving = args.serving
        # Our own template label: present on every pod of the set, and visible to manifest scanners.
        group = {"podSelector": {"matchLabels": {"app.kubernetes.io/name": serving.name}}}
        allowed = sorted(set(serving.service.allowed_namespaces))
        clients = [{"namespaceSelector": {"matchExpressions": [
            {"key": "kubernetes.io/metadata.name", "operator": "In", "values": allowed},
        ]}}] if allowed else []
        # Load-balancer clients arrive from outside the cluster: admitted by network, nothing wider.
        clients += [{"ipBlock": {"cidr": str(cidr)}} for cidr in serving.service.allowed_cidrs]
        return k8s.networking.v1.NetworkPolicy(
            f"{name}-ingress",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=f"{serving.name}-ingress", namespace=args.namespace),
            spec=k8s.networking.v1.NetworkPolicySpecArgs(
                pod_selector=group["podSelector"],
                policy_types=["Ingress"],
                ingress=[
                    # Ray and NCCL between the pods of a group, on any port.
                    {"from": [group]},
                    # The API, from the service's own namespace and the configured client namespaces only.
                    {"from": [{"podSelector": {}}, *clients],
                     "ports": [{"protocol": "TCP", "port": serving.port}]},
                ],
            ),
            opts=opts,
        )


def check_curl(port: int, served_name: str, with_api_key: bool) -> str:
    """The reference guide's step-3 request against a port-forward."""
    auth = ' -H "Authorization: Bearer $VLLM_API_KEY"' if with_api_key else ""
    body = (
        f'{{"model": "{served_name}", "messages": [{{"role": "user", "content": "Tell me about deep learning."}}], '
        '"max_tokens": 64}'
    )
    return f"curl -s http://localhost:{port}/v1/chat/completions -H 'Content-Type: application/json'{auth} -d '{body}'"
