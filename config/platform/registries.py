"""Container registries: Alibaba's endpoints per region, and registries a mainland region cannot rely on."""

import re
from dataclasses import dataclass
from datetime import date

from . import Fact, Source

_READ = date(2026, 12, 1)


@dataclass(frozen=True)
class RegistryRule:
    """An Alibaba registry host form, and its VPC twin (pulls inside the VPC: no NAT, no traffic fee)."""

    public: str
    vpc: str
    source: Source

    def public_pattern(self) -> re.Pattern[str]:
        return _pattern(self.public)

    def hosts(self, host: str) -> bool:
        """Whether `host` is this registry, by its public or its VPC name."""
        return bool(_pattern(self.public).match(host) or _pattern(self.vpc).match(host))

    def vpc_host(self, host: str) -> str | None:
        """The VPC host of `host` if `host` is this rule's public form."""
        match = self.public_pattern().match(host)
        return self.vpc.format(**match.groupdict()) if match else None


def _pattern(template: str) -> re.Pattern[str]:
    escaped = re.escape(template).replace(r"\{region\}", "(?P<region>[a-z0-9-]+?)")
    escaped = escaped.replace(r"\{instance\}", "(?P<instance>[a-z0-9-]+?)")
    return re.compile(f"^{escaped}$")


ALIBABA_REGISTRIES = (
    RegistryRule(
        "registry-{region}.ack.aliyuncs.com", "registry-{region}-vpc.ack.aliyuncs.com",
        Source("https://alibabacloud.com/help/en/arms/application-monitoring/support/how-to-use-the-ack-onepilot-when-"
               "the-vpc-network-is-not-working", _READ,
               "Last updated Mar 21, 2025: the image URL \"is automatically set to the virtual private cloud (VPC) "
               "endpoint\"; removing \"the -vpc suffix\" pulls registry-cn-hangzhou.ack.aliyuncs.com/... over the "
               "Internet. Alibaba's own ACS template pulls registry-${Region}-vpc.ack.aliyuncs.com/acs/lws:v0.5.0."),
    ),
    RegistryRule(
        "registry.{region}.aliyuncs.com", "registry-vpc.{region}.aliyuncs.com",
        Source("https://www.alibabacloud.com/help/en/acr/user-guide/individual-edition-instance-independent-domain-"
               "name-capacity-limit", _READ,
               "Personal Edition created before Sep 9, 2024: registry.cn-hangzhou.aliyuncs.com, VPC "
               "registry-vpc.cn-hangzhou.aliyuncs.com."),
    ),
    RegistryRule(
        "crpi-{instance}.{region}.personal.cr.aliyuncs.com", "crpi-{instance}-vpc.{region}.personal.cr.aliyuncs.com",
        Source("https://www.alibabacloud.com/help/en/acr/user-guide/individual-edition-instance-independent-domain-"
               "name-capacity-limit", _READ,
               "New Personal Edition instances: crpi-xxxx.cn-hangzhou.personal.cr.aliyuncs.com, VPC "
               "crpi-xxxx-vpc.cn-hangzhou.personal.cr.aliyuncs.com; \"You cannot use the public endpoints of new "
               "Personal Edition instances to pull images.\""),
    ),
    RegistryRule(
        "{instance}-registry.{region}.cr.aliyuncs.com", "{instance}-registry-vpc.{region}.cr.aliyuncs.com",
        Source("https://www.alibabacloud.com/help/en/acr/developer-reference/api-cr-2018-12-01-struct-routeitem", _READ,
               "Enterprise Edition: InstanceDomain test-instance-registry-vpc.cn-hangzhou.cr.aliyuncs.com (VPC); the "
               "VPC must be on the instance's access control list."),
    ),
)

ABROAD_FROM_MAINLAND = Fact(
    ("docker.io", "registry-1.docker.io", "index.docker.io", "registry.k8s.io", "k8s.gcr.io", "gcr.io", "ghcr.io",
     "quay.io", "nvcr.io", "public.ecr.aws", "docker.pkg.dev"),
    Source(
        "https://www.alibabacloud.com/help/en/acr/user-guide/subscribe-to-image-tags",
        _READ,
        "Last updated Dec 04, 2025: \"Pulling images from sources outside China, such as Docker Hub, GCR, and Quay, "
        "can fail due to network issues.\" (The remedy Alibaba documents: sync the image into Container Registry "
        "with artifact subscription.) registry.k8s.io, ghcr.io, nvcr.io and ECR Public are hosted abroad the same way.",
    ),
)
"""Registries hosted outside mainland China. A stack in a mainland region may not pull from them."""

IMAGE_CACHE_ANNOTATION = Fact(
    "image.alibabacloud.com/enable-image-cache",
    Source(
        "https://help.aliyun.com/zh/cs/user-guide/use-imagecache-to-accelerate-acs-pod-startup",
        _READ,
        "\"image.alibabacloud.com/enable-image-cache: \\\"true\\\" | 为 Pod 开启镜像缓存匹配能力\"; matches the newest "
        "cache of exactly the same image name; \"目前支持的imagePullPolicy为Always\"; the feature is by application "
        "(\"白名单邀测阶段\") in cn-beijing, cn-shanghai, cn-hangzhou, cn-wulanchabu, cn-shenzhen, cn-hongkong, "
        "ap-southeast-1; GPU card types G59, G49E, L20.",
    ),
)
IMAGE_CACHE_REGIONS = Fact(("cn-beijing", "cn-shanghai", "cn-hangzhou", "cn-wulanchabu", "cn-shenzhen", "cn-hongkong",
                       "ap-southeast-1"), IMAGE_CACHE_ANNOTATION.source)
IMAGE_CACHE_GPU_SERIES = Fact(("G59", "G49E", "L20"), IMAGE_CACHE_ANNOTATION.source)
"""GPU pods of other series get no cache hit ("目前 GPU 场景镜像缓存支持的卡型: G59、G49E、L20(GN8IS)")."""

DOCKER_HUB_DEFAULT = Fact(
    "docker.io",
    Source("https://github.com/distribution/reference/blob/main/normalize.go", _READ,
           "A reference without a registry host (\"python:3.11\", \"library/python\") is normalised to docker.io: "
           "legacyDefaultDomain = \"index.docker.io\", defaultDomain = \"docker.io\"."),
)
