"""One connector per source kind. A connector fetches; it never parses deals or writes SQL.

Each connector returns a ``SourceHarvest``: the documents it got and one log entry per
HTTP attempt (or file read), failures included.
"""

from __future__ import annotations

import mimetypes
import os
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from urllib.parse import quote_from_bytes, urljoin

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
    file_stat: tuple[int, int] | None = None  # local files: (size in bytes, mtime in ns)


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
    unchanged: int = 0  # local files skipped because size and mtime match the last read

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
LOCAL_BATCH = 2000  # files read (and stored by the caller) per batch


@dataclass(frozen=True)
class LocalFile:
    uri: str
    path: str  # absolute
    size: int
    mtime_ns: int


def _file_uri(path: str) -> str:
    """``Path(path).as_uri()`` for an absolute path, without building a Path per file."""
    return "file://" + quote_from_bytes(os.fsencode(path))


def is_glob(path: str) -> bool:
    """Whether a local source's path is a glob pattern rather than a folder or file."""
    return any(c in path for c in "*?[")


def _glob_base(pattern: str) -> str:
    """The folder a glob pattern starts from: its leading components without wildcards."""
    parts = pattern.split(os.sep)
    base: list[str] = []
    for part in parts[:-1]:
        if is_glob(part):
            break
        base.append(part)
    return os.sep.join(base) or (os.sep if pattern.startswith(os.sep) else ".")


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob pattern as a regular expression over whole paths: ``**/`` any folders (or
    none), ``*`` and ``?`` never across a ``/``, ``[...]`` a character class."""
    out, i, n = [], 0, len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[" and "]" in pattern[i + 2 :]:
            j = pattern.index("]", i + 2)
            body = pattern[i + 1 : j]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append(f"[{body}]")
            i = j + 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out) + r"\Z")


def _walk_files(root: str, unreadable: list[tuple[str, str]]) -> Iterator[os.DirEntry]:
    """Every entry under ``root`` that is not a directory (os.scandir: no stat per name).

    Symlinked folders are not followed, so links that loop cannot make the walk endless.
    A subfolder that cannot be listed is added to ``unreadable`` (path, reason) and the
    walk goes on; the root itself failing raises."""
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = os.scandir(folder)
        except OSError as exc:
            if folder == root:
                raise
            unreadable.append((folder, f"cannot list folder: {exc.strerror or exc}"))
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    yield entry


def list_local(
    spec: LocalSpec, sources: SourcesFile, unreadable: list[tuple[str, str]] | None = None
) -> tuple[str, list[LocalFile]]:
    """(the folder or pattern as a URI, its files with the spec's extensions, sorted).

    Subfolders that cannot be listed and matching names that cannot be read as files
    (dangling links, vanished files) go to ``unreadable`` as (path, reason)."""
    target = sources.resolve_local(spec)
    exts = {e.lower() for e in spec.extensions}
    found: list[LocalFile] = []
    unreadable = [] if unreadable is None else unreadable
    if target.is_dir():
        root = target.resolve()
        base, matcher, where = str(root), None, root.as_uri()
    else:
        # our own walk rather than glob.glob(recursive=True), which follows symlinked
        # folders and never ends on a link loop
        pattern = os.path.normpath(str(target))
        base, matcher, where = _glob_base(pattern), _glob_regex(pattern), str(target)
    seen: set[str] = set()  # a file reached twice (itself and a link to it) is listed once
    walk = _walk_files(base, unreadable) if os.path.isdir(base) else iter(())
    for entry in walk:
        if matcher is not None and not matcher.match(entry.path):
            continue
        if os.path.splitext(entry.name)[1].lower() not in exts:
            continue
        try:
            st = entry.stat()  # follows a symlink to its file
        except OSError as exc:  # vanished, or a dangling link
            unreadable.append((entry.path, f"cannot read: {exc.strerror or exc}"))
            continue
        path = os.path.realpath(entry.path) if entry.is_symlink() else entry.path
        if not stat.S_ISREG(st.st_mode) or path in seen:
            continue
        seen.add(path)
        found.append(LocalFile(_file_uri(path), path, st.st_size, st.st_mtime_ns))
    found.sort(key=lambda f: f.uri)
    return where, found


def iter_local(
    spec: LocalSpec,
    sources: SourcesFile,
    seen: Mapping[str, tuple[int, int]] | None = None,
    *,
    batch: int | None = None,
) -> Iterator[SourceHarvest]:
    """Read a local source in batches of ``batch`` files, so memory holds one batch.

    ``seen`` maps a file's URI to the (size, mtime_ns) it had when last stored: a file
    that still has both is not read again (counted in ``unchanged``), as make and rsync
    decide. The first harvest carries one ``ok`` log entry for the listing itself."""
    seen = seen or {}
    batch = batch or LOCAL_BATCH
    listed = utcnow()
    target = sources.resolve_local(spec)
    if not target.exists() and not is_glob(spec.path):
        yield SourceHarvest(fatal=f"local path {target} does not exist")
        return
    unreadable: list[tuple[str, str]] = []
    where, files = list_local(spec, sources, unreadable)
    problems = [
        LogEntry(_file_uri(os.path.abspath(path)), 1, utcnow(), None, "error", why)
        for path, why in unreadable
    ]
    if not files:
        found = f"no files with extensions {spec.extensions}"
        if unreadable:
            found += f" ({len(unreadable)} unreadable: first {unreadable[0][0]})"
        yield SourceHarvest(fatal=f"local path {target}: {found}", log=problems)
        return
    todo = [f for f in files if seen.get(f.uri) != (f.size, f.mtime_ns)]
    harvest = SourceHarvest(unchanged=len(files) - len(todo))
    harvest.log.append(LogEntry(where, 1, listed, None, "ok", None, 0.0, None))
    harvest.log += problems
    for start in range(0, len(todo), batch):
        for f in todo[start : start + batch]:
            if f.size > spec.max_file_bytes:
                harvest.log.append(
                    LogEntry(
                        f.uri, 1, utcnow(), None, "skipped",
                        f"{f.path}: {f.size:,} bytes, over the source's max_file_bytes "
                        f"({spec.max_file_bytes:,}); not read",
                    )
                )  # fmt: skip
                continue
            try:
                with open(f.path, "rb") as fh:
                    body = fh.read()
            except OSError as exc:
                harvest.log.append(LogEntry(f.uri, 1, utcnow(), None, "error", f"{f.path}: {exc}"))
                continue
            harvest.log.append(LogEntry(f.uri, 1, utcnow(), None, "ok", None, 0.0, len(body)))
            harvest.documents.append(
                FetchedDocument(
                    url=f.uri,
                    body=body,
                    final_url=f.uri,
                    content_type=_local_content_type(f.path),
                    file_stat=(f.size, f.mtime_ns),
                )
            )
        yield harvest
        harvest = SourceHarvest()
    if not todo:
        yield harvest


def collect_local(spec: LocalSpec, sources: SourcesFile) -> SourceHarvest:
    """Every file of a local source in one harvest (no skipping of unchanged files)."""
    out = SourceHarvest()
    for part in iter_local(spec, sources):
        out.documents += part.documents
        out.log += part.log
        out.fatal = out.fatal or part.fatal
    return out


def _local_content_type(path: str) -> str:
    if os.path.splitext(path)[1].lower() == ".md":
        return "text/markdown"
    guessed, _ = mimetypes.guess_type(path)
    return guessed or "application/octet-stream"
