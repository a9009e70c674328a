"""ACS cluster and the Kubernetes provider every in-cluster object must use."""

from offline.engine import SECRET_MASK


def test_cluster_is_an_acs_profile_cluster(rendered):
    cluster = rendered("prod").one("alicloud:cs/managedKubernetes:ManagedKubernetes")
    inputs = cluster.inputs
    assert inputs["profile"] == "Acs"
    assert inputs["enableRrsa"] is True
    assert inputs["serviceCidr"] == "172.23.0.0/16"
    assert inputs["deletionProtection"] is True
    assert inputs["version"] == "1.33.3-aliyun.1"
    assert cluster.options["custom_timeouts"]["create"] == "60m"
    assert cluster.options["ignore_changes"] == []


def test_unpinned_version_is_looked_up_once_and_then_left_alone(rendered):
    cluster = rendered("dev").one("alicloud:cs/managedKubernetes:ManagedKubernetes")
    assert cluster.inputs["version"] == "1.33.3-aliyun.1"  # the lookup's newest
    assert cluster.options["ignore_changes"] == ["version"]
    assert cluster.inputs["deletionProtection"] is False


def test_provider_is_keyed_on_the_cluster_id_with_a_secret_kubeconfig(rendered):
    run = rendered("prod")
    cluster = run.one("alicloud:cs/managedKubernetes:ManagedKubernetes")
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
    import json

    from tests.conftest import stack_file

    config, _ = stack_file(each_stack)
    assert json.loads(config["pulumi:disable-default-providers"]) == ["kubernetes"]


def test_existing_cluster_is_reused_and_its_id_flows_through(render):
    run = render("prod", {"cluster.existing_cluster_id": "c0123456789abcdef", "network": None})
    assert not run.of_type("alicloud:cs/managedKubernetes:ManagedKubernetes")
    assert run.one("pulumi:providers:kubernetes").inputs["clusterIdentifier"] == "c0123456789abcdef"
    assert run.outputs["cluster_id"] == "c0123456789abcdef"
    assert run.outputs["api_server_endpoint"] == "https://203.0.113.20:6443"


def test_exports(rendered):
    outputs = rendered("prod").outputs
    assert outputs["kubeconfig"] == SECRET_MASK
    assert outputs["bucket_name"] == "deepseek-acs-prod-models"
    assert outputs["model_path"] == "oss://deepseek-acs-prod-models/models/DeepSeek-R1/"
    assert outputs["api_server_endpoint"].startswith("https://")
