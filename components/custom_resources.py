"""Typed builders for the custom resources this program emits, rendered as `CustomResource`.

crd2pulumi has no Python distribution, so each kind is a frozen dataclass whose fields say what the
deployment may set. `spec()` maps them to the CRD's field names; tests validate every rendered body against
the upstream CRDs in ../shared/crds (LeaderWorkerSet v1 @ LWS v0.10.0, Fluid v1alpha1 @ v1.0.8).
"""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Literal

import pulumi
import pulumi_kubernetes as k8s

WAIT_FOR = "pulumi.com/waitFor"
"""pulumi-kubernetes >= 4.18: replaces the (absent) readiness logic of a custom resource."""
SKIP_AWAIT = "pulumi.com/skipAwait"
"""pulumi-kubernetes: create or update without waiting; a waiter Job (components/waiter.py) judges readiness."""


@dataclass(frozen=True)
class ObjectMeta:
    name: str
    namespace: pulumi.Input[str]
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        body: dict = {"name": self.name, "namespace": self.namespace}
        if self.labels:
            body["labels"] = dict(self.labels)
        if self.annotations:
            body["annotations"] = dict(self.annotations)
        return body


class TypedCustomResource(ABC):
    api_version: ClassVar[str]
    kind: ClassVar[str]
    metadata: ObjectMeta

    @abstractmethod
    def spec(self) -> dict:
        """The `spec` object, with the CRD's field names."""

    def declare(self, resource_name: str, opts: pulumi.ResourceOptions) -> k8s.apiextensions.CustomResource:
        return k8s.apiextensions.CustomResource(
            resource_name,
            api_version=self.api_version,
            kind=self.kind,
            metadata=self.metadata.to_dict(),
            spec=self.spec(),
            opts=opts,
        )


# ------------------------------------------------------------------------------------- LeaderWorkerSet
@dataclass(frozen=True)
class LeaderWorkerSet(TypedCustomResource):
    """A set of pod groups, each a leader plus `size - 1` workers (kubernetes-sigs/lws)."""

    api_version: ClassVar[str] = "leaderworkerset.x-k8s.io/v1"
    kind: ClassVar[str] = "LeaderWorkerSet"

    metadata: ObjectMeta
    replicas: int
    """Number of groups."""
    size: int
    """Pods per group, leader included."""
    leader_template: dict
    worker_template: dict
    restart_policy: Literal["RecreateGroupOnPodRestart"] = "RecreateGroupOnPodRestart"
    """A group does not survive losing a member (Ray, torch.distributed): any restart recreates the whole group."""
    startup_policy: Literal["LeaderCreated"] = "LeaderCreated"
    """Workers start with the leader. `LeaderReady` deadlocks: the leader is Ready only once the engine serves,
    and it serves only once the workers have joined."""
    max_surge: int = 0
    """Groups created above `replicas` during a rolling update (LWS >= v0.5)."""
    max_unavailable: int = 1

    def spec(self) -> dict:
        return {
            "replicas": self.replicas,
            "startupPolicy": self.startup_policy,
            "rolloutStrategy": {"type": "RollingUpdate", "rollingUpdateConfiguration": {
                "maxSurge": self.max_surge, "maxUnavailable": self.max_unavailable}},
            "leaderWorkerTemplate": {
                "size": self.size,
                "restartPolicy": self.restart_policy,
                "leaderTemplate": self.leader_template,
                "workerTemplate": self.worker_template,
            },
        }


# ------------------------------------------------------------------------------------- Fluid
@dataclass(frozen=True)
class OssMount:
    """One OSS prefix mounted into a Dataset, read with credentials from a Secret."""

    mount_point: pulumi.Input[str]
    """`oss://<bucket>/<prefix>/`."""
    endpoint: str
    """Internal OSS endpoint; the Jindo engine fails without one."""
    secret_name: pulumi.Input[str]
    """Secret with keys `fs.oss.accessKeyId` and `fs.oss.accessKeySecret` (names Jindo requires)."""
    name: str = "model"
    path: str = "/"
    """Where the mount appears inside the dataset."""

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "mountPoint": self.mount_point,
            "path": self.path,
            "readOnly": True,
            "options": {"fs.oss.endpoint": self.endpoint},
            "encryptOptions": [
                {"name": option, "valueFrom": {"secretKeyRef": {"name": self.secret_name, "key": option}}}
                for option in ("fs.oss.accessKeyId", "fs.oss.accessKeySecret")
            ],
        }


@dataclass(frozen=True)
class Dataset(TypedCustomResource):
    api_version: ClassVar[str] = "data.fluid.io/v1alpha1"
    kind: ClassVar[str] = "Dataset"

    metadata: ObjectMeta
    mount: OssMount
    placement: Literal["Shared", "Exclusive"] = "Shared"
    """Shared lets cache workers share serverless capacity, as Alibaba's ACS manifests do."""

    def spec(self) -> dict:
        return {"mounts": [self.mount.to_dict()], "accessModes": ["ReadOnlyMany"], "placement": self.placement}


@dataclass(frozen=True)
class JindoRuntime(TypedCustomResource):
    """The distributed memory cache behind a Dataset of the same name and namespace."""

    api_version: ClassVar[str] = "data.fluid.io/v1alpha1"
    kind: ClassVar[str] = "JindoRuntime"

    metadata: ObjectMeta
    workers: int
    worker_cpu: int
    tier_quota_gib: int
    high_watermark: float
    low_watermark: float
    pod_labels: Mapping[str, str]
    """ACS compute class and QoS of the master and workers (pod metadata, never selectors)."""
    worker_annotations: Mapping[str, str]

    def spec(self) -> dict:
        memory = f"{self.tier_quota_gib}Gi"
        # Fluid raises a worker's memory request to the MEM tier quota and writes it back to the CR, which Pulumi
        # would then see as drift; request = limit = quota leaves it nothing to rewrite.
        resources = {"cpu": str(self.worker_cpu), "memory": memory}
        return {
            "replicas": self.workers,
            # The default ("" = HostNetwork) is rewritten to false on ACS and breaks the runtime.
            "networkmode": "ContainerNetwork",
            "master": {"podMetadata": {"labels": dict(self.pod_labels)}},
            "worker": {
                "podMetadata": {"labels": dict(self.pod_labels), "annotations": dict(self.worker_annotations)},
                "resources": {"requests": resources, "limits": resources},
            },
            "tieredstore": {"levels": [{
                "mediumtype": "MEM",
                # hostPath (the default volume type) does not exist on ACS.
                "volumeType": "emptyDir",
                "path": "/dev/shm",
                "quota": memory,
                "high": f"{self.high_watermark}",
                "low": f"{self.low_watermark}",
            }]},
        }


@dataclass(frozen=True)
class DataLoad(TypedCustomResource):
    """A one-off cache warm-up of the listed paths of a Dataset."""

    api_version: ClassVar[str] = "data.fluid.io/v1alpha1"
    kind: ClassVar[str] = "DataLoad"

    metadata: ObjectMeta
    dataset_name: str
    dataset_namespace: pulumi.Input[str]
    paths: tuple[str, ...]
    """Paths inside the dataset; only what vLLM reads."""

    def spec(self) -> dict:
        return {
            "dataset": {"name": self.dataset_name, "namespace": self.dataset_namespace},
            "loadMetadata": True,
            "policy": "Once",
            "target": [{"path": path, "replicas": 1} for path in self.paths],
        }
