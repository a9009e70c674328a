"""The whole stack: every key under the `deepseek-acs` namespace of a `Pulumi.<stack>.yaml`.

Each top-level field of `StackConfig` is one config key (`deepseek-acs:<field>`); sections are structured
objects. Rules that span sections sit here and name the fields they read, so they run whenever those are valid.
"""

from typing import Literal, Optional

from pydantic import Field, SecretStr

from ..catalog import CATALOG
from ..types import DnsLabel, RegionId
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

    @rule("network", "cluster.existing_cluster_id")
    def _network_only_for_a_new_cluster(self):
        creates = self.cluster.existing_cluster_id is None
        yield from violations(
            (not creates or self.network is not None, "network",
             "required to create a cluster: give `vswitches` to create (or `existing_vswitch_ids` to reuse)"),
            (creates or self.network is None, "network",
             "not used with cluster.existing_cluster_id (that cluster has its network); remove the section"),
        )

    @rule("region", "network")
    def _zones_in_region(self):
        for i, spec in enumerate(self.network.vswitches if self.network else []):
            yield from violations((spec.zone_id.startswith(self.region + "-"), f"network.vswitches.{i}.zone_id",
                                   f"{spec.zone_id!r} is not a zone of region {self.region!r} "
                                   f"(expected '{self.region}-<letter>')"))

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

    @property
    def creates_cluster(self) -> bool:
        return self.cluster.existing_cluster_id is None

    @property
    def uses_fluid(self) -> bool:
        return self.storage.mode == "fluid"
