"""Connectors and the HTTP client against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import duckdb
import pytest
from werkzeug import Response

from pipelines.ingest.connectors import collect_rss
from pipelines.ingest.http import HttpClient
from pipelines.ingest.runner import ingest
from pipelines.ingest.specs import load_sources

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test feed</title><link>{base}/</link>
<description>t</description>
<item><title>Nebius signs Microsoft</title><link>{base}/a1</link>
<pubDate>Mon, 08 Sep 2025 14:00:00 GMT</pubDate><guid>a1</guid></item>
<item><title>IREN signs Microsoft</title><link>{base}/a2</link>
<pubDate>Mon, 03 Nov 2025 14:00:00 GMT</pubDate><guid>a2</guid></item>
</channel></rss>"""

PAGE = "<html><head><title>{t}</title></head><body><article><p>{t}</p></article></body></html>"


@pytest.fixture
def client():
    slept: list[float] = []
    c = HttpClient(
        sleep=slept.append,
        max_retries=3,
        max_bytes=50_000,
        rate_limits=False,
        respect_robots=False,
    )
    c.slept = slept
    yield c
    c.close()


def _write_sources(tmp_path, body: str):
    path = tmp_path / "sources.yaml"
    path.write_text(body, encoding="utf-8")
    return load_sources(path)


def test_rss_follows_links_and_stores_once(httpserver, tmp_path, client):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed.xml").respond_with_data(
        RSS.format(base=base), content_type="application/rss+xml"
    )
    httpserver.expect_request("/a1").respond_with_data(
        PAGE.format(t="one"), content_type="text/html", headers={"ETag": '"v1"'}
    )
    httpserver.expect_request("/a2").respond_with_data(
        PAGE.format(t="two"), content_type="text/html"
    )
    sources = _write_sources(
        tmp_path, f"sources:\n  - {{name: feed, kind: rss, url: '{base}/feed.xml'}}\n"
    )
    wh = str(tmp_path / "wh.duckdb")
    first = ingest(sources, wh, client=client)
    second = ingest(sources, wh, client=client)
    assert first.new_documents == 2 and first.failed_fetches == 0
    assert second.new_documents == 0 and second.existing_documents == 2
    with duckdb.connect(wh, read_only=True) as con:
        docs = con.execute(
            "select url, feed_title, feed_published_at from raw.documents order by url"
        ).fetchall()
        outcomes = con.execute(
            "select outcome, count(*) from raw.fetch_log group by 1 order by 1"
        ).fetchall()
    assert [d[1] for d in docs] == ["Nebius signs Microsoft", "IREN signs Microsoft"]
    assert str(docs[0][2]) == "2025-09-08 14:00:00"
    # second run: the server ignores If-None-Match, so the same bodies come back as duplicates
    assert dict(outcomes) == {"stored": 2, "duplicate": 2, "ok": 2}


def test_conditional_get_unchanged(httpserver, tmp_path, client):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed.xml").respond_with_data(
        RSS.format(base=base)
        .replace("<item><title>IREN", "<!--")
        .replace("a2</guid></item>", "-->"),
        content_type="application/rss+xml",
    )

    def page(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(PAGE.format(t="one"), content_type="text/html", headers={"ETag": '"v1"'})

    httpserver.expect_request("/a1").respond_with_handler(page)
    sources = _write_sources(
        tmp_path, f"sources:\n  - {{name: feed, kind: rss, url: '{base}/feed.xml'}}\n"
    )
    wh = str(tmp_path / "wh.duckdb")
    ingest(sources, wh, client=client)
    ingest(sources, wh, client=client)
    with duckdb.connect(wh, read_only=True) as con:
        rows = con.execute(
            "select outcome, http_status from raw.fetch_log where url like '%/a1' "
            "order by attempted_at"
        ).fetchall()
        n_docs = con.execute("select count(*) from raw.documents").fetchone()[0]
    assert rows == [("stored", 200), ("unchanged", 304)]
    assert n_docs == 1


def test_retry_500_then_success(httpserver, client):
    httpserver.expect_ordered_request("/flaky").respond_with_data("oops", status=500)
    httpserver.expect_ordered_request("/flaky").respond_with_data("fine")
    result = client.fetch(httpserver.url_for("/flaky"))
    assert result.ok and result.body == b"fine"
    assert [a.status for a in result.attempts] == [500, 200]
    assert len(client.slept) == 1


def test_429_honours_retry_after(httpserver, client):
    httpserver.expect_ordered_request("/busy").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_ordered_request("/busy").respond_with_data("ok")
    result = client.fetch(httpserver.url_for("/busy"))
    assert result.ok
    assert client.slept == [7.0]


def test_gives_up_after_cap(httpserver, client):
    httpserver.expect_request("/down").respond_with_data("no", status=503)
    result = client.fetch(httpserver.url_for("/down"))
    assert not result.ok and result.error == "HTTP 503"
    assert len(result.attempts) == 4  # first try + max_retries
    assert all(0 < s <= client.backoff_cap for s in client.slept)


def test_body_over_cap_is_refused(httpserver, client):
    httpserver.expect_request("/big").respond_with_data("x" * 60_000)
    result = client.fetch(httpserver.url_for("/big"))
    assert not result.ok and "cap" in result.error and result.body is None
    assert len(result.attempts) == 1  # not retried


def test_redirect_loop(httpserver, client):
    httpserver.expect_request("/loop").respond_with_data(
        "", status=302, headers={"Location": "/loop"}
    )
    result = client.fetch(httpserver.url_for("/loop"))
    assert not result.ok and "redirect" in result.error


def test_robots_disallow(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private")
    httpserver.expect_request("/private/x").respond_with_data("secret")
    httpserver.expect_request("/public").respond_with_data("hello")
    with HttpClient(rate_limits=False) as polite:
        refused = polite.fetch(httpserver.url_for("/private/x"))
        allowed = polite.fetch(httpserver.url_for("/public"))
    assert refused.error == "disallowed by robots.txt" and refused.attempts == []
    assert allowed.ok and allowed.body == b"hello"


def test_invalid_feed_fails_source_not_run(httpserver, tmp_path, client):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/bad.xml").respond_with_data("<rss><channel><item>", status=200)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("# Note\nMeta signed with CoreWeave.", encoding="utf-8")
    sources = _write_sources(
        tmp_path,
        f"sources:\n  - {{name: broken, kind: rss, url: '{base}/bad.xml'}}\n"
        "  - {name: notes, kind: local, path: notes}\n",
    )
    wh = str(tmp_path / "wh.duckdb")
    report = ingest(sources, wh, client=client)
    by_source = {o.source: o for o in report.outcomes}
    assert by_source["broken"].failed_fetches >= 1
    assert "invalid feed" in by_source["broken"].errors[0]
    assert by_source["notes"].new_documents == 1
    with duckdb.connect(wh, read_only=True) as con:
        err = con.execute(
            "select error from raw.fetch_log where source = 'broken' and outcome = 'error'"
        ).fetchone()[0]
    assert "invalid feed XML" in err


def test_rss_without_follow_links_uses_item_content(httpserver, client):
    from pipelines.ingest.specs import RssSpec

    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed.xml").respond_with_data(RSS.format(base=base))
    spec = RssSpec(name="feed", kind="rss", url=f"{base}/feed.xml", follow_links=False)
    harvest = collect_rss(spec, client, {})
    assert [d.feed_title for d in harvest.documents] == [
        "Nebius signs Microsoft",
        "IREN signs Microsoft",
    ]
    assert len(harvest.log) == 1  # only the feed was requested
