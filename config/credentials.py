"""Find credentials written in plain text anywhere in a stack's config, before anything renders.

The raw config is walked together with the schema, so every free-form field is scanned the way its type says,
and a field added to the schema later is covered without a list to maintain (`free_form_fields` names them all):

- every string (a `str` field, an item of a `list[str]`, a key or value of a `dict[str, str]`, and any value
  the schema does not describe, such as an unknown key) is checked against the known credential shapes;
- every string and every list of strings is also read as command-line arguments, split like a shell would, for
  flags that carry a secret in any spelling argparse accepts (`--api-key x`, `--api-key=x`, `--API_KEY x`, one
  item `"--api-key x"`, the abbreviation `--api-k x`), for `NAME=value` assignments and URL query parameters
  whose name is a secret's (`HF_TOKEN=...`, `?access_token=...`);
- a mapping key named like a secret (`example.com/api-key: ...`) is a secret in plain text.

Secrets have typed keys of their own, set with `--secret`.
"""

import re
import types
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, SecretStr

from .argv import ArgvError, flags, tokens
from .platform.credentials import CREDENTIAL_SHAPES

NAMESPACE = "deepseek-acs"
SECRET_WORDS = frozenset({"token", "password", "passwd", "secret", "credential", "credentials", "apikey"})
"""A flag, variable, parameter or key whose name has one of these words carries a secret (`--hf-token`)."""
SECRET_PAIRS = frozenset({("api", "key"), ("access", "key"), ("secret", "key"), ("private", "key"),
                          ("auth", "token"), ("access", "token")})
"""...or one of these pairs of adjacent words (`--api-key`, `--access-key-id`)."""
SECRET_FLAGS = ("api-key", "hf-token", "token", "access-token", "password")
"""Secret flags of the engines; argparse also accepts any unambiguous prefix (`--api-k`), so a flag that is a
prefix of one of these carries that secret too."""
REFERENCE_WORDS = frozenset({"file", "path", "dir", "ref", "name", "env"})
"""...unless its last word says it only points at one (`passwd_file=/etc/passwd-ossfs`, `--token-path`)."""
FIELD_FOR_PATH = {"jobs.pip_index_url": "package_index_url"}
"""Plain fields whose secret variant is a typed secret key of its own."""
_QUERY_PARAMETER = re.compile(r"[?&]([A-Za-z0-9_.-]+)=[^&#\s]")
_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_.-]*)=.")
_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_:/-]+(\.[A-Za-z0-9_:/-]+)*$")


def problems(data: dict[str, Any], model: type[BaseModel], secret_fields: frozenset[str]) -> Iterator[tuple[str, str]]:
    """(field path, message) for every plain-text credential in `data`, read as `model` (the keys of
    `secret_fields` excluded: they are secrets already)."""
    fields = _fields(model)
    for key, value in data.items():
        if key not in secret_fields:
            yield from _walk(value, path_part(key), fields.get(key))


def free_form_fields(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted path, 'text' | 'list' | 'mapping') of every field that holds free text, at any depth: list items
    and mapping entries inside lists of sections are under index 0."""
    for key, annotation in _fields(model).items():
        path, kind = f"{prefix}{key}", _kind(annotation)
        if kind in ("text", "list", "mapping"):
            yield path, kind
        elif kind in ("section", "sections"):
            yield from free_form_fields(_section(annotation), f"{path}.0." if kind == "sections" else f"{path}.")


def path_part(key: object) -> str:
    """How a key (or list index) appears in a field path: as written when it is plain, quoted otherwise, so an
    empty key, or one with spaces or control characters, is still visible in the message."""
    text = str(key)
    return text if _PLAIN_KEY.match(text) else repr(text)


def looks_like_a_credential(text: str) -> bool:
    """For messages: never echo a value that may be one."""
    return any(shape.pattern.search(text) for shape in CREDENTIAL_SHAPES)


def _walk(value: Any, path: str, annotation: Any) -> Iterator[tuple[str, str]]:
    kind = _kind(annotation)
    if isinstance(value, dict):
        fields = _fields(_section(annotation)) if kind == "section" else {}
        for key, item in value.items():
            where = f"{path}.{path_part(key)}"
            yield from _text(str(key), where, what="key")
            if kind == "mapping" and _named_like_a_secret(str(key)) and item not in (None, ""):
                yield where, f"the key {key!r} names a secret: {_how_to_keep_it_secret(None)}"
            yield from _walk(item, where, fields.get(str(key)))
    elif isinstance(value, list):
        if value and all(isinstance(item, str) for item in value):
            yield from _arguments(value, path, item_paths=True)
        item = _section(annotation) if kind == "sections" else None
        for index, element in enumerate(value):
            yield from _walk(element, f"{path}.{index}", item)
    elif isinstance(value, str):
        yield from _text(value, path)
        yield from _arguments([value], path, item_paths=False)


def _text(text: str, path: str, what: str = "value") -> Iterator[tuple[str, str]]:
    for shape in CREDENTIAL_SHAPES:
        if shape.pattern.search(text):
            field = shape.secret_field or FIELD_FOR_PATH.get(path)
            yield path, f"this {what} looks like {shape.kind}: {_how_to_keep_it_secret(field)}"
    for name in _QUERY_PARAMETER.findall(text):
        if _named_like_a_secret(name):
            yield path, (f"the URL parameter {name!r} carries a secret: "
                         f"{_how_to_keep_it_secret(FIELD_FOR_PATH.get(path))}")


def _arguments(items: list[str], path: str, item_paths: bool) -> Iterator[tuple[str, str]]:
    """Flags and `NAME=value` assignments that carry a secret, in `items` read as command-line arguments."""
    try:
        found, split = flags(items), tokens(items)
    except ArgvError:
        return  # not arguments a shell would accept; reported where the items are validated as arguments
    where = (lambda index: f"{path}.{index}") if item_paths else (lambda index: path)
    for flag in found:
        words = _words(flag.name)
        if flag.value is not None and (_is_secret(words) or _abbreviates_a_secret_flag(flag.name)):
            yield where(flag.item), (f"{flag.spelling} carries a secret in plain text: "
                                     f"{_how_to_keep_it_secret(_field_for(words))}")
    for index, token in split:
        assignment = _ASSIGNMENT.match(token)
        if assignment and _named_like_a_secret(assignment.group(1)):
            yield where(index), (f"{assignment.group(1)}=... sets a secret in plain text: "
                                 f"{_how_to_keep_it_secret(_field_for(_words(assignment.group(1))))}")


def _words(name: str) -> list[str]:
    return [word for word in re.split(r"[^a-z0-9]+", name.lower()) if word]


def _is_secret(words: list[str]) -> bool:
    if words and words[-1] in REFERENCE_WORDS:
        return False
    return bool(SECRET_WORDS.intersection(words) or SECRET_PAIRS & set(zip(words, words[1:])))


def _named_like_a_secret(name: str) -> bool:
    return _is_secret(_words(name))


def _abbreviates_a_secret_flag(name: str) -> bool:
    """`--api-k` for `--api-key`: argparse resolves a unique prefix (`allow_abbrev`, on by default)."""
    stem = name.lstrip("-")
    return name.startswith("--") and len(stem) >= 2 and any(flag.startswith(stem) for flag in SECRET_FLAGS)


def _field_for(words: list[str]) -> str | None:
    if "api" in words and "key" in words or "apikey" in words:
        return "api_key"
    if {"hf", "hub", "huggingface", "modelscope"} & set(words) and "token" in words:
        return "hub_token"
    return None


def _how_to_keep_it_secret(field: str | None) -> str:
    if field:
        return f"remove it here and set it as a Pulumi secret: pulumi config set --secret {NAMESPACE}:{field} <value>"
    return ("remove it: stack config is published in plans and previews. Secrets go only into the stack's typed "
            f"secret keys (pulumi config set --secret {NAMESPACE}:<key>, e.g. api_key or hub_token); cloud "
            "credentials belong in the environment of `pulumi up`, and the stack creates its own scoped OSS keys")


# ------------------------------------------------------------------------------ reading the schema
def _fields(model: type[BaseModel] | None) -> dict[str, Any]:
    """Config key (alias or name) -> annotation of every field of `model`."""
    if model is None:
        return {}
    return {field.alias or name: field.annotation for name, field in model.model_fields.items()}


def _kind(annotation: Any) -> str:
    """What a field holds: 'section', 'sections' (a list of them), 'text', 'list' (of text), 'mapping' (text to
    text), 'secret' or 'other' (numbers, flags, choices, networks: no credential validates as one, and what is
    written there anyway is still scanned as text)."""
    annotation = _unwrapped(annotation)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation is SecretStr:
        return "secret"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "section"
    if annotation is str:
        return "text"
    if origin is list and args:
        inner = _kind(args[0])
        return {"section": "sections", "text": "list"}.get(inner, "other")
    if origin is dict and args and all(_kind(arg) == "text" for arg in args):
        return "mapping"
    return "other"


def _unwrapped(annotation: Any) -> Any:
    """`Optional[X]` and `Annotated[X, ...]` -> X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            others = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(others) != 1:
                return annotation
            annotation = others[0]
        else:
            return annotation


def _section(annotation: Any) -> type[BaseModel] | None:
    annotation = _unwrapped(annotation)
    if typing.get_origin(annotation) is list:
        annotation = _unwrapped(typing.get_args(annotation)[0])
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
