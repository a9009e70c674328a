"""`python -m offline.benchmark --stack prod`: how long `make plan STACK=<stack>` takes, warm: one untimed run
(byte-compiles, fills caches), then N timed runs; prints each and the median. A measurement, not a test."""

import argparse
import statistics
import subprocess
import sys
import time

from .engine import PROJECT_ROOT


def timed_run(stack: str) -> float:
    start = time.perf_counter()
    subprocess.run(["make", "--no-print-directory", "plan", f"STACK={stack}"], cwd=PROJECT_ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m offline.benchmark", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    timed_run(args.stack)
    times = [timed_run(args.stack) for _ in range(args.runs)]
    print("runs (s): " + " ".join(f"{t:.2f}" for t in times))
    print(f"median of {args.runs} warm runs of `make plan STACK={args.stack}`: {statistics.median(times):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
