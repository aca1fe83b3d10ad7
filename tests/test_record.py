"""``record_sources`` against a real local server, then a replay of what it wrote."""

from __future__ import annotations

import duckdb
import yaml

from pipelines.ingest.http import HttpClient, ReplayTransport
from pipelines.ingest.record import file_for, record_sources
from pipelines.ingest.runner import ingest
from pipelines.ingest.specs import load_sources

UA = "csi-tests (tests@example.org)"
RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Feed</title><link>{base}/</link><description>d</description>
<item><title>One</title><link>{base}/news/one/</link></item>
<item><title>Two</title><link>{base}/news/two/</link></item>
<item><title>Gone</title><link>{base}/news/gone/</link></item>
</channel></rss>"""
PAGE = "<html><head><title>{t}</title></head><body><article><p>{t}</p></article></body></html>"
LISTING = '<html><body><a class="pr" href="/press/a">A</a>{next}</body></html>'
SUBMISSIONS = {
    "cik": "1513845",
    "name": "Nebius Group N.V.",
    "filings": {
        "recent": {
            "accessionNumber": ["0001513845-25-000050"],
            "filingDate": ["2025-09-08"],
            "form": ["6-K"],
            "items": [""],
            "primaryDocument": ["form6-k.htm"],
            "primaryDocDescription": ["6-K"],
        },
        "files": [],
    },
}
FOLDER = "/Archives/edgar/data/1513845/000151384525000050"


def _serve(httpserver):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /x/\n")
    httpserver.expect_request("/feed.xml").respond_with_data(
        RSS.format(base=base), content_type="application/rss+xml", headers={"ETag": '"f1"'}
    )
    httpserver.expect_request("/news/one/").respond_with_data(
        PAGE.format(t="one"), content_type="text/html; charset=utf-8"
    )
    httpserver.expect_request("/news/two/").respond_with_data(
        "", status=301, headers={"Location": "/news/two-moved/"}
    )
    httpserver.expect_request("/news/two-moved/").respond_with_data(
        PAGE.format(t="two"), content_type="text/html; charset=utf-8"
    )
    httpserver.expect_request("/news/gone/").respond_with_data("gone", status=410)
    httpserver.expect_request("/press", query_string="").respond_with_data(
        LISTING.format(next='<a class="next" href="/press?page=2">next</a>'),
        content_type="text/html",
    )
    httpserver.expect_request("/press", query_string="page=2").respond_with_data(
        LISTING.format(next=""), content_type="text/html"
    )
    httpserver.expect_request("/press/a").respond_with_data(
        PAGE.format(t="a"), content_type="text/html"
    )
    httpserver.expect_request("/submissions/CIK0001513845.json").respond_with_json(SUBMISSIONS)
    httpserver.expect_request(f"{FOLDER}/index.json").respond_with_json(
        {"directory": {"item": [{"name": "form6-k.htm"}, {"name": "ex99-1.htm"}]}}
    )
    for name in ("form6-k.htm", "ex99-1.htm"):
        httpserver.expect_request(f"{FOLDER}/{name}").respond_with_data(
            PAGE.format(t=name), content_type="text/html"
        )
    httpserver.expect_request("/api/xbrl/companyfacts/CIK0000789019.json").respond_with_json(
        {"cik": 789019, "entityName": "MICROSOFT CORP", "facts": {}}
    )
    return base


def _sources(tmp_path, base):
    path = tmp_path / "sources" / "live.yaml"
    path.parent.mkdir()
    path.write_text(
        f"""user_agent: '{UA}'
sources:
  - {{name: feed, kind: rss, url: '{base}/feed.xml'}}
  - {{name: press, kind: html_index, url: '{base}/press', link_selector: a.pr,
     next_selector: a.next, max_pages: 3}}
  - {{name: edgar, kind: sec_edgar, ciks: [1513845], forms: [6-K], data_url: '{base}',
     archives_url: '{base}'}}
  - {{name: capex, kind: xbrl_facts, ciks: [789019], data_url: '{base}'}}
  - {{name: notes, kind: local, path: notes}}
""",
        encoding="utf-8",
    )
    return load_sources(path)


def test_record_then_replay_gives_the_same_documents(httpserver, tmp_path):
    base = _serve(httpserver)
    sources = _sources(tmp_path, base)
    recordings = tmp_path / "sources" / "recordings"
    recordings.mkdir()
    (recordings / "kept.html").write_text("kept", encoding="utf-8")
    (recordings / "index.yaml").write_text(
        "# my hand-written index\nrecordings:\n"
        "  - {url: 'https://example.org/kept', file: kept.html, content_type: text/html}\n"
        f"  - {{url: '{base}/news/one/', file: custom/one.html, content_type: text/plain}}\n",
        encoding="utf-8",
    )
    messages: list[str] = []
    with HttpClient(user_agent=UA, sleep=lambda _s: None, rate_limits=False) as live:
        report = record_sources(sources, recordings, client=live, progress=messages.append)

    assert report.skipped_sources == ["notes"]
    assert report.failures == [f"feed: {base}/news/gone/: HTTP 410"]
    assert report.updated == [f"{base}/news/one/"]
    text = (recordings / "index.yaml").read_text(encoding="utf-8")
    assert text.startswith("# my hand-written index\n")
    entries = {e["url"]: e for e in yaml.safe_load(text)["recordings"]}
    assert entries["https://example.org/kept"]["file"] == "kept.html"  # untouched
    one = entries[f"{base}/news/one/"]
    assert one["file"] == "custom/one.html" and one["content_type"].startswith("text/html")
    assert (recordings / "custom" / "one.html").read_text() == PAGE.format(t="one")
    assert entries[f"{base}/feed.xml"]["headers"] == {"ETag": '"f1"'}
    hop = entries[f"{base}/news/two/"]
    assert hop["status"] == 301 and hop["location"] == "/news/two-moved/"
    assert f"{base}/news/gone/" not in entries  # a failure is never recorded
    assert f"{base}/robots.txt" in entries and f"{base}/press?page=2" in entries
    assert f"{base}/submissions/CIK0001513845.json" in entries
    assert f"{base}{FOLDER}/ex99-1.htm" in entries
    assert any(m.startswith("recording edgar") for m in messages)

    # replay what was recorded: the same documents as fetching live
    wh_live, wh_replay = str(tmp_path / "live.duckdb"), str(tmp_path / "replay.duckdb")
    (tmp_path / "sources" / "notes").mkdir()
    (tmp_path / "sources" / "notes" / "n.txt").write_text("note", encoding="utf-8")
    with HttpClient(user_agent=UA, sleep=lambda _s: None, rate_limits=False) as live:
        ingest(sources, wh_live, client=live)
    with HttpClient(
        user_agent=UA, transport=ReplayTransport(recordings), sleep=lambda _s: None
    ) as replay:
        replayed = ingest(sources, wh_replay, client=replay)
    assert replayed.failed_fetches == 1  # the 410 page, missing from the recordings

    def docs(wh):
        with duckdb.connect(wh, read_only=True) as con:
            sql = "select source, url, sha256 from raw.documents order by 1, 2"
            return con.execute(sql).fetchall()

    assert docs(wh_replay) == docs(wh_live)
    assert len(docs(wh_live)) == 7  # 2 feed pages, 1 press page, 6-K + exhibit, facts, note


def test_recording_file_names():
    assert file_for("https://www.datacenterdynamics.com/en/rss/", "application/rss+xml") == (
        "www.datacenterdynamics.com/en/rss.xml"
    )
    assert file_for("https://www.theregister.com/2025/11/03/openai_aws_deal/", "text/html") == (
        "www.theregister.com/2025/11/03/openai_aws_deal.html"
    )
    assert file_for("https://data.sec.gov/submissions/CIK0001769628.json", "application/json") == (
        "data.sec.gov/submissions/CIK0001769628.json"
    )
    assert file_for("https://nebius.com/newsroom?page=2", "text/html; charset=utf-8") == (
        "nebius.com/newsroom__page_2.html"
    )
    assert file_for("http://127.0.0.1:8080/", None) == "127.0.0.1_8080/index.bin"
    assert file_for("https://x.org/a/../b", "text/plain") == "x.org/a/_/b.txt"


def test_a_run_that_records_nothing_leaves_the_index_alone(tmp_path):
    """Offline (here: a closed port), every fetch fails: index.yaml keeps its bytes, comments
    included, instead of being rewritten."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (tmp_path / "s.yaml").write_text(
        f"sources:\n  - {{name: feed, kind: rss, url: 'http://127.0.0.1:{port}/feed.xml'}}\n",
        encoding="utf-8",
    )
    recordings = tmp_path / "recordings"
    recordings.mkdir()
    index = (
        "# hand-written\nrecordings:\n"
        "  - {url: 'https://example.org/a', file: a.html}  # keep this note\n"
    )
    (recordings / "index.yaml").write_text(index, encoding="utf-8")
    with HttpClient(user_agent=UA, sleep=lambda _s: None, rate_limits=False) as live:
        report = record_sources(load_sources(tmp_path / "s.yaml"), recordings, client=live)
    assert report.failures and not (report.written or report.updated)
    assert (recordings / "index.yaml").read_text(encoding="utf-8") == index
