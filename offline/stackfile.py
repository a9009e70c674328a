"""Read `Pulumi.<stack>.yaml` the way the Pulumi CLI hands it to a program, without decrypting anything.

Structured values become JSON text and scalars strings, as the CLI passes them. A `secure:` value (at the top
or nested inside a structured key) becomes SECRET_PLACEHOLDER, and its whole key is marked secret, as Pulumi
marks a key whose object holds a secret leaf.

The file is read strictly: YAML silently keeps the last of two equal keys (so `gpus_per_pod` written twice
changes the bill without a word), which here is an error naming both lines; so are bytes that are not UTF-8, an
empty file and a document that is not a mapping. Every such problem is reported at once.
"""

import datetime
import json
from pathlib import Path
from typing import Any

import yaml

SECRET_PLACEHOLDER = "offline-placeholder-secret"
"""What the program receives for every `secure:` value offline. It must never appear unmasked in a plan."""

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StackFileError(Exception):
    """The stack file is missing or is not a Pulumi stack file; the message says why, for every problem."""


class _StrictLoader(_Loader):  # type: ignore[misc, valid-type]
    """A safe loader that records duplicate keys (with both lines) instead of keeping the last one."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[tuple[int, str]] = []

    def construct_mapping(self, node, deep=False):
        first_line: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, f"a mapping key must be a plain value, not {type(key).__name__}", key_node.start_mark
                ) from None
            line = key_node.start_mark.line + 1
            if key in first_line:
                self.duplicates.append((line, f"line {line}: duplicate key {key!r} (first at line "
                                        f"{first_line[key]}); YAML would silently keep only the last value: remove one"))
            else:
                first_line[key] = line
        return super().construct_mapping(node, deep=deep)


def available_stacks(root: Path) -> list[str]:
    return sorted(path.name[len("Pulumi."):-len(".yaml")] for path in root.glob("Pulumi.*.yaml"))


def read(root: Path, stack: str) -> tuple[dict[str, str], list[str]]:
    """Return (config as the CLI passes it, keys holding secrets) for `stack`."""
    path = root / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        raise StackFileError(f"stack: no file {path.name}; available stacks: {', '.join(available_stacks(root))}")
    document = parse(path.read_bytes(), path.name)
    entries = document.get("config", {})
    if not isinstance(entries, dict):
        raise StackFileError(f"{path.name}: 'config' must be a mapping of 'namespace:key' entries, "
                             f"not {_kind(entries)}")
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in entries.items():
        plain, is_secret = _replace_secure(value)
        config[str(key)] = _as_cli_string(plain)
        if is_secret:
            secret_keys.append(str(key))
    return config, secret_keys


def parse(content: bytes, name: str) -> dict:
    """The stack file's document, or StackFileError listing every problem with its line."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise StackFileError(f"{name}: line {line}: byte 0x{content[error.start]:02x} is not UTF-8; stack files "
                             "must be UTF-8 text") from None
    if not text.strip():
        raise StackFileError(f"{name}: the file is empty; expected a mapping with a 'config' mapping of "
                             "'namespace:key' entries")
    loader = _StrictLoader(text)
    try:
        document = loader.get_single_data()
    except yaml.YAMLError as error:
        raise StackFileError(f"{name}: not valid YAML: {_yaml_problem(error, text)}") from None
    finally:
        loader.dispose()
    if loader.duplicates:
        raise StackFileError(f"{name}:\n" + "\n".join(f"  {problem}" for _, problem in sorted(loader.duplicates)))
    if not isinstance(document, dict):
        raise StackFileError(f"{name}: expected a mapping with a 'config' mapping of 'namespace:key' entries, "
                             f"not {_kind(document)}")
    return document


def _yaml_problem(error: yaml.YAMLError, text: str) -> str:
    if isinstance(error, yaml.reader.ReaderError):
        line = text[: error.position].count("\n") + 1
        character = f"U+{error.character:04X}" if isinstance(error.character, int) else repr(error.character)
        return f"line {line}: character {character} is not allowed in YAML (control characters are not)"
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark else problem


def _kind(value: Any) -> str:
    return "nothing" if value is None else f"a {type(value).__name__}"


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
        return json.dumps(value, default=_json_text)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return _json_text(value) if not isinstance(value, (str, int, float)) else str(value)


def _json_text(value: Any) -> str:
    """YAML values JSON has no type for (dates, binary): as the text Pulumi would pass."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)
