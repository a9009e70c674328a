"""Every object of every stack validates: custom resources against the upstream CRDs, core objects against
the Kubernetes schema. Both strict, so a misspelt field fails here and not at `pulumi up`."""

import hashlib

import pytest

from offline.plan import is_manifest, manifest
from tests.schemas import CRD_DIR, core_object_errors, custom_resource_errors, is_custom_resource


def manifests(run) -> list[dict]:
    return [manifest(node) for node in filter(is_manifest, run.nodes)]


def test_every_custom_resource_matches_its_crd(rendered, every_stack):
    custom = [body for body in manifests(rendered(every_stack)) if is_custom_resource(body)]
    assert {body["kind"] for body in custom} >= {"LeaderWorkerSet"}
    for body in custom:
        assert custom_resource_errors(body) == [], body["kind"]


def test_every_core_object_matches_the_kubernetes_schema(rendered, every_stack):
    core = [body for body in manifests(rendered(every_stack)) if not is_custom_resource(body)]
    assert {"Service", "ConfigMap", "NetworkPolicy", "Namespace", "Secret"} <= {body["kind"] for body in core}
    for body in core:
        assert core_object_errors(body) == [], body["kind"]


def test_prod_emits_all_four_custom_kinds(rendered):
    kinds = {body["kind"] for body in manifests(rendered("prod")) if is_custom_resource(body)}
    assert kinds == {"LeaderWorkerSet", "Dataset", "JindoRuntime", "DataLoad"}


def test_validation_is_strict_about_unknown_fields(rendered):
    lws = next(body for body in manifests(rendered("prod")) if body["kind"] == "LeaderWorkerSet")
    lws["spec"]["leaderWorkerTemplate"]["sise"] = 2
    assert any("sise" in error for error in custom_resource_errors(lws))
    service = next(body for body in manifests(rendered("prod")) if body["kind"] == "Service")
    service["spec"]["selecter"] = {}
    assert core_object_errors(service)


def test_validation_catches_wrong_types(rendered):
    lws = next(body for body in manifests(rendered("prod")) if body["kind"] == "LeaderWorkerSet")
    lws["spec"]["leaderWorkerTemplate"]["size"] = "two"
    assert any("is not of type 'integer'" in error for error in custom_resource_errors(lws))


UPSTREAM_SHA256 = {
    "leaderworkerset.x-k8s.io_leaderworkersets.yaml": ("SOURCE-lws.txt", "c5dcad8ed943e495490241f00b9a1b45d51203b6d484020db3636d5bf553568e"),
    "data.fluid.io_datasets.yaml": ("SOURCE-fluid.txt", "7bac21416dc34d62ff556f6a3ddf0cdb093ffb37990c790d2a1e52eee88b1486"),
    "data.fluid.io_jindoruntimes.yaml": ("SOURCE-fluid.txt", "791aed755c6dc9f4567dc86e56edc74fff2b13ec74158eea6f948caf6d519e3a"),
    "data.fluid.io_dataloads.yaml": ("SOURCE-fluid.txt", "f28c8aeff61fea02252db53ad2002ac1205bc378b07435a3b9792d12d535f38a"),
}


@pytest.mark.parametrize("name", sorted(UPSTREAM_SHA256))
def test_vendored_crds_are_the_upstream_files(name):
    source, digest = UPSTREAM_SHA256[name]
    assert digest in (CRD_DIR / source).read_text()
    assert hashlib.sha256((CRD_DIR / name).read_bytes()).hexdigest() == digest


def test_every_vendored_crd_is_checked():
    assert {path.name for path in CRD_DIR.glob("*.yaml")} == set(UPSTREAM_SHA256)
