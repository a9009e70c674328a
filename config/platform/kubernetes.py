"""Kubernetes versions ACS creates clusters with, and when each minor reaches its end of support."""

from dataclasses import dataclass
from datetime import date

from . import Fact, Source

_READ = date(2026, 12, 1)
ACK_VERSIONS = Source(
    "https://www.alibabacloud.com/help/tr/ack/product-overview/release-notes-for-kubernetes-versions",
    _READ,
    "Last updated Oct 06, 2026. Supported: 1.36 released May 2026, end of life May 30, 2027; 1.35 released Feb "
    "2026, EOL Feb 28, 2027; 1.34 released Sep 2025, EOL Sep 30, 2026. End of life: 1.33 May 31, 2026; 1.32 Jan 31, "
    "2026. Policy (https://www.alibabacloud.com/help/en/ack/product-overview/support-for-kubernetes-versions): "
    "\"ACK supports the creation of clusters that run one of the three most recent Kubernetes minor versions\"; "
    "versions are named x.y.z-aliyun.n.",
)


@dataclass(frozen=True)
class Minor:
    version: str
    end_of_life: date
    source: Source


MINORS = {
    minor.version: minor
    for minor in (
        Minor("1.36", date(2027, 5, 30), ACK_VERSIONS),
        Minor("1.35", date(2027, 2, 28), ACK_VERSIONS),
        Minor("1.34", date(2026, 9, 30), ACK_VERSIONS),
        Minor("1.33", date(2026, 5, 31), ACK_VERSIONS),
        Minor("1.32", date(2026, 1, 31), ACK_VERSIONS),
    )
}
"""Minors the table above lists, with their end of support."""

CREATABLE_MINORS = Fact(("1.36", "1.35", "1.34"), ACK_VERSIONS)
"""The three most recent minors: the only ones a new cluster may run (ACS shares ACK's version policy)."""

FACTS_DATE = Fact(_READ, ACK_VERSIONS)
"""The date these facts describe: a minor past its end of life on this date is refused, whatever today is, so the
same config always validates the same way. Re-read the source and move this date when the table is updated."""

ONLY_LATEST_PATCH = Fact(
    True,
    Source(
        "https://github.com/aliyun/terraform-provider-alicloud/blob/81c43b6727a0/alicloud/"
        "data_source_alicloud_cs_kubernetes_version.go#L114",
        _READ,
        "DescribeKubernetesVersionMetadata without a mode returns the creatable versions; a create with a retired "
        "patch string is refused (\"The specified KubernetesVersion 1.35.2-aliyun.1 is invalid, allowd values are "
        "[1.36.2-aliyun.1 1.35.7-aliyun.1 1.34.10-aliyun.1]\", recorded by a public project in Aug 2026).",
    ),
)
"""ACK accepts only the newest patch of each creatable minor: pin a minor and let the program pick its patch."""


def supported(minor: str) -> bool:
    """Creatable and not past its end of support on FACTS_DATE."""
    entry = MINORS.get(minor)
    return minor in CREATABLE_MINORS.value and entry is not None and entry.end_of_life > FACTS_DATE.value
