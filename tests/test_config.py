"""Every config rule: a passing and a failing case, with the error naming the field path."""

import pytest

import config
from config import ConfigError, Sizing, gib
from tests.conftest import changed_config


def load(stack: str, changes: dict | None = None, secret_keys: list[str] | None = None):
    raw, secrets = changed_config(stack, changes or {})
    return config.load(raw, secrets if secret_keys is None else secret_keys, stack)


def problems(stack: str, changes: dict | None = None, secret_keys: list[str] | None = None) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        load(stack, changes, secret_keys)
    return dict(caught.value.problems)


def test_both_stack_files_are_valid(each_stack):
    stack = load(each_stack)
    assert stack.environment == each_stack


def test_dev_is_the_cheap_architecture():
    dev = load("dev")
    assert (dev.serving.pods_per_group, dev.serving.gpus_per_pod, dev.storage.mode) == (1, 1, "oss")
    assert dev.model.catalog == "deepseek-r1-distill-qwen-7b" and dev.serving.service.type == "ClusterIP"


def test_prod_is_the_reference_deployment():
    prod = load("prod")
    serving = prod.serving
    assert (serving.pods_per_group, serving.gpus_per_pod, serving.tensor_parallel, serving.pipeline_parallel) == (2, 8, 8, 2)
    assert prod.storage.mode == "fluid" and prod.storage.fluid.workers == 16 and serving.rdma
    assert prod.model.weights_bytes == 688_586_727_753


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"serving.tpyo": 1}, "serving.tpyo"),
        ({"storage.fluid.wokers": 1}, "storage.fluid.wokers"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_unknown_keys_are_rejected_with_the_allowed_ones(changes, path):
    found = problems("prod", changes)
    assert "unknown key" in found[path] and "allowed here" in found[path]


def test_allowed_keys_are_those_of_the_section():
    assert "tensor_parallel" in problems("prod", {"serving.tpyo": 1})["serving.tpyo"]


def test_tensor_x_pipeline_must_equal_the_gpus():
    assert "must equal gpus_per_pod x pods_per_group" in problems("prod", {"serving.tensor_parallel": 4})["serving.tensor_parallel"]
    assert load("prod", {"serving.tensor_parallel": 4, "serving.pipeline_parallel": 4}).serving.tensor_parallel == 4


def test_a_tensor_parallel_group_fits_in_one_pod():
    found = problems("prod", {"serving.tensor_parallel": 16, "serving.pipeline_parallel": 1})
    assert "fit inside one pod" in found["serving.tensor_parallel"]


def test_model_too_large_for_its_gpus():
    found = problems("prod", {"serving.gpu_memory_gib": 40})  # 40 x 0.95 x 0.9 = 34.2 < 40.1 GiB
    assert "does not fit" in found["serving.gpus_per_pod"]
    assert load("prod", {"serving.gpu_memory_gib": 80}).serving.gpu_memory_gib == 80


def test_size_override_replaces_the_catalogue():
    found = problems("dev", {"model.size_bytes": 60 * 2**30})
    assert "does not fit" in found["serving.gpus_per_pod"]
    other = load("dev", {"model.catalog": None, "model.size_bytes": 10**9, "model.files": ["config.json", "model.safetensors"]})
    assert other.model.weights_bytes == 10**9


def test_a_model_needs_a_size():
    assert "size_bytes" in problems("dev", {"model.catalog": None})["model.size_bytes"]


def test_cache_too_small_for_the_model():
    found = problems("prod", {"storage.fluid.workers": 4})
    assert "cache is too small" in found["storage.fluid.workers"]


def test_cache_capacity_is_workers_x_quota_x_high_watermark():
    sizing = Sizing.of(load("prod"))
    assert gib(sizing.cache_capacity_bytes) == pytest.approx(16 * 128 * 0.99)
    assert sizing.cache_needed_bytes == 688_586_727_753
    # 6 x 128 x 0.99 = 760 GiB holds 641 GiB; 5 x 128 x 0.99 = 634 GiB does not.
    assert load("prod", {"storage.fluid.workers": 6}).storage.fluid.workers == 6
    assert "storage.fluid.workers" in problems("prod", {"storage.fluid.workers": 5})


def test_weights_per_gpu_figures():
    sizing = Sizing.of(load("prod"))
    assert gib(sizing.weights_per_gpu_bytes) == pytest.approx(641.3 / 16, rel=1e-3)
    assert gib(sizing.usable_gpu_bytes) == pytest.approx(96 * 0.92)  # vLLM 0.30's default utilisation


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"serving.name": "DeepSeek_R1"}, "serving.name"),
        ({"serving.name": "1-deepseek"}, "serving.name"),
        ({"namespace": "a" * 64}, "namespace"),
        ({"cluster.name": "acs-"}, "cluster.name"),
        ({"serving.service.allowed_namespaces": ["Gateway"]}, "serving.service.allowed_namespaces.0"),
    ],
)
def test_kubernetes_names_are_dns_1035_labels(changes, path):
    assert "DNS-1035" in problems("prod", changes)[path]


@pytest.mark.parametrize("name", ["My_Bucket", "ab", "-models", "models-"])
def test_bucket_names(name):
    assert "bucket.name" in problems("prod", {"bucket.name": name})


@pytest.mark.parametrize("region", ["hangzhou", "CN-HANGZHOU", "cn_hangzhou"])
def test_region_looks_like_a_region_id(region):
    assert "region id" in problems("prod", {"alicloud:region": region})["alicloud:region"]


def test_region_comes_only_from_alicloud_region():
    assert "alicloud:region" in problems("prod", {"region": "cn-beijing"})["region"]


def test_zones_belong_to_the_region():
    found = problems("prod", {"network.vswitches": [{"zone_id": "cn-beijing-a", "cidr": "10.0.0.0/18"}]})
    assert "'cn-beijing-a' is not a zone of cn-hangzhou" in found["network.vswitches.0.zone_id"]
    assert "known zones: cn-hangzhou-b" in found["network.vswitches.0.zone_id"]


def test_vswitch_cidrs_lie_inside_the_vpc():
    found = problems("prod", {"network.vswitches": [{"zone_id": "cn-hangzhou-i", "cidr": "172.16.0.0/20"}]})
    assert "not inside vpc_cidr" in found["network.vswitches.0.cidr"]


def test_network_is_created_or_reused_not_both():
    found = problems("prod", {"network.existing_vswitch_ids": ["vsw-abc123"]})
    assert "exactly one" in found["network.vswitches"]
    reused = load("prod", {"network.existing_vswitch_ids": ["vsw-abc123"], "network.vswitches": [],
                           "serving.pod_security_group": False})
    assert reused.network.existing_vswitch_ids == ["vsw-abc123"]


def test_service_cidr_must_not_overlap_the_vpc():
    assert "overlaps" in problems("prod", {"cluster.service_cidr": "10.0.0.0/20"})["cluster.service_cidr"]


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"serving.image": "vllm/vllm-openai:latest"}, "serving.image"),
        ({"serving.image": "vllm/vllm-openai"}, "serving.image"),
        ({"charts.fluid.version": "latest"}, "charts.fluid.version"),
        ({"charts.lws.upstream_version": "~0.10"}, "charts.lws.upstream_version"),
        ({"cluster.kubernetes_version": "1.33"}, "cluster.kubernetes_version"),
    ],
)
def test_versions_and_images_are_pinned(changes, path):
    assert path in problems("prod", changes)


def test_digest_pinned_image_is_accepted():
    image = "registry-vpc.cn-hangzhou.aliyuncs.com/team/vllm-openai@sha256:" + "a" * 64
    assert load("prod", {"serving.image": image, "rates.image_gib": {"vllm-openai": 28.6}}).serving.image == image


def test_ack_fluid_must_serve_acs_pods():
    assert "1.0.11 or later" in problems("prod", {"charts.fluid.version": "1.0.4"})["charts.fluid.version"]


def test_api_key_only_as_a_pulumi_secret():
    found = problems("prod", secret_keys=[])
    assert "pulumi config set --secret" in found["api_key"]
    assert load("prod").api_key is not None


def test_no_secret_inside_a_section():
    raw, _ = changed_config("dev", {})
    with pytest.raises(ConfigError) as caught:
        config.load(raw, ["deepseek-acs:serving"], "dev")
    assert "secrets are accepted only in: api_key" in dict(caught.value.problems)["serving"]


def test_prod_requires_an_api_key():
    found = problems("prod", {"api_key": None}, secret_keys=[])
    assert "prod requires an API key" in found["api_key"]


def test_prod_requires_deletion_protection_and_a_kept_bucket():
    assert "cluster.deletion_protection" in problems("prod", {"cluster.deletion_protection": False})
    assert "bucket.protect" in problems("prod", {"bucket.retain_on_delete": False})
    assert load("dev", {"bucket.protect": False}).bucket.protect is False


def test_internet_facing_service_needs_a_load_balancer_and_an_api_key():
    assert "serving.service.internet_facing" in problems("dev", {"serving.service.internet_facing": True})
    lb = {"serving.service.type": "LoadBalancer", "serving.service.internet_facing": True,
          "serving.service.allowed_cidrs": ["0.0.0.0/0"]}
    assert "an internet-facing endpoint requires an API key" in problems("dev", lb)["serving.service.internet_facing"]


def test_kms_key_only_with_kms():
    assert "bucket.kms_key_id" in problems("dev", {"bucket.kms_key_id": "key-1"})
    assert load("dev", {"bucket.kms_key_id": "key-1", "bucket.encryption": "KMS"}).bucket.kms_key_id == "key-1"


def test_extra_args_cannot_override_typed_flags():
    found = problems("prod", {"serving.extra_args": ["--tensor-parallel-size=4"]})
    assert "--tensor-parallel-size" in found["serving.extra_args.0"]
    assert load("prod", {"serving.extra_args": ["--max-num-seqs", "64"]}).serving.extra_args


def test_deploy_wait_covers_the_startup_budget():
    found = problems("prod", {"serving.ready_timeout_minutes": 60})
    assert "shorter than the worst-case estimate" in found["serving.ready_timeout_minutes"]
    assert "at least the startup budget" in found["serving.ready_timeout_minutes"]


def test_max_model_len_within_the_models_context():
    assert "serving.max_model_len" in problems("dev", {"serving.max_model_len": 200_000})


def test_every_problem_is_reported_at_once():
    found = problems("prod", {"serving.tpyo": 1, "bucket.name": "Bad_Name", "colour": 1})
    assert {"serving.tpyo", "bucket.name", "colour"} <= set(found)


def test_error_text_names_the_stack_and_each_path():
    with pytest.raises(ConfigError) as caught:
        load("prod", {"serving.tensor_parallel": 4})
    text = str(caught.value)
    assert text.startswith("invalid configuration for stack 'prod' (1 problem)")
    assert "\n  serving.tensor_parallel: " in text


def test_secret_values_never_appear_in_errors():
    raw, _ = changed_config("prod", {"api_key": "hunter2-plaintext"})
    with pytest.raises(ConfigError) as caught:
        config.load(raw, [], "prod")
    assert "hunter2-plaintext" not in str(caught.value)


def test_group_forms_within_the_startup_budget():
    found = problems("prod", {"serving.group_formation_timeout_seconds": 7200, "serving.startup_timeout_minutes": 100})
    assert "startup probe" in found["serving.group_formation_timeout_seconds"]
    # A one-pod group forms no Ray cluster, so the rule does not apply.
    assert load("dev", {"serving.group_formation_timeout_seconds": 7200}).serving.pods_per_group == 1


def test_served_files_are_exactly_what_vllm_reads():
    files = load("prod").model.served_files
    assert len(files) == 7 + 163 and files[7] == "model-00001-of-000163.safetensors" and files[-1] == "model-00163-of-000163.safetensors"
    assert not [name for name in files if ".git" in name]
    assert "other model" in problems("dev", {"model.catalog": None, "model.size_bytes": 10**9})["model.files"]


def test_import_needs_a_pinned_revision():
    assert "required when the import is enabled" in problems("prod", {"model.import": {"enabled": True}})["model.import.revision"]
    assert "moving branch" in problems("prod", {"model.import": {"enabled": True, "revision": "main"}})["model.import.revision"]
    model = load("prod", {"model.import": {"enabled": True, "revision": "v1.0"}}).model
    assert model.import_.enabled and model.hub_repo == "deepseek-ai/DeepSeek-R1"


def test_import_keys_are_checked_under_their_config_name():
    found = problems("prod", {"model.import": {"enabeld": True}})
    assert "allowed here: enabled, hub" in found["model.import.enabeld"]
    assert "import" in problems("prod", {"model.imprt": {}})["model.imprt"]


def test_import_of_an_uncatalogued_model_names_its_repo():
    other = {"model.catalog": None, "model.size_bytes": 10**9, "model.files": ["config.json"]}
    found = problems("dev", {**other, "model.import": {"enabled": True, "revision": "abc"}})
    assert "model.import.repo" in found
    loaded = load("dev", {**other, "model.import": {"enabled": True, "revision": "abc", "repo": "me/m"}})
    assert loaded.model.hub_repo == "me/m"


def test_load_balancer_needs_its_client_networks():
    found = problems("dev", {"serving.service.type": "LoadBalancer"})
    assert "client networks" in found["serving.service.allowed_cidrs"]
    assert "only used with a LoadBalancer" in problems("dev", {"serving.service.allowed_cidrs": ["10.0.0.0/8"]})[
        "serving.service.allowed_cidrs"]


def _section_fields() -> list[str]:
    """`<section>.<key>` for every key of every section of the stack."""
    import typing

    from config.schema import StackConfig
    from config.schema.base import Section

    paths = []
    for top, info in StackConfig.model_fields.items():
        types = [item for item in typing.get_args(info.annotation) if isinstance(item, type)] or [info.annotation]
        section = next((item for item in types if isinstance(item, type) and issubclass(item, Section)), None)
        if section is not None:
            paths += [f"{top}.{field.alias or name}" for name, field in section.model_fields.items()]
    return paths


@pytest.mark.parametrize("path", _section_fields())
def test_any_invalid_key_is_reported_on_itself_and_no_rule_reads_it(path):
    """A rule that reads a field it does not name would run on a section missing that field and crash (it did:
    the engine check read serving.tensor_parallel); every key of every section, made invalid, gives a readable
    problem on that key instead."""
    found = problems("prod", {path: {"__invalid__": [1]}})
    assert any(where.startswith(path) for where in found), found
