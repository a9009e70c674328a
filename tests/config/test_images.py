"""Images a mainland region can pull: the rule, the mirror, the VPC endpoint, and every image the plans render."""

import pytest

from config.images import in_vpc, parse, rehome
from config.platform.registries import ABROAD_FROM_MAINLAND
from offline.plan import is_manifest, manifest
from tests.test_config import load, problems

ENGINE_DIGEST = "sha256:8a69ffad015f138d7170c4ddc429e230a3bc1c1719f67e14324749df200a4b90"


def test_the_default_engine_image_needs_a_mirror_in_a_mainland_region():
    message = problems("prod", {"images.mirror": None})["serving.image"]
    assert message.startswith("the default docker.io/vllm/vllm-openai:v0.30.0@sha256:")
    assert "cannot be pulled reliably from cn-hangzhou: docker.io is outside mainland China" in message
    assert "ACR artifact subscription" in message and "set images.mirror" in message


@pytest.mark.parametrize("field, image", [("serving.image", "lmsysorg/sglang:v0.5.20"),
                                          ("jobs.image", "ghcr.io/example/python:3.12"),
                                          ("jobs.image", "registry.k8s.io/pause:3.10")])
def test_an_unreachable_image_set_by_hand_is_refused_with_the_alternative(field, image):
    message = problems("prod", {field: image})[field]
    assert "cannot be pulled reliably from cn-hangzhou" in message and "copy in this region's Container Registry" in message


def test_outside_the_mainland_docker_hub_is_fine():
    stack = load("prod", {"alicloud:region": "ap-southeast-1", "images.mirror": None,
                          "network.vswitches": [{"zone_id": "ap-southeast-1a", "cidr": "10.0.0.0/18"}]})
    assert stack.serving_image.startswith("docker.io/vllm/vllm-openai:v0.30.0@")


def test_the_mirror_keeps_name_tag_and_digest():
    stack = load("prod")
    assert stack.serving_image == f"registry-vpc.cn-hangzhou.aliyuncs.com/deepseek-acs/vllm-openai:v0.30.0@{ENGINE_DIGEST}"
    assert rehome("registry-cn-hangzhou.ack.aliyuncs.com/ack-demo/vllm:v0.7.2", "registry-vpc.x.aliyuncs.com/a") == \
        "registry-cn-hangzhou.ack.aliyuncs.com/ack-demo/vllm:v0.7.2"  # already in an Alibaba registry


def test_alibaba_images_of_the_stacks_region_come_through_the_vpc():
    assert in_vpc("registry-cn-hangzhou.ack.aliyuncs.com/ack-demo/vllm:v0.7.2", "cn-hangzhou") == \
        "registry-cn-hangzhou-vpc.ack.aliyuncs.com/ack-demo/vllm:v0.7.2"
    assert in_vpc("registry-cn-hangzhou.ack.aliyuncs.com/ack-demo/vllm:v0.7.2", "cn-beijing").startswith(
        "registry-cn-hangzhou.ack")  # another region's VPC endpoint does not answer here
    assert in_vpc("crpi-abc.cn-hangzhou.personal.cr.aliyuncs.com/ns/x:1", "cn-hangzhou") == \
        "crpi-abc-vpc.cn-hangzhou.personal.cr.aliyuncs.com/ns/x:1"


def test_the_jobs_run_the_serving_image_unless_told_otherwise():
    stack = load("prod")
    assert stack.jobs_image == stack.serving_image
    custom = load("prod", {"jobs.image": "registry.cn-hangzhou.aliyuncs.com/ns/python:3.12",
                          "rates.image_gib": {"vllm-openai:v0.30.0": 28.6, "python:3.12": 0.5}})
    assert custom.jobs_image == "registry-vpc.cn-hangzhou.aliyuncs.com/ns/python:3.12"


def images(run) -> set[str]:
    found = set()
    for node in filter(is_manifest, run.nodes):
        body = manifest(node)
        spec = body.get("spec", {})
        templates = [spec.get("template", {}).get("spec", {})]
        for role in ("leaderTemplate", "workerTemplate"):
            templates.append(spec.get("leaderWorkerTemplate", {}).get(role, {}).get("spec", {}))
        found |= {container["image"] for pod in templates for container in pod.get("containers", [])}
    return found


def test_no_rendered_image_comes_from_a_registry_the_region_cannot_reach(rendered, every_stack):
    found = images(rendered(every_stack))
    assert found and not {image for image in found if parse(image).host in ABROAD_FROM_MAINLAND.value}


def test_image_cache_only_where_it_can_hit(rendered):
    def annotations(run):
        lws = run.one("kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet").inputs["spec"]
        return lws["leaderWorkerTemplate"]["leaderTemplate"]["metadata"]["annotations"]

    assert annotations(rendered("dev"))["image.alibabacloud.com/enable-image-cache"] == "true"  # L20, cn-hangzhou
    assert "image.alibabacloud.com/enable-image-cache" not in annotations(rendered("prod"))  # GU8TF: no cache hit
