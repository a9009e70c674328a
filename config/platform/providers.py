"""What a change does to a resource, as Pulumi's providers and the LeaderWorkerSet controller decide it: which
input changes replace a resource instead of updating it in place, when the old one is deleted first, and which
changes make the LWS controller recreate its groups. `offline/diff.py` classifies plan differences with these.
"""

from datetime import date

from . import Fact, Source

_READ = date(2026, 12, 1)
_K8S = "https://github.com/pulumi/pulumi-kubernetes/blob/00302beb58ae08591f0c8b0b065871c50ba35250/provider/pkg/provider/diff.go"
_TF = "https://github.com/aliyun/terraform-provider-alicloud/blob/81c43b6727a09e9da37b3d88818c3ba5fa17fa14/alicloud/"

KUBERNETES_FORCE_NEW = Fact(
    {
        "*": ("metadata.name", "metadata.namespace"),
        "ConfigMap": ("binaryData", "data"),
        "Secret": ("type", "stringData", "data"),
        "Service": ("spec.clusterIP",),
        "PersistentVolume": ("spec.csi",),
        "PersistentVolumeClaim": ("spec",),
        "Job": ("spec.completions", "spec.parallelism", "spec.selector", "spec.template"),
    },
    Source(_K8S, _READ,
           "forceNewProperties: metadataForceNewProperties(\".metadata\") (\".name\", \".namespace\") for every kind, "
           "plus per kind: ConfigMap {\".binaryData\", \".data\"}; Secret {\".type\", \".stringData\", \".data\"}; "
           "Service {\".spec.clusterIP\"}; PersistentVolumeClaim {\".spec\", ...}; PersistentVolume {\".spec.csi\", "
           "...}; Job {\".spec.completions\", \".spec.parallelism\", \".spec.selector\", \".spec.template\"}. A kind "
           "without an entry (custom resources such as LeaderWorkerSet) updates in place."),
)
"""Input paths (dot-separated, `*` for any list item) whose change makes pulumi-kubernetes replace an object."""

KUBERNETES_DELETE_FIRST = Fact(
    True,
    Source("https://github.com/pulumi/pulumi-kubernetes/blob/997c0a8899dfd96965fce82b035219c3e08c1de9/provider/pkg/"
           "provider/provider.go", _READ,
           "\"deleteBeforeReplace := len(replaces) > 0 && !metadata.IsAutonamed(newInputs) && newInputs.GetName() == "
           "oldInputs.GetName() && newInputs.GetNamespace() == oldInputs.GetNamespace()\": a replaced object that "
           "keeps its explicit name is deleted before its successor exists."),
)

ALICLOUD_FORCE_NEW = Fact(
    {
        "alicloud:oss/bucket:Bucket": ("bucket", "storageClass", "redundancyType"),
        "alicloud:oss/bucketAcl:BucketAcl": ("bucket",),
        "alicloud:oss/bucketPublicAccessBlock:BucketPublicAccessBlock": ("bucket",),
        "alicloud:oss/bucketServerSideEncryption:BucketServerSideEncryption": ("bucket",),
        "alicloud:oss/bucketVersioning:BucketVersioning": ("bucket",),
        "alicloud:vpc/switch:Switch": ("cidrBlock", "isDefault", "vpcId", "zoneId", "availabilityZone"),
        "alicloud:vpc/network:Network": ("isDefault", "userCidrs"),
        "alicloud:cs/managedKubernetes:ManagedKubernetes": ("profile", "podCidr", "serviceCidr", "nodeCidrMask",
                                                            "proxyMode", "ipStack", "clusterDomain",
                                                            "serviceAccountIssuer", "apiAudiences"),
        "alicloud:vpc/natGateway:NatGateway": ("internetChargeType", "paymentType", "instanceChargeType", "vpcId",
                                               "privateLinkEnabled", "accessMode"),
        "alicloud:ecs/eipAddress:EipAddress": ("internetChargeType", "ipAddress", "isp", "netmode", "paymentType",
                                               "publicIpAddressPoolId", "securityProtectionTypes", "zone",
                                               "instanceChargeType"),
        "alicloud:ecs/eipAssociation:EipAssociation": ("allocationId", "instanceId", "instanceType",
                                                       "privateIpAddress", "vpcId"),
        "alicloud:vpc/snatEntry:SnatEntry": ("snatTableId", "sourceCidr", "sourceVswitchId"),
        "alicloud:ram/accessKey:AccessKey": ("userName", "secretFile", "pgpKey"),
        "alicloud:ram/policy:Policy": ("policyName", "name"),
        "alicloud:ram/userPolicyAttachment:UserPolicyAttachment": ("policyName", "policyType", "userName"),
        "alicloud:ram/user:User": (),
    },
    Source(_TF + "resource_alicloud_oss_bucket.go", _READ,
           "`ForceNew: true` in each resource's schema (Pulumi's camelCase of the Terraform name): "
           "resource_alicloud_oss_bucket.go bucket, storage_class, redundancy_type; resource_alicloud_vswitch.go "
           "cidr_block, vpc_id, zone_id; resource_alicloud_cs_managed_kubernetes.go profile, pod_cidr, service_cidr; "
           "resource_alicloud_nat_gateway.go vpc_id, payment_type; resource_alicloud_eip_address.go isp, "
           "payment_type; resource_alicloud_snat_entry.go snat_table_id, source_vswitch_id; "
           "resource_alicloud_ram_access_key.go user_name; resource_alicloud_ram_user.go none; the bucket settings' "
           "bucket (files of the same commit)."),
)
"""Top-level inputs whose change makes pulumi-alicloud replace a resource (the bridged provider's ForceNew)."""

LWS_TEMPLATE_HASH = Fact(
    ("leaderTemplate", "workerTemplate"),
    Source("https://github.com/kubernetes-sigs/lws/blob/0dcc715650b9ca2f4cb7fdeedab13757361a96d3/pkg/utils/utils.go",
           _READ,
           "\"func LeaderWorkerTemplateHash(lws) string { return Sha1Hash(lws.Spec.LeaderWorkerTemplate.LeaderTemplate."
           "String() + lws.Spec.LeaderWorkerTemplate.WorkerTemplate.String()) }\": a new hash starts a rolling update "
           "that recreates every group."),
)
"""The parts of `spec.leaderWorkerTemplate` whose change recreates the groups."""

LWS_ROLLOUT_DEFAULTS = Fact(
    {"maxUnavailable": 1, "maxSurge": 0},
    Source("https://github.com/kubernetes-sigs/lws/blob/main/site/content/en/docs/concepts/rollout-strategy/_index.md",
           _READ,
           "\"MaxUnavailable: Indicates how many replicas are allowed to be unavailable during the update ... Defaults "
           "to 1.\" \"MaxSurge: Indicates how many extra replicas can be deployed during the update. Defaults to 0.\""),
)

HPA_LIMITS = Fact(
    {"max_stabilization_seconds": 3600, "max_period_seconds": 1800},
    Source("https://github.com/kubernetes/api/blob/3fecd54e66d608d8b6b563957348affe87eb2f17/autoscaling/v2/types.go",
           _READ,
           "HPAScalingRules: \"StabilizationWindowSeconds must be greater than or equal to zero and less than or equal "
           "to 3600 (one hour).\" HPAScalingPolicy: \"PeriodSeconds must be greater than zero and less than or equal "
           "to 1800 (30 min).\""),
)
