"""Run a launch script for real, with stand-in executables first on PATH sharing a state folder."""

import subprocess
from collections.abc import Mapping
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[3] / "components" / "engines"


class Sandbox:
    def __init__(self, root: Path, script: str, standins: Mapping[str, str], env: Mapping[str, str] | None = None):
        self.script, self.env = SCRIPTS / script, dict(env or {})
        self.bin, self.state = root / "bin", root / "state"
        self.bin.mkdir()
        self.state.mkdir()
        for name, text in standins.items():
            (self.bin / name).write_text(text)
            (self.bin / name).chmod(0o755)

    def run(self, args: list[str], **env: str) -> subprocess.CompletedProcess:
        environment = {"PATH": f"{self.bin}:/usr/bin:/bin", "STATE": str(self.state), "RETRY_INTERVAL_SECONDS": "0",
                       **self.env, **env}
        return subprocess.run(["/bin/sh", str(self.script), *args], env=environment, capture_output=True, text=True,
                              timeout=30, check=False)

    def read(self, name: str) -> str | None:
        path = self.state / name
        return path.read_text() if path.exists() else None

    def write(self, name: str, text: str) -> None:
        (self.state / name).write_text(text)
