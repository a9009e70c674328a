"""The stack configuration schema, one module per section. `StackConfig` is the whole stack."""

from .base import Problem, Section, rule, violations
from .bucket import BucketConfig
from .charts import ChartsConfig, FluidChartConfig, LwsChartConfig
from .cluster import ClusterConfig
from .images import ImagesConfig
from .jobs import JobsConfig
from .model import ModelConfig, ModelImportConfig
from .network import NetworkConfig, VSwitchSpec
from .observability import ObservabilityConfig
from .service import ServiceConfig
from .serving import ServingConfig
from .stack import StackConfig
from .storage import FluidCacheConfig, OssVolumeConfig, StorageConfig

__all__ = [
    "BucketConfig", "ChartsConfig", "ClusterConfig", "FluidCacheConfig", "FluidChartConfig", "ImagesConfig", "JobsConfig",
    "LwsChartConfig", "ModelConfig", "ModelImportConfig", "NetworkConfig", "ObservabilityConfig", "OssVolumeConfig",
    "Problem", "Section", "ServiceConfig", "ServingConfig", "StackConfig", "StorageConfig", "VSwitchSpec", "rule",
    "violations",
]
