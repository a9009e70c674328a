"""The policy pack, run without the CLI against recorded graphs: every rule passes on every stack and fails,
with its message, on a graph mutated to break it."""

import copy

import pytest
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
)

from components import inference
from offline import engine, stackfile
from policy import rules
from tests.conftest import changed_config


def _options(node) -> PolicyResourceOptions:
    return PolicyResourceOptions(protect=node.options["protect"], ignore_changes=node.options["ignore_changes"],
                                 delete_before_replace=None, aliases=[], custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
                                 additional_secret_outputs=[], parent=node.parent or None)


def violations(run) -> dict[str, list[str]]:
    """policy name -> messages, over every resource (resource policies) and the whole graph (stack policies)."""
    found: dict[str, list[str]] = {}
    resources = [PolicyResource(node.type, node.inputs, node.urn, node.name, _options(node), None, None, [], {})
                 for node in run.nodes]
    for policy in rules.POLICIES:
        def report(message, urn=None, name=policy.name):
            found.setdefault(name, []).append(message)

        if isinstance(policy, ResourceValidationPolicy):
            for node in run.nodes:
                policy.validate(ResourceValidationArgs(node.type, node.inputs, node.urn, node.name, _options(node), None), report)
        else:
            policy.validate(StackValidationArgs(resources), report)
    return found


def leader(run) -> dict:
    spec = run.one(rules.LWS).inputs["spec"]["leaderWorkerTemplate"]
    return spec["leaderTemplate"]["spec"]["containers"][0]


def worker(run) -> dict:
    return run.one(rules.LWS).inputs["spec"]["leaderWorkerTemplate"]["workerTemplate"]["spec"]["containers"][0]


def service(run) -> dict:
    return run.one(rules.SERVICE).inputs


def drop_public_access_block(run):
    run.nodes.remove(run.one(rules.PUBLIC_ACCESS_BLOCK))


def expose_dev_without_key(run):
    service(run)["spec"]["type"] = "LoadBalancer"
    service(run)["metadata"]["annotations"] = {rules.LB_ADDRESS_TYPE: "intranet"}


def internet_lb(run):
    service(run)["spec"]["type"] = "LoadBalancer"
    service(run)["metadata"]["annotations"] = {rules.LB_ADDRESS_TYPE: "internet"}


MUTATIONS = {
    "model-bucket-protected": ("prod", lambda run: run.one(rules.BUCKET).options.update(protect=False), "is not protected"),
    "model-bucket-private": ("prod", lambda run: run.one(rules.BUCKET_ACL).inputs.update(acl="public-read"), "must be private"),
    "model-bucket-hardened": ("prod", drop_public_access_block, "has no public access block"),
    "gpu-requests-equal-limits": ("prod", lambda run: leader(run)["resources"]["requests"].update({rules.GPU: "4"}),
                                  "must be Guaranteed"),
    "inference-pods-have-probes": ("prod", lambda run: worker(run).pop("readinessProbe"), "has no readinessProbe"),
    "images-pinned": ("dev", lambda run: worker(run).update(image="vllm/vllm-openai:latest"), "pin a tag"),
    "no-acs-labels-in-selectors": ("dev", lambda run: service(run)["spec"]["selector"].update(
        {"alibabacloud.com/compute-class": "gpu"}), "selects on ACS labels"),
    "api-key-where-exposed": ("dev", expose_dev_without_key, "beyond the cluster"),
    "no-public-load-balancer": ("prod", internet_lb, "internet-facing LoadBalancer"),
}


def test_every_rule_passes_on_every_stack(rendered, each_stack):
    assert violations(rendered(each_stack)) == {}


def test_every_rule_has_a_breaking_case():
    assert set(MUTATIONS) == {policy.name for policy in rules.POLICIES}


@pytest.mark.parametrize("rule", sorted(MUTATIONS))
def test_rule_fails_with_its_message_on_a_broken_graph(rendered, rule):
    stack, mutate, expected = MUTATIONS[rule]
    run = copy.deepcopy(rendered(stack))
    mutate(run)
    found = violations(run)
    assert set(found) == {rule}
    assert any(expected in message for message in found[rule])


def test_prod_without_api_key_is_refused(rendered):
    run = copy.deepcopy(rendered("prod"))
    leader(run)["env"] = [item for item in leader(run)["env"] if item["name"] != "API_KEY_FILE"]
    assert "it runs in the prod stack" in violations(run)["api-key-where-exposed"][0]


def test_stack_that_allows_internet_facing_passes_every_rule():
    changes = {"api_key": stackfile.SECRET_PLACEHOLDER, "serving.service.type": "LoadBalancer",
               "serving.service.internet_facing": True, "serving.service.allowed_cidrs": ["0.0.0.0/0"]}
    config, secret_keys = changed_config("dev", changes)
    run = engine.run("dev", config, [*secret_keys, "deepseek-acs:api_key"])
    annotations = service(run)["metadata"]["annotations"]
    assert annotations[rules.LB_ADDRESS_TYPE] == "internet" and annotations[rules.INTERNET_APPROVAL] == "true"
    assert violations(run) == {}


def test_approved_internet_load_balancer_passes(rendered):
    run = copy.deepcopy(rendered("prod"))
    internet_lb(run)
    service(run)["metadata"]["annotations"][rules.INTERNET_APPROVAL] = "true"
    assert "no-public-load-balancer" not in violations(run)
    assert rules.INTERNET_APPROVAL == inference.INTERNET_APPROVAL


@pytest.mark.parametrize(("image", "pinned"), [("a/b:v1", True), ("a/b", False), ("a/b:latest", False),
                                               ("reg:5000/a/b", False), ("a/b@sha256:" + "0" * 64, True)])
def test_image_pinning(image, pinned):
    """The pack runs standalone, so it keeps its own copy of the config's pinning rule; both must agree."""
    from pydantic import TypeAdapter, ValidationError

    from config.types import PinnedImage

    assert rules.is_pinned(image) is pinned
    try:
        TypeAdapter(PinnedImage).validate_python(image)
        config_accepts = True
    except ValidationError:
        config_accepts = False
    assert config_accepts is pinned
