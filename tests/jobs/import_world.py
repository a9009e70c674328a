"""The world the model import's tests run in: stand-ins as strict as the real services, OSS's S3 API
(tests/jobs/oss_standin.py, a real S3 server behind OSS's refusals, over TLS at the production endpoint's name) and
both hubs, reached under their real names (the fixtures, in tests/jobs/conftest.py); the test model and helpers."""

import json
import os

import requests
from model_hubs import ModelScope, Retrying
from model_import import Importer

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
