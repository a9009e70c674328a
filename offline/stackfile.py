"""Read `Pulumi.<stack>.yaml` the way the Pulumi CLI hands it to a program, without decrypting anything.

Structured values become JSON text and scalars strings, as the CLI passes them. A `secure:` value (at the top
or nested inside a structured key) becomes SECRET_PLACEHOLDER, and its whole key is marked secret, as Pulumi
marks a key whose object holds a secret leaf.
"""

import json
from pathlib import Path
from typing import Any

import yaml

SECRET_PLACEHOLDER = "offline-placeholder-secret"
"""What the program receives for every `secure:` value offline. It must never appear unmasked in a plan."""


class StackFileError(Exception):
    """The stack file is missing or is not a Pulumi stack file."""


def available_stacks(root: Path) -> list[str]:
    return sorted(path.name[len("Pulumi."):-len(".yaml")] for path in root.glob("Pulumi.*.yaml"))


def read(root: Path, stack: str) -> tuple[dict[str, str], list[str]]:
    """Return (config as the CLI passes it, keys holding secrets) for `stack`."""
    path = root / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        raise StackFileError(f"stack: no file {path.name}; available stacks: {', '.join(available_stacks(root))}")
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as error:
        raise StackFileError(f"{path.name}: not valid YAML: {error}") from None
    entries = document.get("config", {}) if isinstance(document, dict) else None
    if not isinstance(entries, dict):
        raise StackFileError(f"{path.name}: expected a mapping with a 'config' mapping of 'namespace:key' entries")
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in entries.items():
        plain, is_secret = _replace_secure(value)
        config[str(key)] = _as_cli_string(plain)
        if is_secret:
            secret_keys.append(str(key))
    return config, secret_keys


def _replace_secure(value: Any) -> tuple[Any, bool]:
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return SECRET_PLACEHOLDER, True
        pairs = {key: _replace_secure(item) for key, item in value.items()}
        return {key: item for key, (item, _) in pairs.items()}, any(secret for _, secret in pairs.values())
    if isinstance(value, list):
        items = [_replace_secure(item) for item in value]
        return [item for item, _ in items], any(secret for _, secret in items)
    return value, False


def _as_cli_string(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
