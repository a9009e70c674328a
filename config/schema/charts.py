"""`charts`: the pinned Helm charts of the operators (ack-fluid, lws)."""

from typing import Literal

from pydantic import Field

from ..types import PinnedVersion, version_tuple
from .base import Section, rule, violations


class FluidChartConfig(Section):
    repository: str = Field(
        "https://aliacs-app-catalog.oss-cn-hangzhou.aliyuncs.com/charts-incubator/",
        description="Helm repository of Alibaba's ack-fluid chart.",
    )
    version: PinnedVersion = Field("1.0.13", description="ack-fluid chart version; ACS pods need >= 1.0.11.")

    @rule("version")
    def _acs_capable(self):
        yield from violations((version_tuple(self.version) >= (1, 0, 11), "version",
                               f"ack-fluid {self.version} cannot serve ACS pods; allowed: 1.0.11 or later"))


class LwsChartConfig(Section):
    source: Literal["alibaba", "upstream"] = Field(
        "alibaba",
        description="'alibaba': Alibaba's in-region chart and image (LWS v0.5.0, reachable from cn-* regions); "
        "'upstream': the kubernetes-sigs OCI chart (registry.k8s.io; mirror it if the region cannot reach it).",
    )
    alibaba_chart_url: str = Field(
        "https://aliacs-app-catalog.oss-cn-hangzhou.aliyuncs.com/charts-incubator/lws-0.1.0.tgz",
        description="Chart archive used with source 'alibaba' (the archive name pins its version).",
    )
    alibaba_image_tag: str = Field("v0.5.0", description="LWS controller image tag with source 'alibaba'.")
    upstream_chart: str = Field("oci://registry.k8s.io/lws/charts/lws", description="OCI chart with source 'upstream'.")
    upstream_version: PinnedVersion = Field("0.10.0", description="Chart version with source 'upstream'.")


class ChartsConfig(Section):
    fluid: FluidChartConfig = Field(default_factory=FluidChartConfig, description="ack-fluid (Fluid for ACS).")
    lws: LwsChartConfig = Field(default_factory=LwsChartConfig, description="LeaderWorkerSet controller.")
    install_timeout_seconds: int = Field(600, ge=60, le=3600, description="Helm wait per release.")
