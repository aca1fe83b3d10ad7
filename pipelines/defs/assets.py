"""Python assets: documents, extraction, analytics and the digest. Thin wrappers only."""

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    asset,
    multi_asset,
)

from pipelines.analytics.concentration import compute_all
from pipelines.digest.render import latest_week, write_digest
from pipelines.documents import extract_new_mentions, parse_new_documents
from pipelines.ingest.runner import ingest
from pipelines.warehouse import connect

from .resources import CsiSettings

FCT_DEALS = AssetKey(["marts", "fct_deals"])
WAREHOUSE_POOL = "warehouse"  # one writer at a time: DuckDB allows a single read-write process


def _md_table(df: pd.DataFrame, limit: int = 10) -> MetadataValue:
    if df.empty:
        return MetadataValue.md("_none_")
    return MetadataValue.md(df.head(limit).to_markdown(index=False))


@asset(group_name="documents", pool=WAREHOUSE_POOL)
def raw_documents(context: AssetExecutionContext, csi: CsiSettings) -> MaterializeResult:
    """Documents fetched from every declared source (replayed or live), stored once by content."""
    sources = csi.load_sources()
    report = ingest(sources, csi.warehouse_file, live=csi.live, progress=context.log.info)
    per_source = pd.DataFrame(
        [
            {
                "source": o.source,
                "new": o.new_documents,
                "known": o.existing_documents,
                "failed": o.failed_fetches,
                "first error": (o.errors or [""])[0][:120],
            }
            for o in report.outcomes
        ]
    )
    for o in report.outcomes:
        for err in o.errors or []:
            context.log.warning(f"{o.source}: {err}")
    with connect(csi.warehouse_file) as con:
        total = con.execute("select count(*) from raw.documents").fetchone()[0]
    return MaterializeResult(
        metadata={
            "mode": report.mode,
            "new_documents": report.new_documents,
            "existing_documents": report.existing_documents,
            "failed_fetches": report.failed_fetches,
            "total_documents": total,
            "per_source": _md_table(per_source, 50),
        }
    )


@asset(group_name="documents", deps=[raw_documents], pool=WAREHOUSE_POOL)
def parsed_documents(context: AssetExecutionContext, csi: CsiSettings) -> MaterializeResult:
    """Main text, title and publication date of each new document."""
    report = parse_new_documents(csi.warehouse_file, progress=context.log.info)
    for failure in report.failures:
        context.log.warning(f"parse failed: {failure}")
    return MaterializeResult(
        metadata={"parsed": report.processed, "failures": len(report.failures)}
    )


@asset(
    group_name="extraction",
    deps=[parsed_documents],
    pool=WAREHOUSE_POOL,
    check_specs=[AssetCheckSpec("mentions_schema_valid", asset="deal_mentions")],
)
def deal_mentions(context: AssetExecutionContext, csi: CsiSettings):
    """Deal mentions (parties, value, type, evidence) extracted from new documents."""
    report, frame = extract_new_mentions(csi.warehouse_file, progress=context.log.info)
    for failure in report.failures:
        context.log.warning(f"extraction failed: {failure}")
    preview = (
        frame[["buyer", "provider", "deal_type", "value_usd", "value_qualifier"]]
        if len(frame)
        else pd.DataFrame()
    )
    yield MaterializeResult(
        metadata={
            "documents_processed": report.processed,
            "new_mentions": report.produced,
            "failures": len(report.failures),
            "preview": _md_table(preview, 20),
        }
    )
    # validate_mentions raised before anything was written if the schema failed; reaching
    # here means the new rows passed the pandera schema.
    yield AssetCheckResult(
        check_name="mentions_schema_valid",
        passed=not report.failures,
        severity=AssetCheckSeverity.WARN,
        metadata={"rows_validated": len(frame), "documents_failed": len(report.failures)},
    )


@multi_asset(
    specs=[
        AssetSpec(
            "market_share",
            group_name="analytics",
            deps=[FCT_DEALS],
            description="Providers' share of contracted value, MW and GPUs per period, "
            "with 90% bootstrap intervals (analytics.market_share).",
        ),
        AssetSpec(
            "concentration",
            group_name="analytics",
            deps=[FCT_DEALS],
            description="HHI, CR4 and merger-guideline band per period and metric "
            "(analytics.concentration).",
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def market_analytics(context: AssetExecutionContext, csi: CsiSettings):
    """Market share and concentration of providers."""
    with connect(csi.warehouse_file) as con:
        deals = con.execute("select * from marts.fct_deals").df()
    shares, conc = compute_all(deals)
    with connect(csi.warehouse_file) as con:
        con.execute("create schema if not exists analytics")
        con.register("shares_df", shares)
        con.register("conc_df", conc)
        con.execute("create or replace table analytics.market_share as select * from shares_df")
        con.execute("create or replace table analytics.concentration as select * from conc_df")
    all_time = shares[(shares.period == "all") & (shares.metric == "value_usd")]
    all_time = all_time.sort_values("share", ascending=False)
    yield MaterializeResult(
        asset_key="market_share",
        metadata={
            "rows": len(shares),
            "all_time_value_share": _md_table(
                all_time[["market", "provider", "amount", "share", "deals"]], 15
            ),
        },
    )
    headline = conc[(conc.period == "all") & (conc.metric == "value_usd")]
    yield MaterializeResult(
        asset_key="concentration",
        metadata={
            "rows": len(conc),
            "all_time": _md_table(headline[["market", "hhi", "cr4", "n_providers", "band"]]),
        },
    )


@asset(group_name="digest", deps=["market_share", "concentration", FCT_DEALS])
def weekly_digest(context: AssetExecutionContext, csi: CsiSettings) -> MaterializeResult:
    """The weekly brief (Markdown + HTML) for one ISO week."""
    week = csi.digest_week or latest_week(csi.warehouse_file)
    paths = write_digest(csi.warehouse_file, week, csi.digest_dir)
    markdown = paths["md"].read_text(encoding="utf-8")
    return MaterializeResult(
        metadata={
            "week": week,
            "markdown_path": MetadataValue.path(str(paths["md"])),
            "html_path": MetadataValue.path(str(paths["html"])),
            "digest": MetadataValue.md(markdown),
        }
    )
