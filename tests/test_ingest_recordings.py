"""The shipped recordings: complete, consistent with the labels, and replayed without a miss."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest
import yaml

from pipelines.ingest.http import ReplayTransport, _normalise
from pipelines.ingest.runner import SHIPPED_SOURCES, ingest
from pipelines.ingest.specs import load_sources

RECORDINGS = SHIPPED_SOURCES.parent / "recordings"
ROOT = SHIPPED_SOURCES.parents[1]


def _index() -> list[dict]:
    return yaml.safe_load((RECORDINGS / "index.yaml").read_text(encoding="utf-8"))["recordings"]


def _labels() -> list[dict]:
    return yaml.safe_load((RECORDINGS / "labels.yaml").read_text(encoding="utf-8"))["documents"]


def test_index_entries_are_unique_and_their_files_exist():
    entries = _index()
    urls = Counter(_normalise(e["url"]) for e in entries)
    assert [u for u, n in urls.items() if n > 1] == []
    missing = [e["file"] for e in entries if not (RECORDINGS / e["file"]).is_file()]
    assert missing == []
    ReplayTransport(RECORDINGS)  # loads


def test_labels_name_recorded_documents_and_cover_enough_deals():
    urls = {_normalise(e["url"]) for e in _index()}
    docs = _labels()
    for doc in docs:
        if "url" in doc:
            assert _normalise(doc["url"]) in urls, doc["url"]
        else:
            assert (ROOT / doc["path"]).is_file(), doc["path"]
        assert doc.get("genre", "news") in ("news", "press_release", "filing")
    deals = {
        (d["buyer"], d["provider"], d["deal_type"], str(d["announced_on"])[:7])
        for doc in docs
        for d in doc["deals"]
    }
    assert len(deals) >= 25  # distinct real deals
    assert sum(1 for doc in docs if doc["decoy"]) >= 10
    # the same deal reported by news, a press release and a filing
    genres: dict[tuple, set[str]] = {}
    for doc in docs:
        for d in doc["deals"]:
            key = (d["buyer"], d["provider"], d["deal_type"], str(d["announced_on"])[:7])
            genres.setdefault(key, set()).add(doc.get("genre", "news"))
    assert sum(1 for g in genres.values() if {"news", "filing"} <= g) >= 5
    assert any(g == {"news", "press_release", "filing"} for g in genres.values())


@pytest.fixture(scope="module")
def replayed(tmp_path_factory):
    wh = str(tmp_path_factory.mktemp("replay") / "wh.duckdb")
    sources = load_sources(SHIPPED_SOURCES)
    first = ingest(sources, wh)
    second = ingest(sources, wh)
    return wh, first, second


def test_every_shipped_source_replays_without_a_failure(replayed):
    wh, first, second = replayed
    assert first.mode == "replay"
    assert {o.source: o.errors for o in first.outcomes if o.errors} == {}
    kinds = {s.kind for s in load_sources(SHIPPED_SOURCES).sources}
    assert kinds == {"rss", "html_index", "sec_edgar", "xbrl_facts", "local"}
    assert all(o.new_documents > 0 for o in first.outcomes)
    # second run: nothing new; pages with an ETag answer 304, the others come back identical,
    # and local files whose size and mtime did not change are not read at all
    assert second.new_documents == 0 and second.failed_fetches == 0
    local = next(o for o in second.outcomes if o.source == "analyst_notes")
    assert local.existing_documents == 8
    with duckdb.connect(wh, read_only=True) as con:
        outcomes = dict(
            con.execute(
                "select outcome, count(*) from raw.fetch_log where run_id = ? group by 1",
                [second.run_id],
            ).fetchall()
        )
    assert outcomes["unchanged"] + outcomes["duplicate"] == first.new_documents - 8
    with duckdb.connect(wh, read_only=True) as con:
        (misses,) = con.execute(
            "select count(*) from raw.fetch_log where error is not null"
        ).fetchone()
        filings = con.execute(
            "select url, feed_title, feed_published_at from raw.documents "
            "where source = 'edgar_current_reports' order by url"
        ).fetchall()
    assert misses == 0
    titled = {u.rsplit("/", 1)[1]: (t, str(p)) for u, t, p in filings}
    assert titled["crwv-20250930.htm"] == (
        "8-K CoreWeave, Inc. Items 8.01",
        "2025-09-30 00:00:00",
    )
    assert titled["q3fy26pr.htm"][0] == "8-K NVIDIA CORP EX-99.1"  # found via the HTML index


def test_every_labelled_recording_is_fetched(replayed):
    wh, _, _ = replayed
    with duckdb.connect(wh, read_only=True) as con:
        fetched = {
            _normalise(u) for (u,) in con.execute("select url from raw.documents").fetchall()
        }
    labelled = {_normalise(d["url"]) for d in _labels() if "url" in d}
    assert labelled - fetched == set()


def test_capex_facts_replay_as_tidy_rows(replayed):
    wh, first, second = replayed
    assert first.facts == second.facts == 15
    with duckdb.connect(wh, read_only=True) as con:
        (rows,) = con.execute("select count(*) from raw.xbrl_facts").fetchone()
        latest = con.execute(
            """
            select company, period_end, value from raw.xbrl_facts
            where concept = 'PaymentsToAcquirePropertyPlantAndEquipment' and form = '10-K'
            qualify row_number() over (partition by cik order by period_end desc, filed desc) = 1
            order by cik
            """
        ).fetchall()
    assert rows == 15  # the second run upserted, it did not duplicate
    assert [(c, str(e), v) for c, e, v in latest] == [
        ("MICROSOFT CORPORATION", "2025-06-30", 64551000000.0),
        ("AMAZON.COM, INC.", "2024-12-31", 82999000000.0),
        ("Meta Platforms, Inc.", "2024-12-31", 37256000000.0),
        ("ORACLE CORPORATION", "2025-05-31", 21215000000.0),
        ("Alphabet Inc.", "2024-12-31", 52535000000.0),
    ]


def test_readme_names_every_recorded_host():
    readme = (RECORDINGS / "README.md").read_text(encoding="utf-8")
    hosts = {e["file"].split("/", 1)[0] for e in _index()}
    assert [h for h in sorted(hosts) if h not in readme] == []


def test_missing_body_file_fails_only_that_url(tmp_path):
    (tmp_path / "index.yaml").write_text(
        "recordings:\n  - {url: 'https://x.example/a', file: gone.html}\n", encoding="utf-8"
    )
    from pipelines.ingest.http import HttpClient

    with HttpClient(transport=ReplayTransport(tmp_path), respect_robots=False) as c:
        result = c.fetch("https://x.example/a")
    assert result.error == "recording's body file is missing" and result.status == 404
    assert Path(tmp_path / "gone.html").exists() is False


def test_sources_readme_example_validates(tmp_path):
    import re

    text = (SHIPPED_SOURCES.parent / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    parsed = load_sources(path)
    assert [s.kind for s in parsed.sources] == [
        "rss",
        "html_index",
        "sec_edgar",
        "xbrl_facts",
        "local",
    ]


def test_no_recording_is_git_ignored():
    """A recording git ignores would be missing from a fresh clone (e.g. EDGAR's .../data/)."""
    import shutil
    import subprocess

    git = shutil.which("git")
    inside = git and subprocess.run(
        [git, "-C", str(ROOT), "rev-parse", "--is-inside-work-tree"], capture_output=True
    )
    if not inside or inside.returncode != 0:
        pytest.skip("not a git checkout")
    files = [str(RECORDINGS / e["file"]) for e in _index()]
    ignored = subprocess.run(
        [git, "-C", str(ROOT), "check-ignore", "--no-index", *files],
        capture_output=True,
        text=True,
    ).stdout.split()
    assert ignored == []
