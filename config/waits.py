"""Every wait `pulumi up` can sit in, in order: their sum is the longest run the stack can take."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Wait:
    what: str
    minutes: int
    field: str
    """The config field that sets it."""


def waits(stack) -> list[Wait]:
    """The awaited steps of one `pulumi up` of `stack`, each with its timeout (they run one after another)."""
    found = []
    if stack.creates_cluster:
        found.append(Wait("cluster creation", stack.cluster.create_timeout_minutes, "cluster.create_timeout_minutes"))
    found.append(Wait("LWS controller", stack.charts.lws.ready_timeout_minutes, "charts.lws.ready_timeout_minutes"))
    if stack.uses_fluid:
        found.append(Wait("Fluid controllers", stack.charts.fluid.ready_timeout_minutes,
                          "charts.fluid.ready_timeout_minutes"))
    if stack.model.import_.enabled:
        found.append(Wait("model import", stack.model.import_.timeout_minutes, "model.import.timeout_minutes"))
    if stack.uses_fluid:
        # Two waits in a row: the Dataset until Bound (its runtime up), then the warm-up's waiter Job.
        found.append(Wait("cache bind (Dataset Bound)", stack.storage.fluid.load_timeout_minutes,
                          "storage.fluid.load_timeout_minutes"))
        found.append(Wait("cache warm-up", stack.storage.fluid.load_timeout_minutes,
                          "storage.fluid.load_timeout_minutes"))
    found.append(Wait("model load (LeaderWorkerSet Available)", stack.serving.ready_timeout_minutes,
                      "serving.ready_timeout_minutes"))
    if stack.jobs.smoke_test:
        found.append(Wait("smoke test", stack.jobs.smoke_test_timeout_minutes, "jobs.smoke_test_timeout_minutes"))
    return found


def total_minutes(stack) -> int:
    return sum(wait.minutes for wait in waits(stack))
