"""VPC, NAT gateway and EIP facts (pulumi_alicloud 4.0.0 and the Alibaba API it calls)."""

from dataclasses import dataclass
from datetime import date

from . import Fact, Source

_READ = date(2026, 12, 1)
EIP_SOURCE = Source(
    "https://alibabacloud.com/help/tc/eip/developer-reference/api-120192",
    _READ,
    "AllocateEipAddress: \"When InstanceChargeType is set to PostPaid and InternetChargeType is set to "
    "PayByBandwidth, the valid values for Bandwidth are 1 to 500. When InstanceChargeType is set to PostPaid and "
    "InternetChargeType is set to PayByTraffic, valid values for Bandwidth are 1 to 200.\" Same in pulumi_alicloud "
    "4.0.0 ecs/eip_address.py; the provider itself does not check it (terraform-provider-alicloud "
    "resource_alicloud_eip_address.go: no ValidateFunc).",
)


@dataclass(frozen=True)
class EipBilling:
    internet_charge_type: str
    min_mbps: int
    max_mbps: int
    note: str
    source: Source


EIP_BILLING = {
    billing.internet_charge_type: billing
    for billing in (
        EipBilling("PayByTraffic", 1, 200, "billed per GB sent out; inbound (image and model downloads) is not "
                   "what it bills", EIP_SOURCE),
        EipBilling("PayByBandwidth", 1, 500, "billed for the bandwidth every hour, used or not", EIP_SOURCE),
    )
}
"""Pay-as-you-go EIP bandwidth limits per charge type, Mbit/s."""

NAT_GATEWAY = Fact(
    {"nat_type": "Enhanced", "payment_type": "PayAsYouGo", "internet_charge_type": "PayByLcu",
     "network_type": "internet"},
    Source(
        "https://github.com/aliyun/terraform-provider-alicloud/blob/ace5bcf8777e/alicloud/resource_alicloud_nat_gateway.go#L52",
        _READ,
        "pulumi_alicloud 4.0.0 vpc/nat_gateway.py: nat_type \"Valid values: Enhanced\" (Normal refused since 1.137.0); "
        "payment_type \"Valid values are PayAsYouGo\"; internet_charge_type \"Valid values PayByLcu\" (PayBySpec refused "
        "since 1.137.0); network_type internet (Internet NAT) or intranet (VPC NAT).",
    ),
)
"""The only Internet NAT gateway settings the provider still accepts."""

EIPS_PER_NAT = Fact(
    20,
    Source("https://help.aliyun.com/en/nat-gateway/user-guide/quotas/", _READ,
           "natgw_quota_eip_num_per_nat: Maximum number of elastic IP addresses (EIPs) per Internet NAT gateway. 20"),
)

SECURITY_GROUP_ANNOTATION = Fact(
    "network.alibabacloud.com/security-group-ids",
    Source("https://alibabacloud.com/help/en/cs/latest/specify-vswitch-and-securitygroups-for-the-pod", _READ,
           "\"network.alibabacloud.com/security-group-ids: \\\"sg-xx1,sg-xx2\\\"\" ... \"When the annotation is "
           "specified, ACS uses the security group defined in the annotation and binds the network interface to that "
           "security group.\" (ACS pod annotation reference, Last Updated Jan 10, 2026: \"You can specify multiple "
           "security group IDs.\")"),
)
NETWORK_POLICY_CPU_ONLY = Fact(
    True,
    Source("https://help.aliyun.com/en/ack/product-overview/poseidon", _READ,
           "Poseidon (the NetworkPolicy agent), v0.8.0 of June 10, 2026: \"Limitations: NetworkPolicy is supported "
           "only in ACK Serverless clusters, on ECI in ACK clusters, and on ACS CPU instances.\""),
)
"""NetworkPolicies do not bind ACS GPU pods: their isolation is the per-pod security group."""
BASIC_SECURITY_GROUP = Fact(
    {"inner_access_policy": "Accept", "egress": "allow all"},
    Source("https://help.aliyun.com/en/ecs/user-guide/security-group-rules", _READ,
           "\"Basic security groups allow inbound internal traffic from instances in the same group and allow all "
           "outbound traffic by default. Enterprise security groups deny both inbound and outbound traffic by "
           "default.\""),
)
