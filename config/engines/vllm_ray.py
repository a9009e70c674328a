"""The guide's engine: vLLM 0.7.2 on Ray, started by our bootstrap script (components/engines/ray-bootstrap.sh).

Kept so the reference deployment stays reproducible, never the default: 0.7.2 runs the V0 engine, whose
multi-node channel has a published remote-code-execution flaw (CVE-2025-30165), so a prod stack must say
`serving.accept_v0_engine_risk: true` to choose it. Flags follow the guide, with reasoning and generation
defaults available the 0.7.2 way (`--enable-reasoning` is required next to `--reasoning-parser` there).
"""

from datetime import date

from ..platform import Fact, Source
from .base import Arg, Role
from .vllm import AUTH_MIDDLEWARE, CORE_OWNED, Vllm

_READ = date(2026, 12, 1)
_WHEEL = "https://pypi.org/project/vllm/0.7.2/#files"
GUIDE = Source(
    "https://www.alibabacloud.com/help/en/cs/user-guide/using-acs-gpu-computing-power-to-build-a-distributed-"
    "deepseek-full-blood-version-reasoning-service", _READ,
    "Last updated Jan 26, 2026: image registry-cn-hangzhou.ack.aliyuncs.com/ack-demo/vllm:v0.7.2; leader "
    "`ray_init.sh leader --ray_cluster_size=$(LWS_GROUP_SIZE); vllm serve ... --tensor-parallel-size 8 "
    "--pipeline-parallel-size 2 --enforce-eager`.",
)
CVE = Source(
    "https://github.com/vllm-project/vllm/issues/45028", _READ,
    "\"CVE-2025-30165: Remote Code Execution (RCE) via ZeroMQ multi-node communication\" in \"the V0 engine's pickle "
    "implementation\" (2026-06-09; also issue #42216). The guide's 2-pod vLLM 0.7.2 runs exactly that V0 multi-node "
    "channel (../shared/reference/audits/workload.md section 4b).",
)


class VllmRay(Vllm):
    """The `vllm serve` command and core flags of `Vllm`; everything else as vLLM 0.7.2 takes it."""

    name = "vllm-ray"
    product = "vLLM"
    version = "0.7.2"
    flags_table = "vllm-0.7.2"
    image = Fact("registry-cn-hangzhou.ack.aliyuncs.com/ack-demo/vllm:v0.7.2", GUIDE)
    cuda_major = Fact(12, Source(
        "https://help.aliyun.com/zh/cs/user-guide/inference-nv-pytorch-25-04", _READ,
        "Alibaba's vLLM 0.7.2/0.8.x images are CUDA 12.4 builds (\"cu124\" in every tag of the series, e.g. "
        "inference-nv-pytorch:25.02-vllm0.7.2-sglang0.4.3.post2-pytorch2.5-cuda12.4); the vLLM 0.7.2 wheel pins "
        "torch==2.5.1 (CUDA 12.4)."))
    memory_fraction = Fact(0.9, Source(f"{_WHEEL}: vllm/engine/arg_utils.py", _READ,
                                       "gpu_memory_utilization: float = 0.90"))
    cuda_graphs_default = False  # the guide runs --enforce-eager
    group_port = Fact(6379, Source("https://docs.ray.io/en/latest/cluster/cli.html", _READ,
                                   "ray start --port: \"the port of the head ray process. If not provided, defaults to "
                                   "6379\""))
    reasoning_parser = Fact("deepseek_r1", Source(
        f"{_WHEEL}: vllm/entrypoints/openai/reasoning_parsers/deepseek_r1_reasoning_parser.py:17", _READ,
        "@ReasoningParserManager.register_module(\"deepseek_r1\"); cli_args.py: \"--enable-reasoning requires "
        "--reasoning-parser\""))
    launcher = "ray"
    worker_serves_health = False  # workers run a Ray node only
    reserve_outside_fraction = False
    owned = {**CORE_OWNED, "--enable-reasoning": "serving.reasoning_parser"}

    def args(self, serving, model, role: Role, with_api_key: bool) -> list[Arg]:
        settings = self.settings(serving)
        args = self.core_args(serving, model)
        if serving.pods_per_group > 1:
            args.append(Arg("--distributed-executor-backend", "ray", "serving.engine"))
        if serving.trust_remote_code:
            args.append(Arg("--trust-remote-code", None, "serving.trust_remote_code"))
        if not settings.cuda_graphs:
            args.append(Arg("--enforce-eager", None, "serving.cuda_graphs"))
        if serving.reasoning_parser:
            args += [Arg("--enable-reasoning", None, "serving.reasoning_parser"),
                     Arg("--reasoning-parser", self.reasoning_parser.value, "serving.reasoning_parser")]
        if serving.generation_defaults == "model":  # 0.7.2 ignores generation_config.json unless told
            args.append(Arg("--generation-config", "auto", "serving.generation_defaults"))
        if serving.kv_cache_dtype == "fp8":
            args.append(Arg("--kv-cache-dtype", "fp8", "serving.kv_cache_dtype"))
        if serving.speculative_decoding == "mtp":
            args.append(Arg("--speculative-config", "{}", "serving.speculative_decoding"))  # not in 0.7.2: refused
        if serving.expert_parallel:
            args.append(Arg("--enable-expert-parallel", None, "serving.expert_parallel"))  # not in 0.7.2: refused
        if with_api_key and role == "leader":
            args.append(Arg("--middleware", AUTH_MIDDLEWARE, "api_key"))
        return args


VLLM_RAY = VllmRay()
