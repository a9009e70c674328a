"""The ACS cluster and the one Kubernetes provider every in-cluster object is created through."""

from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s
import yaml
from pulumi_alicloud import cs

from config.schema import ClusterConfig


@dataclass(frozen=True)
class AcsClusterArgs:
    config: ClusterConfig
    """The stack's `cluster` section."""
    vswitch_ids: pulumi.Input[list[str]]
    """Where the cluster places pods (ignored when reusing a cluster)."""
    network_ready: list[pulumi.Resource] = field(default_factory=list)
    """Created before the cluster, so its first pods can already pull images."""


class AcsCluster(pulumi.ComponentResource):
    """`cs.ManagedKubernetes` with the ACS profile (or an existing cluster) and its Kubernetes provider."""

    cluster_id: pulumi.Output[str]
    api_server_endpoint: pulumi.Output[str]
    kubeconfig: pulumi.Output[str]
    """Secret. A short-lived credential minted on every run."""
    provider: k8s.Provider
    """Use for every Kubernetes resource; nothing in this program may use an ambient kubeconfig."""

    def __init__(self, name: str, args: AcsClusterArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("deepseek-acs:cluster:AcsCluster", name, None, opts)
        config = args.config
        if config.existing_cluster_id:
            self.cluster_id = pulumi.Output.from_input(config.existing_cluster_id)
        else:
            self.cluster_id = self._create(name, args).id
        credential = cs.get_cluster_credential_output(
            cluster_id=self.cluster_id,
            temporary_duration_minutes=config.kubeconfig_ttl_minutes,
            opts=pulumi.InvokeOutputOptions(parent=self),
        )
        # Invoke results are never secret on their own (pulumi-terraform-bridge#1051).
        self.kubeconfig = pulumi.Output.secret(credential.kube_config)
        # The endpoint is the kubeconfig's server, which is also right for a reused cluster.
        self.api_server_endpoint = pulumi.Output.unsecret(self.kubeconfig.apply(_api_server))
        self.provider = k8s.Provider(
            f"{name}-k8s",
            kubeconfig=self.kubeconfig,
            # The credential changes on every run; keying the provider on the cluster id makes that an update
            # instead of a replacement of every Kubernetes object.
            cluster_identifier=self.cluster_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"cluster_id": self.cluster_id, "api_server_endpoint": self.api_server_endpoint})

    def _create(self, name: str, args: AcsClusterArgs) -> cs.ManagedKubernetes:
        config = args.config
        version = config.kubernetes_version or cs.get_kubernetes_version_output(
            cluster_type="ManagedKubernetes", profile="Acs", opts=pulumi.InvokeOutputOptions(parent=self)
        ).metadatas[0].version
        minutes = f"{config.create_timeout_minutes}m"
        return cs.ManagedKubernetes(
            f"{name}-acs",
            name=config.name,
            profile="Acs",
            cluster_spec=config.cluster_spec,
            vswitch_ids=args.vswitch_ids,
            service_cidr=str(config.service_cidr),
            version=version,
            ip_stack="ipv4",
            enable_rrsa=True,
            deletion_protection=config.deletion_protection,
            # Our own NAT gateway serves egress; the credential invoke returns the public endpoint's kubeconfig.
            new_nat_gateway=False,
            slb_internet_enabled=True,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=args.network_ready,
                custom_timeouts=pulumi.CustomTimeouts(create=minutes, update=minutes, delete=minutes),
                # An unpinned version is whatever was newest at create time; a newer one later is no upgrade.
                ignore_changes=[] if config.kubernetes_version else ["version"],
            ),
        )


def _api_server(kubeconfig: str) -> str:
    return yaml.safe_load(kubeconfig)["clusters"][0]["cluster"]["server"]
