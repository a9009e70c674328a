"""Operators the workload needs (LeaderWorkerSet, and Fluid for ACS when the cache is on) and its namespace."""

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from config.schema import ChartsConfig

LWS_NAMESPACE = "lws-system"
FLUID_NAMESPACE = "fluid-system"


@dataclass(frozen=True)
class ClusterAddonsArgs:
    charts: ChartsConfig
    """The stack's `charts` section."""
    region: str
    install_fluid: bool
    """Only stacks that cache the model through Fluid install ack-fluid."""
    workload_namespace: str
    provider: k8s.Provider


def lws_release_args(charts: ChartsConfig, region: str) -> dict:
    """Chart, version and values of the LWS release for the configured source."""
    lws = charts.lws
    if lws.source == "upstream":
        return {"chart": lws.upstream_chart, "version": lws.upstream_version, "values": {}}
    # Alibaba's archive pins its version in the URL; its image comes from the region's VPC registry.
    return {
        "chart": lws.alibaba_chart_url,
        "values": {"image": {"manager": {
            "repository": f"registry-{region}-vpc.ack.aliyuncs.com/acs/lws",
            "tag": lws.alibaba_image_tag,
        }}},
    }


def fluid_values(region: str) -> dict:
    """ack-fluid values for an ACS cluster (the chart ships a region placeholder the console would fill)."""
    return {
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
        # helm.v3.Release, not helm.v4.Chart: Helm installs CRDs once and never deletes them, so a
        # `pulumi destroy` of the release cannot take every LeaderWorkerSet or Dataset of the cluster with it.
        in_cluster = pulumi.ResourceOptions(parent=self, provider=args.provider)
        self.lws_release = k8s.helm.v3.Release(
            f"{name}-lws",
            name="lws",
            namespace=LWS_NAMESPACE,
            create_namespace=True,
            timeout=charts.install_timeout_seconds,
            **lws_release_args(charts, args.region),
            opts=in_cluster,
        )
        self.fluid_release = (
            k8s.helm.v3.Release(
                f"{name}-ack-fluid",
                name="ack-fluid",
                chart="ack-fluid",
                version=charts.fluid.version,
                repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=charts.fluid.repository),
                namespace=FLUID_NAMESPACE,
                create_namespace=True,
                timeout=charts.install_timeout_seconds,
                values=fluid_values(args.region),
                opts=in_cluster,
            )
            if args.install_fluid
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
