"""Write a run as a plan: graph.json, one YAML file per Kubernetes object, and a human summary."""

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from config import Sizing, StackConfig, gib

from . import summary
from .engine import Node, Run

# Kubernetes resources that are not objects in the cluster: the provider, and a Helm release (rendered by Helm).
NOT_MANIFESTS = ("pulumi:providers:kubernetes", "kubernetes:helm.sh/v3:Release")
TOP_LEVEL_ORDER = ("apiVersion", "kind", "metadata")
WIDTH = 100
"""Columns of the summary: a 100-column terminal and CI logs (rich takes 80 where stdout is no terminal)."""


def is_manifest(node: Node) -> bool:
    return node.type.startswith("kubernetes:") and node.type not in NOT_MANIFESTS


def manifest_filename(body: dict) -> str:
    metadata = body["metadata"]
    return f"{body['kind']}-{metadata.get('namespace') or 'cluster'}-{metadata['name']}.yaml".lower()


def manifest(node: Node) -> dict:
    """The object as it would be applied: apiVersion, kind, metadata first, every mapping sorted."""
    order = [key for key in TOP_LEVEL_ORDER if key in node.inputs] + sorted(set(node.inputs) - set(TOP_LEVEL_ORDER))
    return {key: _sorted(node.inputs[key]) for key in order}


def pod_templates(body: dict) -> list[dict]:
    """A LeaderWorkerSet's leader and worker templates as Pods, for scanners that do not know the kind."""
    if body["kind"] != "LeaderWorkerSet":
        return []
    metadata = body["metadata"]
    templates = body["spec"]["leaderWorkerTemplate"]
    return [
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {**templates[role]["metadata"], "name": f"{metadata['name']}-{role.removesuffix('Template')}",
                         "namespace": metadata["namespace"]},
            "spec": templates[role]["spec"],
        }
        for role in ("leaderTemplate", "workerTemplate")
    ]


def graph(run: Run) -> dict:
    return {
        "stack": run.stack,
        "resources": [
            {
                "urn": node.urn,
                "type": node.type,
                "name": node.name,
                "custom": node.custom,
                "parent": node.parent,
                "provider": node.provider,
                "dependencies": node.dependencies,
                "property_dependencies": node.property_dependencies,
                "options": node.options,
                "inputs": node.inputs,
            }
            for node in run.nodes
        ],
        "outputs": run.outputs,
    }


def write(run: Run, out_dir: Path) -> Path:
    """Write the plan to out_dir/<stack>/ atomically: a failed run never leaves a half-written plan."""
    target = out_dir / run.stack
    staging = out_dir / f".{run.stack}.staging"
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "manifests").mkdir(parents=True)
    (staging / "pod-templates").mkdir()
    (staging / "graph.json").write_text(json.dumps(graph(run), indent=2, sort_keys=True) + "\n")
    for node in filter(is_manifest, run.nodes):
        body = manifest(node)
        (staging / "manifests" / manifest_filename(body)).write_text(yaml.safe_dump(body, sort_keys=False))
        for pod in pod_templates(body):
            (staging / "pod-templates" / manifest_filename(pod)).write_text(yaml.safe_dump(pod, sort_keys=False))
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def print_summary(run: Run, stack: StackConfig, target: Path, console: Console) -> None:
    console.print(_tree(run))
    counts = Table(title="Resources by type")
    counts.add_column("type")
    counts.add_column("count", justify="right")
    for typ, count in sorted(Counter(node.type for node in run.nodes if node.custom).items()):
        counts.add_row(typ, str(count))
    console.print(counts)
    console.print(_sizing_table(Sizing.of(stack), stack))
    console.print(*summary.tables(run, stack))
    console.print(f"Plan written to {target}/ (graph.json, manifests/, pod-templates/)")


def _tree(run: Run) -> Tree:
    """Resources under their parents; components first, then resources by name."""
    children: dict[str, list[Node]] = {}
    for node in run.nodes:
        children.setdefault(node.parent, []).append(node)
    recorded = {node.urn for node in run.nodes}
    tree = Tree(f"stack [bold]{run.stack}[/bold]")

    def grow(branch: Tree, parent: str) -> None:
        for node in sorted(children.get(parent, []), key=lambda n: (n.custom, n.type, n.name)):
            grow(branch.add(f"{node.name} [dim]({node.type})[/dim]"), node.urn)

    for root in sorted(set(children) - recorded):
        grow(tree, root)
    return tree


def _sizing_table(sizing: Sizing, stack: StackConfig) -> Table:
    table = Table(title="Sizing")
    table.add_column("check")
    table.add_column("value", justify="right")
    table.add_column("limit", justify="right")
    serving = stack.serving
    table.add_row(
        "GPUs (groups x pods x GPUs)",
        f"{serving.replicas} x {serving.pods_per_group} x {serving.gpus_per_pod} = {sizing.total_gpus}",
        f"TP {serving.tensor_parallel} x PP {serving.pipeline_parallel} per group",
    )
    table.add_row(
        "weights per GPU vs usable GPU memory",
        f"{gib(sizing.weights_per_gpu_bytes):.1f} GiB",
        f"of {gib(sizing.usable_gpu_bytes):.1f} GiB usable",
    )
    if stack.uses_fluid:
        table.add_row(
            "cache capacity vs bytes to cache",
            f"{gib(sizing.cache_needed_bytes):.1f} GiB",
            f"{gib(sizing.cache_capacity_bytes):.1f} GiB",
        )
    return table


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value
