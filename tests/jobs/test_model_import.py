"""The model import against stand-ins as strict as the real services: OSS's S3 API (tests/jobs/oss_standin.py, a
real S3 server behind OSS's refusals, over TLS at the production endpoint's name) and both hubs."""

import hashlib
import json
import os
import tracemalloc

import boto3
import botocore.config
import botocore.exceptions
import pytest
import requests

import model_import  # as the Job imports it: its folder is on the path (tests/jobs/__init__.py)
from model_hubs import HubError, HuggingFace, ModelScope, Retrying
from model_import import MIB, ImportFailure, Importer, s3_client
from tests.jobs.hub_standins import Hubs, Repo, hub_standins
from tests.jobs.loopback import Resolver, local_ca, oss_standin

PART = 256 * 1024  # OSS takes parts from 100 KB
SHARD = 2 * PART + 12345  # more than two parts
REGION = "cn-hangzhou"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def model_files() -> dict[str, bytes]:
    return {
        "config.json": b'{"model_type": "deepseek_v3"}',
        "tokenizer.json": b'{"version": "1.0"}',
        "model-00001-of-000002.safetensors": os.urandom(SHARD),
        "model-00002-of-000002.safetensors": os.urandom(PART // 2),
        # On the hub but never wanted: repository furniture and LFS bookkeeping.
        "README.md": b"# model",
        ".gitattributes": b"*.safetensors filter=lfs",
    }


WANTED = ["config.json", "tokenizer.json", "model-00001-of-000002.safetensors", "model-00002-of-000002.safetensors"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Loopback DNS for the real names, a CA the clients trust, OSS (https and http) and the hubs."""
    directory = tmp_path_factory.mktemp("world")
    ca = local_ca(directory)
    resolver = Resolver()
    saved = {key: os.environ.get(key) for key in ("AWS_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "AWS_ACCESS_KEY_ID",
                                                    "AWS_SECRET_ACCESS_KEY")}
    os.environ.update(AWS_CA_BUNDLE=str(ca.bundle), REQUESTS_CA_BUNDLE=str(ca.bundle), AWS_ACCESS_KEY_ID="LTAIexample",
                      AWS_SECRET_ACCESS_KEY="example")
    hubs = Hubs(Repo("deepseek-ai/DeepSeek-R1", model_files(), commit=COMMIT))
    with resolver.installed(), oss_standin(directory, REGION) as (https_endpoint, https_port, log), \
            oss_standin(directory, REGION, tls=False) as (http_endpoint, http_port, _), \
            hub_standins(hubs, resolver, ca):
        resolver.route(f"s3.oss-{REGION}-internal.aliyuncs.com", 443, https_port)
        resolver.route(f"s3.oss-{REGION}-internal.aliyuncs.com", 80, http_port)
        yield {"https": https_endpoint, "http": http_endpoint, "log": log, "hubs": hubs}
    for key, value in saved.items():
        os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


@pytest.fixture
def hubs(world):
    hubs = world["hubs"]
    hubs.repo.files, hubs.repo.gated = model_files(), False
    hubs.faults.__init__()
    hubs.downloads.clear()
    hubs.requests.clear()
    return hubs


@pytest.fixture
def bucket(world, request):
    name = "models-" + hashlib.sha1(request.node.name.encode()).hexdigest()[:12]  # noqa: S324
    client = s3_client(world["https"], REGION)
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return client, name


def no_sleep(_seconds: float) -> None:
    pass


def importer(client, bucket: str, hub_type=ModelScope, revision: str = "v1.0", token=None, **options) -> Importer:
    hub = hub_type(Retrying(requests.Session(), sleep=no_sleep), token=token)
    options = {"part_size": PART, "parallel": 2, **options}
    return Importer(hub, client, bucket, "models/m", "deepseek-ai/DeepSeek-R1", revision, **options)


def keys(client, bucket: str) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])}


def manifest(client, bucket: str) -> dict:
    return json.loads(client.get_object(Bucket=bucket, Key="models/m/import-manifest.json")["Body"].read())


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


# ------------------------------------------------------------------------------------------ hubs
def test_hugging_face_hashes_verify_lfs_and_plain_files(hubs, bucket):
    client, name = bucket
    importer(client, name, hub_type=HuggingFace, revision=COMMIT).run(WANTED)
    assert manifest(client, name)["hub"] == "huggingface"
    hubs.repo.files["tokenizer.json"] = b'{"version": "2.0"}'  # same size: the published blob id no longer matches
    original = hubs.huggingface_info
    hubs.huggingface_info = lambda: {**original(), "siblings": [
        {**s, "blobId": "0" * 40} if s["rfilename"] == "tokenizer.json" else s for s in original()["siblings"]]}
    try:
        with pytest.raises(ImportFailure, match="tokenizer.json: git blob id mismatch"):
            importer(client, name, hub_type=HuggingFace, revision=COMMIT).run(WANTED)
    finally:
        hubs.huggingface_info = original


def test_a_gated_repository_needs_the_token_which_never_reaches_the_cdn(hubs, bucket):
    client, name = bucket
    hubs.repo.gated = True
    with pytest.raises(HubError, match="GatedRepo .*set deepseek-acs:hub_token"):
        importer(client, name, hub_type=HuggingFace, revision=COMMIT).run(WANTED)
    importer(client, name, hub_type=HuggingFace, revision=COMMIT, token=hubs.repo.token).run(WANTED)
    cdn = [headers for host, _, headers in hubs.requests if host == "cdn-lfs.hf.co"]
    assert cdn and not [headers for headers in cdn if "Authorization" in headers]


@pytest.mark.parametrize("hub_type", [ModelScope, HuggingFace])
def test_rate_limits_and_server_errors_are_retried(hubs, bucket, hub_type):
    client, name = bucket
    hubs.faults.throttle.update(api=2, file=1)
    hubs.faults.fail.update(api=1, file=1)
    importer(client, name, hub_type=hub_type, revision=COMMIT).run(WANTED)
    assert manifest(client, name)["complete"]


def test_retries_wait_as_each_hub_asks():
    waits = []
    retrying = Retrying(requests.Session(), sleep=waits.append)

    class Answer:
        def __init__(self, status, headers):
            self.status_code, self.headers = status, headers

        def close(self):
            pass

    answers = iter([Answer(429, {"RateLimit": '"resolvers";r=0;t=7'}), Answer(429, {"Retry-After": "3"}),
                    Answer(503, {}), Answer(200, {})])
    retrying.session = type("S", (), {"get": lambda self, url, **kw: next(answers)})()
    assert retrying.get("https://huggingface.co/api").status_code == 200
    assert waits == [8, 3.0, 4.0]  # RateLimit t+1, Retry-After, then exponential backoff (attempt 3)


@pytest.mark.parametrize(("revision", "ok"), [("v1.0", True), (COMMIT, True), ("master", False), ("v9", False),
                                              ("0123abc", False)])
@pytest.mark.parametrize("hub_type", [ModelScope, HuggingFace])
def test_a_revision_is_a_full_commit_or_a_tag_the_hub_reports(hubs, bucket, hub_type, revision, ok):
    client, name = bucket
    if ok:
        importer(client, name, hub_type=hub_type, revision=revision).run(["config.json"])
        return
    with pytest.raises(HubError, match=r"neither a full commit id .* nor a tag .*its tags: v1.0"):
        importer(client, name, hub_type=hub_type, revision=revision).run(["config.json"])
    assert keys(client, name) == set()


def test_a_file_missing_from_the_revision_fails_before_copying(hubs, bucket):
    client, name = bucket
    with pytest.raises(ImportFailure, match="has no"):
        importer(client, name).run([*WANTED, "model-00003-of-000003.safetensors"])
    assert keys(client, name) == set()


def test_progress_reports_files_bytes_rate_and_eta():
    progress = model_import.Progress(files=4, total_bytes=4 * 2**30)
    progress.add(2**30, file_done=True)
    line = progress.line(progress.started + 10)
    assert line.startswith("files 1/4, 1.00/4.00 GiB, ") and "MiB/s" in line and "ETA" in line


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
