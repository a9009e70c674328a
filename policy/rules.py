"""CrossGuard rules for deepseek-acs stacks. Pure functions of what the engine sends, so they are unit-tested
against recorded graphs without the CLI (tests/policy). Property names are the engine's (camelCase)."""

from collections.abc import Iterator

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


def is_pinned(image: str) -> bool:
    if "@sha256:" in image:
        return True
    name, _, tag = image.rpartition(":")
    return bool(name) and "/" not in tag and tag not in ("", "latest")


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
                       "tag other than 'latest', or a digest.")


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


POLICIES = [
    ResourceValidationPolicy("model-bucket-protected", "The model bucket is protected from `pulumi destroy`.",
                             _bucket_protected),
    ResourceValidationPolicy("model-bucket-private", "The model bucket is private.", _bucket_private),
    StackValidationPolicy("model-bucket-hardened", "The model bucket blocks public access and is encrypted.",
                          _bucket_hardened),
    ResourceValidationPolicy("gpu-requests-equal-limits", "GPU containers request exactly their limits.",
                             _gpu_requests_equal_limits),
    ResourceValidationPolicy("inference-pods-have-probes", "Inference pods have startup and readiness probes.",
                             _inference_probes),
    ResourceValidationPolicy("images-pinned", "No image is untagged or `latest`.", _images_pinned),
    ResourceValidationPolicy("no-acs-labels-in-selectors", "ACS system labels are never used in selectors.",
                             _no_acs_labels_in_selectors),
    StackValidationPolicy("api-key-where-exposed",
                          "Inference needs an API key in prod and behind any Service that is not ClusterIP.",
                          _api_key_where_exposed),
    ResourceValidationPolicy("no-public-load-balancer",
                             "No internet-facing LoadBalancer unless the stack allows it explicitly.",
                             _no_public_load_balancer),
]

ENFORCEMENT = EnforcementLevel.MANDATORY
