"""Every Kubernetes object name the stack derives from its config, each with the limit of its kind.

The program declares some objects itself (`declared`); the controllers it runs derive more from those names:
LWS a StatefulSet per group and their pods, Fluid the cache's StatefulSets, Service, Helm releases and loader
Job, and the StatefulSet controller a `controller-revision-hash` label on every pod. A name over its limit fails
only at `pulumi up` (or later, when a controller creates its pods), so `problems` checks them all at plan time,
on the config field that makes a name too long. Components build names with the functions here;
`tests/config/test_names.py` checks that every name in every rendered plan is one that `derived` predicts.
"""

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .platform import naming
from .platform.naming import KIND_LIMITS, Limit
from .schema.base import Problem

if TYPE_CHECKING:
    from .schema import StackConfig

HASH_LENGTH = 8
"""Characters of `fingerprint`: Job names carry one, so a changed Job is a new Job."""
_ANY_REVISION = "x" * naming.REVISION_HASH_LENGTH.value
"""Stands for the StatefulSet controller's revision hash: only its length matters."""


def fingerprint(*parts: object) -> str:
    """Short stable hash of what a Job does: part of its name, so a change runs it again."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:HASH_LENGTH]


# ------------------------------------------------------------------------------ names the components build
def model_volume(serving_name: str) -> str:
    """The model claim, and with Fluid the Dataset and JindoRuntime behind it."""
    return f"{serving_name}-model"


def volume_credentials(volume: str) -> str:
    return f"{volume}-oss-credentials"


def persistent_volume(namespace: str, volume: str) -> str:
    """The static OSS volume: cluster-scoped, so the namespace keeps two stacks' volumes apart."""
    return f"{namespace}-{volume}"


def warmup(volume: str) -> str:
    return f"{volume}-warmup"


def launch_config(serving_name: str) -> str:
    """The launch scripts the group's pods mount."""
    return f"{serving_name}-launch"


def rollout_job(serving_name: str, revision: str) -> str:
    """The rollout gate of one revision of the pod templates: a new revision is waited for again."""
    return f"{serving_name}-gate-{revision}"


def fluid_ready_job(volume: str) -> str:
    return f"{volume}-fluid-ready"


def warmup_wait_job(volume: str, files: list[str], path: str) -> str:
    """Named after what the warm-up loads, so a new warm-up is waited for again."""
    return f"{volume}-warmup-{fingerprint(files, path)}"


def autoscaler(serving_name: str) -> str:
    return serving_name


def api_key_secret(serving_name: str) -> str:
    return f"{serving_name}-api-key"


def leader_service(serving_name: str) -> str:
    """Not the LeaderWorkerSet's own name: LWS creates a headless Service of exactly that name."""
    return f"{serving_name}-leader"


def ingress_policy(serving_name: str) -> str:
    return f"{serving_name}-ingress"


def import_job(model) -> str:
    """Named after what it copies, so a new revision or file list runs it again."""
    settings = model.import_
    return f"model-import-{fingerprint(settings.hub, model.hub_repo, settings.revision, model.path, model.served_files)}"


def smoke_test_job(serving_name: str, revision: str) -> str:
    """Named after the revision it checks, so every new revision is checked again."""
    return f"{serving_name}-smoke-{revision}"


def job_code(job: str) -> str:
    return f"{job}-code"


def job_policy(job: str) -> str:
    return f"{job}-no-ingress"


def import_credentials(job: str) -> str:
    return f"{job}-credentials"


# ------------------------------------------------------------------------------ every name and its limit
@dataclass(frozen=True)
class DerivedName:
    """One name: of what, its limit, and the config fields (path, value) whose values it contains."""

    kind: str
    """The object's kind when the stack declares it; otherwise what derives it and what it is."""
    name: str
    limit: Limit
    fields: tuple[tuple[str, str], ...] = ()
    declared: bool = True

    @property
    def fits(self) -> bool:
        return len(self.name) <= self.limit.length


def derived(stack: "StackConfig", exact: bool = True, revision: str | None = None) -> list[DerivedName]:
    """Every name for `stack`. With `exact=False` the Jobs' fingerprints are placeholders of their length, so
    only the fields the names are built from need to be valid (what `problems` runs on). `revision` is the pod
    templates' hash (components/inference.py computes it from the templates); a placeholder without it."""
    placeholder = "0" * HASH_LENGTH
    revision = revision or placeholder
    serving = ("serving.name", stack.serving.name)
    names = [DerivedName("Namespace", stack.namespace, KIND_LIMITS["Namespace"], (("namespace", stack.namespace),))]
    names += _volume(stack, serving, exact)
    names += _inference(stack, serving)
    names += _job(rollout_job(stack.serving.name, revision), (serving,), "waiter")
    if stack.model.import_.enabled:
        names += _job(import_job(stack.model) if exact else "model-import-" + placeholder, (), "import")
    if stack.jobs.smoke_test and not stack.serving.parked:
        names += _job(smoke_test_job(stack.serving.name, revision), (serving,), "smoke")
    return names


def problems(stack: "StackConfig") -> Iterator[Problem]:
    """One problem per config field that makes a name too long, with every such name and the longest value
    of the field that fits all of them."""
    names = derived(stack, exact=False)
    fields = dict(field for name in names if not name.fits for field in name.fields)
    for path, value in fields.items():
        involved = [name for name in names if (path, value) in name.fields]
        too_long = [name for name in involved if not name.fits]
        room = min(name.limit.length - (len(name.name) - len(value)) for name in involved)
        listed = "; ".join(f"{name.kind} {name.name!r} has {len(name.name)} > {name.limit.length} characters "
                           f"({name.limit.rule})" for name in too_long)
        fit = f"at most {room} characters fit here" if room > 0 else "no value fits until the other fields are shorter"
        yield Problem(path, f"{value!r} ({len(value)} characters) makes a Kubernetes name too long: {listed}; {fit} "
                            f"({too_long[0].limit.source.cite()})")


def label_value_problem(value: str) -> str | None:
    """What is wrong with `value` as a label value, if anything."""
    if value == "" or len(value) <= naming.LABEL_VALUE.length and naming.LABEL_NAME_PATTERN.value.match(value):
        return None
    return (f"{value!r} is not a label value: at most {naming.LABEL_VALUE.length} characters, letters, digits, "
            f"'-', '_' or '.', starting and ending with a letter or digit ({naming.LABEL_NAME_PATTERN.source.cite()})")


def metadata_key_problem(key: str) -> str | None:
    """What is wrong with `key` as a label or annotation key ('[<DNS subdomain>/]<name>'), if anything."""
    prefix, slash, name = key.rpartition("/")
    subdomain = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
    if (not slash or 0 < len(prefix) <= naming.DNS_SUBDOMAIN.length and subdomain.match(prefix)) \
            and len(name) <= naming.LABEL_VALUE.length and naming.LABEL_NAME_PATTERN.value.match(name):
        return None
    return (f"{key!r} is not a label or annotation key: an optional DNS subdomain and '/' (e.g. 'example.com/'), "
            f"then at most {naming.LABEL_VALUE.length} letters, digits, '-', '_' or '.', starting and ending with a "
            f"letter or digit ({naming.LABEL_NAME_PATTERN.source.cite()})")


def _volume(stack: "StackConfig", serving: tuple[str, str], exact: bool) -> list[DerivedName]:
    volume = model_volume(stack.serving.name)
    names = [DerivedName("Secret", volume_credentials(volume), KIND_LIMITS["Secret"], (serving,))]
    if stack.storage.mode != "fluid":
        both = (("namespace", stack.namespace), serving)
        return names + [
            DerivedName("PersistentVolume", persistent_volume(stack.namespace, volume), naming.PV_NAME, both),
            DerivedName("PersistentVolumeClaim", volume, KIND_LIMITS["PersistentVolumeClaim"], (serving,)),
        ]
    loader = naming.FLUID_DATALOAD_NAMES.value
    names += [
        DerivedName("Dataset", volume, KIND_LIMITS["Dataset"], (serving,)),
        DerivedName("JindoRuntime", volume, KIND_LIMITS["JindoRuntime"], (serving,)),
        *_fluid_cache(volume, stack.storage.fluid.workers, serving),
        *_job(fluid_ready_job(volume), (serving,), "waiter"),
    ]
    if stack.serving.parked and stack.storage.fluid.park_with_serving:
        return names  # no warm-up while the cache is parked
    wait = warmup_wait_job(volume, stack.model.served_files, stack.model.path) if exact else \
        f"{volume}-warmup-" + "0" * HASH_LENGTH
    return names + [
        DerivedName("DataLoad", warmup(volume), KIND_LIMITS["DataLoad"], (serving,)),
        DerivedName("Fluid's DataLoad Helm release", loader["release"].format(dataload=warmup(volume)),
                    naming.HELM_RELEASE, (serving,), declared=False),
        DerivedName("Fluid's DataLoad Job", loader["job"].format(dataload=warmup(volume)), naming.JOB_NAME,
                    (serving,), declared=False),
        *_job(wait, (serving,), "waiter"),
    ]


def _fluid_cache(runtime: str, workers: int, serving: tuple[str, str]) -> list[DerivedName]:
    """What Fluid creates for the JindoRuntime: master and worker StatefulSets, the master's Service, a release."""
    template = {key: value.format(runtime=runtime) for key, value in naming.FLUID_JINDO_NAMES.value.items()}
    names = [
        DerivedName("Fluid's cache master Service", template["master_service"], KIND_LIMITS["Service"], (serving,)),
        DerivedName("Fluid's cache Helm release", template["release"], naming.HELM_RELEASE, (serving,)),
    ]
    names += _statefulset("Fluid's cache master", template["master"], 0, serving)
    names += _statefulset("Fluid's cache worker", template["worker"], workers - 1, serving)
    return [DerivedName(n.kind, n.name, n.limit, n.fields, declared=False) for n in names]


def _inference(stack: "StackConfig", serving: tuple[str, str]) -> list[DerivedName]:
    name = stack.serving.name
    names = [
        DerivedName("ConfigMap", launch_config(name), KIND_LIMITS["ConfigMap"], (serving,)),
        DerivedName("LeaderWorkerSet", name, KIND_LIMITS["LeaderWorkerSet"], (serving,)),
        DerivedName("Service", leader_service(name), KIND_LIMITS["Service"], (serving,)),
        DerivedName("NetworkPolicy", ingress_policy(name), KIND_LIMITS["NetworkPolicy"], (serving,)),
    ]
    if stack.api_key is not None:
        names.append(DerivedName("Secret", api_key_secret(name), KIND_LIMITS["Secret"], (serving,)))
    if stack.serving.autoscaling.enabled and not stack.serving.parked:
        names.append(DerivedName("HorizontalPodAutoscaler", autoscaler(name), KIND_LIMITS["HorizontalPodAutoscaler"],
                                 (serving,)))
    return names + [DerivedName(n.kind, n.name, n.limit, n.fields, declared=False)
                    for n in _groups(name, stack.serving.replicas, stack.serving.pods_per_group, serving)]


def _groups(lws: str, replicas: int, size: int, serving: tuple[str, str]) -> list[DerivedName]:
    """What LWS creates: a headless Service, the leaders' StatefulSet (pods `<lws>-<group>`) and, per group of
    more than one pod, a workers' StatefulSet named after the group's leader (pods 1 to size - 1). The last group
    has the longest names."""
    template = naming.LWS_NAMES.value
    names = [DerivedName("LWS's headless Service", template["headless_service"].format(lws=lws),
                         KIND_LIMITS["Service"], (serving,))]
    names += _statefulset("LWS's leader", template["leader_set"].format(lws=lws), replicas - 1, serving)
    if size > 1:
        workers = template["worker_set"].format(lws=lws, group=replicas - 1)
        names += _statefulset("LWS's worker", workers, size - 1, serving)
    return names


def _statefulset(what: str, name: str, last_ordinal: int, serving: tuple[str, str]) -> list[DerivedName]:
    """A StatefulSet's revision label and its last pod's name (`<set>-<ordinal>`, also the pod's hostname)."""
    return [
        DerivedName(f"{what} pods' revision label", f"{name}-{_ANY_REVISION}", naming.REVISION_LABEL, (serving,)),
        DerivedName(f"{what} pod", f"{name}-{last_ordinal}", naming.POD_HOSTNAME, (serving,)),
    ]


def _job(job: str, fields: tuple[tuple[str, str], ...], what: str) -> list[DerivedName]:
    """A Job and what comes with it: its code, its no-ingress policy, and the import's credentials or a waiter's
    ServiceAccount with its Role and RoleBinding (named like the Job, in the namespace it reads)."""
    names = [
        DerivedName("Job", job, naming.JOB_NAME, fields),
        DerivedName("ConfigMap", job_code(job), KIND_LIMITS["ConfigMap"], fields),
        DerivedName("NetworkPolicy", job_policy(job), KIND_LIMITS["NetworkPolicy"], fields),
    ]
    if what == "import":
        names.append(DerivedName("Secret", import_credentials(job), KIND_LIMITS["Secret"], fields))
    if what == "waiter":
        names += [DerivedName("ServiceAccount", job, KIND_LIMITS["ServiceAccount"], fields),
                  DerivedName("Role", job, KIND_LIMITS["Role"], fields),
                  DerivedName("RoleBinding", job, KIND_LIMITS["Role"], fields)]
    return names
