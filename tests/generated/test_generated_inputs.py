"""Generated stack files, run through the real command line (`python -m offline plan`, in-process).

For every mutated stack file exactly one of two things happens: the plan renders and every object passes the
schema checks (tests/schemas.py) and the policy pack (policy/rules.py); or the command exits 2 with one message
that names a field path (or a line of the file) and no traceback, and writes nothing. Any other outcome, an
exception included, is a bug in the config layer; each one found is fixed there and kept in REGRESSIONS.

`HYPOTHESIS_PROFILE=long` (`make test-long`) runs many more examples, with a fresh seed each time.
"""

import contextlib
import functools
import io
import json
import os
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings

from config import names
from offline import engine
from offline.__main__ import main
from tests.generated.mutations import COMMITTED, StackFile, stack_files
from tests.policy.test_rules import violations
from tests.schemas import core_object_errors, custom_resource_errors, is_custom_resource

settings.register_profile("ci", max_examples=20, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
"""Within the suite's budget (a few seconds): a fixed seed, so CI runs the same examples every time."""
settings.register_profile("long", max_examples=1500, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

_PART = r"""((?:[^\s:'".]|:(?!\s))+|'[^'\n]*'|"[^"\n]*")"""
FIELD_PATH = re.compile(rf"^  {_PART}(\.{_PART})*: \S", re.MULTILINE)
"""A configuration problem: '  serving.tensor_parallel: <what is wrong>' (a key that is not plain is quoted)."""
FILE_PROBLEM = re.compile(r"^error: Pulumi\.[\w.-]+\.yaml:( line \d+|\n  line \d+| not valid YAML: line \d+| the file is "
                          r"empty| expected a mapping| 'config' must be a mapping)")
"""A problem of the file itself names its line, or is the one thing wrong with the whole file."""


def run_cli(tmp_path: Path, stack_file: StackFile) -> tuple[int, str, Path]:
    """(exit code, stderr, output folder) of `python -m offline plan` on the file, called in-process."""
    root, out = tmp_path / "root", tmp_path / "out"
    root.mkdir(exist_ok=True)
    (root / f"Pulumi.{stack_file.stack}.yaml").write_bytes(stack_file.content)
    errors = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(errors):
        code = main(["plan", "--stack", stack_file.stack, "--root", str(root), "--out", str(out)])
    return code, errors.getvalue(), out


def check(tmp_path: Path, stack_file: StackFile) -> int:
    """Render or a readable refusal, as the module docstring says; never anything else."""
    sentinel = tmp_path / "out" / stack_file.stack / "graph.json"
    sentinel.parent.mkdir(parents=True, exist_ok=True)
    sentinel.write_text("previous plan")
    code, errors, out = run_cli(tmp_path, stack_file)
    assert code in (0, 2), errors
    assert "Traceback" not in errors
    if code == 2:
        assert FIELD_PATH.search(errors) or FILE_PROBLEM.search(errors), errors
        assert {str(path.relative_to(out)) for path in out.rglob("*")} == {
            stack_file.stack, f"{stack_file.stack}/graph.json"}, "wrote files"
        assert sentinel.read_text() == "previous plan", "changed the previous plan"
        return code
    assert_valid_plan(out / stack_file.stack)
    return code


def assert_valid_plan(target: Path) -> None:
    graph = json.loads((target / "graph.json").read_text())
    run = engine.Run(graph["stack"], [engine.Node(**resource) for resource in graph["resources"]], graph["outputs"])
    # The acknowledgement rule is change control, not validity: a mutation that changes the pod templates (a rate
    # that moves a derived probe budget, say) rightly needs a new acknowledgement, which no mutation can give.
    found = violations(run)
    found.pop("prod-group-recreation-acknowledged", None)
    assert found == {}
    for path in sorted((target / "manifests").iterdir()):
        assert manifest_errors(path.read_text()) == [], path.name


@functools.cache
def manifest_errors(text: str) -> list[str]:
    """Schema and metadata errors of one manifest; cached, as most objects of a mutated stack are unchanged."""
    body = yaml.safe_load(text)
    errors = custom_resource_errors(body) if is_custom_resource(body) else core_object_errors(body)
    return errors + metadata_errors(body)


def metadata_errors(value: object) -> list[str]:
    """Label and annotation keys and label values the API server would refuse, in every `metadata` and
    `podMetadata` of an object (the OpenAPI schemas leave their format unchecked)."""
    if isinstance(value, list):
        return [error for item in value for error in metadata_errors(item)]
    if not isinstance(value, dict):
        return []
    errors = []
    for key, item in value.items():
        if key in ("metadata", "podMetadata") and isinstance(item, dict):
            labels, annotations = item.get("labels") or {}, item.get("annotations") or {}
            errors += [problem for label, text in labels.items()
                       for problem in (names.metadata_key_problem(label), names.label_value_problem(str(text)))
                       if problem]
            errors += [problem for annotation in annotations if (problem := names.metadata_key_problem(annotation))]
        errors += metadata_errors(item)
    return errors


@settings(PROFILE)
@given(stack_files())
def test_a_mutated_stack_file_renders_a_valid_plan_or_is_refused_readably(tmp_path_factory, stack_file):
    event("rendered" if check(tmp_path_factory.mktemp("generated"), stack_file) == 0 else "refused")


def _with(stack: str, edit) -> StackFile:
    document = yaml.safe_load(COMMITTED[stack])
    edit(document["config"])
    return StackFile(stack, yaml.safe_dump(document, sort_keys=False).encode(), ("regression",))


REGRESSIONS = {
    "the committed dev file": StackFile("dev", COMMITTED["dev"].encode(), ()),
    "the committed prod file": StackFile("prod", COMMITTED["prod"].encode(), ()),
    # Found: an empty key was reported under an empty path ("  : not a config key"); keys are now quoted.
    "an empty key": _with("dev", lambda config: config.update({"": config.pop("pulumi:disable-default-providers")})),
    "an empty key inside a section": _with("dev", lambda config: config["deepseek-acs:serving"].update({"": 1})),
    # Found: free text in serving.gpu_model_series and annotation keys rendered labels the API server refuses.
    "a GPU series that is no label value": _with("dev", lambda config: config["deepseek-acs:serving"].update(
        gpu_model_series="L20 (48 GiB)")),
    "an annotation key with a space": _with("dev", lambda config: config["deepseek-acs:storage"].update(
        mode="fluid", fluid={"workers": 2, "tier_quota_gib": 32, "worker_annotations": {"my note": "x"}})),
}
"""Explicit cases: the committed files, and every input the generated tests found mishandled (each fixed in
config/ or offline/stackfile.py)."""


@pytest.mark.parametrize("case", sorted(REGRESSIONS))
def test_regression(tmp_path, case):
    assert check(tmp_path, REGRESSIONS[case]) == (0 if case.startswith("the committed") else 2)
