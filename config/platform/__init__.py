"""Facts about the platform the program relies on: limits, versions, endpoints, label values, GPU specs.

Every fact lives in exactly one place in this package, with the public source it was read from and the date it
was read (`Source`). Config validation and components read the facts from here; nothing repeats a value
elsewhere. `tests/config/test_platform.py` fails when a fact has no source or date, and each rule that uses a
fact has a test that pins it.
"""

from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Source:
    """Where a fact was read, and when."""

    url: str
    """A public page, or a repository file as `https://github.com/<owner>/<repo>/blob/<commit>/<path>#L<n>`."""
    read: date
    """The date the fact was read from `url`."""
    quote: str = ""
    """What the source says, in its words (or a short paraphrase where it is a table)."""

    def cite(self) -> str:
        """For error messages: 'source: <url> (read <date>)'."""
        return f"source: {self.url} (read {self.read.isoformat()})"


@dataclass(frozen=True)
class Fact(Generic[T]):
    """One value the platform imposes, with its source."""

    value: T
    source: Source


def sourced(value: Any) -> Iterator[tuple[str, Any]]:
    """Every object under `value` that carries a `source` attribute, with a readable path (for the tests)."""
    yield from _walk(value, "")


def _walk(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if is_dataclass(value) and not isinstance(value, type):
        names = {field.name for field in fields(value)}
        if "source" in names:
            yield path, value
        for name in names - {"source"}:
            yield from _walk(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")


UNCONFIRMED: dict[str, str] = {
    "cluster.DNS_ADDON": "`managed-coredns` is the API name of ACS's cluster DNS add-on (the SDK's ACK example and "
    "public configs send it; no Alibaba ACS page shows the string)",
    "cluster.STORAGE_ADDON": "`managed-csiprovisioner`, a name on ACS's component overview, is accepted in `addons`",
    "cluster.PUBLIC_KUBECONFIG_ONLY": "with a private API server, the public kubeconfig's credential works at the "
    "intranet endpoint (components/cluster.py only swaps the server)",
    "kubernetes.CREATABLE_MINORS": "ACS creates clusters with the minors of ACK's version policy (no ACS table found)",
    "kubernetes.ONLY_LATEST_PATCH": "one patch per minor is creatable (known from an error text a public project "
    "recorded)",
    "gpus.GPU_SERIES": "the GPU memory of GU8TEF and L20 and the FP8 support come from non-Alibaba pages; GU8TF's "
    "8 GPU / 64 vCPU / 512 GiB shape is the guide's recommendation, not a published spec table",
    "gpus.GPU_COUNTS": "the GPU counts ACS accepts per pod for the series (per-series counts: by ticket)",
    "gpus.MEMORY_HEADROOM": "the share of a GPU pod's memory ACS keeps (6.87 % is what the guide leaves, not a "
    "documented overhead)",
    "fluid.SIDECAR_TARGET_LABEL": "the objectSelector and platform value of ack-fluid 1.0.13's webhook (read from "
    "the 1.0.4 chart; 1.0.13's templates were not available)",
    "fluid.PURE_ACS_NEEDS_NO_LABEL": "the FUSE sidecar is injected into the GPU pods of a pure ACS cluster",
    "regions.REGIONS": "GPU stock of the stack's series in its zones (ACS publishes none) and that ECI's zone list "
    "is ACS's",
    "registries.ALIBABA_REGISTRIES": "the `-vpc` hosts serve the same images to ACS pods (the ack one is documented "
    "only on an ARMS page)",
    "registries.ABROAD_FROM_MAINLAND": "Alibaba names Docker Hub, GCR and Quay; the other registries are listed by "
    "analogy",
    "registries.IMAGE_CACHE_ANNOTATION": "the image cache is granted to the account (whitelist) and hits for the "
    "stack's image",
    "registries.IMAGE_CACHE_REGIONS": "the regions the image cache is offered in (whitelist stage)",
    "registries.IMAGE_CACHE_GPU_SERIES": "the GPU series the image cache serves",
    "oss.KMS_ACTIONS": "the KMS actions OSS needs for SSE-KMS objects (the stored page cuts the list)",
    "packages.PYPI_MIRROR": "ACS pods reach mirrors.aliyun.com (the mirror page's text was not read)",
    "rates.HUB_MBPS": "the import's download rate from the hub (public issue threads only)",
    "rates.CACHE_READ_MBPS": "how fast the engine reads the weights from the cache (public issue threads only)",
    "rates.ENGINE_INIT_SECONDS": "the engine's initialisation time (public issue threads only)",
    "rates.GRAPH_CAPTURE_SECONDS": "the engine's CUDA graph capture time (public issue threads only)",
    "observability.POD_MONITOR": "ARMS scrapes a PodMonitor carrying the discovery annotation (the provider's test "
    "and examples, no page defines it)",
    "observability.MANAGED_AGENT_WITH_KSM": "the managed agent's kube-state-metrics serves `kube_pod_info`",
    "observability.ALERT_RULE_CLUSTER": "alert rules attach to an ACS cluster by its id (the provider's test uses "
    "an ACK cluster)",
    "observability.NOTIFY_TYPE": "alert rules route through a dispatch rule (same source)",
    "naming.POD_HOSTNAME": "the StatefulSet pod name limit (a Kubernetes issue thread)",
    "naming.REVISION_LABEL": "the controller-revision-hash label limit (a Kubernetes issue thread)",
}
"""Facts no offline check settles and no authoritative Alibaba page fully states, as `<module>.<CONSTANT>`: what
to confirm on the first real deployment. docs/first-deploy.md gives, for each, the command, the output that
confirms it and what to change otherwise. tests/test_docs.py fails when an entry is missing there, when an entry
names no constant, and when a fact whose source is not the platform's own page (or whose quote calls it
unverified) is not listed here. Add the fact here when you add it; remove it once the checklist has confirmed
it and its source says so."""
