"""`python -m offline diff --base <folder or git ref> --stack prod`: render the stack as it is and as it was at the
base, and report what the change does (offline/diff.py) as a terminal table and, with `--markdown FILE`, as
Markdown for the pull request (offline/report.py).

The base is a plan folder (`build/plan` or `build/plan/<stack>`, holding graph.json), a project folder (holding
Pulumi.yaml: rendered there by its own code), or a git ref of the project (extracted with `git archive` into a
temporary folder and rendered there; no git state changes). A base without the stack file means nothing was
deployed: everything is created. Exit codes as for `plan`: 2 for a bad argument (e.g. a `--base` that is neither),
stack file or configuration, with one message and nothing written.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pulumi
from rich.console import Console
from rich.table import Table

import config

from . import engine, plan, report, stackfile
from .diff import Impact, compare

CONFIG_ERROR = 2


class BaseError(Exception):
    """The base cannot be read or rendered; the message names `--base`."""


def add_parser(commands, stack_name) -> None:
    parser = commands.add_parser("diff", help="what a change does to a stack: resources, groups, downtime, cost")
    parser.add_argument("--base", required=True, help="plan folder, project folder, or git ref to compare with")
    parser.add_argument("--stack", type=stack_name, default="dev", help="stack name: reads Pulumi.<stack>.yaml")
    parser.add_argument("--root", type=Path, default=engine.PROJECT_ROOT, help="folder holding the stack files")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="also write the impact and summary as Markdown")
    parser.add_argument("--github-output", type=Path, metavar="FILE",
                        help="append recreates_groups=<true|false> and touches_protected=<true|false> to FILE")


def _render_tree(tree: Path, stack: str, work: Path) -> dict | None:
    """Render `stack` with the project in `tree` by its own code; None when it has no such stack file."""
    if not (tree / f"Pulumi.{stack}.yaml").is_file():
        return None
    out = work / "plan"
    done = subprocess.run([sys.executable, "-m", "offline", "plan", "--stack", stack, "--out", str(out),
                           "--root", str(tree)], cwd=tree, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise BaseError(f"--base: the base's plan of stack {stack!r} failed: {last}")
    return json.loads((out / stack / "graph.json").read_text())


def _git_tree(root: Path, ref: str, work: Path) -> Path:
    found = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
                           capture_output=True, text=True, check=False)
    if found.returncode != 0:
        raise BaseError(f"--base: {ref!r} is neither a folder nor a git commit of {root}")
    tree = work / "base"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(root), "archive", found.stdout.strip()], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree


def base_graph(base: str, stack: str, root: Path, work: Path) -> dict | None:
    """The base's graph.json of `stack` (None: the base has no such stack)."""
    folder = Path(base)
    if folder.is_dir():
        for candidate in (folder / "graph.json", folder / stack / "graph.json"):
            if candidate.is_file():
                return json.loads(candidate.read_text())
        if (folder / "Pulumi.yaml").is_file():
            return _render_tree(folder, stack, work)
        raise BaseError(f"--base: {base} holds no graph.json, {stack}/graph.json or Pulumi.yaml")
    return _render_tree(_git_tree(root, base, work), stack, work)


def head(stack_name: str, root: Path) -> tuple[config.StackConfig, object, dict]:
    raw, secret_keys = stackfile.read(root, stack_name)
    stack = config.load(raw, secret_keys, stack_name)
    run = engine.run(stack_name, raw, secret_keys)
    return stack, run, json.loads(json.dumps(plan.graph(run)))


def table(impact: Impact) -> Table:
    """Per resource: action, type, name, kept (protected/retained), the paths that force or make the change."""
    found = Table(title=f"Change impact of stack {impact.stack} against {impact.base}")
    for header in ("action", "kind", "kept"):
        found.add_column(header, no_wrap=True)
    found.add_column("name", overflow="fold", ratio=1)
    found.add_column("paths", overflow="fold", ratio=1)
    for change in impact.changes:
        kept = " ".join(word for word, on in (("protected", change.protected), ("retained", change.retained)) if on)
        found.add_row(change.action + (" (delete first)" if change.delete_first else ""), change.type.rsplit(":")[-1],
                      kept, change.name, ", ".join((change.forced_by or change.paths)[:3]))
    return found


def run(args: argparse.Namespace, out: Console, errors: Console) -> int:
    with tempfile.TemporaryDirectory(prefix="deepseek-acs-diff-") as work:
        try:
            stack, rendered, graph = head(args.stack, args.root)
            base = base_graph(args.base, args.stack, args.root, Path(work))
        except (stackfile.StackFileError, config.ConfigError, pulumi.RunError, BaseError) as error:
            errors.print(f"error: {error}", markup=False)
            return CONFIG_ERROR
    impact = compare(base, graph, stack, args.base, stack.environment == "prod")
    out.print(table(impact))
    out.print("\n".join(report.headline(impact) + report.groups_section(impact)), markup=False)
    if args.markdown is not None:
        args.markdown.write_text(report.impact_markdown(impact) + "\n" + report.summary_markdown(rendered, stack))
    if args.github_output is not None:
        with args.github_output.open("a", encoding="utf-8") as lines:
            lines.write(f"recreates_groups={str(impact.recreates_groups).lower()}\n"
                        f"touches_protected={str(bool(impact.touched_kept)).lower()}\n")
    return 0
