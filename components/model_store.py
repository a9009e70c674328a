"""The OSS bucket that holds the weights, and a read-only credential scoped to the model's prefix."""

import json
from dataclasses import dataclass

import pulumi
from pulumi_alicloud import oss, ram

from config.platform.oss import INTERNAL_ENDPOINT, KMS_ACTIONS
from config.schema import BucketConfig


@dataclass(frozen=True)
class ModelStoreArgs:
    config: BucketConfig
    """The stack's `bucket` section."""
    model_path: str
    """Prefix of the model files in the bucket, e.g. 'models/DeepSeek-R1'."""
    region: str
    principal_prefix: str
    """Prefix of RAM names, unique per stack in the account (e.g. 'deepseek-acs-prod')."""
    create_writer: bool = False
    """Also create a write-only credential for the model prefix (the import Job's)."""


def reader_policy(bucket: str, prefix: str, kms: bool = False) -> dict:
    """RAM policy: read the objects under `prefix/` and list only that prefix. Nothing else.

    Mount-time checks are covered too: ossfs lists `prefix/`; Hadoop-style clients (JindoFS) may HEAD the bare
    prefix key and ask for the bucket's info."""
    statements = [
        {"Effect": "Allow", "Action": ["oss:GetObject"],
         "Resource": [f"acs:oss:*:*:{bucket}/{prefix}", f"acs:oss:*:*:{bucket}/{prefix}/*"]},
        {
            "Effect": "Allow",
            "Action": ["oss:ListObjects"],
            "Resource": [f"acs:oss:*:*:{bucket}"],
            "Condition": {"StringLike": {"oss:Prefix": [prefix, f"{prefix}/", f"{prefix}/*"]}},
        },
        {"Effect": "Allow", "Action": ["oss:GetBucketInfo"], "Resource": [f"acs:oss:*:*:{bucket}"]},
    ]
    return {"Version": "1", "Statement": statements + _kms_statements(kms, ["kms:Decrypt"])}


def writer_policy(bucket: str, prefix: str, kms: bool = False) -> dict:
    """RAM policy: write objects under `prefix/` (multipart included) and read them back to resume. Nothing else."""
    statements = [{
        "Effect": "Allow",
        "Action": ["oss:PutObject", "oss:AbortMultipartUpload", "oss:ListParts", "oss:GetObject"],
        "Resource": [f"acs:oss:*:*:{bucket}/{prefix}/*"],
    }]
    return {"Version": "1", "Statement": statements + _kms_statements(kms, list(KMS_ACTIONS.value))}


def _kms_statements(kms: bool, actions: list[str]) -> list[dict]:
    """With SSE-KMS, OSS uses the caller's KMS permissions to encrypt on write and decrypt on read."""
    return [{"Effect": "Allow", "Action": actions, "Resource": ["*"]}] if kms else []


def lifecycle_rules(config: BucketConfig) -> list[oss.BucketLifecycleRuleArgs]:
    """Abandoned multipart uploads (a killed import) and, with versioning, old versions of overwritten shards
    would otherwise be billed forever."""
    rules = [oss.BucketLifecycleRuleArgs(
        id="abort-incomplete-multipart-uploads", enabled=True, prefix="",
        abort_multipart_uploads=[oss.BucketLifecycleRuleAbortMultipartUploadArgs(days=config.abort_multipart_days)],
    )]
    if config.versioning == "Enabled":
        rules.append(oss.BucketLifecycleRuleArgs(
            id="expire-noncurrent-versions", enabled=True, prefix="",
            noncurrent_version_expirations=[
                oss.BucketLifecycleRuleNoncurrentVersionExpirationArgs(days=config.noncurrent_version_days)],
        ))
    return rules


BUCKET_SETTINGS_OWNED_ELSEWHERE = ["acl", "serverSideEncryptionRule", "versioning"]
"""Inline attributes of `oss.Bucket` that split resources own. The provider's documentation requires
ignore_changes for them: after a refresh the Bucket would otherwise reset them (DeleteBucketEncryption)."""


class ModelStore(pulumi.ComponentResource):
    """A private, encrypted, protected bucket (or an existing one) and its least-privilege reader."""

    bucket_name: pulumi.Output[str]
    internal_endpoint: str
    """OSS endpoint inside the region's VPCs; pods and Fluid read through it without NAT."""
    model_path: str
    reader_access_key_id: pulumi.Output[str]
    reader_access_key_secret: pulumi.Output[str]
    """Secret."""
    writer_access_key_id: pulumi.Output[str] | None
    writer_access_key_secret: pulumi.Output[str] | None
    """Secret. Only with `create_writer`."""

    def __init__(self, name: str, args: ModelStoreArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("deepseek-acs:storage:ModelStore", name, None, opts)
        config = args.config
        self.bucket_name = (
            pulumi.Output.from_input(config.name) if config.existing else self._create_bucket(name, config)
        )
        self.internal_endpoint = INTERNAL_ENDPOINT.value.format(region=args.region)
        self.model_path = args.model_path
        self.reader_access_key_id, self.reader_access_key_secret = self._principal(
            name, args, "reader", "read", reader_policy,
            "Reads the model prefix for the OSS volume / Fluid cache.", f"Read-only access to oss://{args.config.name}/{args.model_path}/",
        )
        self.writer_access_key_id = self.writer_access_key_secret = None
        if args.create_writer:
            self.writer_access_key_id, self.writer_access_key_secret = self._principal(
                name, args, "writer", "write", writer_policy,
                "Writes the model prefix for the import Job.", f"Write access to oss://{args.config.name}/{args.model_path}/",
            )
        self.register_outputs({
            "bucket_name": self.bucket_name,
            "internal_endpoint": self.internal_endpoint,
            "model_path": self.model_path,
            "reader_access_key_id": self.reader_access_key_id,
        })

    def _create_bucket(self, name: str, config: BucketConfig) -> pulumi.Output[str]:
        # ~700 GB of weights take hours to copy back: `pulumi destroy` must neither fail halfway through the
        # bucket's settings nor delete it. Its settings share the options, so a retained bucket never loses its
        # public-access block or encryption when the stack goes away.
        keep = pulumi.ResourceOptions(parent=self, protect=config.protect, retain_on_delete=config.retain_on_delete)
        bucket = oss.Bucket(
            f"{name}-bucket",
            bucket=config.name,
            storage_class="Standard",
            tags={"purpose": "model-weights", "managed-by": "pulumi"},
            lifecycle_rules=lifecycle_rules(config),
            opts=pulumi.ResourceOptions.merge(keep, pulumi.ResourceOptions(
                ignore_changes=BUCKET_SETTINGS_OWNED_ELSEWHERE)),
        )
        oss.BucketAcl(f"{name}-acl", bucket=bucket.bucket, acl="private", opts=keep)
        oss.BucketPublicAccessBlock(f"{name}-public-access-block", bucket=bucket.bucket, block_public_access=True, opts=keep)
        oss.BucketServerSideEncryption(
            f"{name}-encryption",
            bucket=bucket.bucket,
            sse_algorithm=config.encryption,
            kms_master_key_id=config.kms_key_id,
            opts=keep,
        )
        oss.BucketVersioning(f"{name}-versioning", bucket=bucket.bucket, status=config.versioning, opts=keep)
        return bucket.bucket

    def _principal(self, name, args, role, verb, policy_for, purpose, scope) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
        """A RAM user whose only permission is `policy_for(bucket, prefix)`, and its AccessKey (id, secret)."""
        child = pulumi.ResourceOptions(parent=self)
        user = ram.User(
            f"{name}-{role}",
            name=f"{args.principal_prefix}-model-{role}",
            display_name=f"{args.principal_prefix} model {role}",
            comments=f"{purpose} Managed by Pulumi.",
            opts=child,
        )
        policy = ram.Policy(
            f"{name}-{role}-policy",
            policy_name=f"{args.principal_prefix}-model-{verb}",
            description=scope,
            policy_document=self.bucket_name.apply(
                lambda bucket: json.dumps(policy_for(bucket, args.model_path, kms=args.config.encryption == "KMS"))),
            opts=child,
        )
        ram.UserPolicyAttachment(
            f"{name}-{role}-policy-attachment",
            user_name=user.name,
            policy_name=policy.policy_name,
            policy_type="Custom",
            opts=child,
        )
        key = ram.AccessKey(
            f"{name}-{role}-key",
            user_name=user.name,
            opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=["secret"]),
        )
        # The provider marks `secret` secret in state; wrapping keeps it secret in every value derived from it.
        return key.id, pulumi.Output.secret(key.secret)
