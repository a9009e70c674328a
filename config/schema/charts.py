"""`charts`: the pinned Helm charts of the operators (ack-fluid, lws) and their controller images."""

from typing import Literal, Optional

from pydantic import Field

from ..types import Digest, PinnedImage, PinnedVersion, version_tuple
from .base import Section, rule, violations

UPSTREAM_LWS_V050_DIGEST = "sha256:27f8050471f559bb8dff99fae6771fa109eaff8b4a529c27761c604cec34a725"
"""registry.k8s.io/lws/lws:v0.5.0 (kubernetes/k8s.io registry.k8s.io/images/k8s-staging-lws/images.yaml)."""


class FluidChartConfig(Section):
    repository: str = Field(
        "https://aliacs-app-catalog.oss-cn-hangzhou.aliyuncs.com/charts-incubator/",
        description="Helm repository of Alibaba's ack-fluid chart.",
    )
    version: PinnedVersion = Field("1.0.13", description="ack-fluid chart version; ACS pods need >= 1.0.11.")
    ready_timeout_minutes: int = Field(
        10, ge=1, le=120, description="How long `pulumi up` waits for the Fluid controllers to become Available.",
    )

    @rule("version")
    def _acs_capable(self):
        yield from violations((version_tuple(self.version) >= (1, 0, 11), "version",
                               f"ack-fluid {self.version} cannot serve ACS pods; allowed: 1.0.11 or later"))


class LwsChartConfig(Section):
    source: Literal["alibaba", "upstream"] = Field(
        "alibaba",
        description="'alibaba': Alibaba's in-region chart and image (LWS v0.5.0, reachable from cn-* regions); "
        "'upstream': the kubernetes-sigs OCI chart, with its controller image mirrored into your region "
        "(`upstream_image`).",
    )
    alibaba_chart_url: str = Field(
        "https://aliacs-app-catalog.oss-cn-hangzhou.aliyuncs.com/charts-incubator/lws-0.1.0.tgz",
        description="Chart archive used with source 'alibaba'. Its name does not pin its content (upstream kept "
        "chart version 0.1.0 from LWS v0.5.0 to v0.10.0), so the controller image is pinned by digest instead.",
    )
    alibaba_image_tag: str = Field("v0.5.0", pattern=r"^v\d+\.\d+\.\d+$",
                                   description="LWS controller version of Alibaba's image (source 'alibaba').")
    alibaba_image_digest: Digest = Field(
        UPSTREAM_LWS_V050_DIGEST,
        description="Digest the controller image is pulled by (source 'alibaba'). The default is upstream "
        "v0.5.0's; Alibaba's in-region copy is expected to carry it (docs/first-deploy.md shows how to check).",
    )
    upstream_chart: str = Field("oci://registry.k8s.io/lws/charts/lws", description="OCI chart with source 'upstream'.")
    upstream_version: PinnedVersion = Field("0.10.0", description="Chart version with source 'upstream'.")
    upstream_image: Optional[PinnedImage] = Field(
        None,
        description="Controller image with source 'upstream': a copy of registry.k8s.io/lws/lws:v<version> in a "
        "registry the cluster reaches, pinned by digest.",
    )
    ready_timeout_minutes: int = Field(
        10, ge=1, le=120, description="Helm's wait for the LWS controller (its webhook must answer before any "
        "LeaderWorkerSet is created).",
    )

    @rule("source", "upstream_image")
    def _upstream_needs_its_image(self):
        yield from violations((
            self.source != "upstream" or (self.upstream_image is not None and "@sha256:" in self.upstream_image),
            "upstream_image",
            "source 'upstream' needs the controller image, mirrored where the cluster can pull it and pinned by "
            "digest, e.g. '<registry>/lws/lws:v0.10.0@sha256:<64 hex digits>'"))

    @property
    def controller_version(self) -> tuple[int, ...]:
        """The LWS version the cluster runs (what the LeaderWorkerSet's fields must exist in)."""
        text = self.alibaba_image_tag if self.source == "alibaba" else self.upstream_version
        return version_tuple(text.lstrip("v"))


class ChartsConfig(Section):
    fluid: FluidChartConfig = Field(default_factory=FluidChartConfig, description="ack-fluid (Fluid for ACS).")
    lws: LwsChartConfig = Field(default_factory=LwsChartConfig, description="LeaderWorkerSet controller.")
