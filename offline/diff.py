"""What a change between two plans of a stack does: per resource created, updated in place, replaced or deleted;
whether the LeaderWorkerSet recreates its groups, with the downtime, GPU-hours and cost that takes; and whether a
protected or retained resource is touched.

Replacement follows the providers (config/platform/providers.py): pulumi-kubernetes' force-new paths per kind
(metadata.name and .namespace for every kind), pulumi-alicloud's ForceNew inputs, and each resource's recorded
`replace_on_changes` and `ignore_changes` options. A replaced Kubernetes object that keeps its explicit name is
deleted before its successor exists (as is any resource with `delete_before_replace`). The LWS controller
recreates every group when the hash of its leader and worker templates changes, one rollout batch at a time
(maxUnavailable 1, maxSurge 0 by default). Only input paths are compared and reported, never values, so no secret
reaches a report.
"""

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from config import costs
from config.estimates import Span, cold_start
from config.platform.providers import (ALICLOUD_FORCE_NEW, KUBERNETES_DELETE_FIRST, KUBERNETES_FORCE_NEW,
                                      LWS_ROLLOUT_DEFAULTS)
from config.timeouts import rollout_batches

LWS = "kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet"
ACTIONS = ("create", "replace", "update", "delete")


@dataclass(frozen=True)
class Change:
    """One resource whose plan differs."""

    urn: str
    type: str
    name: str
    action: str
    paths: tuple[str, ...] = ()
    """Changed input paths (options as `options.<name>`)."""
    forced_by: tuple[str, ...] = ()
    """The paths that make it a replacement."""
    delete_first: bool = False
    protected: bool = False
    retained: bool = False

    @property
    def touches_kept(self) -> bool:
        """A protected or retained resource that is changed, replaced or deleted."""
        return self.protected or self.retained


@dataclass(frozen=True)
class Groups:
    """What the change does to the LeaderWorkerSet's groups."""

    recreated: int
    """Groups the change recreates (all of them when the pod template changes)."""
    added: int
    removed: int
    batches: int
    outage: Span | None
    """Time with no group serving (the only group, or every group, restarting), or None."""
    transition: Span
    """Time until every recreated or added group serves again."""
    gpu_hours: Span
    """GPU-hours billed by recreated and added groups while they start."""
    cost: Span | None
    why: str


@dataclass(frozen=True)
class Impact:
    stack: str
    base: str
    changes: tuple[Change, ...]
    groups: Groups | None
    template_hash: str | None
    acknowledged: str | None
    prod: bool
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def touched_kept(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.touches_kept and change.action != "create")

    @property
    def recreates_groups(self) -> bool:
        return self.groups is not None and self.groups.recreated > 0


def pod_template_hash(lws_inputs: dict) -> str:
    """16 hex digits over the leader and worker templates (what LWS hashes): the value `acknowledge.pod_template`
    names. policy/rules.py keeps its own copy (the pack runs standalone); a test keeps the two equal."""
    template = (lws_inputs.get("spec") or {}).get("leaderWorkerTemplate") or {}
    parts = [template.get("leaderTemplate") or {}, template.get("workerTemplate") or {}]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:16]


def changed_paths(old: Any, new: Any, prefix: str = "") -> list[str]:
    """Dotted paths of every leaf that differs (list items by index)."""
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in sorted(set(old) | set(new), key=str):
            found.extend(changed_paths(old.get(key), new.get(key), f"{prefix}{key}."))
        return found
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [path for index, (a, b) in enumerate(zip(old, new)) for path in changed_paths(a, b, f"{prefix}{index}.")]
    return [] if old == new else [prefix.rstrip(".")]


def _matches(path: str, pattern: str, within: bool = False) -> bool:
    """`path` lies under `pattern` or (unless `within`) contains it; `*` matches any one segment."""
    if pattern == "*":
        return True
    segments, wanted = path.split("."), pattern.replace('["', ".").replace('"]', "").split(".")
    if within and len(segments) < len(wanted):
        return False
    return all(w in ("*", s) for s, w in zip(segments, wanted))


def _force_new(typ: str) -> tuple[str, ...]:
    if typ.startswith("kubernetes:"):
        table = KUBERNETES_FORCE_NEW.value
        return table["*"] + table.get(typ.rsplit(":", 1)[-1], ())
    return ALICLOUD_FORCE_NEW.value.get(typ, ())


def _delete_first(old: dict, new: dict) -> bool:
    if new["options"].get("delete_before_replace"):
        return True
    if not new["type"].startswith("kubernetes:") or not KUBERNETES_DELETE_FIRST.value:
        return False
    before, after = old["inputs"].get("metadata") or {}, new["inputs"].get("metadata") or {}
    return "name" in after and (before.get("name"), before.get("namespace")) == (after.get("name"), after.get("namespace"))


def _kept(old: dict | None, new: dict | None, option: str) -> bool:
    return any((entry or {}).get("options", {}).get(option) for entry in (old, new))


def classify(old: dict | None, new: dict | None) -> Change | None:
    """The change from resource `old` to `new` (graph.json entries; None = absent), or None when equal."""
    node = new or old
    kept = {"protected": _kept(old, new, "protect"), "retained": _kept(old, new, "retain_on_delete")}
    if old is None or new is None:
        return Change(node["urn"], node["type"], node["name"], "create" if old is None else "delete", **kept)
    ignored = new["options"].get("ignore_changes") or []
    paths = [p for p in changed_paths(old["inputs"], new["inputs"]) if not any(_matches(p, i, within=True) for i in ignored)]
    paths += [f"options.{p}" for p in changed_paths(old["options"], new["options"])]
    if not paths:
        return None
    patterns = _force_new(new["type"]) + tuple(new["options"].get("replace_on_changes") or ())
    forced = tuple(p for p in paths if not p.startswith("options.") and any(_matches(p, f) for f in patterns))
    return Change(node["urn"], node["type"], node["name"], "replace" if forced else "update", tuple(paths), forced,
                  bool(forced) and _delete_first(old, new), **kept)


def _identity(entry: dict) -> tuple:
    """What makes the groups the same: the pod templates (LWS's hash), the group size, the object's name."""
    spec, metadata = entry["inputs"].get("spec") or {}, entry["inputs"].get("metadata") or {}
    return (pod_template_hash(entry["inputs"]), (spec.get("leaderWorkerTemplate") or {}).get("size"),
            metadata.get("name"), metadata.get("namespace"))


def _groups(old: dict | None, new: dict | None, stack) -> Groups | None:
    """The groups' fate, from the LWS entries of both plans and the head stack's estimate and prices."""
    if new is None:
        return None
    start = cold_start(stack).group
    replicas = (new["inputs"].get("spec") or {}).get("replicas", 1)
    before = 0 if old is None else (old["inputs"].get("spec") or {}).get("replicas", 1)
    recreated = 0 if old is None or _identity(old) == _identity(new) else min(before, replicas)
    added, removed = max(0, replicas - before), max(0, before - replicas)
    why = ("pod template changed: every group is recreated" if recreated else
           "new LeaderWorkerSet: every group starts" if old is None else "no pod-template change: groups keep running")
    batches = rollout_batches(stack) if recreated else 0
    starting, per_hour = recreated + added, costs.gpu_pods(stack).per_hour
    return Groups(
        recreated, added, removed, batches,
        outage=start if recreated and replicas <= LWS_ROLLOUT_DEFAULTS.value["maxUnavailable"] else None,
        transition=start.times(batches or (1 if added else 0)),
        gpu_hours=start.times(starting * stack.serving.total_gpus / 3600),
        cost=None if per_hour is None else start.times(starting * per_hour / stack.serving.replicas / 3600),
        why=why)


def compare(base: dict | None, head: dict, stack, base_label: str, prod: bool) -> Impact:
    """The impact of going from plan `base` (graph.json, None = nothing deployed) to plan `head` of `stack`."""
    before = {r["urn"]: r for r in (base or {}).get("resources", []) if r["custom"]}
    after = {r["urn"]: r for r in head["resources"] if r["custom"]}
    changes = tuple(change for urn in sorted(set(before) | set(after))
                    if (change := classify(before.get(urn), after.get(urn))) is not None)
    lws_before = next((r for r in before.values() if r["type"] == LWS), None)
    lws_after = next((r for r in after.values() if r["type"] == LWS), None)
    counts = {action: sum(1 for c in changes if c.action == action) for action in ACTIONS}
    counts["unchanged"] = len(set(before) & set(after)) - counts["update"] - counts["replace"]
    return Impact(head["stack"], base_label, changes, _groups(lws_before, lws_after, stack),
                  pod_template_hash(lws_after["inputs"]) if lws_after else None, stack.acknowledge.pod_template, prod,
                  counts)
