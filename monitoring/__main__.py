"""`python -m monitoring dashboards`: rewrite monitoring/dashboards/<engine>.json after an intended change."""

import sys

from .dashboard import write_snapshots


def main(argv: list[str]) -> int:
    if argv != ["dashboards"]:
        print("usage: python -m monitoring dashboards", file=sys.stderr)
        return 2
    for path in write_snapshots():
        print(f"wrote {path.relative_to(path.parents[2])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
