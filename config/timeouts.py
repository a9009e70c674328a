"""Timeouts from the cold-start estimate: each wait `pulumi up` sits in covers the worst case of what it waits for,
times `rates.margin`. A configured timeout below that is refused with the estimate; an unset one is derived.

`StackConfig` calls `derive_timeouts` as it is built, so the sections carry the effective values: the components,
`config/waits.py` (the sum behind the kubeconfig lifetime) and the rules read one number per wait.
"""

import math
from dataclasses import dataclass

from .estimates import MB, MissingRate, cold_start, job_pull, seconds_for
from .schema.base import Problem

SMOKE_ATTEMPTS, SMOKE_REQUEST_SECONDS, SMOKE_RETRY_SECONDS = 3, 300, 10
"""The smoke test's tries (components/smoke_test.py `--attempts`, pinned by a test to the rendered Job), the worst
answer the estimate allows each (the Job spreads its deadline over the tries) and jobs/smoke_test.py's default
`--retry-delay`."""

INPUTS = ("model", "storage", "serving", "jobs", "rates", "images", "region")
"""The sections the estimate reads: derivation waits until all are valid."""


@dataclass(frozen=True)
class Required:
    """The shortest timeout a wait may have (its worst case x margin), and what that is made of."""

    field: str
    minutes: int
    why: str


def rollout_batches(stack) -> int:
    """Groups a pod-template change recreates one batch after another (serving.rollout; LWS's own defaults are
    maxUnavailable 1, surge 0: LWS_ROLLOUT_DEFAULTS)."""
    rollout = stack.serving.rollout
    return math.ceil(stack.serving.replicas / max(1, rollout.max_unavailable + rollout.max_surge))


def _minutes(seconds: float, margin: float) -> int:
    return max(1, math.ceil(seconds * margin / 60))


def required(stack) -> list[Required]:
    """The shortest allowed value of every timeout the stack uses. MissingRate when a rate is not given."""
    estimate, margin, serving = cold_start(stack), stack.rates.margin, stack.serving
    group = estimate.group.worst
    startup = max(_minutes(group, margin), math.ceil(serving.group_formation_timeout_seconds / 60) + 1)
    batches = rollout_batches(stack)
    found = [
        Required("serving.startup_timeout_minutes", startup,
                 f"a group's worst start {group / 60:.0f} min (pull + weight read + engine start) x {margin:g}, and "
                 f"past group_formation_timeout_seconds ({serving.group_formation_timeout_seconds} s)"),
        Required("serving.ready_timeout_minutes", max(_minutes(group * batches, margin), startup),
                 f"{batches} rollout batch(es) x a group's worst start {group / 60:.0f} min x {margin:g}, and at "
                 "least the startup budget"),
    ]
    if stack.uses_fluid:
        load = estimate.phase("cache warm-up").worst
        found.append(Required("storage.fluid.load_timeout_minutes", _minutes(load, margin),
                              f"the worst warm-up {load / 60:.0f} min x {margin:g}"))
    if stack.model.import_.enabled:
        copy = seconds_for(stack.model.weights_bytes / MB, stack.rates.hub_mbps).worst
        found.append(Required("model.import.timeout_minutes", _minutes(copy + job_pull(stack), margin),
                              f"the worst copy {copy / 60:.0f} min at {stack.rates.hub_mbps.worst:g} MB/s + the "
                              f"image pull, x {margin:g}"))
    if stack.jobs.smoke_test:
        asking = SMOKE_ATTEMPTS * SMOKE_REQUEST_SECONDS + (SMOKE_ATTEMPTS - 1) * SMOKE_RETRY_SECONDS
        found.append(Required("jobs.smoke_test_timeout_minutes", _minutes(asking + job_pull(stack), margin),
                              f"{SMOKE_ATTEMPTS} requests of up to {SMOKE_REQUEST_SECONDS} s + the image pull, "
                              f"x {margin:g}"))
    return found


def _path(field: str) -> list[str]:
    """'model.import.timeout_minutes' -> attribute names (the `import` key is the `import_` attribute)."""
    return [part + "_" if part == "import" else part for part in field.split(".")]


def value(stack, field: str):
    target = stack
    for part in _path(field):
        target = getattr(target, part)
    return target


def _replaced(section, parts: list[str], new):
    """A copy of `section` with the attribute at `parts` set to `new` (sections are frozen)."""
    if len(parts) == 1:
        return section.model_copy(update={parts[0]: new})
    return section.model_copy(update={parts[0]: _replaced(getattr(section, parts[0]), parts[1:], new)})


def derive_timeouts(stack) -> None:
    """Set every unset timeout of `stack` to its required value (a derived wait also covers the startup budget).
    Does nothing until the estimate's inputs are valid or while a rate is missing (a rule reports that)."""
    if not all(name in stack.__dict__ for name in INPUTS):
        return
    try:
        needed = required(stack)
    except MissingRate:
        return
    for item in needed:
        if value(stack, item.field) is not None:
            continue
        minutes = item.minutes
        if item.field == "serving.ready_timeout_minutes":
            minutes = max(minutes, value(stack, "serving.startup_timeout_minutes"))
        top, *rest = _path(item.field)
        stack.__dict__[top] = _replaced(stack.__dict__[top], rest, minutes)


def _maximum(stack, field: str) -> int:
    *parents, name = _path(field)
    section = stack
    for part in parents:
        section = getattr(section, part)
    bounds = [getattr(item, "le") for item in type(section).model_fields[name].metadata if hasattr(item, "le")]
    return min(bounds)


def timeout_problems(stack):
    """A problem for each timeout below its worst case, or above what its field allows once derived."""
    try:
        needed = required(stack)
    except MissingRate as missing:
        yield Problem(missing.field, missing.message)
        return
    for item in needed:
        minutes, ceiling = value(stack, item.field), _maximum(stack, item.field)
        if minutes is None:
            continue
        if minutes < item.minutes:
            yield Problem(item.field, f"{minutes} min is shorter than the worst-case estimate: {item.why} = "
                                      f"{item.minutes} min; raise it or leave it unset (derived)")
        elif minutes > ceiling:
            yield Problem(item.field, f"the worst-case estimate needs {minutes} min ({item.why}), more than the "
                                      f"{ceiling} min allowed: give faster `rates` measured on your account")
