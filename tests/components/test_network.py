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
    run = render("prod", {"network.existing_vswitch_ids": ["vsw-abc123", "vsw-def456"], "network.vswitches": []})
    for typ in NETWORK_TYPES:
        assert not run.of_type(typ), typ
    cluster = run.one("alicloud:cs/managedKubernetes:ManagedKubernetes")
    assert cluster.inputs["vswitchIds"] == ["vsw-abc123", "vsw-def456"]
