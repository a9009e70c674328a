"""Day 0 / day 1 Jobs in the graph: the import precedes the model volume, the smoke test follows the workload."""

import json

JOB = "kubernetes:batch/v1:Job"
LWS = "kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet"


def job(run, suffix: str):
    return run.one(JOB, f"deepseek-acs-{run.stack}-{suffix}")


def container(node) -> dict:
    return node.inputs["spec"]["template"]["spec"]["containers"][0]


def arg(node, flag: str) -> str:
    args = container(node)["args"]
    return args[args.index(flag) + 1]


def test_import_job_precedes_the_dataset_and_the_warmup(rendered):
    run = rendered("prod")
    importer = job(run, "import").urn
    for typ in ("kubernetes:data.fluid.io/v1alpha1:Dataset", "kubernetes:data.fluid.io/v1alpha1:DataLoad",
                "kubernetes:data.fluid.io/v1alpha1:JindoRuntime"):
        assert importer in run.one(typ).dependencies, typ


def test_import_job_precedes_the_oss_volume(render):
    run = render("dev", {"model.import": {"enabled": True, "revision": "abc123"}})
    importer = job(run, "import").urn
    assert importer in run.one("kubernetes:core/v1:PersistentVolume").dependencies
    assert importer in run.one("kubernetes:core/v1:PersistentVolumeClaim").dependencies


def test_no_import_job_or_writer_unless_enabled(rendered):
    run = rendered("dev")
    assert [node.name for node in run.of_type(JOB)] == ["deepseek-acs-dev-smoke-test"]


def test_import_job_copies_the_pinned_revision_into_the_model_prefix(rendered):
    run = rendered("prod")
    node = job(run, "import")
    assert (arg(node, "--hub"), arg(node, "--repo"), arg(node, "--revision")) == ("huggingface", "deepseek-ai/DeepSeek-R1", "56d4cbbb")
    assert (arg(node, "--bucket"), arg(node, "--prefix")) == ("deepseek-acs-prod-models", "models/DeepSeek-R1")
    assert arg(node, "--endpoint-url") == "https://oss-cn-hangzhou-internal.aliyuncs.com"
    assert node.options["custom_timeouts"]["create"] == "720m"
    assert node.inputs["spec"]["backoffLimit"] == 2 and node.inputs["spec"]["activeDeadlineSeconds"] == 720 * 60


def test_import_job_lists_exactly_the_files_vllm_reads(rendered):
    run = rendered("prod")
    code = run.one("kubernetes:core/v1:ConfigMap", "deepseek-acs-prod-import-code").inputs["data"]
    files = json.loads(code["files.json"])
    assert len(files) == 170 and not [name for name in files if ".git" in name]
    assert code["model_import.py"].startswith('"""Copy a pinned model revision')
    assert "boto3==" in code["requirements.txt"]


def test_import_credentials_are_a_mounted_file_from_the_writer_key(rendered):
    run = rendered("prod")
    node = job(run, "import")
    secret = run.one("kubernetes:core/v1:Secret", "deepseek-acs-prod-writer-credentials").inputs
    assert secret["stringData"] == {"credentials": "[secret]"}
    env = {item["name"]: item["value"] for item in container(node)["env"]}
    assert env["AWS_SHARED_CREDENTIALS_FILE"] == "/var/run/secrets/deepseek-acs/credentials"
    assert not [item for item in container(node)["env"] if "valueFrom" in item]
    writer_key = run.one("alicloud:ram/accessKey:AccessKey", "deepseek-acs-prod-writer-key").urn
    assert writer_key in run.one("kubernetes:core/v1:Secret", "deepseek-acs-prod-writer-credentials").dependencies


def test_jobs_run_unprivileged_with_a_read_only_root(rendered):
    for node in rendered("prod").of_type(JOB):
        pod = node.inputs["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True and pod["automountServiceAccountToken"] is False
        assert container(node)["securityContext"]["readOnlyRootFilesystem"] is True
        assert container(node)["image"] == "python:3.11.14-slim"


def test_smoke_test_follows_the_workload_and_uses_the_api_key(rendered):
    run = rendered("prod")
    node = job(run, "smoke-test")
    assert run.one(LWS).urn in node.dependencies
    assert arg(node, "--url") == "http://deepseek-r1-leader.deepseek.svc.cluster.local:8000"
    assert arg(node, "--model") == "ds"
    volumes = node.inputs["spec"]["template"]["spec"]["volumes"]
    assert {"name": "secret", "secret": {"secretName": "deepseek-r1-api-key", "defaultMode": 0o440}} in volumes
    assert {"name": "API_KEY_FILE", "value": "/var/run/secrets/deepseek-acs/api-key"} in container(node)["env"]
    assert node.options["custom_timeouts"]["create"] == "15m"
    assert run.outputs["smoke_test_logs"] == f"kubectl -n deepseek logs job/{node.inputs['metadata']['name']}"


def test_smoke_test_without_api_key(rendered):
    node = job(rendered("dev"), "smoke-test")
    assert not [item for item in container(node)["env"] if item["name"] == "API_KEY_FILE"]


def test_a_serving_change_runs_the_smoke_test_again(rendered, render):
    before = job(rendered("dev"), "smoke-test").inputs["metadata"]["name"]
    after = job(render("dev", {"serving.max_model_len": 8192}), "smoke-test").inputs["metadata"]["name"]
    assert before != after and before.startswith("deepseek-r1-distill-smoke-")


def test_smoke_test_can_be_turned_off(render):
    run = render("dev", {"jobs.smoke_test": False})
    assert not run.of_type(JOB) and "smoke_test_logs" not in run.outputs


def test_job_pods_accept_no_ingress(rendered):
    run = rendered("prod")
    for node in run.of_type(JOB):
        name = node.inputs["metadata"]["name"]
        policy = run.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", f"{node.name}-no-ingress").inputs["spec"]
        assert policy == {"podSelector": {"matchLabels": {"app.kubernetes.io/name": name}},
                          "policyTypes": ["Ingress"], "ingress": []}
        assert node.inputs["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"] == name
