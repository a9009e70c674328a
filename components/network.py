"""The VPC the ACS pods run in: vSwitches, and an Internet NAT gateway so serverless pods can pull images."""

from dataclasses import dataclass

import pulumi
from pulumi_alicloud import ecs, vpc

from config.platform.network import NAT_GATEWAY
from config.schema import NetworkConfig


@dataclass(frozen=True)
class NetworkArgs:
    config: NetworkConfig
    """The stack's `network` section."""


def nat_zone(zones: list[str], offered: list[str]) -> str:
    """The first of our vSwitch zones where an enhanced NAT gateway can be created, or a readable error."""
    for zone in zones:
        if zone in offered:
            return zone
    raise pulumi.RunError(
        f"none of the vSwitch zones {zones} offers an enhanced NAT gateway (offered here: {', '.join(offered)}); "
        "add a vSwitch in one of those zones (network.vswitches)"
    )


class Network(pulumi.ComponentResource):
    """Creates VPC -> vSwitches -> NAT gateway + EIP -> one SNAT entry per vSwitch, or reuses vSwitches."""

    vswitch_ids: pulumi.Output[list[str]]
    """vSwitches the cluster places its pods in."""
    egress_ready: list[pulumi.Resource]
    """Resources that must exist before pods can reach the Internet (empty when reusing a network)."""
    vpc_id: pulumi.Output[str] | None
    """The created VPC (None when reusing vSwitches): where the pods' security group lives."""

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("deepseek-acs:network:Network", name, None, opts)
        config = args.config
        if config.existing_vswitch_ids:
            self.vswitch_ids = pulumi.Output.from_input(list(config.existing_vswitch_ids))
            self.egress_ready, self.vpc_id = [], None
        else:
            self._create(name, config)
        self.register_outputs({"vswitch_ids": self.vswitch_ids})

    def _create(self, name: str, config: NetworkConfig) -> None:
        child = pulumi.ResourceOptions(parent=self)
        network = vpc.Network(f"{name}-vpc", vpc_name=name, cidr_block=str(config.vpc_cidr), opts=child)
        self.vpc_id = network.id
        switches = {
            spec.zone_id: vpc.Switch(
                f"{name}-{spec.zone_id}",
                vswitch_name=f"{name}-{spec.zone_id}",
                vpc_id=network.id,
                zone_id=spec.zone_id,
                cidr_block=str(spec.cidr),
                opts=child,
            )
            for spec in config.vswitches
        }
        # Not every zone offers the enhanced NAT gateway: checked at preview, before anything is created.
        offered = vpc.get_enhanced_nat_available_zones_output(opts=pulumi.InvokeOutputOptions(parent=self)).zones
        zone = offered.apply(lambda zones: nat_zone(list(switches), [z.zone_id for z in zones]))
        nat = vpc.NatGateway(
            f"{name}-nat",
            nat_gateway_name=f"{name}-nat",
            vpc_id=network.id,
            vswitch_id=pulumi.Output.all(zone, *[switch.id for switch in switches.values()]).apply(
                lambda parts: dict(zip(switches, parts[1:]))[parts[0]]),
            **NAT_GATEWAY.value,
            opts=child,
        )
        eip = ecs.EipAddress(
            f"{name}-eip",
            address_name=f"{name}-nat",
            bandwidth=str(config.nat_bandwidth_mbps),
            internet_charge_type=config.nat_eip_charge_type,
            payment_type="PayAsYouGo",
            opts=child,
        )
        association = ecs.EipAssociation(
            f"{name}-eip-nat", allocation_id=eip.id, instance_id=nat.id, instance_type="Nat", opts=child
        )
        # SNAT needs the EIP bound to the gateway first; the table id alone does not express that.
        after_association = pulumi.ResourceOptions(parent=self, depends_on=[association])
        self.egress_ready = [
            vpc.SnatEntry(
                f"{name}-snat-{zone_id}",
                snat_entry_name=f"{name}-{zone_id}",
                snat_table_id=nat.snat_table_ids,
                snat_ip=eip.ip_address,
                source_vswitch_id=switch.id,
                opts=after_association,
            )
            for zone_id, switch in switches.items()
        ]
        self.vswitch_ids = pulumi.Output.all(*[switch.id for switch in switches.values()])
