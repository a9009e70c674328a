"""deepseek-acs: DeepSeek-R1 served by vLLM on Ray, on a LeaderWorkerSet, on Alibaba Cloud ACS.

    network -> ACS cluster -> cluster add-ons (lws, ack-fluid)
    OSS model store (bucket + read-only credential)
                                 -> model volume (OSS CSI or Fluid cache) -> inference service
"""

import pulumi

import config
from components.addons import ClusterAddons, ClusterAddonsArgs
from components.cluster import AcsCluster, AcsClusterArgs
from components.model_store import ModelStore, ModelStoreArgs
from components.network import Network, NetworkArgs

try:
    stack = config.from_pulumi()
except config.ConfigError as error:
    # RunError ends the program with the message alone, before anything is registered: nothing is billed.
    raise pulumi.RunError(str(error)) from None

prefix = f"deepseek-acs-{pulumi.get_stack()}"

network = Network(prefix, NetworkArgs(config=stack.network))
cluster = AcsCluster(
    prefix,
    AcsClusterArgs(config=stack.cluster, vswitch_ids=network.vswitch_ids, network_ready=network.egress_ready),
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
    ModelStoreArgs(config=stack.bucket, model_path=stack.model.path, region=stack.region, principal_prefix=prefix),
)

pulumi.export("cluster_id", cluster.cluster_id)
pulumi.export("api_server_endpoint", cluster.api_server_endpoint)
pulumi.export("kubeconfig", cluster.kubeconfig)
pulumi.export("bucket_name", store.bucket_name)
pulumi.export("model_path", f"oss://{stack.bucket.name}/{stack.model.path}/")
