"""`python -m offline waits --stack prod`: how long one `pulumi up` of a stack may take, and where it can run.

GitHub decides a job's `runs-on` and `timeout-minutes` before the job starts, so `deploy.yml` and `teardown.yml`
run this first, in a short job that reads the same stack file as the deployment and sums its waits with the same
function the stack's own checks use for the kubeconfig lifetime (`config.waits.total_minutes`). A wait changed
in a stack file changes the job's timeout with it: no workflow is killed in the middle of `pulumi up` by a
timeout shorter than the waits that run starts. The runner follows from the same numbers: a GitHub-hosted one
while the run fits the 6 hours such a job may last, otherwise (and always for a private API server, which only
answers inside the VPC) the self-hosted runner labelled SELF_HOSTED_RUNNER.

Output: the waits as a Markdown table on stdout (the workflows append it to the job summary) and, with
`--github-output FILE`, the lines `runs-on=<JSON>` and `timeout-minutes=<N>` appended to FILE. Exit codes as
for `plan`: 2 for an invalid stack name, stack file or configuration.
"""

import argparse
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import config
from config.platform import Fact, Source
from config.waits import total_minutes, waits

from . import engine, stackfile

CONFIG_ERROR = 2
_READ = date(2026, 12, 1)

HOSTED_JOB_MINUTES = Fact(
    360,
    Source("https://docs.github.com/actions/learn-github-actions/usage-limits-billing-and-administration", _READ,
           "Usage limits (GitHub-hosted runners): \"Job execution time - Each job in a workflow can run for up to 6 "
           "hours of execution time. If a job reaches this limit, the job is terminated and fails to complete.\""),
)
SELF_HOSTED_JOB_MINUTES = Fact(
    5 * 24 * 60,
    Source("https://docs.github.com/en/enterprise-server@3.14/actions/reference/usage-limits-for-self-hosted-runners",
           _READ,
           "\"Job execution time - Each job in a workflow can run for up to 5 days of execution time. If a job reaches "
           "this limit, the job is terminated and fails to complete.\" (the same text on the github.com edition, "
           "docs.github.com/<lang>/actions/hosting-your-own-runners/managing-self-hosted-runners/"
           "usage-limits-for-self-hosted-runners)"),
)

MARGIN_MINUTES = 30
"""Time a deploy job spends outside the awaited steps: checkout, Python and dependencies, `make test`, the offline
plan, and the steps of `pulumi up` that no timeout bounds (VPC, NAT, EIP, RAM, Secrets, ConfigMaps)."""

HOSTED_RUNNER = "ubuntu-24.04"
SELF_HOSTED_RUNNER = ("self-hosted", "linux", "x64", "deepseek-acs")
"""The labels of the runner for long or private deployments: register one with the extra label `deepseek-acs`
(README, "Long deployments and the self-hosted runner")."""


class NoRunnerCanWait(Exception):
    """The stack's waits are longer than any GitHub job may run."""


@dataclass(frozen=True)
class Deployer:
    """Where a stack's deploy job runs, and for how long GitHub lets it."""

    runs_on: str | tuple[str, ...]
    timeout_minutes: int
    why: str


def deployer_for(wait_minutes: int, private_api_server: bool) -> Deployer:
    """The runner and job timeout for a `pulumi up` that may wait `wait_minutes`."""
    timeout = wait_minutes + MARGIN_MINUTES
    hosted_limit, self_hosted_limit = HOSTED_JOB_MINUTES.value, SELF_HOSTED_JOB_MINUTES.value
    if timeout > self_hosted_limit:
        raise NoRunnerCanWait(
            f"a `pulumi up` that may wait {wait_minutes} min (+{MARGIN_MINUTES} min margin) is longer than any "
            f"GitHub job may run ({self_hosted_limit} min, {SELF_HOSTED_JOB_MINUTES.source.url}): shorten the waits")
    if private_api_server:
        return Deployer(SELF_HOSTED_RUNNER, timeout, "the API server has no public endpoint: `pulumi up` must run "
                        "inside the VPC")
    if timeout > hosted_limit:
        return Deployer(SELF_HOSTED_RUNNER, timeout, f"{timeout} min is longer than a GitHub-hosted job may run "
                        f"({hosted_limit} min, {HOSTED_JOB_MINUTES.source.url})")
    return Deployer(HOSTED_RUNNER, timeout, f"fits a GitHub-hosted job ({hosted_limit} min at most)")


def deployer(stack: config.StackConfig) -> Deployer:
    return deployer_for(total_minutes(stack), stack.cluster.api_server == "private")


def summary(name: str, stack: config.StackConfig, chosen: Deployer) -> str:
    """The waits, the job timeout and the runner as Markdown."""
    runner = chosen.runs_on if isinstance(chosen.runs_on, str) else ", ".join(chosen.runs_on)
    rows = [f"| {wait.what} | {wait.minutes} | `{wait.field}` |" for wait in waits(stack)]
    return "\n".join([
        f"### Waits of one `pulumi up` of stack `{name}` (config/waits.py)",
        "",
        "| step | minutes | set by |",
        "|---|---:|---|",
        *rows,
        f"| **all waits** | **{total_minutes(stack)}** | |",
        f"| margin | {MARGIN_MINUTES} | setup, tests, steps without a timeout |",
        f"| **job timeout** | **{chosen.timeout_minutes}** | |",
        "",
        f"Runner: `{runner}`: {chosen.why}.",
    ])


def add_parser(commands, stack_name) -> None:
    parser = commands.add_parser("waits", help="the waits of one `pulumi up` of a stack, its job timeout and runner")
    parser.add_argument("--stack", type=stack_name, default="dev", help="stack name: reads Pulumi.<stack>.yaml")
    parser.add_argument("--root", type=Path, default=engine.PROJECT_ROOT, help="folder holding the stack files")
    parser.add_argument("--github-output", type=Path, metavar="FILE",
                        help="also append runs-on=<JSON> and timeout-minutes=<N> to FILE ($GITHUB_OUTPUT)")


def run(args: argparse.Namespace, out, errors) -> int:
    try:
        raw, secret_keys = stackfile.read(args.root, args.stack)
        stack = config.load(raw, secret_keys, args.stack)
        chosen = deployer(stack)
    except (stackfile.StackFileError, config.ConfigError, NoRunnerCanWait) as error:
        print(f"error: {error}", file=errors)
        return CONFIG_ERROR
    print(summary(args.stack, stack, chosen), file=out)
    if args.github_output is not None:
        with args.github_output.open("a", encoding="utf-8") as lines:
            lines.write(f"runs-on={json.dumps(chosen.runs_on)}\ntimeout-minutes={chosen.timeout_minutes}\n")
    return 0
