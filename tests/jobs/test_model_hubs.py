"""The hub clients in the import: Hugging Face's hashes and gating, retries and rate limits as each hub asks,
revisions the hub reports (against tests/jobs/hub_standins.py, written from the hubs' API documentation)."""

import model_import  # as the Job imports it: its folder is on the path (tests/jobs/__init__.py)
import pytest
import requests
from model_hubs import HubError, HuggingFace, ModelScope, Retrying
from model_import import ImportFailure

from tests.jobs.import_world import COMMIT, WANTED, importer, keys, manifest


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


