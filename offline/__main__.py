"""`python -m offline plan --stack dev`: render a stack offline (what `make plan` runs).

Exit codes: 0 rendered; 2 the stack file or its configuration is invalid (one readable message, no plan).
"""

import argparse
import sys
from pathlib import Path

import pulumi
from rich.console import Console

import config

from . import engine, plan, stackfile


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m offline", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    render = commands.add_parser("plan", help="run the program under mocks and write build/plan/<stack>/")
    render.add_argument("--stack", default="dev", help="stack name: reads Pulumi.<stack>.yaml (default: dev)")
    render.add_argument("--out", type=Path, default=engine.PROJECT_ROOT / "build" / "plan", help="output folder")
    render.add_argument("--root", type=Path, default=engine.PROJECT_ROOT, help="folder holding the stack files")
    args = parser.parse_args(argv)

    errors = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        raw, secret_keys = stackfile.read(args.root, args.stack)
        stack = config.load(raw, secret_keys, args.stack)
        run = engine.run(args.stack, raw, secret_keys)
    except (stackfile.StackFileError, config.ConfigError, pulumi.RunError) as error:
        errors.print(f"error: {error}", markup=False)
        return 2
    target = plan.write(run, args.out)
    plan.print_summary(run, stack, target, Console(highlight=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
