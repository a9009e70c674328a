"""OSS endpoints (native and S3-compatible), addressing, and the limits of multipart uploads."""

from datetime import date

from . import Fact, Source

_READ = date(2026, 12, 1)

INTERNAL_ENDPOINT = Fact(
    "oss-{region}-internal.aliyuncs.com",
    Source("https://help.aliyun.com/en/oss/user-guide/regions-and-endpoints", _READ,
           "China (Hangzhou) cn-hangzhou: public oss-cn-hangzhou.aliyuncs.com, internal "
           "oss-cn-hangzhou-internal.aliyuncs.com (internal: same-region VPC, no traffic fee)."),
)
"""Native OSS API inside the region's VPCs: what ossfs (CSI) and JindoFS (Fluid) read through."""

S3_INTERNAL_ENDPOINT = Fact(
    "https://s3.oss-{region}-internal.aliyuncs.com",
    Source("https://www.alibabacloud.com/help/en/oss/developer-reference/use-amazon-s3-sdks-to-access-oss", _READ,
           "Last updated Mar 20, 2026: \"Public: https://s3.oss-{region}.aliyuncs.com\" / \"Internal (VPC): "
           "https://s3.oss-{region}-internal.aliyuncs.com\"."),
)
"""OSS's S3-compatible API inside the VPC: what the import Job's S3 client uploads through."""

VIRTUAL_HOSTED_ONLY = Fact(
    True,
    Source("https://help.aliyun.com/en/oss/developer-reference/overview-24", _READ,
           "\"For security reasons, OSS accepts only virtual hosted-style URLs, not path-style URLs.\" A path-style "
           "request is answered 403 SecondLevelDomainForbidden \"Please use virtual hosted style to access.\""),
)

NO_AWS_CHUNKED = Fact(
    True,
    Source("https://www.alibabacloud.com/help/en/oss/user-guide/0017-00000804", _READ,
           "400 InvalidArgument, EC 0017-00000804: \"aws-chunked encoding is not supported with the specified "
           "x-amz-content-sha256 value.\" Alibaba's boto3 sample: boto3's V4 signer forces chunked encoding, which "
           "OSS does not support (help.aliyun.com/zh/oss/developer-reference/use-aws-sdks-to-access-oss)."),
)
"""OSS refuses `aws-chunked` bodies and trailing checksums, which botocore sends by default over HTTPS."""

MULTIPART_LIMITS = Fact(
    {"max_parts": 10_000, "min_part_bytes": 100 * 1024, "max_part_bytes": 5 * 1024**3},
    Source("https://www.alibabacloud.com/help/en/oss/developer-reference/uploadpart", _READ,
           "partNumber: \"Valid values: 1 to 10000. The size of a part ranges from 100 KB to 5 GB.\" Sizes are checked at "
           "CompleteMultipartUpload (EntityTooSmall \"Your proposed upload smaller than the minimum allowed size.\"); a "
           "part number out of range is 400 InvalidArgument \"Part number must be an integer between 1 and 10000, "
           "inclusive.\""),
)

KMS_ACTIONS = Fact(
    ("kms:GenerateDataKey", "kms:Decrypt"),
    Source("https://www.alibabacloud.com/help/en/oss/user-guide/server-side-encryption-8", _READ,
           "Notes: \"To upload, download, or access objects in a bucket that is encrypted using SSE-KMS, you must have "
           "permissions to use\" the KMS key (the action list is cut in the stored copy). OSS's envelope encryption "
           "calls KMS GenerateDataKey on write and Decrypt on read and multipart completion (KMS RAM actions: "
           "https://www.alibabacloud.com/help/doc-detail/317676.htm), the same pair S3 documents for SSE-KMS."),
)
