"""`model`: what is served, where its files sit in the bucket, and how they get there."""

from typing import Literal, Optional

from pydantic import Field

from ..catalog import CATALOG
from ..types import ObjectPrefix
from .base import Section, rule, violations


class ModelImportConfig(Section):
    """Copy a pinned revision from a model hub into the bucket, in a Job that runs before the model volume."""

    enabled: bool = Field(False, description="Run the import Job (creates a write-only credential for the prefix).")
    hub: Literal["modelscope", "huggingface"] = Field("modelscope", description="Where to fetch the model from.")
    repo: Optional[str] = Field(
        None, pattern=r"^[A-Za-z0-9._-]+/[A-Za-z0-9._-]+$",
        description="Repository on the hub, 'owner/name'; defaults to the catalogue's id for the chosen hub.",
    )
    revision: Optional[str] = Field(
        None, pattern=r"^[A-Za-z0-9._-]{1,64}$",
        description="Pinned revision: a full commit id (40 hex digits) or a tag the hub reports (the Job checks), "
        "never a moving branch. Required when enabled.",
    )
    hub_url: Optional[str] = Field(
        None, pattern=r"^https://[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9._~/-]*)?$",
        description="The hub's base URL when not its public one (a mirror of Hugging Face, a private ModelScope).",
    )
    parallel_files: int = Field(4, ge=1, le=16, description="Files copied at once (memory: parallel x part size).")
    part_size_mib: int = Field(64, ge=5, le=1024, description="Multipart upload part size; nothing touches disk.")
    timeout_minutes: Optional[int] = Field(
        None, ge=10, le=2880, description="How long `pulumi up` waits for the import. Unset: derived from the worst-case cold-start estimate (config/estimates.py); a value below it is refused."
    )

    @rule("enabled", "revision")
    def _pinned_revision(self):
        yield from violations(
            (not self.enabled or self.revision is not None, "revision", "required when the import is enabled"),
            (self.revision not in ("main", "master", "HEAD"), "revision",
             f"{self.revision!r} is a moving branch; allowed: a full commit id (40 hex digits) or a tag"),
        )


class ModelConfig(Section):
    """The served model."""

    catalog: Optional[Literal[tuple(CATALOG)]] = Field(  # type: ignore[valid-type]
        None, description=f"A known model ({', '.join(CATALOG)}); gives its hub ids and size."
    )
    path: ObjectPrefix = Field(description="Prefix of the model files in the bucket, e.g. 'models/DeepSeek-R1'.")
    served_name: str = Field(
        "ds", pattern=r"^[A-Za-z0-9._-]{1,64}$", description="Name clients send as `model` (`--served-model-name`)."
    )
    size_bytes: Optional[int] = Field(
        None, gt=0, description="Bytes of the files vLLM reads; overrides the catalogue, required without it."
    )
    import_: ModelImportConfig = Field(
        default_factory=ModelImportConfig, alias="import", description="Optional import of the model into the bucket."
    )
    files: Optional[list[ObjectPrefix]] = Field(
        None,
        min_length=1,
        description="Files under `path` that vLLM reads (what the cache warms); overrides the catalogue, "
        "required without it.",
    )

    @rule("catalog", "size_bytes", "files")
    def _described(self):
        yield from violations(
            (self.catalog is not None or self.size_bytes is not None, "size_bytes",
             "set `catalog` to a known model or give `size_bytes` for another model"),
            (self.catalog is not None or self.files is not None, "files",
             "set `catalog` to a known model or list the `files` vLLM reads for another model"),
        )

    @rule("catalog", "import_.enabled", "import_.repo")
    def _importable(self):
        yield from violations(
            (not self.import_.enabled or self.catalog is not None or self.import_.repo is not None, "import.repo",
             "required to import a model that is not in the catalogue"),
        )

    @property
    def hub_repo(self) -> str:
        if self.import_.repo:
            return self.import_.repo
        entry = CATALOG[self.catalog]
        return entry.modelscope_id if self.import_.hub == "modelscope" else entry.huggingface_id

    @property
    def served_files(self) -> list[str]:
        return list(self.files) if self.files is not None else CATALOG[self.catalog].served_files()

    @property
    def weights_bytes(self) -> int:
        return self.size_bytes if self.size_bytes is not None else CATALOG[self.catalog].size_bytes

    @property
    def mount_path(self) -> str:
        """Where pods see the model: `/models/<last path segment>`."""
        return "/models/" + self.path.rsplit("/", 1)[-1]
