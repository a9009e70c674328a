"""vLLM 0.30.0: the default engine. Multi-node through vLLM's own launcher, no Ray.

The leader runs the API server and node rank 0; every worker runs `--headless` with its node rank, all of them
meeting at the leader's torch.distributed store (`--master-addr`/`--master-port`). The flags follow vLLM's DeepSeek
recipe (CUDA graphs on, `--reasoning-parser deepseek_r1`, the model's generation config, expert parallelism and MTP
as options) and its multi-node TP x PP strategy ("TP inside each node, PP across nodes").
"""

from datetime import date

from ..platform import Fact, Source
from .base import LEADER_ADDRESS, WORKER_INDEX, Arg, Engine, Role, json_value

_READ = date(2026, 12, 1)
_WHEEL = "https://pypi.org/project/vllm/0.30.0/#files (vllm-0.30.0-cp38-abi3-manylinux_2_28_x86_64.whl)"
RECIPE = Source(
    "https://github.com/vllm-project/recipes/blob/8959cf64189c71d36e11c6a30335f923f261b1f7/models/deepseek-ai/"
    "DeepSeek-R1.yaml", _READ,
    "min_vllm_version \"0.12.0\"; base_args [\"--trust-remote-code\", \"--enable-expert-parallel\"]; reasoning "
    "`--reasoning-parser deepseek_r1`; strategy multi_node_tp_pp: \"Rendezvous still uses the mp backend "
    "(--nnodes/--node-rank/--master-addr, --headless on rank > 0).\"",
)
AUTH_MIDDLEWARE = "deepseek_acs_auth.RequireApiKey"
"""Our ASGI middleware (components/engines/deepseek_acs_auth.py): vLLM's own --api-key guards only /v1, /v2,
/inference and /cohere, and leaves /invocations, /pooling, /score and /tokenize open."""
AUTH_SOURCE = Source(
    f"{_WHEEL}: vllm/entrypoints/serve/middleware/authenticate.py:11 and vllm/entrypoints/launchers/cli_args.py:300-305",
    _READ,
    "GUARDED_PREFIX = (\"/v1\", \"/v2\", \"/inference\", \"/cohere\"); --api-key help: \"Other endpoints on the same "
    "server, including `/invocations` (which exposes the same inference capabilities as `/v1`), remain "
    "unauthenticated.\" --middleware: imports `module.Class` and calls app.add_middleware "
    "(vllm/entrypoints/serve/middleware/register.py).",
)


CORE_OWNED = {
    "--port": "serving.port",
    "--served-model-name": "model.served_name",
    "--tensor-parallel-size": "serving.tensor_parallel",
    "--pipeline-parallel-size": "serving.pipeline_parallel",
    "--max-model-len": "serving.max_model_len",
    "--gpu-memory-utilization": "serving.gpu_memory_utilization",
    "--enforce-eager": "serving.cuda_graphs",
    "--reasoning-parser": "serving.reasoning_parser",
    "--generation-config": "serving.generation_defaults",
    "--kv-cache-dtype": "serving.kv_cache_dtype",
    "--trust-remote-code": "serving.trust_remote_code",
    "--distributed-executor-backend": "serving.engine",
    "--api-key": "api_key",
    "--middleware": "api_key",
}
"""Flags every vLLM version here renders from typed fields (`core_args` and the shared features)."""


class Vllm(Engine):
    name = "vllm"
    product = "vLLM"
    version = "0.30.0"
    flags_table = "vllm-0.30.0"
    image = Fact(
        "docker.io/vllm/vllm-openai:v0.30.0@sha256:8a69ffad015f138d7170c4ddc429e230a3bc1c1719f67e14324749df200a4b90",
        Source("https://hub.docker.com/r/vllm/vllm-openai/tags?name=v0.30.0", _READ,
               "The same reference, `vllm/vllm-openai:v0.30.0@sha256:8a69ffad015f138d7170c4ddc429e230a3bc1c1719f67e1432"
               "4749df200a4b90`, is pinned by several unrelated public projects (a Terraform lab's version table, a "
               "Trivy scan runbook, deployment scripts); the cu129 build is v0.30.0-cu129@sha256:a67f8f18... v0.30.0 "
               "is the newest vLLM whose image digest a public source gives (0.33.0 is on PyPI; no digest found)."),
    )
    cuda_major = Fact(13, Source(
        "https://github.com/scalytics/ScalyticsCopilot/pull/69", _READ,
        "quoting vLLM's v0.20.0 release notes: \"CUDA 13.0 default: Default CUDA wheel on PyPI and vllm/vllm-openai:v0.20.0 image switched to CUDA "
               "13.0\"; the v0.30.0 wheel requires torch==2.13.0 (+cu130 on PyPI). Plain tags from v0.20.0 are the "
               "CUDA 13 build; -cu129 the CUDA 12.9 one."))
    memory_fraction = Fact(0.92, Source(f"{_WHEEL}: vllm/config/cache.py:103", _READ,
                                        "gpu_memory_utilization: float = Field(default=0.92, gt=0, le=1)"))
    cuda_graphs_default = True
    group_port = Fact(29501, Source(f"{_WHEEL}: vllm/config/parallel.py:284", _READ, "master_port: int = 29501"))
    reasoning_parser = Fact("deepseek_r1", Source(f"{_WHEEL}: vllm/reasoning/__init__.py:23", _READ,
                                                  "\"deepseek_r1\": (  # name"))
    launcher = "native"
    worker_serves_health = False  # --headless runs no API server
    reserve_outside_fraction = False
    owned = {
        **CORE_OWNED,
        "--speculative-config": "serving.speculative_decoding",
        "--enable-expert-parallel": "serving.expert_parallel",
        "--nnodes": "serving.pods_per_group",
        "--node-rank": "serving.pods_per_group",
        "--master-addr": "serving.pods_per_group",
        "--master-port": "serving.pods_per_group",
        "--headless": "serving.pods_per_group",
    }

    def command(self, serving, model, role: Role) -> list[str]:
        return ["vllm", "serve", model.mount_path]

    def core_args(self, serving, model) -> list[Arg]:
        """What every vLLM version is told: the model's name, the port, the layout, context and memory."""
        return [
            Arg("--served-model-name", model.served_name, "model.served_name"),
            Arg("--port", str(serving.port), "serving.port"),
            Arg("--tensor-parallel-size", str(serving.tensor_parallel), "serving.tensor_parallel"),
            Arg("--pipeline-parallel-size", str(serving.pipeline_parallel), "serving.pipeline_parallel"),
            Arg("--max-model-len", str(serving.max_model_len), "serving.max_model_len"),
            Arg("--gpu-memory-utilization", str(self.settings(serving).memory_fraction),
                "serving.gpu_memory_utilization"),
        ]

    def args(self, serving, model, role: Role, with_api_key: bool) -> list[Arg]:
        settings = self.settings(serving)
        args = [
            *self.core_args(serving, model),
            Arg("--generation-config", "auto" if serving.generation_defaults == "model" else "vllm",
                "serving.generation_defaults"),
        ]
        args += self._features(serving, settings.cuda_graphs)
        if serving.pods_per_group > 1:
            args += [
                Arg("--nnodes", str(serving.pods_per_group), "serving.pods_per_group"),
                Arg("--node-rank", WORKER_INDEX, "serving.pods_per_group"),
                Arg("--master-addr", LEADER_ADDRESS, "serving.pods_per_group"),
                Arg("--master-port", str(self.group_port.value), "serving.pods_per_group"),
            ]
            if role == "worker":
                args.append(Arg("--headless", None, "serving.pods_per_group"))
        if with_api_key and role == "leader":
            args.append(Arg("--middleware", AUTH_MIDDLEWARE, "api_key"))
        return args

    def _features(self, serving, cuda_graphs: bool) -> list[Arg]:
        args = []
        if serving.trust_remote_code:
            args.append(Arg("--trust-remote-code", None, "serving.trust_remote_code"))
        if not cuda_graphs:
            args.append(Arg("--enforce-eager", None, "serving.cuda_graphs"))
        if serving.reasoning_parser:
            args.append(Arg("--reasoning-parser", self.reasoning_parser.value, "serving.reasoning_parser"))
        if serving.kv_cache_dtype == "fp8":
            args.append(Arg("--kv-cache-dtype", "fp8", "serving.kv_cache_dtype"))
        if serving.speculative_decoding == "mtp":
            # DeepSeek's MTP head predicts one token ahead (config.json num_nextn_predict_layers: 1).
            args.append(Arg("--speculative-config", json_value({"method": "mtp", "num_speculative_tokens": 1}),
                            "serving.speculative_decoding"))
        if serving.expert_parallel:
            args.append(Arg("--enable-expert-parallel", None, "serving.expert_parallel"))
        return args


VLLM = Vllm()
