"""`prices`: what the plan's cost lines multiply by. USD, pay-as-you-go.

Defaults are the dated public prices of `config/platform/prices.py`. Where no public price exists (ACS GPUs, the
vCPU and memory of a GPU pod, the EIP's configuration fee, the NAT gateway's CU price) the default is unset and
the plan says "not set": fill them from the ACS console's price page for your region and account.
"""

from typing import Literal, Optional

from pydantic import Field

from ..platform import prices
from .base import Section, rule, violations


class PricesConfig(Section):
    """Unit prices, USD per hour unless named otherwise."""

    currency: Literal["USD"] = Field("USD", description="Every price is in USD (the defaults' currency).")
    gpu_hour: dict[str, float] = Field(
        default_factory=dict,
        description="Per GPU-hour by ACS GPU model series (e.g. {'GU8TF': ...}); not public: the user's to fill.",
    )
    gpu_pod_vcpu_hour: Optional[float] = Field(
        None, ge=0, description="Per vCPU-hour inside a GPU pod; not public: the user's to fill."
    )
    gpu_pod_gib_hour: Optional[float] = Field(
        None, ge=0, description="Per GiB-hour of memory inside a GPU pod; not public: the user's to fill."
    )
    cpu_vcpu_hour: Optional[float] = Field(
        None, ge=0, description="Per vCPU-hour of the cache workers; default: the region's price for their compute "
        f"class and QoS ({prices.CPU_POD_HOUR[(True, 'performance', 'default')].source.cite()}).",
    )
    cpu_gib_hour: Optional[float] = Field(
        None, ge=0, description="Per GiB-hour of the cache workers' memory; default as for cpu_vcpu_hour.",
    )
    oss_gb_month: float = Field(
        prices.OSS_STANDARD_GB_MONTH.value, ge=0,
        description=f"OSS Standard (LRS) storage per GB-month ({prices.OSS_STANDARD_GB_MONTH.source.cite()}).",
    )
    nat_hour: Optional[float] = Field(
        None, ge=0, description=f"NAT gateway instance per hour; default: the region's "
        f"({prices.NAT_INSTANCE_HOUR[True].source.cite()}).",
    )
    nat_cu_hour: Optional[float] = Field(
        None, ge=0, description="NAT gateway capacity units per hour at the stack's idle load; not found: the user's.",
    )
    eip_hour: Optional[float] = Field(
        None, ge=0, description="EIP configuration fee per hour (charged when bound to a NAT gateway); not found: "
        "the user's to fill.",
    )

    @rule("gpu_hour")
    def _gpu_prices_positive(self):
        for series, price in self.gpu_hour.items():
            yield from violations((price >= 0, f"gpu_hour.{series}", f"a price is at least 0, not {price}"))
