"""Every platform fact has a source URL and the date it was read; the package holds nothing else in public."""

import importlib
import pkgutil
from dataclasses import is_dataclass
from datetime import date

import pytest

import config.platform as platform
from config.platform import Fact, Source, sourced

MODULES = [importlib.import_module(f"config.platform.{info.name}") for info in pkgutil.iter_modules(platform.__path__)]
TODAY = date(2026, 12, 1)


def public_constants(module) -> dict[str, object]:
    return {name: value for name, value in vars(module).items()
            if name.isupper() and not name.startswith("_") and getattr(value, "__module__", module.__name__) != "typing"}


def is_fact_shaped(value: object) -> bool:
    """A Fact or Source, a dataclass carrying a source, or a collection of such."""
    if isinstance(value, (Fact, Source)):
        return True
    if is_dataclass(value) and not isinstance(value, type):
        return hasattr(value, "source")
    if isinstance(value, dict):
        return bool(value) and all(is_fact_shaped(item) for item in value.values())
    if isinstance(value, (tuple, list)):
        return bool(value) and all(is_fact_shaped(item) for item in value)
    return False


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_every_public_constant_is_a_sourced_fact(module):
    constants = public_constants(module)
    assert constants, module.__name__
    unsourced = [name for name, value in constants.items() if not is_fact_shaped(value)]
    assert not unsourced, f"{module.__name__}: {unsourced} carry no source"


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_every_source_has_a_url_and_a_read_date(module):
    for name, value in public_constants(module).items():
        sources = [value] if isinstance(value, Source) else [item.source for _, item in sourced(value)]
        assert sources, f"{module.__name__}.{name}"
        for source in sources:
            assert source.url.startswith("https://"), f"{module.__name__}.{name}: {source.url}"
            assert isinstance(source.read, date) and source.read <= TODAY, f"{module.__name__}.{name}"
            assert source.quote, f"{module.__name__}.{name} says nothing about what its source states"


def test_a_fact_without_a_source_is_caught():
    class Bare:
        pass

    fake = type("module", (), {"__name__": "fake", "LIMIT": 200, "OK": Fact(1, Source("https://x", TODAY, "q"))})
    assert [name for name, value in public_constants(fake).items() if not is_fact_shaped(value)] == ["LIMIT"]
    assert not is_fact_shaped(Bare()) and not is_fact_shaped({}) and not is_fact_shaped({"a": 1})


def test_cite_names_the_url_and_the_date():
    assert Source("https://example.com/a", date(2026, 1, 2), "q").cite() == \
        "source: https://example.com/a (read 2026-01-02)"
