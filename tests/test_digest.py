"""The weekly digest: escaping, charts, partitions, and email through a real SMTP server."""

from __future__ import annotations

import email
import shutil
import socket
from datetime import date
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from pipelines.digest.delivery import SmtpSettings, deliver_pending, pending_deliveries
from pipelines.digest.render import DigestContext, parse_week, render_html, render_markdown


def test_scraped_text_is_escaped_in_html():
    evil = "<script>alert('x')</script>"
    ctx = DigestContext(
        week="2025-W40",
        start=date(2025, 9, 29),
        end=date(2025, 10, 5),
        deals=[
            {
                "announced_on": date(2025, 9, 30),
                "buyer": f"Meta {evil}",
                "provider": "CoreWeave",
                "deal_type": "capacity_contract",
                "expands": "",
                "value_text": "up to $14.2B",
                "capacity": "—",
                "sources": [
                    {"source": evil, "url": "javascript:alert(1)"},
                    {"source": "dcd", "url": "https://example.com/a?b=1&c=2"},
                ],
            }
        ],
        headline=f"{evil} headline",
        shares_all=[],
        shares_ttm=[],
        ttm_label=None,
        concentration=[],
        hhi_move="",
        changes=[evil],
        quality={
            "documents": 1,
            "documents_this_week": 1,
            "mentions": 1,
            "unresolved": 0,
            "failing_sources": 0,
            "failures": [{"source": "s", "url": "u", "error": evil}],
        },
        charts={},
    )
    html = render_html(ctx)
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert 'href="#"' in html  # javascript: links are neutralised
    assert "https://example.com/a?b=1&amp;c=2" in html
    assert "javascript:" not in render_markdown(ctx)


def test_parse_week_rejects_nonsense():
    assert parse_week("2025-W40") == (date(2025, 9, 29), date(2025, 10, 5))
    with pytest.raises(ValueError, match="ISO week"):
        parse_week("September")


def test_recorded_digest_has_charts_and_content(recorded_run):
    _, digests, _ = recorded_run
    folder = Path(digests)
    md = (folder / "2026-W15.md").read_text(encoding="utf-8")
    html = (folder / "2026-W15.html").read_text(encoding="utf-8")
    assert (folder / "2026-W15-market-share.png").read_bytes()[:4] == b"\x89PNG"
    assert (folder / "2026-W15-concentration.png").exists()
    assert "![Provider share](2026-W15-market-share.png)" in md
    assert html.count("data:image/png;base64,") == 2  # self-contained
    assert "Meta" in md and "CoreWeave" in md and "expands the 30 Sep 2025 deal" in md
    assert "## What changed since last week" in md


def test_a_past_week_shows_what_was_known_that_week(recorded_run):
    """A backfilled digest leaves out deals announced after its week: shares, groups and
    dependency come from the deals known by its Sunday, and it says how many were left out."""
    import duckdb

    from pipelines.digest.render import build_context

    warehouse = recorded_run[0]
    ctx = build_context(warehouse, "2025-W40")
    with duckdb.connect(warehouse, read_only=True) as con:
        known, later = con.execute(
            "select list(distinct provider) filter (where announced_on <= date '2025-10-05' "
            "and deal_type in ('capacity_contract', 'expansion') and value_usd is not null), "
            "count(*) filter (where announced_on > date '2025-10-05') from marts.fct_deals"
        ).fetchone()
    assert later > 0 and ctx.later_deals == later
    assert {s["provider"] for s in ctx.shares_all} <= set(known)
    assert sum(s["share"] for s in ctx.shares_all) == pytest.approx(1.0)
    assert all(q["period"] <= "2025-Q4" for q in ctx.concentration)
    assert ctx.span_all == "to 05 Oct 2025"
    md = render_markdown(ctx)
    assert (
        f"_Figures as of 05 Oct 2025: {later} deals announced after this week are left out._" in md
    )
    assert "| Provider | To 05 Oct 2025 | 90% interval | Deals |" in md
    assert "(to 05 Oct 2025, by contracted value)" in md
    # the latest week has nothing after it: the stored tables, "all time"
    latest = build_context(warehouse, "2026-W15")
    assert latest.later_deals == 0 and latest.span_all == "all time"
    assert "| Provider | All time | 90% interval | Deals |" in render_markdown(latest)


class _Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_email_delivery_and_retry(recorded_run, tmp_path):
    warehouse, digests, _ = recorded_run
    wh = str(tmp_path / "wh.duckdb")
    shutil.copyfile(warehouse, wh)  # deliveries are recorded in the warehouse: use a copy
    port = _free_port()
    settings = SmtpSettings(
        host="127.0.0.1",
        port=port,
        starttls=False,
        sender="csi@example.org",
        recipients=("reader@example.org",),
    )

    # 1. no server: the send fails, is reported, and the week waits for a retry
    report = deliver_pending(wh, digests, "2026-W15", settings)
    assert "failed: 2026-W15" in report.summary
    assert pending_deliveries(wh) == ["2026-W15"]
    assert (Path(digests) / "2026-W15.html").exists()  # files kept either way

    # 2. the server is back: the next run sends its own week and retries the failed one
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        (Path(digests) / "2026-W14.md").write_text("# week 14\n", encoding="utf-8")
        (Path(digests) / "2026-W14.html").write_text("<p>week 14</p>", encoding="utf-8")
        report = deliver_pending(wh, digests, "2026-W14", settings)
    finally:
        controller.stop()
    assert report.summary == "sent: 2026-W15, 2026-W14; failed: none"
    assert pending_deliveries(wh) == []
    subjects = [m["Subject"] for m in inbox.messages]
    assert subjects == [
        "Compute Supply Intelligence — 2026-W15",
        "Compute Supply Intelligence — 2026-W14",
    ]
    message = inbox.messages[0]
    assert message["To"] == "reader@example.org"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "# Compute Supply Intelligence — week 2026-W15" in text
    assert "<html" in html and "CoreWeave" in html
    charts = [p.get_filename() for p in message.iter_attachments()]
    assert charts == ["2026-W15-concentration.png", "2026-W15-market-share.png"]

    # 3. a week is emailed once: a daily run does not send it again (no server is needed)
    again = deliver_pending(wh, digests, "2026-W15", settings)
    assert again.summary.startswith("digest 2026-W15: already emailed on ")
    # 4. a week still under way is written but not emailed
    partial = deliver_pending(wh, digests, "2026-W48", settings, today=date(2026, 11, 25))
    assert partial.summary == "digest 2026-W48: not emailed yet: the week ends on Sun 29 Nov"
    assert pending_deliveries(wh) == [] and len(inbox.messages) == 2


def test_smtp_settings_from_env():
    assert SmtpSettings.from_env({}) is None
    s = SmtpSettings.from_env(
        {
            "CSI_SMTP_HOST": "mail.example.org",
            "CSI_SMTP_PORT": "2525",
            "CSI_SMTP_STARTTLS": "false",
            "CSI_SMTP_TO": "a@x.org, b@x.org",
        }
    )
    assert (s.port, s.starttls, s.recipients) == (2525, False, ("a@x.org", "b@x.org"))
    with pytest.raises(ValueError, match="CSI_SMTP_TO"):
        SmtpSettings.from_env({"CSI_SMTP_HOST": "mail.example.org"})
