"""What each engine version's command line accepts, read from its released parser, and how a token resolves.

Each table in `flags/` lists every option of one engine version's serve command: its spellings (aliases
included), whether it takes a value and, where the parser restricts it, the allowed values. The tables were
extracted from the released wheels (the file's `source` and `method` say how); nothing here is typed by hand.

A token resolves the way the engine's own parser resolves it: `--flag=value` and `--flag value`; argparse's
unique-prefix abbreviations (`--tensor-parallel` for `--tensor-parallel-size`); for vLLM, underscores for dashes
(`--tensor_parallel_size`) and `--json-flag.key value` (FlexibleArgumentParser). So a flag we set from a typed
field cannot be set a second time through `serving.extra_args` in any spelling the engine would accept.
"""

import functools
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..platform import Source

TABLES_DIR = Path(__file__).resolve().parent / "flags"
_NEGATIVE_NUMBER = re.compile(r"^-\d")


@dataclass(frozen=True)
class Option:
    """One option of the parser: every spelling of it, and what it takes."""

    names: tuple[str, ...]
    takes_value: bool
    choices: tuple[str, ...] | None = None
    many: bool = False
    """Takes one value or more (argparse nargs '+' or '*')."""

    @property
    def canonical(self) -> str:
        """The longest positive `--` spelling: the one the engine documents (not `--no-x`)."""
        positive = [name for name in self.names if name.startswith("--") and not name.startswith("--no-")]
        return max(positive or self.names, key=len)


class FlagError(ValueError):
    """A token the engine's parser would refuse; the message says why and what it accepts."""


@dataclass(frozen=True)
class FlagTable:
    engine: str
    version: str
    source: Source
    options: tuple[Option, ...]
    flexible: bool
    """vLLM's FlexibleArgumentParser: `_` may stand for `-`, and `--json-flag.key` sets one key of a JSON flag."""

    @functools.cached_property
    def _by_name(self) -> dict[str, Option]:
        return {name: option for option in self.options for name in option.names}

    def has(self, flag: str) -> bool:
        return flag in self._by_name

    def option(self, flag: str) -> Option:
        """The option a spelled flag (no value attached) resolves to, or FlagError."""
        name = self._normalise(flag)
        if name in self._by_name:
            return self._by_name[name]
        if self.flexible and "." in name:  # --speculative-config.method
            base = name.split(".", 1)[0]
            if base in self._by_name and self._by_name[base].takes_value:
                return self._by_name[base]
        if name.startswith("--"):
            matches = {option for spelled, option in self._by_name.items() if spelled.startswith(name)}
            if len(matches) == 1:
                return matches.pop()
            if matches:
                spellings = ", ".join(sorted(option.canonical for option in matches))
                raise FlagError(f"{flag!r} is ambiguous in {self.label}: it could be {spellings}")
        raise FlagError(f"{flag!r} is not an option of {self.label}")

    def _normalise(self, flag: str) -> str:
        if self.flexible and flag.startswith("--"):
            return "--" + flag[2:].replace("_", "-")
        return flag

    @property
    def label(self) -> str:
        return f"{self.engine} {self.version}"


@functools.cache
def load(name: str) -> FlagTable:
    """The table `flags/<name>.json`, e.g. 'vllm-0.30.0'."""
    document = json.loads((TABLES_DIR / f"{name}.json").read_text())
    options = tuple(
        Option(tuple(item["names"]), bool(item["value"]), tuple(item["choices"]) if "choices" in item else None,
               bool(item.get("many")))
        for item in document["actions"]
    )
    source = Source(document["source"], date.fromisoformat(document["read"]), document["method"])
    return FlagTable(document["engine"], document["version"], source, options,
                     flexible=document["engine"] == "vllm")


def all_tables() -> list[FlagTable]:
    return [load(path.stem) for path in sorted(TABLES_DIR.glob("*.json"))]


@dataclass(frozen=True)
class Parsed:
    """One option as the engine's parser would read it from an argument list."""

    option: Option
    spelled: str
    value: str | None
    index: int
    """Position of the option's token in the list."""


def parse(table: FlagTable, args: list[str]) -> tuple[list[Parsed], list[tuple[int, str]]]:
    """Read `args` as the engine's parser would: the options found, and (index, problem) for every token it
    would refuse. A list item that starts with '-' and holds whitespace is refused: the engine would see one
    token where the author meant two."""
    found: list[Parsed] = []
    problems: list[tuple[int, str]] = []
    index = 0
    while index < len(args):
        token = args[index]
        # Messages name options, never values: a value may be a credential the stack must not echo.
        if _is_value(token) or token == "-":
            problems.append((index, "a value with no option before it: every value follows the option it "
                                    "belongs to"))
            index += 1
            continue
        if any(character.isspace() for character in token):
            problems.append((index, f"{token.split()[0]!r} and its value are one item: give the option and its "
                                    "value as separate list items, e.g. ['--max-num-seqs', '64']"))
            index += 1
            continue
        spelled, equals, attached = token.partition("=")
        try:
            option = table.option(spelled)
        except FlagError as error:
            problems.append((index, str(error)))
            index += 1
            continue
        value, consumed = _value(option, equals, attached, args, index)
        if option.takes_value and value is None:
            problems.append((index, f"{spelled!r} needs a value in {table.label}"))
        elif not option.takes_value and equals:
            problems.append((index, f"{spelled!r} takes no value in {table.label}"))
        elif value is not None and option.choices is not None and value not in option.choices:
            problems.append((index, f"{option.canonical} takes one of {', '.join(option.choices)} in {table.label}"))
        found.append(Parsed(option, spelled, value, index))
        index += consumed
    return found, problems


def _value(option: Option, equals: str, attached: str, args: list[str], index: int) -> tuple[str | None, int]:
    """The option's (first) value and how many tokens the option takes up."""
    if not option.takes_value:
        return None, 1
    if equals:
        return attached, 1
    following = 0
    while index + 1 + following < len(args) and _is_value(args[index + 1 + following]):
        following += 1
        if not option.many:
            break
    return (args[index + 1] if following else None), 1 + following


def _is_value(token: str) -> bool:
    """argparse reads '-1' as a value, '-x' as an option."""
    return not token.startswith("-") or bool(_NEGATIVE_NUMBER.match(token))
