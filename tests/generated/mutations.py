"""Hypothesis strategies: the committed stack files, mutated the way people get them wrong.

Each example is one committed `Pulumi.<stack>.yaml` with one to three mutations of its document (a key dropped,
renamed or retyped, a number pushed past its bounds) and, sometimes, of its text (a key line duplicated, a byte
that is not UTF-8 or a control character inserted). `describe` says what was done, for the failure report.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent.parent
STACKS = ("dev", "prod")
COMMITTED = {stack: (ROOT / f"Pulumi.{stack}.yaml").read_text() for stack in STACKS}

Path_ = tuple[Any, ...]
"""Keys and list indices from the document's root to one node."""


@dataclass(frozen=True)
class StackFile:
    stack: str
    content: bytes
    mutations: tuple[str, ...]

    def __repr__(self) -> str:  # what Hypothesis prints for a failing example
        return f"StackFile({self.stack!r}, mutations={list(self.mutations)}, content={self.content!r})"


def nodes(document: Any, path: Path_ = ()) -> list[Path_]:
    """The path of every node under `document` (not the root itself)."""
    found = []
    children = document.items() if isinstance(document, dict) else enumerate(document) \
        if isinstance(document, list) else ()
    for key, child in children:
        found.append((*path, key))
        found.extend(nodes(child, (*path, key)))
    return found


def parent_of(document: Any, path: Path_) -> Any:
    for key in path[:-1]:
        document = document[key]
    return document


def scalars():
    """Any value a YAML file can hold, of every type the schema could be given by mistake."""
    text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)
    numbers = st.one_of(st.integers(-(2**70), 2**70), st.floats(allow_nan=True, allow_infinity=True))
    leaf = st.one_of(st.none(), st.booleans(), numbers, text, st.dates(), st.binary(max_size=8))
    return st.recursive(leaf, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                      st.dictionaries(text, inner, max_size=3)), max_leaves=6)


PAST_BOUNDS = (-1, 0, 1, -(10**9), 2**31, 2**63, 10**18, 10**30, 0.5, -0.5, 1e308, float("inf"), float("nan"))


def _pick(draw, document: Any, wanted: Callable[[Any, Path_], bool]) -> Path_ | None:
    candidates = [path for path in nodes(document) if wanted(parent_of(document, path), path)]
    return draw(st.sampled_from(candidates)) if candidates else None


def drop(draw, document: dict) -> str:
    path = _pick(draw, document, lambda parent, path: isinstance(parent, (dict, list)))
    if path is None:
        return "drop: nothing"
    del parent_of(document, path)[path[-1]]
    return f"drop {path}"


def rename(draw, document: dict) -> str:
    path = _pick(draw, document, lambda parent, path: isinstance(parent, dict))
    if path is None:
        return "rename: nothing"
    parent, key = parent_of(document, path), path[-1]
    new = draw(st.one_of(
        st.sampled_from([str(key).upper(), str(key).replace("_", "-"), str(key).replace("-", "_"), str(key)[:-1],
                         f"{key}s", str(key).replace("deepseek-acs", "deepseek_acs"),
                         str(key).replace(":", "."), str(key).replace(":", ".", 1) + ".x", f"deepseek-acs:{key}"]),
        st.text(max_size=20), st.integers(), st.booleans(), st.none()))
    parent[new] = parent.pop(key)
    return f"rename {path} -> {new!r}"


def retype(draw, document: dict) -> str:
    path = _pick(draw, document, lambda parent, path: True)
    if path is None:
        return "retype: nothing"
    value = draw(scalars())
    parent_of(document, path)[path[-1]] = value
    return f"retype {path} = {value!r}"


def past_bounds(draw, document: dict) -> str:
    def numeric(parent: Any, path: Path_) -> bool:
        value = parent[path[-1]]
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    path = _pick(draw, document, numeric)
    if path is None:
        return "bounds: nothing"
    value = draw(st.one_of(st.sampled_from(PAST_BOUNDS), st.integers(-(2**40), 2**40)))
    parent_of(document, path)[path[-1]] = value
    return f"bounds {path} = {value!r}"


def nudge(draw, document: dict) -> str:
    """A change that often stays valid, so plans of unusual but accepted configs render too: a number moved a
    little or written as text (which the schema coerces), a flag flipped or written as text."""
    def scalar(parent: Any, path: Path_) -> bool:
        return isinstance(parent[path[-1]], (bool, int, float))

    path = _pick(draw, document, scalar)
    if path is None:
        return "nudge: nothing"
    value = parent_of(document, path)[path[-1]]
    options = [not value, str(value).lower()] if isinstance(value, bool) else \
        [value + 1, value - 1, value * 2, value / 2, str(value)]
    new = draw(st.sampled_from(options))
    parent_of(document, path)[path[-1]] = new
    return f"nudge {path} = {new!r}"


DOCUMENT_MUTATIONS = (drop, rename, retype, past_bounds, nudge, nudge, nudge)
"""Nudges three times as often as each other mutation: they are what reaches a rendered plan."""

ODD_BYTES = (b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x00", b"\x07", b"\x1b", b"\x7f", b"\x85", b"\xc2\x85",
             b"\xe2\x80\xa8", b"\xef\xbb\xbf", b"\r", b"\t", b"\xe2\x80\x8b")
"""Not UTF-8, C0 and C1 control characters, a line separator, a byte-order mark, a zero-width space."""


def duplicate_line(draw, content: bytes) -> tuple[bytes, str]:
    lines = content.split(b"\n")
    keyed = [index for index, line in enumerate(lines) if b":" in line and not line.lstrip().startswith(b"#")]
    if not keyed:
        return content, "duplicate: nothing"
    index = draw(st.sampled_from(keyed))
    lines.insert(index + 1, lines[index])
    return b"\n".join(lines), f"duplicate line {index + 1}"


def insert_bytes(draw, content: bytes) -> tuple[bytes, str]:
    position = draw(st.integers(0, len(content)))
    odd = draw(st.sampled_from(ODD_BYTES))
    return content[:position] + odd + content[position:], f"insert {odd!r} at {position}"


@st.composite
def stack_files(draw) -> StackFile:
    stack = draw(st.sampled_from(STACKS))
    document = yaml.safe_load(COMMITTED[stack])
    done = [draw(st.sampled_from(DOCUMENT_MUTATIONS))(draw, document) for _ in range(draw(st.integers(1, 3)))]
    content = yaml.safe_dump(document, sort_keys=False, allow_unicode=True).encode()
    for mutate in draw(st.lists(st.sampled_from((duplicate_line, insert_bytes)), max_size=2)):
        content, what = mutate(draw, content)
        done.append(what)
    return StackFile(stack, content, tuple(done))
