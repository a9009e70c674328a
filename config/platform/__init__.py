"""Facts about the platform the program relies on: limits, versions, endpoints, label values, GPU specs.

Every fact lives in exactly one place in this package, with the public source it was read from and the date it
was read (`Source`). Config validation and components read the facts from here; nothing repeats a value
elsewhere. `tests/config/test_platform.py` fails when a fact has no source or date, and each rule that uses a
fact has a test that pins it.
"""

from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Source:
    """Where a fact was read, and when."""

    url: str
    """A public page, or a repository file as `https://github.com/<owner>/<repo>/blob/<commit>/<path>#L<n>`."""
    read: date
    """The date the fact was read from `url`."""
    quote: str = ""
    """What the source says, in its words (or a short paraphrase where it is a table)."""

    def cite(self) -> str:
        """For error messages: 'source: <url> (read <date>)'."""
        return f"source: {self.url} (read {self.read.isoformat()})"


@dataclass(frozen=True)
class Fact(Generic[T]):
    """One value the platform imposes, with its source."""

    value: T
    source: Source


def sourced(value: Any) -> Iterator[tuple[str, Any]]:
    """Every object under `value` that carries a `source` attribute, with a readable path (for the tests)."""
    yield from _walk(value, "")


def _walk(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if is_dataclass(value) and not isinstance(value, type):
        names = {field.name for field in fields(value)}
        if "source" in names:
            yield path, value
        for name in names - {"source"}:
            yield from _walk(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")
