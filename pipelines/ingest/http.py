"""The one HTTP client every connector uses, live or replayed.

Live runs use httpx's real transport; the default run swaps in ``ReplayTransport`` which
answers from recordings under ``sources/recordings`` — the connectors, retries, size cap,
robots.txt and conditional-GET logic run exactly the same way in both modes.

Limits on live fetching (each refused fetch is one fetch_log row with the reason; the rest
of the source goes on):

* **Network policy.** A link found in content (a feed item, an index page) or a redirect
  target may not reach a loopback, private, link-local, multicast or otherwise non-global
  address. The check runs on the address the name resolves to, at connect time, and the
  connection goes to that checked address, so DNS rebinding cannot slip past it. Hosts of
  the source's own configured URLs are trusted wherever they point (a user may run a feed
  on their intranet), and ``allow_private_network: true`` on a source lifts the rule for it.
* **Deadlines.** Every fetch has a total deadline (``total_timeout``, 120 s) over the
  connection, headers and body, so a server that trickles a byte a second cannot hold a
  run; each read still has its own ``read_timeout``.
* **Size.** Every decoded byte counts against the body cap (10 MiB; 100 MiB for SEC
  companyfacts) whatever the ``Content-Encoding`` stack: decoding is ours, in bounded
  pieces, so a gzip bomb or ``gzip, gzip`` stops at the cap instead of inflating in memory.
  robots.txt is read up to 512 KiB (what search engines read) under the same rules.
"""

from __future__ import annotations

import ipaddress
import random
import re
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
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


# --------------------------------------------------------------------------- network policy
ROBOTS_MAX_BYTES = 512 * 1024
_PIECE = 64 * 1024  # decoded bytes produced per step: what one decoding step may hold


class BlockedAddress(Exception):
    """A discovered link or redirect that would reach an internal address."""


class DeadlineExceeded(httpcore.ReadTimeout):
    """The fetch ran past its total deadline (httpx reports it as a ReadTimeout)."""


def is_internal_address(address: str) -> bool:
    """Loopback, private, link-local, multicast, reserved, unspecified or any other address
    that is not globally routable (IPv4-mapped IPv6 addresses judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_multicast or not ip.is_global


@dataclass
class _Scope:
    """What the fetches of the current thread may reach, and by when they must finish."""

    trusted_hosts: frozenset[str] = frozenset()
    allow_private: bool = False
    deadline: float | None = None


_SCOPE = threading.local()


def _scope() -> _Scope:
    scope = getattr(_SCOPE, "value", None)
    if scope is None:
        scope = _SCOPE.value = _Scope()
    return scope


def _host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read and write stops at the thread's fetch deadline."""

    def __init__(self, inner: httpcore.NetworkStream):
        self._inner = inner

    def _timeout(self, timeout: float | None) -> float | None:
        deadline = _scope().deadline
        if deadline is None:
            return timeout
        left = deadline - time.monotonic()
        if left <= 0:
            raise DeadlineExceeded("total deadline exceeded")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._timeout(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._timeout(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        inner = self._inner.start_tls(ssl_context, server_hostname, self._timeout(timeout))
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """httpcore's socket backend with the network policy: resolve, check every address,
    connect to a checked address (never resolving twice)."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        scope = _scope()
        name = host.decode("ascii") if isinstance(host, bytes) else str(host)
        name = name.strip("[]").lower()
        try:
            infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {name}: {exc}") from exc
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
        if not scope.allow_private and name not in scope.trusted_hosts:
            internal = [a for a in addresses if is_internal_address(a)]
            if internal:
                raise BlockedAddress(
                    f"refused: {name} resolves to {internal[0]}, an internal address; only "
                    "the source's own configured hosts may be internal (or set "
                    "allow_private_network: true on the source)"
                )
        error: Exception | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                error = exc
                continue
            return _DeadlineStream(stream)
        raise error or httpcore.ConnectError(f"no address for {name}")

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise httpcore.ConnectError("unix sockets are not used by csi")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport on :class:`_GuardedBackend` (the network policy and deadlines)."""

    def __init__(self) -> None:
        super().__init__(retries=0)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(),
        )


# --------------------------------------------------------------------------- decoding
class _Undecodable(Exception):
    pass


class _Inflater:
    """One gzip / deflate layer, decoded in pieces of at most ``_PIECE`` bytes."""

    def __init__(self, encoding: str):
        self.encoding = encoding
        wbits = zlib.MAX_WBITS | 16 if encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self._d = zlib.decompressobj(wbits)
        self._raw_deflate = encoding == "deflate"

    def feed(self, data: bytes) -> Iterator[bytes]:
        while True:
            try:
                out = self._d.decompress(data, _PIECE)
            except zlib.error as exc:
                if self._raw_deflate:  # 'deflate' sent without its zlib header
                    self._raw_deflate = False
                    self._d = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise _Undecodable(f"body is not valid {self.encoding}: {exc}") from None
            self._raw_deflate = False
            if out:
                yield out
            data = self._d.unconsumed_tail
            if self._d.eof or (not data and not out):
                return

    def finish(self) -> Iterator[bytes]:
        yield from self.feed(b"")
        if not self._d.eof:
            raise _Undecodable(f"body is truncated {self.encoding}")


def _decoders(content_encoding: str | None) -> list[_Inflater]:
    """The decoding layers of a Content-Encoding header, outermost (applied last) first."""
    layers = [e.strip().lower() for e in (content_encoding or "").split(",") if e.strip()]
    out = []
    for enc in reversed(layers):
        if enc == "identity":
            continue
        if enc not in ("gzip", "x-gzip", "deflate"):
            raise _Undecodable(f"body has an unsupported Content-Encoding {enc!r}")
        out.append(_Inflater(enc))
    return out


def _decode(chunks: Iterable[bytes], layers: list[_Inflater]) -> Iterator[bytes]:
    """Decoded pieces of a body through every layer; memory holds one piece per layer."""

    def through(pieces: Iterable[bytes], i: int) -> Iterator[bytes]:
        if i == len(layers):
            yield from pieces
            return

        def fed() -> Iterator[bytes]:
            for piece in pieces:
                yield from layers[i].feed(piece)
            yield from layers[i].finish()

        yield from through(fed(), i + 1)

    yield from through((c for c in chunks if c), 0)


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
        total_timeout: float = 120.0,
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
        self.total_timeout = total_timeout
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
            transport=transport or GuardedTransport(),
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

    # -- scope ----------------------------------------------------------------------------
    @contextmanager
    def source_scope(self, urls: Iterable[str], allow_private: bool = False) -> Iterator[None]:
        """Fetches inside the block belong to one source: the hosts of ``urls`` (its own
        configured URLs) may be internal addresses; links found in content and redirects may
        not, unless ``allow_private``."""
        scope = _scope()
        saved = (scope.trusted_hosts, scope.allow_private)
        scope.trusted_hosts = frozenset(h for h in map(_host_of, urls) if h)
        scope.allow_private = allow_private
        try:
            yield
        finally:
            scope.trusted_hosts, scope.allow_private = saved

    @contextmanager
    def _deadline(self, url: str) -> Iterator[None]:
        """The total deadline for one attempt; outside any source scope the URL the caller
        passed is its own, so its host is trusted (redirects elsewhere are still checked)."""
        scope = _scope()
        saved = (scope.deadline, scope.trusted_hosts)
        scope.deadline = time.monotonic() + self.total_timeout
        if not scope.trusted_hosts:
            scope.trusted_hosts = frozenset({_host_of(url)})
        try:
            yield
        finally:
            scope.deadline, scope.trusted_hosts = saved

    # -- robots.txt -----------------------------------------------------------------------
    def allowed(self, url: str) -> bool:
        if not self.respect_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            parser: RobotFileParser | None = None
            try:
                with (
                    self._deadline(url),
                    self._client.stream("GET", f"{origin}/robots.txt") as resp,
                ):
                    if resp.status_code == 200:
                        body = self._read_capped(resp, ROBOTS_MAX_BYTES, truncate=True)
                        parser = RobotFileParser()
                        parser.parse(body.decode("utf-8", "replace").splitlines())
                        self._notify(resp, body)
            except (httpx.HTTPError, BlockedAddress, _Undecodable, _TooLarge):
                parser = None  # unreachable or unreadable robots.txt: treat as no rules
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
                with (
                    self._deadline(url),
                    self._client.stream("GET", url, headers=headers) as resp,
                ):
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
            except (_TooLarge, _Undecodable) as exc:
                error = str(exc)
            except BlockedAddress as exc:
                error = f"blocked: {exc}"
            except httpx.TooManyRedirects as exc:
                error = f"too many redirects: {exc}"
            except httpx.TimeoutException as exc:
                overran = time.monotonic() - started >= self.total_timeout * 0.98
                if overran or isinstance(exc.__cause__, DeadlineExceeded):
                    error = f"deadline: over the {self.total_timeout:g} s total deadline"
                else:
                    error = f"timeout: {type(exc).__name__}"
            except httpx.UnsupportedProtocol as exc:
                error = f"unsupported URL: {exc}"
            except httpx.TransportError as exc:
                if status is not None:  # headers came, the body did not (all of it)
                    error = f"truncated body: {type(exc).__name__}: {exc}"
                else:
                    error = f"{type(exc).__name__}: {exc}"
            except (httpx.HTTPError, httpx.InvalidURL) as exc:  # DecodingError and the rest
                error = f"body {type(exc).__name__}: {exc}"
            elapsed = (time.monotonic() - started) * 1000
            result.attempts.append(Attempt(url, attempt, started, elapsed, status, error))
            result.error = error
            retriable = error is not None and (
                status in RETRY_STATUSES
                or error.startswith(("timeout", "truncated body"))
                or (
                    status is None
                    and not error.startswith(
                        ("too many redirects", "body ", "blocked", "deadline", "unsupported")
                    )
                )
            )
            if not retriable or attempt > self.max_retries:
                break
            self._sleep(self._backoff(attempt, retry_after))
        if result.error:
            result.body = None
        return result

    def _read_capped(self, resp: httpx.Response, cap: int, truncate: bool = False) -> bytes:
        """The decoded body, at most ``cap`` bytes: over it, :class:`_TooLarge` (or the first
        ``cap`` bytes with ``truncate``). Decoding is ours, in bounded pieces, so every
        decoded byte of every Content-Encoding layer counts against the cap."""
        declared = resp.headers.get("content-length")  # compressed size, if encoded
        if declared and declared.isdigit() and int(declared) > cap and not truncate:
            raise _TooLarge(f"body over the {cap}-byte cap (declared {declared})")
        if resp.is_stream_consumed:  # built from bytes (replay, mocks): httpx decoded it
            pieces: Iterable[bytes] = [resp.content]
        else:
            pieces = _decode(resp.iter_raw(), _decoders(resp.headers.get("content-encoding")))
        chunks, size = [], 0
        for chunk in pieces:
            size += len(chunk)
            if size > cap:
                if truncate:
                    chunks.append(chunk[: len(chunk) - (size - cap)])
                    break
                raise _TooLarge(f"body over the {cap}-byte cap (decoded)")
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
