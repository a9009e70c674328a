"""CrossGuard rules for deepseek-acs stacks. Pure functions of what the engine sends, so they are unit-tested
against recorded graphs without the CLI (tests/policy). Property names are the engine's (camelCase)."""

import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence

import pulumi
from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

BUCKET = "alicloud:oss/bucket:Bucket"
BUCKET_ACL = "alicloud:oss/bucketAcl:BucketAcl"
PUBLIC_ACCESS_BLOCK = "alicloud:oss/bucketPublicAccessBlock:BucketPublicAccessBlock"
ENCRYPTION = "alicloud:oss/bucketServerSideEncryption:BucketServerSideEncryption"
LWS = "kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet"
SERVICE = "kubernetes:core/v1:Service"
LB_ADDRESS_TYPE = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type"
INTERNET_APPROVAL = "deepseek-acs/allow-internet-facing"
"""Set on a Service only when its stack config says `serving.service.internet_facing: true`."""
ACS_LABEL_PREFIX = "alibabacloud.com/"
LWS_NAME_LABEL = "leaderworkerset.sigs.k8s.io/name"
GPU = "nvidia.com/gpu"
RELEASE = "kubernetes:helm.sh/v3:Release"

_TEMPLATE_OWNERS = {
    "kubernetes:apps/v1:Deployment": ("template",),
    "kubernetes:apps/v1:StatefulSet": ("template",),
    "kubernetes:batch/v1:Job": ("template",),
}


def pod_specs(resource_type: str, props: dict) -> Iterator[tuple[str, dict]]:
    """(where, pod spec) for every pod template a resource carries."""
    spec = props.get("spec") or {}
    if resource_type == LWS:
        template = spec.get("leaderWorkerTemplate") or {}
        for role in ("leaderTemplate", "workerTemplate"):
            if template.get(role):
                yield role, template[role].get("spec") or {}
    elif resource_type in _TEMPLATE_OWNERS:
        yield "template", (spec.get("template") or {}).get("spec") or {}
    elif resource_type == "kubernetes:core/v1:Pod":
        yield "pod", spec


def containers(pod_spec: dict) -> list[dict]:
    return [*(pod_spec.get("initContainers") or []), *(pod_spec.get("containers") or [])]


# The config's rule (config/images.py), repeated because the pack runs without the program's code: a digest is
# 'sha256:' and 64 lower-case hex digits; a tag is a valid tag other than 'latest'; repositories are lower case.
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_PATH_COMPONENT = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")


def is_pinned(image: str) -> bool:
    """A well-formed reference with a full digest, or with a tag other than 'latest'."""
    name, at, digest = image.partition("@")
    if at and not _DIGEST.match(digest):
        return False
    tag = None
    if ":" in name.rsplit("/", 1)[-1]:
        name, tag = name.rsplit(":", 1)
        if not _TAG.match(tag):
            return False
    first, slash, rest = name.partition("/")
    path = rest if slash and ("." in first or ":" in first or first == "localhost") else name
    return bool(path) and all(_PATH_COMPONENT.match(part) for part in path.split("/")) \
        and (bool(at) or tag not in (None, "latest"))


def chart_images(values: object, where: str = "values") -> Iterator[tuple[str, str]]:
    """(where, reference) of every image a Helm release's values set: `image: <reference>`, or the charts'
    usual `{repository, tag}` pair (which the chart renders as `<repository>:<tag>`)."""
    if isinstance(values, dict):
        if isinstance(values.get("repository"), str) and "tag" in values:
            yield where, f"{values['repository']}:{values['tag']}"
        for key, item in values.items():
            if key == "image" and isinstance(item, str):
                yield f"{where}.image", item
            else:
                yield from chart_images(item, f"{where}.{key}")
    elif isinstance(values, list):
        for index, item in enumerate(values):
            yield from chart_images(item, f"{where}.{index}")


def _stack_name(urn: str) -> str:
    return urn.split("::")[0].removeprefix("urn:pulumi:")


# ------------------------------------------------------------------------------------------ model bucket
def _bucket_protected(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == BUCKET and not args.opts.protect:
        report(f"OSS bucket '{args.name}' is not protected: `pulumi destroy` could delete the model weights. "
               "Set `bucket.protect: true` in the stack config.")


def _bucket_private(args: ResourceValidationArgs, report: ReportViolation) -> None:
    acl = args.props.get("acl")
    if args.resource_type == BUCKET_ACL and acl != "private":
        report(f"Bucket ACL '{args.name}' is '{acl}': the model bucket must be private. Set acl='private'.")
    if args.resource_type == BUCKET and acl not in (None, "private"):
        report(f"OSS bucket '{args.name}' sets acl '{acl}': the model bucket must be private. Remove the inline acl.")


def _bucket_hardened(args: StackValidationArgs, report: ReportViolation) -> None:
    def settings(resource_type: str, holds) -> set:
        return {r.props.get("bucket") for r in args.resources if r.resource_type == resource_type and holds(r.props)}

    blocked = settings(PUBLIC_ACCESS_BLOCK, lambda props: props.get("blockPublicAccess") is True)
    encrypted = settings(ENCRYPTION, lambda props: props.get("sseAlgorithm") in ("AES256", "KMS"))
    for bucket in (r for r in args.resources if r.resource_type == BUCKET):
        name = bucket.props.get("bucket")
        if name not in blocked:
            report(f"OSS bucket '{name}' has no public access block: add a BucketPublicAccessBlock with "
                   "block_public_access=True.", bucket.urn)
        if name not in encrypted:
            report(f"OSS bucket '{name}' is not encrypted: add a BucketServerSideEncryption (AES256 or KMS).",
                   bucket.urn)


# ------------------------------------------------------------------------------------------ workloads
def _gpu_requests_equal_limits(args: ResourceValidationArgs, report: ReportViolation) -> None:
    for where, pod in pod_specs(args.resource_type, args.props):
        for container in containers(pod):
            resources = container.get("resources") or {}
            requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
            if (GPU in requests or GPU in limits) and requests != limits:
                report(f"GPU container '{container.get('name')}' in {args.name} ({where}) has requests {requests} "
                       f"!= limits {limits}: ACS GPU pods must be Guaranteed. Set requests equal to limits.")


def _inference_probes(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != LWS:
        return
    for where, pod in pod_specs(args.resource_type, args.props):
        for container in pod.get("containers") or []:
            if not container.get("ports") and not container.get("startupProbe") and "leader" not in where:
                continue  # a headless worker (vLLM --headless) serves nothing to probe; its exit recreates the group
            missing = [probe for probe in ("startupProbe", "readinessProbe") if not container.get(probe)]
            if missing:
                report(f"Inference container '{container.get('name')}' in {args.name} ({where}) has no "
                       f"{' or '.join(missing)}: add them so a loading model is neither killed nor sent traffic.")


def _images_pinned(args: ResourceValidationArgs, report: ReportViolation) -> None:
    for where, pod in pod_specs(args.resource_type, args.props):
        for container in containers(pod):
            image = container.get("image") or ""
            if not is_pinned(image):
                report(f"Container '{container.get('name')}' in {args.name} ({where}) uses image '{image}': pin a "
                       "tag other than 'latest', or a full digest (sha256: and 64 hex digits).")
    if args.resource_type == RELEASE:
        for where, image in chart_images(args.props.get("values") or {}):
            if not is_pinned(image):
                report(f"Helm release {args.name} sets image '{image}' ({where}): pin a tag other than 'latest', or "
                       "a full digest (sha256: and 64 hex digits).")


def _selectors(resource_type: str, props: dict) -> dict:
    spec = props.get("spec") or {}
    if resource_type == SERVICE:
        return spec.get("selector") or {}
    if resource_type == "kubernetes:networking.k8s.io/v1:NetworkPolicy":
        return (spec.get("podSelector") or {}).get("matchLabels") or {}
    if resource_type in _TEMPLATE_OWNERS:
        return (spec.get("selector") or {}).get("matchLabels") or {}
    return {}


def _no_acs_labels_in_selectors(args: ResourceValidationArgs, report: ReportViolation) -> None:
    acs_keys = sorted(key for key in _selectors(args.resource_type, args.props) if key.startswith(ACS_LABEL_PREFIX))
    if acs_keys:
        report(f"{args.name} selects on ACS labels {acs_keys}: ACS may rewrite them and the controller would "
               "recreate pods endlessly. Select on app or LeaderWorkerSet labels instead.")


# ------------------------------------------------------------------------------------------ exposure
def _has_api_key(lws_props: dict) -> bool:
    for role, pod in pod_specs(LWS, lws_props):
        if role != "leaderTemplate":
            continue
        for container in pod.get("containers") or []:
            names = {item.get("name") for item in container.get("env") or []}
            if names & {"API_KEY_FILE", "VLLM_API_KEY"} or "--api-key" in (container.get("args") or []):
                return True
    return False


def _api_key_where_exposed(args: StackValidationArgs, report: ReportViolation) -> None:
    services = [r for r in args.resources if r.resource_type == SERVICE]
    for workload in (r for r in args.resources if r.resource_type == LWS):
        name = (workload.props.get("metadata") or {}).get("name")
        exposed = [s for s in services if (s.props.get("spec") or {}).get("selector", {}).get(LWS_NAME_LABEL) == name
                   and (s.props.get("spec") or {}).get("type", "ClusterIP") != "ClusterIP"]
        reason = "it runs in the prod stack" if _stack_name(workload.urn) == "prod" else (
            f"Service {exposed[0].name} exposes it beyond the cluster" if exposed else None)
        if reason and not _has_api_key(workload.props):
            report(f"Inference service '{name}' has no API key and {reason}: set "
                   "`pulumi config set --secret deepseek-acs:api_key …`.", workload.urn)


def _no_public_load_balancer(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != SERVICE or (args.props.get("spec") or {}).get("type") != "LoadBalancer":
        return
    annotations = (args.props.get("metadata") or {}).get("annotations") or {}
    if annotations.get(LB_ADDRESS_TYPE, "internet") != "intranet" and annotations.get(INTERNET_APPROVAL) != "true":
        report(f"Service '{args.name}' is an internet-facing LoadBalancer: use an intranet one, or allow it "
               "explicitly with `serving.service.internet_facing: true` in the stack config.")


# ------------------------------------------------------------------------------------------ disruption
ACKNOWLEDGE_KEY = "deepseek-acs:acknowledge"
"""Stack config holding `pod_template`: the LWS pod-template hash a person has agreed the prod stack may run."""


def _plain(value):
    """Resource inputs as plain dicts and lists (the pack hands them over wrapped)."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(item) for item in value]
    return value


def pod_template_hash(lws_props) -> str:
    """16 hex digits over the leader and worker templates, what LWS hashes to decide a rollout (the pack's copy of
    offline/diff.py's; a test keeps them equal)."""
    template = (_plain(lws_props).get("spec") or {}).get("leaderWorkerTemplate") or {}
    parts = [template.get("leaderTemplate") or {}, template.get("workerTemplate") or {}]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:16]


def acknowledged_pod_template() -> str | None:
    """`acknowledge.pod_template` from the stack's config, which the engine hands to a policy pack as to a program."""
    raw = pulumi.runtime.get_config(ACKNOWLEDGE_KEY)
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return None
    return value.get("pod_template") if isinstance(value, dict) else None


def _prod_groups_recreated_on_purpose(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != LWS or _stack_name(args.urn) != "prod":
        return
    current = pod_template_hash(args.props)
    if acknowledged_pod_template() != current:
        report(f"LeaderWorkerSet '{args.name}' runs pod template {current}, which the prod stack has not "
               "acknowledged: a new template recreates every serving group (see `make diff` for the downtime). "
               f"Acknowledge it in the same change: `acknowledge: {{pod_template: {current}}}` in Pulumi.prod.yaml.")


POLICIES = [
    ResourceValidationPolicy("model-bucket-protected", "The model bucket is protected from `pulumi destroy`.",
                             _bucket_protected),
    ResourceValidationPolicy("model-bucket-private", "The model bucket is private.", _bucket_private),
    StackValidationPolicy("model-bucket-hardened", "The model bucket blocks public access and is encrypted.",
                          _bucket_hardened),
    ResourceValidationPolicy("gpu-requests-equal-limits", "GPU containers request exactly their limits.",
                             _gpu_requests_equal_limits),
    ResourceValidationPolicy("inference-pods-have-probes", "Inference pods that serve have startup and readiness "
                             "probes (the leader always).",
                             _inference_probes),
    ResourceValidationPolicy("images-pinned", "Every image, of pods and of chart values, has a tag other than "
                             "`latest` or a full digest.", _images_pinned),
    ResourceValidationPolicy("no-acs-labels-in-selectors", "ACS system labels are never used in selectors.",
                             _no_acs_labels_in_selectors),
    StackValidationPolicy("api-key-where-exposed",
                          "Inference needs an API key in prod and behind any Service that is not ClusterIP.",
                          _api_key_where_exposed),
    ResourceValidationPolicy("no-public-load-balancer",
                             "No internet-facing LoadBalancer unless the stack allows it explicitly.",
                             _no_public_load_balancer),
    ResourceValidationPolicy("prod-group-recreation-acknowledged",
                             "A prod pod template that recreates the serving groups is acknowledged in config.",
                             _prod_groups_recreated_on_purpose),
]

ENFORCEMENT = EnforcementLevel.MANDATORY
