"""Sources files: valid ones load, bad ones fail naming file, source and field."""

from __future__ import annotations

import pytest

from pipelines.ingest.runner import SHIPPED_SOURCES
from pipelines.ingest.specs import LocalSpec, SourcesError, load_sources


def write(tmp_path, text: str):
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_sources_load():
    parsed = load_sources(SHIPPED_SOURCES)
    kinds = {s.kind for s in parsed.sources}
    assert {"rss", "local"} <= kinds


def test_every_kind_validates(tmp_path):
    parsed = load_sources(
        write(
            tmp_path,
            """
sources:
  - {name: feed, kind: rss, url: 'https://example.com/feed.xml', follow_links: false}
  - {name: press, kind: html_index, url: 'https://example.com/press', link_selector: 'a.pr',
     max_pages: 3}
  - {name: edgar, kind: sec_edgar, ciks: [1769628], forms: [8-K], since: 2023-01-01}
  - {name: capex, kind: xbrl_facts, ciks: [1326801]}
  - {name: mine, kind: local, path: notes}
""",
        )
    )
    assert [s.document_genre for s in parsed.sources] == [
        "news",
        "press_release",
        "filing",
        "filing",
        "news",
    ]
    local = parsed.sources[-1]
    assert isinstance(local, LocalSpec)
    assert parsed.resolve_local(local) == tmp_path / "notes"


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            "sources:\n  - {name: feed, kind: rss, url: 'https://x.org/f', colour: red}\n",
            ["mine.yaml", "source 'feed' (entry 1)", "field 'colour'", "unknown key"],
        ),
        (
            "sources:\n  - {name: feed, kind: rss, url: 'ftp://x.org/f'}\n",
            ["source 'feed'", "field 'url'"],
        ),
        (
            "sources:\n  - {name: ok, kind: local, path: a}\n  - {name: Bad Name, kind: local, "
            "path: b}\n",
            ["source 'Bad Name' (entry 2)", "field 'name'"],
        ),
        (
            "sources:\n  - {name: feed, kind: telepathy}\n",
            ["source 'feed' (entry 1)", "unknown kind 'telepathy'"],
        ),
        (
            "sources:\n  - {name: feed, kind: rss, url: 'https://x.org', rate_limit_per_s: 50}\n",
            ["field 'rate_limit_per_s'"],
        ),
        (
            "sources:\n  - {name: aa, kind: local, path: x}\n"
            "  - {name: aa, kind: local, path: y}\n",
            ["duplicate source name 'aa' (entries 1 and 2 of the sources list)"],
        ),
        ("sources: [\n", ["mine.yaml", "not valid YAML", 'in "', 'mine.yaml", line 2']),
        (
            "sources:\n  - {name: notes, kind: local, path: x, extensions: []}\n",
            ["field 'extensions'"],
        ),
    ],
)
def test_bad_files_name_file_source_and_field(tmp_path, body, expected):
    with pytest.raises(SourcesError) as info:
        load_sources(write(tmp_path, body))
    message = str(info.value)
    for part in expected:
        assert part in message, message


def test_missing_file(tmp_path):
    with pytest.raises(SourcesError, match="not found"):
        load_sources(tmp_path / "nope.yaml")


def test_a_folder_or_non_utf8_file_is_refused_by_name(tmp_path):
    with pytest.raises(SourcesError, match="is a folder"):
        load_sources(tmp_path)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe bad bytes\n")
    with pytest.raises(SourcesError) as info:
        load_sources(binary)
    assert str(info.value).startswith(f"{binary}: not UTF-8 text (byte b'\\xff' at offset 0)")
