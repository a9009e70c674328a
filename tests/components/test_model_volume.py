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
    assert warmup.inputs["metadata"]["annotations"] == {"pulumi.com/skipAwait": "true"}  # the waiter Job judges it
    assert warmup.options["replace_on_changes"] == ["spec"] and warmup.options["delete_before_replace"] is True


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
    waiter = run.one("kubernetes:batch/v1:Job", "deepseek-acs-prod-warmup-wait")
    assert waiter.inputs["spec"]["template"]["spec"]["containers"][0]["args"][:2] == ["--timeout-seconds", "18000"]
    assert run.one(DATASET).options["custom_timeouts"]["create"] == "300m"


def test_the_fluid_sidecar_label_and_the_webhook_selector_come_from_one_setting(render, rendered):
    def sides(run):
        release = next(node for node in run.of_type("kubernetes:helm.sh/v3:Release") if node.inputs["name"] == "ack-fluid")
        inject = release.inputs["values"].get("webhook", {}).get("serverlessInject")
        lws = run.one("kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet").inputs["spec"]["leaderWorkerTemplate"]
        labels = [lws[role]["metadata"]["labels"] for role in ("leaderTemplate", "workerTemplate")]
        return inject, labels

    # Default: the guide's pure ACS configuration, neither side set.
    inject, labels = sides(rendered("prod"))
    assert inject is None and not any("alibabacloud.com/fluid-sidecar-target" in pod for pod in labels)
    inject, labels = sides(render("prod", {"storage.fluid.sidecar_target": "acs"}))
    assert inject == {"platformKey": "alibabacloud.com/fluid-sidecar-target", "platformValue": "acs"}
    assert all(pod[inject["platformKey"]] == inject["platformValue"] for pod in labels)


def test_ack_fluid_readiness_and_the_warm_up_are_waited_for_by_jobs_that_fail_fast(rendered):
    run = rendered("prod")
    jobs = {node.name: node for node in run.of_type("kubernetes:batch/v1:Job")}
    ready, warm = jobs["deepseek-acs-prod-fluid-ready"], jobs["deepseek-acs-prod-warmup-wait"]
    args = ready.inputs["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args[2:] == ["deployments", "--namespace", "fluid-system", "--name", "dataset-controller", "--name",
                        "fluid-webhook"]
    dataset = run.one("kubernetes:data.fluid.io/v1alpha1:Dataset")
    assert ready.urn in dataset.dependencies
    dataload = run.one("kubernetes:data.fluid.io/v1alpha1:DataLoad")
    assert dataload.inputs["metadata"]["annotations"] == {"pulumi.com/skipAwait": "true"}
    assert dataload.urn in warm.dependencies
    assert warm.inputs["spec"]["template"]["spec"]["containers"][0]["args"][2:5] == ["dataload", "--namespace", "deepseek"]
    lws = run.one("kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet")
    assert warm.urn in lws.dependencies


def test_the_waiters_read_exactly_what_they_watch(rendered):
    run = rendered("prod")
    rules = {node.inputs["metadata"]["name"]: (node.inputs["metadata"]["namespace"], node.inputs["rules"])
             for node in run.of_type("kubernetes:rbac.authorization.k8s.io/v1:Role")}
    fluid = next(value for name, value in rules.items() if name.endswith("-fluid-ready"))
    assert fluid == ("fluid-system", [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "list"]}])
    assert all(set(rule["verbs"]) <= {"get", "list"} for _, value in rules.values() for rule in value)
