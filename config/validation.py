"""Validate raw config against the schema and report every problem in one pass.

pydantic checks each field on its own (type, bounds, format). Sections are walked field by field, so one bad
field never hides another, and each section's `@rule`s run as soon as the fields they read are valid, even when
other fields of the same section are not. The result is either the validated `StackConfig` or the complete
list of issues, each with the path of the field at fault.
"""

import functools
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from .schema.base import Section

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Issue:
    """One problem: where (a path of keys and list indices), what kind, and the message."""

    loc: Loc
    kind: str
    message: str
    input: Any = None


_MISSING = object()


def validate(model: type[Section], data: Any) -> tuple[Section | None, list[Issue]]:
    """The validated section, or None and every issue found."""
    value, issues = _section(model, data, ())
    return (value if not issues else None), issues


def _section(model: type[Section], data: Any, loc: Loc) -> tuple[Section | None, list[Issue]]:
    if not isinstance(data, Mapping):
        return None, [Issue(loc, "model_type", f"expected a mapping of {model.__name__} keys", data)]
    issues: list[Issue] = []
    keys = {field.alias or name: name for name, field in model.model_fields.items()}
    for key in data:
        if key not in keys:
            issues.append(Issue(loc + (key,), "extra_forbidden", "unknown key", data[key]))
    values: dict[str, Any] = {}
    for key, name in keys.items():
        field = model.model_fields[name]
        value, field_issues = _field(model, name, field, data.get(key, _MISSING), loc + (key,))
        issues.extend(field_issues)
        if not field_issues and value is not _MISSING:
            values[name] = value
    partial = model.model_construct(**values)
    issues.extend(_rules(model, partial, values, issues, loc))
    return partial, issues


def _field(model: type[Section], name: str, field: FieldInfo, raw: Any, loc: Loc) -> tuple[Any, list[Issue]]:
    nested = _section_type(field.annotation)
    if raw is _MISSING:
        if nested is not None and field.default_factory is nested:
            raw = {}  # a defaulted section is validated like a written one, so its rules run too
        elif field.is_required():
            return _MISSING, [Issue(loc, "missing", "required, not set")]
        else:
            return field.get_default(call_default_factory=True), []
    if nested is not None and raw is not None:
        return _section(nested, raw, loc)
    try:
        value = _adapter(model, name).validate_python(raw)
    except ValidationError as error:
        return _MISSING, [_issue(loc, detail) for detail in error.errors()]
    return value, [issue for item, index in _list_items(value) for issue in _item_rules(item, loc + (index,))]


def _rules(model: type[Section], partial: Section, values: dict, issues: list[Issue], loc: Loc) -> list[Issue]:
    found = []
    for fields, method in model.rules():
        if all(_sound(partial, values, issues, loc, field) for field in fields):
            found.extend(Issue(loc + _split(problem.path), "rule", problem.message) for problem in method(partial))
    return found


def _sound(partial: Section, values: dict, issues: list[Issue], loc: Loc, field: str) -> bool:
    """True when `field` (dotted attribute path inside `partial`) is valid: present, and neither it nor any of
    its parents or children failed."""
    parts = _split(field)
    if parts[0] not in values:
        return False
    keys: list[str | int] = []
    value: Any = partial
    for part in parts:
        if isinstance(value, Section):
            info = type(value).model_fields.get(str(part))
            keys.append(info.alias or part if info else part)
            value = getattr(value, str(part), _MISSING)
        elif isinstance(value, list) and isinstance(part, int) and part < len(value):
            keys.append(part)
            value = value[part]
        else:
            return False
        if value is _MISSING:
            return False
    target = loc + tuple(keys)
    return not any(issue.loc[: len(target)] == target or target[: len(issue.loc)] == issue.loc for issue in issues)


def _item_rules(item: Section, loc: Loc) -> list[Issue]:
    """Rules of a section that sits in a list (validated whole by pydantic)."""
    return [Issue(loc + _split(problem.path), "rule", problem.message)
            for _, method in type(item).rules() for problem in method(item)]


def _list_items(value: Any) -> list[tuple[Section, int]]:
    if isinstance(value, list):
        return [(item, index) for index, item in enumerate(value) if isinstance(item, Section)]
    return []


def _issue(loc: Loc, detail: dict) -> Issue:
    message = detail["msg"].removeprefix("Value error, ")
    return Issue(loc + tuple(detail["loc"]), detail["type"], message, detail.get("input"))


def _split(path: str) -> Loc:
    return tuple(int(part) if part.isdigit() else part for part in path.split(".")) if path else ()


def _section_type(annotation: Any) -> type[Section] | None:
    """The Section class of a field typed `Section` or `Optional[Section]`, else None."""
    if isinstance(annotation, type) and issubclass(annotation, Section):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        found = [arg for arg in typing.get_args(annotation) if isinstance(arg, type) and issubclass(arg, Section)]
        others = [arg for arg in typing.get_args(annotation) if arg is not type(None) and arg not in found]
        return found[0] if len(found) == 1 and not others else None
    return None


@functools.cache
def _adapter(model: type[Section], name: str) -> TypeAdapter:
    field = model.model_fields[name]
    return TypeAdapter(Annotated[field.annotation, field])
