"""Facts about Pulumi itself that the program and its tooling rely on."""

import re
from datetime import date

from . import Fact, Source

STACK_NAME = Fact(
    re.compile(r"^[A-Za-z0-9_.-]{1,100}$"),
    Source(
        "https://www.pulumi.com/docs/iac/concepts/stacks/",
        date(2026, 12, 1),
        "Stack names may only contain alphanumeric characters, hyphens, underscores, or periods. (The CLI checks "
        "`^[A-Za-z0-9_.-]{1,100}$`, pulumi/pulumi pkg/backend/filestate/backend.go validateStackName.)",
    ),
)
"""What `pulumi stack init` accepts as a stack name (without an org/project prefix)."""
