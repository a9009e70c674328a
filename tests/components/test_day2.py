"""Day 2 on the serving side: parking, rollouts with surge, autoscaling whole groups, the GPU pods' security group."""

import pytest

from components.isolation import PodSecurityGroupArgs, ingress_rules
from config.engines import ENGINES
from tests.test_config import load, problems

LWS = "kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet"
JOB = "kubernetes:batch/v1:Job"
HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
STATEFUL = ("alicloud:oss/bucket:Bucket", "alicloud:cs/managedKubernetes:ManagedKubernetes",
            "kubernetes:data.fluid.io/v1alpha1:Dataset", "kubernetes:data.fluid.io/v1alpha1:JindoRuntime", LWS)


def gpu_pods(run) -> int:
    spec = run.one(LWS).inputs["spec"]
    return spec["replicas"] * spec["leaderWorkerTemplate"]["size"]


def test_parked_prod_runs_no_gpu_pod_and_keeps_every_stateful_urn(rendered, render):
    running, parked = rendered("prod"), render("prod", {"serving.parked": True})
    assert gpu_pods(running) == 2 and gpu_pods(parked) == 0
    for kind in STATEFUL:
        assert [node.urn for node in parked.of_type(kind)] == [node.urn for node in running.of_type(kind)], kind
    assert not [node for node in parked.of_type(JOB) if "smoke" in node.name]  # nothing answers, by design
    gate = parked.one(JOB, "deepseek-acs-prod-rollout")
    args = gate.inputs["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args[args.index("--groups") + 1] == "0"  # the gate waits for the old pods to go


def test_resuming_renders_what_ran_before_parking(rendered, render):
    resumed = render("prod", {"serving.parked": False})
    before = {node.urn: node.inputs for node in rendered("prod").nodes}
    assert {node.urn: node.inputs for node in resumed.nodes} == before


def test_the_cache_can_park_with_the_gpus(render):
    run = render("prod", {"serving.parked": True, "storage.fluid.park_with_serving": True})
    assert run.one("kubernetes:data.fluid.io/v1alpha1:JindoRuntime").inputs["spec"]["replicas"] == 0
    assert not run.of_type("kubernetes:data.fluid.io/v1alpha1:DataLoad")  # resuming warms the cache again


def test_a_surge_group_needs_declared_gpu_headroom():
    assert "declare serving.gpu_quota" in problems("prod", {"serving.rollout": {"max_surge": 1}})["serving.rollout.max_surge"]
    found = problems("prod", {"serving.rollout": {"max_surge": 1}, "serving.gpu_quota": 16})
    assert "1 + 1 groups x 16 GPUs = 32, above serving.gpu_quota (16)" in found["serving.rollout.max_surge"]
    assert load("prod", {"serving.rollout": {"max_surge": 1}, "serving.gpu_quota": 32}).serving.rollout.max_surge == 1


def test_the_rollout_settings_reach_the_leaderworkerset(render):
    run = render("prod", {"serving.rollout": {"max_surge": 1, "max_unavailable": 0}, "serving.gpu_quota": 32})
    assert run.one(LWS).inputs["spec"]["rolloutStrategy"] == {
        "type": "RollingUpdate", "rollingUpdateConfiguration": {"maxSurge": 1, "maxUnavailable": 0}}
    assert "cannot be 0 while max_surge is 0" in problems("prod", {"serving.rollout": {"max_unavailable": 0}})[
        "serving.rollout.max_unavailable"]


AUTOSCALING = {"serving.autoscaling": {"enabled": True, "min_groups": 1, "max_groups": 3}, "serving.gpu_quota": 48}


def test_the_autoscaler_scales_whole_groups_on_the_engines_queue(render):
    run = render("prod", AUTOSCALING)
    hpa = run.one(HPA).inputs["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "leaderworkerset.x-k8s.io/v1", "kind": "LeaderWorkerSet",
                                     "name": "deepseek-r1"}
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (1, 3)
    assert hpa["metrics"][0]["pods"]["metric"]["name"] == "vllm:num_requests_waiting"
    assert hpa["behavior"]["scaleDown"]["stabilizationWindowSeconds"] == 60 * 60
    assert run.one(LWS).options["ignore_changes"] == ["spec.replicas"]  # Pulumi never fights the autoscaler


def test_autoscaling_bounds_and_stabilisation_are_validated():
    found = problems("prod", {**AUTOSCALING, "serving.gpu_quota": 32})
    assert "3 groups x 16 GPUs exceed serving.gpu_quota (32)" in found["serving.autoscaling.max_groups"]
    found = problems("prod", {"serving.autoscaling": {"enabled": True, "max_groups": 3}})
    assert "declare serving.gpu_quota" in found["serving.autoscaling.max_groups"]
    found = problems("prod", {**AUTOSCALING, "serving.autoscaling": {
        "enabled": True, "max_groups": 3, "scale_down_stabilization_minutes": 5}})
    assert "shorter than a group's expected cold start" in found["serving.autoscaling.scale_down_stabilization_minutes"]
    found = problems("prod", {"serving.autoscaling": {"enabled": True, "min_groups": 3, "max_groups": 2}})
    assert "must be at least min_groups (3)" in found["serving.autoscaling.max_groups"]


def test_no_autoscaler_while_parked(render):
    assert not render("prod", {**AUTOSCALING, "serving.parked": True}).of_type(HPA)


@pytest.mark.parametrize("engine", ENGINES.values(), ids=lambda engine: engine.name)
def test_the_security_group_admits_the_engines_ports_and_nothing_wider(engine):
    rules = ingress_rules(PodSecurityGroupArgs("vpc-1", 8000, ["10.0.0.0/18", "10.0.64.0/18"], ["10.9.0.0/16"]))
    low, high = map(int, rules[0]["port_range"].split("/"))
    # Within the group: the engine's rendezvous port and the ephemeral ports NCCL and the queues use.
    assert rules[0]["source"] == "self" and low <= engine.group_port.value <= high and (low, high) == (1, 65535)
    clients = rules[1:]
    assert {rule["cidr"] for rule in clients} == {"10.0.0.0/18", "10.0.64.0/18", "10.9.0.0/16"}
    assert all(rule["port_range"] == "8000/8000" for rule in clients)
    assert not [rule for rule in rules if rule.get("cidr") == "0.0.0.0/0"]


def test_prod_gpu_pods_carry_the_security_group(rendered):
    run = rendered("prod")
    group = run.one("alicloud:ecs/securityGroup:SecurityGroup")
    assert group.inputs["securityGroupType"] == "normal" and group.inputs["innerAccessPolicy"] == "Accept"
    rules = run.of_type("alicloud:ecs/securityGroupRule:SecurityGroupRule")
    assert {rule.inputs.get("cidrIp") for rule in rules} == {None, "10.0.0.0/18", "10.0.64.0/18"}
    template = run.one(LWS).inputs["spec"]["leaderWorkerTemplate"]
    for role in ("leaderTemplate", "workerTemplate"):
        assert "network.alibabacloud.com/security-group-ids" in template[role]["metadata"]["annotations"]
    assert not rendered("dev").of_type("alicloud:ecs/securityGroup:SecurityGroup")
