"""`jobs`: the Python Jobs of the stack (model import, smoke test)."""

from pydantic import Field

from ..types import PinnedImage
from .base import Section


class JobsConfig(Section):
    """The Python Jobs of the stack: the model import and the smoke test."""

    image: PinnedImage = Field(
        "python:3.11.14-slim", description="Python image both Jobs run in (mirror it where Docker Hub is slow)."
    )
    pip_index_url: str = Field(
        "https://mirrors.aliyun.com/pypi/simple/", pattern=r"^https://",
        description="Package index the Jobs install their pinned dependencies from (jobs/requirements.txt).",
    )
    smoke_test: bool = Field(True, description="After the workload is Available, send one chat completion.")
    smoke_test_timeout_minutes: int = Field(15, ge=1, le=120, description="How long `pulumi up` waits for it.")
