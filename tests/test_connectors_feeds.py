"""rss (Atom), html_index (pagination) and local connectors against real servers and files."""

from __future__ import annotations

import duckdb

from pipelines.ingest.connectors import collect_html_index, collect_local
from pipelines.ingest.http import HttpClient
from pipelines.ingest.runner import ingest
from pipelines.ingest.specs import HtmlIndexSpec, load_sources

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>Data centre</title><id>tag:test,2026:dc</id><updated>2025-11-18T12:00:00Z</updated>
  <link rel="self" href="{base}/dc.atom"/>
  <entry><title type="html">Anthropic &amp; Microsoft: $30bn of Azure</title>
    <id>tag:test,2025:a1</id><link rel="alternate" type="text/html" href="{base}/a1"/>
    <published>2025-11-18T16:40:00Z</published><updated>2025-11-18T17:00:00Z</updated>
    <summary type="html">&lt;p&gt;Anthropic commits to Azure&lt;/p&gt;</summary></entry>
  <entry><title>OpenAI signs AWS</title><id>tag:test,2025:a2</id>
    <link href="{base}/a2"/><updated>2025-11-03T14:05:00Z</updated>
    <content type="html">&lt;p&gt;OpenAI will rent capacity from AWS.&lt;/p&gt;</content></entry>
</feed>"""
PAGE = "<html><head><title>{t}</title></head><body><article><p>{t}</p></article></body></html>"


def _client() -> HttpClient:
    return HttpClient(sleep=lambda _s: None, rate_limits=False, respect_robots=False)


def test_atom_feed_follows_entry_links(httpserver, tmp_path):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/dc.atom").respond_with_data(
        ATOM.format(base=base), content_type="application/atom+xml"
    )
    for slug in ("a1", "a2"):
        httpserver.expect_request(f"/{slug}").respond_with_data(
            PAGE.format(t=slug), content_type="text/html"
        )
    path = tmp_path / "s.yaml"
    path.write_text(f"sources:\n  - {{name: reg, kind: rss, url: '{base}/dc.atom'}}\n")
    wh = str(tmp_path / "wh.duckdb")
    with _client() as c:
        report = ingest(load_sources(path), wh, client=c)
    assert report.new_documents == 2 and report.failed_fetches == 0
    with duckdb.connect(wh, read_only=True) as con:
        rows = con.execute(
            "select url, feed_title, feed_published_at from raw.documents order by url"
        ).fetchall()
    assert [(r[0].rsplit("/", 1)[1], r[1]) for r in rows] == [
        ("a1", "Anthropic & Microsoft: $30bn of Azure"),
        ("a2", "OpenAI signs AWS"),
    ]
    # <published> wins over <updated>; an entry with only <updated> uses it
    assert [str(r[2]) for r in rows] == ["2025-11-18 16:40:00", "2025-11-03 14:05:00"]


def test_atom_feed_without_follow_links_keeps_entry_content(httpserver):
    from pipelines.ingest.connectors import collect_rss
    from pipelines.ingest.specs import RssSpec

    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/dc.atom").respond_with_data(ATOM.format(base=base))
    spec = RssSpec(name="reg", kind="rss", url=f"{base}/dc.atom", follow_links=False, max_items=2)
    with _client() as c:
        harvest = collect_rss(spec, c, {})
    bodies = [d.body.decode() for d in harvest.documents]
    assert "<p>Anthropic commits to Azure</p>" in bodies[0]
    assert "<p>OpenAI will rent capacity from AWS.</p>" in bodies[1]


LISTING = """<html><body><header><a class="press-link" href="/about">About</a></header>
<main><ul class="releases">{items}</ul>{next}</main>
<footer><a href="/press/old-1">Footer link, not a release</a></footer></body></html>"""


def _listing(items: list[str], next_href: str | None) -> str:
    lis = "".join(f'<li><a class="release" href="{href}">{href}</a></li>' for href in items)
    nxt = f'<nav class="pager"><a class="next" rel="next" href="{next_href}">Next</a></nav>'
    return LISTING.format(items=lis, next=nxt if next_href else "")


def test_html_index_follows_pagination_up_to_max_pages(httpserver):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/press", query_string="").respond_with_data(
        _listing(["/press/one", "/press/two"], "/press?page=2")
    )
    httpserver.expect_request("/press", query_string="page=2").respond_with_data(
        _listing(["/press/two", f"{base}/press/three"], "?page=3")
    )
    httpserver.expect_request("/press", query_string="page=3").respond_with_data(
        _listing(["/press/four"], None)
    )
    for slug in ("one", "two", "three", "four"):
        httpserver.expect_request(f"/press/{slug}").respond_with_data(PAGE.format(t=slug))
    spec = HtmlIndexSpec(
        name="press",
        kind="html_index",
        url=f"{base}/press",
        link_selector="ul.releases a.release",
        next_selector="a.next",
        max_pages=2,
    )
    with _client() as c:
        harvest = collect_html_index(spec, c, {})
    # two listing pages read (max_pages), links made absolute and de-duplicated
    assert [d.url.rsplit("/", 1)[1] for d in harvest.documents] == ["one", "two", "three"]
    assert [e.url.removeprefix(base) for e in harvest.log[:2]] == ["/press", "/press?page=2"]
    requested = [r.full_path.rstrip("?") for r, _ in httpserver.log]
    assert "/press?page=3" not in requested and "/press/four" not in requested


def test_html_index_stops_when_there_is_no_next_link(httpserver):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/news").respond_with_data(_listing(["/news/a"], None))
    httpserver.expect_request("/news/a").respond_with_data(PAGE.format(t="a"))
    spec = HtmlIndexSpec(
        name="news",
        kind="html_index",
        url=f"{base}/news",
        link_selector="a.release",
        next_selector="a.next",
        max_pages=5,
    )
    with _client() as c:
        harvest = collect_html_index(spec, c, {})
    assert len(harvest.documents) == 1 and len(harvest.log) == 2


def test_local_folder_glob_and_extensions(tmp_path):
    folder = tmp_path / "deals"
    (folder / "sub").mkdir(parents=True)
    (tmp_path / "empty").mkdir()
    (folder / "a.md").write_text("# A\ntext", encoding="utf-8")
    (folder / "sub" / "b.html").write_text("<p>b</p>", encoding="utf-8")
    (folder / "c.pdf").write_bytes(b"%PDF-1.4")  # not a listed extension
    (folder / "d.TXT").write_text("upper-case extension", encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(
        "sources:\n  - {name: folder, kind: local, path: deals}\n"
        "  - {name: only_md, kind: local, path: 'deals/**/*.md'}\n"
        "  - {name: missing, kind: local, path: nowhere}\n"
        "  - {name: empty, kind: local, path: empty}\n",
        encoding="utf-8",
    )
    sources = load_sources(path)
    folder_docs = collect_local(sources.sources[0], sources).documents
    assert sorted(d.url.rsplit("/", 1)[1] for d in folder_docs) == ["a.md", "b.html", "d.TXT"]
    assert {d.content_type for d in folder_docs} == {"text/markdown", "text/html", "text/plain"}
    assert [
        d.url.rsplit("/", 1)[1] for d in collect_local(sources.sources[1], sources).documents
    ] == ["a.md"]
    wh = str(tmp_path / "wh.duckdb")
    report = ingest(sources, wh)
    by_source = {o.source: o for o in report.outcomes}
    assert by_source["folder"].new_documents == 3
    assert by_source["missing"].errors == [
        f"nowhere: local path {tmp_path / 'nowhere'} does not exist"  # said once
    ]
    assert "no files with extensions" in by_source["empty"].errors[0]
    with duckdb.connect(wh, read_only=True) as con:
        rows = dict(
            con.execute(
                "select source, outcome || ': ' || error from raw.fetch_log "
                "where source in ('missing', 'empty')"
            ).fetchall()
        )
    assert rows["missing"].startswith("error: local path") and "does not exist" in rows["missing"]
    assert rows["empty"].startswith("error: local path") and "no files" in rows["empty"]


def test_local_folder_with_an_unlistable_subfolder_and_a_dangling_link(tmp_path, monkeypatch):
    """One bad corner of a folder costs only that corner: the rest is stored, and each
    problem is logged with its path."""
    import os

    folder = tmp_path / "notes"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "hidden.md").write_text("# hidden", encoding="utf-8")
    (folder / "good.md").write_text("# Good\nNebius and Microsoft", encoding="utf-8")
    (folder / "gone.md").symlink_to(tmp_path / "nonexistent.md")
    real_scandir = os.scandir

    def scandir(path):  # root can read any folder: refuse this one as the kernel would
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    path = tmp_path / "s.yaml"
    path.write_text("sources:\n  - {name: notes, kind: local, path: notes}\n", encoding="utf-8")
    wh = str(tmp_path / "wh.duckdb")
    (out,) = ingest(load_sources(path), wh).outcomes
    assert (out.new_documents, out.failed_fetches) == (1, 2)
    assert sorted(out.errors) == [
        f"{(folder / 'gone.md').as_uri()}: cannot read: No such file or directory",
        f"{(folder / 'locked').as_uri()}: cannot list folder: Permission denied",
    ]
    with duckdb.connect(wh, read_only=True) as con:
        stored = con.execute("select url from raw.documents").fetchall()
        logged = con.execute(
            "select count(*) from raw.fetch_log where outcome = 'error'"
        ).fetchone()[0]
    assert stored == [((folder / "good.md").as_uri(),)] and logged == 2


def test_local_folder_in_batches_rereads_only_changed_files(tmp_path, monkeypatch):
    import os

    import pipelines.ingest.connectors as connectors

    monkeypatch.setattr(connectors, "LOCAL_BATCH", 2)  # 5 files -> 3 committed batches
    folder = tmp_path / "notes"
    folder.mkdir()
    for i in range(5):
        (folder / f"n{i}.md").write_text(f"# Note {i}\nbody {i}", encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text("sources:\n  - {name: notes, kind: local, path: notes}\n", encoding="utf-8")
    sources = load_sources(path)
    wh = str(tmp_path / "wh.duckdb")
    messages: list[str] = []
    first = ingest(sources, wh, progress=messages.append)
    assert first.new_documents == 5
    assert [m for m in messages if "files read" in m] == [
        "notes: 2 files read, 2 new",
        "notes: 4 files read, 4 new",
        "notes: 5 files read, 5 new",
    ]

    # a file that is not read again cannot fail: an unreadable but unchanged file is skipped
    (folder / "n0.md").chmod(0)
    # one file changes (new content, later mtime), one file is new
    (folder / "n1.md").write_text("# Note 1\nrevised body", encoding="utf-8")
    st = (folder / "n1.md").stat()
    os.utime(folder / "n1.md", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    (folder / "n5.md").write_text("# Note 5\nnew", encoding="utf-8")
    try:
        second = ingest(sources, wh)
    finally:
        (folder / "n0.md").chmod(0o644)
    (out,) = second.outcomes
    assert (out.new_documents, out.existing_documents, out.failed_fetches) == (2, 4, 0)
    with duckdb.connect(wh, read_only=True) as con:
        read = con.execute(
            "select url, outcome from raw.fetch_log where run_id = ? order by url",
            [second.run_id],
        ).fetchall()
        (docs,) = con.execute("select count(*) from raw.documents").fetchone()
    # the listing, then only the two files that were read
    assert sorted((u.rsplit("/", 1)[1], o) for u, o in read) == [
        ("n1.md", "stored"),
        ("n5.md", "stored"),
        ("notes", "ok"),
    ]
    assert docs == 7  # the revised note is a new document; its first version stays

    # a stored document deleted by hand is read again even though its file did not change
    with duckdb.connect(wh) as con:
        con.execute("delete from raw.documents where url like '%/n2.md'")
    third = ingest(sources, wh)
    assert third.new_documents == 1
