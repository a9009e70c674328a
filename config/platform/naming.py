"""How long Kubernetes (and the controllers this stack runs) let an object's name be, and how controllers derive
names of their own from ours. `config/names.py` applies them to every name the stack creates or causes."""

import re
from dataclasses import dataclass
from datetime import date

from . import Fact, Source

_READ = date(2026, 12, 1)
_APIMACHINERY = ("https://github.com/kubernetes/apimachinery/blob/eed236ceee2c19c2753a3d93ac0631dc20750454/pkg/util/"
                 "validation/validation.go")
_CORE_VALIDATION = Source(
    "https://github.com/kubernetes/kubernetes/blob/000f26050b9be6fb3d79fae95e06b47fc96128cd/pkg/apis/core/validation/"
    "validation.go", _READ,
    "var ValidatePodName = apimachineryvalidation.NameIsDNSSubdomain; var ValidateServiceName = "
    "apimachineryvalidation.NameIsDNS1035Label; var ValidateNamespaceName = apimachineryvalidation."
    "ValidateNamespaceName (= NameIsDNSLabel, apimachinery pkg/api/validation/generic.go#L69); var "
    "ValidateSecretName = apimachineryvalidation.NameIsDNSSubdomain; var ValidateConfigMapName = "
    "apimachineryvalidation.NameIsDNSSubdomain; ValidatePersistentVolumeName: NameIsDNSSubdomain (claims likewise)",
)
_LWS = "https://github.com/kubernetes-sigs/lws/blob/2f732693a20b6e7b6c2a215be8a102ad22a4c98f"
_FLUID = "https://github.com/fluid-cloudnative/fluid/blob/de578cd23c56a83b527ac00586ab1659cf460f68"


@dataclass(frozen=True)
class Limit:
    """The most characters a name may have, and why: the rule of its kind or of a label it also becomes."""

    length: int
    rule: str
    source: Source


DNS_LABEL = Limit(63, "a DNS-1123 label", Source(
    f"{_APIMACHINERY}#L161", _READ, "DNS1123LabelMaxLength is a label's max length in DNS (RFC 1123): 63"))
DNS_1035_LABEL = Limit(63, "a DNS-1035 label", Source(
    f"{_APIMACHINERY}#L226", _READ, "const DNS1035LabelMaxLength int = 63"))
DNS_SUBDOMAIN = Limit(253, "a DNS-1123 subdomain", Source(
    f"{_APIMACHINERY}#L191", _READ, "DNS1123SubdomainMaxLength is a subdomain's max length in DNS (RFC 1123): 253"))
LABEL_VALUE = Limit(63, "a label value", Source(
    f"{_APIMACHINERY}#L147", _READ, "const LabelValueMaxLength int = content.LabelValueMaxLength (63)"))
HELM_RELEASE = Limit(53, "a Helm release name", Source(
    "https://github.com/helm/helm/blob/d9ffe37d371c9d06448c55c852c800051830e49a/pkg/chartutil/validate_name.go",
    _READ, "maxReleaseNameLen = 53: \"For Helm to allow a name, it must be below a certain character count (53)\""))

KIND_LIMITS = {
    "Namespace": Limit(DNS_LABEL.length, "a Namespace name (DNS-1123 label)", _CORE_VALIDATION),
    "Service": Limit(DNS_1035_LABEL.length, "a Service name (DNS-1035 label)", _CORE_VALIDATION),
    "Secret": Limit(DNS_SUBDOMAIN.length, "a Secret name (DNS-1123 subdomain)", _CORE_VALIDATION),
    "ConfigMap": Limit(DNS_SUBDOMAIN.length, "a ConfigMap name (DNS-1123 subdomain)", _CORE_VALIDATION),
    "PersistentVolumeClaim": Limit(DNS_SUBDOMAIN.length, "a claim name (DNS-1123 subdomain)", _CORE_VALIDATION),
    "NetworkPolicy": Limit(DNS_SUBDOMAIN.length, "a NetworkPolicy name (DNS-1123 subdomain)", Source(
        "https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/networking/validation/validation.go", _READ,
        "func ValidateNetworkPolicyName(name string, prefix bool) []string { return "
        "apimachineryvalidation.NameIsDNSSubdomain(name, prefix) }")),
    "DataLoad": Limit(DNS_SUBDOMAIN.length, "a custom resource name (DNS-1123 subdomain)", Source(
        "https://github.com/kubernetes/kubernetes/blob/de4be7261d44a687b02abd4407273d0b29cf8e17/staging/src/k8s.io/"
        "apiextensions-apiserver/pkg/registry/customresource/validator.go", _READ,
        "validation.ValidateObjectMetaAccessor(accessor, a.namespaceScoped, validation.NameIsDNSSubdomain, ...)")),
    "LeaderWorkerSet": Limit(DNS_1035_LABEL.length, "a LeaderWorkerSet name (DNS-1035 label)", Source(
        f"{_LWS}/pkg/webhooks/leaderworkerset_webhook.go#L132", _READ,
        "v0.5.0: \"Since the lws name is used as the name for headless service, it must be DNS-1035 compliant\" "
        "ValidateName := apivalidation.NameIsDNS1035Label (the same at v0.10.0, line 127)")),
    "Dataset": Limit(DNS_1035_LABEL.length, "a Fluid Dataset name (DNS-1035 label)", Source(
        f"{_FLUID}/pkg/controllers/v1alpha1/dataset/dataset_controller.go#L128", _READ,
        "v1.0.8: if errs := validation.IsDNS1035Label(ctx.Dataset.ObjectMeta.Name); ... \"Failed to create dataset\"")),
    "ServiceAccount": Limit(DNS_SUBDOMAIN.length, "a ServiceAccount name (DNS-1123 subdomain)", _CORE_VALIDATION),
    "Role": Limit(DNS_SUBDOMAIN.length, "an RBAC name (a path segment; held to a DNS-1123 subdomain's length)", Source(
        "https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/rbac/validation/validation.go", _READ,
        "ValidateRBACName: `return path.IsValidPathSegmentName(name)` (no length rule of its own; every name is "
        "stored in etcd under a key, so the subdomain bound of 253 is kept)")),
    "HorizontalPodAutoscaler": Limit(DNS_SUBDOMAIN.length, "an autoscaler name (DNS-1123 subdomain)", Source(
        "https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/autoscaling/validation/validation.go", _READ,
        "var ValidateHorizontalPodAutoscalerName = apivalidation.ValidateReplicationControllerName (NameIsDNSSubdomain)")),
    "JindoRuntime": Limit(DNS_1035_LABEL.length, "a Fluid runtime name (DNS-1035 label)", Source(
        f"{_FLUID}/pkg/controllers/runtime_controller.go#L93", _READ,
        "v1.0.8: if errs := validation.IsDNS1035Label(runtime.GetName()); ... \"Failed to validate runtime name\"")),
}
"""The name rule of each kind the stack declares. A Job is held to LABEL_VALUE instead (JOB_NAME_LABEL), and so is
a PersistentVolume, whose name the stack also sets as its `alicloud-pvname` label."""

JOB_NAME_LABEL = Fact("batch.kubernetes.io/job-name", Source(
    "https://kubernetes.io/docs/concepts/workloads/controllers/job/", _READ,
    "kubectl describe job pi: \"Labels: batch.kubernetes.io/controller-uid=... batch.kubernetes.io/job-name=pi\": "
    "the Job controller labels every pod with the Job's name, so a Job name is held to LABEL_VALUE"))
STATEFULSET_IDENTITY = Source(
    "https://github.com/kubernetes/kubernetes/issues/79337", _READ,
    "StatefulSet pods: \"the value of label: controller-revision-hash exceeds length limition(63)\", \"the field of "
    "pod: .spec.hostname exceeds length limition(63)\", \"statefulset.kubernetes.io/pod-name (similar to 2)\". "
    "Pod names are '<set>-<ordinal>' (pkg/controller/statefulset/stateful_set_utils.go getPodName) and the revision "
    "label is '<set>-<hash>' (pkg/controller/history/controller_history.go ControllerRevisionName)",
)
REVISION_HASH_LENGTH = Fact(10, Source(
    "https://github.com/kubernetes/kubernetes/blob/01ccd2e19eb709d63fe770a70fcc817695dc7e32/pkg/controller/history/"
    "controller_history.go", _READ,
    "HashControllerRevision returns rand.SafeEncodeString(fmt.Sprint(hf.Sum32())): a 32-bit FNV hash in decimal, at "
    "most 10 characters; ControllerRevisionName returns fmt.Sprintf(\"%s-%s\", prefix, hash)"))
"""At most this many characters follow '<statefulset>-' in each pod's `controller-revision-hash` label."""

LWS_NAMES = Fact({"leader_set": "{lws}", "worker_set": "{lws}-{group}", "worker_pod": "{lws}-{group}-{worker}",
                  "headless_service": "{lws}"}, Source(
    f"{_LWS}/pkg/controllers/leaderworkerset_controller.go#L683", _READ,
    "v0.5.0: leader StatefulSet appsapplyv1.StatefulSet(lws.Name, ...) (L683), group pods nominatedName := "
    "fmt.Sprintf(\"%s-%d\", lws.Name, index) (L549); pod_controller.go L327-333: the worker StatefulSet is "
    "appsapplyv1.StatefulSet(leaderPod.Name, ...) with WithReplicas(size - 1) and ordinals WithStart(1); the "
    "headless Service is serviceName = lws.Name (L324)"))
"""The objects LWS derives from a LeaderWorkerSet's name: a leader StatefulSet, a worker StatefulSet per group."""

FLUID_JINDO_NAMES = Fact({"master": "{runtime}-jindofs-master", "worker": "{runtime}-jindofs-worker",
                          "fuse": "{runtime}-jindofs-fuse", "master_service": "{runtime}-jindofs-master-0",
                          "release": "{runtime}"}, Source(
    f"{_FLUID}/pkg/ddc/jindocache/utils.go#L86", _READ,
    "v1.0.8 jindocache engine (ack-fluid's `runtime.jindo.engine: jindocache`): getMasterName = e.name + "
    "\"-jindofs-master\", getWorkerName = e.name + \"-jindofs-worker\", getFuseName = e.name + \"-jindofs-fuse\"; "
    "hcfs.go L53 serviceName = fmt.Sprintf(\"%s-jindofs-master-0\", e.name); master_internal.go L46 "
    "helm.InstallRelease(e.name, ...)"))
"""The objects Fluid derives from a JindoRuntime's name (master and workers are StatefulSets)."""

FLUID_DATALOAD_NAMES = Fact({"release": "{dataload}-loader", "job": "{dataload}-loader-job"}, Source(
    f"{_FLUID}/pkg/utils/dataload.go#L42", _READ,
    "v1.0.8: GetDataLoadReleaseName returns fmt.Sprintf(\"%s-loader\", name); GetDataLoadJobName returns "
    "fmt.Sprintf(\"%s-job\", releaseName)"))
"""The Helm release and Job Fluid runs a DataLoad as."""

POD_HOSTNAME = Limit(DNS_LABEL.length, "a StatefulSet pod's name, which is its hostname (DNS-1123 label)",
                     STATEFULSET_IDENTITY)
REVISION_LABEL = Limit(LABEL_VALUE.length, "the controller-revision-hash label '<set>-<hash>' on a StatefulSet's pods",
                       STATEFULSET_IDENTITY)
JOB_NAME = Limit(LABEL_VALUE.length, "a Job name, which its pods carry as a label value", JOB_NAME_LABEL.source)
PV_NAME = Limit(LABEL_VALUE.length, "a PersistentVolume name, which the stack also sets as a label value",
                LABEL_VALUE.source)

_KUBE_CONTENT = ("https://github.com/kubernetes/apimachinery/blob/eed236ceee2c19c2753a3d93ac0631dc20750454/pkg/api/"
                 "validate/content/kube.go")
LABEL_NAME_PATTERN = Fact(re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$"), Source(
    f"{_KUBE_CONTENT}#L25", _READ,
    "labelKeyFmt = \"(\" + labelKeyCharFmt + labelKeyExtCharFmt + \"*)?\" + labelKeyCharFmt (alphanumeric, then "
    "[-A-Za-z0-9_.]); labelKeyMaxLength = 63; IsLabelKey: an optional DNS-subdomain prefix and '/', then the name; "
    "IsQualifiedName = IsLabelKey (annotation keys too); labelValueFmt = \"(\" + labelKeyFmt + \")?\", at most 63"))
"""The name part of a label or annotation key, and a non-empty label value (both at most 63 characters)."""
