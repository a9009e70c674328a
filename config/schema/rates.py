"""`rates`: the throughputs and durations of the cold-start estimate (`config/estimates.py`), each a range.

Every default is a sourced fact of `config/platform/rates.py`; a stack overrides any of them with its own figures
(a first deployment's logs are the best source). Throughputs are `best >= expected >= worst`, durations and
fractions `best <= expected <= worst`.
"""

from pydantic import Field

from ..platform import rates
from .base import Section, rule, violations


class Throughput(Section):
    """A rate as a range: the best case is the fastest."""

    best: float = Field(gt=0, description="Fastest plausible rate.")
    expected: float = Field(gt=0, description="The rate to plan with.")
    worst: float = Field(gt=0, description="Slowest plausible rate: timeouts cover it.")

    @rule("best", "expected", "worst")
    def _ordered(self):
        fast_first = not isinstance(self, Duration)
        ordered = self.best >= self.expected >= self.worst if fast_first else self.best <= self.expected <= self.worst
        yield from violations((ordered, "expected", f"a range must be best {'>=' if fast_first else '<='} expected "
                                                    f"{'>=' if fast_first else '<='} worst, not {self.best}, "
                                                    f"{self.expected}, {self.worst}"))


class Duration(Throughput):
    """A duration (or a share of one) as a range: the best case is the shortest."""

    best: float = Field(ge=0, description="Shortest plausible value.")
    expected: float = Field(ge=0, description="The value to plan with.")
    worst: float = Field(ge=0, description="Longest plausible value: timeouts cover it.")


def _default(kind: type[Throughput], fact) -> Field:
    best, expected, worst = fact.value
    return Field(default_factory=lambda: kind(best=best, expected=expected, worst=worst),
                 description=f"Default {fact.value}: {fact.source.cite()}.")


class RatesConfig(Section):
    """Rates of the cold-start estimate; the timeouts left unset are derived from its worst case."""

    image_gib: dict[str, float] = Field(
        default_factory=lambda: {name: fact.value for name, fact in rates.IMAGE_SIZES_GIB.items()},
        description="Bytes a pull of each image transfers, GiB, by '<name>:<tag>' (the image's last path component). "
        "Required for every image the stack runs that has no published size.",
    )
    pull_mbps: Throughput = _default(Throughput, rates.PULL_MBPS)
    image_cache_fraction: Duration = _default(Duration, rates.IMAGE_CACHE_FRACTION)
    warmup_mbps_per_worker: Throughput = _default(Throughput, rates.WARMUP_MBPS_PER_WORKER)
    oss_account_gbitps: Throughput = _default(Throughput, rates.OSS_ACCOUNT_GBITPS)
    oss_read_mbps: Throughput = _default(Throughput, rates.OSS_READ_MBPS)
    cache_read_mbps: Throughput = _default(Throughput, rates.CACHE_READ_MBPS)
    engine_init_seconds: Duration = _default(Duration, rates.ENGINE_INIT_SECONDS)
    graph_capture_seconds: Duration = _default(Duration, rates.GRAPH_CAPTURE_SECONDS)
    hub_mbps: Throughput = _default(Throughput, rates.HUB_MBPS)
    margin: float = Field(
        1.25, ge=1.0, le=4.0,
        description="Every derived timeout is the worst-case estimate of what it waits for x this margin.",
    )

    @rule("image_gib")
    def _sizes_positive(self):
        for name, size in self.image_gib.items():
            yield from violations((size > 0, f"image_gib.{name}", f"an image size is positive GiB, not {size}"))
