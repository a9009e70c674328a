"""Helm post-renderer (run by keep-crds): mark every CustomResourceDefinition a chart renders `helm.sh/resource-policy: keep`.

Helm stores the post-rendered manifest, and `helm uninstall` keeps what that manifest marks `keep`; on `helm
upgrade` it reads the mark from the live object. So a chart that ships its CRD as a template (LWS up to v0.7,
Alibaba's in-region LWS v0.5.0 among them) can no longer take every LeaderWorkerSet with it: not when the release
is deleted or replaced, not when an upgrade moves the CRD out of the templates. Everything else passes through
unchanged. Reads the rendered manifests on stdin, writes them on stdout (Helm's post-renderer protocol).
"""

import sys

import yaml

KEEP = {"helm.sh/resource-policy": "keep"}
# libyaml when PyYAML was built with it: a CRD's schema is thousands of lines, and the pure-Python codec takes
# seconds on each one.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def keep_crds(manifests: str) -> str:
    documents = [document for document in yaml.load_all(manifests, Loader=LOADER) if document is not None]
    for document in documents:
        if isinstance(document, dict) and document.get("kind") == "CustomResourceDefinition":
            metadata = document.setdefault("metadata", {})
            metadata["annotations"] = {**(metadata.get("annotations") or {}), **KEEP}
    return yaml.dump_all(documents, Dumper=DUMPER, sort_keys=False)


if __name__ == "__main__":
    sys.stdout.write(keep_crds(sys.stdin.read()))
