"""Python assets: documents, extraction, analytics and the digest. Thin wrappers only."""

import base64
from datetime import UTC, date, datetime, timedelta

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    WeeklyPartitionsDefinition,
    asset,
    asset_check,
)

from pipelines.digest.delivery import deliver_pending, pending_deliveries
from pipelines.digest.render import iso_week, write_digest
from pipelines.documents import extract_new_mentions, parse_new_documents
from pipelines.extract.schema import MentionValidationError, validate_mentions
from pipelines.ingest.runner import ingest
from pipelines.warehouse import connect, publish_snapshot

from .resources import CsiSettings, SmtpResource

FCT_DEALS = AssetKey(["marts", "fct_deals"])
WAREHOUSE_POOL = "warehouse"  # one writer at a time: DuckDB allows a single read-write process


def _md_table(df: pd.DataFrame, limit: int = 10) -> MetadataValue:
    if df.empty:
        return MetadataValue.md("_none_")
    return MetadataValue.md(df.head(limit).to_markdown(index=False))


CADENCE = {
    "hourly": timedelta(hours=1),
    "daily": timedelta(days=1),
    "weekly": timedelta(days=7),
    "monthly": timedelta(days=31),
}


@asset(group_name="sources", pool=WAREHOUSE_POOL)
def source_catalog(context: AssetExecutionContext, csi: CsiSettings) -> MaterializeResult:
    """The declared sources (validated sources file) as raw.sources, for freshness checks."""
    sources = csi.load_sources()
    rows = [
        {
            "source": spec.name,
            "kind": spec.kind,
            "genre": spec.document_genre,
            "cadence": spec.cadence,
            "location": spec.location,
            "enabled": spec.enabled,
            "sources_file": str(sources.path),
        }
        for spec in sources.sources
    ]
    frame = pd.DataFrame(rows)
    with connect(csi.warehouse_file) as con:
        con.execute("create schema if not exists raw")
        con.register("catalog", frame)
        con.execute("create or replace table raw.sources as select * from catalog")
    return MaterializeResult(
        metadata={
            "sources_file": MetadataValue.path(str(sources.path)),
            "sources": len(rows),
            "catalog": _md_table(frame[["source", "kind", "cadence", "location"]], 100),
        }
    )


@asset(group_name="documents", deps=[source_catalog], pool=WAREHOUSE_POOL)
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
    for warning in report.warnings:
        context.log.warning(warning)
    return MaterializeResult(
        metadata={
            "parsed": report.processed,
            "failures": len(report.failures),
            "dates_refused": len(report.warnings),
        }
    )


@asset(group_name="extraction", deps=[parsed_documents], pool=WAREHOUSE_POOL)
def deal_mentions(context: AssetExecutionContext, csi: CsiSettings) -> MaterializeResult:
    """Deal mentions (parties, value, type, evidence) extracted from new documents."""
    report, frame = extract_new_mentions(csi.warehouse_file, progress=context.log.info)
    for failure in report.failures:
        context.log.warning(f"extraction failed: {failure}")
    for warning in report.warnings:
        context.log.warning(warning)
    columns = ["buyer", "provider", "deal_type", "value_usd", "value_qualifier", "evidence"]
    return MaterializeResult(
        metadata={
            "documents_processed": report.processed,
            "new_mentions": report.produced,
            "failures": len(report.failures),
            "quarantined_mentions": report.rejected,
            "preview": _md_table(frame[columns] if len(frame) else pd.DataFrame(), 20),
        }
    )


@asset_check(asset=deal_mentions, description="Every stored mention passes the pandera schema.")
def mentions_match_schema(csi: CsiSettings) -> AssetCheckResult:
    with connect(csi.warehouse_file, read_only=True) as con:
        stored = con.execute("select * from raw.deal_mentions").df()
    try:
        validate_mentions(stored)
    except MentionValidationError as exc:
        return AssetCheckResult(
            passed=False, metadata={"rows": len(stored), "failures": MetadataValue.md(str(exc))}
        )
    return AssetCheckResult(passed=True, metadata={"rows": len(stored)})


@asset_check(
    asset=deal_mentions,
    description="No mention was quarantined in raw.rejected_mentions (warns, with the reasons).",
)
def no_quarantined_mentions(csi: CsiSettings) -> AssetCheckResult:
    with connect(csi.warehouse_file, read_only=True) as con:
        rejected = con.execute(
            "select mention_id, reason from raw.rejected_mentions order by rejected_at desc"
        ).df()
    return AssetCheckResult(
        passed=rejected.empty,
        severity=AssetCheckSeverity.WARN,
        metadata={"quarantined": len(rejected), "latest": _md_table(rejected, 20)},
    )


@asset_check(
    asset=raw_documents,
    description="Each source answered within its declared cadence (warns when silent).",
)
def sources_fresh(csi: CsiSettings) -> AssetCheckResult:
    sources = csi.load_sources()
    with connect(csi.warehouse_file, read_only=True) as con:
        last_ok = dict(
            con.execute(
                "select source, max(attempted_at) from raw.fetch_log "
                "where outcome in ('stored', 'duplicate', 'unchanged', 'ok') group by source"
            ).fetchall()
        )
    now = datetime.now(UTC).replace(tzinfo=None)
    rows, stale = [], []
    for spec in sources.sources:
        if not spec.enabled:
            continue
        seen = last_ok.get(spec.name)
        late = seen is None or now - seen > CADENCE[spec.cadence] * 1.5
        rows.append(
            {"source": spec.name, "cadence": spec.cadence, "last_success": str(seen), "stale": late}
        )
        if late:
            stale.append(spec.name)
    return AssetCheckResult(
        passed=not stale,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "stale_sources": ", ".join(stale) or "none",
            "sources": _md_table(pd.DataFrame(rows), 100),
        },
    )


@asset(group_name="warehouse", deps=["market_share", "concentration"], pool=WAREHOUSE_POOL)
def warehouse_snapshot(csi: CsiSettings) -> MaterializeResult:
    """A copy of the warehouse as of the last completed run; readers use it while a run writes."""
    path = publish_snapshot(csi.warehouse_file)
    with connect(csi.warehouse_file, read_only=True) as con:
        # deals first seen in the latest fetch run: what this run added to the marts
        new_deals = con.execute(
            """
            select announced_on, buyer, provider, deal_type, value_usd, value_qualifier,
                   source_count
            from marts.fct_deals
            where first_seen_at >= (
                select min(attempted_at) from raw.fetch_log
                where run_id = (select run_id from raw.fetch_log
                                order by attempted_at desc limit 1))
            order by announced_on desc
            """
        ).df()
        total = con.execute("select count(*) from marts.fct_deals").fetchone()[0]
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(path)),
            "bytes": path.stat().st_size,
            "deals": total,
            "new_deals": len(new_deals),
            "new_deals_preview": _md_table(new_deals, 20),
        }
    )


WEEKS = WeeklyPartitionsDefinition(start_date="2023-01-02", day_offset=1, timezone="UTC")


def week_of_partition(key: str) -> str:
    """Partition key (the Monday, YYYY-MM-DD) → ISO week (YYYY-Www)."""
    return iso_week(date.fromisoformat(key))


@asset(
    group_name="digest",
    partitions_def=WEEKS,
    deps=["market_share", "concentration", FCT_DEALS],
    pool=WAREHOUSE_POOL,
)
def weekly_digest(
    context: AssetExecutionContext, csi: CsiSettings, smtp: SmtpResource
) -> MaterializeResult:
    """The weekly brief (Markdown, HTML, PNG charts) for one ISO week, emailed if configured."""
    week = week_of_partition(context.partition_key)
    paths = write_digest(csi.warehouse_file, week, csi.digest_dir)
    markdown = paths["md"].read_text(encoding="utf-8")
    ctx_charts = {k: v for k, v in paths.items() if k not in ("md", "html")}
    # the UI has no image type: embed the charts in the Markdown as data URIs
    inline = {
        name: "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
        for name, path in ctx_charts.items()
    }
    ui_markdown = markdown
    for name, path in ctx_charts.items():
        ui_markdown = ui_markdown.replace(f"]({path.name})", f"]({inline[name]})")
    delivery = deliver_pending(csi.warehouse_file, csi.digest_dir, week, smtp.settings())
    for line in delivery.log:
        (context.log.warning if "failed" in line else context.log.info)(line)
    return MaterializeResult(
        metadata={
            "week": week,
            "markdown_path": MetadataValue.path(str(paths["md"])),
            "html_path": MetadataValue.path(str(paths["html"])),
            "email": delivery.summary,
            "digest": MetadataValue.md(ui_markdown),
        }
    )


@asset_check(asset=weekly_digest, description="No digest is waiting for a failed email send.")
def digests_delivered(csi: CsiSettings) -> AssetCheckResult:
    pending = pending_deliveries(csi.warehouse_file)
    return AssetCheckResult(
        passed=not pending,
        severity=AssetCheckSeverity.WARN,
        metadata={"pending_weeks": ", ".join(pending) or "none"},
    )
