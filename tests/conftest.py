"""Shared harness: stack files as the CLI passes them, and the program run under mocks.

`engine.run` gives every run its own event loop and fresh Pulumi settings, so runs are isolated. Runs of the
unchanged stack files are cached for the session: a `Run` is plain data, and tests only read it.
"""

import copy
import functools
import json

import pytest

from offline import engine, stackfile
from tests.stacks import VARIANTS

STACKS = ("dev", "prod")
EVERY_STACK = (*STACKS, *VARIANTS)


@functools.cache
def stack_file(stack: str) -> tuple[dict[str, str], tuple[str, ...]]:
    config, secret_keys = stackfile.read(engine.PROJECT_ROOT, stack)
    return config, tuple(secret_keys)


def changed_config(stack: str, changes: dict[str, object]) -> tuple[dict[str, str], list[str]]:
    """The stack file's config with `{"section.path.to.field": value}` set (None removes the field)."""
    config, secret_keys = stack_file(stack)
    config = dict(config)
    for dotted, value in changes.items():
        key, *path = dotted.split(".")
        full_key = key if ":" in key else f"deepseek-acs:{key}"
        if not path:
            _set_top_level(config, full_key, value)
            continue
        document = json.loads(config.get(full_key, "{}"))
        target = document
        for part in path[:-1]:
            target = target.setdefault(part, {})
        if value is None:
            target.pop(path[-1], None)
        else:
            target[path[-1]] = copy.deepcopy(value)
        config[full_key] = json.dumps(document)
    return config, list(secret_keys)


def _set_top_level(config: dict[str, str], key: str, value: object) -> None:
    if value is None:
        config.pop(key, None)
    else:
        config[key] = value if isinstance(value, str) else json.dumps(value)


@functools.cache
def _cached_run(stack: str) -> engine.Run:
    if stack in VARIANTS:
        base, changes = VARIANTS[stack]
        config, secret_keys = changed_config(base, changes)
        return engine.run(base, config, secret_keys)
    config, secret_keys = stack_file(stack)
    return engine.run(stack, config, secret_keys)


@pytest.fixture(params=STACKS)
def each_stack(request) -> str:
    return request.param


@pytest.fixture(params=EVERY_STACK)
def every_stack(request) -> str:
    """The committed stacks and the test stacks (tests/stacks.py)."""
    return request.param


@pytest.fixture
def rendered():
    """rendered(stack) -> the Run of the unchanged stack file or test stack (shared, read-only)."""
    return _cached_run


@pytest.fixture
def render():
    """render(stack, {"serving.replicas": 2}) -> a fresh Run with those config changes."""

    def _render(stack: str, changes: dict[str, object] | None = None, secrets: tuple[str, ...] = ()) -> engine.Run:
        """`secrets`: top-level keys of `changes` that the stack file holds as `secure:` values."""
        config, secret_keys = changed_config(stack, changes or {})
        return engine.run(stack, config, [*secret_keys, *(f"deepseek-acs:{key}" for key in secrets)])

    return _render
