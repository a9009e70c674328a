"""Default rates of the cold-start estimate: image sizes and pull rates, cache warm-up, weight reads, engine start,
model-hub downloads. Each is a range `(best, expected, worst)` read from a public source; `config/schema/rates.py`
makes every one of them a stack-overridable config value. Where a source gives one figure, the range repeats it.
"""

from datetime import date

from . import Fact, Source

_READ = date(2026, 12, 1)
_GUIDE = ("https://www.alibabacloud.com/help/en/cs/user-guide/using-acs-gpu-computing-power-to-build-a-distributed-"
          "deepseek-full-blood-version-reasoning-service")

IMAGE_SIZES_GIB = {
    "vllm:v0.7.2": Fact(9.5, Source(
        _GUIDE, _READ,
        "Last updated Jan 26, 2026: \"registry-cn-hangzhou.ack.aliyuncs.com/ack-demo/vllm:v0.7.2 used in this topic "
        "occupies about 9.5 GiB\" (the size on disk: an upper bound of the bytes a pull transfers).")),
}
"""Image sizes by `<name>:<tag>` (the last path component, so a mirror keeps the entry). No public source gives the
compressed size of vllm/vllm-openai:v0.30.0 or lmsysorg/sglang:v0.5.20: for those the stack sets
`rates.image_gib` (a config error says so)."""

PULL_MBPS = Fact(
    (37.2, 37.2, 7.7),
    Source("https://www.alibabacloud.com/help/doc-detail/2835665.html", _READ,
           "Last updated Mar 26, 2026: \"pulling a NodeBB image (1.34 GB) from Docker Hub: Pull time ... Traditional "
           "36 seconds\" (1.34 GB / 36 s = 37.2 MB/s, best and expected); https://www.alibabacloud.com/help/doc-detail/"
           "365643.htm (Nov 05, 2024): \"a Docker image for Apache Flink of about 386.26 MB, 50 seconds is required to "
           "pull the image from Docker Hub\" (7.7 MB/s, worst). No figure for pulls from Container Registry over the "
           "VPC was found."),
)
"""MB/s (10^6 bytes) of an image pull without an image cache."""

IMAGE_CACHE_FRACTION = Fact(
    (0.10, 0.11, 1.0),
    Source("https://www.alibabacloud.com/help/doc-detail/365643.htm", _READ,
           "\"If you create the pod by using an image cache, only 5 seconds is required to pull the image\" (50 s -> "
           "5 s: 0.10, best); DADI (doc-detail/2835665): \"Pull time ... Traditional 36 seconds ... DADI-accelerated 4 "
           "seconds\" (0.11, expected). Worst 1.0: the annotation only matches an existing cache of exactly the same "
           "image name (help.aliyun.com/zh/cs/user-guide/use-imagecache-to-accelerate-acs-pod-startup), so a miss "
           "pulls the whole image."),
)
"""Share of the uncached pull time a pull takes where the pod asks ACS for an image cache."""

WARMUP_MBPS_PER_WORKER = Fact(
    (86.9, 86.9, 71.6),
    Source(_GUIDE, _READ,
           "16 JindoRuntime workers (16 vCPU, 128Gi, MEM quota 128Gi): DataLoad \"Duration ... 16m29s\" for \"1.25TiB\" "
           "(1.374e12 B / 989 s / 16 = 86.9 MB/s per worker, best and expected); \"Wait for about 20 minutes\" (1.374e12 "
           "B / 1200 s / 16 = 71.6 MB/s per worker, worst)."),
)
"""MB/s each Fluid cache worker loads from OSS during the warm-up (DataLoad)."""

OSS_ACCOUNT_GBITPS = Fact(
    (100.0, 100.0, 20.0),
    Source("https://www.alibabacloud.com/help/en/oss/user-guide/limits", _READ,
           "Last updated Dec 31, 2025: \"China (Hangzhou) 100 Gbps\" total download bandwidth (internal and public) per "
           "account (best, expected); earlier versions (https://www.alibabacloud.com/help/doc-detail/283216.htm): "
           "\"China (Hangzhou) ... the total download bandwidth over private and public networks are 20 Gbit/s\" "
           "(worst: an account still on the old default). Other regions: override `rates.oss_account_gbitps`."),
)
"""Gbit/s one account may read from OSS in the region, shared by every pod reading at once."""

OSS_READ_MBPS = Fact(
    (118.0, 82.5, 40.0),
    Source("https://www.alibabacloud.com/help/en/ack/ack-managed-and-ack-dedicated/user-guide/ossfs2-0-client-stress-"
           "test-performance", _READ,
           "May 08, 2025: \"ossfs 1.0 118 MB/s\" single-thread sequential (best; the read table is cut in every stored "
           "copy); github.com/sgl-project/sglang/issues/3254: \"163/163 [1:09:28<00:00, 26.68s/it]\" from shared storage "
           "(344 GB per pod of a 2-pod group / 4168 s = 82.5 MB/s, expected); github.com/aliyun/ossfs/issues/56: "
           "\"上传性能平均40MB/s左右\" (ossfs 1.x, 4-core ECS, internal endpoint; worst)."),
)
"""MB/s one pod reads the weights through the OSS CSI volume (ossfs)."""

CACHE_READ_MBPS = Fact(
    (6500.0, 4500.0, 82.5),
    Source("https://github.com/vllm-project/vllm/issues/13074", _READ,
           "DeepSeek-R1, 2 pods TP8 x PP2: \"Loading safetensors checkpoint shards: 79% Completed | 129/163 [00:42<00:10, "
           "3.30it/s]\" (all 163 in ~53 s: 344 GB per pod / 53 s = 6.5 GB/s, best); github.com/sgl-project/sglang/"
           "issues/4417: weights \"06:55:25\" -> \"Load weight end\" \"06:56:42\" on 2 x 8 H100 (344 GB / 77 s = 4.5 GB/s, "
           "expected); sglang issue 3254 (1:09:28 for 163 shards from slow shared storage: 82.5 MB/s, worst)."),
)
"""MB/s one pod reads the weights from the Fluid memory cache."""

ENGINE_INIT_SECONDS = Fact(
    (34.0, 160.0, 480.0),
    Source("https://github.com/vllm-project/vllm/issues/20264", _READ,
           "\"init engine (profile, create kv cache, warmup model) took 34.11 seconds\" (best); github.com/vllm-project/"
           "vllm/issues/26511: torch.compile \"Cold Start (s)\" 160.29 on torch 2.9 (expected); github.com/vllm-project/"
           "vllm/issues/43189 (H20, TP8): \"the time from process start to \\\"service ready\\\" is approximately 8 "
           "minutes\" (worst)."),
)
"""Seconds from the weights being in GPU memory to the engine answering, without CUDA-graph capture."""

GRAPH_CAPTURE_SECONDS = Fact(
    (17.0, 17.0, 1800.0),
    Source("https://github.com/vllm-project/vllm/issues/20264", _READ,
           "\"Graph capturing finished in 17 secs\" (best, expected); github.com/sgl-project/sglang/issues/6017 on 2 x 8 "
           "H20: \"Capture cuda graph begin. This can take up to several minutes.\" at 10:34:41, \"Scheduler hit an "
           "exception\" at 11:04:41 (30 min, worst)."),
)
"""Seconds of CUDA-graph capture, where the engine runs with CUDA graphs."""

HUB_MBPS = Fact(
    (600.0, 40.0, 10.0),
    Source("https://github.com/hiyouga/LlamaFactory/issues/6750", _READ,
           "\"现有的下载速度在40m/s左右 ... kaggle上能达到600m/s\" (expected 40, best 600 MB/s with hf_transfer); "
           "github.com/StephanAkkerman/mnemorai/issues/228: \"All models download with a speed of 10 MB/s from HF\" "
           "(worst). No ModelScope figure is published (github.com/modelscope/modelscope/pull/1315 adds an intra-cloud "
           "acceleration flag, no rate)."),
)
"""MB/s the import Job copies from the model hub into the bucket."""
