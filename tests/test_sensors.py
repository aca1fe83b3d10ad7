"""The SEC EDGAR sensor against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json

from dagster import RunRequest, SkipReason, build_sensor_context
from werkzeug import Response

from pipelines.defs.automation import sec_filings_sensor
from pipelines.defs.resources import CsiSettings


def submissions(accessions: list[tuple[str, str, str]]) -> dict:
    return {
        "cik": "1769628",
        "name": "CoreWeave, Inc.",
        "filings": {
            "recent": {
                "accessionNumber": [a for a, _, _ in accessions],
                "filingDate": [d for _, d, _ in accessions],
                "form": [f for _, _, f in accessions],
                "primaryDocument": ["doc.htm"] * len(accessions),
            }
        },
    }


def test_sensor_launches_a_run_for_new_filings(httpserver, tmp_path):
    base = httpserver.url_for("").rstrip("/")
    url = "/submissions/CIK0001769628.json"
    old = [
        ("0001769628-25-000101", "2025-09-30", "8-K"),
        ("0001769628-25-000090", "2025-08-14", "10-Q"),
    ]
    newer = [("0001769628-26-000012", "2026-04-09", "8-K"), *old]
    answers = [submissions(old), submissions(newer), submissions(newer)]
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request(url).respond_with_handler(
        lambda _request: Response(json.dumps(answers.pop(0)), content_type="application/json")
    )
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        'user_agent: "csi tests (tests@example.org)"\n'
        "sources:\n"
        f"  - {{name: edgar, kind: sec_edgar, ciks: [1769628], forms: [8-K], data_url: '{base}',"
        f" archives_url: '{base}', rate_limit_per_s: 10}}\n",
        encoding="utf-8",
    )
    csi = CsiSettings(sources_file=str(sources), live=True, warehouse=str(tmp_path / "w.duckdb"))

    first = build_sensor_context(cursor=None, resources={"csi": csi})
    result = sec_filings_sensor(first)
    assert isinstance(result, SkipReason)  # the first look only sets the baseline
    cursor = first.cursor
    assert json.loads(cursor) == {"1769628": "0001769628-25-000101"}  # 10-Q is not tracked

    second = build_sensor_context(cursor=cursor, resources={"csi": csi})
    request = sec_filings_sensor(second)
    assert isinstance(request, RunRequest)
    assert request.tags["csi/new_filings"] == "0001769628-26-000012"
    assert json.loads(second.cursor) == {"1769628": "0001769628-26-000012"}

    third = build_sensor_context(cursor=second.cursor, resources={"csi": csi})
    assert isinstance(sec_filings_sensor(third), SkipReason)  # nothing new since


def test_sensor_refuses_live_sec_without_contact_email(tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        'user_agent: "anonymous bot"\nsources:\n'
        "  - {name: edgar, kind: sec_edgar, ciks: [1769628], data_url: 'http://127.0.0.1:9'}\n",
        encoding="utf-8",
    )
    csi = CsiSettings(sources_file=str(sources), live=True, warehouse=str(tmp_path / "w.duckdb"))
    context = build_sensor_context(cursor=None, resources={"csi": csi})
    assert isinstance(sec_filings_sensor(context), SkipReason)
    assert json.loads(context.cursor) == {}


def test_run_failure_sensor_emails_when_smtp_is_configured(monkeypatch):
    import email
    import socket
    from email import policy

    from aiosmtpd.controller import Controller
    from dagster import (
        DagsterEventType,
        DagsterInstance,
        build_run_status_sensor_context,
        job,
        op,
    )

    from pipelines.defs.automation import report_run_failures

    class Inbox:
        messages: list = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    @op
    def boom():
        raise RuntimeError("the warehouse is on fire")

    @job
    def doomed():
        boom()

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        for key, value in {
            "CSI_SMTP_HOST": "127.0.0.1",
            "CSI_SMTP_PORT": str(port),
            "CSI_SMTP_STARTTLS": "false",
            "CSI_SMTP_TO": "ops@example.org",
        }.items():
            monkeypatch.setenv(key, value)
        instance = DagsterInstance.ephemeral()
        result = doomed.execute_in_process(instance=instance, raise_on_error=False)
        assert not result.success
        run_id = result.dagster_run.run_id
        failure = instance.all_logs(run_id, of_type=DagsterEventType.RUN_FAILURE)[0].dagster_event
        context = build_run_status_sensor_context(
            sensor_name="report_run_failures",
            dagster_instance=instance,
            dagster_run=result.dagster_run,
            dagster_event=failure,
        ).for_run_failure()
        report_run_failures(context)
    finally:
        controller.stop()
    assert [m["Subject"] for m in inbox.messages] == ["[csi] run failed: doomed"]
    assert result.dagster_run.run_id in inbox.messages[0].get_content()
