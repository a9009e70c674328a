"""The plan summary's deployment, cold-start, timeout and cost rows: plain text cells, shared by the terminal
tables of `make plan` (offline/plan.py) and the Markdown of pull requests (offline/report.py)."""

from rich.table import Table

from config import capacity, costs, timeouts
from config.estimates import Span, cold_start, image_key
from config.platform.prices import TABLE_DATE

from .diff import LWS, pod_template_hash

NOT_SET = "not set"


def minutes(span: Span) -> tuple[str, str, str]:
    return tuple(f"{value / 60:.1f}" for value in (span.best, span.expected, span.worst))


def usd(value: float | None) -> str:
    return NOT_SET if value is None else f"{value:,.3f}"


def deployment_rows(run, stack) -> list[tuple[str, str]]:
    """(what, value): model and revision, engine and image, layout, context and concurrency, pod template."""
    serving, model = stack.serving, stack.model
    revision = model.import_.revision if model.import_.enabled else "as in the bucket"
    found = capacity.of(stack)
    concurrency = (f"{found.tokens:,} KV tokens per replica = {found.concurrency:.2f} x {serving.max_model_len:,}"
                   if found is not None else "no architecture facts for this model")
    rows = [("model", f"{model.catalog or model.path} @ {revision}"),
            ("engine", f"{serving.engine_spec.label}, {image_key(stack.serving_image)}"),
            ("layout", f"{serving.replicas} x {serving.pods_per_group} pods x {serving.gpus_per_pod} "
                       f"{serving.gpu_model_series}, TP {serving.tensor_parallel} x PP {serving.pipeline_parallel}"),
            ("context", f"{serving.max_model_len:,} tokens"), ("concurrency", concurrency)]
    lws = [node for node in run.nodes if node.type == LWS]
    if lws:
        current, acknowledged = pod_template_hash(lws[0].inputs), stack.acknowledge.pod_template
        status = "acknowledged" if current == acknowledged else (
            "NOT acknowledged: set acknowledge.pod_template" if stack.environment == "prod" else "no ack needed")
        rows.append(("pod template", f"{current} ({status})"))
    return rows


def cold_start_rows(stack) -> list[tuple[str, str, str, str, str]]:
    """(phase, best, expected, worst minutes, basis), then a group's whole start."""
    estimate = cold_start(stack)
    rows = [(phase.name, *minutes(phase.span), phase.basis) for phase in estimate.phases]
    rows.append(("group start", *minutes(estimate.group), "pull + read + engine start"))
    return rows


def timeout_rows(stack) -> list[tuple[str, str, str]]:
    """(field, effective minutes, the worst case x margin it must cover)."""
    return [(item.field, str(timeouts.value(stack, item.field)), str(item.minutes)) for item in timeouts.required(stack)]


def cost_rows(stack) -> list[tuple[str, str]]:
    """(line, USD) for running, parked, one cold start and monthly storage, then each price not set."""
    rows = [(line.what, usd(line.per_hour)) for line in costs.running(stack)]
    for label, lines in (("running, per hour", costs.running(stack)),
                         ("parked (no GPU pods), per hour", costs.parked(stack))):
        total = costs.total(lines)
        rows.append((label, f">= {usd(total.per_hour)} (prices not set)" if total.missing else usd(total.per_hour)))
    start = costs.cold_start_cost(stack)
    rows.append(("one cold start, best/expected/worst",
                 "/".join(usd(v) for v in (start.best, start.expected, start.worst)) if start else NOT_SET))
    rows.append(("OSS storage, per month", usd(costs.storage_month(stack))))
    rows.extend((f"{NOT_SET}: {name}", "no public price: the user's") for name in costs.total(costs.running(stack)).missing)
    rows.append(("prices as of", f"{TABLE_DATE.value.isoformat()}, {stack.prices.currency}"))
    return rows


def tables(run, stack) -> list[Table]:
    """The summary's tables for a terminal of 100 columns: no cell wraps."""
    return [
        _table("Deployment", ("what", "value"), deployment_rows(run, stack)),
        _table("Cold start, minutes", ("phase", "best", "expected", "worst", "basis"), cold_start_rows(stack)),
        _table("Timeouts, minutes", ("wait", "set", "worst x margin"), timeout_rows(stack)),
        _table("Cost, USD", ("line", "per hour"), cost_rows(stack)),
    ]


def _table(title: str, headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> Table:
    table = Table(title=title)
    for index, header in enumerate(headers):
        table.add_column(header, no_wrap=True, justify="left" if index in (0, len(headers) - 1) else "right")
    for row in rows:
        table.add_row(*row)
    return table
