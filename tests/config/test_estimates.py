"""The cold-start estimate, the timeouts derived from it and the cost lines, on hand-computed cases."""

import pytest

import config
from config import costs, estimates, timeouts
from config.waits import total_minutes, waits
from tests.conftest import changed_config

GIB, MB = 2**30, 10**6
# Round rates so every figure below is hand-computable: a 1 GiB image, no image cache.
PLAIN = {"rates.image_gib": {"vllm-openai:v0.30.0": 1.0}, "images.image_cache": False,
         "rates.pull_mbps": {"best": 100, "expected": 50, "worst": 10},
         "rates.oss_read_mbps": {"best": 1000, "expected": 500, "worst": 100},
         "rates.engine_init_seconds": {"best": 60, "expected": 120, "worst": 600},
         "rates.graph_capture_seconds": {"best": 0, "expected": 60, "worst": 600}}


def load(stack: str, changes: dict):
    raw, secret_keys = changed_config(stack, changes)
    return config.load(raw, secret_keys, stack)


def test_phases_hand_computed():
    stack = load("dev", PLAIN)
    estimate = estimates.cold_start(stack)
    pull = GIB / MB  # 1073.741824 MB
    assert estimate.phase("image pull") == estimates.Span(pull / 100, pull / 50, pull / 10)
    weights = stack.model.weights_bytes / MB  # one pod reads all of it; 1 pod << the 100 Gbit/s account cap
    assert estimate.phase("weight read") == estimates.Span(weights / 1000, weights / 500, weights / 100)
    assert estimate.phase("engine start") == estimates.Span(60, 180, 1200)  # CUDA graphs on by default
    assert estimate.group.worst == pytest.approx(pull / 10 + weights / 100 + 1200)


def test_fluid_warm_up_is_capped_by_the_account_bandwidth():
    stack = load("prod", {**PLAIN, "rates.oss_account_gbitps": {"best": 8, "expected": 8, "worst": 8},
                          "rates.warmup_mbps_per_worker": {"best": 100, "expected": 100, "worst": 100}})
    # 16 workers x 100 MB/s = 1600 MB/s > 8 Gbit/s = 1000 MB/s: the account binds.
    assert estimates.cold_start(stack).phase("cache warm-up").worst == pytest.approx(stack.model.weights_bytes / MB / 1000)


def test_unset_timeouts_are_derived_from_the_worst_case():
    stack = load("dev", PLAIN)
    weights = stack.model.weights_bytes / MB
    worst = GIB / MB / 10 + weights / 100 + 1200
    startup = max(-(-worst * 1.25 // 60), 1800 // 60 + 1)  # ceil(worst x margin) and past group formation
    assert stack.serving.startup_timeout_minutes == startup
    assert stack.serving.ready_timeout_minutes == startup  # one group, one rollout batch
    smoke = -(-(3 * 300 + 2 * 10 + GIB / MB / 10) * 1.25 // 60)
    assert stack.jobs.smoke_test_timeout_minutes == smoke
    assert total_minutes(stack) == sum(wait.minutes for wait in waits(stack))
    assert {w.field: w.minutes for w in waits(stack)}["serving.ready_timeout_minutes"] == startup


def test_a_timeout_below_the_estimate_is_refused_with_it():
    with pytest.raises(config.ConfigError) as error:
        load("dev", {**PLAIN, "serving.startup_timeout_minutes": 20})
    assert error.value.problems[0][0] == "serving.startup_timeout_minutes"
    assert "shorter than the worst-case estimate" in error.value.problems[0][1]


def test_a_set_timeout_that_covers_the_estimate_is_kept():
    assert load("dev", {**PLAIN, "serving.startup_timeout_minutes": 590}).serving.startup_timeout_minutes == 590


def test_an_image_without_a_size_is_a_config_error():
    with pytest.raises(config.ConfigError) as error:
        load("dev", {"rates.image_gib": {}})
    assert any(path == "rates.image_gib" and "vllm-openai:v0.30.0" in message for path, message in error.value.problems)


def test_smoke_test_figures_match_the_rendered_job(rendered):
    job = next(node for node in rendered("dev").nodes if node.type == "kubernetes:batch/v1:Job" and "smoke" in node.name)
    args = job.inputs["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args[args.index("--attempts") + 1] == str(timeouts.SMOKE_ATTEMPTS)
    assert int(args[args.index("--timeout") + 1]) >= timeouts.SMOKE_REQUEST_SECONDS  # each try gets its share


def test_costs_hand_computed():
    prices = {"prices.gpu_hour": {"GU8TF": 2.0}, "prices.gpu_pod_vcpu_hour": 0.01, "prices.gpu_pod_gib_hour": 0.001,
              "prices.nat_cu_hour": 0.0, "prices.eip_hour": 0.0}
    stack = load("prod", {**PLAIN, **prices})
    serving = stack.serving
    pod = 8 * 2.0 + serving.cpu * 0.01 + serving.memory_gib * 0.001
    assert costs.gpu_pods(stack).per_hour == pytest.approx(2 * pod)
    workers = 16 * (16 * 0.01224 + 128 * 0.006)  # performance class, default QoS, mainland (USD table)
    assert costs.cache_workers(stack).per_hour == pytest.approx(workers)
    storage = stack.model.weights_bytes / 1e9 * 0.0173
    assert costs.storage_month(stack) == pytest.approx(storage)
    parked = costs.total(costs.parked(stack))
    assert parked.missing == () and parked.per_hour == pytest.approx(workers + 0.034 + storage / 720)
    assert costs.total(costs.running(stack)).per_hour == pytest.approx(parked.per_hour + 2 * pod)
    group = estimates.cold_start(stack).group
    assert costs.cold_start_cost(stack).expected == pytest.approx(group.expected / 3600 * 2 * pod)


def test_missing_prices_are_named_not_invented():
    stack = load("dev", PLAIN)
    line = costs.gpu_pods(stack)
    assert line.per_hour is None and "prices.gpu_hour.L20" in line.missing
    assert costs.cold_start_cost(stack) is None
