"""The first-deploy checklist and the README keep step with the code: every platform fact that no authoritative
page settles has a checklist item, the checklist names no fact that does not exist, and the README states
each one-time account step with its source and what a destroy leaves behind."""

import importlib
import pkgutil
import re
from urllib.parse import urlparse

import pytest

import config.platform as platform
from config.platform import UNCONFIRMED, Source, sourced
from config.platform.cluster import DELETE_OPTION_TYPES, LOG_PROJECT_TYPES
from offline import engine

ROOT = engine.PROJECT_ROOT
CHECKLIST = (ROOT / "docs" / "first-deploy.md").read_text()
README = (ROOT / "README.md").read_text()
MODULES = {info.name: importlib.import_module(f"config.platform.{info.name}")
           for info in pkgutil.iter_modules(platform.__path__)}
FACT_NAME = re.compile(r"`(?P<module>[a-z_]+)\.(?P<name>[A-Z][A-Z0-9_]*)`")

ALIBABA_HOSTS = ("alibabacloud.com", "aliyun.com")
ALIBABA_GITHUB_OWNERS = {"aliyun", "aliyun-computenest", "AliyunContainerService"}
# Sources that define facts which are not Alibaba's to state: a standard, or the project that makes the thing.
PRIMARY_HOSTS = {"docs.github.com", "www.pulumi.com", "www.rfc-editor.org", "kubernetes.io", "docs.nvidia.com",
                 "prometheus.io"}
PRIMARY_GITHUB_OWNERS = {"kubernetes", "kubernetes-sigs", "helm", "fluid-cloudnative", "gitleaks", "distribution",
                         "pulumi", "vllm-project", "ray-project", "NVIDIA"}
UNVERIFIED = re.compile(r"unverified|unconfirmed|not verified|inference|anecdotal|confirm it|until confirmed|"
                        r"not from an alibaba page", re.IGNORECASE)
REPOSITORY_CONTENT = {"blob", "tree", "raw", "commit"}
"""On GitHub only a project's own files speak for it; its issues and pull requests are reports by anyone."""


def items(document: str) -> dict[str, str]:
    """The checklist's items: heading -> body."""
    return {part.split("\n", 1)[0]: part for part in document.split("\n### ")[1:]}


def authoritative(url: str) -> bool:
    parsed = urlparse(url)
    host = parsed.hostname or ""
    if host.endswith(ALIBABA_HOSTS) or host in PRIMARY_HOSTS:
        return True
    owner, _, kind, *_ = [*parsed.path.strip("/").split("/"), "", "", ""]
    return (host == "raw.githubusercontent.com" or (host == "github.com" and kind in REPOSITORY_CONTENT)) and \
        owner in ALIBABA_GITHUB_OWNERS | PRIMARY_GITHUB_OWNERS


def public_facts() -> dict[str, list[Source]]:
    """`<module>.<CONSTANT>` of every public fact of config/platform, with the sources under it. A bare Source
    constant is a citation, not a fact: the facts that cite it carry it."""
    found = {}
    for module_name, module in MODULES.items():
        for name, value in vars(module).items():
            if name.isupper() and not name.startswith("_") and not isinstance(value, Source) and \
                    getattr(value, "__module__", module.__name__) != "typing":
                found[f"{module_name}.{name}"] = [item.source for _, item in sourced(value)]
    return found


def test_every_unconfirmed_fact_names_a_platform_constant_and_what_to_confirm():
    facts = public_facts()
    assert UNCONFIRMED
    for key, what in UNCONFIRMED.items():
        assert key in facts, f"config.platform.UNCONFIRMED names {key}, which config/platform does not define"
        assert what.strip(), key


def test_every_unconfirmed_fact_has_a_checklist_item():
    facts_paragraphs = [body.split("\nFacts:", 1)[1].split("\n\n", 1)[0] for body in items(CHECKLIST).values()
                        if "\nFacts:" in body]
    listed = {f"{match['module']}.{match['name']}" for paragraph in facts_paragraphs
              for match in FACT_NAME.finditer(paragraph)}
    missing = sorted(set(UNCONFIRMED) - listed)
    assert not missing, f"docs/first-deploy.md has no item whose 'Facts:' line names {missing}"


def test_the_checklist_names_only_facts_that_exist():
    facts = public_facts()
    named = {f"{match['module']}.{match['name']}" for match in FACT_NAME.finditer(CHECKLIST)
             if match["module"] in MODULES}
    assert named and not sorted(named - set(facts)), sorted(named - set(facts))


def test_a_fact_the_platform_does_not_state_itself_must_be_confirmed():
    """A source that is not the platform's own page (or the primary source of a non-Alibaba fact), or a quote
    that calls the fact unverified, puts the fact on the checklist: add it to config.platform.UNCONFIRMED."""
    unsettled = {key for key, sources in public_facts().items()
                 if any(not authoritative(source.url) or UNVERIFIED.search(source.quote) for source in sources)}
    assert unsettled, "the checks below would pass vacuously"
    missing = sorted(unsettled - set(UNCONFIRMED))
    assert not missing, f"{missing}: add them to config.platform.UNCONFIRMED and an item to docs/first-deploy.md"


def test_the_source_rule_tells_the_platforms_pages_from_others():
    assert authoritative("https://help.aliyun.com/zh/cs/component-overview")
    assert authoritative("https://www.alibabacloud.com/help/en/cs/pod-gpu-model-and-driver-version")
    assert authoritative("https://github.com/aliyun/terraform-provider-alicloud/blob/ace5bcf8/x.go#L1")
    assert authoritative("https://github.com/kubernetes/apimachinery/blob/eed236ce/validation.go")
    assert not authoritative("https://huggingface.co/hardware/l20")
    assert not authoritative("https://github.com/someone/aliyun-notes/blob/main/README.md")
    assert not authoritative("https://github.com/vllm-project/vllm/issues/13074")
    assert not authoritative("https://aliyun.com.example.org/help")


@pytest.mark.parametrize("heading,body", items(CHECKLIST).items(), ids=lambda value: value[:40])
def test_each_checklist_item_gives_a_command_what_confirms_it_and_what_to_change(heading, body):
    for part in ("**Confirms:**", "**If it differs:**"):
        assert part in body, f"{heading}: no {part}"
    assert "```sh" in body or "No API" in body, f"{heading}: no command"


def test_code_that_points_at_the_checklist_is_covered_by_it():
    for path in [*ROOT.glob("config/**/*.py"), *ROOT.glob("components/**/*.py")]:
        if "docs/first-deploy.md" not in path.read_text():
            continue
        relative = path.relative_to(ROOT).with_suffix("")
        dotted = ".".join(relative.parts[:-1] if relative.name == "__init__" else relative.parts)
        fact_module = relative.name if relative.parent.as_posix() == "config/platform" else None
        named = f"{relative.as_posix()}.py" in CHECKLIST or f"`{dotted}." in CHECKLIST or \
            (fact_module is not None and f"`{fact_module}." in CHECKLIST)
        assert named, f"{relative} refers to docs/first-deploy.md, which says nothing about it"


def test_every_link_in_the_docs_is_https():
    for document in (CHECKLIST, README):
        for url in re.findall(r"\]\((?P<url>[a-z]+://[^)\s]+)\)", document):
            assert url.startswith("https://"), url


def test_each_one_time_account_step_has_its_source():
    section = README.split("**One-time account steps.**", 1)[1].split("\n\n- ", 1)[0]
    steps = re.split(r"\n(?=\d+\. )", section.split("\n\n", 1)[1])
    assert len(steps) >= 5 and all(step[0].isdigit() for step in steps)
    for step in steps:
        assert "https://" in step or "#long-deployments" in step, step[:80]


def test_the_readme_states_every_delete_option_and_what_a_destroy_keeps():
    teardown = README.split("### Teardown and the model bucket", 1)[1].split("\n## ", 1)[0]
    for kind in DELETE_OPTION_TYPES.value:
        assert f"`{kind}`" in teardown, kind
    assert all(f"`{kind}`" in teardown for kind in LOG_PROJECT_TYPES.value)
    assert "keep_log_projects" in teardown and "What a destroy leaves behind" in teardown


def test_the_readme_says_what_a_private_api_server_needs():
    section = README.split("### Private API server", 1)[1].split("\n### ", 1)[0]
    for needed in ("inside its VPC", "existing_vswitch_ids", "api_server_intranet", "self-hosted runner"):
        assert needed in section, needed
