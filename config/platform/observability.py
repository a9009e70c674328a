"""Managed Prometheus (ARMS) on ACS: how scrape targets, alert rules and their routing are declared, and the
platform metrics (kube-state-metrics, ACS GPU metrics, Prometheus' own `up`) the alerts and the dashboard read.

The engine's own metric names are not here: they are per engine version, in `config/engines/metrics.py`.
"""

from dataclasses import dataclass
from datetime import date

from . import Fact, Source

_READ = date(2026, 12, 1)
_TF = "https://github.com/aliyun/terraform-provider-alicloud/blob/81c43b6727a09e9da37b3d88818c3ba5fa17fa14/"
_CREATE_ENVIRONMENT = "https://help.aliyun.com/zh/arms/prometheus-monitoring/api-arms-2019-08-08-createenvironment"
_CREATE_ALERT_RULE = "https://help.aliyun.com/zh/arms/developer-reference/api-arms-2019-08-08-createprometheusalertrule"
_DISPATCH_DOC = f"{_TF}website/docs/r/arms_dispatch_rule.html.markdown"

ARMS_ENVIRONMENT = Fact(
    ("CS", "ACK"),
    Source(
        _CREATE_ENVIRONMENT,
        _READ,
        "EnvironmentType \"CS:容器服务\"; EnvironmentSubType \"CS 类型的环境:目前支持 ACK、One 子类型\"; "
        "BindResourceId \"环境绑定的资源实例 ID,包括容器实例 ID\". terraform-provider-alicloud's EnvPodMonitor "
        "acceptance test (alicloud/resource_alicloud_arms_env_pod_monitor_test.go) binds environment_type = \"CS\", "
        "environment_sub_type = \"ACK\" to a cluster id.",
    ),
)
"""(environment_type, environment_sub_type) of the ARMS environment bound to a container cluster."""

MANAGED_AGENT_WITH_KSM = Fact(
    "agent",
    Source(
        _CREATE_ENVIRONMENT,
        _READ,
        "ManagedType: \"agent:托管 agent(含 ksm)。ASK、ACS、AckOne 集群的默认值\" (a managed agent, kube-state-metrics "
        "included, is the default for ACS clusters); pulumi_alicloud 4.0.0 arms/environment.py:43-46 says the same.",
    ),
)
"""The default managed type of an ACS environment: the agent runs on Alibaba's side and brings kube-state-metrics,
so the restart alert's `kube_pod_info` needs nothing installed in the cluster. UNCONFIRMED: the metric list of
that managed kube-state-metrics (no ACS page lists it)."""

POD_MONITOR = Fact(
    ("monitoring.coreos.com/v1", "PodMonitor", "arms.prometheus.io/discovery"),
    Source(
        f"{_TF}alicloud/resource_alicloud_arms_env_pod_monitor_test.go#L37",
        _READ,
        "config_yaml: \"apiVersion: monitoring.coreos.com/v1\\nkind: PodMonitor\\nmetadata:\\n  name: arms-admin-pm1\\n"
        "  namespace: arms-prom\\n  annotations:\\n    arms.prometheus.io/discovery: 'true'\\n ... podMetricsEndpoints:"
        "\\n  - interval: 30s\\n    targetPort: 9335\\n    path: /metrics\"; the resource keeps the YAML's namespace "
        "and name as its id (resource_alicloud_arms_env_pod_monitor.go#L113). The same YAML is pulumi_alicloud "
        "4.0.0's EnvPodMonitor example. UNCONFIRMED: that the discovery annotation is required (every Alibaba "
        "example carries it; no page defines it).",
    ),
)
"""The scrape target as ARMS takes it: a prometheus-operator PodMonitor document (apiVersion, kind) carrying the
ARMS discovery annotation (set to 'true')."""

POD_TARGET_LABELS = Fact(
    {"namespace": "__meta_kubernetes_namespace", "pod": "__meta_kubernetes_pod_name"},
    Source(
        "https://prometheus.io/docs/prometheus/latest/configuration/configuration/#pod",
        _READ,
        "\"The pod role discovers all pods and exposes their containers as targets. For each declared port of a "
        "container, a single target is generated.\" Meta labels: \"__meta_kubernetes_namespace: The namespace of the "
        "pod object. __meta_kubernetes_pod_name: The name of the pod object.\"",
    ),
)
"""Target label -> the discovery meta label it is copied from, so every scraped series (and `up`) names its pod
whatever labels ARMS adds by itself. A target exists only for a declared container port."""

UP = Fact(
    "up",
    Source(
        "https://prometheus.io/docs/concepts/jobs_instances",
        _READ,
        "\"up{job=\\\"<job-name>\\\", instance=\\\"<instance-id>\\\"}: 1 if the instance is healthy, i.e. reachable, "
        "or 0 if the scrape failed.\"",
    ),
)

KUBE_POD_INFO = Fact(
    ("kube_pod_info", ("namespace", "pod", "uid")),
    Source(
        "https://github.com/kubernetes/kube-state-metrics/blob/04ee634c83a9350e4dd41691be7f747a1e3b0f73/docs/metrics/"
        "workload/pod-metrics.md",
        _READ,
        "kube_pod_info | Gauge | Information about pod | `pod`=<pod-name> `namespace`=<pod-namespace> `host_ip` "
        "`pod_ip` `node` `created_by_kind` `created_by_name` `uid`=<pod-uid> `priority_class` `host_network` | STABLE",
    ),
)
"""A pod's info series and the labels the restart alert groups by: a recreated pod keeps its name, gets a new uid."""

LEADER_POD_NAME = Fact(
    "{lws}-{group}",
    Source(
        "https://github.com/kubernetes-sigs/lws/blob/2f732693a20b6e7b6c2a215be8a102ad22a4c98f/pkg/controllers/"
        "leaderworkerset_controller.go#L683",
        _READ,
        "v0.5.0: `statefulSetConfig := appsapplyv1.StatefulSet(lws.Name, lws.Namespace)` (the leaders' StatefulSet, so "
        "leader pods are <lws>-<index>); pod_controller.go#L327: `appsapplyv1.StatefulSet(leaderPod.Name, ...)` (each "
        "group's workers are <lws>-<index>-<n>). With RecreateGroupOnPodRestart a failure deletes the leader pod "
        "(pod_controller.go#L212 event \"deleted leader pod %s to recreate group %s\").",
    ),
)
"""Leader pods are named `<lws>-<group index>`; a group recreation replaces the leader pod under the same name."""

GPU_METRICS = Fact(
    {"utilization": "DCGM_FI_DEV_GPU_UTIL", "memory_used": "DCGM_FI_DEV_FB_USED",
     "memory_total": "DCGM_FI_DEV_FB_TOTAL"},
    Source(
        "https://www.alibabacloud.com/help/en/cs/user-guide/acs-gpu-pod-monitoring-indicators",
        _READ,
        "Last updated Sep 03, 2025. \"You can filter DCGM-related metrics using the following resource dimensions: "
        "namespace=\\\"{{pod_namespace}}\\\" pod=\\\"{{pod_name}}\\\" ...\"; DCGM_FI_DEV_GPU_UTIL Gauge % \"The GPU "
        "utilization\"; DCGM_FI_DEV_FB_USED Gauge MiB; DCGM_FI_DEV_FB_TOTAL Gauge MiB; \"basic metrics. No additional "
        "fees\". Collection: https://www.alibabacloud.com/help/en/cs/user-guide/collect-prometheus-metrics-for-"
        "container-monitoring-of-acs-clusters (zh: 阿里云可观测监控Prometheus \"默认支持,无需额外操作\").",
    ),
)
"""What ACS exposes about its GPU pods (labelled `namespace`, `pod`), collected by ARMS without configuration."""

ALERT_DURATION_MINUTES = Fact(
    (1, 1440),
    Source(
        _CREATE_ALERT_RULE,
        _READ,
        "Duration \"持续时间,范围在 1m~1440m,单位为分钟。\" (minutes, 1 to 1440); Message \"告警消息,支持按照"
        "{{$labels.xxx}}格式来引用标签\". terraform-provider-alicloud's acceptance test "
        "(alicloud/resource_alicloud_arms_prometheus_alert_rule_test.go#L48) sends \"duration\": \"1\".",
    ),
)
"""Shortest and longest `for` an ARMS alert rule takes, in whole minutes (sent as a bare number, like the
provider's own test)."""

ALERT_RULE_CLUSTER = Fact(
    "cluster id",
    Source(
        f"{_TF}alicloud/resource_alicloud_arms_prometheus_alert_rule_test.go#L45",
        _READ,
        "\"cluster_id\": \"${data.alicloud_cs_managed_kubernetes_clusters.default.clusters.0.id}\" with "
        "\"notify_type\": \"ALERT_MANAGER\" (and \"DISPATCH_RULE\" at L198); pulumi_alicloud 4.0.0 "
        "arms/prometheus_alert_rule.py: \"dispatch_rule_id: The ID of the notification policy. This parameter is "
        "required when the notify_type parameter is set to DISPATCH_RULE.\" UNCONFIRMED for an ACS cluster whose "
        "environment this stack creates (the test uses an ACK cluster).",
    ),
)
"""An alert rule is attached to the Prometheus instance of a container cluster by the cluster's id."""

NOTIFY_TYPE = Fact("DISPATCH_RULE", ALERT_RULE_CLUSTER.source)
"""How a rule names its notification policy (the other value, ALERT_MANAGER, uses the account-wide routing)."""

CONTACT_CHANNELS = Fact(
    {"email": "email", "phone_num": "sms", "ding_robot_webhook_url": "dingTalk"},
    Source(
        _DISPATCH_DOC,
        _READ,
        "notify_channels: \"The notification method. Valid values: dingTalk, sms, webhook, email, and wechat.\"; "
        "notify_objects.notify_type \"ARMS_CONTACT: contact\". pulumi_alicloud 4.0.0 arms/alert_contact.py: email, "
        "phone_num, ding_robot_webhook_url: \"You must specify at least one of the following parameters: PhoneNum, "
        "Email, and DingRobotWebhookUrl.\"",
    ),
)
"""Alert-contact field -> the dispatch channel that delivers to it."""

CONTACT_OBJECT_TYPE = Fact("ARMS_CONTACT", CONTACT_CHANNELS.source)

ALERT_NAME_KEY = Fact(
    ("_aliyun_arms_alert_name", "re"),
    Source(
        _DISPATCH_DOC,
        _READ,
        "label_match_expressions.key valid values include \"_aliyun_arms_alert_name: alert name\"; operator \"eq: "
        "equals to. re: matches a regular expression.\"",
    ),
)
"""The dispatch rule picks our alerts by name (key, operator)."""

DISPATCH_GROUPING = Fact(
    {"group_wait_time": 5, "group_interval": 15, "repeat_interval": 600},
    Source(_DISPATCH_DOC, _READ, "group_rules { group_wait_time = 5, group_interval = 15, ... } (the resource's "
           "example); repeat_interval: \"The silence period of repeated alerts ... The minimum value is 61. Default "
           "to 600.\""),
)
"""How the dispatch rule batches notifications: the documented example's waits and the default repeat interval
(a still-firing alert notifies again every 10 minutes)."""


@dataclass(frozen=True)
class NotifyWindow:
    start: str
    end: str
    source: Source


NOTIFY_ALL_DAY = NotifyWindow(
    "00:00", "23:59",
    Source(_DISPATCH_DOC, _READ, "notify_rules: notify_start_time \"(Required) Start time of notification.\", "
           "notify_end_time; the example sends \"10:00\" / \"23:00\" (HH:MM)."),
)
"""A page at 3 a.m. must go out: the whole day is the notification window."""
