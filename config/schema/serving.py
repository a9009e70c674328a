"""`serving`: the LeaderWorkerSet that runs the engine (one group = a leader pod plus workers) and its Service."""

from ipaddress import IPv4Network
from typing import Literal

from pydantic import Field

from ..types import DnsLabel, PinnedImage
from .base import Section, rule, violations

# Flags the bootstrap script derives from typed fields; `serving.extra_args` may not set them again.
OWNED_VLLM_FLAGS = (
    "--port",
    "--served-model-name",
    "--tensor-parallel-size",
    "--pipeline-parallel-size",
    "--max-model-len",
    "--gpu-memory-utilization",
    "--api-key",
    "--distributed-executor-backend",
)


class ServiceConfig(Section):
    type: Literal["ClusterIP", "LoadBalancer"] = Field("ClusterIP", description="How the leader is exposed.")
    internet_facing: bool = Field(
        False, description="LoadBalancer only: an internet CLB instead of an intranet one. Needs an API key."
    )
    allowed_namespaces: list[DnsLabel] = Field(
        default_factory=list,
        description="Namespaces whose pods may reach the serving port (NetworkPolicy); the service's own "
        "namespace is always allowed.",
    )
    allowed_cidrs: list[IPv4Network] = Field(
        default_factory=list,
        description="LoadBalancer only: client networks the NetworkPolicy admits on the serving port (e.g. the "
        "VPC CIDR for an intranet load balancer).",
    )

    @rule("internet_facing", "type")
    def _internet_only_for_lb(self):
        yield from violations((not self.internet_facing or self.type == "LoadBalancer", "internet_facing",
                               "only a LoadBalancer can be internet-facing"))

    @rule("type", "allowed_cidrs")
    def _cidrs_only_for_lb(self):
        yield from violations(
            (self.type != "LoadBalancer" or bool(self.allowed_cidrs), "allowed_cidrs",
             "a LoadBalancer needs the client networks its NetworkPolicy admits, e.g. ['10.0.0.0/16']"),
            (self.type == "LoadBalancer" or not self.allowed_cidrs, "allowed_cidrs",
             "only used with a LoadBalancer; in-cluster clients are admitted by namespace"),
        )


class ServingConfig(Section):
    """The LeaderWorkerSet running vLLM on Ray: one group = a leader pod plus workers."""

    name: DnsLabel = Field("deepseek-r1", description="Name of the LeaderWorkerSet (and prefix of its pods).")
    image: PinnedImage = Field(
        "registry-cn-hangzhou.ack.aliyuncs.com/ack-demo/vllm:v0.7.2",
        description="vLLM image with Ray (vLLM >= 0.19 images have no Ray). Pinned tag or digest.",
    )
    replicas: int = Field(1, ge=1, le=100, description="Number of groups (each serves the whole model).")
    pods_per_group: int = Field(ge=1, le=16, description="Pods per group including the leader (LWS `size`).")
    gpus_per_pod: Literal[1, 2, 4, 8, 16] = Field(description="GPUs per pod (ACS accepts these counts).")
    gpu_memory_gib: float = Field(gt=0, le=256, description="Memory of one GPU, GiB (96 for the H20/GU8TF class).")
    gpu_model_series: str = Field(description="ACS `gpu-model-series` label, e.g. 'GU8TF' (ask your account team).")
    compute_class: Literal["gpu", "gpu-hpn"] = Field("gpu", description="ACS compute class of the GPU pods.")
    compute_qos: Literal["default", "best-effort"] = Field("default", description="ACS QoS of the GPU pods.")
    cpu: int = Field(ge=1, le=192, description="vCPUs per pod (requests = limits).")
    memory_gib: int = Field(ge=1, le=2048, description="Memory per pod, GiB (requests = limits).")
    shm_gib: int = Field(32, ge=1, description="Memory-backed /dev/shm per pod, GiB (NCCL); counts against memory.")
    extra_ephemeral_storage_gib: int = Field(
        30, ge=0, le=2048, description="Ephemeral storage added to ACS's free 30 GiB (images take >= 2x their size)."
    )
    tensor_parallel: int = Field(ge=1, description="vLLM `--tensor-parallel-size`; one TP group fits in one pod.")
    pipeline_parallel: int = Field(ge=1, description="vLLM `--pipeline-parallel-size`.")
    max_model_len: int = Field(4096, ge=256, description="vLLM `--max-model-len` (R1 reasoning often passes 2048).")
    gpu_memory_utilization: float = Field(0.95, gt=0.1, le=0.98, description="vLLM `--gpu-memory-utilization`.")
    min_kv_cache_fraction: float = Field(
        0.1, ge=0, lt=1, description="Share of usable GPU memory that must stay free of weights for the KV cache."
    )
    enforce_eager: bool = Field(True, description="vLLM `--enforce-eager`: faster start, lower decode throughput.")
    trust_remote_code: bool = Field(True, description="vLLM `--trust-remote-code`.")
    extra_args: list[str] = Field(default_factory=list, description="More `vllm serve` arguments.")
    rdma: bool = Field(False, description="RDMA (`hpn-type: rdma`) with the guide's NCCL InfiniBand settings.")
    port: int = Field(8000, ge=1024, le=65535, description="vLLM HTTP port.")
    ray_port: int = Field(6379, ge=1024, le=65535, description="Ray GCS port on the leader.")
    group_formation_timeout_seconds: int = Field(
        1800, ge=60, le=7200,
        description="How long the leader waits for every pod of its group to join Ray before failing the group.",
    )
    startup_timeout_minutes: int = Field(
        90, ge=5, le=600, description="Startup-probe budget: group formation plus model load."
    )
    ready_timeout_minutes: int = Field(
        120, ge=5, le=1440, description="How long `pulumi up` waits for the LeaderWorkerSet to become Available."
    )
    service: ServiceConfig = Field(default_factory=ServiceConfig, description="The client Service.")

    @rule("tensor_parallel", "pipeline_parallel", "gpus_per_pod", "pods_per_group")
    def _parallel_layout(self):
        gpus = self.gpus_per_pod * self.pods_per_group
        yield from violations(
            (self.tensor_parallel * self.pipeline_parallel == gpus, "tensor_parallel",
             f"tensor_parallel x pipeline_parallel = {self.tensor_parallel} x {self.pipeline_parallel} = "
             f"{self.tensor_parallel * self.pipeline_parallel} must equal gpus_per_pod x pods_per_group = "
             f"{self.gpus_per_pod} x {self.pods_per_group} = {gpus}"),
            (self.gpus_per_pod % self.tensor_parallel == 0, "tensor_parallel",
             f"one tensor-parallel group must fit inside one pod: {self.tensor_parallel} must divide "
             f"gpus_per_pod ({self.gpus_per_pod})"),
        )

    @rule("shm_gib", "memory_gib")
    def _shm_inside_memory(self):
        yield from violations((self.shm_gib < self.memory_gib, "shm_gib",
                               f"{self.shm_gib} GiB of /dev/shm must leave room inside memory_gib ({self.memory_gib})"))

    @rule("compute_class", "compute_qos")
    def _hpn_qos(self):
        yield from violations((self.compute_class != "gpu-hpn" or self.compute_qos == "default", "compute_qos",
                               "gpu-hpn supports only the 'default' QoS"))

    @rule("extra_args")
    def _owned_flags(self):
        owned = [arg for arg in self.extra_args if arg.split("=", 1)[0] in OWNED_VLLM_FLAGS]
        yield from violations((not owned, "extra_args",
                               f"{owned} are set from typed fields; allowed are other vLLM flags "
                               f"(owned: {', '.join(OWNED_VLLM_FLAGS)})"))

    @rule("pods_per_group", "group_formation_timeout_seconds", "startup_timeout_minutes")
    def _group_forms_before_startup_gives_up(self):
        yield from violations(
            (self.pods_per_group == 1 or self.group_formation_timeout_seconds < self.startup_timeout_minutes * 60,
             "group_formation_timeout_seconds",
             f"must be below startup_timeout_minutes ({self.startup_timeout_minutes} min): the leader gives up on "
             "its group before the startup probe gives up on the leader"))

    @rule("ready_timeout_minutes", "startup_timeout_minutes")
    def _wait_covers_startup(self):
        yield from violations(
            (self.ready_timeout_minutes >= self.startup_timeout_minutes, "ready_timeout_minutes",
             f"must be at least startup_timeout_minutes ({self.startup_timeout_minutes}) or `pulumi up` gives up "
             "while the model is still loading"))

    @property
    def total_gpus(self) -> int:
        return self.gpus_per_pod * self.pods_per_group
