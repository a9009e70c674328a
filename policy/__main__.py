"""The deepseek-acs policy pack: `pulumi preview --policy-pack policy`."""

from pulumi_policy import PolicyPack
from rules import ENFORCEMENT, POLICIES

PolicyPack(name="deepseek-acs", enforcement_level=ENFORCEMENT, policies=POLICIES)
