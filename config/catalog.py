"""Known models: where to fetch them and how big they are on disk.

The sizes drive the sizing rules (weights per GPU, cache capacity), so a stack that serves another model
sets `model.size_bytes` and `model.files` itself instead of extending this file.
"""

from dataclasses import dataclass
from datetime import date
from typing import Literal

from .platform import Source

_READ = date(2026, 12, 1)


@dataclass(frozen=True)
class Architecture:
    """What the KV cache holds per token, from the model's config.json."""

    layers: int
    """num_hidden_layers (the MTP draft layer not included)."""
    attention: Literal["mla", "gqa"]
    kv_values: int
    """Values cached per token and layer: MLA's latent (kv_lora_rank + qk_rope_head_dim), held whole by every
    tensor-parallel rank; GQA's keys and values (2 x num_key_value_heads x head_dim), split across ranks."""
    kv_heads: int
    """num_key_value_heads (GQA); 1 for MLA."""
    draft_layers: int
    """num_nextn_predict_layers: the MTP head, one more cached layer when speculative decoding uses it."""
    source: Source

    def kv_values_per_rank(self, tensor_parallel: int) -> int:
        if self.attention == "mla":
            return self.kv_values
        return self.kv_values // min(self.kv_heads, tensor_parallel)


@dataclass(frozen=True)
class CatalogModel:
    """One model as published on its hub."""

    modelscope_id: str
    huggingface_id: str
    size_bytes: int
    """Bytes of the files vLLM reads (safetensors shards, index, config, tokenizer), no `.git` copies."""
    shards: int
    max_context: int
    """Longest context the model supports (`max_position_embeddings`)."""
    source: str
    """Where the size figure comes from."""
    metadata_files: tuple[str, ...]
    """Every file vLLM reads besides the weight shards (config, tokenizer, shard index, remote code)."""
    architecture: Architecture
    shard_name: str = "model-{index:05d}-of-{count:06d}.safetensors"

    def served_files(self) -> list[str]:
        """Exactly the files vLLM reads: never README, figures or a `.git` directory."""
        shards = [self.shard_name.format(index=i, count=self.shards) for i in range(1, self.shards + 1)]
        return [*self.metadata_files, *shards]


CATALOG: dict[str, CatalogModel] = {
    "deepseek-r1": CatalogModel(
        modelscope_id="deepseek-ai/DeepSeek-R1",
        huggingface_id="deepseek-ai/DeepSeek-R1",
        size_bytes=688_586_727_753,
        shards=163,
        max_context=163_840,
        source="FP8 incl. MTP layer, HF revision 56d4cbbb: 688.6 GB = 641.3 GiB in 163 safetensors shards",
        metadata_files=(
            "config.json",
            "configuration_deepseek.py",
            "generation_config.json",
            "model.safetensors.index.json",
            "modeling_deepseek.py",
            "tokenizer.json",
            "tokenizer_config.json",
        ),
        architecture=Architecture(
            layers=61, attention="mla", kv_values=512 + 64, kv_heads=1, draft_layers=1,
            source=Source(
                "https://huggingface.co/deepseek-ai/DeepSeek-R1/blob/56d4cbbb4d29f4355bab4b9a39ccb717a14ad5ad/config.json",
                _READ,
                "\"kv_lora_rank\": 512, \"qk_rope_head_dim\": 64, \"num_hidden_layers\": 61, "
                "\"num_nextn_predict_layers\": 1, \"max_position_embeddings\": 163840 (read from a stored copy of the "
                "model config). vLLM caches kv_lora_rank + qk_rope_head_dim = 576 values per token and layer, on "
                "every TP rank: vllm-0.33.0 wheel, model_executor/layers/attention/mla_attention.py:480 and "
                "v1/kv_cache_interface.py:554-556 (\"TP ranks beyond this hold replicas\")."),
        ),
    ),
    "deepseek-r1-distill-qwen-7b": CatalogModel(
        modelscope_id="deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
        huggingface_id="deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
        size_bytes=15_240_000_000,
        shards=2,
        max_context=131_072,
        source="BF16, 7.62e9 parameters x 2 bytes, rounded up; 2 safetensors shards",
        metadata_files=(
            "config.json",
            "generation_config.json",
            "model.safetensors.index.json",
            "tokenizer.json",
            "tokenizer_config.json",
        ),
        architecture=Architecture(
            layers=28, attention="gqa", kv_values=2 * 4 * 128, kv_heads=4, draft_layers=0,
            source=Source(
                "https://huggingface.co/deepseek-ai/DeepSeek-R1-Distill-Qwen-7B/blob/main/config.json", _READ,
                "A Qwen2 7B (\"based on Qwen2.5-Math-7B\"): \"num_hidden_layers\": 28, \"num_attention_heads\": 28, "
                "\"num_key_value_heads\": 4, \"hidden_size\": 3584 (head_dim 128), as in the stored Qwen2Config of "
                "the family (Qwen/Qwen2-7B-Instruct). Confirm against the imported config.json (docs/first-deploy.md)."),
        ),
    ),
}
