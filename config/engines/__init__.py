"""Serving engines: what each engine version accepts, opens and needs, and how the stack's settings become its
command line (one module per engine behind `base.Engine`)."""

from .base import LEADER_ADDRESS, ROLES, WORKER_INDEX, Arg, Engine, Role
from .sglang import SGLANG
from .vllm import VLLM
from .vllm_ray import VLLM_RAY

ENGINES: dict[str, Engine] = {engine.name: engine for engine in (VLLM, SGLANG, VLLM_RAY)}
"""By `serving.engine` value; the first is the default."""

__all__ = ["ENGINES", "LEADER_ADDRESS", "ROLES", "WORKER_INDEX", "Arg", "Engine", "Role"]
