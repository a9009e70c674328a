"""Command-line arguments as a shell and an argparse-based engine would see them.

`serving.extra_args` items are split like a shell does (`"--max-num-seqs 64"` is two tokens), and that is also
how they are rendered, so what the rules check is exactly what the engine receives.
"""

import shlex
from dataclasses import dataclass


class ArgvError(ValueError):
    """An item cannot be split (e.g. an unclosed quote)."""


@dataclass(frozen=True)
class Flag:
    """A flag as given: its spelling, the value it carries (inline or next token), and its item index."""

    spelling: str
    name: str
    """Normalised: lower case, '_' as '-' (argparse-based engines accept both), no '=value'."""
    value: str | None
    item: int


def tokens(items: list[str]) -> list[tuple[int, str]]:
    """(index of the config item, token) for every shell token of every item."""
    found = []
    for index, item in enumerate(items):
        try:
            found.extend((index, token) for token in shlex.split(item))
        except ValueError as error:
            raise ArgvError(f"item {index} ({item!r}) cannot be split like a shell would: {error}") from None
    return found


def flags(items: list[str]) -> list[Flag]:
    """Every option token (`-x`, `--x`, `--x=v`) with the value that follows it, if any."""
    split = tokens(items)
    found = []
    for position, (index, token) in enumerate(split):
        if not token.startswith("-") or token in ("-", "--") or _is_number(token):
            continue
        spelling, equals, inline = token.partition("=")
        following = split[position + 1][1] if position + 1 < len(split) else None
        value = inline if equals else (following if following is not None and not following.startswith("-") else None)
        found.append(Flag(spelling, normalise(spelling), value, index))
    return found


def normalise(spelling: str) -> str:
    return spelling.lower().replace("_", "-")


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True
