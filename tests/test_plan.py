"""The offline plan: files, determinism, secret masking, and how a bad stack file fails."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from offline import engine, plan, stackfile
from offline.__main__ import main
from offline.engine import MOCK_KUBECONFIG, SECRET_MASK

PLAINTEXT_SECRETS = (stackfile.SECRET_PLACEHOLDER, "mock-access-key-secret", "mock-kubeconfig-credential")


def render_to(tmp_path: Path, stack: str, name: str = "out") -> Path:
    assert main(["plan", "--stack", stack, "--out", str(tmp_path / name)]) == 0
    return tmp_path / name / stack


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def write_stack(root: Path, stack: str, document: dict) -> None:
    (root / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump(document))


def prod_document() -> dict:
    return yaml.safe_load((engine.PROJECT_ROOT / "Pulumi.prod.yaml").read_text())


def test_plan_writes_graph_and_manifests(tmp_path, each_stack, capsys):
    target = render_to(tmp_path, each_stack)
    graph = json.loads((target / "graph.json").read_text())
    assert graph["stack"] == each_stack
    resource = graph["resources"][0]
    assert {"urn", "type", "name", "parent", "dependencies", "inputs", "options"} <= set(resource)
    assert {"protect", "retain_on_delete", "ignore_changes", "custom_timeouts"} <= set(resource["options"])
    manifests = sorted(path.name for path in (target / "manifests").iterdir())
    assert "namespace-cluster-deepseek.yaml" in manifests
    summary = capsys.readouterr().out
    assert "Resources by type" in summary and "weights per GPU" in summary


def test_same_config_gives_a_byte_identical_plan(tmp_path, each_stack):
    first = tree_bytes(render_to(tmp_path, each_stack, "first"))
    second = tree_bytes(render_to(tmp_path, each_stack, "second"))
    assert first == second


def test_lws_pod_templates_are_written_as_pods_for_scanners(tmp_path, rendered):
    target = render_to(tmp_path, "prod")
    lws = rendered("prod").one("kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet").inputs
    for role in ("leader", "worker"):
        pod = yaml.safe_load((target / "pod-templates" / f"pod-deepseek-deepseek-r1-{role}.yaml").read_text())
        template = lws["spec"]["leaderWorkerTemplate"][f"{role}Template"]
        assert (pod["apiVersion"], pod["kind"], pod["metadata"]["namespace"]) == ("v1", "Pod", "deepseek")
        assert pod["spec"] == template["spec"]
        assert pod["metadata"]["labels"] == template["metadata"]["labels"]
    assert sorted(path.name for path in (target / "pod-templates").iterdir()) == [
        "pod-deepseek-deepseek-r1-leader.yaml", "pod-deepseek-deepseek-r1-worker.yaml"]


def test_manifest_names_follow_kind_namespace_name():
    assert plan.manifest_filename({"kind": "Service", "metadata": {"name": "A", "namespace": "NS"}}) == "service-ns-a.yaml"
    assert plan.manifest_filename({"kind": "PersistentVolume", "metadata": {"name": "pv"}}) == "persistentvolume-cluster-pv.yaml"


def test_whole_numbers_stay_integers(rendered):
    release = rendered("prod").one("kubernetes:helm.sh/v3:Release", "deepseek-acs-prod-lws")
    assert isinstance(release.inputs["timeout"], int)
    assert engine.mask_secrets({"a": [2.0, 2.5]}) == {"a": [2, 2.5]}


def test_no_plaintext_secret_in_any_written_file(tmp_path, each_stack):
    target = render_to(tmp_path, each_stack)
    for name, content in tree_bytes(target).items():
        for secret in PLAINTEXT_SECRETS:
            assert secret.encode() not in content, f"{secret} leaked into {name}"


def test_secrets_stay_marked_secret(rendered):
    run = rendered("prod")
    assert run.one("pulumi:providers:kubernetes").inputs["kubeconfig"] == SECRET_MASK
    assert run.outputs["kubeconfig"] == SECRET_MASK
    assert "mock-kubeconfig-credential" in MOCK_KUBECONFIG  # what the masked value would have leaked


def test_secure_values_become_the_placeholder_and_mark_their_key():
    config, secret_keys = stackfile.read(engine.PROJECT_ROOT, "prod")
    assert config["deepseek-acs:api_key"] == stackfile.SECRET_PLACEHOLDER
    assert secret_keys == ["deepseek-acs:api_key"]


def test_nested_secure_leaf_marks_the_whole_key(tmp_path):
    write_stack(tmp_path, "nested", {"config": {"deepseek-acs:serving": {"name": {"secure": "v1:abc"}}, "a:b": True}})
    config, secret_keys = stackfile.read(tmp_path, "nested")
    assert json.loads(config["deepseek-acs:serving"]) == {"name": stackfile.SECRET_PLACEHOLDER}
    assert secret_keys == ["deepseek-acs:serving"] and config["a:b"] == "true"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda doc: doc["config"]["deepseek-acs:serving"].update(tpyo=1), "serving.tpyo: unknown key"),
        (lambda doc: doc["config"]["deepseek-acs:serving"].update(tensor_parallel=4), "serving.tensor_parallel:"),
        (lambda doc: doc["config"]["deepseek-acs:serving"].update(gpu_memory_gib=24), "serving.gpus_per_pod: the model does not fit"),
        (lambda doc: doc["config"]["deepseek-acs:storage"]["fluid"].update(workers=2), "storage.fluid.workers: the cache is too small"),
    ],
)
def test_bad_stack_file_fails_readably_and_writes_nothing(tmp_path, capsys, mutate, expected):
    document = prod_document()
    mutate(document)
    write_stack(tmp_path, "bad", document)
    out = tmp_path / "out"
    assert main(["plan", "--stack", "bad", "--root", str(tmp_path), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert expected in error and "Traceback" not in error
    assert not out.exists()


def test_unknown_stack_lists_the_available_ones(tmp_path, capsys):
    assert main(["plan", "--stack", "nope", "--out", str(tmp_path)]) == 2
    assert "available stacks: dev, prod" in capsys.readouterr().err


def test_malformed_yaml_is_one_readable_error(tmp_path, capsys):
    (tmp_path / "Pulumi.broken.yaml").write_text("config: [unclosed\n")
    assert main(["plan", "--stack", "broken", "--root", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    assert "not valid YAML" in capsys.readouterr().err


def test_the_program_itself_refuses_bad_config_with_a_clean_run_error():
    """What `pulumi up` would see: a clean RunError and no resource."""
    document = prod_document()
    document["config"]["deepseek-acs:serving"]["tensor_parallel"] = 3
    config = {key: json.dumps(value) if isinstance(value, dict) else str(value) for key, value in document["config"].items()}
    config["deepseek-acs:api_key"] = stackfile.SECRET_PLACEHOLDER
    import pulumi

    with pytest.raises(pulumi.RunError, match="serving.tensor_parallel"):
        engine.run("prod", config, ["deepseek-acs:api_key"])


def test_cli_process_exits_nonzero_without_traceback(tmp_path):
    document = prod_document()
    document["config"]["deepseek-acs:colour"] = "blue"
    write_stack(tmp_path, "bad", document)
    result = subprocess.run(
        [sys.executable, "-m", "offline", "plan", "--stack", "bad", "--root", str(tmp_path), "--out", str(tmp_path / "o")],
        cwd=engine.PROJECT_ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 2
    assert "colour: unknown key" in result.stderr and "Traceback" not in result.stderr + result.stdout
