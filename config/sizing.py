"""Derived sizing: the numbers the config rules check and the offline plan prints."""

from dataclasses import dataclass

GIB = 2**30


def gib(n_bytes: float) -> float:
    return n_bytes / GIB


@dataclass(frozen=True)
class Sizing:
    gpus_per_group: int
    total_gpus: int
    """All groups together: what the stack bills."""
    weights_bytes: int
    weights_per_gpu_bytes: float
    usable_gpu_bytes: float
    """GPU memory x the engine's memory fraction."""
    cache_capacity_bytes: float = 0.0
    """Fluid: workers x tier quota x high watermark (0 without Fluid)."""
    cache_needed_bytes: int = 0

    @classmethod
    def weights(cls, model, serving) -> "Sizing":
        """The GPU side alone (the KV cache and concurrency: config/capacity.py)."""
        weights = model.weights_bytes
        usable = serving.gpu_memory_gib * GIB * serving.engine_spec.settings(serving).memory_fraction
        return cls(
            gpus_per_group=serving.total_gpus,
            total_gpus=serving.total_gpus * serving.replicas,
            weights_bytes=weights,
            weights_per_gpu_bytes=weights / (serving.tensor_parallel * serving.pipeline_parallel),
            usable_gpu_bytes=usable,
        )

    @classmethod
    def of(cls, stack) -> "Sizing":
        gpu = cls.weights(stack.model, stack.serving)
        if not stack.uses_fluid:
            return gpu
        return cls(**{**gpu.__dict__, "cache_capacity_bytes": stack.storage.fluid.capacity_bytes,
                      "cache_needed_bytes": gpu.weights_bytes})
