"""The PromQL both the alerts and the dashboard read, for one engine version and one LeaderWorkerSet.

Series are picked by the target labels the scrape config sets (`namespace`, `pod`; see
`config/platform/observability.POD_TARGET_LABELS`) and the LeaderWorkerSet's pod names: leaders are
`<lws>-<group>`, workers `<lws>-<group>-<n>` (`LEADER_POD_NAME`). Values may be Grafana variables (`$namespace`).
"""

from dataclasses import dataclass

from config.engines.metrics import MetricTable, Signal
from config.platform.observability import GPU_METRICS, KUBE_POD_INFO, UP

RESTART_WINDOW = "1h"
"""The issue's "recreated more than N times in an hour"."""


@dataclass(frozen=True)
class Target:
    """Where the engine runs: namespace and LeaderWorkerSet name (literal values, or dashboard variables)."""

    namespace: str
    lws: str

    @property
    def leaders(self) -> str:
        """Label matchers of the leader pods."""
        return f'namespace="{self.namespace}", pod=~"{self.lws}-[0-9]+"'

    @property
    def pods(self) -> str:
        """Label matchers of every pod of the set (leaders and workers)."""
        return f'namespace="{self.namespace}", pod=~"{self.lws}-[0-9]+(-[0-9]+)?"'


@dataclass(frozen=True)
class Queries:
    """Expressions over one engine version's metrics for one target; `window` is the rate window."""

    metrics: MetricTable
    target: Target
    window: str = "5m"

    def series(self, signal: Signal, suffix: str = "") -> str:
        return f"{self.metrics.name(signal)}{suffix}{{{self.target.pods}}}"

    def rate(self, signal: Signal, suffix: str = "") -> str:
        return f"rate({self.series(signal, suffix)}[{self.window}])"

    def per_pod(self, aggregation: str, signal: Signal) -> str:
        """A gauge per pod: each engine process reports its own queue, batch and cache."""
        return f"{aggregation} by (namespace, pod) ({self.series(signal)})"

    def per_pod_rate(self, signal: Signal) -> str:
        return f"sum by (namespace, pod) ({self.rate(signal)})"

    def quantile(self, q: float, signal: Signal) -> str:
        """A latency quantile across the whole set, per served model."""
        model = self.metrics.model_label.value
        return f"histogram_quantile({q:g}, sum by (namespace, {model}, le) ({self.rate(signal, '_bucket')}))"

    def total_rate(self, signal: Signal) -> str:
        """A counter's rate across the whole set, per served model."""
        return f"sum by (namespace, {self.metrics.model_label.value}) ({self.rate(signal)})"

    def group_recreations(self) -> str:
        """Recreations of each group within the restart window: a recreated group's leader pod comes back under
        its name with a new uid, so distinct uids minus one (other label changes of one pod do not count)."""
        name, _ = KUBE_POD_INFO.value
        info = f"max_over_time({name}{{{self.target.leaders}}}[{RESTART_WINDOW}])"
        return f"count by (namespace, pod) (count by (namespace, pod, uid) ({info})) - 1"

    def leaders_up(self) -> str:
        return f"{UP.value}{{{self.target.leaders}}}"

    def gpu(self, metric: str) -> str:
        return f"{GPU_METRICS.value[metric]}{{{self.target.pods}}}"
