"""The GitHub workflows: pinned actions, every stack previewed with the policy pack, prod only by hand,
teardown that keeps the model bucket, and no job killed while `pulumi up` still waits (its runner and timeout
come from the stack's waits). (Schema validation runs in .ci/run: `make lint-workflows`.)"""

import json
import re
from pathlib import Path

import pytest
import yaml

import config
from config.waits import total_minutes, waits as config_waits
from offline import engine, stackfile, waits
from offline.__main__ import main as offline_cli
from tests.conftest import changed_config

WORKFLOWS = engine.PROJECT_ROOT / ".github" / "workflows"


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def triggers(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true


def steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def pulumi_step(workflow: dict, job: str) -> dict:
    return next(step for step in steps(workflow, job) if step.get("uses", "").startswith("pulumi/actions@"))


USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>.*?)\s*$", re.MULTILINE)
BY_COMMIT = re.compile(r"(?P<action>[\w.-]+/[\w.-]+)@(?P<sha>[0-9a-f]{40}) # (?P<version>v\d+\.\d+\.\d+)")


def action_refs(path: Path) -> list[str]:
    return USES.findall(path.read_text())


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yml")), ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_commit_of_a_named_release(path: Path):
    """A tag can be moved to other code; a commit cannot. The comment names the release the commit is."""
    uses = action_refs(path)
    assert uses
    for ref in uses:
        assert BY_COMMIT.fullmatch(ref), f"{path.name}: {ref} is not `owner/repo@<40-hex commit> # vX.Y.Z`"


def test_one_commit_per_action_release_across_workflows():
    commits: dict[tuple[str, str], set[str]] = {}
    for path in WORKFLOWS.glob("*.yml"):
        for ref in action_refs(path):
            if pinned := BY_COMMIT.fullmatch(ref):
                commits.setdefault((pinned["action"], pinned["version"]), set()).add(pinned["sha"])
    assert commits and all(len(shas) == 1 for shas in commits.values()), commits


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
    assert "matrix.stack" in preview["stack-name"]
    listing = next(step for step in steps(workflow, "stacks") if step.get("id") == "list")["run"]
    assert "Pulumi.*.yaml" in listing
    assert workflow["jobs"]["preview"]["permissions"]["pull-requests"] == "write"
    assert stackfile.available_stacks(engine.PROJECT_ROOT) == ["dev", "prod"]


def test_pull_requests_comment_impact_and_preview_once_per_stack_and_label():
    """One comment per stack (found again by its marker and edited), holding the offline impact and summary and
    the real preview; labels for a prod group recreation and for a touched protected resource."""
    from offline import report

    job = load("pull-request.yml")["jobs"]["preview"]
    by_id = {step.get("id"): step for step in job["steps"]}
    assert "offline diff" in by_id["impact"]["run"] and "--github-output" in by_id["impact"]["run"]
    assert "origin/${{ github.base_ref }}" in by_id["impact"]["run"]
    assert by_id["preview"]["with"]["comment-on-pr"] is False
    post = next(step for step in job["steps"] if step.get("name", "").startswith("Post or edit"))
    assert report.MARKER.format(stack="$STACK") in post["run"] and "--method PATCH" in post["run"]
    assert post["env"]["PREVIEW"] == "${{ steps.preview.outputs.output }}"
    labels = " ".join(step.get("run", "") for step in job["steps"] if "label" in step.get("name", "").lower())
    assert "recreates-prod-groups" in labels and "touches-protected" in labels
    assert job["permissions"]["issues"] == "write"


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


# Long deployments: the deploy job's runner and timeout are computed from the stack file it deploys.

RUNNER_OUTPUT = "${{{{ fromJSON(needs.runner.outputs.{}) }}}}"
WAITS_STEP = '.venv/bin/python -m offline waits --stack "$STACK" --github-output "$GITHUB_OUTPUT"'
HOSTED_LABELS = {"ubuntu-24.04", "ubuntu-latest", "ubuntu-22.04"}


def deployable_stacks() -> list[str]:
    """What deploy.yml can deploy: dev on a push, and every dispatch option."""
    return sorted({"dev", *triggers(load("deploy.yml"))["workflow_dispatch"]["inputs"]["stack"]["options"]})


def load_stack(name: str, changes: dict | None = None) -> config.StackConfig:
    raw, secret_keys = changed_config(name, changes or {})
    return config.load(raw, secret_keys, name)


def runner_job_outputs(stack: str, tmp_path: Path) -> dict[str, object]:
    """What the workflows' `runner` job hands on for `stack`: the CLI it runs, run the same way."""
    output = tmp_path / f"github-output-{stack}"
    assert offline_cli(["waits", "--stack", stack, "--github-output", str(output)]) == 0
    lines = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return {key: json.loads(value) for key, value in lines.items()}


def is_hosted(runs_on) -> bool:
    return isinstance(runs_on, str) and runs_on in HOSTED_LABELS


def test_every_stack_file_can_be_deployed_and_torn_down():
    available = stackfile.available_stacks(engine.PROJECT_ROOT)
    assert deployable_stacks() == available
    assert sorted(triggers(load("teardown.yml"))["workflow_dispatch"]["inputs"]["stack"]["options"]) == available


@pytest.mark.parametrize("name,job", [("deploy.yml", "up"), ("teardown.yml", "destroy")])
def test_the_pulumi_job_runs_where_the_runner_job_says(name, job):
    workflow = load(name)
    jobs = workflow["jobs"]
    runner, pulumi_job = jobs["runner"], jobs[job]
    assert pulumi_job["needs"] == "runner" and pulumi_job["runs-on"] == RUNNER_OUTPUT.format("runs-on")
    assert is_hosted(runner["runs-on"]) and runner["timeout-minutes"] <= 15
    step = next(step for step in runner["steps"] if step.get("id") == "waits")
    assert step["run"].startswith(WAITS_STEP)
    assert runner["outputs"]["runs-on"] == "${{ steps.waits.outputs.runs-on }}"
    # Both jobs read the same stack: the one the Pulumi step deploys or destroys.
    stack_expression = runner["env"]["STACK"]
    assert stack_expression in (pulumi_job.get("env", {}).get("STACK"), pulumi_job["environment"])
    assert runner.get("if") == pulumi_job.get("if")


def test_the_deploy_job_timeout_is_the_runner_jobs():
    jobs = load("deploy.yml")["jobs"]
    assert jobs["up"]["timeout-minutes"] == RUNNER_OUTPUT.format("timeout-minutes")
    assert jobs["runner"]["outputs"]["timeout-minutes"] == "${{ steps.waits.outputs.timeout-minutes }}"


@pytest.mark.parametrize("stack", deployable_stacks())
def test_no_deploy_job_is_killed_before_the_waits_it_starts(stack, tmp_path):
    """The job's timeout covers every wait of `pulumi up` plus the margin, on a runner that allows that long."""
    outputs = runner_job_outputs(stack, tmp_path)
    timeout, runs_on = outputs["timeout-minutes"], outputs["runs-on"]
    assert timeout >= total_minutes(load_stack(stack)) + waits.MARGIN_MINUTES
    if is_hosted(runs_on):
        assert timeout <= waits.HOSTED_JOB_MINUTES.value
    else:
        assert runs_on == list(waits.SELF_HOSTED_RUNNER) and timeout <= waits.SELF_HOSTED_JOB_MINUTES.value


def test_the_committed_stacks_deploy_from_the_runners_the_readme_names(tmp_path):
    # dev fits a hosted job; prod's first deploy (import 720 + warm-up 180 + load 150 + ...) does not.
    assert runner_job_outputs("dev", tmp_path)["runs-on"] == waits.HOSTED_RUNNER
    assert runner_job_outputs("prod", tmp_path)["runs-on"] == list(waits.SELF_HOSTED_RUNNER)
    # The import alone waits longer than a hosted job may run, and splitting it off would not make prod fit either.
    prod = load_stack("prod")
    assert next(w.minutes for w in config_waits(prod) if w.field == "model.import.timeout_minutes") > \
        waits.HOSTED_JOB_MINUTES.value
    assert waits.deployer(load_stack("prod", {"model.import.enabled": False})).runs_on == waits.SELF_HOSTED_RUNNER
    readme = (engine.PROJECT_ROOT / "README.md").read_text()
    assert waits.SELF_HOSTED_RUNNER[-1] in readme and str(waits.HOSTED_JOB_MINUTES.value) in readme


def test_a_wait_changed_in_a_stack_file_moves_the_job_timeout_with_it():
    stack = load_stack("prod")
    import_wait = next(wait.minutes for wait in config_waits(stack) if wait.field == "model.import.timeout_minutes")
    before = waits.deployer(stack)
    after = waits.deployer(load_stack("prod", {"model.import.timeout_minutes": import_wait + 180}))
    assert after.timeout_minutes - before.timeout_minutes == 180
    # A dev stack whose waits outgrow a hosted job leaves it for the self-hosted runner instead of being killed.
    grown = waits.deployer(load_stack("dev", {"serving.ready_timeout_minutes": 300}))
    assert grown.runs_on == waits.SELF_HOSTED_RUNNER and grown.timeout_minutes > waits.HOSTED_JOB_MINUTES.value


def test_a_private_api_server_is_deployed_from_inside_the_vpc():
    chosen = waits.deployer(load_stack("dev", {"cluster.api_server": "private"}))
    assert chosen.runs_on == waits.SELF_HOSTED_RUNNER and "VPC" in chosen.why


def test_the_runner_changes_exactly_at_the_hosted_limit():
    last_fit = waits.HOSTED_JOB_MINUTES.value - waits.MARGIN_MINUTES
    fits = waits.deployer_for(last_fit, False)
    assert fits.runs_on == waits.HOSTED_RUNNER and fits.timeout_minutes == waits.HOSTED_JOB_MINUTES.value
    assert waits.deployer_for(last_fit + 1, False).runs_on == waits.SELF_HOSTED_RUNNER
    with pytest.raises(waits.NoRunnerCanWait, match="longer than any GitHub job"):
        waits.deployer_for(waits.SELF_HOSTED_JOB_MINUTES.value - waits.MARGIN_MINUTES + 1, False)


def test_the_job_limits_are_sourced():
    for fact in (waits.HOSTED_JOB_MINUTES, waits.SELF_HOSTED_JOB_MINUTES):
        assert fact.source.url.startswith("https://docs.github.com/") and "Job execution time" in fact.source.quote


@pytest.mark.parametrize("stack", deployable_stacks())
def test_the_teardown_timeout_covers_the_cluster_deletion(stack, tmp_path):
    """The one wait a destroy starts with its own timeout is the cluster's deletion (components/cluster.py gives
    it `cluster.create_timeout_minutes`). Raise teardown.yml's timeout with that field."""
    timeout = load("teardown.yml")["jobs"]["destroy"]["timeout-minutes"]
    settings = load_stack(stack)
    deletion = settings.cluster.create_timeout_minutes if settings.creates_cluster else 0
    assert deletion + waits.MARGIN_MINUTES <= timeout
    if is_hosted(runner_job_outputs(stack, tmp_path)["runs-on"]):
        assert timeout <= waits.HOSTED_JOB_MINUTES.value


def test_the_waits_command_prints_the_waits_and_refuses_an_unknown_stack(capsys):
    assert offline_cli(["waits", "--stack", "prod"]) == 0
    printed, stack = capsys.readouterr().out, load_stack("prod")
    for wait in config_waits(stack):
        assert f"| {wait.what} | {wait.minutes} | `{wait.field}` |" in printed
    assert f"**job timeout** | **{total_minutes(stack) + waits.MARGIN_MINUTES}**" in printed
    assert offline_cli(["waits", "--stack", "nope"]) == 2
    assert "no file Pulumi.nope.yaml" in capsys.readouterr().err
