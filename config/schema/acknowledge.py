"""`acknowledge`: changes a person has agreed to, checked by the policy pack against what the program renders."""

from typing import Optional

from pydantic import Field

from .base import Section


class AcknowledgeConfig(Section):
    """Explicit acknowledgements of disruptive changes."""

    pod_template: Optional[str] = Field(
        None, pattern=r"^[0-9a-f]{16}$",
        description="The LeaderWorkerSet pod-template hash this stack may run (`make plan` and `make diff` print "
        "it). In prod the policy pack refuses any other template: a new one recreates every group, so changing it "
        "needs this acknowledgement in the same change.",
    )
