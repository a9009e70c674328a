"""`serving`: the LeaderWorkerSet that runs the engine (one group = a leader pod plus workers) and its Service.

Engine settings are engine-neutral and typed; each engine (config/engines) renders them as its own flags and
refuses, at plan time, any that its pinned version does not have.
"""

from typing import Literal, Optional

from pydantic import Field

from ..engines import ENGINES
from ..platform.gpus import (
    CUDA_DRIVER_MINIMUM,
    GPU_COUNTS,
    GPU_SERIES,
    MEMORY_HEADROOM,
    driver_for,
    driver_major,
    largest_memory_request_gib,
)
from ..types import DnsLabel, PinnedImage
from .base import Problem, Section, rule, violations
from .scaling import AutoscalingConfig, RolloutConfig
from .service import ServiceConfig

EngineName = Literal[tuple(ENGINES)]  # type: ignore[valid-type]


class ServingConfig(Section):
    """The LeaderWorkerSet running the engine: one group = a leader pod plus workers, serving the whole model."""

    name: DnsLabel = Field("deepseek-r1", description="Name of the LeaderWorkerSet (and prefix of its pods).")
    engine: EngineName = Field(
        "vllm", description=f"Serving engine: {', '.join(f'{e.name!r} ({e.product} {e.version})' for e in ENGINES.values())}."
    )
    image: Optional[PinnedImage] = Field(
        None, description="Engine image; default: the engine's pinned image, from `images.mirror` where set.",
    )
    accept_v0_engine_risk: bool = Field(
        False, description="Required to run engine 'vllm-ray' in prod: vLLM 0.7.2's V0 multi-node channel has a "
        "published remote-code-execution flaw (CVE-2025-30165).",
    )
    replicas: int = Field(1, ge=1, le=100, description="Number of groups (each serves the whole model).")
    parked: bool = Field(
        False, description="No GPU pods: the LeaderWorkerSet keeps its name at 0 groups, the bucket, cache "
        "definition and import stay; `pulumi up` with false again resumes.",
    )
    gpu_quota: Optional[int] = Field(
        None, ge=1, le=10_000, description="GPUs the account may run at once in this region (what a rollout surge "
        "and the autoscaler's maximum must fit in).",
    )
    rollout: RolloutConfig = Field(default_factory=RolloutConfig, description="How a template change replaces groups.")
    autoscaling: AutoscalingConfig = Field(default_factory=AutoscalingConfig, description="Groups under load.")
    pod_security_group: bool = Field(
        False, description="Attach a security group to the GPU pods that admits only the group's own pods and the "
        "serving port from the cluster's networks (what isolates GPU pods on ACS; NetworkPolicies do not bind them).",
    )
    pods_per_group: int = Field(ge=1, le=16, description="Pods per group including the leader (LWS `size`).")
    gpus_per_pod: Literal[1, 2, 4, 8, 16] = Field(description="GPUs per pod (ACS accepts these counts).")
    gpu_memory_gib: float = Field(gt=0, le=256, description="Memory of one GPU, GiB (96 for the H20/GU8TF class).")
    gpu_model_series: str = Field(
        pattern=r"^[A-Za-z0-9-]{1,32}$", description="ACS `gpu-model-series` label, e.g. 'GU8TF' (ask your account team).",
    )
    gpu_driver_version: Optional[str] = Field(
        None, pattern=r"^\d+\.\d+(\.\d+)?(-open)?$",
        description="ACS GPU driver for the pods (`alibabacloud.com/gpu-driver-version`); default: the series' "
        "default driver, or its newest that supports the engine image's CUDA.",
    )
    compute_class: Literal["gpu", "gpu-hpn"] = Field("gpu", description="ACS compute class of the GPU pods.")
    compute_qos: Literal["default", "best-effort"] = Field("default", description="ACS QoS of the GPU pods.")
    cpu: int = Field(ge=1, le=192, description="vCPUs per pod (requests = limits).")
    memory_gib: int = Field(ge=1, le=2048, description="Memory per pod, GiB (requests = limits).")
    shm_gib: int = Field(32, ge=1, description="Memory-backed /dev/shm per pod, GiB (NCCL); counts against memory.")
    extra_ephemeral_storage_gib: int = Field(
        30, ge=0, le=2048, description="Ephemeral storage added to ACS's free 30 GiB (images take >= 2x their size)."
    )
    tensor_parallel: int = Field(ge=1, description="Tensor-parallel size; one TP group fits in one pod.")
    pipeline_parallel: int = Field(ge=1, description="Pipeline-parallel size (stages across the group's pods).")
    max_model_len: int = Field(
        32768, ge=256, description="Longest sequence (prompt + output) the engine accepts; R1's reasoning needs "
        "tens of thousands of tokens.",
    )
    gpu_memory_utilization: Optional[float] = Field(
        None, gt=0.1, le=0.98, description="Share of GPU memory the engine takes (vLLM --gpu-memory-utilization, "
        "SGLang --mem-fraction-static); default: the engine's.",
    )
    cuda_graphs: Optional[bool] = Field(
        None, description="CUDA graphs (faster decode, slower start); default: on, except 'vllm-ray' (the guide's "
        "--enforce-eager).",
    )
    reasoning_parser: bool = Field(True, description="Return R1's reasoning apart from the answer (DeepSeek-R1 parser).")
    generation_defaults: Literal["model", "engine"] = Field(
        "model", description="Sampling defaults: the model's generation_config.json (R1: temperature 0.6, top_p "
        "0.95) or the engine's.",
    )
    kv_cache_dtype: Literal["auto", "fp8"] = Field(
        "auto", description="KV cache precision: 'auto' (the model's, bf16) or 'fp8' (half the memory per token).",
    )
    speculative_decoding: Literal["off", "mtp"] = Field(
        "off", description="'mtp': DeepSeek's multi-token-prediction head as the draft model.",
    )
    expert_parallel: bool = Field(False, description="Expert parallelism for the MoE layers.")
    min_concurrency: int = Field(
        1, ge=1, description="Sequences of max_model_len tokens the KV cache must hold at once (checked at plan time).",
    )
    memory_reserve_gib: Optional[float] = Field(
        None, ge=0, le=64, description="GPU memory per GPU for activations, CUDA graphs and the runtime; default: "
        "the calibrated figure of config/capacity.py.",
    )
    trust_remote_code: bool = Field(True, description="Let the engine run the model repository's own code.")
    extra_args: list[str] = Field(
        default_factory=list, description="More engine options, one list item per token; checked against the "
        "engine version's parser.",
    )
    nccl_debug: Literal["VERSION", "WARN", "INFO", "TRACE"] = Field(
        "WARN", description="NCCL_DEBUG: 'INFO' for a first RDMA bring-up (logs every connection).",
    )
    rdma: bool = Field(False, description="RDMA (`hpn-type: rdma`) with the guide's NCCL InfiniBand settings.")
    port: int = Field(8000, ge=1024, le=65535, description="The engine's HTTP port (API, health, metrics).")
    group_formation_timeout_seconds: int = Field(
        1800, ge=60, le=7200,
        description="How long the leader waits for every pod of its group before failing the group.",
    )
    max_group_recreations: int = Field(
        2, ge=0, le=20, description="Times a group may be recreated during one rollout before `pulumi up` fails "
        "(each try reloads the model on every GPU of the group).",
    )
    startup_timeout_minutes: Optional[int] = Field(
        None, ge=5, le=600, description="Startup-probe budget: group formation plus model load. Unset: derived from the worst-case cold-start estimate (config/estimates.py); a value below it is refused."
    )
    ready_timeout_minutes: Optional[int] = Field(
        None, ge=5, le=1440, description="How long `pulumi up` waits for the LeaderWorkerSet to become Available "
        "(every rollout batch). Unset: derived from the worst-case cold-start estimate (config/estimates.py); a value below it is refused."
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

    # Every field an engine's command line reads: the rule runs only once all of them are valid.
    @rule("engine", "extra_args", "pods_per_group", "port", "tensor_parallel", "pipeline_parallel", "max_model_len",
          "gpu_memory_utilization", "reasoning_parser", "generation_defaults", "kv_cache_dtype", "speculative_decoding",
          "expert_parallel", "cuda_graphs", "trust_remote_code")
    def _engine_accepts_the_settings(self):
        yield from ENGINES[self.engine].problems(self, _ModelPaths())

    @rule("gpu_model_series", "kv_cache_dtype")
    def _fp8_where_the_gpu_has_it(self):
        series = GPU_SERIES.get(self.gpu_model_series)
        yield from violations((
            self.kv_cache_dtype != "fp8" or (series is not None and series.fp8.value), "kv_cache_dtype",
            f"'fp8' needs a GPU with FP8 support; known to have it: "
            f"{', '.join(name for name, known in GPU_SERIES.items() if known.fp8.value)}"))

    @rule("pods_per_group", "group_formation_timeout_seconds", "startup_timeout_minutes")
    def _group_forms_before_startup_gives_up(self):
        if self.startup_timeout_minutes is None:
            return  # derived past the group formation timeout (config/estimates.py)
        yield from violations(
            (self.pods_per_group == 1 or self.group_formation_timeout_seconds < self.startup_timeout_minutes * 60,
             "group_formation_timeout_seconds",
             f"must be below startup_timeout_minutes ({self.startup_timeout_minutes} min): the leader gives up on "
             "its group before the startup probe gives up on the leader"))

    @rule("ready_timeout_minutes", "startup_timeout_minutes")
    def _wait_covers_startup(self):
        if self.ready_timeout_minutes is None or self.startup_timeout_minutes is None:
            return  # a derived wait covers the startup budget (config/estimates.py)
        yield from violations(
            (self.ready_timeout_minutes >= self.startup_timeout_minutes, "ready_timeout_minutes",
             f"must be at least startup_timeout_minutes ({self.startup_timeout_minutes}) or `pulumi up` gives up "
             "while the model is still loading"))

    @rule("engine", "gpu_model_series", "gpu_driver_version")
    def _driver_runs_the_image(self):
        engine = self.engine_spec
        needed = CUDA_DRIVER_MINIMUM.value[engine.cuda_major.value]
        series = GPU_SERIES.get(self.gpu_model_series)
        cite = CUDA_DRIVER_MINIMUM.source.cite()
        if self.gpu_driver_version is not None:
            offered = series is None or self.gpu_driver_version in series.drivers
            yield from violations(
                (offered, "gpu_driver_version", f"{self.gpu_model_series} offers "
                 f"{', '.join(series.drivers) if series else ''}, not {self.gpu_driver_version!r}"),
                (driver_major(self.gpu_driver_version) >= needed, "gpu_driver_version",
                 f"{engine.label} is a CUDA {engine.cuda_major.value} image: it needs driver {needed} or newer ({cite})"))
        elif series is None:
            yield Problem("gpu_driver_version", f"no driver facts for series {self.gpu_model_series!r}: set the "
                          f"driver ACS offers it that runs CUDA {engine.cuda_major.value} ({needed} or newer)")
        else:
            yield from violations((
                driver_major(series.default_driver) >= needed or driver_for(series, engine.cuda_major.value),
                "gpu_model_series", f"{self.gpu_model_series} offers no driver {needed} or newer for {engine.label} "
                f"(offers {', '.join(series.drivers)}; {series.source.cite()})"))

    @rule("gpu_model_series", "gpus_per_pod", "cpu", "memory_gib")
    def _pod_fits_the_gpu_shape(self):
        series = GPU_SERIES.get(self.gpu_model_series)
        yield from violations((self.gpus_per_pod in GPU_COUNTS.value, "gpus_per_pod",
                               f"ACS GPU pods take {', '.join(map(str, GPU_COUNTS.value))} GPUs "
                               f"({GPU_COUNTS.source.cite()})"))
        for shape in series.shapes_for(self.gpus_per_pod) if series else ():
            largest = int(largest_memory_request_gib(shape))
            yield from violations(
                (self.cpu <= shape.vcpus, "cpu", f"{self.gpu_model_series} x {shape.gpus} pods have {shape.vcpus} "
                 f"vCPUs; allowed: at most {shape.vcpus} ({shape.source.cite()})"),
                (self.memory_gib <= largest, "memory_gib",
                 f"{self.memory_gib} GiB does not fit a {self.gpu_model_series} x {shape.gpus} pod: its "
                 f"{shape.memory_gib} GiB less ACS's in-pod share ({MEMORY_HEADROOM.value:.2%}) leave at most "
                 f"{largest} GiB ({MEMORY_HEADROOM.source.cite()})"))

    @rule("replicas", "gpus_per_pod", "pods_per_group", "gpu_quota", "rollout", "autoscaling")
    def _fits_the_gpu_quota(self):
        if self.gpu_quota is None:
            yield from violations(
                (self.rollout.max_surge == 0, "rollout.max_surge",
                 "a surge group needs GPU headroom: declare serving.gpu_quota"),
                (not self.autoscaling.enabled, "autoscaling.max_groups",
                 "the autoscaler's maximum must fit the account's GPUs: declare serving.gpu_quota"))
            return
        per_group, groups = self.total_gpus, max(self.replicas, self.autoscaling.max_groups if self.autoscaling.enabled else 0)
        yield from violations(
            (groups * per_group <= self.gpu_quota, "autoscaling.max_groups" if self.autoscaling.enabled else "replicas",
             f"{groups} groups x {per_group} GPUs exceed serving.gpu_quota ({self.gpu_quota})"),
            ((groups + self.rollout.max_surge) * per_group <= self.gpu_quota, "rollout.max_surge",
             f"a rollout runs {groups} + {self.rollout.max_surge} groups x {per_group} GPUs = "
             f"{(groups + self.rollout.max_surge) * per_group}, above serving.gpu_quota ({self.gpu_quota})"))

    @property
    def groups(self) -> int:
        """Groups the LeaderWorkerSet asks for: none while parked."""
        return 0 if self.parked else self.replicas

    @property
    def driver_version(self) -> str | None:
        """The driver label to put on GPU pods; None keeps the series' default."""
        if self.gpu_driver_version is not None:
            return self.gpu_driver_version
        series = GPU_SERIES.get(self.gpu_model_series)
        return driver_for(series, self.engine_spec.cuda_major.value) if series else None

    @property
    def total_gpus(self) -> int:
        return self.gpus_per_pod * self.pods_per_group

    @property
    def engine_spec(self):
        """The chosen engine (config/engines)."""
        return ENGINES[self.engine]


class _ModelPaths:
    """What an engine's command line reads from the model section, for checks that run on `serving` alone."""

    mount_path = "/models/model"
    served_name = "model"
