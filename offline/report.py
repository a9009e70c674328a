"""Markdown of a change's impact and of a stack's summary: what the pull-request workflow posts for each stack.
Deterministic: the same plans give the same bytes (tests/offline/snapshots holds one)."""

from . import summary
from .diff import Impact
from .summary import minutes, usd

MARKER = "<!-- deepseek-acs:impact:{stack} -->"
"""First line of a stack's pull-request comment: how the workflow finds it again to edit it."""


def _table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    return lines + ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]


def headline(impact: Impact) -> list[str]:
    flags = []
    if impact.recreates_groups:
        flags.append(f"**Recreates {impact.groups.recreated} serving group(s)**" +
                     (" in prod" if impact.prod else ""))
    if impact.touched_kept:
        flags.append(f"**Touches {len(impact.touched_kept)} protected or retained resource(s)**")
    counts = ", ".join(f"{impact.counts[action]} {label}" for action, label in (
        ("create", "to create"), ("update", "to update in place"), ("replace", "to replace"), ("delete", "to delete")))
    return [" · ".join(flags) if flags else "No serving group is recreated; nothing protected is touched.", "",
            f"Against `{impact.base}`: {counts} ({impact.counts['unchanged']} unchanged)."]


def groups_section(impact: Impact) -> list[str]:
    groups = impact.groups
    if groups is None:
        return []
    rows = [("what happens", groups.why),
            ("groups recreated / added / removed", f"{groups.recreated} / {groups.added} / {groups.removed}"),
            ("rollout batches", str(groups.batches)),
            ("downtime (no group serving), min", "none" if groups.outage is None else "/".join(minutes(groups.outage))),
            ("until all serve again, min", "/".join(minutes(groups.transition))),
            ("GPU-hours while starting", "/".join(f"{v:.1f}" for v in (groups.gpu_hours.best, groups.gpu_hours.expected,
                                                                       groups.gpu_hours.worst))),
            ("cost of the transition, USD", summary.NOT_SET if groups.cost is None else
             "/".join(usd(v) for v in (groups.cost.best, groups.cost.expected, groups.cost.worst)))]
    if impact.recreates_groups and impact.prod:
        state = "acknowledged" if impact.acknowledged == impact.template_hash else "**not acknowledged**"
        rows.append(("acknowledgement", f"{state}: `acknowledge.pod_template: {impact.template_hash}`"))
    return ["", "#### LeaderWorkerSet (best/expected/worst)", "", *_table(("", ""), rows)]


def _changes(impact: Impact) -> list[str]:
    rows = [(change.action + (" (delete first)" if change.delete_first else ""),
             f"`{change.type}`", f"`{change.name}`",
             ("protected" if change.protected else "") + (" retained" if change.retained else ""),
             ", ".join(f"`{p}`" for p in (change.forced_by or change.paths)[:3]) +
             (" …" if len(change.forced_by or change.paths) > 3 else ""))
            for change in impact.changes]
    return ["", "#### Resources", "", *_table(("action", "type", "name", "kept", "paths"), rows)] if rows else []


def impact_markdown(impact: Impact) -> str:
    """The change impact of one stack."""
    lines = [MARKER.format(stack=impact.stack), f"### Stack `{impact.stack}`: change impact", "",
             *headline(impact), *groups_section(impact), *_changes(impact)]
    return "\n".join(lines) + "\n"


def summary_markdown(run, stack) -> str:
    """The plan summary's deployment, cold-start, timeout and cost tables."""
    lines = ["#### Deployment", "", *_table(("what", "value"), summary.deployment_rows(run, stack)),
             "", "#### Cold start, minutes", "",
             *_table(("phase", "best", "expected", "worst", "basis"), summary.cold_start_rows(stack)),
             "", "#### Timeouts, minutes", "", *_table(("wait", "set", "worst x margin"), summary.timeout_rows(stack)),
             "", "#### Cost, USD", "", *_table(("line", "per hour"), summary.cost_rows(stack))]
    return "\n".join(lines) + "\n"
