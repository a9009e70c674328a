"""The building blocks of the schema: a `Section` (one structured config object) and its cross-field rules.

Field types and bounds are pydantic's. Rules that span fields are methods marked with `@rule(<fields>)`: the
validator (`config.validation`) runs a rule only when every field it names is itself valid, and reports what
it yields under the section's own path. So one run reports every field error and every broken rule whose inputs
are sound, and a section's rule can never name a field outside that section.
"""

from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict


class Problem(NamedTuple):
    """A broken rule: the field (dotted path relative to the rule's section) and what is wrong and allowed."""

    path: str
    message: str


RuleMethod = Callable[["Section"], Iterable[Problem]]


def rule(*fields: str) -> Callable[[RuleMethod], RuleMethod]:
    """Mark a method as a rule over `fields` (dotted paths inside the section). It runs only once all of them
    are valid, on the section's validated values, and yields a `Problem` per violation."""

    def mark(method: RuleMethod) -> RuleMethod:
        method.__rule_fields__ = fields  # type: ignore[attr-defined]
        return method

    return mark


def violations(*checks: tuple[bool, str, str]) -> Iterator[Problem]:
    """`(holds, path, message)` triples -> the problems of those that do not hold."""
    for holds, path, message in checks:
        if not holds:
            yield Problem(path, message)


class Section(BaseModel):
    """A structured config object: unknown keys are errors, values are immutable once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @classmethod
    def rules(cls) -> list[tuple[tuple[str, ...], RuleMethod]]:
        found = []
        for name in sorted(dir(cls)):
            method = getattr(cls, name, None)
            fields = getattr(method, "__rule_fields__", None)
            if fields is not None:
                found.append((fields, method))
        return found
