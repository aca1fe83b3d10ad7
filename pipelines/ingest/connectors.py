"""One connector per source kind. A connector fetches; it never parses deals or writes SQL.

Each connector returns a ``SourceHarvest``: the documents it got and one log entry per
HTTP attempt (or file read), failures included.
"""

from __future__ import annotations

import glob
import mimetypes
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urljoin

import feedparser
from bs4 import BeautifulSoup

from pipelines.ingest.http import FetchResult, HttpClient
from pipelines.ingest.specs import HtmlIndexSpec, LocalSpec, RssSpec, SourcesFile


@dataclass
class FetchedDocument:
    url: str
    body: bytes
    final_url: str | None = None
    http_status: int | None = None
    content_type: str | None = None
    feed_title: str | None = None
    feed_published_at: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class LogEntry:
    url: str
    attempt: int
    attempted_at: datetime
    http_status: int | None
    outcome: str  # ok | unchanged | http_error | error | skipped
    error: str | None = None
    elapsed_ms: float | None = None
    bytes: int | None = None


@dataclass(frozen=True)
class XbrlFact:
    """One tidy row of SEC company facts (raw.xbrl_facts); ``url`` is the companyfacts
    document it came from."""

    url: str
    cik: int
    company: str | None
    taxonomy: str
    concept: str
    unit: str
    fiscal_year: int | None  # SEC's 'fy': the fiscal year of the filing, not of the period
    fiscal_period: str | None  # 'FY', 'Q1'..'Q4' (of the filing)
    period_start: date | None  # None for instant facts
    period_end: date
    value: float
    form: str | None
    filed: date | None
    accession: str
    frame: str | None  # e.g. 'CY2024': SEC's calendar alignment, on one fact per period

    @property
    def fact_id(self) -> str:
        start = self.period_start.isoformat() if self.period_start else ""
        return (
            f"{self.cik}|{self.taxonomy}:{self.concept}|{self.unit}|{start}|"
            f"{self.period_end.isoformat()}|{self.form or ''}|{self.accession}"
        )


@dataclass
class SourceHarvest:
    documents: list[FetchedDocument] = field(default_factory=list)
    log: list[LogEntry] = field(default_factory=list)
    fatal: str | None = None  # the source as a whole failed (e.g. its feed would not parse)
    facts: list[XbrlFact] = field(default_factory=list)  # xbrl_facts sources only

    def record(self, result: FetchResult) -> None:
        """Turn a fetch result's attempts into log entries."""
        if not result.attempts:  # refused before any request (robots.txt)
            self.log.append(
                LogEntry(result.url, 0, utcnow(), None, "skipped", result.error, 0.0, None)
            )
            return
        for att in result.attempts:
            last = att is result.attempts[-1]
            if att.error is None:
                outcome = "unchanged" if att.status == 304 else "ok"
            else:  # http_error: the server said no; error: no usable response at all
                outcome = "http_error" if (att.status or 0) >= 400 else "error"
            size = len(result.body) if (last and result.body is not None) else None
            self.log.append(
                LogEntry(
                    att.url,
                    att.attempt,
                    utcnow(),
                    att.status,
                    outcome,
                    att.error,
                    round(att.elapsed_ms, 1),
                    size,
                )
            )


Validators = dict[str, tuple[str | None, str | None]]


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _get(client: HttpClient, url: str, rate: float | None, validators: Validators) -> FetchResult:
    etag, modified = validators.get(url, (None, None))
    return client.fetch(url, rate_per_s=rate, etag=etag, last_modified=modified)


def _document(result: FetchResult, **extra) -> FetchedDocument:
    return FetchedDocument(
        url=result.url,
        body=result.body or b"",
        final_url=result.final_url,
        http_status=result.status,
        content_type=result.content_type,
        etag=result.headers.get("etag"),
        last_modified=result.headers.get("last-modified"),
        **extra,
    )


# -- rss / atom -------------------------------------------------------------------------------
def collect_rss(spec: RssSpec, client: HttpClient, validators: Validators) -> SourceHarvest:
    harvest = SourceHarvest()
    feed_result = client.fetch(spec.url, rate_per_s=spec.rate_limit_per_s)
    harvest.record(feed_result)
    if not feed_result.ok:
        harvest.fatal = f"feed {spec.url}: {feed_result.error or feed_result.status}"
        return harvest
    feed = feedparser.parse(feed_result.body)
    entries = [e for e in feed.entries if e.get("link") or e.get("title")]
    broken = feed.bozo and not isinstance(feed.bozo_exception, feedparser.CharacterEncodingOverride)
    if broken:
        problem = f"invalid feed XML: {feed.bozo_exception}"
        harvest.log[-1].error = f"{problem} ({len(entries)} entries recovered)"
        if not entries:
            harvest.fatal = f"feed {spec.url}: {problem}"
            harvest.log[-1].outcome = "error"
            return harvest
    entries = entries[: spec.max_items] if spec.max_items else entries
    for entry in entries:
        link = entry.get("link")
        title = entry.get("title")
        published = _entry_date(entry)
        if spec.follow_links and link:
            result = _get(client, link, spec.rate_limit_per_s, validators)
            harvest.record(result)
            if result.ok:
                harvest.documents.append(
                    _document(result, feed_title=title, feed_published_at=published)
                )
        else:
            content = entry.get("content") or []
            html = content[0].get("value") if content else entry.get("summary", "")
            body = f"<html><head><title>{title or ''}</title></head><body>{html}</body></html>"
            harvest.documents.append(
                FetchedDocument(
                    url=link or f"{spec.url}#{entry.get('id', title)}",
                    body=body.encode("utf-8"),
                    content_type="text/html; charset=utf-8",
                    feed_title=title,
                    feed_published_at=published,
                )
            )
    return harvest


def _entry_date(entry) -> datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            return datetime(*value[:6])
    return None


# -- html index (press-release listings) -------------------------------------------------------
def collect_html_index(
    spec: HtmlIndexSpec, client: HttpClient, validators: Validators
) -> SourceHarvest:
    harvest = SourceHarvest()
    page_url: str | None = spec.url
    links: list[str] = []
    for _ in range(spec.max_pages):
        if not page_url:
            break
        result = client.fetch(page_url, rate_per_s=spec.rate_limit_per_s)
        harvest.record(result)
        if not result.ok:
            if not links:
                harvest.fatal = f"index {page_url}: {result.error or result.status}"
            break
        soup = BeautifulSoup(result.body, "lxml")
        base = result.final_url or page_url
        for a in soup.select(spec.link_selector):
            href = a.get("href")
            if href:
                absolute = urljoin(base, href)
                if absolute not in links:
                    links.append(absolute)
        page_url = None
        if spec.next_selector:
            nxt = soup.select_one(spec.next_selector)
            if nxt is not None and nxt.get("href"):
                page_url = urljoin(base, nxt["href"])
    for link in links:
        result = _get(client, link, spec.rate_limit_per_s, validators)
        harvest.record(result)
        if result.ok:
            harvest.documents.append(_document(result))
    return harvest


# -- local files ------------------------------------------------------------------------------
def collect_local(spec: LocalSpec, sources: SourcesFile) -> SourceHarvest:
    harvest = SourceHarvest()
    target = sources.resolve_local(spec)
    if target.is_dir():
        files = sorted(p for p in target.rglob("*") if p.is_file())
    else:
        files = sorted(Path(p) for p in glob.glob(str(target), recursive=True))
    files = [p for p in files if p.suffix.lower() in spec.extensions]
    if not files:
        harvest.fatal = f"local path {target}: no files with extensions {spec.extensions}"
        return harvest
    for path in files:
        uri = path.resolve().as_uri()
        try:
            body = path.read_bytes()
        except OSError as exc:
            harvest.log.append(LogEntry(uri, 1, utcnow(), None, "error", f"{path}: {exc}"))
            continue
        ctype = _local_content_type(path)
        harvest.log.append(LogEntry(uri, 1, utcnow(), None, "ok", None, 0.0, len(body)))
        harvest.documents.append(
            FetchedDocument(url=uri, body=body, final_url=uri, content_type=ctype)
        )
    return harvest


def _local_content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".md":
        return "text/markdown"
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"
