"""Each platform fact the config relies on is pinned by a rule: a value outside the platform's range is refused
with the limit and the fact's source in the message, and the committed stacks keep inside it."""

import pytest

import config
from config.platform import kubernetes, network
from config.platform.regions import REGIONS
from tests.conftest import changed_config


def problems(stack: str, changes: dict) -> dict[str, str]:
    raw, secrets = changed_config(stack, changes)
    with pytest.raises(config.ConfigError) as caught:
        config.load(raw, secrets, stack)
    return dict(caught.value.problems)


def load(stack: str, changes: dict):
    return config.load(*changed_config(stack, changes), stack)


@pytest.mark.parametrize("version", ["1.33", "1.33.3-aliyun.1", "1.34", "1.32"])
def test_end_of_life_or_uncreatable_kubernetes_is_refused_with_its_source(version):
    message = problems("prod", {"cluster.kubernetes_version": version})["cluster.kubernetes_version"]
    assert "allowed: 1.36, 1.35 or unset" in message and kubernetes.ACK_VERSIONS.url in message
    assert "end of support on 20" in message


@pytest.mark.parametrize("version", ["1.35", "1.36", "1.36.2-aliyun.1"])
def test_a_current_minor_is_accepted(version):
    assert load("prod", {"cluster.kubernetes_version": version}).cluster.kubernetes_version == version


def test_end_of_life_is_judged_on_the_facts_date_not_today():
    assert kubernetes.supported("1.35") and not kubernetes.supported("1.34")  # 1.34 ended 2026-09-30
    assert kubernetes.MINORS["1.34"].end_of_life < kubernetes.FACTS_DATE.value < kubernetes.MINORS["1.35"].end_of_life


@pytest.mark.parametrize(("charge", "mbps", "ok"), [
    ("PayByTraffic", 200, True), ("PayByTraffic", 201, False), ("PayByTraffic", 500, False),
    ("PayByBandwidth", 500, True), ("PayByBandwidth", 501, False), ("PayByTraffic", 0, False),
])
def test_eip_bandwidth_stays_within_its_billing_modes_limits(charge, mbps, ok):
    changes = {"network.nat_eip_charge_type": charge, "network.nat_bandwidth_mbps": mbps}
    if ok:
        assert load("prod", changes).network.nat_bandwidth_mbps == mbps
        return
    message = problems("prod", changes)["network.nat_bandwidth_mbps"]
    if mbps >= 1:
        limit = network.EIP_BILLING[charge]
        assert f"outside {limit.min_mbps}-{limit.max_mbps}" in message and network.EIP_SOURCE.url in message


def test_vswitch_cidrs_may_not_overlap_each_other():
    switches = [{"zone_id": "cn-hangzhou-i", "cidr": "10.0.0.0/18"}, {"zone_id": "cn-hangzhou-j", "cidr": "10.0.32.0/20"}]
    assert "overlaps vswitches.0.cidr (10.0.0.0/18)" in problems("prod", {"network.vswitches": switches})[
        "network.vswitches.1.cidr"]


def test_a_reused_cluster_needs_no_network_and_refuses_one():
    stack = load("prod", {"cluster.existing_cluster_id": "c0123456789abcdef", "network": None,
                          "serving.pod_security_group": False})
    assert stack.network is None
    assert "not used with cluster.existing_cluster_id" in problems(
        "prod", {"cluster.existing_cluster_id": "c0123456789abcdef"})["network"]
    assert "required to create a cluster" in problems("prod", {"network": None})["network"]


@pytest.mark.parametrize(("region", "hint"), [("cn-hangzou", "did you mean 'cn-hangzhou'"),
                                              ("cn-shanghia", "did you mean 'cn-shanghai'"),
                                              ("xx-nowhere-1", "allowed: cn-hangzhou")])
def test_a_region_outside_the_facts_is_refused_with_a_suggestion(region, hint):
    message = problems("prod", {"alicloud:region": region})["alicloud:region"]
    assert hint in message and "not a region ACS runs in" in message


@pytest.mark.parametrize(("region", "zone", "ok"), [
    ("cn-hangzhou", "cn-hangzhou-a", False),   # not among Hangzhou's zones
    ("cn-hangzhou", "cn-hangzhou-k", True),
    ("cn-beijing", "cn-beijing-h", True),       # form only: Beijing's zones are not listed
    ("ap-southeast-1", "ap-southeast-1-a", False),  # abroad the letter follows without a hyphen
    ("ap-southeast-1", "ap-southeast-1a", True),
])
def test_zones_have_their_regions_form(region, zone, ok):
    changes = {"alicloud:region": region, "network.vswitches": [{"zone_id": zone, "cidr": "10.0.0.0/18"}]}
    if ok:
        assert load("prod", changes).network.vswitches[0].zone_id == zone
    else:
        assert f"{zone!r} is not a zone of {region} (zone ids there are '{REGIONS[region].zone_form()}'" in problems(
            "prod", changes)["network.vswitches.0.zone_id"]


def test_a_private_endpoint_is_refused_for_a_reused_cluster():
    found = problems("prod", {"cluster.existing_cluster_id": "c0123456789abcdef", "cluster.api_server": "private",
                              "network": None, "serving.pod_security_group": False})
    assert "applies to a cluster this stack creates" in found["cluster.api_server"]
