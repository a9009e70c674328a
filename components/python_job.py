"""A Kubernetes Job that runs one of the project's `jobs/` modules in a plain Python image.

The module and its pinned requirements travel in a ConfigMap; the pod installs the requirements into /tmp
at start and runs as an unprivileged user with a read-only root filesystem. pulumi-kubernetes awaits a Job
until it succeeds and fails the update when it fails, so `pulumi up` stops at a failed Job.
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from config.schema import JobsConfig

JOBS_DIR = Path(__file__).resolve().parent.parent / "jobs"
CODE_DIR = "/opt/job"
SECRETS_DIR = "/var/run/secrets/deepseek-acs"


def fingerprint(*parts: object) -> str:
    """Short stable hash of what a Job does: part of its name, so a change runs it again."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:8]


@dataclass(frozen=True)
class PythonJob:
    name: str
    """Kubernetes name of the Job (and prefix of its ConfigMap)."""
    namespace: pulumi.Input[str]
    module: str
    """File in jobs/ to run, e.g. 'model_import.py'."""
    args: Sequence[pulumi.Input[str]]
    jobs: JobsConfig
    timeout_minutes: int
    cpu: str
    memory: str
    backoff_limit: int = 0
    env: Mapping[str, str] = field(default_factory=dict)
    extra_files: Mapping[str, str] = field(default_factory=dict)
    """More ConfigMap files next to the module (e.g. the list of files to import)."""
    secret_name: pulumi.Input[str] | None = None
    """Mounted read-only at SECRETS_DIR."""

    def declare(self, resource_name: str, opts: pulumi.ResourceOptions) -> k8s.batch.v1.Job:
        code = k8s.core.v1.ConfigMap(
            f"{resource_name}-code",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=f"{self.name}-code", namespace=self.namespace),
            data={
                self.module: (JOBS_DIR / self.module).read_text(),
                "requirements.txt": (JOBS_DIR / "requirements.txt").read_text(),
                **self.extra_files,
            },
            opts=opts,
        )
        # The Job serves nothing: no ingress at all.
        k8s.networking.v1.NetworkPolicy(
            f"{resource_name}-no-ingress",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=f"{self.name}-no-ingress", namespace=self.namespace),
            spec=k8s.networking.v1.NetworkPolicySpecArgs(
                pod_selector={"matchLabels": {"app.kubernetes.io/name": self.name}}, policy_types=["Ingress"], ingress=[]
            ),
            opts=opts,
        )
        minutes = f"{self.timeout_minutes}m"
        return k8s.batch.v1.Job(
            resource_name,
            metadata=k8s.meta.v1.ObjectMetaArgs(name=self.name, namespace=self.namespace,
                                                labels={"app.kubernetes.io/part-of": "deepseek-acs"}),
            spec={
                "backoffLimit": self.backoff_limit,
                "activeDeadlineSeconds": self.timeout_minutes * 60,
                "template": {
                    "metadata": {"labels": {"app.kubernetes.io/name": self.name}},
                    "spec": self._pod_spec(code.metadata.name),
                },
            },
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(
                custom_timeouts=pulumi.CustomTimeouts(create=minutes, update=minutes),
                # A Job's pod template is immutable: a changed Job is a new Job.
                replace_on_changes=["spec"],
                delete_before_replace=True,
            )),
        )

    def _pod_spec(self, configmap_name: pulumi.Input[str]) -> dict:
        amount = {"cpu": self.cpu, "memory": self.memory}
        install_and_run = (
            'pip install --quiet --no-cache-dir --target /tmp/deps --index-url "$PIP_INDEX_URL" '
            f'-r {CODE_DIR}/requirements.txt && exec python {CODE_DIR}/{self.module} "$@"'
        )
        mounts = [{"name": "code", "mountPath": CODE_DIR, "readOnly": True}, {"name": "tmp", "mountPath": "/tmp"}]
        volumes = [{"name": "code", "configMap": {"name": configmap_name}}, {"name": "tmp", "emptyDir": {}}]
        if self.secret_name is not None:
            mounts.append({"name": "secret", "mountPath": SECRETS_DIR, "readOnly": True})
            volumes.append({"name": "secret", "secret": {"secretName": self.secret_name, "defaultMode": 0o440}})
        env = {"PIP_INDEX_URL": self.jobs.pip_index_url, "PYTHONPATH": "/tmp/deps", "HOME": "/tmp", **self.env}
        return {
            "restartPolicy": "Never",
            "automountServiceAccountToken": False,
            "enableServiceLinks": False,
            "securityContext": {"runAsNonRoot": True, "runAsUser": 65534, "runAsGroup": 65534, "fsGroup": 65534,
                                "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{
                "name": "job",
                "image": self.jobs.image,
                "imagePullPolicy": "Always",
                "command": ["/bin/sh", "-c", install_and_run, "job"],
                "args": list(self.args),
                "env": [{"name": key, "value": value} for key, value in env.items()],
                "resources": {"requests": amount, "limits": amount},
                "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                    "capabilities": {"drop": ["ALL"]}},
                "volumeMounts": mounts,
            }],
            "volumes": volumes,
        }
