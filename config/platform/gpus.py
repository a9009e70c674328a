"""ACS GPU pods per GPU model series: memory per GPU, pod shapes, drivers.

ACS publishes its GPU pod spec table only to customers ("submit a ticket"); the shapes below are what public
sources state, each with its source. A series or GPU count without a published shape is still accepted (ACS
normalises what it can), and the plan says so.
"""

from dataclasses import dataclass, field
from datetime import date

from . import Fact, Source

_READ = date(2026, 12, 1)
GUIDE = Source(
    "https://www.alibabacloud.com/help/en/cs/user-guide/using-acs-gpu-computing-power-to-build-a-distributed-"
    "deepseek-full-blood-version-reasoning-service",
    _READ,
    "Last updated Jan 26, 2026: \"a single instance with 96 GiB of GPU memory is recommended: GPU: 8 cards (96 GiB "
    "memory per card), CPU: 64 vCPUs, Memory: 512 GiB\"; its pods request `memory: 512G` (512e9 bytes, 476.8 GiB) "
    "with requests equal to limits.",
)
DRIVERS = Source(
    "https://www.alibabacloud.com/help/es/cs/user-guide/list-of-gpu-driver-versions-supported-by-acs/",
    _READ,
    "Last updated Sep 24, 2026. The version marked (default) is used when a pod does not set "
    "`alibabacloud.com/gpu-driver-version`. GU8TF: 580.95.05-open, 550.90.07 (default). GU8TEF: 580.95.05-open, "
    "570.133.20 (default), 550.127.08. L20 (GN8IS): 580.95.05-open, 570.133.20, 550.90.07 (default), 535.161.08. "
    "L20X (GX8SF): 580.95.05-open, 570.133.20 (default), 550.127.08.",
)
H20_141 = Source(
    "https://www.apetops-us.com/help/ai-293-h20-different-memory-versions-a-deep-analysis-of-performance-differences-"
    "and-large-model-adaptability",
    _READ,
    "\"The H20 is available in two memory configurations: 96GB and 141GB.\" That ACS's GU8TEF is the 141 GB card "
    "comes from the team's earlier research (../shared/reference/audits/peers-2026.md §1.8, 'GU8TEF 141 GiB/GPU'), "
    "not from an Alibaba page: confirm it on the first deploy (docs/first-deploy.md).",
)
L20_MEMORY = Source("https://huggingface.co/hardware/l20", _READ, "NVIDIA L20: \"Memory 48GB\".")
H20_FP8 = Source(
    "https://ke60.top/article/1471038.html", _READ,
    "NVIDIA H20: \"The headline is its Transformer Engine with FP8 precision\" (Hopper, like H100/H200, whose "
    "4th-generation Tensor Cores brought FP8). For L20/L20X no public page read here states FP8 support, so FP8 "
    "KV cache is not offered on them until confirmed (docs/first-deploy.md).",
)


@dataclass(frozen=True)
class PodShape:
    """A pod ACS offers for this many GPUs: its vCPUs and memory (requests = limits)."""

    gpus: int
    vcpus: int
    memory_gib: int
    source: Source


@dataclass(frozen=True)
class GpuSeries:
    label: str
    """The `alibabacloud.com/gpu-model-series` value."""
    gpu_memory_gib: float
    default_driver: str
    drivers: tuple[str, ...]
    source: Source
    fp8: Fact[bool]
    """Whether the GPU computes in FP8 (what an FP8 KV cache needs)."""
    shapes: tuple[PodShape, ...] = field(default_factory=tuple)
    """Published pod shapes; empty when no public source lists them."""

    def shapes_for(self, gpus: int) -> tuple[PodShape, ...]:
        return tuple(shape for shape in self.shapes if shape.gpus == gpus)


GPU_SERIES = {
    series.label: series
    for series in (
        GpuSeries("GU8TF", 96, "550.90.07", ("580.95.05-open", "550.90.07"), DRIVERS, Fact(True, H20_FP8),
                  shapes=(PodShape(8, 64, 512, GUIDE),)),
        GpuSeries("GU8TEF", 141, "570.133.20", ("580.95.05-open", "570.133.20", "550.127.08"), H20_141,
                  Fact(True, H20_FP8)),
        GpuSeries("L20", 48, "550.90.07", ("580.95.05-open", "570.133.20", "550.90.07", "535.161.08"), L20_MEMORY,
                  Fact(False, H20_FP8)),
        GpuSeries("L20X", 141, "570.133.20", ("580.95.05-open", "570.133.20", "550.127.08"), DRIVERS,
                  Fact(False, H20_FP8)),
    )
}

GPU_COUNTS = Fact(
    (1, 2, 4, 8, 16),
    Source("https://www.alibabacloud.com/help/en/cs/user-guide/acs-pod-instance-overview", _READ,
           "GPU pods request `nvidia.com/gpu` with requests equal to limits; unsupported counts are rejected (per-series "
           "counts: submit a ticket). 16 only for the 16-card series (P16EN)."),
)

MEMORY_HEADROOM = Fact(
    1 - 512e9 / (512 * 2**30),
    Source(
        GUIDE.url,
        _READ,
        "ACS runs its own agent inside a GPU pod's memory (\"above 16 GiB the memory overhead is inside the pod\", "
        "ACS pod overview as recorded in ../shared/reference/acs.md §6), so a container may not take the whole spec: "
        "the reference deployment requests 512G = 476.8 GiB of the 512 GiB spec, a headroom of 6.87 %. Requests "
        "closer to the spec are refused here.",
    ),
)
"""The share of a pod shape's memory left to ACS: the largest request known to work is the guide's."""

LABELS = Source(
    "https://www.alibabacloud.com/help/en/cs/pod-gpu-model-and-driver-version",
    _READ,
    "Last updated Mar 31, 2026: for compute class gpu the model goes in metadata.labels"
    "[alibabacloud.com/gpu-model-series] (gpu-hpn: spec.nodeSelector), the driver in metadata.labels"
    "[alibabacloud.com/gpu-driver-version]; GPUs are requested as nvidia.com/gpu with requests equal to limits.",
)
GPU_RESOURCE = Fact("nvidia.com/gpu", LABELS)
DRIVER_LABEL = Fact("alibabacloud.com/gpu-driver-version", LABELS)
MODEL_SERIES_LABEL = Fact("alibabacloud.com/gpu-model-series", LABELS)


def largest_memory_request_gib(shape: PodShape) -> float:
    """What a pod of this shape may request: the shape less ACS's share."""
    return shape.memory_gib * (1 - MEMORY_HEADROOM.value)


CUDA_DRIVER_MINIMUM = Fact(
    {12: 525, 13: 580},
    Source("https://docs.nvidia.com/deploy/cuda-compatibility/minor-version-compatibility.html", _READ,
           "\"CUDA 13.x | >= 580 | N/A\"; \"CUDA 12.x | >= 525 | < 580 (newer drivers still supported through "
           "backward compatibility)\" (minor-version compatibility, with a limited feature set below a toolkit's "
           "own driver)."),
)
"""The oldest driver branch (major version) that runs an image built for each CUDA major."""


def driver_major(driver: str) -> int:
    return int(driver.split(".", 1)[0])


def driver_for(series: GpuSeries, cuda_major: int) -> str | None:
    """The driver to request for an image of `cuda_major` on `series`: None when the series' default runs it,
    else the newest driver the series offers that does (None as well when none does: the rule says so)."""
    needed = CUDA_DRIVER_MINIMUM.value[cuda_major]
    if driver_major(series.default_driver) >= needed:
        return None
    newer = [driver for driver in series.drivers if driver_major(driver) >= needed]
    return max(newer, key=lambda driver: tuple(int(part) for part in driver.removesuffix("-open").split("."))) \
        if newer else None
