"""How the inference pods read the model: a static OSS CSI volume, or a Fluid Dataset warmed into memory."""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from config import names
from config.schema import ModelConfig, StorageConfig

from .addons import FLUID_CONTROLLERS, FLUID_NAMESPACE
from .custom_resources import SKIP_AWAIT, WAIT_FOR, DataLoad, Dataset, JindoRuntime, ObjectMeta, OssMount
from .python_job import JobImage
from .waiter import Access, Waiter


@dataclass(frozen=True)
class ModelVolumeArgs:
    storage: StorageConfig
    model: ModelConfig
    name: str
    """Name of the claim (and, with Fluid, of the Dataset and JindoRuntime)."""
    namespace: pulumi.Input[str]
    bucket_name: pulumi.Input[str]
    endpoint: str
    access_key_id: pulumi.Input[str]
    access_key_secret: pulumi.Input[str]
    """Secret; the model store's read-only credential."""
    provider: k8s.Provider
    fluid_release: pulumi.Resource | None = None
    """Required with Fluid: its CRs are created after the operator and deleted before it."""
    after: list[pulumi.Resource] = field(default_factory=list)
    """Created first, e.g. the model import: nothing reads the bucket before it holds the model."""
    job_image: JobImage | None = None
    """Image of the waiter Jobs (Fluid only)."""
    controllers_timeout_minutes: int = 10
    """How long to wait for ack-fluid's controllers (Fluid only)."""
    cache_parked: bool = False
    """Fluid: no cache workers and no warm-up (serving parked with storage.fluid.park_with_serving)."""


class ModelVolume(pulumi.ComponentResource):
    """One claim the workload mounts read-only, ready (bound, and with Fluid warmed) before the workload."""

    claim_name: str
    ready: list[pulumi.Resource]
    """What the workload must wait for: the bound PVC, or the completed cache warm-up."""
    pod_labels: Mapping[str, str]
    """Labels the consuming pods need (the Fluid sidecar trigger)."""

    def __init__(self, name: str, args: ModelVolumeArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("deepseek-acs:storage:ModelVolume", name, None, opts)
        self.claim_name = args.name
        if args.storage.mode == "fluid":
            # The FUSE sidecar's trigger, from the same setting as the chart's webhook selector.
            self.ready, self.pod_labels = self._fluid(name, args), args.storage.fluid.sidecar_labels
        else:
            self.ready, self.pod_labels = self._oss(name, args), {}
        self.register_outputs({"claim_name": self.claim_name})

    def _credentials(self, name: str, args: ModelVolumeArgs, id_key: str, secret_key: str) -> k8s.core.v1.Secret:
        return k8s.core.v1.Secret(
            f"{name}-oss-credentials",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=names.volume_credentials(args.name), namespace=args.namespace),
            type="Opaque",
            string_data={id_key: args.access_key_id, secret_key: args.access_key_secret},
            opts=pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=args.after),
        )

    def _oss(self, name: str, args: ModelVolumeArgs) -> list[pulumi.Resource]:
        secret = self._credentials(name, args, "akId", "akSecret")
        in_cluster = pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=args.after)
        size = f"{math.ceil(args.model.weights_bytes / 2**30)}Gi"  # nominal: OSS enforces no capacity
        volume_name = pulumi.Output.from_input(args.namespace).apply(lambda namespace: names.persistent_volume(namespace, args.name))
        volume = k8s.core.v1.PersistentVolume(
            f"{name}-pv",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=volume_name, labels={"alicloud-pvname": volume_name}),
            spec=k8s.core.v1.PersistentVolumeSpecArgs(
                capacity={"storage": size},
                access_modes=["ReadOnlyMany"],
                persistent_volume_reclaim_policy="Retain",
                # Empty class + claimRef: only our claim can bind this volume, and no default StorageClass
                # provisions a blank disk for the claim instead (the reference PVC leaves both open).
                storage_class_name="",
                claim_ref=k8s.core.v1.ObjectReferenceArgs(namespace=args.namespace, name=args.name),
                csi=k8s.core.v1.CSIPersistentVolumeSourceArgs(
                    driver="ossplugin.csi.alibabacloud.com",
                    volume_handle=volume_name,
                    read_only=True,
                    node_publish_secret_ref=k8s.core.v1.SecretReferenceArgs(
                        name=secret.metadata.name, namespace=args.namespace
                    ),
                    volume_attributes={
                        "bucket": args.bucket_name,
                        "url": args.endpoint,
                        "path": f"/{args.model.path}/",
                        "otherOpts": args.storage.oss.mount_options,
                    },
                ),
            ),
            opts=in_cluster,
        )
        claim = k8s.core.v1.PersistentVolumeClaim(
            f"{name}-pvc",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=args.name, namespace=args.namespace),
            spec=k8s.core.v1.PersistentVolumeClaimSpecArgs(
                access_modes=["ReadOnlyMany"],
                storage_class_name="",
                volume_name=volume.metadata.name,
                resources=k8s.core.v1.VolumeResourceRequirementsArgs(requests={"storage": size}),
            ),
            opts=in_cluster,
        )
        return [claim]

    def _fluid(self, name: str, args: ModelVolumeArgs) -> list[pulumi.Resource]:
        if args.fluid_release is None:
            raise ValueError("a Fluid model volume needs the ack-fluid release")
        cache = args.storage.fluid
        secret = self._credentials(name, args, "fs.oss.accessKeyId", "fs.oss.accessKeySecret")
        timeouts = pulumi.CustomTimeouts(create=f"{cache.load_timeout_minutes}m", update=f"{cache.load_timeout_minutes}m")
        in_cluster = pulumi.ResourceOptions(parent=self, provider=args.provider)
        # ack-fluid is installed without Helm's wait; its controllers being Available is what says it is ready.
        controllers = Waiter(
            name=names.fluid_ready_job(args.name), namespace=args.namespace,
            args=["deployments", "--namespace", FLUID_NAMESPACE, *[item for controller in FLUID_CONTROLLERS
                                                                   for item in ("--name", controller)]],
            access=[Access(FLUID_NAMESPACE, "apps", ("deployments",))],
            image=args.job_image, timeout_minutes=args.controllers_timeout_minutes,
        ).declare(f"{name}-fluid-ready", pulumi.ResourceOptions.merge(in_cluster, pulumi.ResourceOptions(
            depends_on=[args.fluid_release])))
        after_operator = pulumi.ResourceOptions(
            parent=self, provider=args.provider, depends_on=[args.fluid_release, controllers, *args.after]
        )

        def meta(object_name: str, wait_for: str | None = None) -> ObjectMeta:
            return ObjectMeta(object_name, args.namespace, annotations={WAIT_FOR: wait_for} if wait_for else {})

        # Only the model's prefix is mounted, never the whole bucket.
        mount_point = pulumi.Output.concat("oss://", args.bucket_name, f"/{args.model.path}/")
        dataset = Dataset(
            meta(args.name, "jsonpath={.status.phase}=Bound"),
            mount=OssMount(mount_point=mount_point, endpoint=args.endpoint, secret_name=secret.metadata.name),
        ).declare(
            f"{name}-dataset",
            pulumi.ResourceOptions.merge(after_operator, pulumi.ResourceOptions(depends_on=[secret], custom_timeouts=timeouts)),
        )
        # The runtime binds the Dataset, so it must not wait for it: the Dataset's await (Bound) only ends once
        # the runtime exists. Both are created side by side; the DataLoad waits for both.
        runtime = JindoRuntime(
            meta(args.name),
            workers=0 if args.cache_parked else cache.workers,
            worker_cpu=cache.worker_cpu,
            tier_quota_gib=cache.tier_quota_gib,
            high_watermark=cache.high_watermark,
            low_watermark=cache.low_watermark,
            pod_labels={"alibabacloud.com/compute-class": cache.compute_class,
                        "alibabacloud.com/compute-qos": cache.compute_qos},
            worker_annotations=cache.worker_annotations,
        ).declare(f"{name}-runtime", after_operator)
        if args.cache_parked:  # nothing to warm; resuming creates the DataLoad again, which loads again
            return [dataset, runtime]
        # Not awaited by Pulumi, whose wait cannot see a Failed load until its timeout: the waiter below fails at
        # once with Fluid's reason, and checks that the whole model is cached.
        warmup = DataLoad(
            ObjectMeta(names.warmup(args.name), args.namespace, annotations={SKIP_AWAIT: "true"}),
            dataset_name=args.name,
            dataset_namespace=args.namespace,
            paths=tuple(f"/{file}" for file in args.model.served_files),
        ).declare(
            f"{name}-warmup",
            pulumi.ResourceOptions.merge(after_operator, pulumi.ResourceOptions(
                depends_on=[dataset, runtime],
                # A `Once` DataLoad never runs again: a new model (new targets) needs a new object, under its name.
                replace_on_changes=["spec"],
                delete_before_replace=True,
            )),
        )
        loaded = Waiter(
            name=names.warmup_wait_job(args.name, args.model.served_files, args.model.path), namespace=args.namespace,
            args=["dataload", "--namespace", args.namespace, "--name", names.warmup(args.name), "--dataset", args.name],
            access=[Access(args.namespace, "data.fluid.io", ("dataloads", "datasets"))],
            image=args.job_image, timeout_minutes=cache.load_timeout_minutes,
        ).declare(f"{name}-warmup-wait", pulumi.ResourceOptions.merge(in_cluster, pulumi.ResourceOptions(
            depends_on=[warmup])))
        return [loaded]
