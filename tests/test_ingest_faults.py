"""Fault cases, end to end through ``ingest`` against a real HTTP server on 127.0.0.1.

Each fault hits one source; every attempt leaves a raw.fetch_log row saying what happened,
and the run completes for the other source (a local folder). No sleeps: the client's
back-off goes to a list, and the read timeout is the client's own (a fraction of a second).
"""

from __future__ import annotations

import threading

import duckdb
import pytest
from werkzeug import Response

from pipelines.extract.html import parse_document
from pipelines.ingest.http import HttpClient
from pipelines.ingest.runner import ingest
from pipelines.ingest.specs import load_sources

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Faults</title><link>{base}/</link><description>d</description>
<item><title>The item</title><link>{base}/item</link><guid>item</guid>
<pubDate>Mon, 03 Nov 2025 14:00:00 GMT</pubDate></item>
</channel></rss>"""
PAGE = "<html><head><title>Item</title></head><body><article><p>{}</p></article></body></html>"


def _run(httpserver, tmp_path, client, item_handler=None):
    """A feed whose one item is served by ``item_handler``, plus a local notes folder."""
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed.xml").respond_with_data(
        FEED.format(base=base), content_type="application/rss+xml"
    )
    if item_handler is not None:
        httpserver.expect_request("/item").respond_with_handler(item_handler)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "n.md").write_text("# A note\nNebius signed with Microsoft.", encoding="utf-8")
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"sources:\n  - {{name: feed, kind: rss, url: '{base}/feed.xml'}}\n"
        "  - {name: notes, kind: local, path: notes}\n",
        encoding="utf-8",
    )
    wh = str(tmp_path / "wh.duckdb")
    report = ingest(load_sources(path), wh, client=client)
    by_source = {o.source: o for o in report.outcomes}
    assert by_source["notes"].new_documents == 1  # the other source always completes
    with duckdb.connect(wh, read_only=True) as con:
        rows = con.execute(
            "select attempt, http_status, outcome, error from raw.fetch_log "
            "where url like '%/item' order by attempt"
        ).fetchall()
    return by_source["feed"], rows, wh


def _client(**kw) -> HttpClient:
    slept: list[float] = []
    options = dict(sleep=slept.append, max_retries=2, max_bytes=20_000, rate_limits=False)
    options["respect_robots"] = False
    options.update(kw)
    c = HttpClient(**options)
    c.slept = slept
    return c


def _ordered(*responses):
    pending = list(responses)

    def handler(_request):
        return pending.pop(0) if len(pending) > 1 else pending[0]

    return handler


def test_500_then_success(httpserver, tmp_path):
    with _client() as c:
        handler = _ordered(Response("oops", status=500), Response(PAGE.format("fine")))
        outcome, rows, _ = _run(httpserver, tmp_path, c, handler)
    assert rows == [(1, 500, "http_error", "HTTP 500"), (2, 200, "stored", None)]
    assert outcome.new_documents == 1 and len(c.slept) == 1


def test_429_honours_retry_after(httpserver, tmp_path):
    with _client() as c:
        busy = Response("slow down", status=429, headers={"Retry-After": "7"})
        outcome, rows, _ = _run(
            httpserver, tmp_path, c, _ordered(busy, Response(PAGE.format("ok")))
        )
    assert rows == [(1, 429, "http_error", "HTTP 429"), (2, 200, "stored", None)]
    assert c.slept == [7.0]


def test_read_timeout(httpserver, tmp_path):
    release = threading.Event()

    def stall(_request):
        release.wait(5)  # answers only once the test is over
        return Response(PAGE.format("late"))

    try:
        with _client(read_timeout=0.3, max_retries=1) as c:
            outcome, rows, _ = _run(httpserver, tmp_path, c, stall)
    finally:
        release.set()
    assert [(a, s, o) for a, s, o, _ in rows] == [(1, None, "error"), (2, None, "error")]
    assert all(e == "timeout: ReadTimeout" for *_, e in rows)
    assert outcome.new_documents == 0 and outcome.failed_fetches == 2


def test_truncated_body(httpserver, tmp_path):
    def truncated(_request):
        resp = Response(PAGE.format("cut short"), content_type="text/html")
        resp.headers["Content-Length"] = "5000"  # more than is sent
        return resp

    with _client(max_retries=1) as c:
        outcome, rows, _ = _run(httpserver, tmp_path, c, truncated)
    assert [(a, s, o) for a, s, o, _ in rows] == [(1, 200, "error"), (2, 200, "error")]
    assert all(e.startswith("truncated body: RemoteProtocolError") for *_, e in rows)
    assert outcome.new_documents == 0


def test_body_over_the_cap(httpserver, tmp_path):
    with _client() as c:
        big = Response(PAGE.format("x" * 30_000), content_type="text/html")
        outcome, rows, _ = _run(httpserver, tmp_path, c, lambda _r: big)
    assert len(rows) == 1  # not retried
    assert rows[0][2] == "error" and "20000-byte cap" in rows[0][3]


def test_redirect_loop(httpserver, tmp_path):
    with _client() as c:
        loop = Response("", status=302, headers={"Location": "/item"})
        outcome, rows, _ = _run(httpserver, tmp_path, c, lambda _r: loop)
    assert len(rows) == 1 and rows[0][2] == "error"
    assert rows[0][3].startswith("too many redirects")


def test_not_found_is_not_retried(httpserver, tmp_path):
    with _client() as c:
        outcome, rows, _ = _run(httpserver, tmp_path, c, lambda _r: Response("no", status=404))
    assert rows == [(1, 404, "http_error", "HTTP 404")]


def test_robots_disallow(httpserver, tmp_path):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /item\n")
    with _client(respect_robots=True) as c:
        outcome, rows, _ = _run(httpserver, tmp_path, c, lambda _r: Response(PAGE.format("no")))
    assert rows == [(0, None, "skipped", "disallowed by robots.txt")]
    assert "/item" not in [r.path for r, _ in httpserver.log]


def test_invalid_feed_xml(httpserver, tmp_path):
    httpserver.expect_request("/broken.xml").respond_with_data(
        "<rss><channel><title>Broken</title><item><title>Half", content_type="text/xml"
    )
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "n.txt").write_text("Nebius signed with Microsoft.", encoding="utf-8")
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"sources:\n  - {{name: feed, kind: rss, url: '{httpserver.url_for('/broken.xml')}'}}\n"
        "  - {name: notes, kind: local, path: notes}\n",
        encoding="utf-8",
    )
    wh = str(tmp_path / "wh.duckdb")
    with _client() as c:
        report = ingest(load_sources(path), wh, client=c)
    assert [o.new_documents for o in report.outcomes] == [0, 1]
    with duckdb.connect(wh, read_only=True) as con:
        row = con.execute(
            "select outcome, error from raw.fetch_log where source = 'feed'"
        ).fetchone()
    assert row[0] == "error" and row[1].startswith("invalid feed XML")


CP1252_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Société Générale backs a €2bn GPU cloud</title></head>
<body><nav><a href="/">Home</a></nav>
<article><h1>Société Générale backs a €2bn GPU cloud</h1>
<p>The French bank’s financing — about €2bn — will pay for “AI factories” near Orléans.</p>
<p>Naïve readers might think the café-sized sites are small; each draws 50 MW.</p>
<p>The operator said the first hall opens in 2026, with more to follow in the Île-de-France.</p>
</article></body></html>"""


def test_windows_1252_page_that_declares_utf8(httpserver, tmp_path):
    raw = CP1252_PAGE.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the page really lies about its encoding
    with _client() as c:
        handler = lambda _r: Response(raw, content_type="text/html; charset=utf-8")  # noqa: E731
        outcome, rows, wh = _run(httpserver, tmp_path, c, handler)
    assert rows == [(1, 200, "stored", None)]
    with duckdb.connect(wh, read_only=True) as con:
        body, ctype, url = con.execute(
            "select b.body, d.content_type, d.url from raw.documents d join raw.bodies b "
            "using (sha256) where d.source = 'feed'"
        ).fetchone()
    assert bytes(body) == raw  # stored exactly as sent
    parsed = parse_document(bytes(body), ctype, url)
    assert parsed.title == "Société Générale backs a €2bn GPU cloud"
    assert "financing — about €2bn — will pay for “AI factories” near Orléans" in parsed.text
    assert "Île-de-France" in parsed.text and "\ufffd" not in parsed.text
