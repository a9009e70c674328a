"""The serving dashboard, built with grafana-foundation-sdk (types for Grafana 11.6) from one engine version's
metric table, and encoded deterministically (sorted keys, fixed panel ids and positions).

`monitoring/dashboards/<engine>.json` is this dashboard for each engine at the version the project runs, with the
schema's default namespace and LeaderWorkerSet name: what a person imports by hand, and the snapshot the tests
pin. A stack deploys the same dashboard with its own names, uid and title (components/observability.py).
Regenerate the files after an intended change with `make dashboards`.
"""

from pathlib import Path

from grafana_foundation_sdk.builders.dashboard import DatasourceVariable, Row, TextBoxVariable
from grafana_foundation_sdk.builders.dashboard import Dashboard as DashboardBuilder
from grafana_foundation_sdk.builders.prometheus import Dataquery
from grafana_foundation_sdk.builders.timeseries import Panel
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import DataSourceRef

from config.engines.metrics import MetricTable, for_engine, pinned_versions
from config.schema import ServingConfig, StackConfig

from .promql import Queries, Target

SNAPSHOTS = Path(__file__).resolve().parent / "dashboards"
DATASOURCE = DataSourceRef(type_val="prometheus", uid="${datasource}")
QUANTILES = (0.5, 0.95, 0.99)
DEFAULT_TARGET = Target(StackConfig.model_fields["namespace"].default, ServingConfig.model_fields["name"].default)
"""The variables' defaults in the versioned files: the schema's defaults."""


def _panel(title: str, unit: str, targets: list[tuple[str, str]], **limits: float) -> Panel:
    panel = Panel().title(title).datasource(DATASOURCE).unit(unit)
    for low_high, value in limits.items():
        panel = panel.min(value) if low_high == "low" else panel.max(value)
    for index, (expr, legend) in enumerate(targets):
        panel = panel.with_target(Dataquery().expr(expr).legend_format(legend).ref_id(chr(ord("A") + index)))
    return panel


def _quantiles(q: Queries, signal: str) -> list[tuple[str, str]]:
    return [(q.quantile(quantile, signal), f"p{quantile * 100:g}") for quantile in QUANTILES]


def sections(q: Queries) -> list[tuple[str, list[Panel]]]:
    """(row title, its panels): what the issue asks to see."""
    model = "{{" + q.metrics.model_label.value + "}}"
    return [
        ("Traffic", [
            _panel("Request rate", "reqps", [(q.total_rate("requests"), model)], low=0),
            _panel("Tokens per second", "short", [(q.total_rate("prompt_tokens"), f"prompt {model}"),
                                                  (q.total_rate("generation_tokens"), f"generated {model}")], low=0),
        ]),
        ("Latency", [
            _panel("Time to first token", "s", _quantiles(q, "ttft"), low=0),
            _panel("Inter-token latency", "s", _quantiles(q, "itl"), low=0),
            _panel("End-to-end request latency", "s", _quantiles(q, "e2e"), low=0),
        ]),
        ("Queue and KV cache", [
            _panel("Requests running and waiting", "short", [(q.per_pod("sum", "running"), "{{pod}} running"),
                                                             (q.per_pod("max", "waiting"), "{{pod}} waiting")], low=0),
            _panel("KV cache usage", "percentunit", [(q.per_pod("max", "kv_usage"), "{{pod}}")], low=0, high=1),
        ]),
        ("Groups", [
            _panel("Group recreations in the last hour", "short", [(q.group_recreations(), "{{pod}}")], low=0),
            _panel("Leader metrics endpoint up", "short", [(q.leaders_up(), "{{pod}}")], low=0, high=1),
        ]),
        ("GPUs (ACS GPU pod metrics)", [
            _panel("GPU utilization", "percent", [(f"avg by (pod) ({q.gpu('utilization')})", "{{pod}}")], low=0,
                   high=100),
            _panel("GPU memory used", "percentunit",
                   [(f"sum by (pod) ({q.gpu('memory_used')}) / sum by (pod) ({q.gpu('memory_total')})", "{{pod}}")],
                   low=0, high=1),
        ]),
    ]


def build(metrics: MetricTable, uid: str, title: str, defaults: Target = DEFAULT_TARGET) -> DashboardBuilder:
    """The dashboard for `metrics`; its `namespace` and `lws` variables start at `defaults`."""
    q = Queries(metrics, Target("$namespace", "$lws"), window="$__rate_interval")
    dashboard = (
        DashboardBuilder(title).uid(uid).tags(["deepseek-acs", metrics.engine]).refresh("30s").time("now-6h", "now")
        .description(f"{metrics.label}: metric names from config/engines/metrics.py; built by monitoring/dashboard.py")
        .with_variable(DatasourceVariable("datasource").label("Prometheus").type("prometheus"))
        .with_variable(TextBoxVariable("namespace").label("Namespace").default_value(defaults.namespace))
        .with_variable(TextBoxVariable("lws").label("LeaderWorkerSet").default_value(defaults.lws))
    )
    panel_id = 0
    for row_title, panels in sections(q):
        panel_id += 1
        dashboard = dashboard.with_row(Row(row_title).id(panel_id))
        for panel in panels:
            panel_id += 1
            dashboard = dashboard.with_panel(panel.id(panel_id))
    return dashboard


def encode(dashboard: DashboardBuilder) -> str:
    """Deterministic JSON: the same dashboard is always the same bytes."""
    return JSONEncoder(sort_keys=True, indent=2).encode(dashboard.build()) + "\n"


def snapshot(engine: str) -> str:
    """The versioned dashboard of `engine` (at the version the project runs)."""
    return encode(build(for_engine(engine), uid=f"deepseek-acs-{engine}", title=f"DeepSeek on ACS ({engine})"))


def write_snapshots() -> list[Path]:
    SNAPSHOTS.mkdir(exist_ok=True)
    written = []
    for engine in sorted(pinned_versions()):
        path = SNAPSHOTS / f"{engine}.json"
        path.write_text(snapshot(engine))
        written.append(path)
    return written
