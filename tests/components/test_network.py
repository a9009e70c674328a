"""Network: created VPC -> vSwitch -> NAT + EIP -> SNAT, or reused vSwitches."""

NETWORK_TYPES = (
    "alicloud:vpc/network:Network",
    "alicloud:vpc/switch:Switch",
    "alicloud:vpc/natGateway:NatGateway",
    "alicloud:ecs/eipAddress:EipAddress",
    "alicloud:ecs/eipAssociation:EipAssociation",
    "alicloud:vpc/snatEntry:SnatEntry",
)


def test_prod_creates_the_whole_egress_path(rendered):
    run = rendered("prod")
    for typ in NETWORK_TYPES:
        assert run.of_type(typ), typ
    nat = run.one("alicloud:vpc/natGateway:NatGateway")
    assert nat.inputs["natType"] == "Enhanced" and nat.inputs["networkType"] == "internet"
    association = run.one("alicloud:ecs/eipAssociation:EipAssociation")
    assert association.inputs["instanceType"] == "Nat"


def test_one_snat_entry_per_vswitch_after_the_eip_is_bound(rendered):
    run = rendered("prod")
    switches = {node.urn for node in run.of_type("alicloud:vpc/switch:Switch")}
    snats = run.of_type("alicloud:vpc/snatEntry:SnatEntry")
    assert len(snats) == len(switches) == 2
    association = run.one("alicloud:ecs/eipAssociation:EipAssociation").urn
    for snat in snats:
        assert association in snat.dependencies
        assert set(snat.property_dependencies["sourceVswitchId"]) <= switches
        assert snat.inputs["snatIp"] == "203.0.113.10"


def test_cluster_waits_for_egress(rendered):
    run = rendered("prod")
    cluster = run.one("alicloud:cs/managedKubernetes:ManagedKubernetes")
    assert {node.urn for node in run.of_type("alicloud:vpc/snatEntry:SnatEntry")} <= set(cluster.dependencies)


def test_existing_vswitches_create_no_network_and_flow_to_the_cluster(render):
    run = render("prod", {"network.existing_vswitch_ids": ["vsw-abc123", "vsw-def456"], "network.vswitches": [],
                          "serving.pod_security_group": False})
    for typ in NETWORK_TYPES:
        assert not run.of_type(typ), typ
    cluster = run.one("alicloud:cs/managedKubernetes:ManagedKubernetes")
    assert cluster.inputs["vswitchIds"] == ["vsw-abc123", "vsw-def456"]


def test_eip_billing_follows_config(rendered, render):
    eip = rendered("prod").one("alicloud:ecs/eipAddress:EipAddress").inputs
    assert (eip["internetChargeType"], eip["bandwidth"], eip["paymentType"]) == ("PayByTraffic", "200", "PayAsYouGo")
    changed = render("prod", {"network.nat_eip_charge_type": "PayByBandwidth", "network.nat_bandwidth_mbps": 500})
    eip = changed.one("alicloud:ecs/eipAddress:EipAddress").inputs
    assert (eip["internetChargeType"], eip["bandwidth"]) == ("PayByBandwidth", "500")


def test_nat_gateway_settings_are_the_ones_the_provider_accepts(rendered):
    from config.platform.network import NAT_GATEWAY

    nat = rendered("prod").one("alicloud:vpc/natGateway:NatGateway").inputs
    assert {key: nat[camel] for key, camel in (("nat_type", "natType"), ("payment_type", "paymentType"),
            ("internet_charge_type", "internetChargeType"), ("network_type", "networkType"))} == NAT_GATEWAY.value


def test_nat_gateway_goes_to_the_first_zone_that_offers_enhanced_nat():
    import pulumi

    from components.network import nat_zone

    assert nat_zone(["cn-hangzhou-a", "cn-hangzhou-j"], ["cn-hangzhou-i", "cn-hangzhou-j"]) == "cn-hangzhou-j"
    try:
        nat_zone(["cn-hangzhou-a"], ["cn-hangzhou-i"])
    except pulumi.RunError as error:
        assert "none of the vSwitch zones ['cn-hangzhou-a'] offers an enhanced NAT gateway" in str(error)
    else:
        raise AssertionError("a zone without enhanced NAT was accepted")


def test_nat_gateway_sits_in_the_vswitch_of_the_first_zone_offering_it(rendered):
    from offline.engine import _fake_id

    nat = rendered("prod").one("alicloud:vpc/natGateway:NatGateway")
    # Offline the invoke offers cn-hangzhou-h..k; prod's vSwitches are in -i and -j.
    assert nat.inputs["vswitchId"] == _fake_id("vsw-", "deepseek-acs-prod-cn-hangzhou-i")


def test_a_reused_cluster_creates_no_network_at_all(render):
    run = render("prod", {"cluster.existing_cluster_id": "c0123456789abcdef", "network": None,
                          "serving.pod_security_group": False})
    assert not [node for node in run.nodes if node.type.startswith(("alicloud:vpc/", "alicloud:ecs/"))]
