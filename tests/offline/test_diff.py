"""Change impact between two plans of a stack: what is replaced or updated in place, whether the serving groups
are recreated (with the downtime), and whether a protected resource is touched; and the `diff` command."""

import io
import json
import os

import pytest
from rich.console import Console

import config
from offline import diff, engine, plan, report, summary
from offline.__main__ import main
from tests.conftest import _cached_run, changed_config

SNAPSHOT = os.path.join(os.path.dirname(__file__), "snapshots", "impact-dev-image.md")
NEW_IMAGE = "registry-vpc.cn-hangzhou.aliyuncs.com/deepseek-acs/vllm-openai:v0.30.1"
SIZES = {"rates.image_gib": {"vllm-openai:v0.30.0": 28.6, "vllm-openai:v0.30.1": 28.6}}


def graph(run) -> dict:
    return json.loads(json.dumps(plan.graph(run)))


def impact(stack: str, changes: dict) -> diff.Impact:
    raw, secret_keys = changed_config(stack, {**SIZES, **changes})
    head = engine.run(stack, raw, secret_keys)
    loaded = config.load(raw, secret_keys, stack)
    return diff.compare(graph(_cached_run(stack)), graph(head), loaded, "main", stack == "prod")


def by_kind(found: diff.Impact, kind: str) -> list[diff.Change]:
    return [change for change in found.changes if change.type.endswith(f":{kind}")]


@pytest.fixture(scope="module")
def image_change() -> diff.Impact:
    return impact("dev", {"serving.image": NEW_IMAGE})


def test_image_change_recreates_the_groups_with_downtime(image_change):
    groups = image_change.groups
    assert image_change.recreates_groups and groups.recreated == 1 and groups.batches == 1
    assert groups.outage is not None and groups.outage.expected > 0  # the only group: nothing serves meanwhile
    assert groups.gpu_hours.worst > groups.gpu_hours.best > 0
    assert [c.action for c in by_kind(image_change, "LeaderWorkerSet")] == ["update"]  # a CR updates in place


def test_replica_change_adds_a_group_without_recreating_any():
    found = impact("dev", {"serving.replicas": 2})
    assert not found.recreates_groups and found.groups.added == 1 and found.groups.outage is None
    assert by_kind(found, "LeaderWorkerSet")[0].paths == ("spec.replicas",)


def test_bucket_setting_change_flags_the_protected_resource():
    found = impact("prod", {"bucket.versioning": "Suspended"})
    touched = {change.type for change in found.touched_kept}
    assert "alicloud:oss/bucketVersioning:BucketVersioning" in touched
    assert all(change.protected or change.retained for change in found.touched_kept)
    assert "protected or retained" in report.impact_markdown(found)


def test_service_change_is_in_place():
    found = impact("dev", {"serving.service.type": "LoadBalancer", "serving.service.allowed_cidrs": ["10.0.0.0/8"]})
    service = by_kind(found, "Service")
    assert [c.action for c in service] == ["update"] and "spec.type" in service[0].paths


def test_replacement_follows_the_providers():
    old = {"urn": "u", "type": "kubernetes:core/v1:ConfigMap", "name": "c", "custom": True,
           "inputs": {"metadata": {"name": "c"}, "data": {"a": "1"}}, "options": {}}
    new = {**old, "inputs": {"metadata": {"name": "c"}, "data": {"a": "2"}}}
    change = diff.classify(old, new)
    assert change.action == "replace" and change.forced_by == ("data.a",) and change.delete_first
    bucket = {"urn": "b", "type": "alicloud:oss/bucket:Bucket", "name": "b", "custom": True,
              "inputs": {"bucket": "x", "tags": {}}, "options": {"protect": True, "ignore_changes": ["tags"]}}
    assert diff.classify(bucket, {**bucket, "inputs": {"bucket": "x", "tags": {"a": "b"}}}) is None
    renamed = diff.classify(bucket, {**bucket, "inputs": {"bucket": "y", "tags": {}}})
    assert renamed.action == "replace" and renamed.protected and not renamed.delete_first


def test_markdown_report_matches_its_snapshot(image_change):
    text = report.impact_markdown(image_change)
    if os.environ.get("UPDATE_SNAPSHOTS"):
        with open(SNAPSHOT, "w") as file:
            file.write(text)
    with open(SNAPSHOT) as file:
        assert text == file.read(), "run with UPDATE_SNAPSHOTS=1 after an intended change"
    assert "[secret]" not in text and "offline-placeholder-secret" not in text


def test_diff_command_writes_markdown_and_github_output(tmp_path, capsys):
    base = tmp_path / "base"
    plan.write(_cached_run("dev"), base)
    outputs, markdown = tmp_path / "out", tmp_path / "impact.md"
    assert main(["diff", "--stack", "dev", "--base", str(base), "--markdown", str(markdown),
                 "--github-output", str(outputs)]) == 0
    assert outputs.read_text() == "recreates_groups=false\ntouches_protected=false\n"
    assert markdown.read_text().startswith(report.MARKER.format(stack="dev")) and "#### Cost, USD" in markdown.read_text()
    assert "Change impact of stack dev" in capsys.readouterr().out


def test_a_bad_base_is_one_message_and_exit_2(tmp_path, capsys):
    markdown = tmp_path / "impact.md"
    assert main(["diff", "--stack", "dev", "--base", "no-such-ref-xyz", "--markdown", str(markdown)]) == 2
    assert capsys.readouterr().err.startswith("error: --base: 'no-such-ref-xyz' is neither a folder nor a git commit")
    assert not markdown.exists()


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_plan_summary_fits_100_columns_without_wrapping(stack, rendered):
    raw, secret_keys = changed_config(stack, {})
    console = Console(width=plan.WIDTH, file=io.StringIO(), record=True, highlight=False)
    console.print(*summary.tables(rendered(stack), config.load(raw, secret_keys, stack)))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= plan.WIDTH and "…" not in text
    for title in ("Deployment", "Cold start, minutes", "Timeouts, minutes", "Cost, USD"):
        assert title in text
    assert "model" in text and "concurrency" in text and "not set" in text


def test_policy_and_diff_hash_the_template_alike(rendered):
    from policy import rules

    lws = rendered("prod").one(diff.LWS).inputs
    assert rules.pod_template_hash(lws) == diff.pod_template_hash(lws)
