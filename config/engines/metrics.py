"""The metric names each engine version exports, one table per engine and version, read from its released source.

Alerts and the dashboard never spell a metric name: they ask a table for a signal ("requests waiting", "time to
first token") and get the name that version exports. An engine upgrade therefore needs a table for the new version
(a test fails until there is one), and a renamed metric surfaces as a changed table entry, not as an alert that
silently stops firing. Every name below was read in the released wheel of that version (the file and line are in
its source, at the release tag on GitHub); a name used anywhere else must be in the table (tests/observability).

Names are as Prometheus scrapes them: prometheus_client adds `_total` to a counter declared without it
(`COUNTER_SUFFIX`), and a histogram is the stem of its `_bucket`, `_sum` and `_count` series.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from ..platform import Fact, Source

Signal = Literal["running", "waiting", "kv_usage", "prompt_tokens", "generation_tokens", "requests", "ttft", "itl",
                 "e2e"]
SIGNALS: tuple[Signal, ...] = ("running", "waiting", "kv_usage", "prompt_tokens", "generation_tokens", "requests",
                               "ttft", "itl", "e2e")
"""What the alerts and the dashboard read: requests in the batch and in the queue, KV-cache usage (0..1), prompt
and generated tokens, finished requests, and the time-to-first-token, inter-token and end-to-end latency
histograms (seconds)."""

Kind = Literal["gauge", "counter", "histogram"]
KINDS: Mapping[Signal, Kind] = {
    "running": "gauge", "waiting": "gauge", "kv_usage": "gauge", "prompt_tokens": "counter",
    "generation_tokens": "counter", "requests": "counter", "ttft": "histogram", "itl": "histogram", "e2e": "histogram",
}
HISTOGRAM_SERIES = ("_bucket", "_sum", "_count")

_READ = date(2026, 12, 1)
COUNTER_SUFFIX = Source(
    "https://github.com/prometheus/client_python/blob/v0.26.0/prometheus_client/metrics.py#L34",
    _READ,
    "`if metric_type == 'counter' and full_name.endswith('_total'): full_name = full_name[:-6]  # Munge to "
    "OpenMetrics.` and (L333) the sample is `self._name + '_total'`: Counter('vllm:generation_tokens') and "
    "Counter('vllm:generation_tokens_total') both expose `vllm:generation_tokens_total` (checked by exposing "
    "both with prometheus_client 0.26.0, the version installed with vLLM 0.33.0, which requires >= 0.18.0).",
)


@dataclass(frozen=True)
class Metric:
    name: str
    """As scraped (counters with `_total`; histograms without their `_bucket`/`_sum`/`_count` suffix)."""
    kind: Kind
    source: Source


@dataclass(frozen=True)
class MetricTable:
    """What one engine version exports, and where."""

    engine: str
    """The `serving.engine` value."""
    version: str
    path: Fact[str]
    """The HTTP path of the metrics endpoint, on the serving port."""
    workers_export: Fact[bool]
    """Worker pods serve the endpoint too (per-node metrics), not only the leader."""
    model_label: Fact[str]
    """The label carrying the served model name."""
    metrics: Mapping[Signal, Metric]

    def name(self, signal: Signal) -> str:
        return self.metrics[signal].name

    def series(self) -> frozenset[str]:
        """Every series name this version exports for the signals: histograms as their three series."""
        names = set()
        for metric in self.metrics.values():
            names.update([metric.name + s for s in HISTOGRAM_SERIES] if metric.kind == "histogram" else [metric.name])
        return frozenset(names)

    @property
    def label(self) -> str:
        return f"{self.engine} {self.version}"


def _vllm(version: str, path: str, line: int, declared: str, wheel: str) -> Source:
    return Source(f"https://github.com/vllm-project/vllm/blob/v{version}/{path}#L{line}", _READ,
                  f"{declared} (read in {wheel})")


def _sglang(version: str, path: str, line: int, declared: str) -> Source:
    return Source(f"https://github.com/sgl-project/sglang/blob/v{version}/python/{path}#L{line}", _READ,
                  f"{declared} (read in sglang-{version}-cp311-cp311-manylinux_2_34_x86_64.whl, {path})")


def _metrics(names: Mapping[Signal, tuple[str, Source]]) -> dict[Signal, Metric]:
    return {signal: Metric(name, KINDS[signal], source) for signal, (name, source) in names.items()}


_V1_NAMES: Mapping[Signal, tuple[str, str]] = {
    # signal: (name as scraped, name as declared in vllm/v1/metrics/loggers.py)
    "running": ("vllm:num_requests_running", "vllm:num_requests_running"),
    "waiting": ("vllm:num_requests_waiting", "vllm:num_requests_waiting"),
    "kv_usage": ("vllm:kv_cache_usage_perc", "vllm:kv_cache_usage_perc"),
    "prompt_tokens": ("vllm:prompt_tokens_total", "vllm:prompt_tokens"),
    "generation_tokens": ("vllm:generation_tokens_total", "vllm:generation_tokens"),
    "requests": ("vllm:request_success_total", "vllm:request_success"),
    "ttft": ("vllm:time_to_first_token_seconds", "vllm:time_to_first_token_seconds"),
    "itl": ("vllm:inter_token_latency_seconds", "vllm:inter_token_latency_seconds"),
    "e2e": ("vllm:e2e_request_latency_seconds", "vllm:e2e_request_latency_seconds"),
}


def _vllm_v1(version: str, lines: Mapping[Signal, int], labels_line: int, metrics_route: int, headless: int,
             ) -> MetricTable:
    """vLLM's V1 engine (the only one from 0.11): vllm/v1/metrics/loggers.py, `PrometheusStatLogger`."""
    wheel = f"vllm-{version}-cp38-abi3-manylinux_2_28_x86_64.whl"
    loggers = "vllm/v1/metrics/loggers.py"
    names = {
        signal: (scraped, _vllm(version, loggers, lines[signal], f'name="{declared}" ({KINDS[signal]})', wheel))
        for signal, (scraped, declared) in _V1_NAMES.items()
    }
    return MetricTable(
        engine="vllm", version=version,
        path=Fact("/metrics", _vllm(version, "vllm/entrypoints/serve/instrumentator/metrics.py", metrics_route,
                                    'metrics_route = Mount("/metrics", make_asgi_app(registry=registry)) on the API '
                                    "server's app", wheel)),
        workers_export=Fact(False, _vllm(version, "vllm/entrypoints/cli/serve.py", headless,
                                         "`if args.headless:` ... \"no API servers are started in headless mode\": "
                                         "worker nodes (--headless) serve no HTTP, so no /metrics", wheel)),
        model_label=Fact("model_name", _vllm(version, loggers, labels_line,
                                             'labelnames = ["model_name", "engine"]; model_name = served_model_name',
                                             wheel)),
        metrics=_metrics(names),
    )


def _vllm_072() -> MetricTable:
    """vLLM 0.7.2 on Ray: the V0 engine (VLLM_USE_V1 defaults to 0), vllm/engine/metrics.py."""
    version, wheel, module = "0.7.2", "vllm-0.7.2-cp38-abi3-manylinux1_x86_64.whl", "vllm/engine/metrics.py"
    declared = {
        "running": ("vllm:num_requests_running", 59), "waiting": ("vllm:num_requests_waiting", 64),
        "kv_usage": ("vllm:gpu_cache_usage_perc", 85), "prompt_tokens": ("vllm:prompt_tokens_total", 112),
        "generation_tokens": ("vllm:generation_tokens_total", 116), "requests": ("vllm:request_success_total", 236),
        "ttft": ("vllm:time_to_first_token_seconds", 134), "itl": ("vllm:time_per_output_token_seconds", 142),
        "e2e": ("vllm:e2e_request_latency_seconds", 157),
    }
    names = {signal: (name, _vllm(version, module, line, f'name="{name}" ({KINDS[signal]}); V0 engine: envs.py '
                                  '"VLLM_USE_V1": bool(int(os.getenv("VLLM_USE_V1", "0")))', wheel))
             for signal, (name, line) in declared.items()}
    api_server = "vllm/entrypoints/openai/api_server.py"
    return MetricTable(
        engine="vllm-ray", version=version,
        path=Fact("/metrics", _vllm(version, api_server, 275, 'metrics_route = Mount("/metrics", '
                                    "make_asgi_app(registry=registry)) on the OpenAI API server", wheel)),
        workers_export=Fact(False, _vllm(version, api_server, 275, "the route belongs to the API server, which only "
                                         "the leader runs; Ray worker pods run `ray start --block`", wheel)),
        model_label=Fact("model_name", _vllm(version, "vllm/engine/llm_engine.py", 378,
                                             "PrometheusStatLogger(labels=dict(model_name=self.model_config."
                                             "served_model_name))", wheel)),
        metrics=_metrics(names),
    )


_SGLANG_NAMES: Mapping[Signal, str] = {
    "running": "sglang:num_running_reqs", "waiting": "sglang:num_queue_reqs", "kv_usage": "sglang:token_usage",
    "prompt_tokens": "sglang:prompt_tokens_total", "generation_tokens": "sglang:generation_tokens_total",
    "requests": "sglang:num_requests_total", "ttft": "sglang:time_to_first_token_seconds",
    "itl": "sglang:inter_token_latency_seconds", "e2e": "sglang:e2e_request_latency_seconds",
}


def _sglang_table(version: str, lines: Mapping[Signal, int], labels_line: int, metrics_route: int,
                  dummy_server: int) -> MetricTable:
    """SGLang with `--enable-metrics`: sglang/srt/observability/metrics_collector.py."""
    collector = "sglang/srt/observability/metrics_collector.py"
    names = {signal: (name, _sglang(version, collector, lines[signal], f'name="{name}" ({KINDS[signal]})'))
             for signal, name in _SGLANG_NAMES.items()}
    return MetricTable(
        engine="sglang", version=version,
        path=Fact("/metrics", _sglang(version, "sglang/srt/utils/common.py", metrics_route,
                                      'add_prometheus_middleware: metrics_route = Mount("/metrics", make_asgi_app('
                                      "registry=registry)), only `if get_observability().enable_metrics`")),
        workers_export=Fact(True, _sglang(version, "sglang/srt/entrypoints/engine.py", dummy_server,
                                          "node_rank >= 1: launch_dummy_health_check_server(host, port, "
                                          "enable_metrics), which adds the same /metrics route on the serving port")),
        model_label=Fact("model_name", _sglang(version, collector, labels_line,
                                               '"model_name": get_serving().served_model_name')),
        metrics=_metrics(names),
    )


TABLES: Mapping[tuple[str, str], MetricTable] = {
    (table.engine, table.version): table
    for table in (
        _vllm_v1("0.33.0", {"running": 528, "waiting": 538, "kv_usage": 620, "prompt_tokens": 748,
                            "generation_tokens": 799, "requests": 809, "ttft": 931, "itl": 941, "e2e": 961},
                 labels_line=499, metrics_route=77, headless=69),
        _vllm_v1("0.30.0", {"running": 499, "waiting": 509, "kv_usage": 567, "prompt_tokens": 676,
                            "generation_tokens": 710, "requests": 720, "ttft": 812, "itl": 822, "e2e": 842},
                 labels_line=473, metrics_route=78, headless=67),
        _vllm_072(),
        _sglang_table("0.5.23", {"running": 365, "waiting": 371, "kv_usage": 405, "prompt_tokens": 1856,
                                 "generation_tokens": 1861, "requests": 1941, "ttft": 2041, "itl": 2051, "e2e": 2068},
                      labels_line=1383, metrics_route=2849, dummy_server=1281),
        _sglang_table("0.5.20", {"running": 280, "waiting": 286, "kv_usage": 320, "prompt_tokens": 1559,
                                 "generation_tokens": 1564, "requests": 1644, "ttft": 1744, "itl": 1754, "e2e": 1761},
                      labels_line=1131, metrics_route=2635, dummy_server=1178),
    )
}
"""(engine, version) -> what that version exports."""

DEFAULT_VERSIONS: Mapping[str, str] = {"vllm": "0.33.0", "sglang": "0.5.23", "vllm-ray": "0.7.2"}
"""The version of an engine this package does not define (yet); the engine's own `version` wins
(`pinned_versions`)."""


class UnknownEngineVersion(LookupError):
    pass


def table(engine: str, version: str) -> MetricTable:
    """The metric table of `engine` at `version`; a version without a table is an error naming those that have one."""
    found = TABLES.get((engine, version))
    if found is None:
        known = ", ".join(f"{e} {v}" for e, v in sorted(TABLES))
        raise UnknownEngineVersion(f"no metric table for {engine} {version} (tables: {known}); read the new "
                                   "version's metric names from its release and add a table to "
                                   "config/engines/metrics.py")
    return found


def pinned_versions() -> dict[str, str]:
    """engine name -> the version this project runs: each engine's `version` (`config.engines.ENGINES`), else
    `DEFAULT_VERSIONS`."""
    try:
        from . import ENGINES  # lazily: the engine modules import their flag tables
    except ImportError:
        ENGINES = {}
    return {**DEFAULT_VERSIONS, **{name: engine.version for name, engine in ENGINES.items()}}


def for_engine(engine: str) -> MetricTable:
    """The table of the version the project runs `engine` at."""
    return table(engine, pinned_versions().get(engine, ""))
