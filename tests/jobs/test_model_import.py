"""The model import, for real: a stand-in hub over HTTP and a local S3 server (OSS speaks the S3 API)."""

import hashlib
import json
import os
import tracemalloc

import pytest
import requests

from jobs import model_import
from jobs.model_import import MIB, HuggingFace, ImportFailure, Importer, ModelScope
from tests.jobs.servers import Hub, hub_server, s3_server

SHARD = 12 * MIB + 12345  # more than two 5 MiB parts


def model_files() -> dict[str, bytes]:
    return {
        "config.json": b'{"model_type": "qwen2"}',
        "tokenizer.json": b'{"version": "1.0"}',
        "model-00001-of-000002.safetensors": os.urandom(SHARD),
        "model-00002-of-000002.safetensors": os.urandom(3 * MIB),
        # On the hub but never wanted: repository furniture and LFS bookkeeping.
        "README.md": b"# model",
        ".gitattributes": b"*.safetensors filter=lfs",
    }


WANTED = ["config.json", "tokenizer.json", "model-00001-of-000002.safetensors", "model-00002-of-000002.safetensors"]


@pytest.fixture(scope="module")
def s3():
    with s3_server() as (endpoint, client):
        yield endpoint, client


@pytest.fixture
def bucket(s3, request):
    name = "models-" + hashlib.sha1(request.node.name.encode()).hexdigest()[:12]  # noqa: S324
    client = s3[1]()
    client.create_bucket(Bucket=name)
    return client, name


def importer(hub_url: str, client, bucket: str, hub_type=ModelScope, **options) -> Importer:
    return Importer(hub_type(requests.Session(), hub_url), client, bucket, "models/m", "org/m", "v1",
                    part_size=5 * MIB, parallel=2, **options)


def keys(client, bucket: str) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])}


def test_copies_exactly_the_wanted_files_and_writes_a_manifest(bucket):
    client, name = bucket
    hub = Hub(model_files())
    with hub_server(hub) as url:
        manifest = importer(url, client, name).run(WANTED)
    assert keys(client, name) == {f"models/m/{path}" for path in WANTED} | {"models/m/import-manifest.json"}
    for path in WANTED:
        assert client.get_object(Bucket=name, Key=f"models/m/{path}")["Body"].read() == hub.files[path]
    stored = json.loads(client.get_object(Bucket=name, Key="models/m/import-manifest.json")["Body"].read())
    assert stored == manifest
    assert [(entry["path"], entry["size"], entry["sha256"]) for entry in stored["files"]] == [
        (path, len(hub.files[path]), hub.published[path]) for path in WANTED]
    assert stored["revision"] == "v1" and stored["total_bytes"] == sum(len(hub.files[p]) for p in WANTED)


def test_git_content_is_never_copied(bucket):
    client, name = bucket
    files = {**model_files(), ".git/lfs/objects/ab/cd": b"duplicate of a shard"}
    with hub_server(Hub(files)) as url:
        with pytest.raises(ImportFailure, match="never .git content"):
            importer(url, client, name).run([*WANTED, ".git/lfs/objects/ab/cd"])
        importer(url, client, name).run(WANTED)
    assert not [key for key in keys(client, name) if ".git" in key]


@pytest.mark.parametrize("path", [".git/config", "/etc/passwd", "../other/model.safetensors", "sub/.gitattributes"])
def test_unsafe_paths_are_refused(path):
    with pytest.raises(ImportFailure):
        model_import.safe_path(path)


def test_hash_mismatch_fails_loudly_and_lands_nothing(bucket):
    client, name = bucket
    hub = Hub(model_files())
    hub.published["model-00001-of-000002.safetensors"] = "0" * 64
    with hub_server(hub) as url:
        with pytest.raises(ImportFailure, match="model-00001-of-000002.safetensors: SHA-256 mismatch"):
            importer(url, client, name).run(WANTED)
    assert "models/m/model-00001-of-000002.safetensors" not in keys(client, name)
    assert "models/m/import-manifest.json" not in keys(client, name)
    assert not client.list_multipart_uploads(Bucket=name).get("Uploads")  # aborted, not left behind


def test_interrupted_run_resumes_without_copying_finished_files_again(bucket):
    client, name = bucket
    hub = Hub(model_files())
    hub.cut["model-00001-of-000002.safetensors"] = 7 * MIB  # the connection drops mid-shard
    with hub_server(hub) as url:
        with pytest.raises((ImportFailure, requests.RequestException)):
            importer(url, client, name).run(WANTED)
        finished = {key for key in keys(client, name)}
        assert "models/m/model-00001-of-000002.safetensors" not in finished
        assert "models/m/config.json" in finished
        before = dict(hub.downloads)
        importer(url, client, name).run(WANTED)
    again = {path: hub.downloads[path] - before.get(path, 0) for path in WANTED}
    assert again["model-00001-of-000002.safetensors"] == 1
    assert again["config.json"] == again["tokenizer.json"] == again["model-00002-of-000002.safetensors"] == 0
    data = client.get_object(Bucket=name, Key="models/m/model-00001-of-000002.safetensors")["Body"].read()
    assert data == hub.files["model-00001-of-000002.safetensors"]


def test_a_present_object_with_the_wrong_hash_is_copied_again(bucket):
    client, name = bucket
    hub = Hub(model_files())
    client.put_object(Bucket=name, Key="models/m/config.json", Body=b"x" * len(hub.files["config.json"]),
                      Metadata={"sha256": "f" * 64})
    with hub_server(hub) as url:
        importer(url, client, name).run(WANTED)
    assert client.get_object(Bucket=name, Key="models/m/config.json")["Body"].read() == hub.files["config.json"]


def test_streams_in_parts_without_buffering_a_whole_file(bucket):
    client, name = bucket
    hub = Hub({"model-00001-of-000001.safetensors": os.urandom(24 * MIB)})
    sizes = []
    original = client.upload_part

    def recording_upload_part(**kwargs):
        sizes.append(len(kwargs["Body"]))
        return original(**kwargs)

    client.upload_part = recording_upload_part
    with hub_server(hub) as url:
        tracemalloc.start()
        importer(url, client, name).run(["model-00001-of-000001.safetensors"])
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert len(sizes) == 5 and max(sizes) <= 6 * MIB and sum(sizes) == 24 * MIB
    assert peak < 16 * MIB  # a few parts in flight at most, never the 24 MiB file


def test_hugging_face_hashes_verify_lfs_and_plain_files(bucket):
    client, name = bucket
    hub = Hub(model_files())
    with hub_server(hub) as url:
        importer(url, client, name, hub_type=HuggingFace).run(WANTED)
        hub.files["tokenizer.json"] = b'{"version": "2.0"}'  # same size, different content than listed
        listing = hub.listing_huggingface
        hub.listing_huggingface = lambda: {"siblings": [s if s["rfilename"] != "tokenizer.json" else
                                                        {**s, "blobId": "0" * 40} for s in listing()["siblings"]]}
        client.delete_object(Bucket=name, Key="models/m/tokenizer.json")
        with pytest.raises(ImportFailure, match="tokenizer.json: git blob id mismatch"):
            importer(url, client, name, hub_type=HuggingFace).run(WANTED)


def test_a_file_missing_from_the_revision_fails_before_copying(bucket):
    client, name = bucket
    with hub_server(Hub(model_files())) as url:
        with pytest.raises(ImportFailure, match="has no"):
            importer(url, client, name).run([*WANTED, "model-00003-of-000003.safetensors"])
    assert keys(client, name) == set()


def test_progress_reports_files_bytes_rate_and_eta():
    progress = model_import.Progress(files=4, total_bytes=4 * 2**30)
    progress.add(2**30, file_done=True)
    line = progress.line(progress.started + 10)
    assert line.startswith("files 1/4, 1.00/4.00 GiB, ") and "MiB/s" in line and "ETA" in line


def test_command_line_exit_codes(s3, bucket, tmp_path, caplog):
    client, name = bucket
    endpoint, _ = s3
    wanted = tmp_path / "files.json"
    wanted.write_text(json.dumps(WANTED))
    hub = Hub(model_files())
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    with hub_server(hub) as url:
        args = ["--hub", "modelscope", "--hub-url", url, "--repo", "org/m", "--revision", "v1", "--files", str(wanted),
                "--bucket", name, "--prefix", "models/m/", "--endpoint-url", endpoint, "--region", "us-east-1",
                "--addressing-style", "path", "--part-size-mib", "5"]
        assert model_import.main(args) == 0
        hub.published["config.json"] = "1" * 64
        client.delete_object(Bucket=name, Key="models/m/config.json")
        assert model_import.main(args) == 1
    assert "import failed: config.json: SHA-256 mismatch" in caplog.text
