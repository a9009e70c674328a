"""`bucket`: the OSS bucket that holds the model weights. Expensive state: protected and retained by default."""

from typing import Literal, Optional

from pydantic import Field

from ..types import BucketName
from .base import Section, rule, violations


class BucketConfig(Section):
    """The model bucket."""

    name: BucketName = Field(description="Globally unique bucket name.")
    existing: bool = Field(
        False, description="Use an existing bucket of this name: nothing about the bucket itself is managed."
    )
    encryption: Literal["AES256", "KMS"] = Field("AES256", description="Server-side encryption algorithm.")
    kms_key_id: Optional[str] = Field(None, description="KMS key for `encryption: KMS`; unset = the OSS-managed key.")
    versioning: Literal["Enabled", "Suspended"] = Field(
        "Suspended",
        description="Object versioning. Enabled keeps overwritten weights (billed), which protects against a "
        "bad re-upload.",
    )
    noncurrent_version_days: int = Field(
        7, ge=1, le=3650,
        description="With versioning on: delete an overwritten or deleted shard's old version after this many days "
        "(otherwise every re-import bills the old 700 GB forever).",
    )
    abort_multipart_days: int = Field(
        3, ge=1, le=3650,
        description="Abort multipart uploads left incomplete for this many days (a killed import leaves billed parts).",
    )
    protect: bool = Field(True, description="Pulumi `protect`: `pulumi destroy` fails while the bucket is managed.")
    retain_on_delete: bool = Field(
        True, description="Pulumi `retain_on_delete`: removing the bucket from the program never deletes it in OSS."
    )

    @rule("kms_key_id", "encryption")
    def _kms_key_only_with_kms(self):
        yield from violations((self.kms_key_id is None or self.encryption == "KMS", "kms_key_id",
                               "a KMS key id is only allowed with `encryption: KMS`"))
