"""Synthetic series for every alert rule: one test group where the rule fires and one where it stays quiet.

The series are written in promtool's expanding notation ('a+bxn' is a, a+b, ..., a+n*b; '_xn' is n missing
samples) at a 1-minute interval. The quiet cases are near misses: exactly at the threshold, above it for less
than the `for` duration, the wrong pod. Expected notifications are rendered here, independently of Prometheus'
templates, so a message that ARMS and Prometheus would render differently from what we wrote fails too.
"""

import re
from dataclasses import dataclass, field

from config.engines.metrics import MetricTable
from config.schema.observability import AlertsConfig
from monitoring.alerts import AlertRule
from monitoring.promql import Target

NAMESPACE = "deepseek"
LWS = "deepseek-r1"
TARGET = Target(NAMESPACE, LWS)
LEADER, OTHER_LEADER, WORKER = f"{LWS}-0", f"{LWS}-1", f"{LWS}-0-1"
MODEL = "ds"


@dataclass
class Case:
    series: dict[str, str]
    """Series selector -> values."""
    eval_minutes: int
    fires: list[tuple[dict[str, str], float]] = field(default_factory=list)
    """(labels of the alert besides alertname and severity, its value) for each expected alert."""


def _labels(**extra: str) -> str:
    return "{" + ", ".join(f'{key}="{value}"' for key, value in extra.items()) + "}"


def _engine(metrics: MetricTable, signal: str, pod: str, suffix: str = "", **extra: str) -> str:
    labels = {"namespace": NAMESPACE, "pod": pod, metrics.model_label.value: MODEL, **extra}
    return metrics.name(signal) + suffix + _labels(**labels)


def _pod_info(pod: str, uid: str, pod_ip: str = "10.0.0.1") -> str:
    return "kube_pod_info" + _labels(namespace=NAMESPACE, pod=pod, uid=uid, pod_ip=pod_ip)


def _from(minute: int, values: str) -> str:
    """`values` starting at `minute` (missing before)."""
    return f"_x{minute} {values}" if minute else values


def restart_storm(metrics: MetricTable, config: AlertsConfig) -> tuple[Case, Case]:
    n = config.group_recreations_per_hour
    # One uid per incarnation of the leader pod, 10 minutes each: n + 2 incarnations = n + 1 recreations.
    fire = {_pod_info(LEADER, f"uid-{i}"): _from(10 * i, "1x9") for i in range(n + 2)}
    quiet = {_pod_info(LEADER, f"uid-{i}"): _from(10 * i, "1x9") for i in range(n + 1)}
    quiet[_pod_info(LEADER, "uid-0", pod_ip="10.0.0.2")] = _from(5, "1x4")  # the same incarnation, a new IP
    quiet.update({_pod_info(WORKER, f"worker-{i}"): _from(5 * i, "1x4") for i in range(n + 3)})  # not a leader
    at = 10 * (n + 2)
    return Case(fire, at, [({"namespace": NAMESPACE, "pod": LEADER}, n + 1)]), Case(quiet, at)


def requests_queued(metrics: MetricTable, config: AlertsConfig) -> tuple[Case, Case]:
    t, m = config.waiting_requests, config.waiting_minutes
    at = m + 5
    fire = {_engine(metrics, "waiting", LEADER): f"{t + 8}x{at}"}
    quiet = {_engine(metrics, "waiting", LEADER): f"{t + 8}x{m - 2} {t}x{at}",  # above for less than `for`, then at
             _engine(metrics, "waiting", WORKER): f"{t}x{at}"}
    return Case(fire, at, [({"namespace": NAMESPACE, "pod": LEADER}, t + 8)]), Case(quiet, at)


def kv_cache_nearly_full(metrics: MetricTable, config: AlertsConfig) -> tuple[Case, Case]:
    full, m = config.kv_cache_usage, config.kv_cache_minutes
    above = round(min(1.0, full + (1 - full) / 2), 4)
    at = m + 5
    fire = {_engine(metrics, "kv_usage", LEADER): f"{above}x{at}"}
    quiet = {_engine(metrics, "kv_usage", LEADER): f"{above}x{m - 2} {full}x{at}"}
    return Case(fire, at, [({"namespace": NAMESPACE, "pod": LEADER}, above)]), Case(quiet, at)


def no_tokens_generated(metrics: MetricTable, config: AlertsConfig) -> tuple[Case, Case]:
    at = config.stalled_minutes + 7
    fire = {_engine(metrics, "running", LEADER): f"3x{at}",
            _engine(metrics, "generation_tokens", LEADER): f"500x{at}"}  # a counter that stopped
    quiet = {_engine(metrics, "running", LEADER): f"3x{at}",
             _engine(metrics, "generation_tokens", LEADER): f"0+60x{at}",  # tokens flowing
             _engine(metrics, "running", OTHER_LEADER): f"0x{at}",  # idle: nothing runs, nothing generated
             _engine(metrics, "generation_tokens", OTHER_LEADER): f"500x{at}"}
    return Case(fire, at, [({"namespace": NAMESPACE, "pod": LEADER}, 3)]), Case(quiet, at)


def ttft_above_slo(metrics: MetricTable, config: AlertsConfig) -> tuple[Case, Case]:
    slo = config.ttft_slo_seconds
    at = config.ttft_minutes + 10
    bounds = [f"{slo / 10:g}", f"{slo:g}", f"{slo * 2:g}", "+Inf"]

    def histogram(pod: str, slowest_bucket_index: int) -> dict[str, str]:
        # Every request lands in bucket `slowest_bucket_index` (cumulative counts: that bucket and above grow).
        return {_engine(metrics, "ttft", pod, "_bucket", le=le): (f"0+10x{at}" if i >= slowest_bucket_index
                                                                else f"0x{at}")
                for i, le in enumerate(bounds)}

    # All requests slower than twice the objective: the quantile is the top finite bound, 2 x the objective.
    fire = Case(histogram(LEADER, 3), at, [({"namespace": NAMESPACE, metrics.model_label.value: MODEL}, slo * 2)])
    return fire, Case(histogram(LEADER, 0), at)


def endpoint_down(metrics: MetricTable, config: AlertsConfig) -> tuple[Case, Case]:
    m = config.endpoint_down_minutes
    at = m + 10
    up = "up" + _labels(namespace=NAMESPACE, pod=LEADER)
    fire = {up: f"1x5 0x{at}", "up" + _labels(namespace=NAMESPACE, pod=OTHER_LEADER): f"1x{at}"}
    quiet = {up: f"0x{m - 2} 1x{at}",  # down for less than `for` (a restart), then up
             "up" + _labels(namespace=NAMESPACE, pod=WORKER): f"0x{at}"}  # a worker is not the endpoint
    return Case(fire, at, [({"namespace": NAMESPACE, "pod": LEADER}, 0)]), Case(quiet, at)


def no_leader_scraped(config: AlertsConfig) -> Case:
    """EndpointDown's other branch: no leader target at all (the scrape config lost them, or none exists)."""
    at = config.endpoint_down_minutes + 5
    return Case({"up" + _labels(namespace=NAMESPACE, pod=WORKER): f"1x{at}"}, at, [({"namespace": NAMESPACE}, 1)])


CASES = {
    "GroupRestartStorm": restart_storm,
    "RequestsQueued": requests_queued,
    "KvCacheNearlyFull": kv_cache_nearly_full,
    "NoTokensGenerated": no_tokens_generated,
    "TimeToFirstTokenAboveSlo": ttft_above_slo,
    "EndpointDown": endpoint_down,
}
"""Alert name -> (fires, stays quiet)."""


def notification(rule: AlertRule, labels: dict[str, str], value: float) -> str:
    """The rule's summary as ARMS and Prometheus render it: `{{ $labels.x }}` and `{{ $value }}` substituted."""
    text = re.sub(r"\{\{ \$labels\.(\w+) \}\}", lambda match: labels.get(match.group(1), ""), rule.summary)
    return text.replace("{{ $value }}", f"{value:g}")


def promtool_group(rule: AlertRule, case: Case, name: str) -> dict:
    """One promtool test group checking `rule` alone on the case's series."""
    expected = [{"exp_labels": {**labels, "severity": rule.severity},
                 "exp_annotations": {"summary": notification(rule, labels, value), "runbook": rule.runbook}}
                for labels, value in case.fires]
    return {
        "name": name,
        "interval": "1m",
        "input_series": [{"series": series, "values": values} for series, values in case.series.items()],
        "alert_rule_test": [{"eval_time": f"{case.eval_minutes}m", "alertname": rule.name, "exp_alerts": expected}],
    }
