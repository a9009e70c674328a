"""The stack configuration: every key under the `deepseek-acs` namespace of a `Pulumi.<stack>.yaml`.

Each top-level field of `StackConfig` is one config key (`deepseek-acs:<field>`); sections are structured
objects. Unknown keys are rejected at every level, so a typo fails before anything is billed. Rules that
span fields sit in a `model_validator` on the smallest model that holds all the fields involved, and report
the field they guard (see `RuleViolations`).
"""

from ipaddress import IPv4Network
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from .catalog import CATALOG
from .types import (
    BucketName,
    ClusterId,
    DnsLabel,
    KubernetesVersion,
    ObjectPrefix,
    PinnedImage,
    PinnedVersion,
    RegionId,
    VSwitchId,
    version_tuple,
)

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


class RuleViolations(ValueError):
    """Raised by a cross-field rule; carries (field path relative to the model, message) pairs."""

    def __init__(self, violations: list[tuple[str, str]]):
        self.violations = violations
        super().__init__("; ".join(f"{path}: {message}" for path, message in violations))


def enforce(*rules: tuple[bool, str, str]) -> None:
    """Each rule is (holds, field path, message); raise once for all that do not hold."""
    broken = [(path, message) for holds, path, message in rules if not holds]
    if broken:
        raise RuleViolations(broken)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------------------------- network
class VSwitchSpec(Section):
    zone_id: str = Field(description="Zone of the vSwitch, e.g. 'cn-hangzhou-i'; must belong to the stack's region.")
    cidr: IPv4Network = Field(description="CIDR block of the vSwitch; must lie inside `network.vpc_cidr`.")


class NetworkConfig(Section):
    """The VPC the cluster's pods live in, with NAT so serverless pods can pull public images."""

    existing_vswitch_ids: list[VSwitchId] = Field(
        default_factory=list,
        max_length=5,
        description="Reuse these vSwitches (1-5) instead of creating a VPC, vSwitches, NAT gateway, EIP and SNAT.",
    )
    vpc_cidr: IPv4Network = Field(IPv4Network("192.168.0.0/16"), description="CIDR block of the VPC to create.")
    vswitches: list[VSwitchSpec] = Field(
        default_factory=list,
        max_length=5,
        description="vSwitches to create, one per zone; two zones are recommended for NAT and cluster resilience.",
    )
    nat_bandwidth_mbps: int = Field(
        200, ge=1, le=10_000, description="Bandwidth of the NAT gateway's EIP in Mbit/s (image pulls, model hubs)."
    )

    @model_validator(mode="after")
    def _one_source_of_vswitches(self):
        created = bool(self.vswitches)
        enforce(
            (created != bool(self.existing_vswitch_ids), "vswitches",
             "set exactly one of `vswitches` (create a network) or `existing_vswitch_ids` (reuse one)"),
            *[
                (spec.cidr.subnet_of(self.vpc_cidr), f"vswitches.{i}.cidr",
                 f"{spec.cidr} is not inside vpc_cidr {self.vpc_cidr}")
                for i, spec in enumerate(self.vswitches)
            ],
            (len({s.zone_id for s in self.vswitches}) == len(self.vswitches), "vswitches",
             "one vSwitch per zone: zone ids must be distinct"),
        )
        return self


# --------------------------------------------------------------------------------------------- cluster
class ClusterConfig(Section):
    """The ACS cluster (`cs.ManagedKubernetes` with profile `Acs`)."""

    existing_cluster_id: Optional[ClusterId] = Field(
        None, description="Reuse this cluster instead of creating one; the network section is then not used."
    )
    name: DnsLabel = Field("deepseek-acs", description="Name of the cluster to create.")
    kubernetes_version: Optional[KubernetesVersion] = Field(
        None,
        description="Kubernetes version, e.g. '1.33.3-aliyun.1'. Unset: the newest version offered for the ACS profile, "
        "looked up at create time (the cluster ignores later changes of that lookup).",
    )
    cluster_spec: Literal["ack.pro.small", "ack.pro.xlarge", "ack.pro.2xlarge", "ack.pro.4xlarge"] = Field(
        "ack.pro.small", description="Control-plane size."
    )
    service_cidr: IPv4Network = Field(
        IPv4Network("172.23.0.0/16"), description="Service CIDR; must not overlap the VPC (ForceNew)."
    )
    deletion_protection: bool = Field(
        True, description="Refuse to delete the cluster until this is set to false and applied. Required in prod."
    )
    create_timeout_minutes: int = Field(60, ge=15, le=240, description="How long `pulumi up` waits for the cluster.")
    kubeconfig_ttl_minutes: int = Field(
        720,
        ge=15,
        le=4320,
        description="Lifetime of the kubeconfig minted on each run for the Kubernetes provider (15-4320).",
    )


# --------------------------------------------------------------------------------------------- bucket
class BucketConfig(Section):
    """The OSS bucket that holds the model weights. Expensive state: protected and retained by default."""

    name: BucketName = Field(description="Globally unique bucket name.")
    existing: bool = Field(
        False, description="Use an existing bucket of this name: nothing about the bucket itself is managed."
    )
    encryption: Literal["AES256", "KMS"] = Field("AES256", description="Server-side encryption algorithm.")
    kms_key_id: Optional[str] = Field(None, description="KMS key for `encryption: KMS`; unset = the OSS-managed key.")
    versioning: Literal["Enabled", "Suspended"] = Field(
        "Suspended",
        description="Object versioning. Enabled keeps overwritten weights (billed), which protects against a "
        "bad re-upload.",
    )
    protect: bool = Field(True, description="Pulumi `protect`: `pulumi destroy` fails while the bucket is managed.")
    retain_on_delete: bool = Field(
        True, description="Pulumi `retain_on_delete`: removing the bucket from the program never deletes it in OSS."
    )

    @model_validator(mode="after")
    def _kms_key_only_with_kms(self):
        enforce((self.kms_key_id is None or self.encryption == "KMS", "kms_key_id",
                 "a KMS key id is only allowed with `encryption: KMS`"))
        return self


# --------------------------------------------------------------------------------------------- model
class ModelImportConfig(Section):
    """Copy a pinned revision from a model hub into the bucket, in a Job that runs before the model volume."""

    enabled: bool = Field(False, description="Run the import Job (creates a write-only credential for the prefix).")
    hub: Literal["modelscope", "huggingface"] = Field("modelscope", description="Where to fetch the model from.")
    repo: Optional[str] = Field(
        None, pattern=r"^[A-Za-z0-9._-]+/[A-Za-z0-9._-]+$",
        description="Repository on the hub, 'owner/name'; defaults to the catalogue's id for the chosen hub.",
    )
    revision: Optional[str] = Field(
        None, pattern=r"^[A-Za-z0-9._-]{1,64}$",
        description="Pinned revision: a commit id or tag, never a moving branch. Required when enabled.",
    )
    parallel_files: int = Field(4, ge=1, le=16, description="Files copied at once (memory: parallel x part size).")
    part_size_mib: int = Field(64, ge=5, le=1024, description="Multipart upload part size; nothing touches disk.")
    timeout_minutes: int = Field(720, ge=10, le=2880, description="How long `pulumi up` waits for the import.")

    @model_validator(mode="after")
    def _pinned_revision(self):
        enforce((not self.enabled or self.revision is not None, "revision", "required when the import is enabled"),
                (self.revision not in ("main", "master", "HEAD"), "revision",
                 f"{self.revision!r} is a moving branch; allowed: a commit id or a tag"))
        return self


class ModelConfig(Section):
    """What is served, and where its files sit in the bucket."""

    catalog: Optional[Literal[tuple(CATALOG)]] = Field(  # type: ignore[valid-type]
        None, description=f"A known model ({', '.join(CATALOG)}); gives its hub ids and size."
    )
    path: ObjectPrefix = Field(description="Prefix of the model files in the bucket, e.g. 'models/DeepSeek-R1'.")
    served_name: str = Field(
        "ds", pattern=r"^[A-Za-z0-9._-]{1,64}$", description="Name clients send as `model` (`--served-model-name`)."
    )
    size_bytes: Optional[int] = Field(
        None, gt=0, description="Bytes of the files vLLM reads; overrides the catalogue, required without it."
    )
    import_: ModelImportConfig = Field(
        default_factory=ModelImportConfig, alias="import", description="Optional import of the model into the bucket."
    )
    files: Optional[list[ObjectPrefix]] = Field(
        None,
        min_length=1,
        description="Files under `path` that vLLM reads (what the cache warms); overrides the catalogue, "
        "required without it.",
    )

    @model_validator(mode="after")
    def _described(self):
        enforce(
            (self.catalog is not None or self.size_bytes is not None, "size_bytes",
             "set `catalog` to a known model or give `size_bytes` for another model"),
            (self.catalog is not None or self.files is not None, "files",
             "set `catalog` to a known model or list the `files` vLLM reads for another model"),
            (not self.import_.enabled or self.catalog is not None or self.import_.repo is not None, "import.repo",
             "required to import a model that is not in the catalogue"),
        )
        return self

    @property
    def hub_repo(self) -> str:
        if self.import_.repo:
            return self.import_.repo
        entry = CATALOG[self.catalog]
        return entry.modelscope_id if self.import_.hub == "modelscope" else entry.huggingface_id

    @property
    def served_files(self) -> list[str]:
        return list(self.files) if self.files is not None else CATALOG[self.catalog].served_files()

    @property
    def weights_bytes(self) -> int:
        return self.size_bytes if self.size_bytes is not None else CATALOG[self.catalog].size_bytes

    @property
    def mount_path(self) -> str:
        """Where pods see the model: `/models/<last path segment>`."""
        return "/models/" + self.path.rsplit("/", 1)[-1]


# --------------------------------------------------------------------------------------------- storage
class FluidCacheConfig(Section):
    """Fluid Dataset + JindoRuntime memory cache and the DataLoad that warms it."""

    workers: int = Field(16, ge=1, le=256, description="JindoRuntime cache workers.")
    worker_cpu: int = Field(16, ge=1, le=64, description="vCPUs per cache worker (>16 needs an ACS ticket).")
    tier_quota_gib: int = Field(
        128, ge=1, le=512,
        description="Memory cache per worker, GiB; the worker's memory request and limit are set to this too.",
    )
    high_watermark: float = Field(0.99, gt=0, le=1, description="Cache eviction starts above this fill ratio.")
    low_watermark: float = Field(0.95, gt=0, le=1, description="Eviction stops below this fill ratio.")
    compute_class: Literal["general-purpose", "performance"] = Field(
        "performance", description="ACS compute class of the Jindo pods (network bandwidth grows with vCPU)."
    )
    compute_qos: Literal["default", "best-effort"] = Field("default", description="ACS QoS of the Jindo pods.")
    worker_annotations: dict[str, str] = Field(
        default_factory=lambda: {"kubernetes.io/resource-type": "serverless"},
        description="Annotations on cache worker pods (Alibaba's ACS manifests set the one given by default).",
    )
    load_timeout_minutes: int = Field(
        180, ge=10, le=1440,
        description="How long `pulumi up` waits for the Dataset to bind and the cache warm-up to complete.",
    )

    @model_validator(mode="after")
    def _watermarks_ordered(self):
        enforce((self.low_watermark < self.high_watermark, "low_watermark",
                 f"must be below high_watermark ({self.high_watermark})"))
        return self


class OssVolumeConfig(Section):
    """A static PV on the OSS CSI driver (ossfs)."""

    mount_options: str = Field(
        "-o umask=022 -o max_stat_cache_size=0 -o allow_other -o ro",
        description="ossfs options (`otherOpts`); read-only by default.",
    )


class StorageConfig(Section):
    """How pods read the model: straight from OSS, or through the Fluid memory cache."""

    mode: Literal["oss", "fluid"] = Field(description="'oss' (CSI volume) or 'fluid' (distributed memory cache).")
    fluid: FluidCacheConfig = Field(default_factory=FluidCacheConfig, description="Used when mode is 'fluid'.")
    oss: OssVolumeConfig = Field(default_factory=OssVolumeConfig, description="Used when mode is 'oss'.")


# --------------------------------------------------------------------------------------------- serving
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

    @model_validator(mode="after")
    def _internet_only_for_lb(self):
        enforce(
            (not self.internet_facing or self.type == "LoadBalancer", "internet_facing",
             "only a LoadBalancer can be internet-facing"),
            (self.type != "LoadBalancer" or bool(self.allowed_cidrs), "allowed_cidrs",
             "a LoadBalancer needs the client networks its NetworkPolicy admits, e.g. ['10.0.0.0/16']"),
            (self.type == "LoadBalancer" or not self.allowed_cidrs, "allowed_cidrs",
             "only used with a LoadBalancer; in-cluster clients are admitted by namespace"),
        )
        return self


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

    @model_validator(mode="after")
    def _parallelism_and_resources(self):
        gpus = self.gpus_per_pod * self.pods_per_group
        owned = [arg for arg in self.extra_args if arg.split("=", 1)[0] in OWNED_VLLM_FLAGS]
        enforce(
            (self.tensor_parallel * self.pipeline_parallel == gpus, "tensor_parallel",
             f"tensor_parallel x pipeline_parallel = {self.tensor_parallel} x {self.pipeline_parallel} = "
             f"{self.tensor_parallel * self.pipeline_parallel} must equal gpus_per_pod x pods_per_group = "
             f"{self.gpus_per_pod} x {self.pods_per_group} = {gpus}"),
            (self.gpus_per_pod % self.tensor_parallel == 0, "tensor_parallel",
             f"one tensor-parallel group must fit inside one pod: {self.tensor_parallel} must divide "
             f"gpus_per_pod ({self.gpus_per_pod})"),
            (self.shm_gib < self.memory_gib, "shm_gib",
             f"{self.shm_gib} GiB of /dev/shm must leave room inside memory_gib ({self.memory_gib})"),
            (self.compute_class != "gpu-hpn" or self.compute_qos == "default", "compute_qos",
             "gpu-hpn supports only the 'default' QoS"),
            (not owned, "extra_args",
             f"{owned} are set from typed fields; allowed are other vLLM flags (owned: {', '.join(OWNED_VLLM_FLAGS)})"),
            (self.pods_per_group == 1 or self.group_formation_timeout_seconds < self.startup_timeout_minutes * 60,
             "group_formation_timeout_seconds",
             f"must be below startup_timeout_minutes ({self.startup_timeout_minutes} min): the leader gives up on "
             "its group before the startup probe gives up on the leader"),
            (self.ready_timeout_minutes >= self.startup_timeout_minutes, "ready_timeout_minutes",
             f"must be at least startup_timeout_minutes ({self.startup_timeout_minutes}) or `pulumi up` gives up "
             "while the model is still loading"),
        )
        return self

    @property
    def total_gpus(self) -> int:
        return self.gpus_per_pod * self.pods_per_group


# --------------------------------------------------------------------------------------------- jobs
class JobsConfig(Section):
    """The Python Jobs of the stack: the model import and the smoke test."""

    image: PinnedImage = Field(
        "python:3.11.14-slim", description="Python image both Jobs run in (mirror it where Docker Hub is slow)."
    )
    pip_index_url: str = Field(
        "https://mirrors.aliyun.com/pypi/simple/", pattern=r"^https://",
        description="Package index the Jobs install their pinned dependencies from (jobs/requirements.txt).",
    )
    smoke_test: bool = Field(True, description="After the workload is Available, send one chat completion.")
    smoke_test_timeout_minutes: int = Field(15, ge=1, le=120, description="How long `pulumi up` waits for it.")


# --------------------------------------------------------------------------------------------- charts
class FluidChartConfig(Section):
    repository: str = Field(
        "https://aliacs-app-catalog.oss-cn-hangzhou.aliyuncs.com/charts-incubator/",
        description="Helm repository of Alibaba's ack-fluid chart.",
    )
    version: PinnedVersion = Field("1.0.13", description="ack-fluid chart version; ACS pods need >= 1.0.11.")

    @model_validator(mode="after")
    def _acs_capable(self):
        enforce((version_tuple(self.version) >= (1, 0, 11), "version",
                 f"ack-fluid {self.version} cannot serve ACS pods; allowed: 1.0.11 or later"))
        return self


class LwsChartConfig(Section):
    source: Literal["alibaba", "upstream"] = Field(
        "alibaba",
        description="'alibaba': Alibaba's in-region chart and image (LWS v0.5.0, reachable from cn-* regions); "
        "'upstream': the kubernetes-sigs OCI chart (registry.k8s.io; mirror it if the region cannot reach it).",
    )
    alibaba_chart_url: str = Field(
        "https://aliacs-app-catalog.oss-cn-hangzhou.aliyuncs.com/charts-incubator/lws-0.1.0.tgz",
        description="Chart archive used with source 'alibaba' (the archive name pins its version).",
    )
    alibaba_image_tag: str = Field("v0.5.0", description="LWS controller image tag with source 'alibaba'.")
    upstream_chart: str = Field("oci://registry.k8s.io/lws/charts/lws", description="OCI chart with source 'upstream'.")
    upstream_version: PinnedVersion = Field("0.10.0", description="Chart version with source 'upstream'.")


class ChartsConfig(Section):
    fluid: FluidChartConfig = Field(default_factory=FluidChartConfig, description="ack-fluid (Fluid for ACS).")
    lws: LwsChartConfig = Field(default_factory=LwsChartConfig, description="LeaderWorkerSet controller.")
    install_timeout_seconds: int = Field(600, ge=60, le=3600, description="Helm wait per release.")


# --------------------------------------------------------------------------------------------- stack
class StackConfig(Section):
    """Everything one stack (one environment) configures."""

    environment: Literal["dev", "prod"] = Field(
        description="'prod' turns on guard rails: API key required, cluster deletion protection, protected bucket."
    )
    region: RegionId = Field(description="Region of every resource; read from `alicloud:region`.")
    namespace: DnsLabel = Field("deepseek", description="Kubernetes namespace of the model volume and workload.")
    network: NetworkConfig = Field(default_factory=NetworkConfig, description="VPC, vSwitches and NAT.")
    cluster: ClusterConfig = Field(default_factory=ClusterConfig, description="The ACS cluster.")
    bucket: BucketConfig = Field(description="The OSS bucket holding the weights.")
    model: ModelConfig = Field(description="The model and its place in the bucket.")
    storage: StorageConfig = Field(description="How pods read the model.")
    serving: ServingConfig = Field(description="The inference workload.")
    charts: ChartsConfig = Field(default_factory=ChartsConfig, description="Pinned Helm charts.")
    jobs: JobsConfig = Field(default_factory=JobsConfig, description="The import and smoke-test Jobs.")
    api_key: Optional[SecretStr] = Field(
        None, description="API key clients must send (vLLM `--api-key`). Secret only; required in prod."
    )

    @model_validator(mode="after")
    def _cross_section_rules(self):
        from .sizing import Sizing, gib  # sizing reads the validated sections

        sizing = Sizing.of(self)
        model_max = CATALOG[self.model.catalog].max_context if self.model.catalog else None
        zones_ok = [
            (spec.zone_id.startswith(self.region + "-"), f"network.vswitches.{i}.zone_id",
             f"{spec.zone_id!r} is not a zone of region {self.region!r} (expected '{self.region}-<letter>')")
            for i, spec in enumerate(self.network.vswitches)
        ]
        creates_network = self.cluster.existing_cluster_id is None and not self.network.existing_vswitch_ids
        enforce(
            *zones_ok,
            (not creates_network or not self.network.vpc_cidr.overlaps(self.cluster.service_cidr),
             "cluster.service_cidr", f"{self.cluster.service_cidr} overlaps network.vpc_cidr {self.network.vpc_cidr}"),
            (sizing.weights_per_gpu_bytes <= sizing.weights_budget_per_gpu_bytes, "serving.gpus_per_pod",
             f"the model does not fit: {gib(sizing.weights_per_gpu_bytes):.1f} GiB of weights per GPU "
             f"(size {gib(sizing.weights_bytes):.1f} GiB / {sizing.gpus_per_group} GPUs) exceed "
             f"{gib(sizing.weights_budget_per_gpu_bytes):.1f} GiB allowed (gpu_memory_gib x gpu_memory_utilization x "
             f"(1 - min_kv_cache_fraction)); use more or larger GPUs"),
            (self.storage.mode != "fluid" or sizing.cache_capacity_bytes >= sizing.cache_needed_bytes,
             "storage.fluid.workers",
             f"the cache is too small: workers x tier_quota_gib x high_watermark = {gib(sizing.cache_capacity_bytes):.1f} "
             f"GiB < {gib(sizing.cache_needed_bytes):.1f} GiB to cache; add workers or quota"),
            (model_max is None or self.serving.max_model_len <= model_max, "serving.max_model_len",
             f"{self.serving.max_model_len} exceeds the model's context ({model_max})"),
            (self.environment != "prod" or self.api_key is not None, "api_key",
             "prod requires an API key: pulumi config set --secret deepseek-acs:api_key <key>"),
            (self.environment != "prod" or self.cluster.deletion_protection, "cluster.deletion_protection",
             "must be true in prod"),
            (self.environment != "prod" or (self.bucket.protect and self.bucket.retain_on_delete), "bucket.protect",
             "prod keeps the weights: protect and retain_on_delete must be true"),
            (not self.serving.service.internet_facing or self.api_key is not None, "serving.service.internet_facing",
             "an internet-facing endpoint requires an API key"),
        )
        return self

    @property
    def creates_cluster(self) -> bool:
        return self.cluster.existing_cluster_id is None

    @property
    def uses_fluid(self) -> bool:
        return self.storage.mode == "fluid"
