"""The VPC the ACS pods run in: vSwitches, and an Internet NAT gateway so serverless pods can pull images."""

from dataclasses import dataclass

import pulumi
from pulumi_alicloud import ecs, vpc

from config.schema import NetworkConfig


@dataclass(frozen=True)
class NetworkArgs:
    config: NetworkConfig
    """The stack's `network` section."""


class Network(pulumi.ComponentResource):
    """Creates VPC -> vSwitches -> NAT gateway + EIP -> one SNAT entry per vSwitch, or reuses vSwitches."""

    vswitch_ids: pulumi.Output[list[str]]
    """vSwitches the cluster places its pods in."""
    egress_ready: list[pulumi.Resource]
    """Resources that must exist before pods can reach the Internet (empty when reusing a network)."""

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("deepseek-acs:network:Network", name, None, opts)
        config = args.config
        if config.existing_vswitch_ids:
            self.vswitch_ids = pulumi.Output.from_input(list(config.existing_vswitch_ids))
            self.egress_ready = []
        else:
            self._create(name, config)
        self.register_outputs({"vswitch_ids": self.vswitch_ids})

    def _create(self, name: str, config: NetworkConfig) -> None:
        child = pulumi.ResourceOptions(parent=self)
        network = vpc.Network(f"{name}-vpc", vpc_name=name, cidr_block=str(config.vpc_cidr), opts=child)
        switches = [
            vpc.Switch(
                f"{name}-{spec.zone_id}",
                vswitch_name=f"{name}-{spec.zone_id}",
                vpc_id=network.id,
                zone_id=spec.zone_id,
                cidr_block=str(spec.cidr),
                opts=child,
            )
            for spec in config.vswitches
        ]
        nat = vpc.NatGateway(
            f"{name}-nat",
            nat_gateway_name=f"{name}-nat",
            vpc_id=network.id,
            vswitch_id=switches[0].id,
            nat_type="Enhanced",
            network_type="internet",
            payment_type="PayAsYouGo",
            internet_charge_type="PayByLcu",
            opts=child,
        )
        eip = ecs.EipAddress(
            f"{name}-eip",
            address_name=f"{name}-nat",
            bandwidth=str(config.nat_bandwidth_mbps),
            internet_charge_type="PayByTraffic",
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
                f"{name}-snat-{spec.zone_id}",
                snat_entry_name=f"{name}-{spec.zone_id}",
                snat_table_id=nat.snat_table_ids,
                snat_ip=eip.ip_address,
                source_vswitch_id=switch.id,
                opts=after_association,
            )
            for spec, switch in zip(config.vswitches, switches)
        ]
        self.vswitch_ids = pulumi.Output.all(*[switch.id for switch in switches])
