"""The `csi` command line: record, sources check, digest errors."""

from __future__ import annotations

import yaml
from typer.testing import CliRunner

from pipelines.cli import app

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>Lambda signs Microsoft</title><link>{base}/a1</link>
<pubDate>Mon, 03 Nov 2025 10:00:00 GMT</pubDate></item></channel></rss>"""


def test_record_writes_bodies_and_index(httpserver, tmp_path):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed.xml").respond_with_data(
        FEED.format(base=base), content_type="application/rss+xml"
    )
    httpserver.expect_request("/a1").respond_with_data(
        "<html><body><p>Lambda will supply Microsoft.</p></body></html>",
        content_type="text/html",
    )
    sources = tmp_path / "mine.yaml"
    sources.write_text(
        f"sources:\n  - {{name: feed, kind: rss, url: '{base}/feed.xml'}}\n"
        "  - {name: notes, kind: local, path: notes}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["record", "--sources", str(sources)])
    assert result.exit_code == 0, result.output
    index = yaml.safe_load((tmp_path / "recordings" / "index.yaml").read_text(encoding="utf-8"))
    urls = {e["url"] for e in index["recordings"]}
    assert {f"{base}/feed.xml", f"{base}/a1"} <= urls
    for entry in index["recordings"]:
        assert (tmp_path / "recordings" / entry["file"]).exists()


def test_sources_check_reports_bad_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n  - {name: x1, kind: rss, url: 'https://a.org', colour: red}\n")
    result = CliRunner().invoke(app, ["sources", "check", str(bad)])
    assert result.exit_code == 1
    assert "bad.yaml" in result.output and "'colour'" in result.output


def test_sources_check_lists_shipped_sources(tmp_path):
    result = CliRunner().invoke(
        app, ["sources", "check", "--warehouse", str(tmp_path / "none.duckdb")]
    )
    assert result.exit_code == 0, result.output
    assert "dcd_news" in result.output and "never" in result.output


def test_digest_rejects_bad_week(tmp_path):
    result = CliRunner().invoke(
        app, ["digest", "--week", "2025-40", "--warehouse", str(tmp_path / "w.duckdb")]
    )
    assert result.exit_code == 2
    assert "ISO week" in result.output


def test_run_rejects_bad_sources_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n  - {name: feed, kind: telepathy}\n")
    result = CliRunner().invoke(
        app, ["run", "--sources", str(bad), "--warehouse", str(tmp_path / "w.duckdb")]
    )
    assert result.exit_code == 2
    assert "unknown kind 'telepathy'" in result.output
    assert not (tmp_path / "w.duckdb").exists()  # nothing was started


def test_eval_prints_the_table():
    result = CliRunner().invoke(app, ["eval", "--brief"])
    assert result.exit_code == 0, result.output
    assert "precision" in result.output and "F1" in result.output
    assert "value_usd" in result.output and "decoys:" in result.output
