"""Cluster add-ons: pinned lws and ack-fluid Helm releases, and the workload namespace."""

import pytest

RELEASE = "kubernetes:helm.sh/v3:Release"


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


def test_lws_defaults_to_alibabas_in_region_chart(rendered):
    lws = releases(rendered("prod"))["lws"]
    assert lws["namespace"] == "lws-system"
    assert lws["chart"].endswith("/lws-0.1.0.tgz")
    assert lws["values"]["image"]["manager"] == {
        "repository": "registry-cn-hangzhou-vpc.ack.aliyuncs.com/acs/lws", "tag": "v0.5.0"}


def test_lws_upstream_chart_is_pinned(render):
    lws = releases(render("prod", {"charts.lws.source": "upstream"}))["lws"]
    assert (lws["chart"], lws["version"]) == ("oci://registry.k8s.io/lws/charts/lws", "0.10.0")


@pytest.mark.parametrize("version", ["1.0.11", "1.0.20"])
def test_fluid_chart_version_comes_from_config(render, version):
    assert releases(render("prod", {"charts.fluid.version": version}))["ack-fluid"]["version"] == version


def test_releases_wait_with_a_configured_timeout(rendered):
    for release in releases(rendered("prod")).values():
        assert release["timeout"] == 600
        assert not release.get("skipAwait")


def test_workload_namespace(rendered):
    namespace = rendered("prod").one("kubernetes:core/v1:Namespace")
    assert namespace.inputs["metadata"]["name"] == "deepseek"
