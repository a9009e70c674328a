"""Kubernetes names: every name in every rendered plan is one config/names.py predicts, within its kind's limit,
and a config that would make any derived name too long is refused on the field at fault."""

import copy
import functools

import pytest

import config
from config import names
from config.platform import naming
from offline import engine, plan
from tests.conftest import changed_config

NAME_VARIANTS = {
    "dev": ("dev", {}),
    "prod": ("prod", {}),
    "dev-fluid-api-key": ("dev", {"storage.mode": "fluid", "storage.fluid.workers": 2, "storage.fluid.tier_quota_gib": 32,
                                  "api_key": "offline-placeholder-secret", "namespace": "inference"}),
    "prod-groups-no-jobs": ("prod", {"serving.replicas": 11, "serving.rollout": {"max_unavailable": 11},
                                     "model.import": {"enabled": False}, "jobs.smoke_test": False}),
}
"""Stacks whose plans are cross-checked: the committed ones, and variants that switch every optional object."""


@functools.cache
def stack_and_run(variant: str) -> tuple[config.StackConfig, engine.Run]:
    """The variant's config and run, shared by the tests that only read them."""
    stack, changes = NAME_VARIANTS[variant]
    raw, secret_keys = changed_config(stack, changes)
    if "api_key" in changes:
        secret_keys.append("deepseek-acs:api_key")
    return config.load(raw, secret_keys, stack), engine.run(stack, raw, secret_keys)


def rendered_names(run: engine.Run) -> set[tuple[str, str]]:
    """(kind, metadata.name) of every Kubernetes object in the plan."""
    bodies = [plan.manifest(node) for node in run.nodes if plan.is_manifest(node)]
    return {(body["kind"], body["metadata"]["name"]) for body in bodies}


def revision(run: engine.Run) -> str:
    """The pod templates' hash the plan carries (components compute it from the templates)."""
    lws = run.one("kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet")
    return lws.inputs["spec"]["leaderWorkerTemplate"]["leaderTemplate"]["metadata"]["annotations"][
        "deepseek-acs/template-hash"]


def declared_names(stack: config.StackConfig, run: engine.Run) -> set[tuple[str, str]]:
    return {(name.kind, name.name) for name in names.derived(stack, revision=revision(run)) if name.declared}


@pytest.fixture(scope="module", params=sorted(NAME_VARIANTS))
def variant(request):
    return stack_and_run(request.param)


def test_every_rendered_name_is_predicted_and_every_predicted_name_is_rendered(variant):
    stack, run = variant
    assert rendered_names(run) == declared_names(stack, run)


def test_every_derived_name_fits_its_limit(variant):
    stack, _ = variant
    assert [name for name in names.derived(stack) if not name.fits] == []


def test_a_name_no_function_predicts_is_caught(rendered):
    run = copy.deepcopy(rendered("dev"))
    service = run.one("kubernetes:core/v1:Service")
    service.inputs["metadata"]["name"] = "deepseek-r1-distill-svc"
    stack = config.load(*changed_config("dev", {}), "dev")
    assert rendered_names(run) - declared_names(stack, run) == {("Service", "deepseek-r1-distill-svc")}


def problems(stack: str, changes: dict) -> dict[str, str]:
    raw, secret_keys = changed_config(stack, changes)
    with pytest.raises(config.ConfigError) as caught:
        config.load(raw, secret_keys, stack)
    return dict(caught.value.problems)


def loads(stack: str, changes: dict) -> config.StackConfig:
    return config.load(*changed_config(stack, changes), stack)


@pytest.mark.parametrize(("stack", "longest", "binding"), [
    # With Fluid: the master StatefulSet '<name>-model-jindofs-master' and its 10-character revision hash.
    ("prod", 31, "Fluid's cache master pods' revision label"),
    # Without: the smoke-test Job '<name>-smoke-<8 hex>' and the PV '<namespace>-<name>-model' as a label value.
    ("dev", 48, "Job"),
])
def test_serving_name_may_be_exactly_as_long_as_every_derived_name_allows(stack, longest, binding):
    assert loads(stack, {"serving.name": "a" * longest}).serving.name == "a" * longest
    message = problems(stack, {"serving.name": "a" * (longest + 1)})["serving.name"]
    assert f"at most {longest} characters fit here" in message and binding in message


def test_every_field_in_a_too_long_name_is_named_with_the_room_it_has():
    found = problems("dev", {"namespace": "n" * 40, "serving.name": "s" * 30})
    # PersistentVolume '<namespace>-<serving.name>-model' is also its alicloud-pvname label: 63 characters.
    assert "at most 26 characters fit here" in found["namespace"]
    assert "at most 16 characters fit here" in found["serving.name"]
    assert "PersistentVolume 'nnnn" in found["namespace"] and naming.LABEL_VALUE.source.url in found["namespace"]


def test_more_groups_and_pods_lengthen_the_lws_names():
    two_pod_groups = {"serving.pods_per_group": 2, "serving.gpus_per_pod": 1, "serving.tensor_parallel": 1,
                      "serving.pipeline_parallel": 2, "serving.group_formation_timeout_seconds": 600,
                      "namespace": "d", "jobs.smoke_test": False, "serving.name": "a" * 40,
                      "serving.rollout": {"max_unavailable": 11}}

    def worker_label(replicas: int) -> str:
        stack = loads("dev", {**two_pod_groups, "serving.replicas": replicas})
        return next(name.name for name in names.derived(stack)
                    if name.kind == "LWS's worker pods' revision label")

    # The workers of the last group: revision label '<name>-<group>-<10-character hash>'.
    assert len(worker_label(10)) == 40 + len("-9-") + 10
    assert len(worker_label(11)) == 40 + len("-10-") + 10


def test_job_names_carry_a_fingerprint_of_what_they_do():
    prod = loads("prod", {})
    changed = loads("prod", {"model.import": {**prod.model.import_.model_dump(), "revision": "v2"}})
    assert names.import_job(changed.model) != names.import_job(prod.model)
    assert len(names.import_job(prod.model)) == len("model-import-") + names.HASH_LENGTH
    assert names.smoke_test_job("m", "abcdef12") == "m-smoke-abcdef12"
