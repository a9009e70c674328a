"""Copy a pinned model revision from ModelScope or Hugging Face into OSS, through OSS's S3-compatible API.

Runs in the model-import Job; tested against a strict OSS stand-in and stand-in hubs (tests/jobs).

- Only the listed files (what the engine reads) are copied: never `.git`, LFS duplicates or READMEs.
- The revision is a full commit id or a tag the hub reports; anything else is refused before a byte moves.
- Each file streams from the hub into a multipart upload, one part in memory at a time: nothing touches the
  pod's disk, so a 641 GiB model fits in ACS's default 30 GiB of ephemeral storage.
- Integrity: every part's MD5 is compared with the ETag OSS computes from what it received; every file's SHA-256
  (or git blob id) with the hub's before the upload completes, and its size after. A mismatch aborts the upload
  and fails the run, so a corrupt object never lands.
- Resume: a progress manifest lists every file already copied and verified; a rerun skips those (still present,
  right size) and copies the rest. The final manifest records files, sizes and hashes.
- The S3 client is configured the way OSS accepts: SigV4 with checksums only where required (botocore otherwise
  streams `aws-chunked` bodies with trailing checksums over HTTPS, which OSS refuses), virtual-hosted addressing.
"""

import argparse
import hashlib
import json
import logging
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import boto3
import botocore.config
import botocore.exceptions
import requests

from model_hubs import HUBS, HubError, HubFile, HuggingFace, ModelScope, Retrying, check_revision

log = logging.getLogger("model-import")
MIB = 2**20
MANIFEST_NAME = "import-manifest.json"


class ImportFailure(Exception):
    """The import cannot complete; the message says which file and why."""


def safe_path(path: str) -> str:
    """Reject anything outside the model's own files: `.git`, absolute paths, `..`."""
    parts = PurePosixPath(path).parts
    if not parts or path.startswith("/") or ".." in parts or any(part.startswith(".git") for part in parts):
        raise ImportFailure(f"refusing to copy {path!r}: only model files are copied, never .git content")
    return path


def s3_client(endpoint_url: str, region: str | None):
    """An S3 client for OSS (help.aliyun.com/zh/oss/developer-reference/use-aws-sdks-to-access-oss)."""
    config = botocore.config.Config(
        signature_version="s3v4",
        # The defaults ("when_supported") make botocore send UploadPart as aws-chunked with a trailing CRC32 over
        # HTTPS (STREAMING-UNSIGNED-PAYLOAD-TRAILER), which OSS rejects. Integrity is checked here instead.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        s3={"addressing_style": "virtual"},  # OSS refuses path-style requests
        retries={"max_attempts": 10, "mode": "standard"},
    )
    return boto3.client("s3", endpoint_url=endpoint_url, region_name=region, config=config)


class Progress:
    """Thread-safe totals, logged at most every `interval` seconds and at every finished file."""

    def __init__(self, files: int, total_bytes: int, interval: float = 30.0):
        self.files, self.total = files, total_bytes
        self.files_done = self.bytes_done = 0
        self.started, self.interval, self.last = time.monotonic(), interval, 0.0
        self.lock = threading.Lock()

    def add(self, n_bytes: int, file_done: bool = False) -> None:
        with self.lock:
            self.bytes_done += n_bytes
            self.files_done += file_done
            now = time.monotonic()
            if file_done or now - self.last >= self.interval:
                self.last = now
                log.info(self.line(now))

    def line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-6)
        rate = self.bytes_done / elapsed
        eta = (self.total - self.bytes_done) / rate if rate else float("inf")
        eta_text = f"{eta / 60:.0f}m" if eta != float("inf") else "?"
        return (f"files {self.files_done}/{self.files}, {self.bytes_done / 2**30:.2f}/{self.total / 2**30:.2f} GiB, "
                f"{rate / MIB:.1f} MiB/s, ETA {eta_text}")


@dataclass
class Importer:
    hub: ModelScope | HuggingFace
    s3: object
    bucket: str
    prefix: str
    repo: str
    revision: str
    part_size: int = 64 * MIB
    parallel: int = 4
    max_parts: int = 10_000
    """OSS's limit per multipart upload (config/platform/oss.py)."""
    done: dict = field(default_factory=dict)
    """Files already copied and verified: path -> manifest entry."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, wanted: list[str]) -> dict:
        check_revision(self.hub, self.repo, self.revision)
        listed = self.hub.files(self.repo, self.revision)
        missing = [path for path in wanted if path not in listed]
        if missing:
            raise ImportFailure(f"{self.repo}@{self.revision} has no {missing[:5]} (of {len(missing)} missing files)")
        files = [listed[safe_path(path)] for path in wanted]
        for file in files:
            parts = -(-file.size // self.part_size)
            if parts > self.max_parts:
                raise ImportFailure(f"{file.path} ({file.size} bytes) needs {parts} parts of {self.part_size / MIB:g} "
                                    f"MiB; OSS allows {self.max_parts}: raise model.import.part_size_mib")
        self.done = self._previous_progress(files)
        progress = Progress(len(files), sum(file.size for file in files))
        log.info("importing %d files (%.2f GiB) of %s@%s into s3://%s/%s/ (%d already there)", len(files),
                 progress.total / 2**30, self.repo, self.revision, self.bucket, self.prefix, len(self.done))
        with ThreadPoolExecutor(max_workers=self.parallel) as pool:
            entries = list(pool.map(lambda file: self.copy(file, progress), files))
        manifest = self._manifest(entries, complete=True)
        self._write_manifest(manifest)
        log.info("done: %s", progress.line(time.monotonic()))
        return manifest

    def key(self, path: str) -> str:
        return f"{self.prefix}/{path}"

    def copy(self, file: HubFile, progress: Progress) -> dict:
        entry = self.done.get(file.path)
        if entry is not None and self._size(file.path) == file.size:
            log.info("skip %s: already copied and verified", file.path)
            progress.add(file.size, file_done=True)
            return entry
        if not (file.sha256 or file.git_sha1):
            raise ImportFailure(f"{file.path}: the hub publishes no hash for it, so it cannot be verified")
        sha256 = self.stream(file, progress)
        progress.add(0, file_done=True)
        entry = {"path": file.path, "size": file.size, "sha256": sha256,
                 **({"git_sha1": file.git_sha1} if file.git_sha1 else {})}
        with self.lock:  # record it at once: a rerun after a failure skips it
            self.done[file.path] = entry
            self._write_manifest(self._manifest(list(self.done.values()), complete=False))
        return entry

    def stream(self, file: HubFile, progress: Progress) -> str:
        """Hub -> multipart upload, one part in memory; completes only if every part, the size and the hash match."""
        sha256, git_sha1 = hashlib.sha256(), hashlib.sha1(f"blob {file.size}\0".encode())  # noqa: S324 (git's id)
        upload = self.s3.create_multipart_upload(Bucket=self.bucket, Key=self.key(file.path))
        upload_id, parts, size = upload["UploadId"], [], 0
        try:
            with self.hub.http.get(self.hub.url(self.repo, self.revision, file.path), stream=True,
                                   headers=self.hub.headers, timeout=(30, 300)) as response:
                if response.status_code != 200:
                    raise ImportFailure(f"{file.path}: the hub answered HTTP {response.status_code}")
                buffer = bytearray()
                for chunk in response.iter_content(chunk_size=MIB):
                    sha256.update(chunk)
                    git_sha1.update(chunk)
                    buffer += chunk
                    size += len(chunk)
                    progress.add(len(chunk))
                    if len(buffer) >= self.part_size:
                        parts.append(self._part(file, upload_id, len(parts) + 1, buffer))
                        buffer = bytearray()
                if buffer or not parts:
                    parts.append(self._part(file, upload_id, len(parts) + 1, buffer))
            self._verify(file, size, sha256.hexdigest(), git_sha1.hexdigest())
        except BaseException:
            self.s3.abort_multipart_upload(Bucket=self.bucket, Key=self.key(file.path), UploadId=upload_id)
            raise
        self.s3.complete_multipart_upload(Bucket=self.bucket, Key=self.key(file.path), UploadId=upload_id,
                                          MultipartUpload={"Parts": parts})
        stored = self._size(file.path)
        if stored != file.size:
            raise ImportFailure(f"{file.path}: OSS holds {stored} bytes after completing the upload, not {file.size}")
        return sha256.hexdigest()

    def _part(self, file: HubFile, upload_id: str, number: int, data: bytearray) -> dict:
        expected = hashlib.md5(data).hexdigest()  # noqa: S324 (what OSS reports for a part, not security)
        response = self.s3.upload_part(Bucket=self.bucket, Key=self.key(file.path), UploadId=upload_id,
                                       PartNumber=number, Body=bytes(data))
        received = response["ETag"].strip('"').lower()
        if received != expected:
            raise ImportFailure(f"{file.path}: part {number} arrived damaged (OSS computed MD5 {received}, sent "
                                f"{expected})")
        return {"PartNumber": number, "ETag": response["ETag"]}

    def _size(self, path: str) -> int | None:
        try:
            return self.s3.head_object(Bucket=self.bucket, Key=self.key(path))["ContentLength"]
        except botocore.exceptions.ClientError as error:
            if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def _previous_progress(self, files: list[HubFile]) -> dict:
        """Entries of an earlier run of the same revision whose hashes still match the hub's listing."""
        try:
            body = self.s3.get_object(Bucket=self.bucket, Key=self.key(MANIFEST_NAME))["Body"].read()
        except botocore.exceptions.ClientError as error:
            if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
                return {}
            raise
        previous = json.loads(body)
        if (previous.get("repo"), previous.get("revision")) != (self.repo, self.revision):
            return {}
        listed = {file.path: file for file in files}
        return {entry["path"]: entry for entry in previous.get("files", [])
                if entry["path"] in listed and self._same(listed[entry["path"]], entry)}

    @staticmethod
    def _same(file: HubFile, entry: dict) -> bool:
        """The manifest entry is this hub file: same size and the hash the hub publishes for it."""
        if entry.get("size") != file.size:
            return False
        return entry.get("sha256") == file.sha256 if file.sha256 else entry.get("git_sha1") == file.git_sha1

    def _manifest(self, entries: list[dict], complete: bool) -> dict:
        entries = sorted(entries, key=lambda entry: entry["path"])
        return {"repo": self.repo, "revision": self.revision, "hub": self.hub.name, "complete": complete,
                "files": entries, "total_bytes": sum(entry["size"] for entry in entries)}

    def _write_manifest(self, manifest: dict) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=self.key(MANIFEST_NAME),
                           Body=json.dumps(manifest, indent=2).encode(), ContentType="application/json")

    @staticmethod
    def _verify(file: HubFile, size: int, sha256: str, git_sha1: str) -> None:
        if size != file.size:
            raise ImportFailure(f"{file.path}: got {size} bytes, the hub lists {file.size}")
        if file.sha256 and sha256 != file.sha256:
            raise ImportFailure(f"{file.path}: SHA-256 mismatch: got {sha256}, the hub publishes {file.sha256}")
        if not file.sha256 and git_sha1 != file.git_sha1:
            raise ImportFailure(f"{file.path}: git blob id mismatch: got {git_sha1}, the hub publishes {file.git_sha1}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hub", choices=sorted(HUBS), required=True)
    parser.add_argument("--hub-url", help="the hub's base URL (a mirror of it)")
    parser.add_argument("--token-file", help="file holding the hub access token")
    parser.add_argument("--repo", required=True)
    parser.add_argument("--revision", required=True)
    parser.add_argument("--files", required=True, help="JSON file listing the paths to copy")
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--endpoint-url", required=True, help="S3-compatible endpoint of OSS")
    parser.add_argument("--region", default=None)
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument("--part-size-mib", type=int, default=64)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stdout)
    args = parse_args(argv)
    token = open(args.token_file).read().strip() if args.token_file else None
    hub = HUBS[args.hub](Retrying(requests.Session()), args.hub_url, token)
    with open(args.files) as handle:
        wanted = json.load(handle)
    importer = Importer(hub, s3_client(args.endpoint_url, args.region), args.bucket, args.prefix.strip("/"),
                        args.repo, args.revision, part_size=args.part_size_mib * MIB, parallel=args.parallel)
    try:
        importer.run(wanted)
    except (ImportFailure, HubError, requests.RequestException, botocore.exceptions.BotoCoreError,
            botocore.exceptions.ClientError) as error:
        log.error("import failed: %s", error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
