"""The dashboard: built with grafana-foundation-sdk, pinned as JSON in the repo per engine, showing what the issue
asks for."""

import json

import pytest

from config.engines.metrics import for_engine, pinned_versions
from monitoring import dashboard

ENGINES = sorted(pinned_versions())
PANELS = {
    "Request rate", "Tokens per second", "Time to first token", "Inter-token latency", "End-to-end request latency",
    "Requests running and waiting", "KV cache usage", "Group recreations in the last hour",
    "Leader metrics endpoint up", "GPU utilization", "GPU memory used",
}


@pytest.mark.parametrize("engine", ENGINES)
def test_the_versioned_json_is_what_the_builder_makes(engine):
    path = dashboard.SNAPSHOTS / f"{engine}.json"
    assert path.exists(), f"{path} is missing: run `make dashboards`"
    assert dashboard.snapshot(engine) == path.read_text(), f"{path} is stale: run `make dashboards` and review the diff"


def test_no_versioned_dashboard_for_an_engine_the_project_does_not_run():
    assert sorted(path.stem for path in dashboard.SNAPSHOTS.glob("*.json")) == ENGINES


@pytest.mark.parametrize("engine", ENGINES)
def test_panels_cover_the_issue_and_every_query_is_well_formed(engine):
    built = json.loads(dashboard.snapshot(engine))
    panels = [panel for panel in built["panels"] if panel["type"] != "row"]
    assert {panel["title"] for panel in panels} == PANELS
    ids = [panel["id"] for panel in built["panels"]]
    assert len(set(ids)) == len(ids) and 0 not in ids
    for panel in panels:
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        refs = [target["refId"] for target in panel["targets"]]
        assert refs and len(set(refs)) == len(refs) and "" not in refs
        assert all("$namespace" in target["expr"] for target in panel["targets"]), panel["title"]
    latency = next(panel for panel in panels if panel["title"] == "Time to first token")
    assert [target["legendFormat"] for target in latency["targets"]] == ["p50", "p95", "p99"]
    assert for_engine(engine).name("ttft") + "_bucket" in latency["targets"][0]["expr"]
    variables = {variable["name"]: variable for variable in built["templating"]["list"]}
    assert variables["namespace"]["query"] == "deepseek" and variables["lws"]["query"] == "deepseek-r1"
