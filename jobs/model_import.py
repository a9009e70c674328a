"""Copy a pinned model revision from ModelScope or Hugging Face into OSS (through its S3 API).

Runs in the model-import Job; tested locally against a stand-in hub and a local S3 server.

- Only the listed files (what vLLM reads) are copied: never `.git`, LFS duplicates or READMEs.
- Each file streams from the hub into a multipart upload, one part in memory at a time: nothing touches the
  pod's disk, so a 641 GiB model fits in ACS's default 30 GiB of ephemeral storage.
- Each file's hash is checked against the hub's published SHA-256 (or git blob id) before the upload is
  completed; a mismatch aborts the upload and fails the run, so a bad object never lands.
- An object already present with the right size and hash is skipped: a rerun after a failure resumes.
- Progress (files, bytes, rate, ETA) goes to the log; a manifest object lists files, sizes and hashes.
"""

import argparse
import hashlib
import json
import logging
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import PurePosixPath

import boto3
import botocore.config
import botocore.exceptions
import requests

log = logging.getLogger("model-import")
MIB = 2**20
MANIFEST_NAME = "import-manifest.json"


class ImportFailure(Exception):
    """The import cannot complete; the message says which file and why."""


@dataclass(frozen=True)
class HubFile:
    path: str
    size: int
    sha256: str | None = None
    git_sha1: str | None = None
    """Git blob id: what Hugging Face publishes for files not stored in LFS."""


def safe_path(path: str) -> str:
    """Reject anything outside the model's own files: `.git`, absolute paths, `..`."""
    parts = PurePosixPath(path).parts
    if not parts or path.startswith("/") or ".." in parts or any(part.startswith(".git") for part in parts):
        raise ImportFailure(f"refusing to copy {path!r}: only model files are copied, never .git content")
    return path


class ModelScope:
    def __init__(self, session: requests.Session, base_url: str = "https://www.modelscope.cn"):
        self.session, self.base_url = session, base_url.rstrip("/")

    def files(self, repo: str, revision: str) -> dict[str, HubFile]:
        response = self.session.get(f"{self.base_url}/api/v1/models/{repo}/repo/files",
                                    params={"Revision": revision, "Recursive": "true"}, timeout=60)
        response.raise_for_status()
        listed = response.json()["Data"]["Files"]
        return {item["Path"]: HubFile(item["Path"], int(item["Size"]), sha256=item.get("Sha256") or None)
                for item in listed if item.get("Type", "blob") == "blob"}

    def url(self, repo: str, revision: str, path: str) -> str:
        return f"{self.base_url}/api/v1/models/{repo}/repo?Revision={revision}&FilePath={path}"


class HuggingFace:
    def __init__(self, session: requests.Session, base_url: str = "https://huggingface.co"):
        self.session, self.base_url = session, base_url.rstrip("/")

    def files(self, repo: str, revision: str) -> dict[str, HubFile]:
        response = self.session.get(f"{self.base_url}/api/models/{repo}/revision/{revision}",
                                    params={"blobs": "true"}, timeout=60)
        response.raise_for_status()
        files = {}
        for item in response.json()["siblings"]:
            lfs = item.get("lfs") or {}
            files[item["rfilename"]] = HubFile(item["rfilename"], int(lfs.get("size", item.get("size", 0))),
                                               sha256=lfs.get("sha256"), git_sha1=None if lfs else item.get("blobId"))
        return files

    def url(self, repo: str, revision: str, path: str) -> str:
        return f"{self.base_url}/{repo}/resolve/{revision}/{path}"


HUBS = {"modelscope": ModelScope, "huggingface": HuggingFace}


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

    def run(self, wanted: list[str]) -> dict:
        listed = self.hub.files(self.repo, self.revision)
        missing = [path for path in wanted if path not in listed]
        if missing:
            raise ImportFailure(f"{self.repo}@{self.revision} has no {missing[:5]} (of {len(missing)} missing files)")
        files = [listed[safe_path(path)] for path in wanted]
        progress = Progress(len(files), sum(file.size for file in files))
        log.info("importing %d files (%.2f GiB) of %s@%s into s3://%s/%s/", len(files),
                 progress.total / 2**30, self.repo, self.revision, self.bucket, self.prefix)
        with ThreadPoolExecutor(max_workers=self.parallel) as pool:
            entries = list(pool.map(lambda file: self.copy(file, progress), files))
        manifest = {"repo": self.repo, "revision": self.revision, "files": entries,
                    "total_bytes": sum(entry["size"] for entry in entries)}
        self.s3.put_object(Bucket=self.bucket, Key=f"{self.prefix}/{MANIFEST_NAME}",
                           Body=json.dumps(manifest, indent=2).encode(), ContentType="application/json")
        log.info("done: %s", progress.line(time.monotonic()))
        return manifest

    def key(self, file: HubFile) -> str:
        return f"{self.prefix}/{file.path}"

    def present(self, file: HubFile) -> dict | None:
        """The object's recorded hashes if it is already there, complete and matching."""
        try:
            head = self.s3.head_object(Bucket=self.bucket, Key=self.key(file))
        except botocore.exceptions.ClientError as error:
            if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        metadata = head.get("Metadata", {})
        matches = metadata.get("sha256") == file.sha256 if file.sha256 else metadata.get("git-sha1") == file.git_sha1
        return metadata if head["ContentLength"] == file.size and matches else None

    def copy(self, file: HubFile, progress: Progress) -> dict:
        existing = self.present(file)
        if existing is not None:
            log.info("skip %s: already present with the right size and hash", file.path)
            progress.add(file.size, file_done=True)
            return {"path": file.path, "size": file.size, "sha256": existing.get("sha256", file.sha256)}
        if not (file.sha256 or file.git_sha1):
            raise ImportFailure(f"{file.path}: the hub publishes no hash for it, so it cannot be verified")
        sha256 = self.stream(file, progress)
        progress.add(0, file_done=True)
        return {"path": file.path, "size": file.size, "sha256": sha256}

    def stream(self, file: HubFile, progress: Progress) -> str:
        """Hub -> multipart upload, one part in memory; completes only if size and hash match."""
        sha256, git_sha1 = hashlib.sha256(), hashlib.sha1(f"blob {file.size}\0".encode())  # noqa: S324 (git's id)
        # The hub's hash, recorded up front (multipart metadata is fixed at initiation): the upload completes only
        # once the content matches it, so an object that exists carries a verified hash for resume checks.
        recorded = {"sha256": file.sha256} if file.sha256 else {"git-sha1": file.git_sha1}
        upload = self.s3.create_multipart_upload(Bucket=self.bucket, Key=self.key(file), Metadata=recorded)
        upload_id, parts, size = upload["UploadId"], [], 0
        try:
            with self.hub.session.get(self.hub.url(self.repo, self.revision, file.path), stream=True,
                                      timeout=(30, 300)) as response:
                response.raise_for_status()
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
            self.s3.abort_multipart_upload(Bucket=self.bucket, Key=self.key(file), UploadId=upload_id)
            raise
        self.s3.complete_multipart_upload(Bucket=self.bucket, Key=self.key(file), UploadId=upload_id,
                                          MultipartUpload={"Parts": parts})
        return sha256.hexdigest()

    def _part(self, file: HubFile, upload_id: str, number: int, data: bytearray) -> dict:
        response = self.s3.upload_part(Bucket=self.bucket, Key=self.key(file), UploadId=upload_id,
                                       PartNumber=number, Body=bytes(data))
        return {"PartNumber": number, "ETag": response["ETag"]}

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
    parser.add_argument("--hub-url", help="override the hub's base URL")
    parser.add_argument("--repo", required=True)
    parser.add_argument("--revision", required=True)
    parser.add_argument("--files", required=True, help="JSON file listing the paths to copy")
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--endpoint-url", required=True, help="S3 API endpoint of the object store")
    parser.add_argument("--region", default=None)
    parser.add_argument("--addressing-style", choices=["virtual", "path"], default="virtual")
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument("--part-size-mib", type=int, default=64)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stdout)
    args = parse_args(argv)
    session = requests.Session()
    hub_type = HUBS[args.hub]
    hub = hub_type(session, args.hub_url) if args.hub_url else hub_type(session)
    s3 = boto3.client("s3", endpoint_url=args.endpoint_url, region_name=args.region,
                      config=botocore.config.Config(s3={"addressing_style": args.addressing_style},
                                                    retries={"max_attempts": 10, "mode": "standard"}))
    with open(args.files) as handle:
        wanted = json.load(handle)
    importer = Importer(hub, s3, args.bucket, args.prefix.strip("/"), args.repo, args.revision,
                        part_size=args.part_size_mib * MIB, parallel=args.parallel)
    try:
        importer.run(wanted)
    except (ImportFailure, requests.RequestException, botocore.exceptions.BotoCoreError,
            botocore.exceptions.ClientError) as error:
        log.error("import failed: %s", error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
