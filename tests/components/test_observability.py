"""The Observability component in the rendered stacks: ARMS scrape config, alert rules with their routing, the
Grafana dashboard only with a workspace, and the config rules that guard them."""

import json

import pulumi
import pytest
import yaml

import config
from components.observability import channels, pod_monitor
from config.engines.metrics import TABLES, for_engine
from config.schema.observability import ContactConfig
from monitoring import dashboard
from monitoring.alerts import alert_rules
from monitoring.promql import Target
from offline import engine
from offline.engine import SECRET_MASK
from tests.conftest import changed_config

COMPONENT = "deepseek-acs:observability:Observability"
ENVIRONMENT = "alicloud:arms/environment:Environment"
POD_MONITOR = "alicloud:arms/envPodMonitor:EnvPodMonitor"
RULE = "alicloud:arms/prometheusAlertRule:PrometheusAlertRule"
CONTACT = "alicloud:arms/alertContact:AlertContact"
DISPATCH = "alicloud:arms/dispatchRule:DispatchRule"
DASHBOARD = "grafana:oss/dashboard:Dashboard"
GRAFANA_PROVIDER = "pulumi:providers:grafana"
ARMS_TYPES = (ENVIRONMENT, POD_MONITOR, RULE, CONTACT, DISPATCH)


def problems(stack: str, changes: dict, secret_keys: list[str] | None = None) -> dict[str, str]:
    raw, secrets = changed_config(stack, changes)
    with pytest.raises(config.ConfigError) as caught:
        config.load(raw, secrets + (secret_keys or []), stack)
    found: dict[str, str] = {}
    for path, message in caught.value.problems:
        found[path] = f"{found[path]}; {message}" if path in found else message
    return found


def children(run) -> list:
    component = run.one(COMPONENT)
    return [node for node in run.nodes if node.parent == component.urn]


def test_prod_scrapes_the_leaders_into_an_environment_bound_to_the_cluster(rendered):
    run = rendered("prod")
    environment = run.one(ENVIRONMENT).inputs
    cluster = run.one("alicloud:cs/managedKubernetes:ManagedKubernetes")
    assert (environment["environmentType"], environment["environmentSubType"]) == ("CS", "ACK")
    assert environment["bindResourceId"].startswith("c")  # the mock cluster's id
    assert cluster.urn in run.one(ENVIRONMENT).property_dependencies["bindResourceId"]
    monitor = run.one(POD_MONITOR)
    document = yaml.safe_load(monitor.inputs["configYaml"])
    stack = config.load(*changed_config("prod", {}), "prod")
    assert document["metadata"] == {"name": "deepseek-r1-engine", "namespace": "deepseek",
                                    "annotations": {"arms.prometheus.io/discovery": "true"}}
    endpoint = document["spec"]["podMetricsEndpoints"][0]
    assert (endpoint["targetPort"], endpoint["path"], endpoint["interval"]) == (stack.serving.port, "/metrics", "30s")
    assert {"sourceLabels": ["__meta_kubernetes_pod_name"], "targetLabel": "pod"} in endpoint["relabelings"]
    workload = run.one("kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet")
    assert workload.urn in monitor.dependencies  # scraped once the workload exists


def test_leaders_only_unless_the_engine_serves_metrics_on_workers():
    target = Target("deepseek", "deepseek-r1")
    for metrics in TABLES.values():
        selector = pod_monitor(metrics, target, 8000, 30)["spec"]["selector"]["matchLabels"]
        leaders_only = "leaderworkerset.sigs.k8s.io/worker-index" in selector
        assert leaders_only != metrics.workers_export.value, metrics.label
        assert selector["leaderworkerset.sigs.k8s.io/name"] == "deepseek-r1"
    assert TABLES[("sglang", "0.5.23")].workers_export.value and not TABLES[("vllm", "0.33.0")].workers_export.value


def test_prod_alert_rules_are_the_promtool_tested_rules_routed_to_the_contact(rendered):
    run = rendered("prod")
    stack = config.load(*changed_config("prod", {}), "prod")
    target = Target("deepseek", "deepseek-r1")
    expected = alert_rules(for_engine(stack.serving.engine), target, stack.observability.alerts)
    declared = {node.inputs["prometheusAlertRuleName"]: node for node in run.of_type(RULE)}
    assert sorted(declared) == sorted(f"deepseek-acs-prod-{rule.slug}" for rule in expected)
    dispatch, environment = run.one(DISPATCH), run.one(ENVIRONMENT)
    for rule in expected:
        node = declared[f"deepseek-acs-prod-{rule.slug}"]
        inputs = node.inputs
        assert (inputs["expression"], inputs["duration"], inputs["message"]) == (rule.expr, str(rule.minutes),
                                                                                 rule.summary)
        assert inputs["notifyType"] == "DISPATCH_RULE" and dispatch.urn in node.property_dependencies["dispatchRuleId"]
        assert inputs["labels"] == [{"name": "severity", "value": rule.severity}]
        assert environment.urn in node.dependencies
    grid = dispatch.inputs["labelMatchExpressionGrids"][0]["labelMatchExpressionGroups"][0]["labelMatchExpressions"]
    assert grid == [{"key": "_aliyun_arms_alert_name", "operator": "re", "value": "deepseek-acs-prod-.*"}]
    notify = dispatch.inputs["notifyRules"][0]
    assert notify["notifyChannels"] == ["email"] and notify["notifyObjects"][0]["notifyType"] == "ARMS_CONTACT"
    assert run.one(CONTACT).inputs["email"] == stack.observability.alerts.contact.email


def test_every_child_belongs_to_the_component_and_no_dashboard_without_a_workspace(rendered):
    run = rendered("prod")
    mine = children(run)
    assert {node.type for node in mine} == set(ARMS_TYPES)
    assert len([node for node in run.nodes if node.type in ARMS_TYPES]) == len(mine)
    assert not run.of_type(DASHBOARD) and not run.of_type(GRAFANA_PROVIDER)


def test_dev_is_scraped_but_pages_nobody(rendered):
    types = {node.type for node in children(rendered("dev"))}
    assert types == {ENVIRONMENT, POD_MONITOR}


def test_dev_can_turn_metrics_off(render):
    run = render("dev", {"observability.metrics.enabled": False})
    assert not children(run) and run.one(COMPONENT)


def test_a_named_workspace_gets_the_versioned_dashboard_with_the_stacks_names():
    raw, secrets = changed_config("prod", {"observability.dashboard.grafana_url": "https://grafana.example.com",
                                           "observability.dashboard.folder_uid": "serving"})
    raw["deepseek-acs:grafana_auth"] = "glsa_mock-token"
    run = engine.run("prod", raw, secrets + ["deepseek-acs:grafana_auth"])
    provider = run.one(GRAFANA_PROVIDER)
    assert provider.inputs["url"] == "https://grafana.example.com/" and provider.inputs["auth"] == SECRET_MASK
    deployed = run.one(DASHBOARD)
    assert deployed.provider.startswith(provider.urn) and deployed.inputs["folder"] == "serving"
    stack = config.load(raw, secrets + ["deepseek-acs:grafana_auth"], "prod")
    metrics = for_engine(stack.serving.engine)
    built = dashboard.build(metrics, uid="deepseek-acs-prod", title="DeepSeek on ACS (deepseek-acs-prod)",
                            defaults=Target("deepseek", "deepseek-r1"))
    assert deployed.inputs["configJson"] == dashboard.encode(built)
    # The versioned file, but for its uid and title: the stack deploys what the repo holds.
    versioned = json.loads(dashboard.snapshot(stack.serving.engine))
    ours = json.loads(deployed.inputs["configJson"])
    assert {**ours, "uid": versioned["uid"], "title": versioned["title"]} == versioned


def test_the_program_refuses_prod_without_metrics():
    raw, secrets = changed_config("prod", {"observability.metrics.enabled": False})
    with pytest.raises(pulumi.RunError, match="observability.alerts.enabled: the alerts read the engine's metrics"):
        engine.run("prod", raw, secrets)


@pytest.mark.parametrize(("stack", "changes", "path", "words"), [
    ("prod", {"observability.metrics.enabled": False, "observability.alerts.enabled": False},
     "observability.metrics.enabled", "must be true in prod"),
    ("prod", {"observability.metrics.enabled": False}, "observability.alerts.enabled", "read the engine's metrics"),
    ("prod", {"observability.alerts.enabled": False}, "observability.alerts.enabled", "must be true in prod"),
    ("prod", {"observability.alerts.contact": None}, "observability.alerts.contact", "need a contact"),
    ("prod", {"observability.alerts.contact": {"name": "x"}}, "observability.alerts.contact", "needs an email"),
    ("dev", {"observability.metrics.enabled": False, "observability.alerts.enabled": True,
             "observability.alerts.contact": {"name": "x", "email": "a@b.io"}}, "observability.alerts.enabled",
     "read the engine's metrics"),
    ("prod", {"observability.dashboard.grafana_url": "https://g.example.com"}, "grafana_auth", "API token"),
    ("prod", {"observability.dashboard.grafana_url": "http://g.example.com"}, "observability.dashboard.grafana_url",
     "https"),
    ("prod", {"observability.alerts.kv_cache_usage": 1.5}, "observability.alerts.kv_cache_usage", "1"),
    ("prod", {"observability.alerts.waiting_minutes": 0}, "observability.alerts.waiting_minutes", "1"),
    ("prod", {"observability.alerts.ttft_minutes": 2000}, "observability.alerts.ttft_minutes", "1440"),
    ("prod", {"observability.alerts.contact": {"name": "x", "email": "not-an-address"}},
     "observability.alerts.contact.email", "pattern"),
    ("prod", {"observability.metrics.scrape_interval_seconds": 120}, "observability.metrics.scrape_interval_seconds",
     "60"),
    ("prod", {"observability.alerts.tresholds": 1}, "observability.alerts.tresholds", "unknown key"),
])
def test_bad_observability_config_names_the_field(stack, changes, path, words):
    found = problems(stack, changes)
    assert words in found[path], found


def test_observability_secrets_only_as_secrets_and_only_where_used():
    found = problems("prod", {"grafana_auth": "glsa_plain"})
    assert "must be a Pulumi secret" in found["grafana_auth"]
    raw, secrets = changed_config("dev", {})
    raw["deepseek-acs:dingtalk_webhook_url"] = "https://oapi.dingtalk.com/robot/send?x=1"
    with pytest.raises(config.ConfigError) as caught:
        config.load(raw, secrets + ["deepseek-acs:dingtalk_webhook_url"], "dev")
    assert "only used by an enabled alert contact" in dict(caught.value.problems)["dingtalk_webhook_url"]


def test_each_way_of_reaching_the_contact_is_a_channel():
    everything = ContactConfig(name="x", email="a@b.io", phone="+8613800000000")
    assert channels(everything, True) == ["email", "sms", "dingTalk"]
    assert channels(ContactConfig(name="x", phone="13800000000"), False) == ["sms"]
