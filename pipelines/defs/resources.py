"""Run settings shared by every asset: where the warehouse lives, which sources to read."""

from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource
from pydantic import Field

from pipelines.ingest.runner import SHIPPED_SOURCES
from pipelines.ingest.specs import SourcesFile, load_sources
from pipelines.warehouse import PROJECT_ROOT, warehouse_path

DEFAULT_DIGEST_DIR = PROJECT_ROOT / "data" / "digests"


class CsiSettings(ConfigurableResource):
    """Where the warehouse is, which sources file to run, live or replayed."""

    warehouse: str = Field(
        default_factory=lambda: str(warehouse_path()),
        description="DuckDB warehouse file (absolute); default $CSI_WAREHOUSE or "
        "data/warehouse.duckdb",
    )
    sources_file: str = Field(
        default=str(SHIPPED_SOURCES), description="sources YAML; default sources/live.yaml"
    )
    live: bool = Field(
        default=False, description="fetch over the network instead of replaying recordings"
    )
    digest_dir: str = Field(default=str(DEFAULT_DIGEST_DIR), description="digest output folder")
    dbt_full_refresh: bool = Field(
        default=False,
        description="rebuild incremental dbt models from scratch (after a change to their logic)",
    )

    @property
    def warehouse_file(self) -> str:
        return str(Path(self.warehouse).expanduser().resolve())

    def load_sources(self) -> SourcesFile:
        return load_sources(self.sources_file)


class SmtpResource(ConfigurableResource):
    """Email delivery, configured from CSI_SMTP_* environment variables at run time."""

    def settings(self):
        from pipelines.digest.delivery import SmtpSettings

        return SmtpSettings.from_env()
