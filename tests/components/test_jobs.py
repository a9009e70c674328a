"""Day 0 / day 1 Jobs in the graph: the import precedes the model volume, the smoke test follows the workload."""

import json
from pathlib import Path

import pytest

from tests.test_config import load

JOB = "kubernetes:batch/v1:Job"
JOBS = Path(__file__).resolve().parents[2] / "jobs"
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
    assert sorted(node.name for node in run.of_type(JOB)) == ["deepseek-acs-dev-rollout", "deepseek-acs-dev-smoke-test"]


def test_import_job_copies_the_pinned_revision_into_the_model_prefix(rendered):
    run = rendered("prod")
    node = job(run, "import")
    assert (arg(node, "--hub"), arg(node, "--repo"), arg(node, "--revision")) == ("modelscope", "deepseek-ai/DeepSeek-R1", "0" * 40)
    assert (arg(node, "--bucket"), arg(node, "--prefix")) == ("deepseek-acs-prod-models", "models/DeepSeek-R1")
    assert arg(node, "--endpoint-url") == "https://s3.oss-cn-hangzhou-internal.aliyuncs.com"
    minutes = load("prod").model.import_.timeout_minutes
    assert node.options["custom_timeouts"]["create"] == f"{minutes}m"
    assert node.inputs["spec"]["backoffLimit"] == 2 and node.inputs["spec"]["activeDeadlineSeconds"] == minutes * 60


def test_import_job_lists_exactly_the_files_vllm_reads(rendered):
    run = rendered("prod")
    code = run.one("kubernetes:core/v1:ConfigMap", "deepseek-acs-prod-import-code").inputs["data"]
    files = json.loads(code["files.json"])
    assert len(files) == 170 and not [name for name in files if ".git" in name]
    assert code["model_import.py"].startswith('"""Copy a pinned model revision')
    assert code["model_hubs.py"] == (JOBS / "model_hubs.py").read_text()  # what model_import.py imports
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


def test_jobs_run_unprivileged_with_a_read_only_root_in_the_serving_image(rendered):
    run = rendered("prod")
    image = run.one(LWS).inputs["spec"]["leaderWorkerTemplate"]["leaderTemplate"]["spec"]["containers"][0]["image"]
    for node in run.of_type(JOB):
        pod = node.inputs["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["automountServiceAccountToken"] is ("serviceAccountName" in pod)  # only the waiters read the API
        assert container(node)["securityContext"]["readOnlyRootFilesystem"] is True
        assert container(node)["image"] == image
        assert node.inputs["spec"]["template"]["metadata"]["annotations"][
            "alibabacloud.com/extra-ephemeral-storage"] == "30Gi"


def test_only_the_import_installs_packages_from_the_in_region_mirror(rendered):
    for node in rendered("prod").of_type(JOB):
        script = container(node)["command"][2]
        env = {item["name"]: item.get("value") for item in container(node)["env"]}
        if node.name.endswith("-import"):
            assert "pip install" in script and env["PIP_INDEX_URL"] == "https://mirrors.aliyun.com/pypi/simple/"
        else:
            assert "pip" not in script and "PIP_INDEX_URL" not in env


def test_a_private_index_reaches_pip_from_the_secret(render):
    run = render("prod", {"package_index_url": "https://u:p@pypi.example.cn/simple/"}, secrets=("package_index_url",))
    node = job(run, "import")
    env = next(item for item in container(node)["env"] if item["name"] == "PIP_INDEX_URL")
    assert env == {"name": "PIP_INDEX_URL", "valueFrom": {"secretKeyRef": {
        "name": node.inputs["metadata"]["name"] + "-credentials", "key": "index-url"}}}
    assert "u:p@" not in json.dumps([node.inputs for node in run.nodes])


def test_every_job_module_ships_with_what_it_imports():
    from components.python_job import modules_of

    assert modules_of("model_import.py") == ["model_hubs.py", "model_import.py"]
    assert modules_of("kube_wait.py") == ["kube_wait.py"] and modules_of("smoke_test.py") == ["smoke_test.py"]


def test_smoke_test_follows_the_rollout_gate_and_uses_the_api_key(rendered):
    run = rendered("prod")
    node = job(run, "smoke-test")
    assert job(run, "rollout").urn in node.dependencies
    assert "--expect-reasoning" in container(node)["args"] and int(arg(node, "--max-tokens")) >= 1024
    assert arg(node, "--url") == "http://deepseek-r1-leader.deepseek.svc.cluster.local:8000"
    assert arg(node, "--model") == "ds"
    volumes = node.inputs["spec"]["template"]["spec"]["volumes"]
    assert {"name": "secret", "secret": {"secretName": "deepseek-r1-api-key", "defaultMode": 0o440}} in volumes
    assert {"name": "API_KEY_FILE", "value": "/var/run/secrets/deepseek-acs/api-key"} in container(node)["env"]
    assert node.options["custom_timeouts"]["create"] == f"{load('prod').jobs.smoke_test_timeout_minutes}m"
    assert run.outputs["smoke_test_logs"] == f"kubectl -n deepseek logs job/{node.inputs['metadata']['name']}"


def test_smoke_test_without_api_key(rendered):
    node = job(rendered("dev"), "smoke-test")
    assert not [item for item in container(node)["env"] if item["name"] == "API_KEY_FILE"]


def test_a_new_revision_runs_the_gate_and_the_smoke_test_again(rendered, render):
    changed = render("dev", {"serving.max_model_len": 8192})
    for suffix in ("smoke-test", "rollout"):
        before, after = (job(run, suffix).inputs["metadata"]["name"] for run in (rendered("dev"), changed))
        assert before != after and before.startswith("deepseek-r1-distill-")


def test_a_service_change_reruns_neither(rendered, render):
    changed = render("prod", {"serving.service.allowed_namespaces": ["apps"]})
    for suffix in ("smoke-test", "rollout"):
        assert job(rendered("prod"), suffix).inputs["metadata"]["name"] == job(changed, suffix).inputs["metadata"]["name"]


def test_smoke_test_can_be_turned_off(render):
    run = render("dev", {"jobs.smoke_test": False})
    assert [node.name for node in run.of_type(JOB)] == ["deepseek-acs-dev-rollout"]
    assert "smoke_test_logs" not in run.outputs


def test_job_pods_accept_no_ingress(rendered):
    run = rendered("prod")
    for node in run.of_type(JOB):
        name = node.inputs["metadata"]["name"]
        policy = run.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", f"{node.name}-no-ingress").inputs["spec"]
        assert policy == {"podSelector": {"matchLabels": {"app.kubernetes.io/name": name}},
                          "policyTypes": ["Ingress"], "ingress": []}
        assert node.inputs["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"] == name


@pytest.mark.parametrize("has_pip", [True, False])
def test_the_install_step_uses_pip_or_uv_whichever_the_image_has(rendered, tmp_path, has_pip):
    """The rendered command, run with stand-in `python3` and `uv`: SGLang's image is built with uv and may lack pip."""
    import subprocess

    script = container(job(rendered("prod"), "import"))["command"][2].replace("/opt/job", str(tmp_path))
    (tmp_path / "requirements.txt").write_text("boto3==1.44.8\n")
    (tmp_path / "model_import.py").write_text("")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").write_text(f'#!/bin/sh\necho "python3 $*" >> {tmp_path}/calls\n'
                                     f'[ "$*" = "-m pip --version" ] && exit {0 if has_pip else 1}\nexit 0\n')
    (bin_dir / "uv").write_text(f'#!/bin/sh\necho "uv $*" >> {tmp_path}/calls\n')
    for tool in ("python3", "uv"):
        (bin_dir / tool).chmod(0o755)
    subprocess.run(["/bin/sh", "-c", script, "job"], env={"PATH": f"{bin_dir}:/usr/bin:/bin",
                   "PIP_INDEX_URL": "https://mirrors.aliyun.com/pypi/simple/"}, check=True)
    calls = (tmp_path / "calls").read_text()
    if has_pip:
        assert "python3 -m pip install" in calls and "uv " not in calls
    else:
        assert "uv pip install" in calls and "--index-url https://mirrors.aliyun.com/pypi/simple/" in calls
    assert calls.rstrip().endswith(f"python3 {tmp_path}/model_import.py")
