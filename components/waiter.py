"""An in-cluster wait as a Job (jobs/kube_wait.py), for what Pulumi's own awaits cannot judge: operators
installed without Helm's wait, a cache warm-up that failed, a rollout that a stale `Available` would hide.

Each waiter gets its own ServiceAccount with read access to exactly the objects it watches, so a Job that
fails explains why in its log, and `pulumi up` stops then instead of after the full timeout.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from .python_job import JobImage, PythonJob


@dataclass(frozen=True)
class Access:
    """Read access the waiter needs in one namespace."""

    namespace: pulumi.Input[str]
    api_group: str
    resources: tuple[str, ...]
    verbs: tuple[str, ...] = ("get", "list")


@dataclass(frozen=True)
class Waiter:
    name: str
    """Kubernetes name of the Job, its ServiceAccount and Roles."""
    namespace: pulumi.Input[str]
    """Where the Job runs."""
    args: Sequence[pulumi.Input[str]]
    """kube_wait.py's arguments after --timeout-seconds (e.g. ['deployments', '--namespace', ...])."""
    access: Sequence[Access]
    image: JobImage
    timeout_minutes: int

    def declare(self, resource_name: str, opts: pulumi.ResourceOptions) -> k8s.batch.v1.Job:
        account = k8s.core.v1.ServiceAccount(
            f"{resource_name}-account",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=self.name, namespace=self.namespace),
            automount_service_account_token=False,
            opts=opts,
        )
        bindings = [self._grant(f"{resource_name}-{index}", access, account, opts)
                    for index, access in enumerate(self.access)]
        # The Job itself gives up a minute after the wait, so its own message, not the deadline, ends it.
        seconds = self.timeout_minutes * 60
        return PythonJob(
            name=self.name,
            namespace=self.namespace,
            module="kube_wait.py",
            args=["--timeout-seconds", str(seconds), *self.args],
            image=self.image,
            timeout_minutes=self.timeout_minutes + 1,
            cpu="250m",
            memory="256Mi",
            service_account=account.metadata.name,
            annotations={"checkov.io/skip1": "CKV_K8S_38=the waiter reads the objects it waits on through the API, "
                                             "as a ServiceAccount that may only get and list them"},
        ).declare(resource_name, pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=bindings)))

    def _grant(self, resource_name: str, access: Access, account: k8s.core.v1.ServiceAccount,
               opts: pulumi.ResourceOptions) -> k8s.rbac.v1.RoleBinding:
        role = k8s.rbac.v1.Role(
            f"{resource_name}-role",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=self.name, namespace=access.namespace),
            rules=[k8s.rbac.v1.PolicyRuleArgs(api_groups=[access.api_group], resources=list(access.resources),
                                              verbs=list(access.verbs))],
            opts=opts,
        )
        return k8s.rbac.v1.RoleBinding(
            f"{resource_name}-binding",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=self.name, namespace=access.namespace),
            role_ref=k8s.rbac.v1.RoleRefArgs(api_group="rbac.authorization.k8s.io", kind="Role",
                                             name=role.metadata.name),
            subjects=[k8s.rbac.v1.SubjectArgs(kind="ServiceAccount", name=account.metadata.name,
                                              namespace=self.namespace)],
            opts=opts,
        )
