"""Schedules and sensors: daily ingestion, and a run-failure alarm."""

from __future__ import annotations

from dagster import (
    DefaultScheduleStatus,
    RunFailureSensorContext,
    ScheduleDefinition,
    run_failure_sensor,
)

from pipelines.digest.delivery import SmtpSettings, build_message, send


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
