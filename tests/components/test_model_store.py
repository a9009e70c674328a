"""Model bucket: private, encrypted, protected; a reader that can only read the model prefix."""

import json

from components.model_store import reader_policy, writer_policy
from offline.engine import SECRET_MASK

BUCKET_SETTINGS = (
    "alicloud:oss/bucketAcl:BucketAcl",
    "alicloud:oss/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "alicloud:oss/bucketServerSideEncryption:BucketServerSideEncryption",
    "alicloud:oss/bucketVersioning:BucketVersioning",
)


def principal(run, role: str, typ: str, suffix: str = ""):
    """The reader's or writer's RAM resource of that type."""
    return run.one(typ, f"deepseek-acs-{run.stack}-{role}{suffix}")


def policy_document(run, role: str) -> dict:
    return json.loads(principal(run, role, "alicloud:ram/policy:Policy", "-policy").inputs["policyDocument"])


def test_bucket_is_private_blocked_and_encrypted(rendered):
    run = rendered("prod")
    assert run.one("alicloud:oss/bucketAcl:BucketAcl").inputs["acl"] == "private"
    assert run.one("alicloud:oss/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs["blockPublicAccess"] is True
    assert run.one("alicloud:oss/bucketServerSideEncryption:BucketServerSideEncryption").inputs["sseAlgorithm"] == "AES256"
    assert run.one("alicloud:oss/bucketVersioning:BucketVersioning").inputs["status"] == "Enabled"
    bucket = run.one("alicloud:oss/bucket:Bucket").inputs
    assert "acl" not in bucket and "serverSideEncryptionRule" not in bucket  # one owner per setting


def test_bucket_and_its_settings_are_protected_and_retained(rendered, each_stack):
    run = rendered(each_stack)
    for typ in ("alicloud:oss/bucket:Bucket", *BUCKET_SETTINGS):
        options = run.one(typ).options
        assert options["protect"] and options["retain_on_delete"], typ


def test_protection_follows_config(render):
    bucket = render("dev", {"bucket.protect": False, "bucket.retain_on_delete": False}).one("alicloud:oss/bucket:Bucket")
    assert not bucket.options["protect"] and not bucket.options["retain_on_delete"]


def test_reader_policy_grants_only_read_on_the_model_prefix(rendered):
    document = policy_document(rendered("prod"), "reader")
    actions = sorted(action for statement in document["Statement"] for action in statement["Action"])
    assert actions == ["oss:GetBucketInfo", "oss:GetObject", "oss:ListObjects"]
    assert all(statement["Effect"] == "Allow" for statement in document["Statement"])
    by_action = {statement["Action"][0]: statement for statement in document["Statement"]}
    # The bare prefix key too: Hadoop-style clients (JindoFS) HEAD the directory without its trailing slash.
    assert by_action["oss:GetObject"]["Resource"] == ["acs:oss:*:*:deepseek-acs-prod-models/models/DeepSeek-R1",
                                                      "acs:oss:*:*:deepseek-acs-prod-models/models/DeepSeek-R1/*"]
    listing = by_action["oss:ListObjects"]
    assert listing["Resource"] == ["acs:oss:*:*:deepseek-acs-prod-models"]
    assert listing["Condition"] == {"StringLike": {"oss:Prefix": ["models/DeepSeek-R1", "models/DeepSeek-R1/",
                                                                  "models/DeepSeek-R1/*"]}}
    assert by_action["oss:GetBucketInfo"]["Resource"] == ["acs:oss:*:*:deepseek-acs-prod-models"]


def test_kms_encryption_lets_both_principals_use_the_key(render, rendered):
    assert "kms" not in json.dumps(policy_document(rendered("prod"), "reader"))
    run = render("prod", {"bucket.encryption": "KMS"})
    reader, writer = policy_document(run, "reader"), policy_document(run, "writer")
    assert {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": ["*"]} in reader["Statement"]
    assert {"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": ["*"]} in writer["Statement"]


def test_bucket_never_resets_what_its_split_resources_own(rendered):
    bucket = rendered("prod").one("alicloud:oss/bucket:Bucket")
    assert bucket.options["ignore_changes"] == ["acl", "serverSideEncryptionRule", "versioning"]


def test_lifecycle_aborts_stale_uploads_and_expires_old_versions(rendered, render):
    rules = {rule["id"]: rule for rule in rendered("prod").one("alicloud:oss/bucket:Bucket").inputs["lifecycleRules"]}
    assert rules["abort-incomplete-multipart-uploads"]["abortMultipartUploads"] == [{"days": 3}]
    assert rules["expire-noncurrent-versions"]["noncurrentVersionExpirations"] == [{"days": 7}]
    assert all(rule["enabled"] and rule["prefix"] == "" for rule in rules.values())
    dev = render("dev", {"bucket.abort_multipart_days": 1}).one("alicloud:oss/bucket:Bucket").inputs["lifecycleRules"]
    assert [rule["id"] for rule in dev] == ["abort-incomplete-multipart-uploads"]  # dev does not version
    assert dev[0]["abortMultipartUploads"] == [{"days": 1}]


def test_reader_policy_has_no_wildcard_beyond_the_prefix():
    text = json.dumps(reader_policy("b", "m/x"))
    assert '"oss:*"' not in text and "acs:oss:*:*:b/*" not in text


def test_reader_user_gets_the_policy_and_a_key(rendered):
    run = rendered("prod")
    attachment = principal(run, "reader", "alicloud:ram/userPolicyAttachment:UserPolicyAttachment", "-policy-attachment")
    assert attachment.inputs["policyType"] == "Custom"
    assert attachment.inputs["policyName"] == principal(run, "reader", "alicloud:ram/policy:Policy", "-policy").inputs["policyName"]
    user = principal(run, "reader", "alicloud:ram/user:User")
    assert attachment.inputs["userName"] == user.inputs["name"] == "deepseek-acs-prod-model-reader"
    assert principal(run, "reader", "alicloud:ram/accessKey:AccessKey", "-key").inputs["userName"] == "deepseek-acs-prod-model-reader"


def test_existing_bucket_is_not_managed_but_still_gets_a_scoped_reader(render):
    run = render("prod", {"bucket.existing": True})
    for typ in ("alicloud:oss/bucket:Bucket", *BUCKET_SETTINGS):
        assert not run.of_type(typ), typ
    document = policy_document(run, "reader")
    assert document["Statement"][0]["Resource"][-1] == "acs:oss:*:*:deepseek-acs-prod-models/models/DeepSeek-R1/*"
    assert run.outputs["bucket_name"] == "deepseek-acs-prod-models"


def test_no_plaintext_access_key_secret_in_the_graph(rendered, each_stack):
    run = rendered(each_stack)
    text = json.dumps([node.inputs for node in run.nodes]) + json.dumps(run.outputs)
    assert "mock-access-key-secret" not in text
    assert SECRET_MASK in text


def test_writer_exists_only_when_the_model_is_imported(rendered):
    assert [node.name for node in rendered("dev").of_type("alicloud:ram/user:User")] == ["deepseek-acs-dev-reader"]
    assert principal(rendered("prod"), "writer", "alicloud:ram/user:User").inputs["name"] == "deepseek-acs-prod-model-writer"


def test_writer_policy_writes_only_under_the_model_prefix(rendered):
    document = policy_document(rendered("prod"), "writer")
    assert document == writer_policy("deepseek-acs-prod-models", "models/DeepSeek-R1")
    (statement,) = document["Statement"]
    assert statement["Resource"] == ["acs:oss:*:*:deepseek-acs-prod-models/models/DeepSeek-R1/*"]
    assert sorted(statement["Action"]) == ["oss:AbortMultipartUpload", "oss:GetObject", "oss:ListParts", "oss:PutObject"]
    assert not [action for action in statement["Action"] if "*" in action or "Delete" in action]
