"""The alert rules: one expression each, rendered for an engine version from its metric table.

The same `AlertRule` becomes an ARMS `PrometheusAlertRule` (components/observability.py) and an entry of a
Prometheus rule file (`rule_file`), which tests/observability feeds to `promtool test rules`. Messages use only
`{{ $labels.<name> }}` and `{{ $value }}`, the template forms both ARMS and Prometheus render.
"""

import re
from dataclasses import dataclass
from typing import Literal

from config.engines.metrics import MetricTable
from config.schema.observability import AlertsConfig

from .promql import Queries, Target

Severity = Literal["critical", "warning"]
RUNBOOK = "README.md#runbook-{anchor}"


@dataclass(frozen=True)
class AlertRule:
    name: str
    """Prometheus alert name (CamelCase); the README's runbook line has the same name."""
    expr: str
    minutes: int
    """How long the expression must hold before the alert fires (`for`)."""
    severity: Severity
    summary: str
    """The notification text."""

    @property
    def slug(self) -> str:
        """'GroupRestartStorm' -> 'group-restart-storm' (ARMS rule names and README anchors)."""
        return re.sub(r"(?<!^)(?=[A-Z])", "-", self.name).lower()

    @property
    def runbook(self) -> str:
        return RUNBOOK.format(anchor=self.slug)

    def as_prometheus(self) -> dict:
        return {
            "alert": self.name,
            "expr": self.expr,
            "for": f"{self.minutes}m",
            "labels": {"severity": self.severity},
            "annotations": {"summary": self.summary, "runbook": self.runbook},
        }


def alert_rules(metrics: MetricTable, target: Target, config: AlertsConfig) -> list[AlertRule]:
    """Every alert of the issue, in a fixed order."""
    q = Queries(metrics, target)
    where = "{{ $labels.pod }} in {{ $labels.namespace }}"
    return [
        AlertRule(
            "GroupRestartStorm",
            f"{q.group_recreations()} > {config.group_recreations_per_hour}",
            1, "critical",
            f"Group {{{{ $labels.pod }}}} was recreated {{{{ $value }}}} times in the last hour "
            f"(more than {config.group_recreations_per_hour}): every recreation reloads the model on all its GPUs",
        ),
        AlertRule(
            "RequestsQueued",
            f"{q.per_pod('max', 'waiting')} > {config.waiting_requests}",
            config.waiting_minutes, "warning",
            f"{{{{ $value }}}} requests waiting on {where} (more than {config.waiting_requests} for "
            f"{config.waiting_minutes} min)",
        ),
        AlertRule(
            "KvCacheNearlyFull",
            f"{q.per_pod('max', 'kv_usage')} > {config.kv_cache_usage:g}",
            config.kv_cache_minutes, "warning",
            f"KV cache of {where} is {{{{ $value }}}} full (above {config.kv_cache_usage:g} for "
            f"{config.kv_cache_minutes} min)",
        ),
        AlertRule(
            "NoTokensGenerated",
            f"{q.per_pod('sum', 'running')} > 0 and {q.per_pod_rate('generation_tokens')} == 0",
            config.stalled_minutes, "critical",
            f"{{{{ $value }}}} requests running on {where} but no token generated for {config.stalled_minutes} min",
        ),
        AlertRule(
            "TimeToFirstTokenAboveSlo",
            f"{q.quantile(config.ttft_quantile, 'ttft')} > {config.ttft_slo_seconds:g}",
            config.ttft_minutes, "warning",
            f"p{config.ttft_quantile * 100:g} time to first token in {{{{ $labels.namespace }}}} is {{{{ $value }}}} s "
            f"(objective {config.ttft_slo_seconds:g} s)",
        ),
        AlertRule(
            "EndpointDown",
            f"{q.leaders_up()} == 0 or absent({q.leaders_up()})",
            config.endpoint_down_minutes, "critical",
            f"Leader {{{{ $labels.pod }}}} of {target.lws} in {{{{ $labels.namespace }}}} does not answer on its "
            f"metrics endpoint (or no leader is scraped) for {config.endpoint_down_minutes} min",
        ),
    ]


def rule_file(rules: list[AlertRule], group: str) -> dict:
    """A Prometheus rule file with one group (what promtool and a plain Prometheus load)."""
    return {"groups": [{"name": group, "rules": [rule.as_prometheus() for rule in rules]}]}
