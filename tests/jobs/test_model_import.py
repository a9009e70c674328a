"""The model import against stand-ins as strict as the real services (tests/jobs/import_world.py): what OSS
refuses, the copy, its verification and resumption, and the command line."""

import hashlib
import json
import os
import tracemalloc

import boto3
import botocore.config
import botocore.exceptions
import model_import  # as the Job imports it: its folder is on the path (tests/jobs/__init__.py)
import pytest
import requests
from model_import import MIB, ImportFailure, s3_client

from tests.jobs.import_world import PART, REGION, WANTED, importer, keys, manifest


# ------------------------------------------------------------------------------------------ OSS rules
def test_the_previous_client_configuration_is_refused_over_https(world, bucket):
    """botocore's defaults stream UploadPart as aws-chunked with a trailing checksum over HTTPS: OSS refuses it."""
    _, name = bucket
    old = boto3.client("s3", endpoint_url=world["https"], region_name=REGION,
                       config=botocore.config.Config(s3={"addressing_style": "virtual"}))
    upload = old.create_multipart_upload(Bucket=name, Key="k")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        old.upload_part(Bucket=name, Key="k", UploadId=upload["UploadId"], PartNumber=1, Body=b"x" * 1024)
    assert caught.value.response["Error"]["Code"] in ("NotImplemented", "InvalidArgument")
    refused = [json.loads(line) for line in world["log"].read_text().splitlines()]
    assert any(entry["method"] == "PUT" and entry["status"].startswith(("400", "501")) for entry in refused)


def test_over_http_botocore_sends_header_checksums_and_the_old_configuration_passes(world):
    """The failure depends on the scheme: which is why the stand-in is reached over HTTPS, like OSS."""
    name = "models-over-http"
    s3_client(world["http"], REGION).create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    old = boto3.client("s3", endpoint_url=world["http"], region_name=REGION,
                       config=botocore.config.Config(s3={"addressing_style": "virtual"}))
    old.put_object(Bucket=name, Key="over-http", Body=b"x" * 1024)
    assert old.head_object(Bucket=name, Key="over-http")["ContentLength"] == 1024


def test_path_style_requests_are_refused(world, bucket):
    _, name = bucket
    path_style = boto3.client("s3", endpoint_url=world["https"], region_name=REGION, config=botocore.config.Config(
        s3={"addressing_style": "path"}, request_checksum_calculation="when_required"))
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        path_style.put_object(Bucket=name, Key="k", Body=b"x")
    assert caught.value.response["Error"]["Code"] == "SecondLevelDomainForbidden"


def test_part_numbers_beyond_ossss_limit_are_refused(bucket):
    client, name = bucket
    upload = client.create_multipart_upload(Bucket=name, Key="k")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.upload_part(Bucket=name, Key="k", UploadId=upload["UploadId"], PartNumber=10_001, Body=b"x")
    assert caught.value.response["Error"]["Code"] == "InvalidArgument"


def test_a_file_that_would_need_more_parts_than_oss_allows_is_refused_up_front(hubs, bucket):
    client, name = bucket
    with pytest.raises(ImportFailure, match=r"needs 3 parts of 0\.25 MiB; OSS allows 2"):
        importer(client, name, max_parts=2).run(WANTED)
    assert keys(client, name) == set()


# ------------------------------------------------------------------------------------------ the copy
def test_copies_exactly_the_wanted_files_verified_with_a_manifest(hubs, bucket):
    client, name = bucket
    result = importer(client, name).run(WANTED)
    assert keys(client, name) == {f"models/m/{path}" for path in WANTED} | {"models/m/import-manifest.json"}
    for path in WANTED:
        assert client.get_object(Bucket=name, Key=f"models/m/{path}")["Body"].read() == hubs.repo.files[path]
    stored = manifest(client, name)
    assert stored == result and stored["complete"] is True and stored["hub"] == "modelscope"
    assert [(entry["path"], entry["size"], entry["sha256"]) for entry in stored["files"]] == sorted(
        (path, len(hubs.repo.files[path]), hashlib.sha256(hubs.repo.files[path]).hexdigest()) for path in WANTED)
    # Large files came through the CDN redirect, small ones straight from the API.
    assert hubs.downloads["model-00001-of-000002.safetensors"] == 1


def test_git_content_is_never_copied(hubs, bucket):
    client, name = bucket
    hubs.repo.files[".git/lfs/objects/ab/cd"] = b"duplicate of a shard"
    with pytest.raises(ImportFailure, match="never .git content"):
        importer(client, name).run([*WANTED, ".git/lfs/objects/ab/cd"])
    assert not [key for key in keys(client, name) if ".git" in key]


@pytest.mark.parametrize("path", [".git/config", "/etc/passwd", "../other/model.safetensors", "sub/.gitattributes"])
def test_unsafe_paths_are_refused(path):
    with pytest.raises(ImportFailure):
        model_import.safe_path(path)


def test_hash_mismatch_fails_loudly_and_lands_nothing(hubs, bucket):
    client, name = bucket
    hubs.faults.lying["model-00001-of-000002.safetensors"] = "0" * 64
    with pytest.raises(ImportFailure, match="model-00001-of-000002.safetensors: SHA-256 mismatch"):
        importer(client, name, parallel=1).run(WANTED)
    assert "models/m/model-00001-of-000002.safetensors" not in keys(client, name)
    assert not manifest(client, name)["complete"]
    assert not client.list_multipart_uploads(Bucket=name).get("Uploads")  # aborted, not left behind


def test_a_part_damaged_on_the_way_fails_the_file(hubs, bucket):
    client, name = bucket
    original = client.upload_part

    def damaging(**kwargs):
        kwargs["Body"] = kwargs["Body"][:-1] + b"!"  # one byte flipped between us and OSS
        return original(**kwargs)

    client.upload_part = damaging
    with pytest.raises(ImportFailure, match="part 1 arrived damaged"):
        importer(client, name, parallel=1).run(["config.json"])
    assert "models/m/config.json" not in keys(client, name)


def test_interrupted_run_resumes_from_its_manifest(hubs, bucket):
    """OSS returns no user metadata through its S3 API: resume rests on the progress manifest, not on it."""
    client, name = bucket
    hubs.faults.cut["model-00001-of-000002.safetensors"] = PART + 1000  # the connection drops mid-shard
    with pytest.raises((ImportFailure, requests.RequestException)):
        importer(client, name, parallel=1).run(WANTED)
    progress = manifest(client, name)
    assert not progress["complete"] and "config.json" in [entry["path"] for entry in progress["files"]]
    before = dict(hubs.downloads)
    importer(client, name).run(WANTED)
    again = {path: hubs.downloads[path] - before.get(path, 0) for path in WANTED}
    assert again["model-00001-of-000002.safetensors"] == 1
    assert again["config.json"] == again["tokenizer.json"] == 0
    data = client.get_object(Bucket=name, Key="models/m/model-00001-of-000002.safetensors")["Body"].read()
    assert data == hubs.repo.files["model-00001-of-000002.safetensors"]
    assert manifest(client, name)["complete"]


def test_a_file_changed_on_the_hub_since_the_last_run_is_copied_again(hubs, bucket):
    client, name = bucket
    importer(client, name).run(WANTED)
    hubs.repo.files["config.json"] = b'{"model_type": "deepseek_v3", "x": 1}'
    before = hubs.downloads["config.json"]
    importer(client, name).run(WANTED)
    assert hubs.downloads["config.json"] == before + 1
    assert client.get_object(Bucket=name, Key="models/m/config.json")["Body"].read() == hubs.repo.files["config.json"]


def test_streams_in_parts_without_buffering_a_whole_file(hubs, bucket):
    client, name = bucket
    hubs.repo.files = {"model-00001-of-000001.safetensors": os.urandom(20 * PART)}
    sizes = []
    original = client.upload_part

    def recording_upload_part(**kwargs):
        sizes.append(len(kwargs["Body"]))
        return original(**kwargs)

    client.upload_part = recording_upload_part
    tracemalloc.start()
    importer(client, name, part_size=4 * PART).run(["model-00001-of-000001.safetensors"])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(sizes) == 5 and max(sizes) <= 5 * PART and sum(sizes) == 20 * PART
    assert peak < 4 * MIB  # a few parts in flight at most, never the whole file


def test_command_line_against_the_production_endpoint(world, hubs, bucket, tmp_path, caplog):
    client, name = bucket
    wanted = tmp_path / "files.json"
    wanted.write_text(json.dumps(WANTED))
    args = ["--hub", "modelscope", "--repo", "deepseek-ai/DeepSeek-R1", "--revision", "v1.0", "--files", str(wanted),
            "--bucket", name, "--prefix", "models/m/", "--endpoint-url", f"https://s3.oss-{REGION}-internal.aliyuncs.com",
            "--region", REGION, "--part-size-mib", "1"]
    assert model_import.main(args) == 0
    hubs.faults.lying["config.json"] = "1" * 64
    client.put_object(Bucket=name, Key="models/m/import-manifest.json", Body=b"{}")
    assert model_import.main(args) == 1
    assert "import failed: config.json: SHA-256 mismatch" in caplog.text
