"""The whole stack: every key under the `deepseek-acs` namespace of a `Pulumi.<stack>.yaml`.

Each top-level field of `StackConfig` is one config key (`deepseek-acs:<field>`); sections are structured
objects. Rules that span sections sit here and name the fields they read, so they run whenever those are valid.
"""

from typing import Literal, Optional

from pydantic import Field, SecretStr

import difflib

from ..catalog import CATALOG
from ..platform.cluster import KUBECONFIG_TTL_MINUTES
from ..platform.regions import REGIONS, ZONES_SOURCE
from ..types import DnsLabel, RegionId
from ..waits import total_minutes, waits
from .base import Section, rule, violations
from .bucket import BucketConfig
from .charts import ChartsConfig
from .cluster import ClusterConfig
from .jobs import JobsConfig
from .model import ModelConfig
from .network import NetworkConfig
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
    jobs: JobsConfig = Field(default_factory=JobsConfig, description="The import and smoke-test Jobs.")
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

    @rule("model", "serving.gpu_memory_gib", "serving.gpu_memory_utilization", "serving.min_kv_cache_fraction",
          "serving.tensor_parallel", "serving.pipeline_parallel")
    def _weights_fit(self):
        from ..sizing import Sizing, gib  # sizing reads the validated sections

        sizing = Sizing.weights(self.model, self.serving)
        yield from violations((
            sizing.weights_per_gpu_bytes <= sizing.weights_budget_per_gpu_bytes, "serving.gpus_per_pod",
            f"the model does not fit: {gib(sizing.weights_per_gpu_bytes):.1f} GiB of weights per GPU "
            f"(size {gib(sizing.weights_bytes):.1f} GiB / {sizing.gpus_per_group} GPUs) exceed "
            f"{gib(sizing.weights_budget_per_gpu_bytes):.1f} GiB allowed (gpu_memory_gib x gpu_memory_utilization x "
            f"(1 - min_kv_cache_fraction)); use more or larger GPUs"))

    @rule("model", "storage")
    def _cache_holds_the_model(self):
        if self.storage.mode != "fluid":
            return
        fluid = self.storage.fluid
        capacity = fluid.workers * fluid.tier_quota_gib * GIB * fluid.high_watermark
        needed = self.model.weights_bytes
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

    @rule("cluster", "charts", "model", "storage", "serving", "jobs", "network")
    def _kubeconfig_outlives_the_run(self):
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
