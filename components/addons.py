"""Operators the workload needs (LeaderWorkerSet, and Fluid for ACS when the cache is on) and its namespace."""

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from config.images import parse
from config.schema import ChartsConfig, FluidCacheConfig

LWS_RELEASE = "lws"
LWS_NAMESPACE = "lws-system"
FLUID_RELEASE = "ack-fluid"
FLUID_NAMESPACE = "fluid-system"
KEEP_CRDS_POSTRENDER = "./components/helm/keep-crds"
"""Relative to the project directory, where Pulumi runs its providers (local chart paths resolve the same way)."""
FLUID_CONTROLLERS = ("dataset-controller", "fluid-webhook")
"""ack-fluid Deployments that signal readiness (its runtime controllers start at 0 replicas, on demand)."""


@dataclass(frozen=True)
class ClusterAddonsArgs:
    charts: ChartsConfig
    """The stack's `charts` section."""
    region: str
    fluid: FluidCacheConfig | None
    """The Fluid cache settings; None when the stack reads the model straight from OSS (no ack-fluid then)."""
    workload_namespace: str
    provider: k8s.Provider


def lws_image_values(charts: ChartsConfig, region: str) -> dict:
    """The controller image, pinned by digest: `tag` renders into `<repository>:<tag>`, so a tag of
    `v0.5.0@sha256:...` makes the chart pull by digest (the chart archive itself carries no verifiable digest)."""
    lws = charts.lws
    if lws.source == "alibaba":
        repository = f"registry-{region}-vpc.ack.aliyuncs.com/acs/lws"
        tag = f"{lws.alibaba_image_tag}@{lws.alibaba_image_digest}"
    else:
        image = parse(lws.upstream_image)
        repository, tag = image.repository, f"{image.tag or 'v' + lws.upstream_version}@{image.digest}"
    return {"image": {"manager": {"repository": repository, "tag": tag, "pullPolicy": "IfNotPresent"}}}


def lws_release_args(charts: ChartsConfig, region: str) -> dict:
    """Chart, version and values of the LWS release for the configured source."""
    lws = charts.lws
    chart = {"chart": lws.upstream_chart, "version": lws.upstream_version} if lws.source == "upstream" \
        else {"chart": lws.alibaba_chart_url}
    return {**chart, "values": lws_image_values(charts, region)}


def fluid_values(region: str, fluid: FluidCacheConfig) -> dict:
    """ack-fluid values for an ACS cluster (the chart ships a region placeholder the console would fill), with
    the sidecar webhook's selector from the same setting as the GPU pods' label."""
    return {
        **fluid.webhook_values,
        "region": region,
        "cluster_profile": "ManagedKubernetes",
        "clusterProfileforApp": "Acs",
        "pullImageByVPCNetwork": True,
        "csi": {"config": {"hostNetwork": False}, "nodePublishMethod": "bindMount"},
        "runtime": {"jindo": {"engine": "jindocache"}},
        "fluidapp": {"enabled": True},
    }


class ClusterAddons(pulumi.ComponentResource):
    """Helm releases of the operators, and the namespace the model volume and the workload live in."""

    lws_release: k8s.helm.v3.Release
    """LeaderWorkerSets must depend on it: created after the CRD and webhook, deleted before the controller."""
    fluid_release: k8s.helm.v3.Release | None
    """Fluid resources must depend on it, for the same reason; None when the stack does not use Fluid."""
    workload_namespace: pulumi.Output[str]

    def __init__(self, name: str, args: ClusterAddonsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("deepseek-acs:platform:ClusterAddons", name, None, opts)
        charts = args.charts
        in_cluster = pulumi.ResourceOptions(parent=self, provider=args.provider)
        # The LeaderWorkerSet CRD carries every running model: nothing about this release may delete it.
        # - Its name and namespace are constants: they are the only inputs whose change replaces a Release (a
        #   replacement uninstalls the old one); a change of source, chart, version or values is a `helm upgrade`.
        # - Alibaba's chart (LWS v0.5.0) ships the CRD as a template, which `helm uninstall` deletes and an upgrade to
        #   a chart with the CRD in crds/ (LWS >= 0.8) removes. The post-renderer marks it `helm.sh/resource-policy:
        #   keep` in the stored manifest (read by uninstall) and on the live object (read by upgrade).
        # - CRDs in a chart's crds/ directory (upstream LWS) are never upgraded or deleted by Helm.
        self.lws_release = k8s.helm.v3.Release(
            f"{name}-lws",
            name=LWS_RELEASE,
            namespace=LWS_NAMESPACE,
            create_namespace=True,
            postrender=KEEP_CRDS_POSTRENDER,
            # Waited for: its webhook must answer before the first LeaderWorkerSet is created.
            timeout=charts.lws.ready_timeout_minutes * 60,
            **lws_release_args(charts, args.region),
            opts=in_cluster,
        )
        self.fluid_release = (
            k8s.helm.v3.Release(
                f"{name}-ack-fluid",
                name=FLUID_RELEASE,
                chart="ack-fluid",
                version=charts.fluid.version,
                repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=charts.fluid.repository),
                namespace=FLUID_NAMESPACE,
                create_namespace=True,
                postrender=KEEP_CRDS_POSTRENDER,
                # Alibaba installs ack-fluid without Helm's wait: its node DaemonSets have nowhere to run on ACS.
                # What signals readiness is its controllers, which the model volume waits for instead.
                skip_await=True,
                values=fluid_values(args.region, args.fluid),
                opts=in_cluster,
            )
            if args.fluid is not None
            else None
        )
        namespace = k8s.core.v1.Namespace(
            f"{name}-namespace",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=args.workload_namespace, labels={"app.kubernetes.io/part-of": "deepseek-acs"}
            ),
            opts=in_cluster,
        )
        self.workload_namespace = namespace.metadata.name
        self.register_outputs({"workload_namespace": self.workload_namespace})
