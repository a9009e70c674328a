"""Fixtures of the model import's tests: the stand-in world (once per test module), a fresh hub state and bucket
per test."""

import hashlib
import os

import pytest
from model_import import s3_client

from tests.jobs.hub_standins import Hubs, Repo, hub_standins
from tests.jobs.import_world import COMMIT, REGION, model_files
from tests.jobs.loopback import Resolver, local_ca, oss_standin


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
