"""`python -m offline plan --stack dev`: render a stack offline (what `make plan` runs).

Exit codes: 0 rendered; 2 the command line, the stack file or its configuration is invalid (one readable
message naming every problem, nothing written); 1 anything else (a bug: the traceback is printed).
"""

import argparse
import sys
from pathlib import Path

import pulumi
from rich.console import Console

import config
from config.platform.pulumi import STACK_NAME

from . import compare, engine, plan, stackfile, waits

CONFIG_ERROR = 2


def stack_name(value: str) -> str:
    """argparse type: a stack name Pulumi accepts (it also names the stack file, so nothing else is read)."""
    if not STACK_NAME.value.match(value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a Pulumi stack name: 1-100 letters, digits, '-', '_' or '.' ({STACK_NAME.source.url})"
        )
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m offline", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    render = commands.add_parser("plan", help="run the program under mocks and write build/plan/<stack>/")
    which = render.add_mutually_exclusive_group()
    which.add_argument("--stack", type=stack_name, default="dev",
                       help="stack name: reads Pulumi.<stack>.yaml (default: dev)")
    which.add_argument("--all", action="store_true", help="every Pulumi.<stack>.yaml of --root")
    render.add_argument("--out", type=Path, default=engine.PROJECT_ROOT / "build" / "plan", help="output folder")
    render.add_argument("--root", type=Path, default=engine.PROJECT_ROOT, help="folder holding the stack files")
    waits.add_parser(commands, stack_name)
    compare.add_parser(commands, stack_name)
    args = parser.parse_args(argv)
    if args.command == "waits":
        return waits.run(args, sys.stdout, sys.stderr)
    if args.command == "diff":
        return compare.run(args, Console(highlight=False, emoji=False, width=plan.WIDTH),
                           Console(stderr=True, highlight=False, emoji=False, soft_wrap=True))

    stacks = stackfile.available_stacks(args.root) if args.all else [args.stack]
    return max((render_stack(name, args.root, args.out) for name in stacks), default=0)


def render_stack(name: str, root: Path, out: Path) -> int:
    errors = Console(stderr=True, highlight=False, emoji=False, soft_wrap=True)
    try:
        raw, secret_keys = stackfile.read(root, name)
        stack = config.load(raw, secret_keys, name)
        run = engine.run(name, raw, secret_keys)
    except (stackfile.StackFileError, config.ConfigError, pulumi.RunError) as error:
        errors.print(f"error: {error}", markup=False)
        return CONFIG_ERROR
    target = plan.write(run, out)
    plan.print_summary(run, stack, target, Console(highlight=False, emoji=False, width=plan.WIDTH))
    return 0


if __name__ == "__main__":
    sys.exit(main())
