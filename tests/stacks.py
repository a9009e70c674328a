"""Test stacks: the committed stack files with a change applied, one per engine and topology the program
supports. They render like any stack (tests/conftest.py: `rendered("prod-sglang")`)."""

IMAGE_SIZES = {"vllm-openai:v0.30.0": 28.6, "sglang:v0.5.20": 30.0, "vllm:v0.7.2": 20.0}
"""Pull sizes of every engine image (rates.image_gib), so a test can switch engines. Only the vLLM figure is
the committed stacks' (an upper bound, see Pulumi.prod.yaml); the others are test values."""


def with_sizes(changes: dict[str, object]) -> dict[str, object]:
    """`changes` plus the pull size of every engine image."""
    return {"rates.image_gib": IMAGE_SIZES, **changes}


VARIANTS: dict[str, tuple[str, dict[str, object]]] = {
    # SGLang instead of vLLM, everything else as prod.
    "prod-sglang": ("prod", with_sizes({"serving.engine": "sglang"})),
    # Alibaba's guide as published: vLLM 0.7.2 on Ray, 4k context, util 0.95, eager, no reasoning parser.
    "prod-guide": ("prod", with_sizes({
        "serving.engine": "vllm-ray", "serving.accept_v0_engine_risk": True, "serving.max_model_len": 4096,
        "serving.gpu_memory_utilization": 0.95, "serving.reasoning_parser": False,
        "serving.generation_defaults": "engine",
    })),
    # R1 in one pod of 8 x 141 GiB: groups of one, replicas independent, no traffic between pods.
    "prod-one-pod": ("prod", {
        "serving.gpu_model_series": "GU8TEF", "serving.gpu_memory_gib": 141, "serving.pods_per_group": 1,
        "serving.pipeline_parallel": 1, "serving.replicas": 2, "serving.rdma": False,
    }),
}
