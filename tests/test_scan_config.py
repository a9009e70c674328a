"""The security scan's configuration: every skipped check carries its reason, nothing else is skipped."""

import re

import yaml

from offline import engine

CONFIG = engine.PROJECT_ROOT / ".checkov.yaml"


def test_every_skip_has_a_one_line_reason():
    lines = [line for line in CONFIG.read_text().splitlines() if re.match(r"\s*-\s*CKV", line)]
    assert lines
    for line in lines:
        check, _, reason = line.partition("#")
        assert re.fullmatch(r"\s*-\s*CKV2?_K8S_\d+\s*", check), line
        assert len(reason.strip()) > 20, f"no reason given: {line}"


def test_the_scan_covers_kubernetes_and_stays_offline():
    config = yaml.safe_load(CONFIG.read_text())
    assert config["framework"] == ["kubernetes"] and config["skip-download"] is True
    assert set(config) <= {"framework", "skip-download", "compact", "quiet", "skip-check"}
