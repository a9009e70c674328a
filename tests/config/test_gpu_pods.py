"""GPU pods ACS schedules: memory, CPU and GPU counts within the series' shape; the driver the image needs."""

import pytest

from config.platform.gpus import GPU_SERIES, driver_for
from tests.test_config import load, problems


def test_512gi_does_not_fit_the_96_gib_series():
    message = problems("prod", {"serving.memory_gib": 512})["serving.memory_gib"]
    assert message.startswith("512 GiB does not fit a GU8TF x 8 pod: its 512 GiB less ACS's in-pod share (6.87%) "
                              "leave at most 476 GiB")


def test_the_guides_own_request_fits():
    assert load("prod", {"serving.memory_gib": 476}).serving.memory_gib == 476


def test_cpu_above_the_shape_is_refused():
    assert "have 64 vCPUs; allowed: at most 64" in problems("prod", {"serving.cpu": 65})["serving.cpu"]


def test_a_series_without_published_shapes_is_not_second_guessed():
    assert load("prod", {"serving.gpu_model_series": "GU8TEF", "serving.gpu_memory_gib": 141}).serving.cpu == 64


@pytest.mark.parametrize("series", sorted(GPU_SERIES))
def test_cuda_13_images_get_a_580_driver_on_every_series(series):
    assert driver_for(GPU_SERIES[series], 13) == "580.95.05-open"
    assert driver_for(GPU_SERIES[series], 12) is None  # every series' default runs CUDA 12


def test_the_driver_label_is_on_the_gpu_pods_only_when_needed(rendered):
    lws = rendered("prod").one("kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet").inputs["spec"]
    labels = lws["leaderWorkerTemplate"]["leaderTemplate"]["metadata"]["labels"]
    assert labels["alibabacloud.com/gpu-driver-version"] == "580.95.05-open"
    guide = rendered("prod-guide").one("kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet").inputs["spec"]
    assert "alibabacloud.com/gpu-driver-version" not in guide["leaderWorkerTemplate"]["leaderTemplate"]["metadata"][
        "labels"]


def test_a_driver_too_old_for_the_image_is_refused():
    found = problems("prod", {"serving.gpu_driver_version": "550.90.07"})
    assert "is a CUDA 13 image: it needs driver 580 or newer" in found["serving.gpu_driver_version"]
    found = problems("prod", {"serving.gpu_driver_version": "999.1.1"})
    assert "GU8TF offers 580.95.05-open, 550.90.07, not '999.1.1'" in found["serving.gpu_driver_version"]


def test_an_unknown_series_must_name_its_driver():
    found = problems("prod", {"serving.gpu_model_series": "X99"})
    assert "no driver facts for series 'X99'" in found["serving.gpu_driver_version"]
    assert load("prod", {"serving.gpu_model_series": "X99", "serving.gpu_driver_version": "580.1.2"})


def test_nccl_debug_defaults_to_warn_with_a_switch(rendered, render):
    def env(run):
        lws = run.one("kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet").inputs["spec"]
        return {item["name"]: item.get("value") for item in
                lws["leaderWorkerTemplate"]["leaderTemplate"]["spec"]["containers"][0]["env"]}

    assert env(rendered("prod"))["NCCL_DEBUG"] == "WARN"
    assert env(render("prod", {"serving.nccl_debug": "INFO"}))["NCCL_DEBUG"] == "INFO"
