"""The one HTTP client every connector uses, live or replayed.

Live runs use httpx's real transport; the default run swaps in ``ReplayTransport`` which
answers from recordings under ``sources/recordings`` — the connectors, retries, size cap,
robots.txt and conditional-GET logic run exactly the same way in both modes.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx
import yaml

DEFAULT_USER_AGENT = "csi/0.1 (Compute Supply Intelligence; +https://github.com/csi-project/csi)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# SEC's fair-access policy: at most 10 requests per second across all of sec.gov.
SEC_MAX_RATE = 10.0
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def has_contact_email(user_agent: str | None) -> bool:
    """True when a User-Agent names a contact email address (SEC requires one)."""
    return bool(user_agent and _EMAIL_RE.search(user_agent))


def is_sec_host(host: str) -> bool:
    host = host.lower().split(":")[0]
    return host == "sec.gov" or host.endswith(".sec.gov")


def rate_key(host: str, rate_per_s: float | None) -> tuple[str, float | None]:
    """The limiter bucket and rate for a host: every sec.gov host shares one bucket, clamped
    to SEC's 10 requests per second whatever the source asked for."""
    if is_sec_host(host):
        return "sec.gov", min(rate_per_s or SEC_MAX_RATE, SEC_MAX_RATE)
    return host.lower(), rate_per_s


# A listener sees every response whose body was read: (url, status, headers, body).
ResponseListener = Callable[[str, int, dict[str, str], bytes], None]


@dataclass
class Attempt:
    """One HTTP attempt, successful or not, as it goes into raw.fetch_log."""

    url: str
    attempt: int
    started: float
    elapsed_ms: float
    status: int | None
    error: str | None


@dataclass
class FetchResult:
    url: str
    final_url: str | None = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    error: str | None = None
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


class ReplayTransport(httpx.BaseTransport):
    """Answers requests from a recordings index (``index.yaml``) instead of the network.

    A URL that is not recorded gets a 404 with ``X-CSI-Replay: miss`` so the fetch log says so.
    """

    def __init__(self, recordings_dir: str | Path):
        self.root = Path(recordings_dir)
        index_path = self.root / "index.yaml"
        if not index_path.exists():
            raise FileNotFoundError(f"{index_path}: recordings index not found")
        data = yaml.safe_load(index_path.read_text(encoding="utf-8")) or {}
        self.entries: dict[str, dict] = {}
        for i, entry in enumerate(data.get("recordings") or []):
            if not isinstance(entry, dict) or "url" not in entry or "file" not in entry:
                raise ValueError(f"{index_path}: entry {i + 1} needs 'url' and 'file'")
            self.entries[_normalise(entry["url"])] = entry

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        entry = self.entries.get(_normalise(str(request.url)))
        if entry is None:
            return httpx.Response(404, headers={"X-CSI-Replay": "miss"}, request=request)
        headers = {str(k): str(v) for k, v in (entry.get("headers") or {}).items()}
        if entry.get("content_type"):
            headers["Content-Type"] = entry["content_type"]
        etag = headers.get("ETag")
        if etag and request.headers.get("if-none-match") == etag:
            return httpx.Response(304, headers=headers, request=request)
        status = int(entry.get("status", 200))
        location = entry.get("location")
        if location:
            headers["Location"] = location
        body = b""
        if entry.get("file"):
            path = self.root / entry["file"]
            if not path.is_file():  # a broken recording fails that URL, not the whole source
                return httpx.Response(
                    404, headers={"X-CSI-Replay": "missing-file"}, request=request
                )
            body = path.read_bytes()
        return httpx.Response(status, headers=headers, content=body, request=request)


def _normalise(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}{query}"


class _HostLimiter:
    """Per-host minimum interval between requests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, sleep=time.sleep):
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def wait(self, host: str, rate_per_s: float | None) -> None:
        if not rate_per_s:
            return
        with self._lock:
            now = self._clock()
            at = max(now, self._next.get(host, now))
            self._next[host] = at + 1.0 / rate_per_s
        if at > now:
            self._sleep(at - now)


class HttpClient:
    """Polite fetching: User-Agent, per-host rate limit, retries with backoff and jitter,
    timeouts, a streamed body-size cap, robots.txt and conditional GET."""

    def __init__(
        self,
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        transport: httpx.BaseTransport | None = None,
        connect_timeout: float = 10.0,
        read_timeout: float = 30.0,
        max_bytes: int = 10 * 1024 * 1024,
        max_retries: int = 3,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        respect_robots: bool = True,
        rate_limits: bool = True,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.user_agent = user_agent
        self.max_bytes = max_bytes
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.respect_robots = respect_robots
        self.rate_limits = rate_limits
        self._sleep = sleep
        self._limiter = _HostLimiter(clock=clock, sleep=sleep)
        self._robots: dict[str, RobotFileParser | None] = {}
        self.replaying = isinstance(transport, ReplayTransport)
        self.listeners: list[ResponseListener] = []
        self._client = httpx.Client(
            transport=transport or httpx.HTTPTransport(retries=0),
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            follow_redirects=True,
            max_redirects=10,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- robots.txt -----------------------------------------------------------------------
    def allowed(self, url: str) -> bool:
        if not self.respect_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            parser: RobotFileParser | None = None
            try:
                resp = self._client.get(f"{origin}/robots.txt")
                if resp.status_code == 200:
                    parser = RobotFileParser()
                    parser.parse(resp.text.splitlines())
                    self._notify(resp, resp.content)
            except httpx.HTTPError:
                parser = None  # unreachable robots.txt: treat as no rules
            self._robots[origin] = parser
        parser = self._robots[origin]
        return True if parser is None else parser.can_fetch(self.user_agent, url)

    # -- fetching -------------------------------------------------------------------------
    def fetch(
        self,
        url: str,
        *,
        rate_per_s: float | None = 1.0,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET ``url`` politely. ``max_bytes`` overrides the client's body cap for this call
        (e.g. SEC companyfacts files, which run to tens of megabytes)."""
        result = FetchResult(url=url)
        cap = max_bytes or self.max_bytes
        if not self.allowed(url):
            result.error = "disallowed by robots.txt"
            return result
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        bucket, rate = rate_key(urlsplit(url).netloc, rate_per_s)
        for attempt in range(1, self.max_retries + 2):
            if self.rate_limits:
                self._limiter.wait(bucket, rate)
            started = time.monotonic()
            status: int | None = None
            error: str | None = None
            retry_after: float | None = None
            try:
                with self._client.stream("GET", url, headers=headers) as resp:
                    status = resp.status_code
                    result.status = status
                    result.final_url = str(resp.url)
                    result.headers = {k.lower(): v for k, v in resp.headers.items()}
                    if resp.headers.get("x-csi-replay") == "miss":
                        error = "not in recordings"
                    elif resp.headers.get("x-csi-replay") == "missing-file":
                        error = "recording's body file is missing"
                    elif status in RETRY_STATUSES:
                        error = f"HTTP {status}"
                        retry_after = _retry_after(resp.headers.get("retry-after"))
                    elif status >= 400:
                        error = f"HTTP {status}"
                    elif status != 304:
                        result.body = self._read_capped(resp, cap)
                        self._notify(resp, result.body)
            except _TooLarge as exc:
                error = str(exc)
            except httpx.TooManyRedirects as exc:
                error = f"too many redirects: {exc}"
            except httpx.TimeoutException as exc:
                error = f"timeout: {type(exc).__name__}"
            except httpx.TransportError as exc:
                if status is not None:  # headers came, the body did not (all of it)
                    error = f"truncated body: {type(exc).__name__}: {exc}"
                else:
                    error = f"{type(exc).__name__}: {exc}"
            elapsed = (time.monotonic() - started) * 1000
            result.attempts.append(Attempt(url, attempt, started, elapsed, status, error))
            result.error = error
            retriable = error is not None and (
                status in RETRY_STATUSES
                or error.startswith(("timeout", "truncated body"))
                or (status is None and not error.startswith(("too many redirects", "body ")))
            )
            if not retriable or attempt > self.max_retries:
                break
            self._sleep(self._backoff(attempt, retry_after))
        if result.error:
            result.body = None
        return result

    def _read_capped(self, resp: httpx.Response, cap: int) -> bytes:
        declared = resp.headers.get("content-length")  # compressed size, if encoded
        if declared and declared.isdigit() and int(declared) > cap:
            raise _TooLarge(f"body over the {cap}-byte cap (declared {declared})")
        chunks, size = [], 0
        for chunk in resp.iter_bytes():  # decoded bytes: the cap bounds what we keep
            size += len(chunk)
            if size > cap:
                raise _TooLarge(f"body over the {cap}-byte cap")
            chunks.append(chunk)
        return b"".join(chunks)

    def _notify(self, resp: httpx.Response, body: bytes) -> None:
        """Tell listeners (``csi record``) about a response and the redirects before it."""
        if not self.listeners:
            return
        for hop in resp.history:
            for listener in self.listeners:
                listener(str(hop.url), hop.status_code, dict(hop.headers), b"")
        for listener in self.listeners:
            listener(str(resp.url), resp.status_code, dict(resp.headers), body)

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.backoff_cap)
        delay = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return delay * (0.5 + random.random() / 2)


class _TooLarge(Exception):
    pass


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - time.time())
