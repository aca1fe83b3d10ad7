"""Hostile files and settings: oversized and looping local sources, odd encodings, hidden
characters, pages nested too deep, a warehouse held by another program, a full disk,
sources that would fail only at run time, and the dbt target folder."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.documents import _extract_one, _init_worker, _parse_one, _write_mentions
from pipelines.ingest.connectors import iter_local, list_local
from pipelines.ingest.specs import LocalSpec, SourcesFile
from pipelines.warehouse import WarehouseBusy, _open_writer, connect

DEAL = (
    "{a} today announced a five-year agreement to provide {b} with GPU capacity worth $1.4 billion."
)


def _local(tmp_path: Path, path: str, **extra) -> tuple[LocalSpec, SourcesFile]:
    spec = LocalSpec(name="notes", kind="local", path=path, **extra)
    return spec, SourcesFile(sources=[spec], path=tmp_path / "sources.yaml")


def test_a_file_over_the_cap_is_skipped_with_its_reason(tmp_path):
    (tmp_path / "small.md").write_text("# fine\nsmall", encoding="utf-8")
    (tmp_path / "big.html").write_bytes(b"<p>" + b"x" * 5000 + b"</p>")
    spec, sources = _local(tmp_path, str(tmp_path), max_file_bytes=1000)
    harvest = next(iter_local(spec, sources))
    assert [Path(d.url).name for d in harvest.documents] == ["small.md"]
    skipped = [e for e in harvest.log if e.outcome == "skipped"]
    assert len(skipped) == 1 and "over the source's max_file_bytes (1,000)" in skipped[0].error


def test_the_default_cap_is_20_mb():
    assert LocalSpec(name="n1", kind="local", path=".").max_file_bytes == 20 * 1024 * 1024


def test_a_glob_over_symlink_loops_ends_and_lists_each_file_once(tmp_path):
    root = tmp_path / "notes"
    (root / "a" / "deep").mkdir(parents=True)
    (root / "a" / "one.md").write_text("one", encoding="utf-8")
    (root / "a" / "deep" / "two.md").write_text("two", encoding="utf-8")
    (root / "a" / "loop").symlink_to(root)  # a/loop -> notes
    (root / "b").symlink_to(root / "a")  # b -> a
    (root / "a" / "deep" / "up").symlink_to(root / "a")  # a cycle inside a
    spec, sources = _local(tmp_path, str(root / "**" / "*.md"))
    _, files = list_local(spec, sources)
    names = sorted(Path(f.path).name for f in files)
    assert names == ["one.md", "two.md"]
    spec, sources = _local(tmp_path, str(root / "a" / "*.md"))  # '*' stays in its folder
    assert [Path(f.path).name for f in list_local(spec, sources)[1]] == ["one.md"]


def _parse_and_extract(body: bytes, content_type: str, url: str = "http://x.example/a"):
    _init_worker()
    row, warning = _parse_one(("d", url, content_type, None, None, datetime(2025, 9, 8), body))
    doc_id, title, published, _source, text, _n, parser, _at = row
    _, mentions, error = _extract_one((doc_id, title, published, text, parser))
    assert error is None
    return text, [(m["buyer"], m["provider"]) for m in mentions], warning


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read(encoding):
    body = DEAL.format(a="Nebius", b="Microsoft").encode(encoding)
    text, deals, _ = _parse_and_extract(body, "text/plain", "file:///notes/a.txt")
    assert "\x00" not in text
    assert deals == [("Microsoft", "Nebius")]


@pytest.mark.parametrize(
    "a, b",
    [
        ("\u202bNebius\u202c", "\u200fMicrosoft\u200f"),  # right-to-left embedding and marks
        ("Core\u200bWeave", "Me\u00adta"),  # a zero-width space, a soft hyphen
        ("\u2067Nebius\u2069", "\ufeffMicrosoft"),  # isolates, a stray BOM
    ],
)
def test_hidden_characters_do_not_split_or_hide_a_company(a, b):
    html = f"<html><body><article><p>{DEAL.format(a=a, b=b)}</p></article></body></html>"
    _, deals, _ = _parse_and_extract(html.encode(), "text/html")
    assert len(deals) == 1
    buyer, provider = deals[0]
    assert {buyer, provider} <= {"Microsoft", "Nebius", "Meta", "CoreWeave"}


def test_a_page_nested_too_deep_keeps_its_text():
    inner = DEAL.format(a="Nebius", b="Microsoft") + " More about the market. " * 10
    html = "<html><body>" + "<div>" * 100_000 + f"<p>{inner}</p>" + "</div>" * 100_000
    text, deals, _ = _parse_and_extract(html.encode(), "text/html")
    assert "Nebius today announced" in text and deals == [("Microsoft", "Nebius")]


def test_a_parse_that_loses_the_text_says_so(monkeypatch):
    """When every parser comes back empty from a page full of text, the stage says so."""
    import pipelines.documents as stages
    from pipelines.extract.html import ParsedDocument

    def lose_everything(body, content_type, url, **_kw):
        return ParsedDocument(title="t", published_at=None, published_from=None, text="",
                              parser="test")  # fmt: skip

    monkeypatch.setattr(stages, "parse_document", lose_everything)
    monkeypatch.setattr(stages, "quick_parse", lambda *a: None)
    html = "<html><body><p>" + DEAL.format(a="Nebius", b="Microsoft") * 5 + "</p></body></html>"
    text, deals, warning = _parse_and_extract(html.encode(), "text/html")
    assert text == "" and deals == []
    assert "kept no text" in warning and "characters of text" in warning


def test_a_writer_waits_for_another_programs_connection(tmp_path):
    path = tmp_path / "w.duckdb"
    duckdb.connect(str(path)).close()
    code = (
        "import duckdb, sys, time\n"
        f"c = duckdb.connect({str(path)!r}, read_only=True)\n"
        "print('held', flush=True); sys.stdin.readline()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseBusy, match=f"PID {holder.pid}"):
            _open_writer(path, timeout=0.3)
        released: list[float] = []

        def release_then_wait(seconds: float) -> None:
            if not released:  # let the holder go on the first wait
                holder.stdin.write("\n")
                holder.stdin.flush()
                holder.wait()
            released.append(seconds)

        con = _open_writer(path, timeout=30, sleep=release_then_wait)
        con.close()
        assert released  # it waited, then opened
    finally:
        holder.kill()
        holder.wait()


class _FullDisk:
    """A connection whose commit fails as on a full disk, ending the transaction."""

    def __init__(self, con):
        self.con = con

    def register(self, *a):
        return self.con.register(*a)

    def unregister(self, *a):
        return self.con.unregister(*a)

    def execute(self, sql, *a):
        if sql == "commit":
            self.con.execute("rollback")
            raise duckdb.IOException('Could not write file "w.duckdb.wal": No space left on device')
        if sql == "rollback":
            raise duckdb.TransactionException("cannot rollback - no transaction is active")
        return self.con.execute(sql, *a)


def test_a_full_disk_reports_the_real_cause(tmp_path):
    path = tmp_path / "w.duckdb"
    from pipelines.warehouse import ensure_raw_schema

    ensure_raw_schema(path)
    with connect(path) as con, pytest.raises(duckdb.IOException, match="No space left"):
        _write_mentions(_FullDisk(con), [], [("d", 0, "v", datetime(2025, 1, 1))], datetime.now())


@pytest.mark.parametrize(
    "entry, message",
    [
        ("{name: feed, kind: rss, url: 'http://'}", "URL has no host"),
        ('{name: feed, kind: rss, url: "https://a.example/x\\nb"}', "whitespace or a control"),
        ("{name: feed, kind: rss, url: 'https://a.example/', rate_limit_per_s: 0.0000001}",
         "rate_limit_per_s"),
        ("{name: idx, kind: html_index, url: 'https://a.example/', link_selector: 'a[href'}",
         "invalid CSS selector"),
        ("{name: idx, kind: html_index, url: 'https://a.example/', link_selector: 'a',"
         " next_selector: 'li >> a'}", "invalid CSS selector"),
    ],
)  # fmt: skip
def test_sources_check_refuses_what_would_fail_at_run_time(tmp_path, entry, message):
    path = tmp_path / "sources.yaml"
    path.write_text(f"sources:\n  - {entry}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["sources", "check", str(path)])
    assert result.exit_code != 0
    assert message in result.output, result.output


def test_dbt_run_folders_are_pruned(tmp_path):
    from pipelines.defs.dbt import prune_invocation_targets

    target = tmp_path / "target"
    for name in ("warehouse_models-aaa", "warehouse_models-bbb", "warehouse_models-ccc"):
        (target / name).mkdir(parents=True)
        (target / name / "run_results.json").write_text("{}", encoding="utf-8")
    (target / "manifest.json").write_text("{}", encoding="utf-8")
    assert prune_invocation_targets(target / "warehouse_models-ccc") == 2
    assert sorted(os.listdir(target)) == ["manifest.json", "warehouse_models-ccc"]


def test_a_failed_digest_email_makes_the_run_exit_non_zero(tmp_path):
    import typer

    from pipelines.cli import _exit_if_email_failed
    from pipelines.digest.delivery import DELIVERIES_DDL
    from pipelines.warehouse import ensure_raw_schema

    path = tmp_path / "w.duckdb"
    ensure_raw_schema(path)
    with connect(path) as con:
        con.execute(DELIVERIES_DDL)
        con.execute(
            "insert into raw.digest_deliveries values "
            "('2026-W15', now(), 'sent', 'a@example.com', null), "
            "('2026-W16', now(), 'failed', 'a@example.com', 'Connection refused')"
        )
    with pytest.raises(typer.Exit) as stop:
        _exit_if_email_failed(str(path))
    assert stop.value.exit_code == 3
    with connect(path) as con:
        con.execute(
            "insert into raw.digest_deliveries values "
            "('2026-W16', now() + interval 1 minute, 'sent', 'a@example.com', null)"
        )
    _exit_if_email_failed(str(path))  # sent on retry: nothing to report
