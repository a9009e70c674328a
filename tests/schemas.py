"""Offline schema validation: custom resources against the upstream CRDs (vendored in tests/crds with their
provenance), core objects against the Kubernetes OpenAPI schema of the cluster's version.

Both are strict: an unknown field is an error, as with the API server's strict field validation. CRD
schemas allow unknown fields unless told otherwise, so `additionalProperties: false` is added wherever a
schema lists `properties` and does not preserve unknown fields.
"""

import functools
from pathlib import Path

import jsonschema
import kubernetes_validate
import yaml

CRD_DIR = Path(__file__).parent / "crds"
KUBERNETES_VERSION = "1.33"


def _strict(schema: dict) -> dict:
    if isinstance(schema, dict):
        schema = {key: _strict(value) for key, value in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema \
                and not schema.get("x-kubernetes-preserve-unknown-fields"):
            schema["additionalProperties"] = False
    elif isinstance(schema, list):
        schema = [_strict(item) for item in schema]
    return schema


@functools.cache
def crd_validators() -> dict[tuple[str, str], jsonschema.protocols.Validator]:
    validators = {}
    for path in sorted(CRD_DIR.glob("*.yaml")):
        crd = yaml.load(path.read_text(), Loader=yaml.CSafeLoader)
        for version in crd["spec"]["versions"]:
            if version.get("served"):
                key = (f"{crd['spec']['group']}/{version['name']}", crd["spec"]["names"]["kind"])
                schema = _strict(version["schema"]["openAPIV3Schema"])
                validators[key] = jsonschema.Draft7Validator(schema)
    return validators


def custom_resource_errors(body: dict) -> list[str]:
    validator = crd_validators().get((body["apiVersion"], body["kind"]))
    if validator is None:
        return [f"no CRD for {body['apiVersion']} {body['kind']}"]
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(body)]


def core_object_errors(body: dict) -> list[str]:
    try:
        kubernetes_validate.validate(body, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        return [f"{'/'.join(map(str, error.path))}: {error.message}"]
    return []


def is_custom_resource(body: dict) -> bool:
    group = body["apiVersion"].rpartition("/")[0]
    return group.endswith(("x-k8s.io", "fluid.io"))
