"""ACS cluster and the Kubernetes provider every in-cluster object must use."""

import json

import pytest
import yaml

import config
from components.cluster import delete_options, newest_patch, with_server
from config.platform.cluster import DELETE_OPTION_TYPES, DNS_ADDON, STORAGE_ADDON
from config.waits import total_minutes
from offline.engine import MOCK_KUBECONFIG, SECRET_MASK
from tests.conftest import changed_config, stack_file

CLUSTER = "alicloud:cs/managedKubernetes:ManagedKubernetes"


def test_cluster_is_an_acs_profile_cluster(rendered):
    cluster = rendered("prod").one(CLUSTER)
    inputs = cluster.inputs
    assert inputs["profile"] == "Acs"
    assert inputs["enableRrsa"] is True
    assert inputs["serviceCidr"] == "172.23.0.0/16"
    assert inputs["deletionProtection"] is True
    assert inputs["slbInternetEnabled"] is True
    assert cluster.options["custom_timeouts"]["create"] == "60m"


def test_dns_and_csi_add_ons_are_requested_at_creation(rendered, each_stack):
    addons = [addon["name"] for addon in rendered(each_stack).one(CLUSTER).inputs["addons"]]
    assert addons == [DNS_ADDON.name, STORAGE_ADDON.name] == ["managed-coredns", "managed-csiprovisioner"]


def test_add_on_names_can_be_overridden_and_extended(render):
    inputs = render("dev", {"cluster.dns_addon": "coredns", "cluster.extra_addons": ["metrics-server"]}).one(CLUSTER).inputs
    assert [addon["name"] for addon in inputs["addons"]] == ["coredns", "managed-csiprovisioner", "metrics-server"]


def test_by_default_acs_picks_the_version_and_is_never_fought(rendered, each_stack):
    cluster = rendered(each_stack).one(CLUSTER)
    assert "version" not in cluster.inputs
    assert cluster.options["ignore_changes"] == ["addons", "version"]


def test_a_pinned_minor_gets_its_newest_offered_patch(render):
    cluster = render("prod", {"cluster.kubernetes_version": "1.35"}).one(CLUSTER)
    assert cluster.inputs["version"] == "1.35.7-aliyun.1"  # of the offered 1.35.7, 1.36.2, 1.34.10
    assert "version" in cluster.options["ignore_changes"]
    assert newest_patch(["1.35.10-aliyun.1", "1.35.9-aliyun.2", "1.36.1-aliyun.1"], "1.35") == "1.35.10-aliyun.1"
    with pytest.raises(ValueError, match="offers no Kubernetes 1.33"):
        newest_patch(["1.35.7-aliyun.1"], "1.33")


def test_a_full_version_is_sent_as_given(render):
    assert render("prod", {"cluster.kubernetes_version": "1.36.2-aliyun.1"}).one(CLUSTER).inputs["version"] == "1.36.2-aliyun.1"


def test_destroy_takes_what_the_cluster_created_with_it(rendered, render):
    options = {option["resourceType"]: option["deleteMode"] for option in rendered("prod").one(CLUSTER).inputs["deleteOptions"]}
    assert options == dict.fromkeys(DELETE_OPTION_TYPES.value, "delete")
    kept = render("prod", {"cluster.keep_log_projects": True}).one(CLUSTER).inputs["deleteOptions"]
    assert {o["resourceType"] for o in kept if o["deleteMode"] == "retain"} == {"SLS_Data", "SLS_ControlPlane"}
    assert [o["resource_type"] for o in delete_options(config.load(*stack_file("dev"), "dev").cluster)] == list(
        DELETE_OPTION_TYPES.value)


def test_kubeconfig_lives_as_long_as_the_longest_up(rendered, each_stack):
    stack = config.load(*stack_file(each_stack), each_stack)
    invoke_ttl = stack.kubeconfig_ttl_minutes
    assert invoke_ttl == total_minutes(stack)
    # prod: cluster + lws + fluid controllers + import + cache bind + warm-up + rollout + smoke test
    prod = config.load(*stack_file("prod"), "prod")
    assert prod.kubeconfig_ttl_minutes == (
        prod.cluster.create_timeout_minutes + prod.charts.lws.ready_timeout_minutes
        + prod.charts.fluid.ready_timeout_minutes + prod.model.import_.timeout_minutes
        + 2 * prod.storage.fluid.load_timeout_minutes + prod.serving.ready_timeout_minutes
        + prod.jobs.smoke_test_timeout_minutes)


def test_a_kubeconfig_shorter_than_the_run_is_refused():
    raw, secrets = changed_config("prod", {"cluster.kubeconfig_ttl_minutes": 720})
    with pytest.raises(config.ConfigError) as caught:
        config.load(raw, secrets, "prod")
    message = dict(caught.value.problems)["cluster.kubeconfig_ttl_minutes"]
    longest = total_minutes(config.load(*stack_file("prod"), "prod"))
    assert f"shorter than the longest `pulumi up` of this stack, {longest} min" in message
    assert " (model.import.timeout_minutes)" in message


def test_waits_beyond_the_longest_kubeconfig_are_refused():
    raw, secrets = changed_config("prod", {"model.import.timeout_minutes": 2880, "storage.fluid.load_timeout_minutes": 1440,
                                           "serving.ready_timeout_minutes": 1440})
    with pytest.raises(config.ConfigError) as caught:
        config.load(raw, secrets, "prod")
    assert "longer than the longest kubeconfig ACS issues (4320 min" in dict(caught.value.problems)[
        "cluster.kubeconfig_ttl_minutes"]


def test_private_api_server_has_no_internet_endpoint_and_talks_intranet(render):
    run = render("prod", {"cluster.api_server": "private"})
    assert run.one(CLUSTER).inputs["slbInternetEnabled"] is False
    assert run.outputs["api_server_endpoint"] == "https://192.168.0.20:6443"  # the mock's intranet endpoint
    assert run.one("pulumi:providers:kubernetes").inputs["kubeconfig"] == SECRET_MASK
    rewritten = yaml.safe_load(with_server(MOCK_KUBECONFIG, "https://10.0.0.1:6443"))
    assert rewritten["clusters"][0]["cluster"]["server"] == "https://10.0.0.1:6443"
    assert rewritten["users"] == yaml.safe_load(MOCK_KUBECONFIG)["users"]


def test_provider_is_keyed_on_the_cluster_id_with_a_secret_kubeconfig(rendered):
    run = rendered("prod")
    cluster = run.one(CLUSTER)
    provider = run.one("pulumi:providers:kubernetes")
    assert provider.inputs["kubeconfig"] == SECRET_MASK
    assert provider.inputs["clusterIdentifier"].startswith("c")
    assert cluster.urn in provider.property_dependencies["clusterIdentifier"]


def test_every_kubernetes_resource_uses_the_cluster_provider(rendered, each_stack):
    run = rendered(each_stack)
    provider = run.one("pulumi:providers:kubernetes").urn
    kubernetes = [node for node in run.nodes if node.type.startswith("kubernetes:")]
    assert kubernetes
    for node in kubernetes:
        assert node.provider.startswith(provider + "::"), node.name


def test_stack_files_forbid_the_default_kubernetes_provider(each_stack):
    config_, _ = stack_file(each_stack)
    assert json.loads(config_["pulumi:disable-default-providers"]) == ["kubernetes"]


def test_existing_cluster_is_reused_and_its_id_flows_through(render):
    run = render("prod", {"cluster.existing_cluster_id": "c0123456789abcdef", "network": None,
                          "serving.pod_security_group": False})
    assert not run.of_type(CLUSTER)
    assert run.one("pulumi:providers:kubernetes").inputs["clusterIdentifier"] == "c0123456789abcdef"
    assert run.outputs["cluster_id"] == "c0123456789abcdef"
    assert run.outputs["api_server_endpoint"] == "https://203.0.113.20:6443"


def test_exports(rendered):
    outputs = rendered("prod").outputs
    assert outputs["kubeconfig"] == SECRET_MASK
    assert outputs["bucket_name"] == "deepseek-acs-prod-models"
    assert outputs["model_path"] == "oss://deepseek-acs-prod-models/models/DeepSeek-R1/"
    assert outputs["api_server_endpoint"].startswith("https://")
