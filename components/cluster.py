"""The ACS cluster and the one Kubernetes provider every in-cluster object is created through."""

from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s
import yaml
from pulumi_alicloud import cs

from config.platform.cluster import DELETE_OPTION_TYPES, LOG_PROJECT_TYPES
from config.schema import ClusterConfig


@dataclass(frozen=True)
class AcsClusterArgs:
    config: ClusterConfig
    """The stack's `cluster` section."""
    kubeconfig_ttl_minutes: int
    """Lifetime of the credential minted for this run: at least the longest `pulumi up` of the stack."""
    vswitch_ids: pulumi.Input[list[str]]
    """Where the cluster places pods (ignored when reusing a cluster)."""
    network_ready: list[pulumi.Resource] = field(default_factory=list)
    """Created before the cluster, so its first pods can already pull images."""


def delete_options(config: ClusterConfig) -> list[dict]:
    """Delete what the cluster created (load balancers, ALB, PrivateZone records; logs unless kept) with it.

    The API keeps all but SLB by default, which leaves billed resources behind a `pulumi destroy`."""
    keep = set(LOG_PROJECT_TYPES.value) if config.keep_log_projects else set()
    return [{"resource_type": kind, "delete_mode": "retain" if kind in keep else "delete"}
            for kind in DELETE_OPTION_TYPES.value]


def newest_patch(versions: list[str], minor: str) -> str:
    """The newest `x.y.z-aliyun.n` of `minor` among the versions ACS offers (their order is undocumented)."""
    offered = [v for v in versions if v.startswith(minor + ".")]
    if not offered:
        raise ValueError(f"ACS offers no Kubernetes {minor} version here (offered: {', '.join(versions)})")

    def key(version: str) -> tuple[int, ...]:
        core, _, build = version.partition("-aliyun.")
        return (*map(int, core.split(".")), int(build or 0))

    return max(offered, key=key)


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
        cluster = None if config.existing_cluster_id else self._create(name, args)
        self.cluster_id = pulumi.Output.from_input(config.existing_cluster_id) if cluster is None else cluster.id
        credential = cs.get_cluster_credential_output(
            cluster_id=self.cluster_id,
            temporary_duration_minutes=args.kubeconfig_ttl_minutes,
            opts=pulumi.InvokeOutputOptions(parent=self),
        )
        # Invoke results are never secret on their own (pulumi-terraform-bridge#1051).
        kubeconfig = pulumi.Output.secret(credential.kube_config)
        if config.api_server == "private" and cluster is not None:
            # The credential data source always returns the public endpoint's kubeconfig; the same certificate
            # authenticates against the intranet endpoint, which is the only one a private cluster has.
            intranet = cluster.connections.apply(lambda connections: connections[0].api_server_intranet)
            kubeconfig = pulumi.Output.secret(pulumi.Output.all(kubeconfig, intranet).apply(
                lambda parts: with_server(parts[0], parts[1])))
        self.kubeconfig = kubeconfig
        # The endpoint is the kubeconfig's server, which is also right for a reused cluster.
        self.api_server_endpoint = pulumi.Output.unsecret(self.kubeconfig.apply(api_server))
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
        minutes = f"{config.create_timeout_minutes}m"
        return cs.ManagedKubernetes(
            f"{name}-acs",
            name=config.name,
            profile="Acs",
            cluster_spec=config.cluster_spec,
            vswitch_ids=args.vswitch_ids,
            service_cidr=str(config.service_cidr),
            version=self._kubernetes_version(config),
            ip_stack="ipv4",
            enable_rrsa=True,
            deletion_protection=config.deletion_protection,
            # Create-only: without cluster DNS, Service names do not resolve in ACS pods; the CSI provisioner
            # serves the OSS volume. Enabling either later does not reach pods that already exist.
            addons=[cs.ManagedKubernetesAddonArgs(name=addon) for addon in config.addons],
            delete_options=[cs.ManagedKubernetesDeleteOptionArgs(**option) for option in delete_options(config)],
            # Our own NAT gateway serves egress.
            new_nat_gateway=False,
            slb_internet_enabled=config.api_server == "public",
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=args.network_ready,
                custom_timeouts=pulumi.CustomTimeouts(create=minutes, update=minutes, delete=minutes),
                # ACS upgrades clusters on its side; a pinned or looked-up version must never be "restored".
                # The add-on list is create-only, so a later change must not look like pending work either.
                ignore_changes=["version", "addons"],
            ),
        )

    def _kubernetes_version(self, config: ClusterConfig) -> pulumi.Input[str] | None:
        """None (ACS's newest), a full version as given, or the newest patch of a pinned minor."""
        version = config.kubernetes_version
        if version is None or "-aliyun." in version:
            return version
        offered = cs.get_kubernetes_version_output(
            cluster_type="ManagedKubernetes", profile="Acs", opts=pulumi.InvokeOutputOptions(parent=self)
        ).metadatas
        return offered.apply(lambda metadatas: newest_patch([m.version for m in metadatas], version))


def api_server(kubeconfig: str) -> str:
    return yaml.safe_load(kubeconfig)["clusters"][0]["cluster"]["server"]


def with_server(kubeconfig: str, server: str) -> str:
    """The kubeconfig with every cluster's server set to `server`."""
    document = yaml.safe_load(kubeconfig)
    for entry in document.get("clusters", []):
        entry["cluster"]["server"] = server
    return yaml.safe_dump(document, sort_keys=False)
