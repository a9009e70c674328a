"""No credential in plain text: every free-form field of the schema, found by walking it, refuses every
credential shape and every spelling of a secret flag, and no rendered plan holds anything credential-shaped."""

import dataclasses
import json
import re

import pytest
from pydantic import Field

import config
from config import credentials
from config.platform.credentials import CREDENTIAL_SHAPES
from config.schema import Section, StackConfig
from offline import plan, stackfile
from tests.config.test_names import NAME_VARIANTS, stack_and_run
from tests.conftest import STACKS, changed_config, stack_file

SAMPLES = {
    "an Alibaba Cloud AccessKey ID": "LTAI5tQ8xMpNrVbWkJ2sHd7E",
    "a Hugging Face access token": "hf_" + "abcdefghijklmnopqrstuvwxyzABCDEFGH",
    "a bearer token": "Bearer abcdefgh12345678",
    "a PEM private key or certificate block": "-----BEGIN PRIVATE KEY-----",
    "a JSON Web Token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl",
    "a URL with a user name or password in it": "https://someone:hunter2@mirror.example.com/simple",
}
"""One made-up value of each shape (none is a real credential)."""


def with_everywhere(value: str) -> tuple[dict[str, str], dict[str, str]]:
    """The dev stack with `value` in every free-form field of the schema -> (raw config, path of each field)."""
    raw, _ = stack_file("dev")
    raw = dict(raw)
    paths = {}
    for path, kind in credentials.free_form_fields(StackConfig):
        key, *rest = path.split(".")
        document = json.loads(raw.get(f"deepseek-acs:{key}", "{}")) if rest else None
        written = {"text": value, "list": [value], "mapping": {"example.com/note": value}}[kind]
        paths[path] = path + {"text": "", "list": ".0", "mapping": ".example.com/note"}[kind]
        if not rest:
            raw["alicloud:region" if key == "region" else f"deepseek-acs:{key}"] = value
            continue
        _set(document, rest, written)
        raw[f"deepseek-acs:{key}"] = json.dumps(document)
    return raw, paths


def _set(document: dict, path: list[str], value: object) -> None:
    target: object = document
    for part, following in zip(path, path[1:]):
        if part.isdigit():
            while len(target) <= int(part):  # type: ignore[arg-type]
                target.append({})  # type: ignore[union-attr]
            target = target[int(part)]  # type: ignore[index]
        else:
            target = target.setdefault(part, [] if following.isdigit() else {})  # type: ignore[union-attr]
    target[path[-1]] = value  # type: ignore[index]


def problems_of(raw: dict[str, str], stack: str = "dev") -> dict[str, str]:
    """Field path -> every message about it, one per line."""
    with pytest.raises(config.ConfigError) as caught:
        config.load(raw, [], stack)
    found: dict[str, str] = {}
    for path, message in caught.value.problems:
        found[path] = f"{found[path]}\n{message}" if path in found else message
    return found


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_every_free_form_field_refuses_every_credential_shape(kind):
    raw, paths = with_everywhere(SAMPLES[kind])
    found = problems_of(raw)
    missed = [path for path in paths.values() if f"looks like {kind}" not in found.get(path, "")]
    assert missed == [], f"{kind} not refused in {missed}"


def test_no_message_echoes_the_credential():
    raw, _ = with_everywhere(SAMPLES["an Alibaba Cloud AccessKey ID"])
    with pytest.raises(config.ConfigError) as caught:
        config.load(raw, [], "dev")
    assert SAMPLES["an Alibaba Cloud AccessKey ID"] not in str(caught.value)


def test_the_walk_covers_fields_added_later():
    class Inner(Section):
        note: str = ""

    class Later(Section):
        comment: str = ""
        tags: dict[str, str] = Field(default_factory=dict)
        items: list[Inner] = Field(default_factory=list)

    token = SAMPLES["a Hugging Face access token"]
    data = {"later": {"comment": token, "tags": {"team": token}, "items": [{"note": token}]}}

    class Root(Section):
        later: Later = Field(default_factory=Later)

    assert {path for path, _ in credentials.problems(data, Root, frozenset())} == {
        "later.comment", "later.tags.team", "later.items.0.note"}
    assert {path for path, _ in credentials.free_form_fields(Root)} == {
        "later.comment", "later.tags", "later.items.0.note"}


SECRET_ARGUMENTS = [
    (["--api-key", "abc123"], 0), (["--api-key=abc123"], 0), (["--api-key abc123"], 0), (["--API_KEY", "abc"], 0),
    (["--api_key=abc"], 0), (["--api-k", "abc"], 0), (["--enforce-eager", "--api", "abc"], 1),
    (["--hf-token", "abc"], 0), (["--hf_token=abc"], 0), (["--hf-tok=abc"], 0), (["--token", "abc"], 0),
    (["--token=abc"], 0), (["--disable-log-requests", "--token abc"], 1), (["--db-password", "abc"], 0),
    (["--access-key-id=abc"], 0), (["HF_TOKEN=abc"], 0), (["--env", "OPENAI_API_KEY=abc"], 1),
]
HARMLESS_ARGUMENTS = [
    ["--max-num-batched-tokens", "8192"], ["--tokenizer", "deepseek-ai/DeepSeek-R1"], ["--api-server-count", "2"],
    ["--disable-log-requests"], ["--token-path", "/var/run/token"], ["--max-tokens=512"],
]


@pytest.mark.parametrize(("arguments", "item"), SECRET_ARGUMENTS, ids=lambda value: repr(value))
def test_a_secret_flag_is_refused_in_every_spelling(arguments, item):
    raw, _ = changed_config("dev", {"serving.extra_args": arguments})
    message = problems_of(raw).get(f"serving.extra_args.{item}", "")
    assert "secret in plain text" in message and "abc" not in message


@pytest.mark.parametrize("arguments", HARMLESS_ARGUMENTS, ids=repr)
def test_flags_that_only_look_alike_are_not_secrets(arguments):
    found = dict(credentials.problems({"serving": {"extra_args": arguments}}, StackConfig, frozenset()))
    assert found == {}


def test_a_secret_flag_inside_one_string_field_is_refused():
    raw, _ = changed_config("dev", {"storage.oss.mount_options": "-o ro --password=abc"})
    assert "--password carries a secret" in problems_of(raw)["storage.oss.mount_options"]


def test_a_secret_named_annotation_or_url_parameter_is_refused():
    raw, _ = changed_config("dev", {"storage.fluid.worker_annotations": {"example.com/api-key": "abc"},
                                     "jobs.pip_index_url": "https://mirror.example.com/simple?access_token=abc"})
    found = problems_of(raw)
    assert "names a secret" in found["storage.fluid.worker_annotations.example.com/api-key"]
    assert "deepseek-acs:package_index_url" in found["jobs.pip_index_url"]


def test_the_hint_names_the_typed_secret_key_for_that_kind_of_secret():
    raw, _ = changed_config("dev", {"serving.extra_args": ["--api-key", "abc", "--hf-token", "def"]})
    found = problems_of(raw)
    assert "pulumi config set --secret deepseek-acs:api_key" in found["serving.extra_args.0"]
    assert "pulumi config set --secret deepseek-acs:hub_token" in found["serving.extra_args.2"]


def test_secret_keys_are_not_scanned_as_plain_text():
    raw, secret_keys = changed_config("dev", {"hub_token": SAMPLES["a Hugging Face access token"]})
    assert config.load(raw, [*secret_keys, "deepseek-acs:hub_token"], "dev").hub_token is not None


# ------------------------------------------------------------------------------ the rendered plans
PLAINTEXT = [shape.pattern for shape in CREDENTIAL_SHAPES] + [
    re.compile(re.escape(secret)) for secret in (stackfile.SECRET_PLACEHOLDER, "mock-access-key-secret",
                                                 "mock-kubeconfig-credential")]


@pytest.fixture(scope="module")
def written_plans(tmp_path_factory) -> dict[str, dict[str, str]]:
    """Every file of the plan of both stacks and of every test stack (tests/config/test_names.py NAME_VARIANTS)."""
    out = tmp_path_factory.mktemp("plans")
    written = {}
    for variant in sorted(set(NAME_VARIANTS) | set(STACKS)):
        _, run = stack_and_run(variant)
        target = plan.write(dataclasses.replace(run, stack=variant), out)
        written[variant] = {str(path.relative_to(target)): path.read_text() for path in target.rglob("*")
                            if path.is_file()}
    return written


def test_no_rendered_plan_holds_a_credential_shaped_string(written_plans):
    hits = [(variant, name, pattern.pattern) for variant, files in written_plans.items()
            for name, text in files.items() for pattern in PLAINTEXT if pattern.search(text)]
    assert hits == []
    assert all("graph.json" in files and len(files) > 10 for files in written_plans.values())  # really written
