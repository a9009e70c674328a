"""`cluster`: the ACS cluster (`cs.ManagedKubernetes` with profile `Acs`), or an existing one."""

from ipaddress import IPv4Network
from typing import Literal, Optional

from pydantic import Field

from ..types import ClusterId, DnsLabel, KubernetesVersion
from .base import Section


class ClusterConfig(Section):
    """The ACS cluster."""

    existing_cluster_id: Optional[ClusterId] = Field(
        None, description="Reuse this cluster instead of creating one; the network section is then not used."
    )
    name: DnsLabel = Field("deepseek-acs", description="Name of the cluster to create.")
    kubernetes_version: Optional[KubernetesVersion] = Field(
        None,
        description="Kubernetes version, e.g. '1.33.3-aliyun.1'. Unset: the newest version offered for the ACS profile, "
        "looked up at create time (the cluster ignores later changes of that lookup).",
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
    create_timeout_minutes: int = Field(60, ge=15, le=240, description="How long `pulumi up` waits for the cluster.")
    kubeconfig_ttl_minutes: int = Field(
        720,
        ge=15,
        le=4320,
        description="Lifetime of the kubeconfig minted on each run for the Kubernetes provider (15-4320).",
    )
