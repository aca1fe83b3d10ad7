"""Email delivery over SMTP (standard library smtplib), configured from the environment.

Variables: CSI_SMTP_HOST (required to send), CSI_SMTP_PORT (default 587), CSI_SMTP_STARTTLS
(default true), CSI_SMTP_USER, CSI_SMTP_PASSWORD, CSI_SMTP_FROM, CSI_SMTP_TO (comma-separated).
Without CSI_SMTP_HOST nothing is sent and callers just write files.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from pathlib import Path


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    starttls: bool = True
    user: str | None = None
    password: str | None = None
    sender: str = "csi@localhost"
    recipients: tuple[str, ...] = field(default_factory=tuple)
    timeout: float = 30.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> SmtpSettings | None:
        env = dict(os.environ if env is None else env)
        host = env.get("CSI_SMTP_HOST", "").strip()
        if not host:
            return None
        recipients = tuple(r.strip() for r in env.get("CSI_SMTP_TO", "").split(",") if r.strip())
        if not recipients:
            raise ValueError("CSI_SMTP_HOST is set but CSI_SMTP_TO names no recipient")
        try:
            port = int(env.get("CSI_SMTP_PORT", "587"))
        except ValueError:
            raise ValueError(f"CSI_SMTP_PORT={env['CSI_SMTP_PORT']!r} is not a port") from None
        return cls(
            host=host,
            port=port,
            starttls=env.get("CSI_SMTP_STARTTLS", "true").lower() not in ("0", "false", "no"),
            user=env.get("CSI_SMTP_USER") or None,
            password=env.get("CSI_SMTP_PASSWORD") or None,
            sender=env.get("CSI_SMTP_FROM") or "csi@localhost",
            recipients=recipients,
        )


def build_message(
    settings: SmtpSettings,
    subject: str,
    text: str,
    html: str | None = None,
    attachments: list[Path] | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = settings.sender
    msg["To"] = ", ".join(settings.recipients)
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for path in attachments or []:
        data = Path(path).read_bytes()
        maintype, subtype = (
            ("image", "png") if path.suffix == ".png" else ("application", "octet-stream")
        )
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=Path(path).name)
    return msg


def send(settings: SmtpSettings, msg: EmailMessage) -> None:
    """Send one message; raises smtplib/OSError on failure (callers report and retry)."""
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
        smtp.ehlo()
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        smtp.send_message(msg)


# -- delivery bookkeeping: failed sends are retried on the next run -----------------------------
DELIVERIES_DDL = """
create table if not exists raw.digest_deliveries (
    week varchar not null,
    attempted_at timestamp not null,
    status varchar not null,      -- sent | failed
    recipients varchar,
    error varchar
)
"""


@dataclass
class DeliveryReport:
    summary: str
    log: list[str] = field(default_factory=list)


def _pending(con) -> list[str]:
    con.execute(DELIVERIES_DDL)
    rows = con.execute(
        "select week from raw.digest_deliveries group by week "
        "having arg_max(status, attempted_at) = 'failed' order by week"
    ).fetchall()
    return [r[0] for r in rows]


def pending_deliveries(warehouse: str) -> list[str]:
    """Weeks whose latest send attempt failed (retried by the next digest run)."""
    from pipelines.warehouse import connect

    with connect(warehouse) as con:
        return _pending(con)


def _digest_message(settings: SmtpSettings, digest_dir: Path, week: str) -> EmailMessage:
    md = digest_dir / f"{week}.md"
    html = digest_dir / f"{week}.html"
    charts = sorted(digest_dir.glob(f"{week}-*.png"))
    return build_message(
        settings,
        f"Compute Supply Intelligence — {week}",
        md.read_text(encoding="utf-8"),
        html.read_text(encoding="utf-8"),
        charts,
    )


def deliver_pending(
    warehouse: str,
    digest_dir: str | Path,
    week: str,
    settings: SmtpSettings | None,
    today: date | None = None,
) -> DeliveryReport:
    """Email ``week``'s digest once, after the week has ended, and retry earlier failed
    sends. A digest of a week still under way is written but not emailed (a daily run would
    otherwise send a partial week every day); one already emailed is not sent again.
    Files are never removed."""
    from datetime import UTC, datetime

    from pipelines.digest.render import parse_week
    from pipelines.warehouse import connect

    if settings is None:
        return DeliveryReport("not sent: SMTP is not configured (CSI_SMTP_HOST unset)")
    digest_dir = Path(digest_dir)
    today = today or datetime.now(UTC).date()
    with connect(warehouse) as con:
        weeks = [w for w in _pending(con) if w != week]
        sent_at = con.execute(  # when this week's digest was last emailed, or None
            "select max(attempted_at) from raw.digest_deliveries "
            "where week = ? and status = 'sent'",
            [week],
        ).fetchone()[0]
    rows, report = [], DeliveryReport("")
    sunday = parse_week(week)[1]
    if today <= sunday:
        report.log.append(f"digest {week}: not emailed yet: the week ends on {sunday:%a %d %b}")
    elif sent_at is not None:
        report.log.append(f"digest {week}: already emailed on {sent_at:%Y-%m-%d %H:%M} UTC")
    else:
        weeks.append(week)
    for w in weeks:
        now = datetime.now(UTC).replace(tzinfo=None)
        try:
            send(settings, _digest_message(settings, digest_dir, w))
        except (OSError, smtplib.SMTPException) as exc:
            rows.append((w, now, "failed", ", ".join(settings.recipients), str(exc)))
            report.log.append(f"digest {w}: email failed ({exc}); will retry next run")
        else:
            rows.append((w, now, "sent", ", ".join(settings.recipients), None))
            report.log.append(f"digest {w}: emailed to {', '.join(settings.recipients)}")
    if rows:
        with connect(warehouse) as con:
            con.execute(DELIVERIES_DDL)
            con.executemany("insert into raw.digest_deliveries values (?, ?, ?, ?, ?)", rows)
    sent = [r[0] for r in rows if r[2] == "sent"]
    failed = [r[0] for r in rows if r[2] == "failed"]
    report.summary = f"sent: {', '.join(sent) or 'none'}; failed: {', '.join(failed) or 'none'}"
    if not rows:  # say why nothing went out
        report.summary = "; ".join(report.log)
    return report
