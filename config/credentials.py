"""Find credentials written in plain text anywhere in a stack's config, before anything renders.

Every string of the raw config (values and keys, at any depth) is checked against the known credential shapes,
and every list of strings is read as command-line arguments for flags that carry secrets (`--api-key x`,
`--api-key=x`, one item with a space). Secrets have typed keys of their own, set with `--secret`.
"""

from collections.abc import Iterator
from typing import Any

from .argv import ArgvError, flags
from .platform.credentials import CREDENTIAL_SHAPES

NAMESPACE = "deepseek-acs"
SECRET_FLAG_WORDS = frozenset({"token", "password", "passwd", "secret", "credential", "credentials", "apikey"})
"""A command-line flag whose name has one of these words carries a secret (`--hf-token`, `--db-password`)."""
SECRET_FLAG_PAIRS = frozenset({("api", "key"), ("access", "key"), ("secret", "key"), ("private", "key"),
                               ("auth", "token"), ("access", "token")})
"""...or one of these pairs of adjacent words (`--api-key`, `--access-key-id`)."""
FIELD_FOR_PATH = {"jobs.pip_index_url": "package_index_url", "model.import.endpoint": "hub_token"}
"""Plain fields whose secret variant is a typed secret key of its own."""


def problems(data: dict[str, Any], secret_fields: frozenset[str]) -> Iterator[tuple[str, str]]:
    """(field path, message) for every plain-text credential in `data` (keys of `secret_fields` excluded)."""
    for key, value in data.items():
        if key not in secret_fields:
            yield from _walk(value, key)


def looks_like_a_credential(text: str) -> bool:
    """For messages: never echo a value that may be one."""
    return any(shape.pattern.search(text) for shape in CREDENTIAL_SHAPES)


def _walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _text(str(key), f"{path}.{key}", what="key")
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        if value and all(isinstance(item, str) for item in value):
            yield from _secret_flags(value, path)
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}.{index}")
    elif isinstance(value, str):
        yield from _text(value, path)


def _text(text: str, path: str, what: str = "value") -> Iterator[tuple[str, str]]:
    for shape in CREDENTIAL_SHAPES:
        if shape.pattern.search(text):
            field = shape.secret_field or FIELD_FOR_PATH.get(path)
            yield path, f"this {what} looks like {shape.kind}: {_how_to_keep_it_secret(field)}"


def _secret_flags(items: list[str], path: str) -> Iterator[tuple[str, str]]:
    try:
        found = flags(items)
    except ArgvError:
        return  # reported where the items are validated as arguments
    for flag in found:
        words = [word for word in flag.name.lstrip("-").split("-") if word]
        pairs = set(zip(words, words[1:]))
        if SECRET_FLAG_WORDS.intersection(words) or SECRET_FLAG_PAIRS & pairs:
            yield (f"{path}.{flag.item}",
                   f"{flag.spelling} carries a secret in plain text: {_how_to_keep_it_secret(_field_for(words))}")


def _field_for(words: list[str]) -> str | None:
    if "api" in words and "key" in words:
        return "api_key"
    if {"hf", "hub"} & set(words) and "token" in words:
        return "hub_token"
    return None


def _how_to_keep_it_secret(field: str | None) -> str:
    if field:
        return f"remove it here and set it as a Pulumi secret: pulumi config set --secret {NAMESPACE}:{field} <value>"
    return ("remove it: stack config is published in plans and previews. Secrets go only into the stack's typed "
            f"secret keys (pulumi config set --secret {NAMESPACE}:api_key | hub_token | package_index_url); cloud "
            "credentials belong in the environment of `pulumi up`, and the stack creates its own scoped OSS keys")
