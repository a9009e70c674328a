"""`network`: the VPC the cluster's pods live in, with NAT so serverless pods reach public registries and hubs."""

from ipaddress import IPv4Network
from typing import Literal

from pydantic import Field

from ..platform.network import EIP_BILLING
from ..types import VSwitchId
from .base import Section, rule, violations


class VSwitchSpec(Section):
    """One vSwitch to create."""

    zone_id: str = Field(description="Zone of the vSwitch, e.g. 'cn-hangzhou-i'; must belong to the stack's region.")
    cidr: IPv4Network = Field(description="CIDR block of the vSwitch; must lie inside `network.vpc_cidr`.")


class NetworkConfig(Section):
    """Create a VPC, vSwitches, an Internet NAT gateway, its EIP and SNAT entries, or reuse existing vSwitches."""

    existing_vswitch_ids: list[VSwitchId] = Field(
        default_factory=list,
        max_length=5,
        description="Reuse these vSwitches (1-5) instead of creating a VPC, vSwitches, NAT gateway, EIP and SNAT.",
    )
    vpc_cidr: IPv4Network = Field(IPv4Network("192.168.0.0/16"), description="CIDR block of the VPC to create.")
    vswitches: list[VSwitchSpec] = Field(
        default_factory=list,
        max_length=5,
        description="vSwitches to create, one per zone; two zones are recommended for NAT and cluster resilience. "
        "The NAT gateway sits in the first one's zone.",
    )
    nat_eip_charge_type: Literal[tuple(EIP_BILLING)] = Field(  # type: ignore[valid-type]
        "PayByTraffic",
        description="How the NAT gateway's EIP is billed: 'PayByTraffic' (per GB sent out; downloads are inbound) "
        "allows up to 200 Mbit/s, 'PayByBandwidth' (the bandwidth, every hour) up to 500.",
    )
    nat_bandwidth_mbps: int = Field(
        200, ge=1, description="Bandwidth of the NAT gateway's EIP in Mbit/s (image pulls, model hubs)."
    )

    @rule("vswitches", "existing_vswitch_ids")
    def _one_source_of_vswitches(self):
        yield from violations((bool(self.vswitches) != bool(self.existing_vswitch_ids), "vswitches",
                               "set exactly one of `vswitches` (create a network) or `existing_vswitch_ids` "
                               "(reuse one)"))

    @rule("vswitches", "vpc_cidr")
    def _vswitches_inside_the_vpc(self):
        yield from violations(*[
            (spec.cidr.subnet_of(self.vpc_cidr), f"vswitches.{i}.cidr",
             f"{spec.cidr} is not inside vpc_cidr {self.vpc_cidr}")
            for i, spec in enumerate(self.vswitches)
        ])

    @rule("vswitches")
    def _vswitches_apart(self):
        for i, spec in enumerate(self.vswitches):
            for j, other in enumerate(self.vswitches[:i]):
                yield from violations((not spec.cidr.overlaps(other.cidr), f"vswitches.{i}.cidr",
                                       f"{spec.cidr} overlaps vswitches.{j}.cidr ({other.cidr}): vSwitch CIDRs must "
                                       "be disjoint"))

    @rule("vswitches")
    def _one_vswitch_per_zone(self):
        yield from violations((len({s.zone_id for s in self.vswitches}) == len(self.vswitches), "vswitches",
                               "one vSwitch per zone: zone ids must be distinct"))

    @rule("nat_eip_charge_type", "nat_bandwidth_mbps")
    def _eip_within_limits(self):
        billing = EIP_BILLING[self.nat_eip_charge_type]
        others = ", ".join(f"{b.internet_charge_type} {b.min_mbps}-{b.max_mbps}" for b in EIP_BILLING.values()
                           if b is not billing)
        yield from violations((
            billing.min_mbps <= self.nat_bandwidth_mbps <= billing.max_mbps, "nat_bandwidth_mbps",
            f"{self.nat_bandwidth_mbps} Mbit/s is outside {billing.min_mbps}-{billing.max_mbps}, what a pay-as-you-go "
            f"{billing.internet_charge_type} EIP allows (other billing: {others}); {billing.source.cite()}"))

    @property
    def creates_network(self) -> bool:
        return bool(self.vswitches)
