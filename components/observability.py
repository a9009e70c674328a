"""Day 2: the engine's metrics scraped by the region's managed Prometheus (ARMS), the alerts that page a contact,
and the dashboard in a Grafana workspace, all declared as cloud objects.

Scraping is an ARMS environment bound to the cluster plus an ARMS PodMonitor (`arms.EnvPodMonitor`): the managed
agent runs on Alibaba's side on ACS, so nothing is installed in the cluster and no CRD is needed. The alert rules
are ARMS Prometheus rules routed by one dispatch rule to the stack's contact; their expressions are those the
promtool tests check (monitoring/alerts.py).
"""

from dataclasses import dataclass, field

import pulumi
import pulumi_alicloud as alicloud
import pulumiverse_grafana as grafana
import yaml

from config.engines.metrics import MetricTable
from config.platform.observability import (
    ALERT_NAME_KEY,
    ARMS_ENVIRONMENT,
    CONTACT_CHANNELS,
    CONTACT_OBJECT_TYPE,
    DISPATCH_GROUPING,
    NOTIFY_ALL_DAY,
    NOTIFY_TYPE,
    POD_MONITOR,
    POD_TARGET_LABELS,
)
from config.schema.observability import ContactConfig, ObservabilityConfig
from monitoring import dashboard
from monitoring.alerts import AlertRule, alert_rules
from monitoring.promql import Target

from .inference import LWS_NAME_LABEL, LWS_WORKER_INDEX_LABEL


@dataclass(frozen=True)
class ObservabilityArgs:
    config: ObservabilityConfig
    metrics: MetricTable
    """The metric names of the engine version the stack runs."""
    target: Target
    """The workload's namespace and LeaderWorkerSet name (plain strings: they go into YAML and PromQL)."""
    port: int
    """The engine's serving port, where it serves its metrics endpoint."""
    cluster_id: pulumi.Input[str]
    name_prefix: str
    """Prefix of every ARMS name (alert rules are matched by it) and the dashboard's uid, e.g. 'deepseek-acs-prod'."""
    after: list[pulumi.Resource] = field(default_factory=list)
    """Scrape once these exist (the workload)."""
    parked: bool = False
    """The stack runs no GPU pod on purpose: no alert rule is declared (the endpoint is down by design)."""
    dingtalk_webhook: pulumi.Output[str] | None = None
    """Secret. A DingTalk robot the contact is also reached through."""
    grafana_auth: pulumi.Output[str] | None = None
    """Secret. The Grafana workspace's API token (or user:password), when the dashboard is deployed."""


def pod_monitor(metrics: MetricTable, target: Target, port: int, interval_seconds: int) -> dict:
    """The PodMonitor ARMS scrapes: the leaders, and the workers too where the engine serves metrics on them."""
    api_version, kind, discovery = POD_MONITOR.value
    selector = {LWS_NAME_LABEL: target.lws}
    if not metrics.workers_export.value:
        selector[LWS_WORKER_INDEX_LABEL] = "0"
    # Name each target's pod and namespace ourselves: the alerts group by these labels.
    relabelings = [{"sourceLabels": [meta], "targetLabel": label} for label, meta in POD_TARGET_LABELS.value.items()]
    return {
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {"name": f"{target.lws}-engine", "namespace": target.namespace,
                     "annotations": {discovery: "true"}},
        "spec": {
            "selector": {"matchLabels": selector},
            "namespaceSelector": {"matchNames": [target.namespace]},
            "podMetricsEndpoints": [{"targetPort": port, "path": metrics.path.value,
                                     "interval": f"{interval_seconds}s", "relabelings": relabelings}],
        },
    }


def channels(contact: ContactConfig, with_dingtalk: bool) -> list[str]:
    """How the contact is notified: one channel per way of reaching it that the stack gives."""
    given = {"email": contact.email, "phone_num": contact.phone, "ding_robot_webhook_url": with_dingtalk or None}
    return [CONTACT_CHANNELS.value[key] for key, value in given.items() if value]


class Observability(pulumi.ComponentResource):
    """ARMS scrape config, alert rules with their contact and dispatch rule, and the Grafana dashboard."""

    environment_id: pulumi.Output[str] | None
    """The ARMS environment the PodMonitor belongs to (None when metrics are off)."""
    alert_rule_names: list[str]
    dashboard_uid: str | None

    def __init__(self, name: str, args: ObservabilityArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("deepseek-acs:observability:Observability", name, None, opts)
        config = args.config
        self.environment_id, prometheus = self._scrape(name, args) if config.metrics.enabled else (None, [])
        paging = config.alerts.enabled and not args.parked
        rules = alert_rules(args.metrics, args.target, config.alerts) if paging else []
        if rules:
            self._alerts(name, args, rules, prometheus)
        self.alert_rule_names = [f"{args.name_prefix}-{rule.slug}" for rule in rules]
        self.dashboard_uid = self._dashboard(name, args) if config.dashboard.grafana_url else None
        self.register_outputs({"environment_id": self.environment_id, "alert_rule_names": self.alert_rule_names,
                               "dashboard_uid": self.dashboard_uid})

    def _scrape(self, name: str, args: ObservabilityArgs) -> tuple[pulumi.Output[str], list[pulumi.Resource]]:
        metrics = args.config.metrics
        created = []
        environment_id: pulumi.Input[str] = metrics.environment_id
        if environment_id is None:
            environment_type, sub_type = ARMS_ENVIRONMENT.value
            environment = alicloud.arms.Environment(
                f"{name}-arms-environment",
                environment_name=args.name_prefix,
                environment_type=environment_type,
                environment_sub_type=sub_type,
                bind_resource_id=args.cluster_id,
                opts=pulumi.ResourceOptions(parent=self),
            )
            environment_id, created = environment.id, [environment]
        document = pod_monitor(args.metrics, args.target, args.port, metrics.scrape_interval_seconds)
        alicloud.arms.EnvPodMonitor(
            f"{name}-pod-monitor",
            environment_id=environment_id,
            config_yaml=yaml.safe_dump(document, sort_keys=False),
            aliyun_lang="en",
            opts=pulumi.ResourceOptions(parent=self, depends_on=args.after),
        )
        return pulumi.Output.from_input(environment_id), created

    def _alerts(self, name: str, args: ObservabilityArgs, rules: list[AlertRule],
                prometheus: list[pulumi.Resource]) -> None:
        contact = args.config.alerts.contact
        child = pulumi.ResourceOptions(parent=self)
        receiver = alicloud.arms.AlertContact(
            f"{name}-alert-contact",
            alert_contact_name=contact.name,
            email=contact.email,
            phone_num=contact.phone,
            ding_robot_webhook_url=args.dingtalk_webhook,
            opts=child,
        )
        dispatch = self._dispatch(name, args, contact, receiver)
        for rule in rules:
            alicloud.arms.PrometheusAlertRule(
                f"{name}-alert-{rule.slug}",
                cluster_id=args.cluster_id,
                prometheus_alert_rule_name=f"{args.name_prefix}-{rule.slug}",
                expression=rule.expr,
                duration=str(rule.minutes),
                message=rule.summary,
                labels=[{"name": "severity", "value": rule.severity}],
                annotations=[{"name": "runbook", "value": rule.runbook}],
                notify_type=NOTIFY_TYPE.value,
                dispatch_rule_id=dispatch.id,
                # The cluster's Prometheus instance exists once its environment does.
                opts=pulumi.ResourceOptions(parent=self, depends_on=prometheus),
            )

    def _dispatch(self, name: str, args: ObservabilityArgs, contact: ContactConfig,
                  receiver: alicloud.arms.AlertContact) -> alicloud.arms.DispatchRule:
        key, operator = ALERT_NAME_KEY.value
        return alicloud.arms.DispatchRule(
            f"{name}-alert-dispatch",
            dispatch_rule_name=args.name_prefix,
            dispatch_type="CREATE_ALERT",
            is_recover=True,  # say when it is over, too
            group_rules=[{**DISPATCH_GROUPING.value, "grouping_fields": ["alertname"]}],
            label_match_expression_grids=[{"label_match_expression_groups": [{"label_match_expressions": [
                {"key": key, "operator": operator, "value": f"{args.name_prefix}-.*"},
            ]}]}],
            notify_rules=[{
                "notify_objects": [{"notify_object_id": receiver.id, "notify_type": CONTACT_OBJECT_TYPE.value,
                                    "name": contact.name}],
                "notify_channels": channels(contact, args.dingtalk_webhook is not None),
                "notify_start_time": NOTIFY_ALL_DAY.start,
                "notify_end_time": NOTIFY_ALL_DAY.end,
            }],
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _dashboard(self, name: str, args: ObservabilityArgs) -> str:
        settings = args.config.dashboard
        uid = args.name_prefix[:40]  # Grafana's uid limit
        provider = grafana.Provider(f"{name}-grafana", url=str(settings.grafana_url), auth=args.grafana_auth,
                                    opts=pulumi.ResourceOptions(parent=self))
        built = dashboard.build(args.metrics, uid=uid, title=f"DeepSeek on ACS ({args.name_prefix})",
                                defaults=args.target)
        grafana.oss.Dashboard(
            f"{name}-dashboard",
            config_json=dashboard.encode(built),
            folder=settings.folder_uid,
            overwrite=True,  # the stack owns this uid
            message="pulumi up (monitoring/dashboard.py)",
            opts=pulumi.ResourceOptions(parent=self, provider=provider),
        )
        return uid
