"""`serving.service`: the Service in front of the leaders, and who may reach it."""

from ipaddress import IPv4Network
from typing import Literal

from pydantic import Field

from ..types import DnsLabel
from .base import Section, rule, violations


class ServiceConfig(Section):
    type: Literal["ClusterIP", "LoadBalancer"] = Field("ClusterIP", description="How the leader is exposed.")
    internet_facing: bool = Field(
        False, description="LoadBalancer only: an internet CLB instead of an intranet one. Needs an API key."
    )
    allowed_namespaces: list[DnsLabel] = Field(
        default_factory=list,
        description="Namespaces whose pods may reach the serving port (NetworkPolicy); the service's own "
        "namespace is always allowed.",
    )
    allowed_cidrs: list[IPv4Network] = Field(
        default_factory=list,
        description="LoadBalancer only: client networks the NetworkPolicy admits on the serving port (e.g. the "
        "VPC CIDR for an intranet load balancer).",
    )

    @rule("internet_facing", "type")
    def _internet_only_for_lb(self):
        yield from violations((not self.internet_facing or self.type == "LoadBalancer", "internet_facing",
                               "only a LoadBalancer can be internet-facing"))

    @rule("type", "allowed_cidrs")
    def _cidrs_only_for_lb(self):
        yield from violations(
            (self.type != "LoadBalancer" or bool(self.allowed_cidrs), "allowed_cidrs",
             "a LoadBalancer needs the client networks its NetworkPolicy admits, e.g. ['10.0.0.0/16']"),
            (self.type == "LoadBalancer" or not self.allowed_cidrs, "allowed_cidrs",
             "only used with a LoadBalancer; in-cluster clients are admitted by namespace"),
        )
