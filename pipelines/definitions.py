"""Dagster Definitions, loaded by `dagster dev` (workspace.yaml) and by the `csi` CLI."""

from __future__ import annotations

from datetime import timedelta

from dagster import (
    AssetSelection,
    Definitions,
    build_schedule_from_partitioned_job,
    define_asset_job,
    in_process_executor,
)

from pipelines.defs.analytics_assets import market_analytics
from pipelines.defs.assets import (
    WEEKS,  # weekly jobs infer their partitions from weekly_digest
    deal_mentions,
    digests_delivered,
    mentions_match_schema,
    no_quarantined_mentions,
    parsed_documents,
    raw_documents,
    source_catalog,
    sources_fresh,
    warehouse_snapshot,
    weekly_digest,
)
from pipelines.defs.automation import (
    daily_refresh_schedule,
    report_run_failures,
    sec_filings_sensor,
)
from pipelines.defs.dbt import dbt_resource, warehouse_models
from pipelines.defs.resources import CsiSettings, SmtpResource
from pipelines.warehouse import connect

ALL_ASSETS = [
    source_catalog,
    raw_documents,
    parsed_documents,
    deal_mentions,
    warehouse_models,
    market_analytics,
    warehouse_snapshot,
    weekly_digest,
]
ALL_CHECKS = [mentions_match_schema, no_quarantined_mentions, sources_fresh, digests_delivered]

DIGEST = AssetSelection.assets(weekly_digest)
refresh_job = define_asset_job(
    "refresh_everything",
    selection=AssetSelection.all() - DIGEST,
    description="Fetch, parse, extract, rebuild the warehouse and analytics (no digest).",
)
weekly_job = define_asset_job(
    "weekly_refresh_and_digest",
    selection=AssetSelection.all(),
    description="Everything, then the digest of one ISO week (the partition).",
)
digest_job = define_asset_job(
    "weekly_digest_only",
    selection=DIGEST,
    description="Write (and email) the digest of one week from the current warehouse.",
)
weekly_schedule = build_schedule_from_partitioned_job(
    weekly_job,
    name="weekly_digest_monday",
    hour_of_day=7,
    minute_of_hour=0,
    description="Mondays 07:00 UTC: ingest, rebuild and write the digest for the week just ended.",
)


def resources(settings: CsiSettings | None = None) -> dict:
    return {"csi": settings or CsiSettings(), "dbt": dbt_resource(), "smtp": SmtpResource()}


def build_definitions(settings: CsiSettings | None = None, loggers: dict | None = None):
    return Definitions(
        assets=ALL_ASSETS,
        asset_checks=ALL_CHECKS,
        jobs=[refresh_job, weekly_job, digest_job],
        schedules=[daily_refresh_schedule(refresh_job), weekly_schedule],
        sensors=[report_run_failures, sec_filings_sensor],
        resources=resources(settings),
        loggers=loggers,
        # One process, steps in order: every step writes the same DuckDB file.
        executor=in_process_executor,
    )


def digest_partition(warehouse: str) -> str:
    """The week to write after a run: the latest week with a deal, if that week has ended;
    else the last complete week."""
    with connect(warehouse, read_only=True) as con:
        latest = con.execute("select max(announced_on) from marts.fct_deals").fetchone()[0]
    keys = WEEKS.get_partition_keys()
    if latest is None:
        return keys[-1]
    monday = (latest - timedelta(days=latest.weekday())).isoformat()
    return monday if monday in keys else keys[-1]


def run_everything(settings: CsiSettings, *, instance=None, run_config=None, loggers=None):
    """Materialize every asset: the refresh job, then the digest of the latest week.

    Returns (refresh result, digest result or None if the refresh failed, partition key).
    """
    defs = build_definitions(settings, loggers)
    first = defs.resolve_job_def("refresh_everything").execute_in_process(
        instance=instance, raise_on_error=False, run_config=run_config
    )
    if not first.success:
        return first, None, None
    key = digest_partition(settings.warehouse_file)
    second = defs.resolve_job_def("weekly_digest_only").execute_in_process(
        instance=instance, raise_on_error=False, run_config=run_config, partition_key=key
    )
    return first, second, key


defs = build_definitions()
