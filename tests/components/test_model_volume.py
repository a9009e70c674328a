"""Model volume: a static OSS PV/PVC (dev) or a Fluid Dataset + JindoRuntime + DataLoad (prod)."""

from offline.engine import SECRET_MASK

DATASET = "kubernetes:data.fluid.io/v1alpha1:Dataset"
RUNTIME = "kubernetes:data.fluid.io/v1alpha1:JindoRuntime"
DATALOAD = "kubernetes:data.fluid.io/v1alpha1:DataLoad"
RELEASE = "kubernetes:helm.sh/v3:Release"


def test_oss_mode_binds_a_read_only_static_volume(rendered):
    run = rendered("dev")
    secret = run.one("kubernetes:core/v1:Secret").inputs
    assert secret["stringData"] == {"akId": SECRET_MASK, "akSecret": SECRET_MASK}
    pv = run.one("kubernetes:core/v1:PersistentVolume").inputs
    csi = pv["spec"]["csi"]
    assert csi["driver"] == "ossplugin.csi.alibabacloud.com" and csi["readOnly"] is True
    assert csi["volumeHandle"] == pv["metadata"]["name"]
    assert csi["volumeAttributes"] == {
        "bucket": "deepseek-acs-dev-models",
        "url": "oss-cn-hangzhou-internal.aliyuncs.com",
        "path": "/models/DeepSeek-R1-Distill-Qwen-7B/",
        "otherOpts": "-o umask=022 -o max_stat_cache_size=0 -o allow_other -o ro",
    }
    assert csi["nodePublishSecretRef"]["name"] == secret["metadata"]["name"]
    assert pv["spec"]["accessModes"] == ["ReadOnlyMany"] and pv["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    pvc = run.one("kubernetes:core/v1:PersistentVolumeClaim").inputs
    # Bound to exactly this PV, never dynamically provisioned by a default StorageClass.
    assert pvc["spec"]["volumeName"] == pv["metadata"]["name"] and pvc["spec"]["storageClassName"] == ""
    assert pv["spec"]["claimRef"] == {"name": pvc["metadata"]["name"], "namespace": "deepseek"}
    assert not run.of_type(DATASET)


def test_fluid_dataset_mounts_only_the_model_prefix(rendered):
    run = rendered("prod")
    dataset = run.one(DATASET)
    mount = dataset.inputs["spec"]["mounts"][0]
    assert mount["mountPoint"] == "oss://deepseek-acs-prod-models/models/DeepSeek-R1/"
    assert mount["options"] == {"fs.oss.endpoint": "oss-cn-hangzhou-internal.aliyuncs.com"}
    assert [option["name"] for option in mount["encryptOptions"]] == ["fs.oss.accessKeyId", "fs.oss.accessKeySecret"]
    secret = run.one("kubernetes:core/v1:Secret", "deepseek-acs-prod-oss-credentials").inputs
    assert set(secret["stringData"]) == {"fs.oss.accessKeyId", "fs.oss.accessKeySecret"}
    assert {ref["valueFrom"]["secretKeyRef"]["name"] for ref in mount["encryptOptions"]} == {secret["metadata"]["name"]}
    assert dataset.inputs["metadata"]["annotations"]["pulumi.com/waitFor"] == "jsonpath={.status.phase}=Bound"


def test_jindo_runtime_is_shaped_for_acs(rendered):
    runtime = rendered("prod").one(RUNTIME).inputs
    spec = runtime["spec"]
    assert runtime["metadata"]["name"] == rendered("prod").one(DATASET).inputs["metadata"]["name"]
    assert spec["replicas"] == 16 and spec["networkmode"] == "ContainerNetwork"
    level = spec["tieredstore"]["levels"][0]
    assert (level["mediumtype"], level["volumeType"], level["path"], level["quota"]) == ("MEM", "emptyDir", "/dev/shm", "128Gi")
    assert (level["high"], level["low"]) == ("0.99", "0.95")
    resources = spec["worker"]["resources"]
    assert resources["requests"] == resources["limits"] == {"cpu": "16", "memory": "128Gi"}
    labels = spec["worker"]["podMetadata"]["labels"]
    assert labels == {"alibabacloud.com/compute-class": "performance", "alibabacloud.com/compute-qos": "default"}
    assert spec["worker"]["podMetadata"]["annotations"] == {"kubernetes.io/resource-type": "serverless"}


def test_dataload_warms_only_what_vllm_reads_and_is_awaited(rendered):
    warmup = rendered("prod").one(DATALOAD)
    paths = [target["path"] for target in warmup.inputs["spec"]["target"]]
    assert len(paths) == 170 and "/config.json" in paths and "/model-00163-of-000163.safetensors" in paths
    assert not [path for path in paths if ".git" in path or path == "/"]
    assert warmup.inputs["metadata"]["annotations"]["pulumi.com/waitFor"] == "jsonpath={.status.phase}=Complete"
    assert warmup.options["custom_timeouts"]["create"] == "180m"
    assert warmup.options["replace_on_changes"] == ["spec"]


def test_fluid_resources_follow_the_operator_and_avoid_a_bind_deadlock(rendered):
    run = rendered("prod")
    fluid = run.one(RELEASE, "deepseek-acs-prod-ack-fluid").urn
    dataset, runtime, warmup = run.one(DATASET), run.one(RUNTIME), run.one(DATALOAD)
    for node in (dataset, runtime, warmup):
        assert fluid in node.dependencies, node.name
    assert {dataset.urn, runtime.urn} <= set(warmup.dependencies)
    # The Dataset is Bound only once its runtime exists, so the runtime must not wait for the Dataset.
    assert dataset.urn not in runtime.dependencies


def test_load_timeout_comes_from_config(render):
    run = render("prod", {"storage.fluid.load_timeout_minutes": 300})
    assert run.one(DATALOAD).options["custom_timeouts"]["create"] == "300m"
    assert run.one(DATASET).options["custom_timeouts"]["create"] == "300m"
