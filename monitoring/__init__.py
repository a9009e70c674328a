"""Alert rules and the dashboard of the inference service, as code.

Both are built from one engine version's metric table (`config/engines/metrics.py`) and the platform's metrics
(`config/platform/observability.py`) through the queries in `promql`, so an alert and the panel that shows the same
thing read the same expression. `components/observability.py` deploys them; tests/observability runs the rules
through promtool and pins the dashboard's JSON (monitoring/dashboards/).
"""
