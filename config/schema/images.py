"""`images`: where the stack's images are pulled from, and ACS's image cache."""

from typing import Optional

from pydantic import Field

from .base import Section


class ImagesConfig(Section):
    """Where pods pull images from. The engines' images live on Docker Hub, which mainland regions cannot pull
    reliably: copy them into Container Registry in the stack's region and name that place here."""

    mirror: Optional[str] = Field(
        None, pattern=r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+$",
        description="Registry and namespace holding copies of the default images, e.g. "
        "'registry-vpc.cn-hangzhou.aliyuncs.com/deepseek-acs': a default image `<host>/<path>/<name>:<tag>@<digest>` "
        "is pulled as `<mirror>/<name>:<tag>@<digest>` (same digest, so the copy is verified).",
    )
    image_cache: bool = Field(
        True, description="Ask ACS to start pods from an image cache (`image.alibabacloud.com/enable-image-cache`) "
        "where the region and, for GPU pods, the GPU type support it; caches are made in the ACS console.",
    )
