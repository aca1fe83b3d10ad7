"""``csi record``: refresh the recordings from the live web.

Every http source of a sources file is fetched live through the same ``HttpClient`` and
connectors as ``csi run --live``; a listener on the client sees every response whose body
was read (robots.txt, feeds, listing pages, submissions JSON, filing indexes, documents,
redirect hops) and writes it under the recordings folder, one file per URL
(``<host>/<path>[__<query>]<.ext>``), with an entry in ``index.yaml``. Entries already in the
index are updated in place (same file), new ones appended; entries for URLs not fetched this
time are kept, so recording one source never drops another's recordings. Failed fetches are
never written over a good recording.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from pipelines.ingest.connectors import collect_html_index, collect_rss
from pipelines.ingest.http import DEFAULT_USER_AGENT, HttpClient, _normalise
from pipelines.ingest.sec import collect_sec_edgar, collect_xbrl_facts
from pipelines.ingest.specs import SourcesFile

KEPT_HEADERS = ("etag", "last-modified", "cache-control")
HEADER_NAMES = {"etag": "ETag", "last-modified": "Last-Modified", "cache-control": "Cache-Control"}
EXTENSIONS = {
    "application/rss+xml": ".xml",
    "application/atom+xml": ".atom",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "application/json": ".json",
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "application/pdf": ".pdf",
}
INDEX_HEADER = """\
# Replay index: every URL the fetcher may request, and the recorded response.
# Bodies are files under this folder; see README.md. Written by `csi record`, which keeps
# existing entries (updating those it fetched again) and appends new ones.
"""


@dataclass
class RecordReport:
    recordings_dir: Path
    written: list[str] = field(default_factory=list)  # URLs newly added to the index
    updated: list[str] = field(default_factory=list)  # URLs already there, body refreshed
    failures: list[str] = field(default_factory=list)  # '<source>: <url>: <error>'
    skipped_sources: list[str] = field(default_factory=list)  # local sources (nothing to record)


def file_for(url: str, content_type: str | None) -> str:
    """Recording file for a URL, relative to the recordings folder: the host, then the path;
    a trailing slash is dropped, a query becomes ``__<query>``, and an extension from the
    content type is added when the path has none (``/en/rss/`` → ``<host>/en/rss.xml``)."""
    parts = urlsplit(url)
    host = re.sub(r"[^A-Za-z0-9.-]", "_", parts.netloc.lower())
    path = parts.path.strip("/") or "index"
    segments = [re.sub(r"[^A-Za-z0-9._-]", "_", s) or "_" for s in path.split("/")]
    segments = [s if s not in (".", "..") else "_" for s in segments]
    name = segments[-1]
    if parts.query:
        name += "__" + re.sub(r"[^A-Za-z0-9._-]", "_", parts.query)
    mime = (content_type or "").split(";")[0].strip().lower()
    ext = EXTENSIONS.get(mime, "")
    if ext and not name.lower().endswith((ext, ".htm", ".html", ".xml", ".json", ".txt")):
        name += ext
    elif not ext and "." not in name:
        name += ".bin"
    return "/".join([host, *segments[:-1], name])


def _load_index(path: Path) -> tuple[str, list[dict]]:
    if not path.exists():
        return INDEX_HEADER, []
    text = path.read_text(encoding="utf-8")
    header_lines = []
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            header_lines.append(line)
        else:
            break
    data = yaml.safe_load(text) or {}
    entries = [e for e in (data.get("recordings") or []) if isinstance(e, dict) and "url" in e]
    header = "\n".join(header_lines).rstrip() + "\n" if header_lines else INDEX_HEADER
    return header, entries


class _Recorder:
    """Collects the responses a client reads during one source's fetch."""

    def __init__(self) -> None:
        self.responses: dict[str, tuple[str, int, dict[str, str], bytes]] = {}

    def __call__(self, url: str, status: int, headers: dict[str, str], body: bytes) -> None:
        if 200 <= status < 400 and status != 304:
            lower = {k.lower(): v for k, v in headers.items()}
            self.responses[_normalise(url)] = (url, status, lower, body)


def record_sources(
    sources: SourcesFile,
    recordings_dir: Path,
    *,
    client: HttpClient | None = None,
    progress: Callable[[str], None] = lambda _msg: None,
) -> RecordReport:
    """Fetch every enabled http source of ``sources`` live and write what came back into
    ``recordings_dir`` (bodies + ``index.yaml``, merged with what is there).

    ``client`` defaults to a live ``HttpClient`` with the sources file's User-Agent; pass one
    to point at a test server. Local sources are skipped (they are read from disk anyway).
    """
    recordings_dir = Path(recordings_dir)
    recordings_dir.mkdir(parents=True, exist_ok=True)
    index_path = recordings_dir / "index.yaml"
    header, entries = _load_index(index_path)
    by_url = {_normalise(e["url"]): e for e in entries}
    report = RecordReport(recordings_dir=recordings_dir)
    own_client = client is None
    if client is None:
        client = HttpClient(user_agent=sources.user_agent or DEFAULT_USER_AGENT)
    if client.replaying:
        raise ValueError("record_sources needs a live client, not a replaying one")
    try:
        for spec in sources.sources:
            if not spec.enabled:
                continue
            if spec.kind == "local":
                report.skipped_sources.append(spec.name)
                continue
            progress(f"recording {spec.name} ({spec.kind})")
            recorder = _Recorder()
            client.listeners.append(recorder)
            try:
                with client.source_scope(spec.trusted_urls, spec.allow_private_network):
                    harvest = _COLLECT[spec.kind](spec, client, {})
            except Exception as exc:  # one broken source never stops the others
                report.failures.append(f"{spec.name}: {type(exc).__name__}: {exc}")
                continue
            finally:
                client.listeners.remove(recorder)
            for entry in harvest.log:
                if entry.outcome in ("http_error", "error", "skipped") and entry.error:
                    report.failures.append(f"{spec.name}: {entry.url}: {entry.error}")
            if harvest.fatal:
                report.failures.append(f"{spec.name}: {harvest.fatal}")
            for key, (url, status, headers, body) in recorder.responses.items():
                entry = by_url.get(key)
                ctype = headers.get("content-type")
                rel = entry["file"] if entry and entry.get("file") else file_for(url, ctype)
                target = recordings_dir / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(body)
                new = {"url": url, "file": rel}
                if status != 200:
                    new["status"] = status
                if headers.get("location") and 300 <= status < 400:
                    new["location"] = headers["location"]
                if ctype:
                    new["content_type"] = ctype
                kept = {HEADER_NAMES[h]: headers[h] for h in KEPT_HEADERS if headers.get(h)}
                if kept:
                    new["headers"] = kept
                if entry is None:
                    entries.append(new)
                    by_url[key] = new
                    report.written.append(url)
                else:
                    entry.clear()
                    entry.update(new)
                    report.updated.append(url)
            progress(f"{spec.name}: {len(recorder.responses)} responses recorded")
    finally:
        if own_client:
            client.close()
    if report.written or report.updated or not index_path.exists():
        # an offline or failed run records nothing and leaves the index (and its comments) as is
        body = yaml.safe_dump(
            {"recordings": entries}, sort_keys=False, allow_unicode=True, width=1000
        )
        index_path.write_text(header + body, encoding="utf-8")
    return report


_COLLECT = {
    "rss": collect_rss,
    "html_index": collect_html_index,
    "sec_edgar": collect_sec_edgar,
    "xbrl_facts": collect_xbrl_facts,
}
