"""The real `promtool` (Debian's `prometheus` package), found or explained.

`make test` fetches it into .tools/ first (Makefile target `promtool`). A run without it fails with the
install hint instead of skipping: an alert rule nobody evaluated must not pass CI.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCAL = ROOT / ".tools" / "usr" / "bin" / "promtool"
HINT = ("promtool not found: run `make promtool` (unpacks Debian's `prometheus` package into .tools/, no root "
        "needed), or `sudo apt-get install prometheus`, or set PROMTOOL=/path/to/promtool")


def find() -> str:
    configured = os.environ.get("PROMTOOL")
    candidates = [Path(configured) if configured else None, LOCAL]
    for candidate in candidates:
        if candidate is not None:
            path = candidate if candidate.is_absolute() else ROOT / candidate
            if path.exists():
                return str(path)
    on_path = shutil.which("promtool")
    if on_path is None:
        pytest.fail(HINT, pytrace=False)
    return on_path


def test_rules(files: list[Path], cwd: Path, processes: int = 2) -> subprocess.CompletedProcess:
    """`promtool test rules <files>` in `cwd` (rule files are named relative to their test file), the files split
    over `processes` concurrent invocations (promtool tests one file at a time); one combined result."""
    binary = find()
    shares = [files[i::processes] for i in range(processes) if files[i::processes]]
    running = [subprocess.Popen([binary, "test", "rules", *map(str, share)], cwd=cwd, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE) for share in shares]
    outputs = [process.communicate(timeout=60) for process in running]
    return subprocess.CompletedProcess(
        args=[binary, "test", "rules", *map(str, files)],
        returncode=max(process.returncode for process in running),
        stdout="".join(out for out, _ in outputs), stderr="".join(err for _, err in outputs),
    )
