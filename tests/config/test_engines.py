"""Engines: flags read as each engine's parser reads them, rendered per role and version, refused when the
version lacks them."""

import json

import pytest

from config.engines import ENGINES, ROLES
from config.engines.flags import FlagError, all_tables, load, parse
from tests.stacks import with_sizes
from tests.test_config import load as load_stack
from tests.test_config import problems

VLLM, SGLANG, GUIDE = (load(name) for name in ("vllm-0.30.0", "sglang-0.5.20", "vllm-0.7.2"))


def test_every_table_says_where_it_was_read():
    for table in all_tables():
        assert table.source.url.startswith("https://pypi.org/project/") and table.source.read.year == 2026
        assert table.version in table.source.url and len(table.options) > 100


@pytest.mark.parametrize("spelled", ["--tensor-parallel-size", "-tp", "--tensor_parallel_size", "--tensor-parallel"])
def test_vllm_spellings_of_one_flag(spelled):
    assert VLLM.option(spelled).canonical == "--tensor-parallel-size"


def test_a_json_flag_by_key_is_that_flag():
    assert VLLM.option("--speculative-config.method").canonical == "--speculative-config"


def test_sglang_takes_no_underscores_and_refuses_ambiguous_prefixes():
    assert SGLANG.option("--tp").canonical == "--tensor-parallel-size"
    with pytest.raises(FlagError, match="not an option"):
        SGLANG.option("--tp_size")
    with pytest.raises(FlagError, match="ambiguous"):
        SGLANG.option("--pp")  # --pp-size, --pp-max-micro-batch-size, ...


def test_parse_reads_values_and_refuses_what_the_parser_would():
    found, refused = parse(VLLM, ["--max-num-seqs", "64", "--enforce-eager", "--kv-cache-dtype=fp9", "stray",
                                  "--max-num-seqs 8", "--no-such-flag"])
    assert [(item.option.canonical, item.value) for item in found] == [
        ("--max-num-seqs", "64"), ("--enforce-eager", None), ("--kv-cache-dtype", "fp9")]
    messages = dict(refused)
    assert messages[3].startswith("--kv-cache-dtype takes one of auto, bfloat16") and "fp9" not in messages[3]
    assert "no option before it" in messages[4] and "are one item" in messages[5] and "8" not in messages[5]
    assert "not an option" in messages[6]


@pytest.mark.parametrize("engine", ENGINES.values(), ids=lambda engine: engine.name)
def test_every_owned_flag_exists_or_is_refused_anyway(engine):
    """An owned flag either exists in the version (and is refused in extra_args) or the version lacks it."""
    for flag in engine.owned:
        assert engine.flags.has(flag) or flag not in {arg.flag for arg in _all_args(engine)}, flag


@pytest.mark.parametrize("engine", ENGINES.values(), ids=lambda engine: engine.name)
def test_rendered_values_are_ones_the_parser_accepts(engine):
    stack = load_stack("prod")
    for role in ROLES:
        found, refused = parse(engine.flags, [token for arg in engine.args(stack.serving, stack.model, role, True)
                                              for token in arg.tokens()])
        if engine.name != "vllm-ray":  # prod's settings include nothing 0.7.2 lacks
            assert refused == []
        assert all(item.option.choices is None or item.value in item.option.choices for item in found)


def _all_args(engine):
    stack = load_stack("prod", {"serving.kv_cache_dtype": "fp8", "serving.speculative_decoding": "mtp",
                                "serving.expert_parallel": True, "serving.cuda_graphs": False})
    return [arg for role in ROLES for arg in engine.args(stack.serving, stack.model, role, True)]


@pytest.mark.parametrize("item", ["--tensor-parallel-size=4", "-tp", "--tensor_parallel_size", "--tensor-parallel",
                                  "--max-model-len", "--served-model-name", "--api-key", "--node-rank",
                                  "--speculative-config.method", "--no-enable-expert-parallel"])
def test_a_flag_the_stack_sets_cannot_be_set_again_in_any_spelling(item):
    found = problems("prod", {"serving.extra_args": [item, "1"]})
    assert "which the stack sets from" in found["serving.extra_args.0"]


def test_sglang_flags_the_stack_sets_are_refused_in_its_spelling():
    found = problems("prod", with_sizes({"serving.engine": "sglang", "serving.extra_args": ["--tp", "16"]}))
    assert found["serving.extra_args.0"] == ("'--tp' is --tensor-parallel-size, which the stack sets from "
                                             "`serving.tensor_parallel`; set that field instead")


def test_a_flag_the_version_lacks_names_the_version_that_has_it():
    found = problems("prod", {"serving.extra_args": ["--enable-reasoning"]})
    assert "'--enable-reasoning' is not an option of vllm 0.30.0; vllm 0.7.2 has it" == found["serving.extra_args.0"]


@pytest.mark.parametrize("setting, value, flag", [
    ("serving.speculative_decoding", "mtp", "--speculative-config"),
    ("serving.expert_parallel", True, "--enable-expert-parallel"),
])
def test_a_setting_the_guide_engine_cannot_render_is_refused_on_that_setting(setting, value, flag):
    found = problems("prod", with_sizes({"serving.engine": "vllm-ray", "serving.accept_v0_engine_risk": True, setting: value}))
    assert found[setting] == (f"needs {flag}, which vLLM 0.7.2 (engine 'vllm-ray') does not have; vllm 0.30.0 "
                              "has it")


def test_extra_args_come_last_and_reach_every_pod(rendered, render):
    run = render("prod", {"serving.extra_args": ["--max-num-seqs", "64"]})
    template = run.one("kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet").inputs["spec"]["leaderWorkerTemplate"]
    for role in ("leaderTemplate", "workerTemplate"):
        assert template[role]["spec"]["containers"][0]["command"][-2:] == ["--max-num-seqs", "64"]


def test_vllm_multi_node_flags_per_role(rendered):
    template = rendered("prod").one("kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet").inputs["spec"][
        "leaderWorkerTemplate"]
    leader = template["leaderTemplate"]["spec"]["containers"][0]["command"]
    worker = template["workerTemplate"]["spec"]["containers"][0]["command"]
    for command in (leader, worker):
        assert command[3:6] == ["vllm", "serve", "/models/DeepSeek-R1"]
        pairs = dict(zip(command, command[1:]))
        assert (pairs["--nnodes"], pairs["--node-rank"], pairs["--master-addr"], pairs["--master-port"]) == (
            "2", "$(WORKER_INDEX)", "$(LWS_LEADER_ADDRESS)", "29501")
        assert pairs["--reasoning-parser"] == "deepseek_r1" and pairs["--max-model-len"] == "32768"
        assert "--enforce-eager" not in command and "--distributed-executor-backend" not in command
    assert "--headless" in worker and "--headless" not in leader
    env = template["workerTemplate"]["spec"]["containers"][0]["env"]
    assert {"name": "WORKER_INDEX", "valueFrom": {"fieldRef": {
        "fieldPath": "metadata.labels['leaderworkerset.sigs.k8s.io/worker-index']"}}} in env


def test_sglang_multi_node_flags(rendered):
    template = rendered("prod-sglang").one("kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet").inputs["spec"][
        "leaderWorkerTemplate"]
    for role in ("leaderTemplate", "workerTemplate"):
        container = template[role]["spec"]["containers"][0]
        pairs = dict(zip(container["command"], container["command"][1:]))
        assert (pairs["--dist-init-addr"], pairs["--node-rank"], pairs["--host"]) == (
            "$(LWS_LEADER_ADDRESS):5000", "$(WORKER_INDEX)", "0.0.0.0")
        assert pairs["--reasoning-parser"] == "deepseek-r1" and "--enable-metrics" in container["command"]
        assert container["startupProbe"]["httpGet"]["path"] == "/health"  # SGLang's other ranks answer too
    leader_env = template["leaderTemplate"]["spec"]["containers"][0]["env"]
    assert {"name": "API_KEY_FLAG", "value": "--api-key"} in leader_env


def test_mtp_and_fp8_per_engine():
    stack = load_stack("prod", {"serving.kv_cache_dtype": "fp8", "serving.speculative_decoding": "mtp"})
    vllm = {arg.flag: arg.value for arg in ENGINES["vllm"].args(stack.serving, stack.model, "leader", False)}
    assert json.loads(vllm["--speculative-config"]) == {"method": "mtp", "num_speculative_tokens": 1}
    assert vllm["--kv-cache-dtype"] == "fp8"
    sglang = {arg.flag: arg.value for arg in ENGINES["sglang"].args(stack.serving, stack.model, "leader", False)}
    assert (sglang["--speculative-algorithm"], sglang["--speculative-num-steps"], sglang["--speculative-eagle-topk"],
            sglang["--speculative-num-draft-tokens"], sglang["--kv-cache-dtype"]) == ("EAGLE", "3", "1", "4", "fp8_e4m3")


def test_fp8_only_where_the_gpu_has_it():
    assert load_stack("prod", {"serving.kv_cache_dtype": "fp8"}).serving.kv_cache_dtype == "fp8"
    found = problems("dev", {"serving.kv_cache_dtype": "fp8"})
    assert found["serving.kv_cache_dtype"].startswith("'fp8' needs a GPU with FP8 support; known to have it: GU8TF")


def test_the_guide_engine_in_prod_needs_an_acknowledgement():
    found = problems("prod", with_sizes({"serving.engine": "vllm-ray"}))
    assert "CVE-2025-30165" in found["serving.accept_v0_engine_risk"]
    assert load_stack("dev", with_sizes({"serving.engine": "vllm-ray"})).serving.engine == "vllm-ray"


def test_both_stacks_default_to_vllm(rendered, each_stack):
    assert load_stack(each_stack).serving.engine == "vllm"
