"""Container image references, parsed the way registries and the container runtime read them.

The grammar is distribution/reference's: `[host[:port]/]path[:tag][@digest]`, where the first component is a
host only if it has a '.' or ':' or is 'localhost' (otherwise the image is on Docker Hub). "Pinned" means a tag
that is not `latest`, or a digest; a digest is always the full `sha256:` and 64 hex digits.
"""

import re
from dataclasses import dataclass

from .platform.registries import ABROAD_FROM_MAINLAND, ALIBABA_REGISTRIES, DOCKER_HUB_DEFAULT

_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_PATH_COMPONENT = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")


class ImageError(ValueError):
    """Not an image reference, or not pinned; the message says what is allowed."""


@dataclass(frozen=True)
class Image:
    host: str
    """Registry host (with port), `docker.io` when the reference names none."""
    path: str
    tag: str | None
    digest: str | None

    @property
    def repository(self) -> str:
        return f"{self.host}/{self.path}"

    def require_pinned(self) -> "Image":
        if self.digest is None and self.tag in (None, "latest"):
            raise ImageError(f"{self} is not pinned: give a tag other than 'latest' (repository:tag), or a digest "
                             "(repository@sha256:<64 hex digits>)")
        return self

    def with_host(self, host: str) -> "Image":
        return Image(host, self.path, self.tag, self.digest)

    def __str__(self) -> str:
        return self.repository + (f":{self.tag}" if self.tag else "") + (f"@{self.digest}" if self.digest else "")


def parse(reference: str) -> Image:
    """The parts of `reference`, or ImageError."""
    name, at, digest = reference.partition("@")
    if at and not _DIGEST.match(digest):
        raise ImageError(f"{reference!r}: a digest is 'sha256:' and 64 lower-case hex digits, not {digest!r}")
    tag = None
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name, tag = name.rsplit(":", 1)
        if not _TAG.match(tag):
            raise ImageError(f"{reference!r}: {tag!r} is not a valid tag (letters, digits, '_', '.', '-'; at most 128)")
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        host, path = first, rest
    else:
        host, path = DOCKER_HUB_DEFAULT.value, name if slash else f"library/{name}"
    if not path or not all(_PATH_COMPONENT.match(part) for part in path.split("/")):
        raise ImageError(f"{reference!r} is not an image reference: [registry/]repository[:tag][@sha256:digest] with "
                         "lower-case repository names")
    return Image(host, path, tag, digest or None)


def rehome(reference: str, mirror: str | None) -> str:
    """`reference` as pulled through `mirror` (its last path component, tag and digest kept). Images already in an
    Alibaba registry, and any image when there is no mirror, are left as they are."""
    image = parse(reference)
    if mirror is None or is_alibaba(image.host):
        return reference
    name = image.path.rsplit("/", 1)[-1]
    return str(Image(mirror.split("/", 1)[0], f"{mirror.split('/', 1)[1]}/{name}", image.tag, image.digest))


def is_alibaba(host: str) -> bool:
    return any(registry.hosts(host) for registry in ALIBABA_REGISTRIES)


def in_vpc(reference: str, region: str) -> str:
    """Pull an Alibaba-hosted image of the stack's own region through its VPC endpoint (no NAT, no traffic fee).
    Images of other regions, and other registries, are left as they are."""
    image = parse(reference)
    for registry in ALIBABA_REGISTRIES:
        match = registry.public_pattern().match(image.host)
        if match and match.group("region") == region:
            return str(image.with_host(registry.vpc_host(image.host)))
    return reference


def unreachable_from(reference: str, mainland: bool) -> str | None:
    """Why a pod in a mainland region cannot rely on pulling `reference`, or None."""
    host = parse(reference).host
    if mainland and host in ABROAD_FROM_MAINLAND.value:
        return f"{host} is outside mainland China, where pulls \"can fail due to network issues\" ({ABROAD_FROM_MAINLAND.source.cite()})"
    return None
