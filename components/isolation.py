"""Isolation that ACS enforces on GPU pods: a security group attached per pod.

ACS's network-policy add-on enforces NetworkPolicies on CPU instances only, so the policies the inference
service renders do not bind its GPU pods. This security group does: it is a basic group, whose default admits
traffic between its own members and denies every other inbound connection, with explicit rules for what the
pods must receive (the engine's port table, config/engines): within the group, any TCP (the rendezvous port
and the ephemeral ports of NCCL and the engines' queues); on the serving port, the cluster's own networks (in-
cluster clients and the metrics collector) and the client networks the Service admits. Outbound is left to the
group's default (all allowed): image pulls, OSS and the hubs go out through the NAT gateway.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
from pulumi_alicloud import ecs

from config.platform.network import BASIC_SECURITY_GROUP


@dataclass(frozen=True)
class PodSecurityGroupArgs:
    vpc_id: pulumi.Input[str]
    serving_port: int
    cluster_cidrs: Sequence[str]
    """The cluster's vSwitch networks: where in-cluster clients and the metrics collector connect from."""
    client_cidrs: Sequence[str] = ()
    """Networks a LoadBalancer admits (serving.service.allowed_cidrs)."""


def ingress_rules(args: PodSecurityGroupArgs) -> list[dict]:
    """The inbound rules, as data (what the tests check against the engines' ports)."""
    serving = f"{args.serving_port}/{args.serving_port}"
    rules = [{"description": "the group's own pods: rendezvous and NCCL on any port", "ip_protocol": "tcp",
              "port_range": "1/65535", "source": "self"}]
    rules += [{"description": f"serving port from {cidr}", "ip_protocol": "tcp", "port_range": serving, "cidr": cidr}
              for cidr in sorted(set(args.cluster_cidrs) | set(args.client_cidrs))]
    return rules


class PodSecurityGroup(pulumi.ComponentResource):
    """A security group for the GPU pods and its inbound rules; pods join it through an annotation."""

    security_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: PodSecurityGroupArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("deepseek-acs:network:PodSecurityGroup", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        group = ecs.SecurityGroup(
            f"{name}-gpu-pods",
            security_group_name=f"{name}-gpu-pods",
            description="deepseek-acs GPU pods: group traffic and the serving port only",
            vpc_id=args.vpc_id,
            security_group_type="normal",  # basic: members reach each other, all outbound allowed
            inner_access_policy=BASIC_SECURITY_GROUP.value["inner_access_policy"],
            opts=child,
        )
        for index, rule in enumerate(ingress_rules(args)):
            source = {"source_security_group_id": group.id} if rule.get("source") == "self" else {"cidr_ip": rule["cidr"]}
            ecs.SecurityGroupRule(
                f"{name}-gpu-pods-in-{index}",
                type="ingress",
                ip_protocol=rule["ip_protocol"],
                port_range=rule["port_range"],
                nic_type="intranet",
                policy="accept",
                priority=1,
                security_group_id=group.id,
                description=rule["description"],
                opts=child,
                **source,
            )
        self.security_group_id = group.id
        self.register_outputs({"security_group_id": self.security_group_id})
