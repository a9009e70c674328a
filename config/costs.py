"""What a stack costs, from its `prices` (defaults: the dated public table of `config/platform/prices.py`).

    running     GPU pods (GPUs x GPU price + vCPUs x vCPU price + GiB x memory price, every pod of every group)
                + parked
    parked      everything but the GPU pods: Fluid cache workers, NAT gateway (instance, CUs), EIP, OSS storage
    cold start  the GPU pods' price x one group start (best, expected, worst): billed while loading, not serving
    storage     the weights in OSS per month

A line whose price is not public and not set is "not set": the sums it belongs to are then incomplete, and say
so, instead of showing a number that leaves it out silently.
"""

from dataclasses import dataclass

from .estimates import Span, cold_start
from .platform.prices import CPU_POD_HOUR, NAT_INSTANCE_HOUR
from .platform.regions import REGIONS

GB = 10**9
HOURS_PER_MONTH = 30 * 24
"""OSS bills a GB-month as 30 days of 24 hours (storage fees page: 'Unit price per month/30/24')."""


@dataclass(frozen=True)
class Line:
    """One billed item per hour; `per_hour` None when a price it needs is not set (`missing` names which)."""

    what: str
    per_hour: float | None
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Total:
    per_hour: float
    """The sum of the lines that have a price."""
    missing: tuple[str, ...]
    """Prices not set: when any, per_hour is a lower bound."""


def total(lines: list[Line]) -> Total:
    return Total(sum(line.per_hour or 0.0 for line in lines),
                 tuple(dict.fromkeys(name for line in lines for name in line.missing)))


def _mainland(stack) -> bool:
    region = REGIONS.get(stack.region)
    return region.mainland if region is not None else stack.region.startswith("cn-")


def gpu_pods(stack) -> Line:
    serving, prices = stack.serving, stack.prices
    pods = serving.replicas * serving.pods_per_group
    gpu = prices.gpu_hour.get(serving.gpu_model_series)
    parts = {f"prices.gpu_hour.{serving.gpu_model_series}": gpu, "prices.gpu_pod_vcpu_hour": prices.gpu_pod_vcpu_hour,
             "prices.gpu_pod_gib_hour": prices.gpu_pod_gib_hour}
    missing = tuple(name for name, price in parts.items() if price is None)
    what = f"GPU pods: {pods} x ({serving.gpus_per_pod} {serving.gpu_model_series}, {serving.cpu} vCPU, " \
           f"{serving.memory_gib} GiB)"
    if missing:
        return Line(what, None, missing)
    return Line(what, pods * (serving.gpus_per_pod * gpu + serving.cpu * prices.gpu_pod_vcpu_hour
                              + serving.memory_gib * prices.gpu_pod_gib_hour))


def cache_workers(stack) -> Line:
    fluid, prices = stack.storage.fluid, stack.prices
    vcpu, gib = CPU_POD_HOUR[(_mainland(stack), fluid.compute_class, fluid.compute_qos)].value
    vcpu = prices.cpu_vcpu_hour if prices.cpu_vcpu_hour is not None else vcpu
    gib = prices.cpu_gib_hour if prices.cpu_gib_hour is not None else gib
    return Line(f"cache workers: {fluid.workers} x ({fluid.worker_cpu} vCPU, {fluid.tier_quota_gib} GiB)",
                fluid.workers * (fluid.worker_cpu * vcpu + fluid.tier_quota_gib * gib))


def _nat(stack) -> list[Line]:
    prices = stack.prices
    instance = prices.nat_hour if prices.nat_hour is not None else NAT_INSTANCE_HOUR[_mainland(stack)].value
    lines = [Line("NAT gateway instance", instance)]
    for what, price, name in (("NAT gateway CUs (usage)", prices.nat_cu_hour, "prices.nat_cu_hour"),
                              ("EIP configuration fee", prices.eip_hour, "prices.eip_hour")):
        lines.append(Line(what, price, () if price is not None else (name,)))
    return lines


def storage_month(stack) -> float:
    """USD per month of the weights in OSS (one copy; versioning keeps overwritten ones on top)."""
    return stack.model.weights_bytes / GB * stack.prices.oss_gb_month


def parked(stack) -> list[Line]:
    """What bills with no GPU pod running."""
    lines = [cache_workers(stack)] if stack.uses_fluid else []
    if stack.network is not None and stack.network.creates_network:
        lines.extend(_nat(stack))
    lines.append(Line("OSS storage (weights)", storage_month(stack) / HOURS_PER_MONTH))
    return lines


def running(stack) -> list[Line]:
    return [gpu_pods(stack), *parked(stack)]


def cold_start_cost(stack) -> Span | None:
    """USD the GPU pods bill during one cold start of every group (None while a GPU-pod price is not set)."""
    line = gpu_pods(stack)
    if line.per_hour is None:
        return None
    return cold_start(stack).group.times(line.per_hour / 3600)
