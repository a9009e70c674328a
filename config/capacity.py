"""The capacity model: what each GPU holds, how many tokens the KV cache keeps, how many full-length sequences
run at once. Computed at plan time from the model's architecture, the engine, the parallel layout and the GPU.

Per GPU on the fullest pipeline stage (the stage with most layers sets the limit: the engines size every rank's
cache like the smallest):

    weights  = model bytes x stage layers / all layers / tensor_parallel
    kv       = gpu memory x fraction - weights - reserve      (vLLM: activations and CUDA graphs inside the fraction)
             = gpu memory x fraction - weights                 (SGLang: --mem-fraction-static is weights + KV only)
    tokens   = kv / (stage layers x values per token and layer x bytes per value)

MLA's latent cache is held whole by every tensor-parallel rank, so tensor parallelism does not multiply tokens;
GQA's heads split across ranks. The reserve is calibrated on engine logs published in public issues
(`CALIBRATION`, each a test case: the model lands within 15 % of the logged KV memory).
"""

import math
from dataclasses import dataclass
from datetime import date

from .catalog import CATALOG
from .platform import Fact, Source

GIB = 2**30
_READ = date(2026, 12, 1)

KV_BYTES = {"auto": 2, "fp8": 1}
"""Bytes per cached value: 'auto' keeps the model's bf16, 'fp8' one byte (vLLM fp8 / SGLang fp8_e4m3)."""

RESERVE_EAGER = Fact(
    2.77,
    Source("https://github.com/vllm-project/vllm/issues/13074", _READ,
           "DeepSeek-R1, TP8 x PP2 on H20-3e, vLLM V0, eager: \"model weights take 39.66GiB; non_torch_memory takes "
           "2.53GiB; PyTorch activation peak memory takes 0.24GiB; the rest of the memory reserved for KV Cache is "
           "97.29GiB\": 2.53 + 0.24 = 2.77 GiB besides the weights."),
)
"""GiB per GPU the engine keeps besides weights and KV cache, without CUDA graphs."""

RESERVE_CUDA_GRAPHS = Fact(
    RESERVE_EAGER.value + 2.0,
    Source("https://github.com/vllm-project/vllm/issues/13074", _READ,
           "No published DeepSeek-R1 log line gives the CUDA-graph pool; vLLM >= 0.21 subtracts its estimate from the "
           "KV budget (\"CUDA graph memory profiling is enabled (default since v0.21.0)\", vllm-0.33.0 wheel, "
           "v1/worker/gpu_worker.py). 2 GiB per GPU on top of the eager reserve is this project's allowance, to be "
           "replaced by the figure of the first deployment's log (docs/first-deploy.md)."),
)


@dataclass(frozen=True)
class Calibration:
    """A published engine log: the layout it ran and the KV memory it reported."""

    name: str
    gpu_memory_gib: float
    fraction: float
    tensor_parallel: int
    pipeline_parallel: int
    cuda_graphs: bool
    weights_gib: float
    kv_gib: float
    source: Source


CALIBRATION = (
    Calibration("vLLM V0, DeepSeek-R1, H20-3e, TP8 x PP2", 139.72, 1.0, 8, 2, False, 39.66, 97.29,
                RESERVE_EAGER.source),
)


@dataclass(frozen=True)
class Capacity:
    """One replica (one LWS group) of the stack, per GPU where it says so."""

    gpu_gib: float
    fraction: float
    stage_layers: int
    """Layers on the fullest pipeline stage (the MTP draft layer counted where on)."""
    weights_gib: float
    """Weights per GPU on the fullest stage."""
    reserve_gib: float
    kv_gib: float
    """KV cache per GPU (negative: the weights alone do not fit)."""
    bytes_per_token: int
    """KV bytes one token takes on one GPU of the fullest stage."""
    tokens: int
    """Tokens the replica's KV cache holds."""
    max_model_len: int

    @property
    def concurrency(self) -> float:
        """Sequences of max_model_len tokens the replica holds at once."""
        return self.tokens / self.max_model_len


def stage_layers(layers: int, pipeline_parallel: int) -> int:
    """Layers on the fullest stage when `layers` split over `pipeline_parallel` stages."""
    return math.ceil(layers / pipeline_parallel)


def of(stack) -> Capacity | None:
    """The capacity of `stack`'s replicas, or None for a model without architecture facts."""
    if stack.model.catalog is None:
        return None
    architecture = CATALOG[stack.model.catalog].architecture
    serving = stack.serving
    engine = serving.engine_spec
    settings = engine.settings(serving)
    layers = stage_layers(architecture.layers, serving.pipeline_parallel)
    weights = stack.model.weights_bytes / GIB * layers / architecture.layers / serving.tensor_parallel
    cached_layers = layers + (architecture.draft_layers if serving.speculative_decoding == "mtp" else 0)
    if serving.memory_reserve_gib is not None:
        reserve = serving.memory_reserve_gib
    else:
        reserve = (RESERVE_CUDA_GRAPHS if settings.cuda_graphs else RESERVE_EAGER).value
    kv = serving.gpu_memory_gib * settings.memory_fraction - weights
    if not engine.reserve_outside_fraction:
        kv -= reserve
    per_token = cached_layers * architecture.kv_values_per_rank(serving.tensor_parallel) * \
        KV_BYTES[serving.kv_cache_dtype]
    tokens = max(0, int(kv * GIB // per_token))
    return Capacity(serving.gpu_memory_gib, settings.memory_fraction, cached_layers, weights, reserve, kv, per_token,
                    tokens, serving.max_model_len)


def predicted_kv_gib(case: Calibration, model_bytes: int, layers: int) -> float:
    """The model's KV memory per GPU for a published case (what the calibration tests compare)."""
    stage = stage_layers(layers, case.pipeline_parallel)
    weights = model_bytes / GIB * stage / layers / case.tensor_parallel
    reserve = (RESERVE_CUDA_GRAPHS if case.cuda_graphs else RESERVE_EAGER).value
    return case.gpu_memory_gib * case.fraction - weights - reserve
