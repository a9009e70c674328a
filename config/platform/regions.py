"""Alibaba Cloud regions ACS runs in, which of them sit in mainland China, and the form of their zone ids."""

import re
from dataclasses import dataclass
from datetime import date

from . import Fact, Source

_READ = date(2026, 12, 1)
ACS_REGIONS_SOURCE = Source(
    "https://help.aliyun.com/en/cs/product-overview/open-service-area",
    _READ,
    "\"ACS supports the following regions\": China (Hangzhou, Shanghai, Qingdao, Beijing, Hohhot, Ulanqab, "
    "Shenzhen, Heyuan, Guangzhou, Chengdu, Hong Kong), Japan (Tokyo), South Korea (Seoul), Singapore, Malaysia "
    "(Kuala Lumpur, Johor), Indonesia (Jakarta), Philippines (Manila), Thailand (Bangkok), US (Virginia, Silicon "
    "Valley, Atlanta), Germany (Frankfurt), UK (London), UAE (Dubai). \"For ACS GPU resource availability and card "
    "types by region, contact your sales representative\". Ids: terraform-provider-alicloud "
    "alicloud/connectivity/regions.go@ace5bcf8.",
)
ZONES_SOURCE = Source(
    "https://www.alibabacloud.com/help/zh/elastic-container-instance/latest/regions-and-zones",
    _READ,
    "Zone ids are '<region>-<letter>' in China (cn-hangzhou-i, cn-wulanchabu-a, cn-hongkong-b) and "
    "'<region><letter>' elsewhere (ap-northeast-1a, ap-southeast-1a). Hangzhou: cn-hangzhou-b, -e, -f, -g, -h, -i, "
    "-j, -k (ECI regions and zones, last updated Dec 19, 2025).",
)


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    mainland: bool
    """Behind mainland China's network border: registries and hubs abroad are unreliable from here."""
    source: Source
    zones: tuple[str, ...] = ()
    """Known zones, where the source lists them (empty: only the form is checked)."""

    @property
    def zone_pattern(self) -> re.Pattern[str]:
        separator = "-" if self.id.startswith("cn-") else ""
        return re.compile(rf"^{re.escape(self.id)}{separator}[a-z]$")

    def zone_form(self) -> str:
        return f"{self.id}-<letter>" if self.id.startswith("cn-") else f"{self.id}<letter>"


def _region(id: str, name: str, mainland: bool, zones: tuple[str, ...] = ()) -> Region:
    return Region(id, name, mainland, ACS_REGIONS_SOURCE, zones)


REGIONS = {
    region.id: region
    for region in (
        Region("cn-hangzhou", "China (Hangzhou)", True, ZONES_SOURCE,
               tuple(f"cn-hangzhou-{letter}" for letter in "befghijk")),
        _region("cn-shanghai", "China (Shanghai)", True),
        _region("cn-qingdao", "China (Qingdao)", True),
        _region("cn-beijing", "China (Beijing)", True),
        _region("cn-huhehaote", "China (Hohhot)", True),
        _region("cn-wulanchabu", "China (Ulanqab)", True),
        _region("cn-shenzhen", "China (Shenzhen)", True),
        _region("cn-heyuan", "China (Heyuan)", True),
        _region("cn-guangzhou", "China (Guangzhou)", True),
        _region("cn-chengdu", "China (Chengdu)", True),
        _region("cn-hongkong", "China (Hong Kong)", False),
        _region("ap-northeast-1", "Japan (Tokyo)", False),
        _region("ap-northeast-2", "South Korea (Seoul)", False),
        _region("ap-southeast-1", "Singapore", False),
        _region("ap-southeast-3", "Malaysia (Kuala Lumpur)", False),
        _region("ap-southeast-5", "Indonesia (Jakarta)", False),
        _region("ap-southeast-6", "Philippines (Manila)", False),
        _region("ap-southeast-7", "Thailand (Bangkok)", False),
        _region("ap-southeast-8", "Malaysia (Johor)", False),
        _region("us-east-1", "US (Virginia)", False),
        _region("us-west-1", "US (Silicon Valley)", False),
        _region("us-southeast-1", "US (Atlanta)", False),
        _region("eu-central-1", "Germany (Frankfurt)", False),
        _region("eu-west-1", "UK (London)", False),
        _region("me-east-1", "UAE (Dubai)", False),
    )
}
"""Regions where ACS is offered, mainland China first."""

ZONE_FORMS = Fact("cn-*: '<region>-<letter>'; elsewhere '<region><letter>'", ZONES_SOURCE)
