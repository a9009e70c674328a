"""The GitHub workflows: pinned actions, every stack previewed with the policy pack, prod only by hand,
teardown that keeps the model bucket. (Schema validation runs in .ci/run: `make lint-workflows`.)"""

import re
from pathlib import Path

import pytest
import yaml

from offline import engine, stackfile

WORKFLOWS = engine.PROJECT_ROOT / ".github" / "workflows"


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def triggers(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true


def steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def pulumi_step(workflow: dict, job: str) -> dict:
    return next(step for step in steps(workflow, job) if step.get("uses", "").startswith("pulumi/actions@"))


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yml")), ids=lambda path: path.name)
def test_every_action_is_pinned_to_an_exact_version(path: Path):
    uses = re.findall(r"uses:\s*(\S+)", path.read_text())
    assert uses
    for action in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+\.\d+\.\d+", action), action


def test_pull_requests_run_ci_and_keep_the_offline_plan():
    workflow = load("pull-request.yml")
    offline = steps(workflow, "offline")
    assert {"run": "bash .ci/run"} in offline
    upload = next(step for step in offline if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "build/plan/"


def test_pull_requests_preview_every_stack_file_with_the_policy_pack_and_comment():
    workflow = load("pull-request.yml")
    assert "pull_request" in triggers(workflow)
    preview = pulumi_step(workflow, "preview")["with"]
    assert preview["command"] == "preview" and preview["policyPacks"] == "policy"
    assert preview["comment-on-pr"] is True
    assert "matrix.stack" in preview["stack-name"]
    listing = next(step for step in steps(workflow, "stacks") if step.get("id") == "list")["run"]
    assert "Pulumi.*.yaml" in listing
    assert workflow["jobs"]["preview"]["permissions"]["pull-requests"] == "write"
    assert stackfile.available_stacks(engine.PROJECT_ROOT) == ["dev", "prod"]


def test_backend_and_cloud_credentials_come_from_repository_settings():
    for name in ("pull-request.yml", "deploy.yml", "teardown.yml"):
        text = (WORKFLOWS / name).read_text()
        for secret in ("PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE", "ALIBABA_CLOUD_ACCESS_KEY_ID",
                       "ALIBABA_CLOUD_ACCESS_KEY_SECRET"):
            assert f"${{{{ secrets.{secret} }}}}" in text, (name, secret)
        assert "vars.PULUMI_BACKEND_URL" in text


def test_push_deploys_dev_and_prod_needs_a_manual_dispatch_in_its_environment():
    workflow = load("deploy.yml")
    on = triggers(workflow)
    assert on["push"]["branches"] == ["main"] and "prod" in on["workflow_dispatch"]["inputs"]["stack"]["options"]
    job = workflow["jobs"]["up"]
    assert job["environment"] == "${{ github.event_name == 'push' && 'dev' || inputs.stack }}"
    assert pulumi_step(workflow, "up")["with"]["command"] == "up"
    assert pulumi_step(workflow, "up")["with"]["policyPacks"] == "policy"


def test_teardown_is_manual_confirmed_and_keeps_the_bucket():
    workflow = load("teardown.yml")
    assert set(triggers(workflow)) == {"workflow_dispatch"}
    job = workflow["jobs"]["destroy"]
    assert job["if"] == "inputs.confirm == inputs.stack"
    destroy = pulumi_step(workflow, "destroy")["with"]
    assert destroy["command"] == "destroy" and destroy["exclude-protected"] is True
    assert "retained" in job["name"] and any("retained" in step.get("run", "") for step in job["steps"])
