"""deepseek-acs: DeepSeek-R1 served by vLLM on Ray, on a LeaderWorkerSet, on Alibaba Cloud ACS.

    network -> ACS cluster -> cluster add-ons (lws, ack-fluid)
    OSS model store (bucket + read-only credential) -> [model import Job]
                                 -> model volume (OSS CSI or Fluid cache) -> inference service -> [smoke test Job]
"""

import pulumi

import config
from components.addons import ClusterAddons, ClusterAddonsArgs
from components.cluster import AcsCluster, AcsClusterArgs
from components.inference import InferenceService, InferenceServiceArgs
from components.model_import import ModelImport, ModelImportArgs
from components.model_store import ModelStore, ModelStoreArgs
from components.model_volume import ModelVolume, ModelVolumeArgs
from components.network import Network, NetworkArgs
from components.smoke_test import SmokeTest, SmokeTestArgs

try:
    stack = config.from_pulumi()
except config.ConfigError as error:
    # RunError ends the program with the message alone, before anything is registered: nothing is billed.
    raise pulumi.RunError(str(error)) from None

prefix = f"deepseek-acs-{pulumi.get_stack()}"

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
        install_fluid=stack.uses_fluid,
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
            jobs=stack.jobs,
            namespace=addons.workload_namespace,
            bucket_name=store.bucket_name,
            region=stack.region,
            writer_access_key_id=store.writer_access_key_id,
            writer_access_key_secret=store.writer_access_key_secret,
            provider=cluster.provider,
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
        name=f"{stack.serving.name}-model",
        namespace=addons.workload_namespace,
        bucket_name=store.bucket_name,
        endpoint=store.internal_endpoint,
        access_key_id=store.reader_access_key_id,
        access_key_secret=store.reader_access_key_secret,
        provider=cluster.provider,
        fluid_release=addons.fluid_release,
        after=model_import.ready if model_import else [],
    ),
)
api_key = pulumi.Output.secret(stack.api_key.get_secret_value()) if stack.api_key else None
inference = InferenceService(
    prefix,
    InferenceServiceArgs(
        serving=stack.serving,
        model=stack.model,
        namespace=addons.workload_namespace,
        claim_name=volume.claim_name,
        volume_ready=volume.ready,
        volume_pod_labels=volume.pod_labels,
        lws_release=addons.lws_release,
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
            jobs=stack.jobs,
            namespace=addons.workload_namespace,
            service_url=inference.service_url,
            workload=inference.workload,
            api_key_secret_name=inference.api_key_secret_name,
            provider=cluster.provider,
        ),
    )
    if stack.jobs.smoke_test
    else None
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
