"""deepseek-acs: DeepSeek-R1 served by vLLM (or SGLang) on a LeaderWorkerSet, on Alibaba Cloud ACS.

    network -> ACS cluster -> cluster add-ons (lws, ack-fluid)
    OSS model store (bucket + read-only credential) -> [model import Job]
        -> model volume (OSS CSI, or Fluid cache: [controllers wait] -> Dataset -> DataLoad -> [warm-up wait])
        -> inference service (LeaderWorkerSet -> [rollout gate]) -> [smoke test Job]

Bracketed steps are Jobs in the cluster; `pulumi up` stops at the first that fails, with its reason in its log.
"""

import pulumi

import config
from components.addons import ClusterAddons, ClusterAddonsArgs
from components.cluster import AcsCluster, AcsClusterArgs
from components.inference import InferenceService, InferenceServiceArgs
from components.isolation import PodSecurityGroup, PodSecurityGroupArgs
from components.model_import import ModelImport, ModelImportArgs
from components.model_store import ModelStore, ModelStoreArgs
from components.model_volume import ModelVolume, ModelVolumeArgs
from components.network import Network, NetworkArgs
from components.observability import Observability, ObservabilityArgs
from components.python_job import JobImage
from components.smoke_test import SmokeTest, SmokeTestArgs
from config import names
from config.engines.metrics import for_engine
from monitoring.promql import Target

try:
    stack = config.from_pulumi()
except config.ConfigError as error:
    # RunError ends the program with the message alone, before anything is registered: nothing is billed.
    raise pulumi.RunError(str(error)) from None

prefix = f"deepseek-acs-{pulumi.get_stack()}"


def secret(value) -> pulumi.Output[str] | None:
    """A SecretStr config value as a Pulumi secret (None when unset)."""
    return pulumi.Output.secret(value.get_secret_value()) if value is not None else None


# The Jobs run the engine image by default: already in the region, and pulled for the model anyway.
job_image = JobImage(stack.jobs_image, stack.serving.extra_ephemeral_storage_gib if stack.jobs.image is None else 0,
                     stack.image_cache())

# A reused cluster brings its own network: nothing of the network is created (or billed) then.
network = Network(prefix, NetworkArgs(config=stack.network)) if stack.network else None
cluster = AcsCluster(
    prefix,
    AcsClusterArgs(
        config=stack.cluster,
        kubeconfig_ttl_minutes=stack.kubeconfig_ttl_minutes,
        vswitch_ids=network.vswitch_ids if network else [],
        network_ready=network.egress_ready if network else [],
    ),
)
addons = ClusterAddons(
    prefix,
    ClusterAddonsArgs(
        charts=stack.charts,
        region=stack.region,
        fluid=stack.storage.fluid if stack.uses_fluid else None,
        workload_namespace=stack.namespace,
        provider=cluster.provider,
    ),
)
store = ModelStore(
    prefix,
    ModelStoreArgs(
        config=stack.bucket,
        model_path=stack.model.path,
        region=stack.region,
        principal_prefix=prefix,
        create_writer=stack.model.import_.enabled,
    ),
)
model_import = (
    ModelImport(
        prefix,
        ModelImportArgs(
            model=stack.model,
            image=job_image,
            pip_index_url=stack.jobs.pip_index_url,
            namespace=addons.workload_namespace,
            bucket_name=store.bucket_name,
            region=stack.region,
            writer_access_key_id=store.writer_access_key_id,
            writer_access_key_secret=store.writer_access_key_secret,
            provider=cluster.provider,
            hub_token=secret(stack.hub_token),
            private_index_url=secret(stack.package_index_url),
        ),
    )
    if stack.model.import_.enabled
    else None
)
volume = ModelVolume(
    prefix,
    ModelVolumeArgs(
        storage=stack.storage,
        model=stack.model,
        name=names.model_volume(stack.serving.name),
        namespace=addons.workload_namespace,
        bucket_name=store.bucket_name,
        endpoint=store.internal_endpoint,
        access_key_id=store.reader_access_key_id,
        access_key_secret=store.reader_access_key_secret,
        provider=cluster.provider,
        fluid_release=addons.fluid_release,
        after=model_import.ready if model_import else [],
        job_image=job_image,
        controllers_timeout_minutes=stack.charts.fluid.ready_timeout_minutes,
        cache_parked=stack.serving.parked and stack.storage.fluid.park_with_serving,
    ),
)
api_key = secret(stack.api_key)
# ACS enforces NetworkPolicies on CPU pods only: the GPU pods' isolation is a security group of their own.
pod_security_group = (
    PodSecurityGroup(
        prefix,
        PodSecurityGroupArgs(
            vpc_id=network.vpc_id,
            serving_port=stack.serving.port,
            cluster_cidrs=[str(spec.cidr) for spec in stack.network.vswitches],
            client_cidrs=[str(cidr) for cidr in stack.serving.service.allowed_cidrs],
        ),
    )
    if stack.serving.pod_security_group
    else None
)
inference = InferenceService(
    prefix,
    InferenceServiceArgs(
        serving=stack.serving,
        model=stack.model,
        namespace=addons.workload_namespace,
        claim_name=volume.claim_name,
        image=stack.serving_image,
        image_cache=stack.image_cache(stack.serving.gpu_model_series),
        volume_ready=volume.ready,
        volume_pod_labels=volume.pod_labels,
        lws_release=addons.lws_release,
        job_image=job_image,
        security_group_id=pod_security_group.security_group_id if pod_security_group else None,
        queue_metric=for_engine(stack.serving.engine).name("waiting"),
        api_key=api_key,
        provider=cluster.provider,
    ),
)
smoke_test = (
    SmokeTest(
        prefix,
        SmokeTestArgs(
            serving=stack.serving,
            model=stack.model,
            image=job_image,
            timeout_minutes=stack.jobs.smoke_test_timeout_minutes,
            namespace=addons.workload_namespace,
            service_url=inference.service_url,
            rolled_out=inference.rolled_out,
            template_hash=inference.template_hash,
            api_key_secret_name=inference.api_key_secret_name,
            provider=cluster.provider,
        ),
    )
    if stack.jobs.smoke_test and not stack.serving.parked  # parked: nothing answers, by design
    else None
)
# Day 2: the engine's metrics in ARMS, the alerts and whom they page, the dashboard (with a Grafana workspace).
observability = Observability(
    prefix,
    ObservabilityArgs(
        config=stack.observability,
        metrics=for_engine(stack.serving.engine),
        target=Target(stack.namespace, stack.serving.name),
        port=stack.serving.port,
        cluster_id=cluster.cluster_id,
        name_prefix=prefix,
        after=[inference.workload],
        parked=stack.serving.parked,
        dingtalk_webhook=secret(stack.dingtalk_webhook_url),
        grafana_auth=secret(stack.grafana_auth),
    ),
)

pulumi.export("cluster_id", cluster.cluster_id)
pulumi.export("api_server_endpoint", cluster.api_server_endpoint)
pulumi.export("kubeconfig", cluster.kubeconfig)
pulumi.export("bucket_name", store.bucket_name)
pulumi.export("model_path", f"oss://{stack.bucket.name}/{stack.model.path}/")
pulumi.export("service_url", inference.service_url)
pulumi.export("served_model_name", inference.served_model_name)
pulumi.export("check_command", inference.check_command)
if smoke_test:
    pulumi.export("smoke_test_logs", smoke_test.logs_command)
