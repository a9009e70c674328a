"""`serving.rollout` and `serving.autoscaling`: how groups are replaced and how many run."""

from pydantic import Field

from ..platform.providers import HPA_LIMITS, LWS_ROLLOUT_DEFAULTS
from .base import Section, rule, violations


class RolloutConfig(Section):
    """LeaderWorkerSet rolling update, in groups. A surge group starts before an old one goes, so a template
    change need not take the model down; it needs GPU headroom for one more group (`serving.gpu_quota`)."""

    max_surge: int = Field(LWS_ROLLOUT_DEFAULTS.value["maxSurge"], ge=0, le=100,
                           description="Groups created above `replicas` during a rollout (LWS's default: 0).")
    max_unavailable: int = Field(LWS_ROLLOUT_DEFAULTS.value["maxUnavailable"], ge=0, le=100,
                                 description="Groups that may be down at once during a rollout (LWS's default: 1).")

    @rule("max_surge", "max_unavailable")
    def _progress_possible(self):
        yield from violations((self.max_surge > 0 or self.max_unavailable > 0, "max_unavailable",
                               "cannot be 0 while max_surge is 0: the rollout could never replace a group"))


class AutoscalingConfig(Section):
    """A HorizontalPodAutoscaler on the LeaderWorkerSet's scale subresource (whole groups), driven by the engine's
    queue of waiting requests per leader, read through the cluster's custom-metrics adapter."""

    enabled: bool = Field(False, description="Scale groups between min_groups and max_groups.")
    min_groups: int = Field(1, ge=1, le=100, description="Fewest groups.")
    max_groups: int = Field(2, ge=1, le=100, description="Most groups (bounded by serving.gpu_quota).")
    waiting_per_group: int = Field(
        8, ge=1, le=10_000, description="Target of waiting requests per group (the engine's queue gauge).",
    )
    scale_down_stabilization_minutes: int = Field(
        HPA_LIMITS.value["max_stabilization_seconds"] // 60, ge=1, le=HPA_LIMITS.value["max_stabilization_seconds"] // 60,
        description="How long load must stay low before a group goes: at least one cold start, so a 20-minute model "
        "load is not thrown away on a lull (Kubernetes allows up to an hour).",
    )

    @rule("min_groups", "max_groups")
    def _bounds_ordered(self):
        yield from violations((self.min_groups <= self.max_groups, "max_groups",
                               f"must be at least min_groups ({self.min_groups})"))
