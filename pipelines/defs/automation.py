"""Schedules and sensors: daily ingestion, new SEC filings, and a run-failure alarm."""

from __future__ import annotations

import json

from dagster import (
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunRequest,
    ScheduleDefinition,
    SensorEvaluationContext,
    SkipReason,
    run_failure_sensor,
    sensor,
)

from pipelines.defs.resources import CsiSettings
from pipelines.digest.delivery import SmtpSettings, build_message, send
from pipelines.ingest.http import SEC_MAX_RATE, HttpClient, has_contact_email
from pipelines.ingest.runner import make_client
from pipelines.ingest.sec import recent_filings, submissions_url
from pipelines.ingest.specs import SourcesFile


def daily_refresh_schedule(job) -> ScheduleDefinition:
    return ScheduleDefinition(
        name="daily_ingestion",
        job=job,
        cron_schedule="0 6 * * *",
        execution_timezone="UTC",
        description="Every day at 06:00 UTC: fetch every source, rebuild the warehouse.",
        default_status=DefaultScheduleStatus.STOPPED,
    )


@run_failure_sensor(description="Logs every failed run and emails it when SMTP is configured.")
def report_run_failures(context: RunFailureSensorContext) -> None:
    run = context.dagster_run
    error = context.failure_event.message or "unknown error"
    context.log.error(f"run {run.run_id} of {run.job_name} failed: {error}")
    try:
        settings = SmtpSettings.from_env()
    except ValueError as exc:
        context.log.error(f"cannot email the failure: {exc}")
        return
    if settings is None:
        return
    text = f"Run {run.run_id} of job {run.job_name} failed.\n\n{error}\n"
    try:
        send(settings, build_message(settings, f"[csi] run failed: {run.job_name}", text))
    except OSError as exc:  # smtplib errors are OSErrors
        context.log.error(f"could not email the failure of run {run.run_id}: {exc}")


def new_sec_filings(
    sources: SourcesFile, client: HttpClient, seen: dict[str, str]
) -> tuple[dict[str, list[str]], dict[str, str], list[str]]:
    """Compare each tracked company's newest filings with the cursor.

    ``seen`` maps CIK → newest accession already known. Returns (new accessions per CIK,
    the updated cursor, errors). A company seen for the first time sets its baseline
    without counting as new (history is the daily ingestion's job).
    """
    new: dict[str, list[str]] = {}
    cursor = dict(seen)
    errors: list[str] = []
    if not client.replaying and not has_contact_email(client.user_agent):
        return (
            new,
            cursor,
            ["SEC requires a User-Agent with a contact email; set user_agent in the sources file"],
        )
    for spec in sources.sources:
        if spec.kind != "sec_edgar" or not spec.enabled:
            continue
        for cik in spec.ciks:
            url = submissions_url(spec, cik)
            result = client.fetch(url, rate_per_s=min(spec.rate_limit_per_s, SEC_MAX_RATE))
            if not result.ok:
                errors.append(f"{url}: {result.error or result.status}")
                continue
            try:
                data = json.loads(result.body or b"")
            except ValueError as exc:
                errors.append(f"{url}: invalid JSON: {exc}")
                continue
            accessions = [f["accessionNumber"] for f in recent_filings(spec, data)]
            if not accessions:
                continue
            key = str(cik)
            known = cursor.get(key)
            if known is not None and accessions[0] != known:
                fresh = accessions[: accessions.index(known)] if known in accessions else accessions
                new[key] = fresh
            cursor[key] = accessions[0]
    return new, cursor, errors


@sensor(
    job_name="refresh_everything",
    minimum_interval_seconds=15 * 60,
    default_status=DefaultSensorStatus.STOPPED,
    description="Watches SEC EDGAR for new filings of the tracked companies; launches a run.",
)
def sec_filings_sensor(context: SensorEvaluationContext, csi: CsiSettings):
    sources = csi.load_sources()
    client, _mode = make_client(sources, csi.live)
    try:
        seen = json.loads(context.cursor) if context.cursor else {}
        new, cursor, errors = new_sec_filings(sources, client, seen)
    finally:
        client.close()
    for error in errors:
        context.log.warning(f"EDGAR check failed: {error}")
    context.update_cursor(json.dumps(cursor, sort_keys=True))
    if not new:
        return SkipReason(f"no new filings for {len(cursor)} tracked companies")
    accessions = sorted(a for group in new.values() for a in group)
    return RunRequest(
        run_key="sec-" + "-".join(accessions)[:200],
        tags={"csi/trigger": "sec_edgar", "csi/new_filings": ",".join(accessions)[:250]},
    )
