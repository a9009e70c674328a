"""Inference: the LeaderWorkerSet is the guide's deployment with its flaws fixed; Service, NetworkPolicy,
readiness wait and exports."""

import pytest

from offline.engine import SECRET_MASK
from tests.test_config import load

LWS = "kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet"
SERVICE = "kubernetes:core/v1:Service"
ACS_LABELS = ("alibabacloud.com/compute-class", "alibabacloud.com/compute-qos", "alibabacloud.com/gpu-model-series")


def lws_spec(run) -> dict:
    return run.one(LWS).inputs["spec"]


def container(run, role: str) -> dict:
    return lws_spec(run)["leaderWorkerTemplate"][f"{role}Template"]["spec"]["containers"][0]


def env(run, role: str) -> dict:
    return {item["name"]: item.get("value", item.get("valueFrom")) for item in container(run, role)["env"]}


def flag(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def test_prod_is_the_guides_deployment(rendered):
    run = rendered("prod")
    spec = lws_spec(run)
    template = spec["leaderWorkerTemplate"]
    assert spec["replicas"] == 1 and template["size"] == 2
    for role in ("leader", "worker"):
        resources = container(run, role)["resources"]
        assert resources["requests"] == resources["limits"] == {"cpu": "64", "memory": "476Gi", "nvidia.com/gpu": "8"}
        pod = template[f"{role}Template"]["spec"]
        assert {"name": "shm", "emptyDir": {"medium": "Memory", "sizeLimit": "32Gi"}} in pod["volumes"]
        model = next(volume for volume in pod["volumes"] if volume["name"] == "model")
        assert model["persistentVolumeClaim"]["claimName"] == run.one(
            "kubernetes:data.fluid.io/v1alpha1:Dataset").inputs["metadata"]["name"]
    args = container(run, "leader")["command"]
    assert args[3:6] == ["vllm", "serve", "/models/DeepSeek-R1"]
    assert flag(args, "--tensor-parallel-size") == "8" and flag(args, "--pipeline-parallel-size") == "2"
    assert flag(args, "--served-model-name") == "ds" and "--distributed-executor-backend" not in args


def test_rdma_labels_and_nccl_settings(rendered):
    run = rendered("prod")
    for role in ("leader", "worker"):
        labels = lws_spec(run)["leaderWorkerTemplate"][f"{role}Template"]["metadata"]["labels"]
        assert labels["alibabacloud.com/hpn-type"] == "rdma"
        variables = env(run, role)
        assert {key: variables[key] for key in ("NCCL_SOCKET_IFNAME", "NCCL_IB_HCA", "NCCL_IB_GID_INDEX", "NCCL_IB_TC",
                                                 "NCCL_IB_SL", "NCCL_NET_PLUGIN")} == {
            "NCCL_SOCKET_IFNAME": "eth0", "NCCL_IB_HCA": "mlx5", "NCCL_IB_GID_INDEX": "3", "NCCL_IB_TC": "136",
            "NCCL_IB_SL": "5", "NCCL_NET_PLUGIN": "none"}


def test_without_rdma_no_infiniband_settings(rendered):
    run = rendered("dev")
    labels = lws_spec(run)["leaderWorkerTemplate"]["leaderTemplate"]["metadata"]["labels"]
    assert "alibabacloud.com/hpn-type" not in labels and "alibabacloud.com/fluid-sidecar-target" not in labels
    assert not [name for name in env(run, "leader") if name.startswith("NCCL_IB") or name == "NCCL_NET_PLUGIN"]
    assert env(run, "leader")["NCCL_SOCKET_IFNAME"] == "eth0"


def test_group_policies_cannot_deadlock_and_recreate_the_group(rendered):
    spec = lws_spec(rendered("prod"))
    assert spec["startupPolicy"] == "LeaderCreated"
    assert spec["leaderWorkerTemplate"]["restartPolicy"] == "RecreateGroupOnPodRestart"


def test_pods_start_through_the_projects_launch_scripts(rendered):
    run = rendered("prod")
    configmap = run.one("kubernetes:core/v1:ConfigMap", "deepseek-acs-prod-launch").inputs
    assert sorted(configmap["data"]) == ["deepseek_acs_auth.py", "launch.sh", "ray-bootstrap.sh"]
    assert configmap["data"]["launch.sh"].startswith("#!/bin/sh")
    for role in ("leader", "worker"):
        assert container(run, role)["command"][:3] == ["/bin/sh", "/opt/deepseek-acs/launch.sh", role]
        pod = lws_spec(run)["leaderWorkerTemplate"][f"{role}Template"]
        assert {"name": "launch", "configMap": {"name": configmap["metadata"]["name"], "defaultMode": 0o555}} in pod["spec"]["volumes"]
        assert len(pod["metadata"]["annotations"]["deepseek-acs/launch-sha256"]) == 64
    assert env(run, "leader")["GROUP_FORMATION_TIMEOUT_SECONDS"] == "1800"
    assert "/vllm-workspace/ray_init.sh" not in str(lws_spec(run))


def test_probes_fit_a_long_model_load(rendered):
    leader = container(rendered("prod"), "leader")
    startup = leader["startupProbe"]
    assert startup["httpGet"] == {"path": "/health", "port": "http"}
    assert startup["periodSeconds"] * startup["failureThreshold"] == load("prod").serving.startup_timeout_minutes * 60
    assert leader["readinessProbe"]["httpGet"]["path"] == "/health"
    liveness = leader["livenessProbe"]
    assert liveness["periodSeconds"] * liveness["failureThreshold"] >= 300
    # A headless vLLM worker serves nothing to probe; the guide's Ray workers are probed through Ray.
    worker = container(rendered("prod"), "worker")
    assert not {"startupProbe", "readinessProbe", "livenessProbe"} & set(worker)
    ray_worker = container(rendered("prod-guide"), "worker")
    assert ray_worker["startupProbe"]["exec"]["command"][-1] == "probe" and "livenessProbe" not in ray_worker


def test_acs_labels_never_in_selectors(rendered, each_stack):
    run = rendered(each_stack)
    selectors = [run.one(SERVICE).inputs["spec"]["selector"],
                 *[node.inputs["spec"]["podSelector"]["matchLabels"] for node in run.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")]]
    for selector in selectors:
        assert not [key for key in selector if key.startswith("alibabacloud.com/")]


def test_extra_ephemeral_storage_for_the_image(rendered):
    annotations = lws_spec(rendered("prod"))["leaderWorkerTemplate"]["workerTemplate"]["metadata"]["annotations"]
    assert annotations["alibabacloud.com/extra-ephemeral-storage"] == "30Gi"


def test_service_fronts_the_leaders_only_under_another_name(rendered):
    run = rendered("prod")
    service = run.one(SERVICE).inputs
    assert service["metadata"]["name"] == "deepseek-r1-leader" != run.one(LWS).inputs["metadata"]["name"]
    assert service["spec"]["selector"] == {"leaderworkerset.sigs.k8s.io/name": "deepseek-r1",
                                           "leaderworkerset.sigs.k8s.io/worker-index": "0"}
    assert service["spec"]["type"] == "ClusterIP"


def test_internal_load_balancer_option(render):
    run = render("dev", {"serving.service.type": "LoadBalancer", "serving.service.allowed_cidrs": ["192.168.0.0/16"]})
    service = run.one(SERVICE).inputs
    assert service["spec"]["type"] == "LoadBalancer"
    assert service["metadata"]["annotations"][
        "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type"] == "intranet"


def test_load_balancer_clients_are_admitted_by_network_only(render):
    changes = {"serving.service.type": "LoadBalancer", "serving.service.allowed_cidrs": ["192.168.0.0/16"]}
    spec = render("dev", changes).one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "deepseek-acs-dev-ingress").inputs["spec"]
    api = spec["ingress"][1]
    assert api["from"] == [{"podSelector": {}}, {"ipBlock": {"cidr": "192.168.0.0/16"}}]
    assert api["ports"] == [{"protocol": "TCP", "port": 8000}]


def test_network_policy_admits_the_port_only_from_allowed_namespaces(render):
    run = render("dev", {"serving.service.allowed_namespaces": ["gateway", "apps"]})
    spec = run.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "deepseek-acs-dev-ingress").inputs["spec"]
    group, api = spec["ingress"]
    assert group == {"from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "deepseek-r1-distill"}}}]}
    assert api["ports"] == [{"protocol": "TCP", "port": 8000}]
    assert api["from"][1]["namespaceSelector"]["matchExpressions"][0]["values"] == ["apps", "gateway"]
    assert spec["policyTypes"] == ["Ingress"]


def test_api_key_reaches_vllm_from_a_mounted_secret(rendered):
    run = rendered("prod")
    secret = run.one("kubernetes:core/v1:Secret", "deepseek-acs-prod-api-key").inputs
    assert secret["stringData"] == {"api-key": SECRET_MASK}
    assert env(run, "leader")["API_KEY_FILE"] == "/var/run/secrets/deepseek-acs/api-key"
    leader_pod = lws_spec(run)["leaderWorkerTemplate"]["leaderTemplate"]["spec"]
    assert {"name": "api-key", "secret": {"secretName": "deepseek-r1-api-key", "defaultMode": 0o400}} in leader_pod["volumes"]
    assert {"name": "api-key", "mountPath": "/var/run/secrets/deepseek-acs", "readOnly": True} in container(run, "leader")["volumeMounts"]
    assert "API_KEY_FILE" not in env(run, "worker") and "VLLM_API_KEY" not in env(run, "leader")
    assert env(run, "leader")["API_KEY_ENV"] == "VLLM_API_KEY"
    assert "--api-key" not in container(run, "leader")["command"]


def test_pods_are_locked_down(rendered):
    run = rendered("prod")
    for role in ("leader", "worker"):
        pod = lws_spec(run)["leaderWorkerTemplate"][f"{role}Template"]["spec"]
        assert pod["automountServiceAccountToken"] is False
        assert pod["securityContext"] == {"seccompProfile": {"type": "RuntimeDefault"}}
        assert container(run, role)["securityContext"] == {
            "allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"], "add": ["IPC_LOCK"]}}
    assert container(rendered("dev"), "leader")["securityContext"]["capabilities"] == {"drop": ["ALL"]}


def test_no_api_key_no_secret(rendered):
    run = rendered("dev")
    assert "API_KEY_FILE" not in env(run, "leader")
    assert not [node for node in run.of_type("kubernetes:core/v1:Secret") if node.name.endswith("api-key")]


def test_workload_waits_for_its_operator_and_its_model(rendered):
    run = rendered("prod")
    workload = run.one(LWS)
    assert run.one("kubernetes:helm.sh/v3:Release", "deepseek-acs-prod-lws").urn in workload.dependencies
    assert run.one("kubernetes:batch/v1:Job", "deepseek-acs-prod-warmup-wait").urn in workload.dependencies
    dev = rendered("dev").one(LWS)
    assert rendered("dev").one("kubernetes:core/v1:PersistentVolumeClaim").urn in dev.dependencies
    assert rendered("dev").one("kubernetes:helm.sh/v3:Release").urn in dev.dependencies


@pytest.mark.parametrize(("pods", "gpus", "tp", "pp"), [(4, 8, 8, 4), (2, 4, 4, 2), (1, 8, 8, 1)])
def test_parallel_layout_changes_flow_through_consistently(render, pods, gpus, tp, pp):
    changes = {"serving.pods_per_group": pods, "serving.gpus_per_pod": gpus,
               "serving.tensor_parallel": tp, "serving.pipeline_parallel": pp, "serving.gpu_memory_gib": 141}
    run = render("prod", changes)
    assert lws_spec(run)["leaderWorkerTemplate"]["size"] == pods
    for role in ("leader", "worker"):
        assert container(run, role)["resources"]["limits"]["nvidia.com/gpu"] == str(gpus)
    args = container(run, "leader")["command"]
    assert (flag(args, "--tensor-parallel-size"), flag(args, "--pipeline-parallel-size")) == (str(tp), str(pp))
    assert ("--nnodes" in args) == (pods > 1)


def test_inconsistent_parallel_layout_fails_before_anything_is_declared(render):
    import pulumi

    with pytest.raises(pulumi.RunError, match="serving.tensor_parallel"):
        render("prod", {"serving.pods_per_group": 4})


def test_exports_say_how_to_reach_and_check_the_model(rendered):
    outputs = rendered("prod").outputs
    assert outputs["service_url"] == "http://deepseek-r1-leader.deepseek.svc.cluster.local:8000"
    assert outputs["served_model_name"] == "ds"
    command = outputs["check_command"]
    assert command.startswith("kubectl -n deepseek port-forward svc/deepseek-r1-leader 8000:8000")
    assert "/v1/chat/completions" in command and "Authorization: Bearer $API_KEY" in command
    assert "Authorization" not in rendered("dev").outputs["check_command"]


def test_up_waits_for_the_new_revision_not_a_stale_available(rendered):
    run = rendered("prod")
    lws = run.one(LWS)
    gate = run.one("kubernetes:batch/v1:Job", "deepseek-acs-prod-rollout")
    assert lws.inputs["metadata"]["annotations"] == {"pulumi.com/skipAwait": "true"}
    assert lws.urn in gate.dependencies
    args = gate.inputs["spec"]["template"]["spec"]["containers"][0]["args"]
    pairs = dict(zip(args, args[1:]))
    templates = lws.inputs["spec"]["leaderWorkerTemplate"]
    hashes = {templates[role]["metadata"]["annotations"]["deepseek-acs/template-hash"]
              for role in ("leaderTemplate", "workerTemplate")}
    assert hashes == {pairs["--revision"]}
    assert (pairs["--lws"], pairs["--groups"], pairs["--size"], pairs["--max-recreations"]) == ("deepseek-r1", "1", "2", "2")
    assert gate.inputs["spec"]["activeDeadlineSeconds"] == (load("prod").serving.ready_timeout_minutes + 1) * 60
    assert gate.urn in run.one("kubernetes:core/v1:Service").dependencies


def test_the_revision_hash_follows_the_templates_only(rendered, render):
    def revision(run):
        return run.one(LWS).inputs["spec"]["leaderWorkerTemplate"]["leaderTemplate"]["metadata"]["annotations"][
            "deepseek-acs/template-hash"]

    assert revision(render("prod", {"serving.max_model_len": 16384})) != revision(rendered("prod"))
    assert revision(render("prod", {"serving.replicas": 2})) == revision(rendered("prod"))
