"""A Kubernetes Job that runs one of the project's `jobs/` modules, in an image already in the region.

The module, every `jobs/` module it imports, and (for Jobs that need them) the pinned requirements travel in a
ConfigMap. The pod runs as an unprivileged user with a read-only root filesystem; only Jobs that install
packages do so, into /tmp, from the configured index. pulumi-kubernetes awaits a Job until it succeeds and fails
the update when it fails, so `pulumi up` stops at a failed Job with the Job's own message in its log.
"""

import ast
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from config import names
from config.platform.registries import IMAGE_CACHE_ANNOTATION

JOBS_DIR = Path(__file__).resolve().parent.parent / "jobs"
CODE_DIR = "/opt/job"
SECRETS_DIR = "/var/run/secrets/deepseek-acs"


@functools.cache
def modules_of(module: str) -> list[str]:
    """`module` and every jobs/ module it imports, directly or not (the Job runs them side by side)."""
    found, pending = [], [module]
    while pending:
        current = pending.pop()
        if current in found:
            continue
        found.append(current)
        tree = ast.parse((JOBS_DIR / current).read_text())
        for node in ast.walk(tree):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
            pending += [f"{name}.py" for name in names if (JOBS_DIR / f"{name}.py").is_file()]
    return sorted(found)


@functools.cache
def job_file(name: str) -> str:
    return (JOBS_DIR / name).read_text()


@dataclass(frozen=True)
class JobImage:
    """Where and how the Jobs' pods pull their image."""

    reference: str
    extra_ephemeral_storage_gib: int = 0
    """An engine image takes more than ACS's free 30 GiB of ephemeral storage once unpacked."""
    image_cache: bool = False


@dataclass(frozen=True)
class PackageIndex:
    """Where a Job's pip installs from: a plain URL, or a Secret key holding one with credentials."""

    url: str | None = None
    secret_name: pulumi.Input[str] | None = None
    secret_key: str = "index-url"

    def env(self) -> dict:
        if self.secret_name is not None:
            return {"name": "PIP_INDEX_URL",
                    "valueFrom": {"secretKeyRef": {"name": self.secret_name, "key": self.secret_key}}}
        return {"name": "PIP_INDEX_URL", "value": self.url}


@dataclass(frozen=True)
class PythonJob:
    name: str
    """Kubernetes name of the Job (and prefix of its ConfigMap)."""
    namespace: pulumi.Input[str]
    module: str
    """File in jobs/ to run, e.g. 'model_import.py'."""
    args: Sequence[pulumi.Input[str]]
    image: JobImage
    timeout_minutes: int
    cpu: str
    memory: str
    backoff_limit: int = 0
    env: Mapping[str, str] = field(default_factory=dict)
    extra_files: Mapping[str, str] = field(default_factory=dict)
    """More ConfigMap files next to the module (e.g. the list of files to import)."""
    secret_name: pulumi.Input[str] | None = None
    """Mounted read-only at SECRETS_DIR."""
    packages: PackageIndex | None = None
    """Install jobs/requirements.txt from this index before running; None: the module needs the stdlib only."""
    service_account: pulumi.Input[str] | None = None
    """For Jobs that read the Kubernetes API; its token is mounted only then."""
    annotations: Mapping[str, str] = field(default_factory=dict)
    """On the Job object (e.g. a scanner's reasoned exception)."""

    def declare(self, resource_name: str, opts: pulumi.ResourceOptions) -> k8s.batch.v1.Job:
        files = {module: job_file(module) for module in modules_of(self.module)}
        if self.packages is not None:
            files["requirements.txt"] = job_file("requirements.txt")
        code = k8s.core.v1.ConfigMap(
            f"{resource_name}-code",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=names.job_code(self.name), namespace=self.namespace),
            data={**files, **self.extra_files},
            opts=opts,
        )
        # The Job serves nothing: no ingress at all.
        k8s.networking.v1.NetworkPolicy(
            f"{resource_name}-no-ingress",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=names.job_policy(self.name), namespace=self.namespace),
            spec=k8s.networking.v1.NetworkPolicySpecArgs(
                pod_selector={"matchLabels": {"app.kubernetes.io/name": self.name}}, policy_types=["Ingress"], ingress=[]
            ),
            opts=opts,
        )
        minutes = f"{self.timeout_minutes}m"
        return k8s.batch.v1.Job(
            resource_name,
            metadata=k8s.meta.v1.ObjectMetaArgs(name=self.name, namespace=self.namespace,
                                                labels={"app.kubernetes.io/part-of": "deepseek-acs"},
                                                annotations=dict(self.annotations) or None),
            spec={
                "backoffLimit": self.backoff_limit,
                "activeDeadlineSeconds": self.timeout_minutes * 60,
                "template": {
                    "metadata": {"labels": {"app.kubernetes.io/name": self.name}, "annotations": self._annotations()},
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

    def _annotations(self) -> dict[str, str]:
        annotations = {}
        if self.image.extra_ephemeral_storage_gib:
            annotations["alibabacloud.com/extra-ephemeral-storage"] = f"{self.image.extra_ephemeral_storage_gib}Gi"
        if self.image.image_cache:
            annotations[IMAGE_CACHE_ANNOTATION.value] = "true"
        return annotations

    def _command(self) -> list[str]:
        run = f'exec python3 {CODE_DIR}/{self.module} "$@"'
        if self.packages is None:
            return ["/bin/sh", "-c", run, "job"]
        # pip where the image has it; uv in images built with uv (SGLang's), which may ship no pip module.
        requirements = f"{CODE_DIR}/requirements.txt"
        install = (f'if python3 -m pip --version >/dev/null 2>&1; then python3 -m pip install --quiet --no-cache-dir '
                   f'--disable-pip-version-check --target /tmp/deps -r {requirements}; else uv pip install --quiet '
                   f'--no-cache --python python3 --index-url "$PIP_INDEX_URL" --target /tmp/deps -r {requirements}; fi')
        return ["/bin/sh", "-c", f"{install} && {run}", "job"]

    def _pod_spec(self, configmap_name: pulumi.Input[str]) -> dict:
        amount = {"cpu": self.cpu, "memory": self.memory}
        mounts = [{"name": "code", "mountPath": CODE_DIR, "readOnly": True}, {"name": "tmp", "mountPath": "/tmp"}]
        volumes = [{"name": "code", "configMap": {"name": configmap_name}}, {"name": "tmp", "emptyDir": {}}]
        if self.secret_name is not None:
            mounts.append({"name": "secret", "mountPath": SECRETS_DIR, "readOnly": True})
            volumes.append({"name": "secret", "secret": {"secretName": self.secret_name, "defaultMode": 0o440}})
        env = [{"name": key, "value": value} for key, value in
               {"PYTHONPATH": f"/tmp/deps:{CODE_DIR}", "HOME": "/tmp", **self.env}.items()]
        if self.packages is not None:
            env.append(self.packages.env())
        spec = {
            "restartPolicy": "Never",
            "automountServiceAccountToken": self.service_account is not None,
            "enableServiceLinks": False,
            "securityContext": {"runAsNonRoot": True, "runAsUser": 65534, "runAsGroup": 65534, "fsGroup": 65534,
                                "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{
                "name": "job",
                "image": self.image.reference,
                # ACS image caches serve `Always` pulls only; the reference is pinned.
                "imagePullPolicy": "Always",
                "command": self._command(),
                "args": list(self.args),
                "env": env,
                "resources": {"requests": amount, "limits": amount},
                "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                    "capabilities": {"drop": ["ALL"]}},
                "volumeMounts": mounts,
            }],
            "volumes": volumes,
        }
        if self.service_account is not None:
            spec["serviceAccountName"] = self.service_account
        return spec
