"""Read a stack's Pulumi config into `StackConfig`, or fail with one readable list of every problem."""

import difflib
import json
import typing
from collections.abc import Collection, Mapping
from typing import Any

from pydantic import BaseModel

from . import credentials
from .schema import StackConfig
from .validation import Issue, validate

NAMESPACE = "deepseek-acs"
REGION_KEY = "alicloud:region"
KNOWN_NAMESPACES = (NAMESPACE, "alicloud", "pulumi", "kubernetes")
"""Namespaces a stack file of this project holds; a near miss of one of them is a typo, reported as such."""
SECRET_FIELDS = frozenset({"api_key", "hub_token", "package_index_url", "grafana_auth",
                           "dingtalk_webhook_url"})
"""Keys accepted only as Pulumi secrets. Pulumi marks a whole structured key secret when any leaf is, so
secrets get keys of their own instead of sitting inside a section."""


class ConfigError(Exception):
    """A stack's configuration is invalid; `problems` are (field path, what is wrong and what is allowed)."""

    def __init__(self, stack: str, problems: list[tuple[str, str]]):
        self.stack = stack
        self.problems = problems
        lines = [f"  {path}: {message}" for path, message in problems]
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"invalid configuration for stack {stack!r} ({len(problems)} {noun}):\n" + "\n".join(lines))


def load(raw: Mapping[str, Any], secret_keys: Collection[str], stack: str) -> StackConfig:
    """Validate raw Pulumi config (`namespace:key` -> string or JSON string) for `stack`."""
    problems: list[tuple[str, str]] = []
    data: dict[str, Any] = {}
    for key, value in raw.items():
        namespace, _, name = key.partition(":")
        key_problem = _key_problem(key, namespace, name)
        if key_problem:
            problems.append((credentials.path_part(key), key_problem))
            continue
        if namespace != NAMESPACE:
            continue
        if name == "region":
            problems.append((name, f"the region is read from {REGION_KEY}; set it there instead"))
            continue
        problems.extend(_secrecy_problems(name, key in secret_keys))
        data[name] = _decode(value)
    if REGION_KEY in raw:
        data["region"] = raw[REGION_KEY]
    problems.extend(credentials.problems(data, StackConfig, SECRET_FIELDS))
    config, issues = validate(StackConfig, data)
    problems.extend(_describe(issue) for issue in issues)
    if problems:
        raise ConfigError(stack, problems)
    return config


def from_pulumi() -> StackConfig:
    """Load the running stack's config (inside a Pulumi program, real or mocked)."""
    import pulumi
    from pulumi.runtime import config as runtime_config

    raw = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    declared_secret = set(runtime_config.get_config_secret_keys_env())
    secret = {key for key in raw if key in declared_secret or runtime_config.is_config_secret(key)}
    return load(raw, secret, pulumi.get_stack())


def _key_problem(key: str, namespace: str, name: str) -> str | None:
    """What is wrong with a config key's form, if anything: no namespace, a misspelt one, or a dotted name."""
    if not name:
        return f"not a config key: write '<namespace>:<name>', e.g. '{NAMESPACE}:serving'"
    if namespace not in KNOWN_NAMESPACES:
        close = difflib.get_close_matches(namespace.lower().replace("_", "-"), KNOWN_NAMESPACES, n=1, cutoff=0.75)
        if close:
            return (f"unknown namespace {namespace!r}: did you mean {close[0]!r}? Keys under {namespace!r} are "
                    "never read")
        return None
    if namespace == NAMESPACE and "." in name:
        section, _, rest = name.partition(".")
        return (f"a dotted key is what `pulumi config set` writes without --path; set the field inside the "
                f"'{section}' object instead: pulumi config set --path '{NAMESPACE}:{section}.{rest}' <value>")
    return None


def _secrecy_problems(name: str, is_secret: bool) -> list[tuple[str, str]]:
    if name in SECRET_FIELDS and not is_secret:
        return [(name, f"must be a Pulumi secret: pulumi config set --secret {NAMESPACE}:{name} <value>")]
    if name not in SECRET_FIELDS and is_secret:
        return [(name, f"holds a secret value; secrets are accepted only in: {', '.join(sorted(SECRET_FIELDS))}")]
    return []


def _decode(value: Any) -> Any:
    """Structured config arrives as JSON text; scalars stay strings and pydantic coerces them."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _describe(issue: Issue) -> tuple[str, str]:
    path = _path(issue.loc)
    if issue.kind == "extra_forbidden":
        return path, f"unknown key; allowed here: {', '.join(_fields_at(issue.loc[:-1]))}"
    shown = issue.loc[:1] not in [(field,) for field in SECRET_FIELDS] \
        and issue.kind not in ("rule", "value_error", "missing") and not isinstance(issue.input, (dict, list)) \
        and not credentials.looks_like_a_credential(str(issue.input))
    message = issue.message
    if isinstance(issue.input, str) and issue.input and credentials.looks_like_a_credential(issue.input):
        message = message.replace(issue.input, "<value withheld: it looks like a credential>")
    return path, message + (f" (got {issue.input!r})" if shown else "")


def _path(loc: tuple) -> str:
    if loc[:1] == ("region",):
        return REGION_KEY
    return ".".join(credentials.path_part(part) for part in loc) or "<root>"


def _fields_at(loc: tuple) -> list[str]:
    """Config keys of the model found by walking `loc` from StackConfig (list indices skipped)."""
    model: type[BaseModel] = StackConfig
    for part in loc:
        if isinstance(part, int):
            continue
        fields = {field.alias or name: field for name, field in model.model_fields.items()}
        model = _nested_model(fields[str(part)].annotation)
    return [field.alias or name for name, field in model.model_fields.items()]


def _nested_model(annotation: Any) -> type[BaseModel]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        try:
            return _nested_model(arg)
        except TypeError:
            continue
    raise TypeError(f"no model in {annotation!r}")
