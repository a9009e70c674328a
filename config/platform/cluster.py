"""ACS cluster facts: the add-ons a workload needs at creation, delete options, kubeconfig lifetime."""

from dataclasses import dataclass
from datetime import date

from . import Fact, Source

_READ = date(2026, 12, 1)


@dataclass(frozen=True)
class Addon:
    name: str
    """What `cs.ManagedKubernetes(addons=[{"name": ...}])` sends."""
    purpose: str
    source: Source


DNS_ADDON = Addon(
    "managed-coredns",
    "cluster DNS: without it Service names do not resolve in ACS pods",
    Source(
        "https://www.alibabacloud.com/help/en/document_detail/2584549.html",
        _READ,
        "Last updated Mar 26, 2026: \"ACS clusters do not enable DNS resolution by default. To enable it, select "
        "CoreDNS when you create the cluster.\" The API name `managed-coredns` is the one pulumi_alicloud 4.0.0's own "
        "example sends (pulumi_alicloud/cs/managed_kubernetes.py, Auto Mode example) and public ACS configs use.",
    ),
)
STORAGE_ADDON = Addon(
    "managed-csiprovisioner",
    "the CSI provisioner: OSS, NAS and disk volumes",
    Source(
        "https://help.aliyun.com/zh/cs/component-overview",
        _READ,
        "\"managed-csiprovisioner 可选组件 提供了存储卷的创建和删除能力,支持阿里云云盘、NAS、OSS等各类存储卷\"",
    ),
)

ADDONS_CREATE_ONLY = Fact(
    True,
    Source(
        "https://github.com/aliyun/terraform-provider-alicloud/blob/ace5bcf8777e/alicloud/"
        "resource_alicloud_cs_managed_kubernetes.go#L613",
        _READ,
        "`addons`: \"Only works for Create Operation, use resource cs_kubernetes_addon to manage addons if cluster is "
        "created\" (pulumi_alicloud cs/managed_kubernetes.py); \"If you enable a DNS-based Service discovery component "
        "for an existing ACS cluster, existing pods cannot use the component\" (help.aliyun.com/en/cs/user-guide/"
        "service-discovery-dns).",
    ),
)

DELETE_OPTION_TYPES = Fact(
    ("SLB", "ALB", "SLS_Data", "SLS_ControlPlane", "PrivateZone"),
    Source(
        "https://github.com/aliyun/terraform-provider-alicloud/blob/ace5bcf8777e/alicloud/"
        "resource_alicloud_cs_managed_kubernetes.go#L528",
        _READ,
        "resource_type StringInSlice SLB, ALB, SLS_Data, SLS_ControlPlane, PrivateZone; delete_mode delete|retain. "
        "Defaults (DeleteCluster API): SLB deleted, ALB, SLS projects and PrivateZone retained. Effective only after "
        "one `pulumi up` has applied them.",
    ),
)
LOG_PROJECT_TYPES = Fact(("SLS_Data", "SLS_ControlPlane"), DELETE_OPTION_TYPES.source)
"""The delete-option types that are the cluster's log projects (SLS)."""

KUBECONFIG_TTL_MINUTES = Fact(
    (15, 4320),
    Source(
        "https://help.aliyun.com/document_detail/183915.htm",
        _READ,
        "DescribeClusterUserKubeconfig TemporaryDurationMinutes: \"取值范围:15(15 分钟)~4320(3 天)\"",
    ),
)
"""Shortest and longest lifetime of the temporary kubeconfig minted for the Kubernetes provider."""

PUBLIC_KUBECONFIG_ONLY = Fact(
    True,
    Source(
        "https://github.com/aliyun/terraform-provider-alicloud/blob/ace5bcf8777e/alicloud/service_alicloud_cs.go#L237",
        _READ,
        "DescribeClusterUserKubeconfigRequest{PrivateIpAddress: tea.Bool(false)}: the credential data source always "
        "asks for the public endpoint's kubeconfig.",
    ),
)
"""With a private API server the program points the credential's kubeconfig at the intranet endpoint itself."""
