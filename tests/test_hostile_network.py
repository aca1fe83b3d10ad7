"""Links, redirects, slow and inflating responses: what a hostile or broken server can do.

Every server here is on 127.0.0.1 (pytest-httpserver or a raw socket server started by the
test, bounded in time). A source's own configured host may be internal; links found in its
content and redirects may not, unless the source opts in.
"""

from __future__ import annotations

import gzip
import socketserver
import subprocess
import sys
import textwrap
import threading
import time
import zlib

import duckdb
import pytest
from werkzeug import Response

from pipelines.ingest.http import HttpClient, is_internal_address
from pipelines.ingest.runner import ingest
from pipelines.ingest.specs import load_sources

PAGE = (
    "<html><head><title>{0}</title></head><body><article><p>{0}: Nebius today announced a "
    "five-year agreement to provide Microsoft with GPU capacity.</p></article></body></html>"
)


def _feed(*links: str) -> str:
    items = "".join(
        f"<item><title>Item {i}</title><link>{link}</link><guid>g{i}</guid>"
        "<pubDate>Mon, 03 Nov 2025 14:00:00 GMT</pubDate></item>"
        for i, link in enumerate(links)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        f"<link>http://x.example/</link><description>d</description>{items}</channel></rss>"
    )


def _ingest(tmp_path, feed_url: str, extra: str = ""):
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"sources:\n  - {{name: feed, kind: rss, url: '{feed_url}'{extra}}}\n", encoding="utf-8"
    )
    warehouse = str(tmp_path / "w.duckdb")
    with HttpClient(respect_robots=False, rate_limits=False, max_retries=0) as client:
        ingest(load_sources(path), warehouse, client=client)
    con = duckdb.connect(warehouse, read_only=True)
    try:
        stored = {u for (u,) in con.execute("select url from raw.documents").fetchall()}
        log = con.execute("select url, outcome, error from raw.fetch_log").fetchall()
    finally:
        con.close()
    return stored, {url: (outcome, error) for url, outcome, error in log}


def _port(httpserver) -> int:
    return httpserver.port


@pytest.mark.parametrize(
    "address, internal",
    [
        ("127.0.0.1", True), ("10.1.2.3", True), ("192.168.0.1", True), ("172.16.0.1", True),
        ("169.254.169.254", True), ("100.64.0.1", True), ("0.0.0.0", True), ("224.0.0.1", True),
        ("::1", True), ("::ffff:127.0.0.1", True), ("fd00::1", True), ("fe80::1", True),
        ("8.8.8.8", False), ("2606:4700::1", False),
    ],
)  # fmt: skip
def test_internal_addresses(address, internal):
    assert is_internal_address(address) is internal


def test_a_feed_link_to_another_internal_host_is_refused(httpserver, tmp_path):
    """The feed is configured at localhost; an item pointing at 127.0.0.1 (a different host,
    an internal address) is refused before any connection, the good item is stored."""
    port = _port(httpserver)
    good, evil = f"http://localhost:{port}/good", f"http://127.0.0.1:{port}/admin"
    httpserver.expect_request("/feed.xml").respond_with_data(
        _feed(good, evil, "http://169.254.169.254/latest/meta-data/"),
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/good").respond_with_data(
        PAGE.format("good"), content_type="text/html"
    )
    httpserver.expect_request("/admin").respond_with_data(
        PAGE.format("EVIL"), content_type="text/html"
    )
    stored, log = _ingest(tmp_path, f"http://localhost:{port}/feed.xml")
    assert good in stored and evil not in stored
    assert log[evil][0] == "error" and "internal address" in log[evil][1]
    assert "169.254.169.254" in log["http://169.254.169.254/latest/meta-data/"][1]
    assert not any(req.path == "/admin" for req, _ in httpserver.log)  # never reached


def test_a_redirect_to_an_internal_host_is_refused(httpserver, tmp_path):
    port = _port(httpserver)
    link = f"http://localhost:{port}/moved"
    httpserver.expect_request("/feed.xml").respond_with_data(
        _feed(link), content_type="application/rss+xml"
    )
    httpserver.expect_request("/moved").respond_with_response(
        Response(status=302, headers={"Location": f"http://127.0.0.1:{port}/secret"})
    )
    httpserver.expect_request("/secret").respond_with_data(PAGE.format("EVIL"))
    stored, log = _ingest(tmp_path, f"http://localhost:{port}/feed.xml")
    assert stored == set()
    assert "internal address" in log[link][1]
    assert not any(req.path == "/secret" for req, _ in httpserver.log)


def test_the_check_is_on_the_resolved_address(httpserver, tmp_path):
    """Configured at 127.0.0.1, a link to 'localhost' is a different name that resolves to
    an internal address: refused (a DNS name cannot launder an internal address)."""
    port = _port(httpserver)
    link = f"http://localhost:{port}/page"
    httpserver.expect_request("/feed.xml").respond_with_data(
        _feed(link), content_type="application/rss+xml"
    )
    httpserver.expect_request("/page").respond_with_data(PAGE.format("x"), content_type="text/html")
    stored, log = _ingest(tmp_path, f"http://127.0.0.1:{port}/feed.xml")
    assert stored == set() and "resolves to" in log[link][1]


def test_same_host_links_and_the_opt_in_are_fetched(httpserver, tmp_path):
    port = _port(httpserver)
    same, other = f"http://localhost:{port}/same", f"http://127.0.0.1:{port}/other"
    httpserver.expect_request("/feed.xml").respond_with_data(
        _feed(same, other), content_type="application/rss+xml"
    )
    for path in ("/same", "/other"):
        httpserver.expect_request(path).respond_with_data(
            PAGE.format(path), content_type="text/html"
        )
    (tmp_path / "a").mkdir()
    stored, _ = _ingest(tmp_path / "a", f"http://localhost:{port}/feed.xml")
    assert same in stored and other not in stored
    (tmp_path / "b").mkdir()
    stored, _ = _ingest(
        tmp_path / "b", f"http://localhost:{port}/feed.xml", ", allow_private_network: true"
    )
    assert {same, other} <= stored


# --------------------------------------------------------------------------- slow servers
class _Trickle(socketserver.BaseRequestHandler):
    """Answers with a byte every 50 ms, for at most 20 s (then stops by itself)."""

    headers_slow = False

    def handle(self):
        self.request.recv(65536)
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000000\r\n\r\n"
        stop = time.monotonic() + 20
        try:
            if self.headers_slow:
                for b in head:
                    if time.monotonic() > stop:
                        return
                    self.request.sendall(bytes([b]))
                    time.sleep(0.05)
            else:
                self.request.sendall(head)
            while time.monotonic() < stop:
                self.request.sendall(b"x")
                time.sleep(0.05)
        except OSError:
            return


@pytest.fixture(params=[False, True], ids=["slow-body", "slow-headers"])
def trickle_url(request):
    handler = type("H", (_Trickle,), {"headers_slow": request.param})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_trickling_server_hits_the_total_deadline(trickle_url):
    with HttpClient(
        total_timeout=1.0, read_timeout=30, respect_robots=False, sleep=lambda s: None
    ) as c:
        started = time.monotonic()
        result = c.fetch(f"{trickle_url}/page")
        took = time.monotonic() - started
    assert result.error and result.error.startswith("deadline"), result.error
    assert len(result.attempts) == 1  # a deadline is not retried
    assert took < 5


def test_a_trickling_robots_txt_does_not_hang(trickle_url):
    with HttpClient(total_timeout=1.0, read_timeout=30, sleep=lambda s: None) as c:
        started = time.monotonic()
        assert c.allowed(f"{trickle_url}/page")  # unreadable robots.txt: no rules
        assert time.monotonic() - started < 5


def test_a_slow_page_does_not_cost_the_feed_its_good_pages(httpserver, tmp_path, trickle_url):
    port = _port(httpserver)
    good = f"http://127.0.0.1:{port}/good"
    httpserver.expect_request("/feed.xml").respond_with_data(
        _feed(f"{trickle_url}/slow", good), content_type="application/rss+xml"
    )
    httpserver.expect_request("/good").respond_with_data(
        PAGE.format("good"), content_type="text/html"
    )
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"sources:\n  - {{name: feed, kind: rss, url: 'http://127.0.0.1:{port}/feed.xml'}}\n",
        encoding="utf-8",
    )
    warehouse = str(tmp_path / "w.duckdb")
    with HttpClient(total_timeout=1.0, respect_robots=False, rate_limits=False, max_retries=0) as c:
        ingest(load_sources(path), warehouse, client=c)
    con = duckdb.connect(warehouse, read_only=True)
    urls = {u for (u,) in con.execute("select url from raw.documents").fetchall()}
    errors = con.execute("select error from raw.fetch_log where outcome = 'error'").fetchall()
    con.close()
    assert good in urls and any("deadline" in e for (e,) in errors)


# --------------------------------------------------------------------------- size
def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9)


def _zeros_gzip(megabytes: int) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b"\0" * (1 << 20)
    return b"".join([*(comp.compress(block) for _ in range(megabytes)), comp.flush()])


def _peak_rss_mb(code: str) -> tuple[int, str]:
    """Run ``code`` in a fresh interpreter; (its peak resident memory in MB, its stdout).

    The peak is the child's own VmHWM (read by the child at its end): getrusage's maxrss
    would carry the forking test process's size across exec."""
    probe = (
        "\nfor line in open('/proc/self/status'):\n"
        "    if line.startswith('VmHWM:'):\n"
        "        print('VmHWM', int(line.split()[1]) // 1024)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code) + probe],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[-1].startswith("VmHWM ")
    return int(lines[-1].split()[1]), "\n".join(lines[:-1])


def test_a_double_gzip_bomb_stops_at_the_cap_with_memory_bounded(httpserver):
    bomb = _gzip(_zeros_gzip(1024))  # 1 GiB of zeros, gzipped twice: a few kilobytes
    assert len(bomb) < 100_000
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip, gzip"}, content_type="text/html"
    )
    httpserver.expect_request("/robots.txt").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip, gzip"}, content_type="text/plain"
    )
    peak, out = _peak_rss_mb(
        f"""
        from pipelines.ingest.http import HttpClient
        with HttpClient(max_retries=0) as c:
            print(c.allowed({httpserver.url_for("/x")!r}))
            print(c.fetch({httpserver.url_for("/bomb")!r}).error)
        """
    )
    allowed, error = out.strip().splitlines()
    assert allowed == "True"  # robots.txt read up to its cap: no rules in a run of zeros
    assert "over the 10485760-byte cap" in error
    assert peak < 300, f"peak {peak} MB"


def test_a_huge_robots_txt_is_read_up_to_its_cap(httpserver):
    rules = "User-agent: *\nDisallow: /private\n" + "# padding\n" * 3_000_000  # 30 MB
    httpserver.expect_request("/robots.txt").respond_with_data(rules, content_type="text/plain")
    with HttpClient() as c:
        assert not c.allowed(httpserver.url_for("/private/x"))
        assert c.allowed(httpserver.url_for("/public"))


def test_a_body_that_is_not_the_gzip_it_claims_fails_alone(httpserver, tmp_path):
    port = _port(httpserver)
    bad, good = f"http://127.0.0.1:{port}/bad", f"http://127.0.0.1:{port}/good"
    httpserver.expect_request("/feed.xml").respond_with_data(
        _feed(bad, good), content_type="application/rss+xml"
    )
    httpserver.expect_request("/bad").respond_with_data(
        b"this is not gzip at all", headers={"Content-Encoding": "gzip"}, content_type="text/html"
    )
    httpserver.expect_request("/good").respond_with_data(
        _gzip(PAGE.format("good").encode()), headers={"Content-Encoding": "gzip"},
        content_type="text/html",
    )  # fmt: skip
    stored, log = _ingest(tmp_path, f"http://127.0.0.1:{port}/feed.xml")
    assert good in stored and bad not in stored
    assert "not valid gzip" in log[bad][1]


def test_unsupported_protocol_is_not_retried():
    slept: list[float] = []
    with HttpClient(respect_robots=False, sleep=slept.append) as c:
        result = c.fetch("gopher://127.0.0.1/x")
    assert result.error.startswith("unsupported URL") and len(result.attempts) == 1
    assert slept == []
