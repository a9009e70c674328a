"""`observability`: the engine's metrics scraped by the region's managed Prometheus (ARMS), the alerts that page
and whom, and the dashboard (deployed when the stack names a Grafana workspace).

Every threshold is a field here; the rule expressions that use them are rendered per engine version
(`monitoring/alerts.py`) and tested with promtool (tests/observability).
"""

from typing import Optional

from pydantic import Field, HttpUrl

from ..platform.observability import ALERT_DURATION_MINUTES
from .base import Section, rule, violations

_MIN, _MAX = ALERT_DURATION_MINUTES.value


def _minutes(default: int, what: str):
    """A `for` duration: ARMS takes whole minutes within its range."""
    return Field(default, ge=_MIN, le=_MAX, description=f"{what} (minutes; ARMS accepts {_MIN} to {_MAX}).")


class MetricsConfig(Section):
    """Scraping the engine's metrics endpoint on the leaders (and on workers where the engine serves one)."""

    enabled: bool = Field(True, description="Scrape the engine's metrics into the region's ARMS Prometheus.")
    scrape_interval_seconds: int = Field(
        30, ge=5, le=60,
        description="Scrape interval; at most 60 s so the alerts' 5-minute rate windows hold at least 5 samples.",
    )
    environment_id: Optional[str] = Field(
        None, pattern=r"^[A-Za-z0-9_-]+$",
        description="An ARMS environment already bound to the cluster (Prometheus enabled in the console); unset: "
        "the stack binds one to the cluster.",
    )


class ContactConfig(Section):
    """The ARMS alert contact the stack's alerts are dispatched to."""

    name: str = Field(min_length=1, description="Contact name shown in ARMS.")
    email: Optional[str] = Field(
        None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description="Email address; alerts go out by email."
    )
    phone: Optional[str] = Field(None, pattern=r"^\+?[0-9]+$", description="Mobile number; alerts go out by SMS.")


class AlertsConfig(Section):
    """What pages. Each alert has a runbook line in the README (section Observability)."""

    enabled: bool = Field(True, description="Declare the alert rules and their routing in ARMS.")
    contact: Optional[ContactConfig] = Field(None, description="Who is paged; required when alerts are enabled.")
    group_recreations_per_hour: int = Field(
        2, ge=1, le=60,
        description="Page when one group is recreated more than this many times within an hour (a restart storm "
        "reloads the model on every GPU of the group each time).",
    )
    waiting_requests: int = Field(
        32, ge=1, description="Page when more requests than this wait in one engine's queue for `waiting_minutes`.",
    )
    waiting_minutes: int = _minutes(10, "How long the queue must stay above `waiting_requests`")
    kv_cache_usage: float = Field(
        0.95, gt=0, le=1,
        description="Page when an engine's KV cache is fuller than this share (1 = full) for `kv_cache_minutes`.",
    )
    kv_cache_minutes: int = _minutes(15, "How long the KV cache must stay above `kv_cache_usage`")
    stalled_minutes: int = _minutes(5, "Page when requests are running but no token is generated for this long")
    ttft_slo_seconds: float = Field(
        10.0, gt=0, le=3600,
        description="Time-to-first-token objective: page when the `ttft_quantile` exceeds it for `ttft_minutes`.",
    )
    ttft_quantile: float = Field(0.95, ge=0.5, lt=1, description="The TTFT quantile held to the objective.")
    ttft_minutes: int = _minutes(10, "How long the TTFT quantile must stay above the objective")
    endpoint_down_minutes: int = _minutes(
        5, "Page when no leader's metrics endpoint answers for this long (expected during a cold start)",
    )


class DashboardConfig(Section):
    """The serving dashboard: always built and versioned in the repo (monitoring/dashboards/), deployed when a
    Grafana workspace is named."""

    grafana_url: Optional[HttpUrl] = Field(
        None,
        description="Root URL of the Grafana workspace to deploy the dashboard to (https); its API token is the "
        "secret `grafana_auth`. Unset: nothing is deployed.",
    )
    folder_uid: Optional[str] = Field(
        None, pattern=r"^[A-Za-z0-9_-]{1,40}$", description="UID of an existing folder of that Grafana.",
    )

    @rule("grafana_url")
    def _https_only(self):
        yield from violations((self.grafana_url is None or self.grafana_url.scheme == "https", "grafana_url",
                               "must be an https:// URL: the API token travels with every request"))


class ObservabilityConfig(Section):
    """Metrics, alerts and dashboard of the inference service."""

    metrics: MetricsConfig = Field(default_factory=MetricsConfig, description="Scraping the engine's metrics.")
    alerts: AlertsConfig = Field(default_factory=AlertsConfig, description="Alert rules and whom they page.")
    dashboard: DashboardConfig = Field(default_factory=DashboardConfig, description="The Grafana dashboard.")

    @rule("metrics.enabled", "alerts.enabled", "dashboard.grafana_url")
    def _everything_reads_the_metrics(self):
        yield from violations(
            (self.metrics.enabled or not self.alerts.enabled, "alerts.enabled",
             "the alerts read the engine's metrics: enable metrics (or, in dev, set alerts.enabled: false)"),
            (self.metrics.enabled or self.dashboard.grafana_url is None, "dashboard.grafana_url",
             "the dashboard shows the engine's metrics: enable metrics or remove grafana_url"),
        )
