"""Run the real Pulumi program (`__main__.py`) under Pulumi's mock engine and record what it declares.

Shared by `make plan` and the tests. Each `run` gets its own event loop and fresh runtime settings, so runs
never leak resources or a root stack into each other (../shared/reference/pulumi-testing.md §3).
"""

import asyncio
import hashlib
import runpy
import sys
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc, settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.stack import run_pulumi_func

PROJECT = "deepseek-acs"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROGRAM = PROJECT_ROOT / "__main__.py"

SECRET_MASK = "[secret]"
"""How a value Pulumi holds as a secret appears in everything the plan writes."""


def _fake_id(prefix: str, name: str, length: int = 20) -> str:
    """A stable, realistic-looking cloud id derived from the resource name."""
    return prefix + hashlib.sha256(name.encode()).hexdigest()[:length]


def _kubernetes_id(inputs: Mapping[str, Any], name: str) -> str:
    metadata = inputs.get("metadata") or {}
    object_name = metadata.get("name", name)
    return f"{metadata['namespace']}/{object_name}" if metadata.get("namespace") else object_name


MOCK_KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- name: kubernetes
  cluster: {server: "https://203.0.113.20:6443", certificate-authority-data: bW9jaw==}
users:
- name: mock
  user: {token: mock-kubeconfig-credential}
contexts:
- name: mock
  context: {cluster: kubernetes, user: mock}
current-context: mock
"""
"""What the credential invoke returns offline; its token must never appear unmasked in a plan."""


class CloudMocks(pulumi_mocks.Mocks):
    """Answers like the providers would: inputs echoed back plus the computed outputs the program reads."""

    def __init__(self, region: str, nat_zones: tuple[str, ...] | None = None):
        self.region = region
        self.nat_zones = nat_zones if nat_zones is not None else tuple(f"{region}-{letter}" for letter in "hijk")
        """Zones the enhanced-NAT invoke answers with offline (Hangzhou's h-k by default)."""

    def new_resource(self, args: pulumi_mocks.MockResourceArgs):
        outputs = dict(args.inputs)
        typ, name = args.typ, args.name
        if typ.startswith("kubernetes:"):
            return _kubernetes_id(args.inputs, name), outputs
        computed = {
            "alicloud:vpc/network:Network": ("vpc-", {}),
            "alicloud:vpc/switch:Switch": ("vsw-", {}),
            "alicloud:vpc/natGateway:NatGateway": ("ngw-", {"snatTableIds": _fake_id("stb-", name)}),
            "alicloud:ecs/eipAddress:EipAddress": ("eip-", {"ipAddress": "203.0.113.10"}),
            "alicloud:cs/managedKubernetes:ManagedKubernetes": ("c", {
                "connections": [{"apiServerInternet": "https://203.0.113.20:6443",
                                 "apiServerIntranet": "https://192.168.0.20:6443"}],
                "rrsaMetadata": {"enabled": True, "ramOidcProviderArn": "acs:ram::1234567890:oidc-provider/ack-rrsa",
                                 "rrsaOidcIssuerUrl": "https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/c"},
            }),
            "alicloud:ram/accessKey:AccessKey": ("LTAI", {"secret": f"mock-access-key-secret-{name}"}),
        }
        prefix, extra = computed.get(typ, ("", {}))
        if typ == "alicloud:oss/bucket:Bucket":
            return args.inputs["bucket"], {**outputs, "intranetEndpoint": f"oss-{self.region}-internal.aliyuncs.com"}
        return _fake_id(prefix, name), {**outputs, **extra}

    def call(self, args: pulumi_mocks.MockCallArgs):
        if args.token == "alicloud:cs/getClusterCredential:getClusterCredential":
            return {
                "kubeConfig": MOCK_KUBECONFIG,
                "clusterId": args.args["clusterId"],
                "expiration": "2026-01-01T00:00:00Z",
            }
        if args.token == "alicloud:cs/getKubernetesVersion:getKubernetesVersion":
            # The creatable versions as ACS offered them in Aug 2026 (config/platform/kubernetes.py), unsorted.
            return {"metadatas": [{"version": "1.35.7-aliyun.1"}, {"version": "1.36.2-aliyun.1"},
                                  {"version": "1.34.10-aliyun.1"}]}
        if args.token == "alicloud:vpc/getEnhancedNatAvailableZones:getEnhancedNatAvailableZones":
            return {"zones": [{"zoneId": zone, "localName": zone} for zone in self.nat_zones]}
        if args.token == "alicloud:cs/getManagedKubernetesClusters:getManagedKubernetesClusters":
            return {"clusters": [{"id": args.args["ids"][0],
                                  "connections": {"apiServerInternet": "https://203.0.113.30:6443"}}]}
        raise NotImplementedError(f"offline engine has no answer for invoke {args.token}; add one to CloudMocks.call")


@dataclass
class Node:
    """One registered resource, as the engine saw it."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str
    provider: str
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    inputs: dict[str, Any]
    options: dict[str, Any]


@dataclass
class Run:
    """What one run of the program declared."""

    stack: str
    nodes: list[Node] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)

    def of_type(self, typ: str) -> list[Node]:
        return [node for node in self.nodes if node.type == typ]

    def one(self, typ: str, name: str | None = None) -> Node:
        found = [node for node in self.of_type(typ) if name is None or node.name == name]
        if len(found) != 1:
            raise LookupError(f"expected one {typ} {name or ''}, found {[n.name for n in found]}")
        return found[0]

    def by_urn(self, urn: str) -> Node:
        return next(node for node in self.nodes if node.urn == urn)


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """The mock monitor, plus a record of parents, dependencies and options (which mocks never see)."""

    def __init__(self, mocks: pulumi_mocks.Mocks):
        super().__init__(mocks)
        self.nodes: list[Node] = []

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            return response
        timeouts = request.customTimeouts
        self.nodes.append(Node(
            urn=response.urn,
            type=request.type,
            name=request.name,
            custom=request.custom,
            parent=request.parent,
            provider=request.provider,
            dependencies=sorted(request.dependencies),
            property_dependencies={k: sorted(v.urns) for k, v in sorted(request.propertyDependencies.items())},
            inputs=mask_secrets(rpc.deserialize_properties(request.object, keep_unknowns=True)),
            options={
                "protect": request.protect,
                "retain_on_delete": request.retainOnDelete,
                "delete_before_replace": request.deleteBeforeReplace,
                "ignore_changes": sorted(request.ignoreChanges),
                "replace_on_changes": sorted(request.replaceOnChanges),
                "custom_timeouts": {k: v for k, v in (("create", timeouts.create), ("update", timeouts.update),
                                                     ("delete", timeouts.delete)) if v},
            },
        ))
        return response


def mask_secrets(value: Any, secret: bool = False) -> Any:
    """Replace every value Pulumi holds as a secret with SECRET_MASK, and whole floats with ints (protobuf has
    no ints). A secret map or list keeps its shape (keys are not secret), so a Secret's `stringData` still
    renders as a valid object."""
    if isinstance(value, dict):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            return mask_secrets(value["value"], secret=True)
        return {key: mask_secrets(item, secret) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_secrets(item, secret) for item in value]
    if secret:
        return SECRET_MASK
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def run(stack: str, config: Mapping[str, str], secret_keys: Collection[str] = (), program: Path = PROGRAM) -> Run:
    """Run `program` for `stack` with raw Pulumi config (`ns:key` -> string, JSON for objects)."""
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    settings.reset_options(project=PROJECT, stack=stack)
    set_all_config(dict(config), list(secret_keys))
    monitor = RecordingMonitor(CloudMocks(region=config.get("alicloud:region", "cn-hangzhou")))
    pulumi_mocks.set_mocks(monitor.mocks, project=PROJECT, stack=stack, preview=False, monitor=monitor)
    try:
        settings.SETTINGS.rpc_manager.clear()
        settings.SETTINGS.outputs.clear()
        loop.run_until_complete(run_pulumi_func(lambda: runpy.run_path(str(program), run_name="__main__")))
        outputs = loop.run_until_complete(_resolve_exports())
    finally:
        for task in asyncio.all_tasks(loop):
            task.cancel()
        loop.run_until_complete(asyncio.sleep(0))
        loop.close()
        asyncio.set_event_loop(None)
    return Run(stack=stack, nodes=sorted(monitor.nodes, key=lambda node: node.urn), outputs=outputs)


async def _resolve_exports() -> dict[str, Any]:
    """Stack exports with secrets masked (exports never reach the mock monitor)."""
    exports = settings.get_root_resource().outputs
    resolved = {}
    for key in sorted(exports):
        output = pulumi.Output.from_input(exports[key])
        resolved[key] = mask_secrets(await output.future(), secret=await output.is_secret())
    return resolved
