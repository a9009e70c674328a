"""Known models: where to fetch them and how big they are on disk.

The sizes drive the sizing rules (weights per GPU, cache capacity), so a stack that serves another model
sets `model.size_bytes` and `model.files` itself instead of extending this file.
"""

from dataclasses import dataclass


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
    ),
}
