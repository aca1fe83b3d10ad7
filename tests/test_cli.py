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


def test_run_failure_shows_its_cause_and_logs_the_trace(tmp_path):
    """A step that fails says why (here: the warehouse is not a DuckDB file), not only which
    op failed; the run log keeps the whole chain."""
    bad = tmp_path / "notdb.duckdb"
    bad.write_text("hello, I am not a database\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", "--warehouse", str(bad)])
    assert result.exit_code == 1
    assert "✗ source_catalog:" in result.output
    assert "not a valid DuckDB database file" in result.output
    log = (tmp_path / "logs" / "last_run.log").read_text(encoding="utf-8")
    assert "--- source_catalog failed ---" in log and "Stack Trace" in log
    assert bad.read_text(encoding="utf-8") == "hello, I am not a database\n"  # left alone


def test_sources_check_names_a_missing_local_path_and_an_unreadable_warehouse(tmp_path):
    sources = tmp_path / "mine.yaml"
    sources.write_text("sources:\n  - {name: notes, kind: local, path: gone}\n")
    bad = tmp_path / "notdb.duckdb"
    bad.write_text("not a database", encoding="utf-8")
    result = CliRunner().invoke(app, ["sources", "check", str(sources), "--warehouse", str(bad)])
    assert result.exit_code == 1
    assert f"local source 'notes': path {tmp_path / 'gone'} does not exist" in result.output
    assert f"cannot read the fetch history from {bad}" in result.output
    assert "no fetch history yet" not in result.output


def test_messages_keep_their_square_brackets(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n  - {name: My-Notes, kind: local, path: x}\n")
    result = CliRunner().invoke(app, ["sources", "check", str(bad)])
    assert result.exit_code == 1
    assert "[a-z][a-z0-9_]{1,63}" in result.output  # not eaten as console markup


def test_sql_prints_brackets_as_data_and_refuses_an_empty_query(tmp_path):
    import duckdb

    wh = tmp_path / "w.duckdb"
    duckdb.connect(str(wh)).close()
    result = CliRunner().invoke(
        app, ["sql", "select 'a[b]c' as \"[x]\", '[/caption]' as u", "--warehouse", str(wh)]
    )
    assert result.exit_code == 0, result.output
    assert "a[b]c" in result.output and "[/caption]" in result.output and "[x]" in result.output
    for blank in ("", "  ", "/* only a comment */"):
        result = CliRunner().invoke(app, ["sql", blank, "--warehouse", str(wh)])
        assert result.exit_code == 1 and "no statement that returns rows" in result.output
    result = CliRunner().invoke(app, ["sql", "select 1", "--limit", "0", "--warehouse", str(wh)])
    assert result.exit_code == 2


def test_out_must_be_a_folder(tmp_path):
    afile = tmp_path / "notes.txt"
    afile.write_text("keep me", encoding="utf-8")
    for args in (["synth", "--docs", "2"], ["digest", "--week", "2026-W15"]):
        result = CliRunner().invoke(app, [*args, "--out", str(afile)])
        assert result.exit_code == 2 and "is a file: give a folder" in result.output
    assert afile.read_text(encoding="utf-8") == "keep me"
