"""The inference service: the engine in a LeaderWorkerSet, a Service in front of the leaders, and a
NetworkPolicy around the pods. `pulumi up` returns once every group is Available and the smoke test has run
against the new revision (components/smoke_test.py)."""

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from config import names
from config.names import fingerprint
from config.platform.gpus import DRIVER_LABEL, GPU_RESOURCE, MODEL_SERIES_LABEL
from config.platform.network import SECURITY_GROUP_ANNOTATION
from config.platform.registries import IMAGE_CACHE_ANNOTATION
from config.schema import ModelConfig, ServingConfig

from .custom_resources import SKIP_AWAIT, LeaderWorkerSet, ObjectMeta
from .engines import API_KEY_DIR, SCRIPTS, SCRIPTS_DIR, SCRIPTS_SHA256, container
from .python_job import JobImage
from .waiter import Access, Waiter

LWS_NAME_LABEL = "leaderworkerset.sigs.k8s.io/name"
LWS_WORKER_INDEX_LABEL = "leaderworkerset.sigs.k8s.io/worker-index"
API_KEY_SECRET_KEY = "api-key"
INTERNET_APPROVAL = "deepseek-acs/allow-internet-facing"
TEMPLATE_HASH = "deepseek-acs/template-hash"
"""On every pod: the hash of the templates it was made from, which the rollout gate waits for (jobs/kube_wait.py)."""


@dataclass(frozen=True)
class InferenceServiceArgs:
    serving: ServingConfig
    model: ModelConfig
    namespace: pulumi.Input[str]
    claim_name: str
    """The model volume's claim, mounted read-only."""
    image: str
    """The engine image as the pods pull it (config: mirror and VPC endpoint applied)."""
    provider: k8s.Provider
    lws_release: pulumi.Resource
    job_image: JobImage | None = None
    """Image of the rollout gate Job."""
    security_group_id: pulumi.Input[str] | None = None
    """The GPU pods' security group (components/isolation.py), attached per pod."""
    queue_metric: str | None = None
    """The engine's gauge of waiting requests, as the custom-metrics adapter exposes it (autoscaling)."""
    image_cache: bool = False
    """Ask ACS for an image cache (only where the region and the GPU series support it)."""
    volume_ready: list[pulumi.Resource] = field(default_factory=list)
    volume_pod_labels: Mapping[str, str] = field(default_factory=dict)
    api_key: pulumi.Output[str] | None = None
    """Secret. When set, clients must send it as a bearer token on every route that serves tokens."""


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
        labels[MODEL_SERIES_LABEL.value] = serving.gpu_model_series
    if serving.driver_version:  # the engine image's CUDA needs a newer driver than the series' default
        labels[DRIVER_LABEL.value] = serving.driver_version
    if serving.rdma:
        labels["alibabacloud.com/hpn-type"] = "rdma"
    return {**labels, **extra}


def pod_template(args: InferenceServiceArgs, role: str, api_key_secret: pulumi.Input[str] | None) -> dict:
    """The leader's or a worker's PodTemplateSpec."""
    serving, model = args.serving, args.model
    amount = {"cpu": str(serving.cpu), "memory": f"{serving.memory_gib}Gi", GPU_RESOURCE.value: str(serving.gpus_per_pod)}
    with_key = api_key_secret is not None
    started = container(serving.engine_spec, serving, model, role, with_key)
    main = {
        "name": started.name,
        "image": args.image,
        # ACS image caches serve `Always` pulls only; with a pinned digest it is no less reproducible.
        "imagePullPolicy": "Always",
        "command": started.command,
        "env": started.env,
        "ports": started.ports,
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
            {"name": "launch", "mountPath": SCRIPTS_DIR, "readOnly": True},
        ],
        **started.probes,
    }
    volumes = [
        {"name": "model", "persistentVolumeClaim": {"claimName": args.claim_name, "readOnly": True}},
        # NCCL needs a large /dev/shm; memory-backed, so it counts against the pod's memory.
        {"name": "shm", "emptyDir": {"medium": "Memory", "sizeLimit": f"{serving.shm_gib}Gi"}},
        {"name": "launch", "configMap": {"name": names.launch_config(serving.name), "defaultMode": 0o555}},
    ]
    if with_key and role == "leader":
        volumes.append({"name": "api-key", "secret": {"secretName": api_key_secret, "defaultMode": 0o400}})
        main["volumeMounts"].append({"name": "api-key", "mountPath": API_KEY_DIR, "readOnly": True})
    spec = {
        "containers": [main],
        "enableServiceLinks": False,
        # The engines never call the Kubernetes API.
        "automountServiceAccountToken": False,
        "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
        "volumes": volumes,
    }
    if serving.compute_class == "gpu-hpn":
        spec["nodeSelector"] = {MODEL_SERIES_LABEL.value: serving.gpu_model_series}
    annotations = {
        # The engine image takes >= 2x its size; ACS gives 30 GiB free.
        "alibabacloud.com/extra-ephemeral-storage": f"{serving.extra_ephemeral_storage_gib}Gi",
        "deepseek-acs/launch-sha256": SCRIPTS_SHA256,
    }
    if args.image_cache:
        annotations[IMAGE_CACHE_ANNOTATION.value] = "true"
    if not started.probes:
        annotations["checkov.io/skip1"] = ("CKV_K8S_9=a headless worker serves nothing to probe; when its engine "
                                           "exits the pod restarts and the LeaderWorkerSet recreates the group")
    return {"metadata": {"labels": pod_labels(serving, role, args.volume_pod_labels), "annotations": annotations},
            "spec": spec}


def leader_selector(serving: ServingConfig) -> dict[str, str]:
    """Leader pods only, by the labels LWS itself sets (never ACS labels)."""
    return {LWS_NAME_LABEL: serving.name, LWS_WORKER_INDEX_LABEL: "0"}


class InferenceService(pulumi.ComponentResource):
    """LeaderWorkerSet + leader Service + NetworkPolicy, awaited until every group answers health checks."""

    service_url: pulumi.Output[str]
    """In-cluster URL of the OpenAI-compatible API."""
    served_model_name: str
    check_command: pulumi.Output[str]
    """Paste-ready port-forward + chat completion check."""
    workload: pulumi.Resource
    """The LeaderWorkerSet."""
    rolled_out: pulumi.Resource
    """The rollout gate: complete once every pod of every group runs the new templates and is Ready."""
    template_hash: str
    api_key_secret_name: pulumi.Output[str] | None

    def __init__(self, name: str, args: InferenceServiceArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("deepseek-acs:inference:InferenceService", name, None, opts)
        serving = args.serving
        in_cluster = pulumi.ResourceOptions(parent=self, provider=args.provider)
        launch = k8s.core.v1.ConfigMap(
            f"{name}-launch",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=names.launch_config(serving.name), namespace=args.namespace),
            data=SCRIPTS,
            opts=in_cluster,
        )
        api_key_secret = self._api_key_secret(name, args, in_cluster)
        self.api_key_secret_name = api_key_secret.metadata.name if api_key_secret else None
        # The Secret's name is fixed, so the templates are plain data and their hash is known at plan time.
        secret_name = names.api_key_secret(serving.name) if api_key_secret else None
        template = {role: pod_template(args, role, secret_name) for role in ("leader", "worker")}
        # The security group's id is known only once it exists; whether pods carry one is part of the revision.
        self.template_hash = fingerprint(template, args.security_group_id is not None)
        for body in template.values():
            body["metadata"]["annotations"][TEMPLATE_HASH] = self.template_hash
            if args.security_group_id is not None:
                body["metadata"]["annotations"][SECURITY_GROUP_ANNOTATION.value] = args.security_group_id
        # Not awaited by Pulumi: LWS before v0.9 reports the old revision Available during a rollout (no
        # observedGeneration), and a restart storm would sit out the whole timeout. The gate below judges both.
        workload = LeaderWorkerSet(
            ObjectMeta(serving.name, args.namespace, labels={"app.kubernetes.io/name": serving.name},
                       annotations={SKIP_AWAIT: "true"}),
            replicas=serving.groups,
            size=serving.pods_per_group,
            leader_template=template["leader"],
            worker_template=template["worker"],
            max_surge=serving.rollout.max_surge,
            max_unavailable=serving.rollout.max_unavailable,
        ).declare(f"{name}-lws", pulumi.ResourceOptions.merge(in_cluster, pulumi.ResourceOptions(
            depends_on=[args.lws_release, launch, *args.volume_ready, *([api_key_secret] if api_key_secret else [])],
            # The autoscaler owns the group count; Pulumi must not reset it on every `up`.
            ignore_changes=["spec.replicas"] if self._autoscaled(serving) else None,
        )))
        if self._autoscaled(serving):
            self._autoscaler(name, args, workload, in_cluster)
        self.workload = workload
        self.rolled_out = self._rollout_gate(name, args, workload, in_cluster)
        service = self._service(name, args, self.rolled_out, in_cluster)
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

    def _rollout_gate(self, name: str, args: InferenceServiceArgs, workload: pulumi.Resource,
                      opts: pulumi.ResourceOptions) -> pulumi.Resource:
        serving = args.serving
        return Waiter(
            # Named after the templates: every new revision is waited for again.
            name=names.rollout_job(serving.name, self.template_hash), namespace=args.namespace,
            args=["rollout", "--namespace", args.namespace, "--lws", serving.name, "--revision", self.template_hash,
                  "--groups", str(min(serving.groups, serving.autoscaling.min_groups) if self._autoscaled(serving)
                                  else serving.groups),
                  "--size", str(serving.pods_per_group),
                  "--max-recreations", str(serving.max_group_recreations)],
            access=[Access(args.namespace, "", ("pods",))],
            image=args.job_image, timeout_minutes=serving.ready_timeout_minutes,
        ).declare(f"{name}-rollout", pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[workload])))

    @staticmethod
    def _autoscaled(serving: ServingConfig) -> bool:
        return serving.autoscaling.enabled and not serving.parked

    def _autoscaler(self, name: str, args: InferenceServiceArgs, workload: pulumi.Resource,
                    opts: pulumi.ResourceOptions) -> k8s.autoscaling.v2.HorizontalPodAutoscaler:
        """Whole groups, through the LeaderWorkerSet's scale subresource (its selector matches leaders only), on
        the engine's queue per leader; scale-down waits out at least one cold start."""
        serving, scaling = args.serving, args.serving.autoscaling
        return k8s.autoscaling.v2.HorizontalPodAutoscaler(
            f"{name}-autoscaler",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=names.autoscaler(serving.name), namespace=args.namespace),
            spec={
                "scaleTargetRef": {"apiVersion": "leaderworkerset.x-k8s.io/v1", "kind": "LeaderWorkerSet",
                                   "name": serving.name},
                "minReplicas": scaling.min_groups,
                "maxReplicas": scaling.max_groups,
                "metrics": [{"type": "Pods", "pods": {
                    "metric": {"name": args.queue_metric},
                    "target": {"type": "AverageValue", "averageValue": str(scaling.waiting_per_group)}}}],
                "behavior": {
                    # One group at a time each way: a group is 16 GPUs and a cold start.
                    "scaleUp": {"stabilizationWindowSeconds": 0,
                                "policies": [{"type": "Pods", "value": 1, "periodSeconds": 300}]},
                    "scaleDown": {"stabilizationWindowSeconds": scaling.scale_down_stabilization_minutes * 60,
                                  "policies": [{"type": "Pods", "value": 1, "periodSeconds": 600}]},
                },
            },
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[workload])),
        )

    def _api_key_secret(
        self, name: str, args: InferenceServiceArgs, opts: pulumi.ResourceOptions
    ) -> k8s.core.v1.Secret | None:
        if args.api_key is None:
            return None
        return k8s.core.v1.Secret(
            f"{name}-api-key",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=names.api_key_secret(args.serving.name), namespace=args.namespace),
            type="Opaque",
            string_data={API_KEY_SECRET_KEY: args.api_key},
            opts=opts,
        )

    def _service(
        self, name: str, args: InferenceServiceArgs, rolled_out: pulumi.Resource, opts: pulumi.ResourceOptions
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
                name=names.leader_service(serving.name), namespace=args.namespace, annotations=annotations or None,
                labels={"app.kubernetes.io/name": serving.name},
            ),
            spec=k8s.core.v1.ServiceSpecArgs(
                type=service.type,
                selector=leader_selector(serving),
                ports=[k8s.core.v1.ServicePortArgs(name="http", port=serving.port, target_port="http", protocol="TCP")],
            ),
            # The Service waits for endpoints, which exist only once a leader is Ready; created before the
            # workload it would time out while the model loads.
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[rolled_out])),
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
            metadata=k8s.meta.v1.ObjectMetaArgs(name=names.ingress_policy(serving.name), namespace=args.namespace),
            spec=k8s.networking.v1.NetworkPolicySpecArgs(
                pod_selector=group["podSelector"],
                policy_types=["Ingress"],
                ingress=[
                    # Within a group, any port: besides the engine's rendezvous port (config/engines: group_port),
                    # NCCL and the engines' inter-node queues listen on ephemeral ports.
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
    auth = ' -H "Authorization: Bearer $API_KEY"' if with_api_key else ""
    body = (
        f'{{"model": "{served_name}", "messages": [{{"role": "user", "content": "Tell me about deep learning."}}], '
        '"max_tokens": 64}'
    )
    return f"curl -s http://localhost:{port}/v1/chat/completions -H 'Content-Type: application/json'{auth} -d '{body}'"
