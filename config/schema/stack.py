"""The whole stack: every key under the `deepseek-acs` namespace of a `Pulumi.<stack>.yaml`.

Each top-level field of `StackConfig` is one config key (`deepseek-acs:<field>`); sections are structured
objects. Rules that span sections sit here and name the fields they read, so they run whenever those are valid.
"""

import difflib
from typing import Literal, Optional

from pydantic import Field, SecretStr

from ..catalog import CATALOG
from ..images import in_vpc, rehome, unreachable_from
from ..platform.cluster import KUBECONFIG_TTL_MINUTES
from ..platform.regions import REGIONS, ZONES_SOURCE
from ..platform.registries import IMAGE_CACHE_GPU_SERIES, IMAGE_CACHE_REGIONS
from ..types import DnsLabel, RegionId
from ..waits import total_minutes, waits
from .acknowledge import AcknowledgeConfig
from .base import Section, rule, violations
from .bucket import BucketConfig
from .charts import ChartsConfig
from .cluster import ClusterConfig
from .images import ImagesConfig
from .jobs import JobsConfig
from .model import ModelConfig
from .network import NetworkConfig
from .observability import ObservabilityConfig
from .prices import PricesConfig
from .rates import RatesConfig
from .serving import ServingConfig
from .storage import StorageConfig

GIB = 2**30


class StackConfig(Section):
    """Everything one stack (one environment) configures."""

    environment: Literal["dev", "prod"] = Field(
        description="'prod' turns on guard rails: API key required, cluster deletion protection, protected bucket."
    )
    region: RegionId = Field(description="Region of every resource; read from `alicloud:region`.")
    namespace: DnsLabel = Field("deepseek", description="Kubernetes namespace of the model volume and workload.")
    network: Optional[NetworkConfig] = Field(
        None, description="VPC, vSwitches and NAT; required when the stack creates its cluster, unused otherwise."
    )
    cluster: ClusterConfig = Field(default_factory=ClusterConfig, description="The ACS cluster.")
    bucket: BucketConfig = Field(description="The OSS bucket holding the weights.")
    model: ModelConfig = Field(description="The model and its place in the bucket.")
    storage: StorageConfig = Field(description="How pods read the model.")
    serving: ServingConfig = Field(description="The inference workload.")
    charts: ChartsConfig = Field(default_factory=ChartsConfig, description="Pinned Helm charts.")
    jobs: JobsConfig = Field(default_factory=JobsConfig, description="The import, wait and smoke-test Jobs.")
    images: ImagesConfig = Field(default_factory=ImagesConfig, description="Where images are pulled from.")
    rates: RatesConfig = Field(default_factory=RatesConfig, description="Rates of the cold-start estimate.")
    prices: PricesConfig = Field(default_factory=PricesConfig, description="Unit prices of the plan's cost lines.")
    acknowledge: AcknowledgeConfig = Field(
        default_factory=AcknowledgeConfig, description="Disruptive changes a person has agreed to."
    )
    observability: ObservabilityConfig = Field(
        default_factory=ObservabilityConfig, description="Metrics scraped by ARMS, alerts, dashboard."
    )
    api_key: Optional[SecretStr] = Field(
        None, description="API key clients must send (vLLM `--api-key`). Secret only; required in prod."
    )
    hub_token: Optional[SecretStr] = Field(
        None, description="Access token for the model hub (Hugging Face gated or private repos). Secret only."
    )
    package_index_url: Optional[SecretStr] = Field(
        None, description="A package index URL that carries credentials, for the Jobs' pip (replaces "
        "`jobs.pip_index_url`). Secret only.",
    )
    grafana_auth: Optional[SecretStr] = Field(
        None, description="API token (or user:password) of the Grafana workspace named by "
        "`observability.dashboard.grafana_url`. Secret only.",
    )
    dingtalk_webhook_url: Optional[SecretStr] = Field(
        None, description="A DingTalk robot webhook the alert contact is also reached through. Secret only.",
    )

    @rule("environment", "observability.metrics.enabled", "observability.alerts.enabled")
    def _prod_is_watched(self):
        prod, watched = self.environment == "prod", self.observability
        yield from violations(
            (not prod or watched.metrics.enabled, "observability.metrics.enabled",
             "must be true in prod: the engine's metrics are scraped (only dev may turn them off)"),
            (not prod or watched.alerts.enabled, "observability.alerts.enabled",
             "must be true in prod: the alerts page someone (only dev may turn them off)"),
        )

    @rule("observability.alerts", "dingtalk_webhook_url")
    def _alerts_reach_someone(self):
        alerts, webhook = self.observability.alerts, self.dingtalk_webhook_url is not None
        contact = alerts.contact
        yield from violations(
            (not alerts.enabled or contact is not None, "observability.alerts.contact",
             "enabled alerts need a contact: {name, email and/or phone} (or set alerts.enabled: false in dev)"),
            (contact is None or bool(contact.email or contact.phone) or webhook, "observability.alerts.contact",
             "the contact needs an email, a phone, or the secret dingtalk_webhook_url"),
            (not webhook or (alerts.enabled and contact is not None), "dingtalk_webhook_url",
             "only used by an enabled alert contact (observability.alerts.contact); remove it"),
        )

    @rule("observability.dashboard.grafana_url", "grafana_auth")
    def _grafana_needs_its_token(self):
        url, auth = self.observability.dashboard.grafana_url, self.grafana_auth
        yield from violations(
            (url is None or auth is not None, "grafana_auth",
             "deploying the dashboard needs the workspace's API token: pulumi config set --secret "
             "deepseek-acs:grafana_auth <token>"),
            (url is not None or auth is None, "grafana_auth",
             "only used with observability.dashboard.grafana_url; set that or remove the token"),
        )

    @rule("network", "cluster.existing_cluster_id")
    def _network_only_for_a_new_cluster(self):
        creates = self.cluster.existing_cluster_id is None
        yield from violations(
            (not creates or self.network is not None, "network",
             "required to create a cluster: give `vswitches` to create (or `existing_vswitch_ids` to reuse)"),
            (creates or self.network is None, "network",
             "not used with cluster.existing_cluster_id (that cluster has its network); remove the section"),
        )

    @rule("region")
    def _region_exists(self):
        close = difflib.get_close_matches(self.region, REGIONS, n=3, cutoff=0.6)
        hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
        yield from violations((self.region in REGIONS, "region",
                               f"{self.region!r} is not a region ACS runs in: {hint}allowed: {', '.join(REGIONS)} "
                               f"({next(iter(REGIONS.values())).source.cite()})"))

    @rule("region", "network")
    def _zones_in_region(self):
        region = REGIONS.get(self.region)
        if region is None or self.network is None:
            return
        for i, spec in enumerate(self.network.vswitches):
            known = f"; known zones: {', '.join(region.zones)}" if region.zones else ""
            yield from violations((
                bool(region.zone_pattern.match(spec.zone_id)) and (not region.zones or spec.zone_id in region.zones),
                f"network.vswitches.{i}.zone_id",
                f"{spec.zone_id!r} is not a zone of {self.region} (zone ids there are '{region.zone_form()}'{known}; "
                f"{ZONES_SOURCE.cite()})"))

    @rule("network", "cluster.service_cidr")
    def _service_cidr_apart_from_the_vpc(self):
        if self.network is not None and self.network.creates_network:
            yield from violations((not self.network.vpc_cidr.overlaps(self.cluster.service_cidr), "cluster.service_cidr",
                                   f"{self.cluster.service_cidr} overlaps network.vpc_cidr {self.network.vpc_cidr}"))

    @rule("model", "serving")
    def _kv_cache_holds_the_load(self):
        from .. import capacity  # the capacity model reads the validated sections

        found = capacity.of(self)
        if found is None:
            return
        serving, needed = self.serving, self.serving.max_model_len * self.serving.min_concurrency
        yield from violations(
            (found.kv_gib > 0, "serving.gpus_per_pod",
             f"the model does not fit: {found.weights_gib:.1f} GiB of weights per GPU (fullest stage) + "
             f"{found.reserve_gib:.1f} GiB reserve exceed {found.gpu_gib:g} GiB x {found.fraction:g}; use more or "
             "larger GPUs"),
            (found.kv_gib <= 0 or found.tokens >= needed, "serving.max_model_len",
             f"the KV cache holds {found.tokens:,} tokens per replica ({found.kv_gib:.1f} GiB per GPU, "
             f"{found.bytes_per_token} bytes per token), {found.concurrency:.2f} sequences of {serving.max_model_len:,}; "
             f"min_concurrency {serving.min_concurrency} needs {needed:,}: lower max_model_len, use "
             "kv_cache_dtype 'fp8', or more or larger GPUs"),
        )

    @rule("serving.pod_security_group", "network")
    def _security_group_in_our_vpc(self):
        yield from violations((
            not self.serving.pod_security_group or (self.network is not None and self.network.creates_network),
            "serving.pod_security_group",
            "needs the VPC this stack creates (network.vswitches); with a reused network, attach your own group "
            "through the pod annotation network.alibabacloud.com/security-group-ids instead"))

    @rule("serving.autoscaling", "serving", "rates", "model", "storage", "jobs", "images", "region")
    def _scale_down_outlasts_a_cold_start(self):
        from ..estimates import MissingRate, cold_start  # the estimate reads the validated sections

        scaling = self.serving.autoscaling
        if not scaling.enabled:
            return
        try:
            expected = cold_start(self).group.expected / 60
        except MissingRate:
            return  # the rate's own rule reports it
        # The expected start, not the worst: Kubernetes caps the window at one hour, and the worst case (a slow
        # pull with no image cache) would forbid autoscaling altogether.
        yield from violations((
            scaling.scale_down_stabilization_minutes >= expected, "serving.autoscaling.scale_down_stabilization_minutes",
            f"{scaling.scale_down_stabilization_minutes} min is shorter than a group's expected cold start "
            f"({expected:.0f} min: image pull, weight read, engine start): a lull would throw away a model that "
            "takes longer than that to load again"))

    @rule("environment", "serving.engine", "serving.accept_v0_engine_risk")
    def _v0_engine_only_on_purpose(self):
        yield from violations((
            self.environment != "prod" or self.serving.engine != "vllm-ray" or self.serving.accept_v0_engine_risk,
            "serving.accept_v0_engine_risk",
            "engine 'vllm-ray' (vLLM 0.7.2, V0) in prod needs accept_v0_engine_risk: true: its multi-node channel has "
            "a published remote-code-execution flaw, CVE-2025-30165; prefer engine 'vllm'"))

    @rule("model", "storage")
    def _cache_holds_the_model(self):
        if self.storage.mode != "fluid":
            return
        capacity, needed = self.storage.fluid.capacity_bytes, self.model.weights_bytes
        yield from violations((
            capacity >= needed, "storage.fluid.workers",
            f"the cache is too small: workers x tier_quota_gib x high_watermark = {capacity / GIB:.1f} "
            f"GiB < {needed / GIB:.1f} GiB to cache; add workers or quota"))

    @rule("model.catalog", "serving.max_model_len")
    def _context_within_the_model(self):
        model_max = CATALOG[self.model.catalog].max_context if self.model.catalog else None
        yield from violations((model_max is None or self.serving.max_model_len <= model_max, "serving.max_model_len",
                               f"{self.serving.max_model_len} exceeds the model's context ({model_max})"))

    @rule("environment", "api_key")
    def _prod_needs_an_api_key(self):
        yield from violations((self.environment != "prod" or self.api_key is not None, "api_key",
                               "prod requires an API key: pulumi config set --secret deepseek-acs:api_key <key>"))

    @rule("environment", "cluster.deletion_protection")
    def _prod_cluster_protected(self):
        yield from violations((self.environment != "prod" or self.cluster.deletion_protection,
                               "cluster.deletion_protection", "must be true in prod"))

    @rule("environment", "bucket.protect", "bucket.retain_on_delete")
    def _prod_keeps_the_weights(self):
        yield from violations((self.environment != "prod" or (self.bucket.protect and self.bucket.retain_on_delete),
                               "bucket.protect", "prod keeps the weights: protect and retain_on_delete must be true"))

    @rule("serving.service.internet_facing", "api_key")
    def _internet_needs_an_api_key(self):
        yield from violations((not self.serving.service.internet_facing or self.api_key is not None,
                               "serving.service.internet_facing", "an internet-facing endpoint requires an API key"))

    @rule("namespace", "serving.name", "serving.replicas", "serving.pods_per_group", "storage.mode",
          "storage.fluid.workers", "model.import_.enabled", "jobs.smoke_test")
    def _kubernetes_names_fit(self):
        from ..names import problems  # names reads the validated sections

        yield from problems(self)

    @rule("serving.gpu_model_series", "storage.fluid.worker_annotations")
    def _labels_and_annotations_valid(self):
        from ..names import label_value_problem, metadata_key_problem

        series = label_value_problem(self.serving.gpu_model_series)
        yield from violations(
            (series is None, "serving.gpu_model_series", f"it becomes the pods' gpu-model-series label: {series}"),
            *[(metadata_key_problem(key) is None, f"storage.fluid.worker_annotations.{key}",
               f"{metadata_key_problem(key)}") for key in self.storage.fluid.worker_annotations])

    def model_post_init(self, context) -> None:
        """Fill every timeout left unset with the one derived from the cold-start estimate, so components, waits and
        rules all read the effective value (runs on the validator's partial objects too: needs its inputs valid)."""
        from ..timeouts import derive_timeouts  # the estimate reads the validated sections

        derive_timeouts(self)

    @rule("model", "storage", "serving", "jobs", "rates", "images", "region")
    def _timeouts_cover_the_estimate(self):
        from ..timeouts import timeout_problems  # the estimate reads the validated sections

        yield from timeout_problems(self)

    @rule("cluster", "charts", "model", "storage", "serving", "jobs", "network", "rates", "images", "region")
    def _kubeconfig_outlives_the_run(self):
        if any(wait.minutes is None for wait in waits(self)):
            return  # a timeout could not be derived: _timeouts_cover_the_estimate says why
        longest, ceiling = total_minutes(self), KUBECONFIG_TTL_MINUTES.value[1]
        listed = " + ".join(f"{w.minutes} ({w.field})" for w in waits(self))
        ttl = self.cluster.kubeconfig_ttl_minutes
        if ttl is not None:
            yield from violations((ttl >= longest, "cluster.kubeconfig_ttl_minutes",
                                   f"{ttl} min is shorter than the longest `pulumi up` of this stack, {longest} min "
                                   f"= {listed}: the credential would expire mid-run; raise it or leave it unset"))
        else:
            yield from violations((longest <= ceiling, "cluster.kubeconfig_ttl_minutes",
                                   f"the stack's waits add up to {longest} min = {listed}, longer than the longest "
                                   f"kubeconfig ACS issues ({ceiling} min, {KUBECONFIG_TTL_MINUTES.source.cite()}); "
                                   "shorten the waits"))

    @rule("region", "images", "serving.engine", "serving.image", "jobs.image", "charts.lws")
    def _images_pullable(self):
        mainland = REGIONS[self.region].mainland if self.region in REGIONS else self.region.startswith("cn-")
        for field, reference, default in self._images():
            why = unreachable_from(reference, mainland)
            if why is None:
                continue
            fix = ("copy it into Container Registry in this region (ACR artifact subscription syncs Docker Hub, "
                   "GCR and Quay images) and set images.mirror to that registry/namespace"
                   if default else f"set {field} to a copy in this region's Container Registry")
            yield from violations((False, field, f"{'the default ' if default else ''}{reference} cannot be "
                                                 f"pulled reliably from {self.region}: {why}; {fix}"))

    def _images(self) -> list[tuple[str, str, bool]]:
        """(field that sets it, reference as pulled, whether it is our default) for every image the stack runs."""
        found = [("serving.image", self.serving_image, self.serving.image is None)]
        if self.jobs.image is not None:
            found.append(("jobs.image", self.jobs_image, False))
        if self.charts.lws.source == "upstream" and self.charts.lws.upstream_image is not None:
            found.append(("charts.lws.upstream_image", self.charts.lws.upstream_image, False))
        return found

    @property
    def serving_image(self) -> str:
        """The engine image as the pods pull it."""
        chosen = self.serving.image or rehome(self.serving.engine_spec.image.value, self.images.mirror)
        return in_vpc(chosen, self.region)

    def image_cache(self, gpu_series: str | None = None) -> bool:
        """Whether pods (GPU pods of `gpu_series`) ask ACS for an image cache: only where it can hit."""
        return (self.images.image_cache and self.region in IMAGE_CACHE_REGIONS.value
                and (gpu_series is None or gpu_series in IMAGE_CACHE_GPU_SERIES.value))

    @property
    def jobs_image(self) -> str:
        return in_vpc(self.jobs.image, self.region) if self.jobs.image else self.serving_image

    @property
    def kubeconfig_ttl_minutes(self) -> int:
        """The kubeconfig lifetime to request: the configured one, else the whole run (at least ACS's minimum)."""
        configured = self.cluster.kubeconfig_ttl_minutes
        return configured if configured is not None else max(total_minutes(self), KUBECONFIG_TTL_MINUTES.value[0])

    @property
    def creates_cluster(self) -> bool:
        return self.cluster.existing_cluster_id is None

    @property
    def uses_fluid(self) -> bool:
        return self.storage.mode == "fluid"
