"""Wait, inside the cluster, for what Pulumi's own waits cannot judge, and fail fast with the reason.

  kube_wait.py deployments --namespace NS --name N [--name N ...]
      Every named Deployment Available at its current generation (ack-fluid is installed without Helm's wait).
  kube_wait.py dataload --namespace NS --name DATALOAD --dataset DATASET
      The cache warm-up Complete and the Dataset fully cached; exit 1 at once, with Fluid's reason, on Failed.
  kube_wait.py rollout --namespace NS --lws NAME --revision HASH --groups N --size S [--max-recreations K]
      At least N groups' pods at the new template revision (our `deepseek-acs/template-hash` annotation) and
      Ready, none of another revision left (N = 0: every pod gone, a parked set); exit 1 once groups were recreated more than K times
      (a restart storm burns every GPU of the group on each try). LWS versions without observedGeneration report
      the old Available while a new revision rolls out: this gate does not trust it.

Standard library only, with the pod's service-account token (RBAC: get/list on exactly these objects).
Exit codes: 0 ready, 1 failed (the reason is printed), 2 timed out.
"""

import argparse
import json
import os
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"
REVISION_ANNOTATION = "deepseek-acs/template-hash"
LWS_NAME_LABEL = "leaderworkerset.sigs.k8s.io/name"
WORKER_INDEX_LABEL = "leaderworkerset.sigs.k8s.io/worker-index"
GROUP_INDEX_LABEL = "leaderworkerset.sigs.k8s.io/group-index"


class WaitFailure(Exception):
    """What is waited for failed for good; the message says why."""


@dataclass
class KubeApi:
    base_url: str
    token: str
    context: ssl.SSLContext | None

    @classmethod
    def in_cluster(cls) -> "KubeApi":
        directory = os.environ.get("SERVICE_ACCOUNT_DIR", SERVICE_ACCOUNT)
        host, port = os.environ["KUBERNETES_SERVICE_HOST"], os.environ["KUBERNETES_SERVICE_PORT"]
        context = ssl.create_default_context(cafile=os.path.join(directory, "ca.crt"))
        with open(os.path.join(directory, "token")) as handle:
            token = handle.read().strip()
        return cls(f"https://{host}:{port}", token, context)

    def get(self, path: str, **params) -> dict | None:
        """The object at `path`, or None if it does not exist (yet)."""
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        request = urllib.request.Request(self.base_url + path + query,
                                         headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30, context=self.context) as response:  # noqa: S310
                return json.load(response)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            status = _status_message(error)
            if error.code in (401, 403):
                raise WaitFailure(f"the API server refused {path}: {status} (check the waiter's RBAC)") from None
            raise


def _status_message(error: urllib.error.HTTPError) -> str:
    try:
        return json.load(error).get("message", str(error))
    except ValueError:
        return str(error)


def condition(obj: dict, kind: str) -> dict:
    return next((c for c in (obj.get("status") or {}).get("conditions") or [] if c.get("type") == kind), {})


# ---------------------------------------------------------------------------------------------- checks
def deployments_ready(api: KubeApi, namespace: str, names: list[str]) -> tuple[bool, str]:
    waiting = []
    for name in names:
        deployment = api.get(f"/apis/apps/v1/namespaces/{namespace}/deployments/{name}")
        if deployment is None:
            waiting.append(f"{name} (not created yet)")
            continue
        status = deployment.get("status") or {}
        current = status.get("observedGeneration", 0) >= deployment["metadata"].get("generation", 0)
        if not current or condition(deployment, "Available").get("status") != "True":
            waiting.append(f"{name} ({status.get('availableReplicas', 0)}/{deployment['spec'].get('replicas', 1)} "
                           "available)")
    return not waiting, "waiting for " + ", ".join(waiting) if waiting else "all available"


def dataload_done(api: KubeApi, namespace: str, name: str, dataset: str) -> tuple[bool, str]:
    load = api.get(f"/apis/data.fluid.io/v1alpha1/namespaces/{namespace}/dataloads/{name}")
    if load is None:
        return False, f"DataLoad {name} not created yet"
    phase = (load.get("status") or {}).get("phase") or "Pending"
    if phase == "Failed":
        failed = condition(load, "Failed")
        raise WaitFailure(f"DataLoad {name} failed: {failed.get('reason', '')} {failed.get('message', '')}".strip()
                          + f" (kubectl -n {namespace} logs job/{name}-loader-job)")
    if phase != "Complete":
        return False, f"DataLoad {name} {phase}"
    cached = (api.get(f"/apis/data.fluid.io/v1alpha1/namespaces/{namespace}/datasets/{dataset}") or {})
    percentage = ((cached.get("status") or {}).get("cacheStates") or {}).get("cachedPercentage", "0%")
    # Fluid can report a DataLoad Complete with nothing cached (fluid-cloudnative/fluid#1460).
    if float(percentage.rstrip("%") or 0) < 100.0:
        raise WaitFailure(f"DataLoad {name} reports Complete but Dataset {dataset} holds only {percentage} in cache")
    return True, f"DataLoad {name} Complete, Dataset {dataset} {percentage} cached"


@dataclass
class Rollout:
    api: KubeApi
    namespace: str
    lws: str
    revision: str
    groups: int
    size: int
    max_recreations: int
    leaders_seen: dict = field(default_factory=dict)
    """group index -> uids of the leaders seen for it: each uid past the first is a recreation of that group."""

    def check(self) -> tuple[bool, str]:
        pods = self.api.get(f"/api/v1/namespaces/{self.namespace}/pods",
                            labelSelector=f"{LWS_NAME_LABEL}={self.lws}")["items"]
        current = [pod for pod in pods if (pod["metadata"].get("annotations") or {}).get(REVISION_ANNOTATION)
                   == self.revision]
        stale = [pod["metadata"]["name"] for pod in pods if pod not in current]
        leaders = [pod for pod in current if pod["metadata"]["labels"].get(WORKER_INDEX_LABEL) == "0"]
        for leader in leaders:
            group = leader["metadata"]["labels"].get(GROUP_INDEX_LABEL, "0")
            self.leaders_seen.setdefault(group, set()).add(leader["metadata"]["uid"])
        # Per group, so an autoscaler's extra groups are not mistaken for recreations.
        recreations = sum(len(uids) - 1 for uids in self.leaders_seen.values())
        if recreations > self.max_recreations:
            raise WaitFailure(f"{self.lws}: groups were recreated {recreations} times while rolling out "
                              f"(limit {self.max_recreations}): {self._why(current)}")
        ready = [pod for pod in current if _ready(pod)]
        # At least: an autoscaler may run more groups than the stack's minimum; none may be of another revision.
        done = len(ready) >= self.groups * self.size and not stale
        return done, (f"{len(ready)}/{self.groups * self.size} pods of revision {self.revision[:12]} ready, "
                      f"{len(stale)} of other revisions left, {max(recreations, 0)} recreations")

    @staticmethod
    def _why(pods: list[dict]) -> str:
        """The last container failure any pod reports: what recreates the group."""
        for pod in pods:
            for status in (pod.get("status") or {}).get("containerStatuses") or []:
                terminated = (status.get("lastState") or {}).get("terminated") or \
                    (status.get("state") or {}).get("terminated")
                if terminated:
                    return (f"pod {pod['metadata']['name']} container {status['name']} exited {terminated.get('exitCode')}"
                            f" ({terminated.get('reason', '')}): kubectl logs {pod['metadata']['name']} --previous")
        return "no container failure recorded (see `kubectl describe` of the leader pods)"


def _ready(pod: dict) -> bool:
    return condition(pod, "Ready").get("status") == "True" and (pod.get("status") or {}).get("phase") == "Running"


# ---------------------------------------------------------------------------------------------- loop
def wait(check, timeout: float, interval: float, out=None) -> int:
    out = out or sys.stdout
    deadline = time.monotonic() + timeout
    last = ""
    while True:
        try:
            done, state = check()
        except WaitFailure as failure:
            print(f"failed: {failure}", file=out, flush=True)
            return 1
        if state != last:
            print(state, file=out, flush=True)
            last = state
        if done:
            return 0
        if time.monotonic() >= deadline:
            print(f"timed out after {timeout:g}s: {state}", file=out, flush=True)
            return 2
        time.sleep(interval)


def main(argv: list[str] | None = None, api: KubeApi | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout-seconds", type=float, required=True)
    parser.add_argument("--interval-seconds", type=float, default=10)
    commands = parser.add_subparsers(dest="what", required=True)
    deployments = commands.add_parser("deployments")
    deployments.add_argument("--namespace", required=True)
    deployments.add_argument("--name", action="append", required=True)
    dataload = commands.add_parser("dataload")
    dataload.add_argument("--namespace", required=True)
    dataload.add_argument("--name", required=True)
    dataload.add_argument("--dataset", required=True)
    rollout = commands.add_parser("rollout")
    rollout.add_argument("--namespace", required=True)
    rollout.add_argument("--lws", required=True)
    rollout.add_argument("--revision", required=True)
    rollout.add_argument("--groups", type=int, required=True)
    rollout.add_argument("--size", type=int, required=True)
    rollout.add_argument("--max-recreations", type=int, default=2)
    args = parser.parse_args(argv)
    api = api or KubeApi.in_cluster()
    if args.what == "deployments":
        check = lambda: deployments_ready(api, args.namespace, args.name)  # noqa: E731
    elif args.what == "dataload":
        check = lambda: dataload_done(api, args.namespace, args.name, args.dataset)  # noqa: E731
    else:
        check = Rollout(api, args.namespace, args.lws, args.revision, args.groups, args.size,
                        args.max_recreations).check
    return wait(check, args.timeout_seconds, args.interval_seconds)


if __name__ == "__main__":
    sys.exit(main())
