"""`jobs`: the stack's Jobs (model import, readiness waits, smoke test)."""

from typing import Optional

from pydantic import Field

from ..platform.packages import PYPI_MIRROR
from ..types import PinnedImage
from .base import Section


class JobsConfig(Section):
    """The Jobs of the stack. They run the serving engine's image by default: it has Python, it is already in the
    region (mirrored or Alibaba-hosted), and its layers are pulled for the model anyway."""

    image: Optional[PinnedImage] = Field(
        None, description="Image of every Job (Python 3.9+ with pip); default: the serving image.",
    )
    pip_index_url: str = Field(
        PYPI_MIRROR.value, pattern=r"^https://",
        description="Package index the import Job installs its pinned dependencies from (jobs/requirements.txt); "
        "the default is Alibaba's PyPI mirror, reachable from every region.",
    )
    smoke_test: bool = Field(True, description="After the new revision is up, send one reasoning request.")
    smoke_test_timeout_minutes: Optional[int] = Field(
        None, ge=1, le=120, description="How long `pulumi up` waits for it. Unset: derived from the worst-case cold-start estimate (config/estimates.py); a value below it is refused."
    )
