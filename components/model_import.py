"""Day 0: copy the model from its hub into the bucket, in a Job the model volume waits for."""

import json
import math
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from config.schema import JobsConfig, ModelConfig

from .python_job import SECRETS_DIR, PythonJob, fingerprint


@dataclass(frozen=True)
class ModelImportArgs:
    model: ModelConfig
    jobs: JobsConfig
    namespace: pulumi.Input[str]
    bucket_name: pulumi.Input[str]
    region: str
    writer_access_key_id: pulumi.Input[str]
    writer_access_key_secret: pulumi.Input[str]
    """Secret; the model store's write-only credential for the model prefix."""
    provider: k8s.Provider


def s3_endpoint(region: str) -> str:
    """OSS's S3-compatible API on the region's internal endpoint (no NAT traffic for the upload)."""
    return f"https://oss-{region}-internal.aliyuncs.com"


class ModelImport(pulumi.ComponentResource):
    """Writer credentials as a mounted credentials file, the import code, and the awaited Job."""

    ready: list[pulumi.Resource]
    """The completed Job: the model volume is created after it."""
    job_name: str

    def __init__(self, name: str, args: ModelImportArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("deepseek-acs:storage:ModelImport", name, None, opts)
        model, settings = args.model, args.model.import_
        in_cluster = pulumi.ResourceOptions(parent=self, provider=args.provider)
        files = model.served_files
        self.job_name = f"model-import-{fingerprint(settings.hub, model.hub_repo, settings.revision, model.path, files)}"
        # boto3 reads a shared credentials file, so the key never sits in the pod's environment.
        credentials = k8s.core.v1.Secret(
            f"{name}-writer-credentials",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=f"{self.job_name}-credentials", namespace=args.namespace),
            type="Opaque",
            string_data={"credentials": pulumi.Output.format(
                "[default]\naws_access_key_id = {0}\naws_secret_access_key = {1}\n",
                args.writer_access_key_id, args.writer_access_key_secret)},
            opts=in_cluster,
        )
        # Memory: one part per file in flight (plus the copy being sent), and headroom for Python.
        memory_gib = math.ceil(settings.parallel_files * settings.part_size_mib * 3 / 1024) + 1
        job = PythonJob(
            name=self.job_name,
            namespace=args.namespace,
            module="model_import.py",
            args=[
                "--hub", settings.hub, "--repo", model.hub_repo, "--revision", settings.revision,
                "--files", "/opt/job/files.json", "--bucket", args.bucket_name, "--prefix", model.path,
                "--endpoint-url", s3_endpoint(args.region), "--region", args.region,
                "--parallel", str(settings.parallel_files), "--part-size-mib", str(settings.part_size_mib),
            ],
            jobs=args.jobs,
            timeout_minutes=settings.timeout_minutes,
            cpu="4",
            memory=f"{memory_gib}Gi",
            backoff_limit=2,  # a rerun resumes, so retrying a dropped connection is cheap
            env={"AWS_SHARED_CREDENTIALS_FILE": f"{SECRETS_DIR}/credentials"},
            extra_files={"files.json": json.dumps(files)},
            secret_name=credentials.metadata.name,
        ).declare(f"{name}-import", in_cluster)
        self.ready = [job]
        self.register_outputs({"job_name": self.job_name})
