"""Typed stack configuration: schema, validation rules and derived sizing. The single source for all three."""

from .catalog import CATALOG, CatalogModel
from .loader import NAMESPACE, ConfigError, from_pulumi, load
from .schema import StackConfig
from .sizing import Sizing, gib

__all__ = ["CATALOG", "CatalogModel", "ConfigError", "NAMESPACE", "Sizing", "StackConfig", "from_pulumi", "gib", "load"]
