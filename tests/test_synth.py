"""The synthetic scale corpus: deterministic, labelled with gazetteer companies, parseable."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest

from pipelines.extract.gazetteer import Gazetteer
from pipelines.extract.html import parse_document
from pipelines.extract.mentions import DEAL_TYPES, VALUE_QUALIFIERS
from pipelines.synth import LABELS_FILE, generate_corpus, page_path, read_labels


def _files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.html"))}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("synth")
    report = generate_corpus(400, root, seed=3)
    return root, report, read_labels(root)


def test_same_seed_same_bytes(tmp_path, corpus):
    root, _, _ = corpus
    again = generate_corpus(400, tmp_path / "again", seed=3)
    assert _files(tmp_path / "again") == _files(root)
    assert (tmp_path / "again" / LABELS_FILE).read_bytes() == (root / LABELS_FILE).read_bytes()
    assert again.bytes == sum(len(b) for b in _files(root).values())
    other = generate_corpus(20, tmp_path / "other", seed=4)
    assert other.documents == 20
    differs = _files(tmp_path / "other")
    assert any(differs[k] != v for k, v in _files(root).items() if k in differs)


def test_adding_pages_leaves_earlier_ones_alone(tmp_path, corpus):
    root, _, labels = corpus
    generate_corpus(30, tmp_path, seed=3)
    added = generate_corpus(10, tmp_path, seed=3, start=30)
    assert added.start == 30 and added.labels_path.name != LABELS_FILE
    files = _files(tmp_path)
    assert len(files) == 40
    assert all(files[k] == (root / k).read_bytes() for k in files)
    assert [r["file"] for r in read_labels(tmp_path)] == [r["file"] for r in labels[:40]]


def test_layout_and_folders(corpus):
    root, report, labels = corpus
    assert report.documents == len(labels) == 400
    assert [r["file"] for r in labels] == [page_path(i) for i in range(400)]
    assert page_path(12_345) == "0012/0012345.html"
    assert set(report.layouts) == {"wire", "trade", "techblog", "newspaper", "newsletter"}
    assert min(report.layouts.values()) > 40
    kinds = Counter(r["kind"] for r in labels)
    assert kinds["news"] > kinds["hard_negative"] > 10


@pytest.mark.parametrize("fraction", [0.07, 0.2])
def test_deal_fraction_within_bounds(tmp_path, fraction):
    report = generate_corpus(300, tmp_path, seed=1, deal_fraction=fraction)
    assert abs(report.deal_documents - 300 * fraction) <= 1
    labels = read_labels(tmp_path)
    assert sum(bool(r["deals"]) for r in labels) == report.deal_documents
    assert report.deals >= report.deal_documents


def test_default_fraction_is_between_5_and_10_percent(corpus):
    _, report, _ = corpus
    assert 0.05 <= report.deal_fraction <= 0.10


def test_labelled_deals_name_gazetteer_companies(corpus):
    _, report, labels = corpus
    gaz = Gazetteer.load()
    deals = [d for r in labels for d in r["deals"]]
    assert len(deals) == report.deals > 20
    for d in deals:
        assert d["buyer"] in gaz and d["provider"] in gaz, d
        assert gaz.get(d["buyer"]).name == d["buyer"]  # canonical, not an alias
        assert d["buyer"] != d["provider"]
        assert d["deal_type"] in DEAL_TYPES
        assert d["value_qualifier"] in (*VALUE_QUALIFIERS, None)
        assert (d["value_usd"] is None) == (d["value_qualifier"] is None)
        if d["value_usd"] is not None:
            assert 1e8 <= d["value_usd"] <= 1e12
    by_key: dict[str, dict] = {}
    for d in deals:  # every page reporting a deal labels it the same way
        assert by_key.setdefault(d["deal_key"], d) == d
    assert report.distinct_deals == len(by_key) < report.deals  # outlets report the same deal


def test_deal_variety(tmp_path):
    report = generate_corpus(160, tmp_path, seed=2, deal_fraction=1.0)
    assert report.deal_documents == 160 and report.distinct_deals >= 35
    assert len(report.deal_types) == 5, report.deal_types
    qualifiers = Counter(
        d["value_qualifier"] for r in read_labels(tmp_path) for d in r["deals"] if d["value_usd"]
    )
    assert set(qualifiers) == set(VALUE_QUALIFIERS)


def test_pages_parse(corpus):
    root, _, labels = corpus
    seen = set()
    for lab in labels:
        if (lab["layout"], bool(lab["deals"])) in seen:
            continue
        seen.add((lab["layout"], bool(lab["deals"])))
        body = (root / lab["file"]).read_bytes()
        parsed = parse_document(body, "text/html", (root / lab["file"]).as_uri())
        assert parsed.title and len(parsed.text) > 200, lab["file"]
        assert parsed.published_at is not None
        assert parsed.published_at.date() == date.fromisoformat(lab["published"]), lab["file"]
        # the boilerplate is there in the page, and gone from the main text
        assert b"cookie" in body and "cookies" not in parsed.text
        for d in lab["deals"][:1]:
            words = parsed.text.replace("Microsoft Azure", "Microsoft").replace("Web Services", "")
            assert d["provider"].split()[0] in words or d["buyer"].split()[0] in words
    assert {layout for layout, _ in seen} == {
        "wire",
        "trade",
        "techblog",
        "newspaper",
        "newsletter",
    }
    assert len(seen) >= 8


def test_labels_file_is_json_lines(corpus):
    root, _, _ = corpus
    lines = (root / LABELS_FILE).read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    assert set(first) == {"file", "index", "layout", "kind", "category", "published", "deals"}
    deal = next(json.loads(x) for x in lines if json.loads(x)["deals"])["deals"][0]
    assert deal["deal_key"].startswith("3:") and deal["announced_on"]


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="deal_fraction"):
        generate_corpus(1, tmp_path, deal_fraction=1.5)
    with pytest.raises(ValueError, match="n_docs"):
        generate_corpus(-1, tmp_path)
