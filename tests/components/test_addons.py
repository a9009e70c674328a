"""Cluster add-ons: pinned lws and ack-fluid Helm releases, the CRD that no chart change can delete, and the
workload namespace."""

import itertools
import subprocess
from pathlib import Path

import pytest
import yaml

from components.addons import KEEP_CRDS_POSTRENDER, LWS_NAMESPACE, LWS_RELEASE
from components.helm.keep_crds import keep_crds
from offline.engine import PROJECT_ROOT

RELEASE = "kubernetes:helm.sh/v3:Release"
LWS_CRD = Path(__file__).parents[1] / "crds" / "leaderworkerset.x-k8s.io_leaderworkersets.yaml"
DIGEST = "sha256:" + "b" * 64


def releases(run) -> dict[str, dict]:
    return {node.inputs["name"]: node.inputs for node in run.of_type(RELEASE)}


def test_prod_installs_lws_and_ack_fluid(rendered):
    found = releases(rendered("prod"))
    assert set(found) == {"lws", "ack-fluid"}
    fluid = found["ack-fluid"]
    assert fluid["namespace"] == "fluid-system" and fluid["createNamespace"] is True
    assert fluid["chart"] == "ack-fluid" and fluid["version"] == "1.0.13"
    assert fluid["repositoryOpts"]["repo"] == "https://aliacs-app-catalog.oss-cn-hangzhou.aliyuncs.com/charts-incubator/"
    assert fluid["values"]["region"] == "cn-hangzhou"
    assert fluid["values"]["clusterProfileforApp"] == "Acs"


def test_dev_has_no_ack_fluid(rendered):
    assert set(releases(rendered("dev"))) == {"lws"}


def test_lws_controller_is_pulled_by_digest_from_the_regions_vpc_registry(rendered):
    lws = releases(rendered("prod"))["lws"]
    assert lws["chart"].endswith("/lws-0.1.0.tgz")
    assert lws["values"]["image"]["manager"] == {
        "repository": "registry-cn-hangzhou-vpc.ack.aliyuncs.com/acs/lws",
        "tag": "v0.5.0@sha256:27f8050471f559bb8dff99fae6771fa109eaff8b4a529c27761c604cec34a725",
        "pullPolicy": "IfNotPresent"}


def test_lws_upstream_chart_needs_its_image_mirrored_and_pinned(render):
    image = f"registry-cn-hangzhou-vpc.ack.aliyuncs.com/mirror/lws:v0.10.0@{DIGEST}"
    lws = releases(render("prod", {"charts.lws.source": "upstream", "charts.lws.upstream_image": image}))["lws"]
    assert (lws["chart"], lws["version"]) == ("oci://registry.k8s.io/lws/charts/lws", "0.10.0")
    assert lws["values"]["image"]["manager"]["repository"] == "registry-cn-hangzhou-vpc.ack.aliyuncs.com/mirror/lws"
    assert lws["values"]["image"]["manager"]["tag"] == f"v0.10.0@{DIGEST}"


LWS_VARIATIONS = {
    "charts.lws.source": ["alibaba", "upstream"],
    "charts.lws.upstream_version": ["0.10.0", "0.8.0"],
    "charts.lws.alibaba_chart_url": ["https://aliacs-app-catalog.oss-cn-hangzhou.aliyuncs.com/charts-incubator/lws-0.1.0.tgz",
                                     "https://example.com/charts/lws-9.9.9.tgz"],
}


def test_no_lws_chart_setting_can_delete_the_leaderworkerset_crd(render):
    """Every combination renders the same release name and namespace (so a change is a `helm upgrade`, never a
    replacement that uninstalls), always with the post-renderer that marks templated CRDs `keep`."""
    seen = set()
    for values in itertools.product(*LWS_VARIATIONS.values()):
        changes = dict(zip(LWS_VARIATIONS, values), **{"charts.lws.upstream_image": f"r.example.cn/lws:v1@{DIGEST}"})
        run = render("dev", changes)
        release = run.one(RELEASE)
        seen.add((release.urn, release.inputs["name"], release.inputs["namespace"]))
        assert release.inputs["postrender"] == KEEP_CRDS_POSTRENDER
        assert not release.options["delete_before_replace"]
    assert len(seen) == 1
    assert next(iter(seen))[1:] == (LWS_RELEASE, LWS_NAMESPACE)


def test_the_post_renderer_marks_every_crd_keep_and_passes_the_rest_through():
    crd = yaml.load(LWS_CRD.read_text(), Loader=yaml.CSafeLoader)
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "lws-webhook-service"}, "spec": {}}
    rendered = yaml.dump_all([service, crd], Dumper=yaml.CSafeDumper) + "---\n"
    documents = list(yaml.load_all(keep_crds(rendered), Loader=yaml.CSafeLoader))
    assert documents[0] == service
    assert documents[1]["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    assert documents[1]["spec"] == crd["spec"]


def test_the_post_renderer_runs_as_helm_runs_it():
    """Helm execs the path with the manifests on stdin, from the project directory."""
    manifest = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: a.b.c}\n"
    result = subprocess.run([KEEP_CRDS_POSTRENDER], input=manifest, capture_output=True, text=True, cwd=PROJECT_ROOT,
                            check=True)
    assert yaml.safe_load(result.stdout)["metadata"]["annotations"] == {"helm.sh/resource-policy": "keep"}


def test_ack_fluid_is_installed_without_helms_wait(rendered):
    fluid = releases(rendered("prod"))["ack-fluid"]
    assert fluid["skipAwait"] is True and fluid["postrender"] == KEEP_CRDS_POSTRENDER


def test_lws_release_waits_for_its_webhook(rendered):
    lws = releases(rendered("prod"))["lws"]
    assert not lws.get("skipAwait") and lws["timeout"] == 600


@pytest.mark.parametrize("version", ["1.0.11", "1.0.20"])
def test_fluid_chart_version_comes_from_config(render, version):
    assert releases(render("prod", {"charts.fluid.version": version}))["ack-fluid"]["version"] == version


def test_workload_namespace(rendered):
    namespace = rendered("prod").one("kubernetes:core/v1:Namespace")
    assert namespace.inputs["metadata"]["name"] == "deepseek"
