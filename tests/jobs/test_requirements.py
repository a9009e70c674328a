"""The Jobs' pinned dependencies are the ones their tests run against."""

import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]


def pins(lines) -> dict[str, str]:
    requirements = [Requirement(line) for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return {requirement.name: str(requirement.specifier) for requirement in requirements}


def test_every_job_dependency_is_pinned_exactly_and_tested_at_that_version():
    jobs = pins((ROOT / "jobs" / "requirements.txt").read_text().splitlines())
    test_extra = pins(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["test"])
    assert jobs and all(specifier.startswith("==") for specifier in jobs.values())
    assert {name: test_extra.get(name) for name in jobs} == jobs
    assert {name: "==" + version(name) for name in jobs} == jobs
