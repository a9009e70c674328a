"""The in-cluster waiter against a Kubernetes API stand-in: what it waits for, and how fast it fails."""

import kube_wait  # as the Job imports it (tests/jobs/__init__.py)
import pytest

from tests.jobs.kube_standin import KubeStandin, kube_api
from tests.jobs.loopback import local_ca

NS = "deepseek"
READ_ALL = [r"/apis/apps/v1/namespaces/fluid-system/deployments/[^/]+",
            r"/apis/data\.fluid\.io/v1alpha1/namespaces/deepseek/(dataloads|datasets)/[^/]+",
            r"/api/v1/namespaces/deepseek/pods"]


@pytest.fixture
def api(tmp_path, monkeypatch):
    def start(standin: KubeStandin):
        return kube_api(standin, local_ca(tmp_path), tmp_path, monkeypatch)

    return start


def run(*args: str, timeout: str = "3") -> int:
    return kube_wait.main(["--timeout-seconds", timeout, "--interval-seconds", "0.01", *args])


def deployment(name: str, available: bool, generation: int = 2, observed: int = 2) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "generation": generation},
            "spec": {"replicas": 1}, "status": {"observedGeneration": observed, "availableReplicas": int(available),
                                                 "conditions": [{"type": "Available",
                                                                 "status": "True" if available else "False"}]}}


def test_controllers_are_waited_for_until_available(api, capsys):
    path = "/apis/apps/v1/namespaces/fluid-system/deployments/"

    def progress(standin):
        if standin.requests == 3:  # created, not yet available
            standin.put(path + "dataset-controller", deployment("dataset-controller", False))
            standin.put(path + "fluid-webhook", deployment("fluid-webhook", True))
        if standin.requests == 9:
            standin.put(path + "dataset-controller", deployment("dataset-controller", True))

    with api(KubeStandin(READ_ALL, progress)):
        assert run("deployments", "--namespace", "fluid-system", "--name", "dataset-controller",
                   "--name", "fluid-webhook") == 0
    out = capsys.readouterr().out
    assert "dataset-controller (not created yet)" in out and "dataset-controller (0/1 available)" in out


def test_a_deployment_not_yet_at_its_generation_is_not_ready(api):
    standin = KubeStandin(READ_ALL)
    standin.put("/apis/apps/v1/namespaces/fluid-system/deployments/w", deployment("w", True, generation=3, observed=2))
    with api(standin):
        assert run("deployments", "--namespace", "fluid-system", "--name", "w", timeout="0.5") == 2  # timed out


def dataload(phase: str, **failed) -> dict:
    status = {"phase": phase}
    if failed:
        status["conditions"] = [{"type": "Failed", "status": "True", **failed}]
    return {"apiVersion": "data.fluid.io/v1alpha1", "kind": "DataLoad", "metadata": {"name": "m-warmup"},
            "status": status}


def dataset(percentage: str) -> dict:
    return {"apiVersion": "data.fluid.io/v1alpha1", "kind": "Dataset", "metadata": {"name": "m"},
            "status": {"phase": "Bound", "cacheStates": {"cachedPercentage": percentage}}}


LOAD = f"/apis/data.fluid.io/v1alpha1/namespaces/{NS}/dataloads/m-warmup"
SET = f"/apis/data.fluid.io/v1alpha1/namespaces/{NS}/datasets/m"


def test_a_completed_warm_up_of_the_whole_model_passes(api):
    def progress(standin):
        standin.put(LOAD, dataload("Executing" if standin.requests < 5 else "Complete"))
        standin.put(SET, dataset("100.0%"))

    with api(KubeStandin(READ_ALL, progress)):
        assert run("dataload", "--namespace", NS, "--name", "m-warmup", "--dataset", "m") == 0


def test_a_failed_warm_up_fails_at_once_with_fluids_reason(api, capsys):
    standin = KubeStandin(READ_ALL)
    standin.put(LOAD, dataload("Failed", reason="BackoffLimitExceeded", message="Job has reached the backoff limit"))
    with api(standin):
        assert kube_wait.main(["--timeout-seconds", "600", "--interval-seconds", "0.01", "dataload", "--namespace", NS,
                               "--name", "m-warmup", "--dataset", "m"]) == 1
    assert standin.requests == 1  # no waiting out the load timeout
    assert "failed: DataLoad m-warmup failed: BackoffLimitExceeded Job has reached the backoff limit" in \
        capsys.readouterr().out


def test_complete_with_nothing_cached_is_a_failure(api, capsys):
    standin = KubeStandin(READ_ALL)
    standin.put(LOAD, dataload("Complete"))
    standin.put(SET, dataset("0.0%"))
    with api(standin):
        assert run("dataload", "--namespace", NS, "--name", "m-warmup", "--dataset", "m") == 1
    assert "holds only 0.0% in cache" in capsys.readouterr().out


def pod(name: str, uid: str, revision: str, leader: bool, ready: bool, exit_code: int | None = None,
        group: str = "0") -> dict:
    status = {"phase": "Running", "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}
    if exit_code is not None:
        status["containerStatuses"] = [{"name": "engine", "restartCount": 1, "lastState": {"terminated": {
            "exitCode": exit_code, "reason": "Error"}}}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {
        "name": name, "uid": uid, "annotations": {"deepseek-acs/template-hash": revision},
        "labels": {"leaderworkerset.sigs.k8s.io/name": "ds", "leaderworkerset.sigs.k8s.io/group-index": group,
                   "leaderworkerset.sigs.k8s.io/worker-index": "0" if leader else "1"}}, "status": status}


PODS = f"/api/v1/namespaces/{NS}/pods/"
ROLLOUT = ["rollout", "--namespace", NS, "--lws", "ds", "--revision", "new", "--groups", "1", "--size", "2"]


def test_the_gate_opens_only_when_every_pod_runs_the_new_revision(api, capsys):
    def progress(standin):
        if standin.requests == 1:  # the old group still serving: LWS v0.5.0 would report Available
            standin.put(PODS + "ds-0", pod("ds-0", "u1", "old", True, True))
            standin.put(PODS + "ds-0-1", pod("ds-0-1", "u2", "old", False, True))
        if standin.requests == 4:  # recreated at the new revision, loading
            standin.put(PODS + "ds-0", pod("ds-0", "u3", "new", True, False))
            standin.put(PODS + "ds-0-1", pod("ds-0-1", "u4", "new", False, True))
        if standin.requests == 8:
            standin.put(PODS + "ds-0", pod("ds-0", "u3", "new", True, True))

    with api(KubeStandin(READ_ALL, progress)):
        assert run(*ROLLOUT) == 0
    out = capsys.readouterr().out
    assert "0/2 pods of revision new ready, 2 of other revisions left" in out
    assert "1/2 pods of revision new ready, 0 of other revisions left" in out


def test_a_stale_group_never_passes(api):
    standin = KubeStandin(READ_ALL)
    standin.put(PODS + "ds-0", pod("ds-0", "u1", "old", True, True))
    with api(standin):
        assert run(*ROLLOUT, timeout="0.5") == 2  # timed out


def test_a_restart_storm_fails_early_with_the_exit_reason(api, capsys):
    def storm(standin):  # every poll: the group was torn down and recreated, its engine exits 1
        standin.put(PODS + "ds-0", pod("ds-0", f"u{standin.requests}", "new", True, False, exit_code=1))

    with api(KubeStandin(READ_ALL, storm)):
        assert kube_wait.main(["--timeout-seconds", "600", "--interval-seconds", "0.01", *ROLLOUT,
                               "--max-recreations", "2"]) == 1
    out = capsys.readouterr().out
    assert "groups were recreated 3 times while rolling out (limit 2)" in out
    assert "container engine exited 1 (Error): kubectl logs ds-0 --previous" in out


def test_missing_rights_are_reported_as_such(api, capsys):
    with api(KubeStandin([])):
        assert run(*ROLLOUT) == 1
    out = capsys.readouterr().out
    assert "the API server refused /api/v1/namespaces/deepseek/pods: pods is forbidden" in out and "RBAC" in out


def test_more_groups_than_the_minimum_pass_and_are_no_recreations(api):
    standin = KubeStandin(READ_ALL)
    for group in ("0", "1", "2"):  # an autoscaler runs three groups; the stack's minimum is one
        standin.put(PODS + f"ds-{group}", pod(f"ds-{group}", f"u{group}", "new", True, True, group=group))
        standin.put(PODS + f"ds-{group}-1", pod(f"ds-{group}-1", f"w{group}", "new", False, True, group=group))
    with api(standin):
        assert kube_wait.main(["--timeout-seconds", "1", "--interval-seconds", "0.01", *ROLLOUT,
                               "--max-recreations", "0"]) == 0


def test_a_parked_set_passes_once_every_pod_is_gone(api):
    standin = KubeStandin(READ_ALL)
    with api(standin):
        assert kube_wait.main(["--timeout-seconds", "1", "--interval-seconds", "0.01", "rollout", "--namespace", NS,
                               "--lws", "ds", "--revision", "new", "--groups", "0", "--size", "2"]) == 0
