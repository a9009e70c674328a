"""Model bucket: private, encrypted, protected; a reader that can only read the model prefix."""

import json

from components.model_store import reader_policy
from offline.engine import SECRET_MASK

BUCKET_SETTINGS = (
    "alicloud:oss/bucketAcl:BucketAcl",
    "alicloud:oss/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "alicloud:oss/bucketServerSideEncryption:BucketServerSideEncryption",
    "alicloud:oss/bucketVersioning:BucketVersioning",
)


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
    run = rendered("prod")
    document = json.loads(run.one("alicloud:ram/policy:Policy").inputs["policyDocument"])
    actions = sorted(action for statement in document["Statement"] for action in statement["Action"])
    assert actions == ["oss:GetObject", "oss:ListObjects"]
    assert all(statement["Effect"] == "Allow" for statement in document["Statement"])
    by_action = {statement["Action"][0]: statement for statement in document["Statement"]}
    assert by_action["oss:GetObject"]["Resource"] == ["acs:oss:*:*:deepseek-acs-prod-models/models/DeepSeek-R1/*"]
    listing = by_action["oss:ListObjects"]
    assert listing["Resource"] == ["acs:oss:*:*:deepseek-acs-prod-models"]
    assert listing["Condition"] == {"StringLike": {"oss:Prefix": ["models/DeepSeek-R1/", "models/DeepSeek-R1/*"]}}


def test_reader_policy_has_no_wildcard_beyond_the_prefix():
    text = json.dumps(reader_policy("b", "m/x"))
    assert '"oss:*"' not in text and "acs:oss:*:*:b/*" not in text


def test_reader_user_gets_the_policy_and_a_key(rendered):
    run = rendered("prod")
    attachment = run.one("alicloud:ram/userPolicyAttachment:UserPolicyAttachment")
    assert attachment.inputs["policyType"] == "Custom"
    assert attachment.inputs["policyName"] == run.one("alicloud:ram/policy:Policy").inputs["policyName"]
    assert attachment.inputs["userName"] == run.one("alicloud:ram/user:User").inputs["name"] == "deepseek-acs-prod-model-reader"
    key = run.one("alicloud:ram/accessKey:AccessKey")
    assert key.inputs["userName"] == "deepseek-acs-prod-model-reader"


def test_existing_bucket_is_not_managed_but_still_gets_a_scoped_reader(render):
    run = render("prod", {"bucket.existing": True})
    for typ in ("alicloud:oss/bucket:Bucket", *BUCKET_SETTINGS):
        assert not run.of_type(typ), typ
    document = json.loads(run.one("alicloud:ram/policy:Policy").inputs["policyDocument"])
    assert document["Statement"][0]["Resource"] == ["acs:oss:*:*:deepseek-acs-prod-models/models/DeepSeek-R1/*"]
    assert run.outputs["bucket_name"] == "deepseek-acs-prod-models"


def test_no_plaintext_access_key_secret_in_the_graph(rendered, each_stack):
    run = rendered(each_stack)
    text = json.dumps([node.inputs for node in run.nodes]) + json.dumps(run.outputs)
    assert "mock-access-key-secret" not in text
    assert SECRET_MASK in text
