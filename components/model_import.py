"""Day 0: copy the model from its hub into the bucket, in a Job the model volume waits for."""

import json
import math
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from config import names
from config.platform.oss import S3_INTERNAL_ENDPOINT
from config.schema import ModelConfig

from .python_job import SECRETS_DIR, JobImage, PackageIndex, PythonJob

FILES = "/opt/job/files.json"
INDEX_KEY = "index-url"


@dataclass(frozen=True)
class ModelImportArgs:
    model: ModelConfig
    image: JobImage
    pip_index_url: str
    """Where the Job installs boto3 and requests from (in-region)."""
    namespace: pulumi.Input[str]
    bucket_name: pulumi.Input[str]
    region: str
    writer_access_key_id: pulumi.Input[str]
    writer_access_key_secret: pulumi.Input[str]
    """Secret; the model store's write-only credential for the model prefix."""
    provider: k8s.Provider
    hub_token: pulumi.Output[str] | None = None
    """Secret; the hub's access token (gated or private repositories)."""
    private_index_url: pulumi.Output[str] | None = None
    """Secret; a package index URL with credentials, used instead of pip_index_url."""


def s3_endpoint(region: str) -> str:
    """OSS's S3-compatible API on the region's internal endpoint (no NAT traffic for the upload)."""
    return S3_INTERNAL_ENDPOINT.value.format(region=region)


class ModelImport(pulumi.ComponentResource):
    """Writer credentials (and the hub token) as mounted files, the import code, and the awaited Job."""

    ready: list[pulumi.Resource]
    """The completed Job: the model volume is created after it."""
    job_name: str

    def __init__(self, name: str, args: ModelImportArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("deepseek-acs:storage:ModelImport", name, None, opts)
        model, settings = args.model, args.model.import_
        in_cluster = pulumi.ResourceOptions(parent=self, provider=args.provider)
        files = model.served_files
        self.job_name = names.import_job(model)
        # boto3 reads a shared credentials file, so the key never sits in the pod's environment; the hub token
        # likewise reaches the Job as a file.
        secret_files = {"credentials": pulumi.Output.format(
            "[default]\naws_access_key_id = {0}\naws_secret_access_key = {1}\n",
            args.writer_access_key_id, args.writer_access_key_secret)}
        if args.hub_token is not None:
            secret_files["hub-token"] = args.hub_token
        if args.private_index_url is not None:
            secret_files[INDEX_KEY] = args.private_index_url
        credentials = k8s.core.v1.Secret(
            f"{name}-writer-credentials",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=names.import_credentials(self.job_name), namespace=args.namespace),
            type="Opaque",
            string_data=secret_files,
            opts=in_cluster,
        )
        hub = (["--hub-url", settings.hub_url] if settings.hub_url else []) + \
            (["--token-file", f"{SECRETS_DIR}/hub-token"] if args.hub_token is not None else [])
        # Memory: one part per file in flight (plus the copy being sent), and headroom for Python.
        memory_gib = math.ceil(settings.parallel_files * settings.part_size_mib * 3 / 1024) + 1
        job = PythonJob(
            name=self.job_name,
            namespace=args.namespace,
            module="model_import.py",
            args=[
                "--hub", settings.hub, *hub, "--repo", model.hub_repo, "--revision", settings.revision,
                "--files", FILES, "--bucket", args.bucket_name, "--prefix", model.path,
                "--endpoint-url", s3_endpoint(args.region), "--region", args.region,
                "--parallel", str(settings.parallel_files), "--part-size-mib", str(settings.part_size_mib),
            ],
            image=args.image,
            timeout_minutes=settings.timeout_minutes,
            cpu="4",
            memory=f"{memory_gib}Gi",
            backoff_limit=2,  # a rerun resumes from its manifest, so retrying a dropped connection is cheap
            env={"AWS_SHARED_CREDENTIALS_FILE": f"{SECRETS_DIR}/credentials"},
            extra_files={"files.json": json.dumps(files)},
            secret_name=credentials.metadata.name,
            packages=PackageIndex(secret_name=credentials.metadata.name, secret_key=INDEX_KEY)
            if args.private_index_url is not None else PackageIndex(url=args.pip_index_url),
        ).declare(f"{name}-import", in_cluster)
        self.ready = [job]
        self.register_outputs({"job_name": self.job_name})
