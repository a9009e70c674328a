"""The capacity model against published engine logs, and the plan-time rule it guards."""

import pytest

from config import capacity
from config.capacity import CALIBRATION, KV_BYTES, stage_layers
from config.catalog import CATALOG
from tests.stacks import with_sizes
from tests.test_config import load, problems

R1 = CATALOG["deepseek-r1"]


@pytest.mark.parametrize("case", CALIBRATION, ids=lambda case: case.name)
def test_the_model_lands_within_15_percent_of_each_published_kv_figure(case):
    predicted = capacity.predicted_kv_gib(case, R1.size_bytes, R1.architecture.layers)
    assert predicted == pytest.approx(case.kv_gib, rel=0.15)
    weights = R1.size_bytes / 2**30 * stage_layers(61, case.pipeline_parallel) / 61 / case.tensor_parallel
    assert weights == pytest.approx(case.weights_gib, rel=0.15)


def test_bytes_per_token_match_vllms_published_block_counts():
    """vllm-project/vllm#14842, DeepSeek-R1 TP8, the same KV memory twice: 5266 blocks of 64 tokens unpadded,
    4739 with the head padded to 78,080 bytes per token; so the unpadded figure is 61 x 576 x 2 bytes."""
    ours = R1.architecture.layers * R1.architecture.kv_values_per_rank(8) * KV_BYTES["auto"]
    assert ours == 70_272
    assert 5266 * 64 * ours == pytest.approx(4739 * 64 * 78_080, rel=0.01)
    assert 5266 * 64 / 163_840 == pytest.approx(2.06, abs=0.01)  # its "Maximum concurrency ... 2.06x"


def test_mla_is_held_by_every_tensor_rank_gqa_is_split():
    assert R1.architecture.kv_values_per_rank(8) == R1.architecture.kv_values_per_rank(1) == 576
    distill = CATALOG["deepseek-r1-distill-qwen-7b"].architecture
    assert distill.kv_values_per_rank(1) == 1024 and distill.kv_values_per_rank(4) == 256


def test_prod_hand_computed():
    found = capacity.of(load("prod"))
    # 96 GiB x 0.92 - 641.3 GiB x 31/61 / 8 (fullest of 2 stages) - 4.77 GiB (CUDA graphs on)
    weights = 688_586_727_753 / 2**30 * 31 / 61 / 8
    assert found.weights_gib == pytest.approx(weights) and found.stage_layers == 31
    assert found.kv_gib == pytest.approx(96 * 0.92 - weights - 4.77)
    assert found.bytes_per_token == 31 * 576 * 2
    assert found.tokens == int(found.kv_gib * 2**30 // (31 * 576 * 2))
    assert found.concurrency == pytest.approx(found.tokens / 32768)


def test_fp8_and_mtp_change_what_a_token_costs():
    fp8 = capacity.of(load("prod", {"serving.kv_cache_dtype": "fp8"}))
    mtp = capacity.of(load("prod", {"serving.speculative_decoding": "mtp"}))
    assert fp8.bytes_per_token == 31 * 576 and mtp.bytes_per_token == 32 * 576 * 2


def test_sglang_keeps_its_reserve_outside_the_fraction():
    found = capacity.of(load("prod", with_sizes({"serving.engine": "sglang"})))
    assert found.kv_gib == pytest.approx(96 * 0.9 - found.weights_gib)


def test_the_guide_shape_cannot_hold_a_long_context_at_the_declared_concurrency():
    found = problems("prod", {"serving.max_model_len": 131072, "serving.min_concurrency": 16})
    message = found["serving.max_model_len"]
    assert message.startswith("the KV cache holds ") and "min_concurrency 16 needs 2,097,152" in message
    assert "kv_cache_dtype 'fp8'" in message


def test_weights_that_do_not_fit_are_refused_with_the_numbers():
    found = problems("prod", {"serving.gpu_memory_gib": 48})
    assert found["serving.gpus_per_pod"].startswith("the model does not fit: 40.7 GiB of weights per GPU")


def test_the_one_pod_topology_fits_in_141_gib_gpus():
    stack = load("prod", {"serving.gpu_model_series": "GU8TEF", "serving.gpu_memory_gib": 141,
                          "serving.pods_per_group": 1, "serving.pipeline_parallel": 1, "serving.rdma": False})
    found = capacity.of(stack)
    assert found.stage_layers == 61 and found.concurrency > 1
    # On 8 x 96 GiB one pod holds the weights with ~3 GiB per GPU to spare: barely one 32k sequence.
    squeezed = {"serving.pods_per_group": 1, "serving.pipeline_parallel": 1}
    assert 1 < capacity.of(load("prod", squeezed)).concurrency < 2
    assert "min_concurrency 2 needs 65,536" in problems("prod", {**squeezed, "serving.min_concurrency": 2})[
        "serving.max_model_len"]
