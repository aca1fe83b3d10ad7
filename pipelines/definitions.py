"""Dagster Definitions, loaded by `dagster dev` (workspace.yaml) and by the `csi` CLI."""

from __future__ import annotations

from dagster import AssetSelection, Definitions, define_asset_job, in_process_executor

from pipelines.defs.assets import (
    deal_mentions,
    market_analytics,
    parsed_documents,
    raw_documents,
    weekly_digest,
)
from pipelines.defs.dbt import dbt_resource, warehouse_models
from pipelines.defs.resources import CsiSettings

ALL_ASSETS = [
    raw_documents,
    parsed_documents,
    deal_mentions,
    warehouse_models,
    market_analytics,
    weekly_digest,
]

refresh_job = define_asset_job(
    "refresh_everything",
    selection=AssetSelection.all(),
    description="Fetch, parse, extract, rebuild the warehouse, analytics and the digest.",
)


def build_definitions(settings: CsiSettings | None = None) -> Definitions:
    return Definitions(
        assets=ALL_ASSETS,
        jobs=[refresh_job],
        resources={"csi": settings or CsiSettings(), "dbt": dbt_resource()},
        # One process, steps in order: every step writes the same DuckDB file.
        executor=in_process_executor,
    )


defs = build_definitions()
