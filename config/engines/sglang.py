"""SGLang 0.5.20: multi-node through its own flags (`--nnodes`, `--node-rank`, `--dist-init-addr`), no Ray.

Rank 0 (the leader) serves the API; the other ranks answer health checks on the same port. Settings follow
SGLang's DeepSeek guide: `--reasoning-parser deepseek-r1`, the model's sampling defaults, FP8 KV cache and MTP
(EAGLE with 3 steps, top-k 1, 4 draft tokens) as options, expert parallelism as an option.
"""

from datetime import date

from ..platform import Fact, Source
from .base import LEADER_ADDRESS, WORKER_INDEX, Arg, Engine, Role

_READ = date(2026, 12, 1)
_WHEEL = "https://pypi.org/project/sglang/0.5.20/#files (sglang-0.5.20-cp311-cp311-manylinux_2_34_x86_64.whl)"
GUIDE = Source(
    "https://github.com/sgl-project/sglang/blob/0f4513c2f46be5ae1e0d9bf0a8f7b5471a8b3d16/docs/basic_usage/deepseek_v3.md",
    _READ,
    "MTP: \"The default configuration for DeepSeek models is `--speculative-num-steps 3 --speculative-eagle-topk 1 "
    "--speculative-num-draft-tokens 4`\"; example on \"1 * H20 node\" with `--tp 8 --mem-fraction-static 0.9`; "
    "\"The official DeepSeek V3 is already in FP8 format, so you should not run it with any quantization arguments\".",
)
MULTI_NODE = Source(
    "https://github.com/sgl-project/sglang/blob/0006053c1f740de8041eae003f507a38912b96c2/benchmark/deepseek_v3/README.md",
    _READ,
    "\"Example: Serving with two H20*8 nodes\": `python3 -m sglang.launch_server --model-path deepseek-ai/DeepSeek-V3 "
    "--tp 16 --dist-init-addr 10.0.0.1:5000 --nnodes 2 --node-rank 0 --trust-remote-code` (node-rank 1 on the other); "
    "\"Please use the first node's IP for both commands.\"",
)


class Sglang(Engine):
    name = "sglang"
    product = "SGLang"
    version = "0.5.20"
    flags_table = "sglang-0.5.20"
    image = Fact(
        "docker.io/lmsysorg/sglang:v0.5.20@sha256:06e4f2ed21afde4ff513cda65070124e727ba23ccaeff7712b8c40e1097d611f",
        Source("https://hub.docker.com/r/lmsysorg/sglang/tags?name=v0.5.20", _READ,
               "The digest as a public deployment report (a GPU-spike write-up found by code search) gives it: \"Image: `docker.io/lmsysorg/sglang:v0.5.20`, pulled digest (pod `imageID`) `docker.io/lmsysorg/sglang@"
               "sha256:06e4f2ed21afde4ff513cda65070124e727ba23ccaeff7712b8c40e1097d611f` (index digest)\"; the image "
               "prints `sglang 0.5.20`, `PyTorch: 2.13.0+cu130`, CUDA_VERSION=13.0.3. No public digest was found for "
               "0.5.21 to 0.5.23."),
    )
    cuda_major = Fact(13, image.source)
    memory_fraction = Fact(0.9, GUIDE)
    cuda_graphs_default = True
    group_port = Fact(5000, MULTI_NODE)
    reasoning_parser = Fact("deepseek-r1", Source(f"{_WHEEL}: sglang/srt/arg_groups/fields (--reasoning-parser choices)",
                                                  _READ, "choices include 'deepseek-r1' (hyphen; 'deepseek_r1' is "
                                                         "\"invalid choice\")"))
    launcher = "native"
    worker_serves_health = True  # ranks >= 1 run launch_dummy_health_check_server on --host/--port
    reserve_outside_fraction = True  # --mem-fraction-static covers weights and the KV pool only
    owned = {
        "--model-path": "model.path",
        "--served-model-name": "model.served_name",
        "--host": "serving.port",
        "--port": "serving.port",
        "--tp-size": "serving.tensor_parallel",
        "--pp-size": "serving.pipeline_parallel",
        "--ep-size": "serving.expert_parallel",
        "--context-length": "serving.max_model_len",
        "--mem-fraction-static": "serving.gpu_memory_utilization",
        "--cuda-graph-backend-decode": "serving.cuda_graphs",
        "--cuda-graph-backend-prefill": "serving.cuda_graphs",
        "--disable-cuda-graph": "serving.cuda_graphs",
        "--reasoning-parser": "serving.reasoning_parser",
        "--sampling-defaults": "serving.generation_defaults",
        "--kv-cache-dtype": "serving.kv_cache_dtype",
        "--speculative-algorithm": "serving.speculative_decoding",
        "--speculative-num-steps": "serving.speculative_decoding",
        "--speculative-eagle-topk": "serving.speculative_decoding",
        "--speculative-num-draft-tokens": "serving.speculative_decoding",
        "--trust-remote-code": "serving.trust_remote_code",
        "--enable-metrics": "serving.engine",
        "--nnodes": "serving.pods_per_group",
        "--node-rank": "serving.pods_per_group",
        "--dist-init-addr": "serving.pods_per_group",
        "--api-key": "api_key",
        "--admin-api-key": "api_key",
    }

    def command(self, serving, model, role: Role) -> list[str]:
        return ["python3", "-m", "sglang.launch_server"]

    def args(self, serving, model, role: Role, with_api_key: bool) -> list[Arg]:
        settings = self.settings(serving)
        args = [
            Arg("--model-path", model.mount_path, "model.path"),
            Arg("--served-model-name", model.served_name, "model.served_name"),
            Arg("--host", "0.0.0.0", "serving.port"),  # SGLang binds 127.0.0.1 by default
            Arg("--port", str(serving.port), "serving.port"),
            Arg("--tp-size", str(serving.tensor_parallel), "serving.tensor_parallel"),
            Arg("--pp-size", str(serving.pipeline_parallel), "serving.pipeline_parallel"),
            Arg("--context-length", str(serving.max_model_len), "serving.max_model_len"),
            Arg("--mem-fraction-static", str(settings.memory_fraction), "serving.gpu_memory_utilization"),
            Arg("--sampling-defaults", "model" if serving.generation_defaults == "model" else "openai",
                "serving.generation_defaults"),
            Arg("--enable-metrics", None, "serving.engine"),
        ]
        args += self._features(serving, settings.cuda_graphs)
        if serving.pods_per_group > 1:
            args += [
                Arg("--nnodes", str(serving.pods_per_group), "serving.pods_per_group"),
                Arg("--node-rank", WORKER_INDEX, "serving.pods_per_group"),
                Arg("--dist-init-addr", f"{LEADER_ADDRESS}:{self.group_port.value}", "serving.pods_per_group"),
            ]
        return args

    def _features(self, serving, cuda_graphs: bool) -> list[Arg]:
        args = []
        if serving.trust_remote_code:
            args.append(Arg("--trust-remote-code", None, "serving.trust_remote_code"))
        if not cuda_graphs:
            args += [Arg("--cuda-graph-backend-decode", "disabled", "serving.cuda_graphs"),
                     Arg("--cuda-graph-backend-prefill", "disabled", "serving.cuda_graphs")]
        if serving.reasoning_parser:
            args.append(Arg("--reasoning-parser", self.reasoning_parser.value, "serving.reasoning_parser"))
        if serving.kv_cache_dtype == "fp8":
            args.append(Arg("--kv-cache-dtype", "fp8_e4m3", "serving.kv_cache_dtype"))
        if serving.speculative_decoding == "mtp":
            args += [Arg("--speculative-algorithm", "EAGLE", "serving.speculative_decoding"),
                     Arg("--speculative-num-steps", "3", "serving.speculative_decoding"),
                     Arg("--speculative-eagle-topk", "1", "serving.speculative_decoding"),
                     Arg("--speculative-num-draft-tokens", "4", "serving.speculative_decoding")]
        if serving.expert_parallel:
            args.append(Arg("--ep-size", str(serving.tensor_parallel), "serving.expert_parallel"))
        return args


SGLANG = Sglang()
