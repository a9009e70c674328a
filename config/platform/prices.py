"""Default prices (USD, pay-as-you-go) of what the stack bills, read from Alibaba Cloud's public pages.

ACS bills a GPU pod as vCPUs x vCPU price + GiB x memory price + GPUs x GPU price, per second. No public page lists
the GPU price of any ACS GPU model series, nor the vCPU and memory price inside a GPU pod: those are the user's to
fill (`prices.gpu_hour`, `prices.gpu_pod_vcpu_hour`, `prices.gpu_pod_gib_hour`) and the plan says "not set" until
they are. The EIP's configuration fee and the NAT gateway's CU price were not found either (`prices.eip_hour`,
`prices.nat_cu_hour`).
"""

from datetime import date

from . import Fact, Source

_READ = date(2026, 12, 1)
TABLE_DATE = Fact(_READ, Source("https://www.alibabacloud.com/help/en/cs/product-overview/product-billing-rules", _READ,
                                "The date every default price of this module was read."))

_ACS = Source(
    "https://www.alibabacloud.com/help/en/cs/product-overview/product-billing-rules", _READ,
    "Last updated Mar 26, 2026: \"There is no cluster management fee.\" \"GPU pod: Fee = (Number of vCPUs x vCPU unit "
    "price + Memory size x Memory unit price + Number of GPUs x GPU unit price) x Billing duration\". Chinese mainland: "
    "General-purpose default USD 0.00936/hour (vCPU), USD 0.0046/hour (GiB); best-effort USD 0.001872 / 0.0009; "
    "Compute-optimized default USD 0.01224 / 0.006; best-effort USD 0.002448 / 0.0012024. Hong Kong (China) and "
    "outside China: General-purpose default 0.013716 / 0.0069; best-effort 0.002736 / 0.001368; Compute-optimized "
    "default 0.017856 / 0.008928; best-effort 0.0035712 / 0.0017856. (The CNY page calls compute-optimized "
    "\"performance-enhanced\": the `performance` compute class.)",
)

CPU_POD_HOUR = {
    (mainland, compute_class, qos): Fact(prices, _ACS)
    for mainland, compute_class, qos, prices in (
        (True, "general-purpose", "default", (0.00936, 0.0046)),
        (True, "general-purpose", "best-effort", (0.001872, 0.0009)),
        (True, "performance", "default", (0.01224, 0.006)),
        (True, "performance", "best-effort", (0.002448, 0.0012024)),
        (False, "general-purpose", "default", (0.013716, 0.0069)),
        (False, "general-purpose", "best-effort", (0.002736, 0.001368)),
        (False, "performance", "default", (0.017856, 0.008928)),
        (False, "performance", "best-effort", (0.0035712, 0.0017856)),
    )
}
"""USD per (vCPU-hour, GiB-hour) of a CPU pod, by (mainland region, compute class, QoS): the Fluid cache workers."""

OSS_STANDARD_GB_MONTH = Fact(
    0.0173,
    Source("https://alibabacloud.com/help/en/oss/product-overview/storage-fees", _READ,
           "Last updated Dec 20, 2024: \"the unit price for the storage usage of Standard locally redundant storage "
           "(LRS) objects is USD 0.0173 per GB-month, and the unit price in GB-hour is USD 0.000024 per GB-hour "
           "(0.0173/30/24)\"."),
)

NAT_INSTANCE_HOUR = {
    mainland: Fact(price, Source(
        "https://www.alibabacloud.com/help/en/nat-gateway/latest/billing-of-internet-nat-gateways", _READ,
        "\"Instance fee = Unit price of an Internet NAT gateway(USD/hour) x Usage duration (hours)\"; \"China "
        "(Hangzhou), China (Shanghai), ... China (Chengdu) | 0.034\"; \"China (Hong Kong), Japan (Tokyo), ... UAE "
        "(Dubai) | 0.043\". CU fees come on top, by usage (CU unit price not in the stored copy)."))
    for mainland, price in ((True, 0.034), (False, 0.043))
}
"""USD per hour of an Internet NAT gateway instance, by mainland region."""
