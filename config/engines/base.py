"""The interface every serving engine implements, and the checks they share.

An engine turns the typed `serving` settings into its own command line, one `Arg` at a time, each naming the
config field it comes from. Every rendered flag is then looked up in the table of what that engine version's
parser accepts (`flags.py`): a setting that needs a flag the chosen version lacks is a config error on that
setting, naming the engine version that has it, never a crash at `pulumi up`. `serving.extra_args` is read the
same way, and may neither set a flag an engine renders from a typed field nor name one the version lacks.
"""

import json
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from ..platform import Fact
from ..schema.base import Problem
from .flags import FlagError, FlagTable, all_tables, load, parse

Role = Literal["leader", "worker"]
ROLES: tuple[Role, ...] = ("leader", "worker")

# Expanded by the kubelet from the container's environment (Kubernetes `$(VAR)` references): LWS injects
# LWS_LEADER_ADDRESS into every pod; WORKER_INDEX comes from the pod's worker-index label (Downward API),
# because the LWS that ACS installs (v0.5) sets no worker-index variable.
LEADER_ADDRESS = "$(LWS_LEADER_ADDRESS)"
WORKER_INDEX = "$(WORKER_INDEX)"


@dataclass(frozen=True)
class Arg:
    """One option of the engine's command line and the config field that decides it."""

    flag: str
    value: str | None = None
    field: str = "serving"

    def tokens(self) -> list[str]:
        return [self.flag] if self.value is None else [self.flag, self.value]


@dataclass(frozen=True)
class Settings:
    """The engine-facing settings after defaults: what the command line and the capacity model read."""

    memory_fraction: float
    cuda_graphs: bool


class Engine(ABC):
    """A serving engine at one pinned version."""

    name: str
    """The `serving.engine` value."""
    product: str
    version: str
    flags_table: str
    """File stem in flags/ of this version's parser table."""
    image: Fact[str]
    """The engine's image (upstream reference); re-homed under `images.mirror` where the stack sets one."""
    cuda_major: Fact[int]
    """CUDA major version the image is built for: the GPU driver must support it."""
    memory_fraction: Fact[float]
    """Share of GPU memory the engine takes when `serving.gpu_memory_utilization` is unset."""
    cuda_graphs_default: bool
    group_port: Fact[int]
    """The port the leader opens for the group's rendezvous (the other group traffic uses ephemeral ports)."""
    reasoning_parser: Fact[str]
    launcher: Literal["native", "ray"]
    """How a group forms: the engine's own multi-node flags, or a Ray cluster."""
    worker_serves_health: bool
    """Worker pods answer HTTP health checks on the serving port."""
    reserve_outside_fraction: bool
    """The engine keeps activations and CUDA graphs outside its memory fraction (SGLang) instead of inside."""
    owned: Mapping[str, str]
    """Flags rendered from typed fields (canonical spelling -> the field): `extra_args` may not set them."""

    @property
    def flags(self) -> FlagTable:
        return load(self.flags_table)

    @property
    def label(self) -> str:
        return f"{self.product} {self.version} (engine '{self.name}')"

    @abstractmethod
    def command(self, serving, model, role: Role) -> list[str]:
        """The executable and its positional arguments."""

    @abstractmethod
    def args(self, serving, model, role: Role, with_api_key: bool) -> list[Arg]:
        """The options, each with the field that sets it (typed settings only; extra_args come after)."""

    def settings(self, serving) -> Settings:
        fraction = serving.gpu_memory_utilization
        graphs = serving.cuda_graphs
        return Settings(memory_fraction=self.memory_fraction.value if fraction is None else fraction,
                        cuda_graphs=self.cuda_graphs_default if graphs is None else graphs)

    def argv(self, serving, model, role: Role, with_api_key: bool) -> list[str]:
        """The whole command line of one pod of the group."""
        tokens = [token for arg in self.args(serving, model, role, with_api_key) for token in arg.tokens()]
        return [*self.command(serving, model, role), *tokens, *serving.extra_args]

    def problems(self, serving, model) -> Iterator[Problem]:
        """Every typed setting this version cannot render, and every refused `extra_args` item."""
        table = self.flags
        for role in ROLES:
            for arg in self.args(serving, model, role, with_api_key=True):
                if not table.has(arg.flag):
                    yield Problem(arg.field.removeprefix("serving."), _missing(self, arg.flag))
        yield from self._extra_args_problems(serving.extra_args)

    def _extra_args_problems(self, extra_args: list[str]) -> Iterator[Problem]:
        table = self.flags
        owned = {option: field for flag, field in self.owned.items() if table.has(flag)
                 for option in table.option(flag).names}
        found, refused = parse(table, list(extra_args))
        for index, message in refused:
            token = extra_args[index].split("=", 1)[0]
            hint = _elsewhere(self, token) if "not an option" in message else ""
            yield Problem(f"extra_args.{index}", message + hint)
        for parsed in found:
            field = next((owned[name] for name in parsed.option.names if name in owned), None)
            if field is not None:
                yield Problem(f"extra_args.{parsed.index}",
                              f"{parsed.spelled!r} is {parsed.option.canonical}, which the stack sets from `{field}`; "
                              "set that field instead")


def json_value(value: object) -> str:
    """A JSON flag value as the engines parse it (compact, keys sorted: the same config gives the same argv)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _missing(engine: Engine, flag: str) -> str:
    return f"needs {flag}, which {engine.product} {engine.version} (engine '{engine.name}') does not have" + \
        _elsewhere(engine, flag)


def _elsewhere(engine: Engine, flag: str) -> str:
    """'; vllm 0.30.0 has it' for a flag another table knows."""
    others = []
    for table in all_tables():
        if (table.engine, table.version) == (engine.flags.engine, engine.flags.version):
            continue
        try:
            table.option(flag)
        except FlagError:
            continue
        others.append(table.label)
    return f"; {' and '.join(others)} {'has' if len(others) == 1 else 'have'} it" if others else ""
