"""The engine metric tables, and every metric name an alert or a dashboard panel uses: each must be in the table of
the engine version it is rendered for (or be one of the platform's metrics)."""

import json
import re

import pytest

from config.engines import ENGINES
from config.engines.metrics import KINDS, SIGNALS, TABLES, UnknownEngineVersion, for_engine, table
from config.platform.observability import GPU_METRICS, KUBE_POD_INFO, UP
from config.schema.observability import AlertsConfig
from monitoring import dashboard
from monitoring.alerts import alert_rules
from monitoring.promql import Target

PLATFORM = {UP.value, KUBE_POD_INFO.value[0], *GPU_METRICS.value.values()}
_SELECTED = re.compile(r"([A-Za-z_:][A-Za-z0-9_:]*)\{")
"""Every metric our expressions read is written with a label selector."""
PREFIX = {"vllm": "vllm:", "vllm-ray": "vllm:", "sglang": "sglang:"}


def unknown_names(expressions: list[str], metrics) -> set[str]:
    used = {name for expr in expressions for name in _SELECTED.findall(expr)}
    return used - metrics.series() - PLATFORM


def dashboard_expressions(metrics) -> list[str]:
    built = json.loads(dashboard.encode(dashboard.build(metrics, uid="u", title="t")))
    return [target["expr"] for panel in built["panels"] for target in panel.get("targets", [])]


@pytest.mark.parametrize("metrics", list(TABLES.values()), ids=lambda metrics: metrics.label)
def test_every_name_an_alert_or_a_panel_uses_is_in_that_versions_table(metrics):
    expressions = [rule.expr for rule in alert_rules(metrics, Target("ns", "lws"), AlertsConfig())]
    expressions += dashboard_expressions(metrics)
    assert len(expressions) > 20
    assert not unknown_names(expressions, metrics)


def test_a_name_from_another_version_is_caught():
    # vLLM renamed its KV-cache gauge (0.7.2 gpu_cache_usage_perc -> kv_cache_usage_perc in the V1 engine).
    old, new = table("vllm-ray", "0.7.2"), table("vllm", "0.33.0")
    assert old.name("kv_usage") != new.name("kv_usage")
    stale = [rule.expr for rule in alert_rules(old, Target("ns", "lws"), AlertsConfig())]
    assert unknown_names(stale, new) == {"vllm:gpu_cache_usage_perc"}
    assert unknown_names(dashboard_expressions(old), new) == {"vllm:gpu_cache_usage_perc",
                                                              "vllm:time_per_output_token_seconds_bucket"}


def test_every_engine_the_project_runs_has_a_table_for_its_version():
    for name, engine in ENGINES.items():
        found = for_engine(name)
        assert (found.engine, found.version) == (name, engine.version)
    with pytest.raises(UnknownEngineVersion, match="vllm 9.9.9.*add a table"):
        table("vllm", "9.9.9")


@pytest.mark.parametrize("metrics", list(TABLES.values()), ids=lambda metrics: metrics.label)
def test_tables_are_complete_and_cite_the_release(metrics):
    assert tuple(metrics.metrics) == SIGNALS
    for signal, metric in metrics.metrics.items():
        assert metric.kind == KINDS[signal] and metric.name.startswith(PREFIX[metrics.engine])
        assert metric.name.endswith("_total") == (metric.kind == "counter"), metric.name
        assert not metric.name.endswith(("_bucket", "_sum", "_count")), metric.name
        assert f"/blob/v{metrics.version}/" in metric.source.url and "#L" in metric.source.url
        assert f"-{metrics.version}-" in metric.source.quote, metric.source.quote
    for fact in (metrics.path, metrics.workers_export, metrics.model_label):
        assert f"/blob/v{metrics.version}/" in fact.source.url


def test_the_versions_differ_where_the_releases_do():
    assert table("vllm-ray", "0.7.2").name("itl") == "vllm:time_per_output_token_seconds"
    assert table("vllm", "0.33.0").name("itl") == "vllm:inter_token_latency_seconds"
    assert table("sglang", "0.5.23").name("waiting") == "sglang:num_queue_reqs"
