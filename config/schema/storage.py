"""`storage`: how pods read the model, straight from OSS or through the Fluid memory cache."""

from typing import Literal, Optional

from pydantic import Field

from ..platform.fluid import SIDECAR_TARGET_LABEL
from .base import Section, rule, violations


class FluidCacheConfig(Section):
    """Fluid Dataset + JindoRuntime memory cache and the DataLoad that warms it."""

    workers: int = Field(16, ge=1, le=256, description="JindoRuntime cache workers.")
    worker_cpu: int = Field(16, ge=1, le=64, description="vCPUs per cache worker (>16 needs an ACS ticket).")
    tier_quota_gib: int = Field(
        128, ge=1, le=512,
        description="Memory cache per worker, GiB; the worker's memory request and limit are set to this too.",
    )
    high_watermark: float = Field(0.99, gt=0, le=1, description="Cache eviction starts above this fill ratio.")
    low_watermark: float = Field(0.95, gt=0, le=1, description="Eviction stops below this fill ratio.")
    compute_class: Literal["general-purpose", "performance"] = Field(
        "performance", description="ACS compute class of the Jindo pods (network bandwidth grows with vCPU)."
    )
    compute_qos: Literal["default", "best-effort"] = Field("default", description="ACS QoS of the Jindo pods.")
    worker_annotations: dict[str, str] = Field(
        default_factory=lambda: {"kubernetes.io/resource-type": "serverless"},
        description="Annotations on cache worker pods (Alibaba's ACS manifests set the one given by default).",
    )
    sidecar_target: Optional[str] = Field(
        None, pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
        description="One setting for both sides of ack-fluid's sidecar injection: the chart's "
        "`webhook.serverlessInject.platformValue` and the `alibabacloud.com/fluid-sidecar-target` label on the GPU "
        "pods. Default: neither is set, as in Alibaba's guide for a pure ACS cluster; 'acs' is Alibaba's value for "
        "ACS pods of an ACK cluster.",
    )
    park_with_serving: bool = Field(
        False, description="While serving.parked, run no cache workers either (their memory bills too); the "
        "Dataset and runtime keep their names, and resuming warms the cache again.",
    )
    load_timeout_minutes: Optional[int] = Field(
        None, ge=10, le=1440,
        description="How long `pulumi up` waits for the Dataset to bind and the cache warm-up to complete. Unset: derived from the worst-case cold-start estimate (config/estimates.py); a value below it is refused.",
    )

    @property
    def capacity_bytes(self) -> float:
        """What the cache holds before it evicts: workers x tier quota x high watermark."""
        return self.workers * self.tier_quota_gib * 2**30 * self.high_watermark

    @property
    def sidecar_labels(self) -> dict[str, str]:
        """Labels of the pods that mount the Dataset: the webhook's selector, when the stack sets one."""
        return {SIDECAR_TARGET_LABEL.value: self.sidecar_target} if self.sidecar_target else {}

    @property
    def webhook_values(self) -> dict:
        """ack-fluid chart values that select those pods (none: the chart's own selector)."""
        if not self.sidecar_target:
            return {}
        return {"webhook": {"serverlessInject": {"platformKey": SIDECAR_TARGET_LABEL.value,
                                                 "platformValue": self.sidecar_target}}}

    @rule("low_watermark", "high_watermark")
    def _watermarks_ordered(self):
        yield from violations((self.low_watermark < self.high_watermark, "low_watermark",
                               f"must be below high_watermark ({self.high_watermark})"))


class OssVolumeConfig(Section):
    """A static PV on the OSS CSI driver (ossfs)."""

    mount_options: str = Field(
        "-o umask=022 -o max_stat_cache_size=0 -o allow_other -o ro",
        description="ossfs options (`otherOpts`); read-only by default.",
    )


class StorageConfig(Section):
    """How pods read the model."""

    mode: Literal["oss", "fluid"] = Field(description="'oss' (CSI volume) or 'fluid' (distributed memory cache).")
    fluid: FluidCacheConfig = Field(default_factory=FluidCacheConfig, description="Used when mode is 'fluid'.")
    oss: OssVolumeConfig = Field(default_factory=OssVolumeConfig, description="Used when mode is 'oss'.")
