"""The policy pack, run without the CLI against recorded graphs: every rule passes on every stack and fails,
with its message, on a graph mutated to break it."""

import copy

import pytest
from pulumi.runtime.config import set_all_config
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
from tests.conftest import changed_config, stack_file
from tests.config.test_names import NAME_VARIANTS, stack_and_run


def _options(node) -> PolicyResourceOptions:
    return PolicyResourceOptions(protect=node.options["protect"], ignore_changes=node.options["ignore_changes"],
                                 delete_before_replace=None, aliases=[], custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
                                 additional_secret_outputs=[], parent=node.parent or None)


def violations(run) -> dict[str, list[str]]:
    """policy name -> messages, over every resource (resource policies) and the whole graph (stack policies)."""
    found: dict[str, list[str]] = {}
    config, secret_keys = stack_file(run.stack)
    set_all_config(dict(config), list(secret_keys))  # the pack reads its stack's config (acknowledge.pod_template)
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
    # Template mutations on dev: in prod any template change also needs its acknowledgement.
    "gpu-requests-equal-limits": ("dev", lambda run: leader(run)["resources"]["requests"].update({rules.GPU: "4"}),
                                  "must be Guaranteed"),
    "inference-pods-have-probes": ("dev", lambda run: leader(run).pop("readinessProbe"), "has no readinessProbe"),
    "images-pinned": ("dev", lambda run: worker(run).update(image="vllm/vllm-openai:latest"), "pin a tag"),
    "no-acs-labels-in-selectors": ("dev", lambda run: service(run)["spec"]["selector"].update(
        {"alibabacloud.com/compute-class": "gpu"}), "selects on ACS labels"),
    "api-key-where-exposed": ("dev", expose_dev_without_key, "beyond the cluster"),
    "no-public-load-balancer": ("prod", internet_lb, "internet-facing LoadBalancer"),
    "prod-group-recreation-acknowledged": ("prod", lambda run: worker(run).update(image="reg.example/vllm:v9"),
                                           "has not acknowledged"),
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


DIGEST = "sha256:" + "0123456789abcdef" * 4
PINNING_CASES = [
    ("a/b:v1", True), ("a/b", False), ("a/b:latest", False), ("reg:5000/a/b", False), ("reg:5000/a/b:v1", True),
    (f"a/b@{DIGEST}", True), (f"a/b:latest@{DIGEST}", True), (f"localhost/a:v1@{DIGEST}", True),
    ("a/b@sha256:0123", False), (f"a/b@sha256:{'0123456789ABCDEF' * 4}", False), ("a/b:v1@sha256:", False),
    ("a/b:v1@md5:0123", False), ("a/b:", False), ("A/b:v1", False), ("a/b:v1 ", False), ("", False),
    ("a/b:-v1", False), ("a//b:v1", False), ("registry-cn-hangzhou.ack.aliyuncs.com/acs/lws:v0.5.0@" + DIGEST, True),
]


@pytest.mark.parametrize(("image", "pinned"), PINNING_CASES)
def test_image_pinning(image, pinned):
    """The pack runs standalone, so it keeps its own copy of the config's pinning rule; both must agree."""
    assert rules.is_pinned(image) is pinned
    assert config_accepts(image) is pinned


def config_accepts(image: str) -> bool:
    from pydantic import TypeAdapter, ValidationError

    from config.types import PinnedImage

    try:
        TypeAdapter(PinnedImage).validate_python(image)
    except ValidationError:
        return False
    return True


def rendered_images(run) -> list[str]:
    """Every image of every pod template and of every chart's values in the run."""
    images = [container.get("image") for node in run.nodes for _, pod in rules.pod_specs(node.type, node.inputs)
              for container in rules.containers(pod)]
    return images + [image for node in run.of_type(rules.RELEASE)
                     for _, image in rules.chart_images(node.inputs.get("values") or {})]


@pytest.mark.parametrize("variant", sorted(NAME_VARIANTS))
def test_every_rendered_image_is_pinned_for_the_config_and_the_pack(variant):
    _, run = stack_and_run(variant)
    images = rendered_images(run)
    assert len(images) >= 3  # the workload's leader and worker, a Job or a controller
    assert [image for image in images if not (rules.is_pinned(image) and config_accepts(image))] == []


def test_a_chart_value_image_that_is_not_pinned_is_refused(rendered):
    run = copy.deepcopy(rendered("dev"))
    release = next(node for node in run.of_type(rules.RELEASE) if node.inputs.get("values", {}).get("image"))
    release.inputs["values"]["image"]["manager"]["tag"] = "v0.5.0@sha256:27f8"
    message = violations(run)["images-pinned"][0]
    assert "Helm release" in message and "values.image.manager" in message


def test_a_worker_that_serves_must_be_probed_a_headless_one_need_not(rendered):
    assert "inference-pods-have-probes" not in violations(rendered("prod"))  # vLLM --headless workers: no probes
    run = copy.deepcopy(rendered("prod-sglang"))  # SGLang's other ranks serve /health on the serving port
    worker(run).pop("readinessProbe")
    assert any("worker" in message or "workerTemplate" in message
               for message in violations(run)["inference-pods-have-probes"])
