"""Constrained string types shared by the schema. Each check says, in its error, what is allowed."""

import re
from typing import Annotated

from pydantic import AfterValidator

_DNS_1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z0-9]+){1,3}$")
_SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
_KUBERNETES_VERSION = re.compile(r"^1\.\d{2}(\.\d+-aliyun\.\d+)?$")
_ADDON_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_OBJECT_PREFIX = re.compile(r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")
_VSWITCH_ID = re.compile(r"^vsw-[a-z0-9]+$")
_CLUSTER_ID = re.compile(r"^c[a-z0-9]{10,}$")


def _matching(pattern: re.Pattern[str], allowed: str):
    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"{value!r} is not allowed: {allowed}")
        return value

    return check


def _dns_1035(value: str) -> str:
    if len(value) > 63 or not _DNS_1035.match(value):
        raise ValueError(
            f"{value!r} is not a DNS-1035 label: at most 63 characters, lower-case letters, digits and '-', "
            "starting with a letter and ending with a letter or digit"
        )
    return value


def _pinned_image(value: str) -> str:
    from .images import ImageError, parse  # noqa: PLC0415 (images imports nothing from here)

    try:
        parse(value).require_pinned()
    except ImageError as error:
        raise ValueError(str(error)) from None
    return value


DnsLabel = Annotated[str, AfterValidator(_dns_1035)]
"""A Kubernetes object name that must be a DNS-1035 label (Services, LeaderWorkerSets, namespaces)."""

BucketName = Annotated[
    str,
    AfterValidator(_matching(_BUCKET, "3-63 characters, lower-case letters, digits and '-', starting and ending with a letter or digit")),
]
RegionId = Annotated[str, AfterValidator(_matching(_REGION, "an Alibaba Cloud region id such as 'cn-hangzhou'"))]
PinnedVersion = Annotated[str, AfterValidator(_matching(_SEMVER, "an exact version 'MAJOR.MINOR.PATCH' (no ranges, no 'latest')"))]
KubernetesVersion = Annotated[
    str,
    AfterValidator(_matching(_KUBERNETES_VERSION, "a minor such as '1.35' (its newest patch is used) or a full "
                                                  "ACS version such as '1.35.7-aliyun.1'")),
]
AddonName = Annotated[str, AfterValidator(_matching(_ADDON_NAME, "an ACS add-on name such as 'managed-coredns'"))]
Digest = Annotated[str, AfterValidator(_matching(_DIGEST, "a full image digest: 'sha256:' and 64 hex digits"))]
PinnedImage = Annotated[str, AfterValidator(_pinned_image)]
ObjectPrefix = Annotated[
    str,
    AfterValidator(_matching(_OBJECT_PREFIX, "a relative object prefix such as 'models/DeepSeek-R1' (no leading or trailing '/')")),
]
VSwitchId = Annotated[str, AfterValidator(_matching(_VSWITCH_ID, "a vSwitch id such as 'vsw-bp1...'"))]
ClusterId = Annotated[str, AfterValidator(_matching(_CLUSTER_ID, "an ACS/ACK cluster id such as 'c0123456789abcdef...'"))]


def version_tuple(version: str) -> tuple[int, ...]:
    """'1.0.13' -> (1, 0, 13), for comparing pinned versions."""
    return tuple(int(part) for part in version.split("."))
