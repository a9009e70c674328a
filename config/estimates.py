"""The cold-start estimate of a stack, phase by phase, and the timeouts derived from it.

Phases of one group's cold start, each a range (best, expected, worst) from the stack's `rates`:

    image pull     image GiB / pull rate (x the image-cache share where the pods ask ACS for a cache)
    cache warm-up  bytes to cache / (workers x per-worker rate, capped by the account's OSS bandwidth)   [Fluid]
    weight read    bytes per pod / read rate of the path (OSS volume or Fluid cache; OSS capped per account)
    engine start   engine init (+ CUDA-graph capture where on)

The warm-up runs once, before the workload (its own wait); a group starts with pull + read + engine start. The
timeouts derived from the worst case are `config/timeouts.py`'s.
"""

from dataclasses import dataclass

GIB = 2**30
MB = 10**6

@dataclass(frozen=True)
class Span:
    """Seconds, as a range."""

    best: float
    expected: float
    worst: float

    def __add__(self, other: "Span") -> "Span":
        return Span(self.best + other.best, self.expected + other.expected, self.worst + other.worst)

    def times(self, factor: float) -> "Span":
        return Span(self.best * factor, self.expected * factor, self.worst * factor)


ZERO = Span(0, 0, 0)


@dataclass(frozen=True)
class Phase:
    name: str
    span: Span
    basis: str
    """What the figure is made of, for the plan and the error messages."""


@dataclass(frozen=True)
class ColdStart:
    """One stack's cold start: the phases, and what a group takes from creation to ready."""

    phases: tuple[Phase, ...]

    def phase(self, name: str) -> Span:
        return next((p.span for p in self.phases if p.name == name), ZERO)

    @property
    def group(self) -> Span:
        """A group from pod creation to ready: pull, weight read, engine start (the cache is warm by then)."""
        return self.phase("image pull") + self.phase("weight read") + self.phase("engine start")


class MissingRate(Exception):
    """The estimate needs a rate the stack does not give (e.g. the size of an unlisted image)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def seconds_for(amount: float, rate) -> Span:
    """`amount` (in the rate's unit) over a Throughput: the best rate gives the best (shortest) time."""
    return Span(amount / rate.best, amount / rate.expected, amount / rate.worst)


def _span(duration) -> Span:
    return Span(duration.best, duration.expected, duration.worst)


def image_key(reference: str) -> str:
    """'<host>/<path>/<name>:<tag>@<digest>' -> '<name>:<tag>', the key of `rates.image_gib`."""
    return reference.split("@", 1)[0].rsplit("/", 1)[-1]


def image_gib(stack, reference: str, field: str) -> float:
    key = image_key(reference)
    if key not in stack.rates.image_gib:
        raise MissingRate("rates.image_gib", f"no public source gives the size of {key} ({field}): set "
                          f"rates.image_gib.{key} to the GiB its pull transfers (the sum of its compressed layers, "
                          "e.g. from your registry's console)")
    return stack.rates.image_gib[key]


def pull(stack, reference: str, field: str, gpu_series: str | None) -> Span:
    """Time to pull `reference`, with the image-cache share where the pods ask ACS for one."""
    plain = seconds_for(image_gib(stack, reference, field) * GIB / MB, stack.rates.pull_mbps)
    if not stack.image_cache(gpu_series):
        return plain
    share = stack.rates.image_cache_fraction
    return Span(plain.best * share.best, plain.expected * share.expected, plain.worst * share.worst)


def _oss_cap(stack, readers: int):
    """Per-reader MB/s the account's OSS bandwidth allows when `readers` read at once."""
    account = stack.rates.oss_account_gbitps
    return type(account)(best=account.best * 125 / readers, expected=account.expected * 125 / readers,
                         worst=account.worst * 125 / readers)


def _slower(rate, cap):
    return type(rate)(best=min(rate.best, cap.best), expected=min(rate.expected, cap.expected),
                      worst=min(rate.worst, cap.worst))


def warmup(stack) -> Span:
    fluid = stack.storage.fluid
    per_worker = stack.rates.warmup_mbps_per_worker
    rate = _slower(type(per_worker)(best=per_worker.best * fluid.workers, expected=per_worker.expected * fluid.workers,
                                    worst=per_worker.worst * fluid.workers), _oss_cap(stack, 1))
    return seconds_for(stack.model.weights_bytes / MB, rate)


def weight_read(stack) -> Span:
    """One pod's read of its share of the weights (its pipeline stages: weights / pods per group)."""
    serving = stack.serving
    per_pod = stack.model.weights_bytes / serving.pods_per_group / MB
    if stack.uses_fluid:
        return seconds_for(per_pod, stack.rates.cache_read_mbps)
    readers = serving.replicas * serving.pods_per_group
    return seconds_for(per_pod, _slower(stack.rates.oss_read_mbps, _oss_cap(stack, readers)))


def engine_start(stack) -> Span:
    init = _span(stack.rates.engine_init_seconds)
    graphs = stack.serving.engine_spec.settings(stack.serving).cuda_graphs
    return init + _span(stack.rates.graph_capture_seconds) if graphs else init


def cold_start(stack) -> ColdStart:
    serving = stack.serving
    phases = [Phase("image pull", pull(stack, stack.serving_image, "serving.image", serving.gpu_model_series),
                    f"{image_key(stack.serving_image)}, {'image cache' if stack.image_cache(serving.gpu_model_series) else 'no image cache'}")]
    if stack.uses_fluid:
        phases.append(Phase("cache warm-up", warmup(stack), f"{stack.storage.fluid.workers} workers, once per model"))
    path = "Fluid cache" if stack.uses_fluid else "OSS volume"
    phases.append(Phase("weight read", weight_read(stack), f"1/{serving.pods_per_group} of the weights per pod, {path}"))
    graphs = serving.engine_spec.settings(serving).cuda_graphs
    phases.append(Phase("engine start", engine_start(stack), "init + CUDA graphs" if graphs else "init, eager"))
    return ColdStart(tuple(phases))


def job_pull(stack) -> float:
    """Worst seconds of the Jobs' image pull."""
    field = "jobs.image" if stack.jobs.image else "serving.image"
    return pull(stack, stack.jobs_image, field, None).worst
