"""`cluster`: the ACS cluster (`cs.ManagedKubernetes` with profile `Acs`), or an existing one."""

from ipaddress import IPv4Network
from typing import Literal, Optional

from pydantic import Field

from ..platform import kubernetes
from ..platform.cluster import DNS_ADDON, KUBECONFIG_TTL_MINUTES, STORAGE_ADDON
from ..types import AddonName, ClusterId, DnsLabel, KubernetesVersion
from .base import Section, rule, violations

TTL_MIN, TTL_MAX = KUBECONFIG_TTL_MINUTES.value


class ClusterConfig(Section):
    """The ACS cluster."""

    existing_cluster_id: Optional[ClusterId] = Field(
        None, description="Reuse this cluster instead of creating one: then no network section, nothing of the "
        "network is created, and the add-ons below are the cluster's own business.",
    )
    name: DnsLabel = Field("deepseek-acs", description="Name of the cluster to create.")
    kubernetes_version: Optional[KubernetesVersion] = Field(
        None,
        description="Unset (recommended): ACS creates the cluster with its newest version. A minor ('1.35') uses "
        "that minor's newest patch; a full version ('1.35.7-aliyun.1') is sent as is (ACS accepts only the newest "
        "patch of a minor). Either way a platform-side upgrade later is never fought back.",
    )
    cluster_spec: Literal["ack.pro.small", "ack.pro.xlarge", "ack.pro.2xlarge", "ack.pro.4xlarge"] = Field(
        "ack.pro.small", description="Control-plane size."
    )
    service_cidr: IPv4Network = Field(
        IPv4Network("172.23.0.0/16"), description="Service CIDR; must not overlap the VPC (ForceNew)."
    )
    deletion_protection: bool = Field(
        True, description="Refuse to delete the cluster until this is set to false and applied. Required in prod."
    )
    api_server: Literal["public", "private"] = Field(
        "public",
        description="'private': no Internet endpoint for the API server (no public load balancer to pay for or to "
        "attack); `pulumi up` must then run inside the VPC (see README, 'Private API server').",
    )
    dns_addon: AddonName = Field(
        DNS_ADDON.name, description="Cluster DNS add-on requested at creation (ACS has none otherwise).",
    )
    storage_addon: AddonName = Field(
        STORAGE_ADDON.name, description="CSI provisioner add-on requested at creation (OSS volumes).",
    )
    extra_addons: list[AddonName] = Field(
        default_factory=list, description="More ACS add-ons to request at creation (create-only: later ones need "
        "`cs.KubernetesAddon`).",
    )
    keep_log_projects: bool = Field(
        False, description="Keep the cluster's SLS log projects when the cluster is deleted (load balancers, ALB and "
        "PrivateZone records the cluster created are always deleted with it).",
    )
    create_timeout_minutes: int = Field(60, ge=15, le=240, description="How long `pulumi up` waits for the cluster.")
    kubeconfig_ttl_minutes: Optional[int] = Field(
        None, ge=TTL_MIN, le=TTL_MAX,
        description=f"Lifetime of the kubeconfig minted on each run ({TTL_MIN}-{TTL_MAX}). Unset: the sum of the "
        "stack's waits (the longest `pulumi up` can take), so the credential never expires mid-run.",
    )

    @rule("kubernetes_version")
    def _creatable_minor(self):
        if self.kubernetes_version is None:
            return
        minor = ".".join(self.kubernetes_version.split(".")[:2])
        entry = kubernetes.MINORS.get(minor)
        allowed = [m for m in kubernetes.CREATABLE_MINORS.value if kubernetes.supported(m)]
        why = (f"reached its end of support on {entry.end_of_life}" if entry and entry.end_of_life <=
               kubernetes.FACTS_DATE.value else "is not one ACS creates clusters with")
        yield from violations((kubernetes.supported(minor), "kubernetes_version",
                               f"Kubernetes {minor} {why}; allowed: {', '.join(allowed)} or unset (the newest); "
                               f"{kubernetes.ACK_VERSIONS.cite()}"))

    @rule("existing_cluster_id", "api_server")
    def _private_endpoint_only_for_a_created_cluster(self):
        yield from violations((
            self.existing_cluster_id is None or self.api_server == "public", "api_server",
            "applies to a cluster this stack creates; a reused cluster keeps its own endpoint (its kubeconfig is "
            "fetched as ACS issues it, for the public endpoint)"))

    @rule("dns_addon", "storage_addon", "extra_addons")
    def _addons_distinct(self):
        names = [self.dns_addon, self.storage_addon, *self.extra_addons]
        yield from violations((len(set(names)) == len(names), "extra_addons",
                               f"add-ons are requested once each: {names}"))

    @property
    def addons(self) -> list[str]:
        return [self.dns_addon, self.storage_addon, *self.extra_addons]
