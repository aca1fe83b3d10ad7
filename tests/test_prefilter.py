"""The pre-filter that lets pages skip trafilatura loses no deal, and the pooled stages find
exactly what the full parse + extract finds on every page."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pipelines import documents
from pipelines.extract import prefilter
from pipelines.extract.evaluate import load_documents
from pipelines.extract.gazetteer import Gazetteer
from pipelines.extract.html import parse_document
from pipelines.extract.mentions import extract_mentions
from pipelines.ingest.runner import ingest
from pipelines.ingest.specs import load_sources
from pipelines.synth import generate_corpus
from pipelines.warehouse import connect


def _full(body: bytes, ctype: str | None, url: str, gaz: Gazetteer, **feed) -> list:
    parsed = parse_document(body, ctype, url, **feed)
    return extract_mentions(
        parsed.text,
        title=parsed.title,
        published_at=parsed.published_at.date() if parsed.published_at else None,
        gazetteer=gaz,
    )


def test_prefilter_keeps_every_labelled_document_with_a_mention():
    """On the recorded and development documents, the pre-filter never rejects a page in
    which the full parse + extract finds a mention."""
    gaz = Gazetteer.load()
    checked = rejected = 0
    for _set, name, _genre, _decoy, _deals, _pub, src in load_documents():
        quick = prefilter.quick_parse(src.body, src.content_type, src.url)
        if quick is None:
            continue  # not HTML: always parsed in full
        checked += 1
        if prefilter.may_report_deal(quick[0] or src.feed_title, quick[3], gaz):
            continue
        rejected += 1
        found = _full(
            src.body,
            src.content_type,
            src.url,
            gaz,
            feed_title=src.feed_title,
            feed_published_at=src.feed_published_at,
        )
        assert found == [], f"{name}: pre-filter rejects a page with {found[0].evidence!r}"
    assert checked > 100 and rejected > 5


def test_pooled_stages_find_what_the_full_path_finds(tmp_path, monkeypatch):
    """Two worker processes and the pre-filter give the same mentions as parsing and
    extracting every page in full, one by one."""
    monkeypatch.setattr(documents, "POOL_MIN", 1)  # use the pool even for 80 pages
    monkeypatch.setattr(documents, "CHUNK", 16)  # five chunks, two in flight at a time
    corpus = tmp_path / "corpus"
    generate_corpus(80, corpus, seed=5, deal_fraction=0.2)
    (tmp_path / "sources.yaml").write_text(
        f"sources:\n  - name: synth\n    kind: local\n    path: {corpus}\n"
    )
    warehouse = str(tmp_path / "wh.duckdb")
    ingest(load_sources(tmp_path / "sources.yaml"), warehouse)
    parsed = documents.parse_new_documents(warehouse, workers=2)
    report, _ = documents.extract_new_mentions(warehouse, workers=2)
    assert parsed.processed == report.processed == 80 and not report.failures
    with connect(warehouse, read_only=True) as con:
        pooled = Counter(
            con.execute(
                "select buyer, provider, deal_type, value_usd, evidence from raw.deal_mentions"
            ).fetchall()
        )
        parsers = dict(
            con.execute("select parser, count(*) from raw.parsed_documents group by 1").fetchall()
        )
    gaz = Gazetteer.load()
    reference = Counter(
        (m.buyer, m.provider, m.deal_type, m.value_usd, m.evidence)
        for page in sorted(Path(corpus).rglob("*.html"))
        for m in _full(page.read_bytes(), "text/html", page.resolve().as_uri(), gaz)
    )
    assert pooled == reference and sum(reference.values()) >= 12
    assert parsers.get(prefilter.PARSER_PREFILTER, 0) > 40  # most pages skip trafilatura


def test_pages_filtered_by_an_older_extractor_are_checked_again():
    deal = "Cohere signed a $2bn contract with Vultr for GPU capacity."
    old_tag = prefilter.PREFILTER_PREFIX + "+rules-0.0.1"
    assert old_tag != prefilter.PARSER_PREFILTER
    _, found, error = documents._extract_one(("d1", None, None, deal, old_tag))
    assert error is None and [(m["buyer"], m["provider"]) for m in found] == [("Cohere", "Vultr")]
    news = "Cohere released a new model on Tuesday."
    assert documents._extract_one(("d2", None, None, news, old_tag)) == ("d2", [], None)


def test_a_page_of_one_enormous_paragraph_keeps_its_text():
    """libxml2 drops a text node over 10 MB unless asked not to; the page's whole text would
    vanish and the pre-filter would call a deal page empty."""
    sentence = "Nebius agreed to supply Microsoft with GPU capacity worth $17.4 billion. "
    body = f"<html><body><p>{sentence * 160_000}</p></body></html>".encode()
    assert len(body) > 11_000_000
    title, _published, _source, text = prefilter.quick_parse(body, "text/html", "file:///a.html")
    assert len(text) > 11_000_000
    assert prefilter.may_report_deal(title, text, Gazetteer.load())
