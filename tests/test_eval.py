"""The evaluator itself (pipelines/extract/evaluate.py): labels files, matching, scoring."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest

from pipelines.extract.evaluate import (
    Deal,
    LabelsError,
    Scores,
    company_key,
    evaluate,
    field_correct,
    format_report,
    main,
    match_deals,
)
from pipelines.extract.gazetteer import Gazetteer

PAGE = """<html><head><title>x</title>
<meta property="article:published_time" content="2026-03-03T09:00:00Z"></head>
<body><article><h1>{title}</h1><p>{body}</p></article></body></html>"""


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def _labels(tmp_path, docs: dict[str, str], entries: str):
    for name, html in docs.items():
        (tmp_path / name).write_text(html, encoding="utf-8")
    path = tmp_path / "labels.yaml"
    path.write_text(textwrap.dedent(entries), encoding="utf-8")
    return path


def test_company_key_resolves_aliases_and_suffixes(gaz):
    assert company_key("Amazon Web Services", gaz) == company_key("Amazon", gaz)
    assert company_key("Meta Platforms, Inc.", gaz) == "meta"
    assert company_key("Orbisant Compute, Inc.", gaz) == company_key("orbisant compute", gaz)
    assert company_key("Orbisant Compute ASA", gaz) != company_key("Orbisant", gaz)


def test_field_rules():
    assert field_correct("value_usd", 1e9, 1.005e9)
    assert not field_correct("value_usd", 1e9, 1.02e9)
    assert field_correct("value_usd", None, None)
    assert not field_correct("value_usd", None, 1e9)
    assert field_correct("gpu_model", "GB300", "gb300")
    assert field_correct("end_date", date(2031, 12, 31), "2031-12-31")
    assert field_correct("gpu_count", 4096, 4096.0)
    assert not field_correct("value_qualifier", "exact", "approx")


def test_matching_is_one_to_one_on_buyer_provider_type(gaz):
    lab = [
        Deal("Meta", "CoreWeave", "capacity_contract"),
        Deal("Nvidia", "OpenAI", "equity_investment"),
    ]
    pred = [
        Deal("Meta Platforms", "CoreWeave", "capacity_contract"),
        Deal("Meta", "CoreWeave", "capacity_contract"),  # a second mention of one deal
        Deal("OpenAI", "Nvidia", "chip_supply"),  # wrong type: a false positive and a miss
    ]
    matched, misses, fps = match_deals(lab, pred, gaz)
    assert [m[0].buyer for m in matched] == ["Meta"]
    assert misses == [lab[1]]
    assert len(fps) == 2


def test_scores():
    s = Scores(tp=9, fp=1, fn=3)
    assert s.precision == pytest.approx(0.9)
    assert s.recall == pytest.approx(0.75)
    assert s.f1 == pytest.approx(2 * 0.9 * 0.75 / 1.65)
    assert Scores().f1 == 1.0  # nothing labelled, nothing predicted


def test_evaluate_scores_a_labels_file(tmp_path):
    docs = {
        "a.html": PAGE.format(
            title="Orbisant Compute lands Cohere",
            body="Orbisant Compute Ltd. will supply Cohere with 20 MW of GPU capacity under a "
            "three-year contract valued at $420 million, the companies said on Tuesday.",
        ),
        "b.html": PAGE.format(
            title="Nvidia launches a GPU",
            body="Nvidia launched a new GPU on Tuesday. CoreWeave will offer it first.",
        ),
    }
    path = _labels(
        tmp_path,
        docs,
        """\
        documents:
          - file: a.html
            genre: press_release
            published: 2026-03-03
            decoy: false
            deals:
              - {buyer: Cohere, provider: Orbisant Compute, deal_type: capacity_contract,
                 value_usd: 420000000, value_qualifier: exact, announced_on: 2026-03-03,
                 duration_years: 3, end_date: null, gpu_model: null, gpu_count: null,
                 power_mw: 20}
          - file: b.html
            genre: news
            published: 2026-03-03
            decoy: true
            deals: []
        """,
    )
    report = evaluate([path])
    assert (report.overall.tp, report.overall.fp, report.overall.fn) == (1, 0, 0)
    assert report.accuracy("value_usd") == 1.0
    assert report.accuracy("duration_years") == 1.0
    assert report.accuracy("power_mw") == 1.0
    assert report.n_decoys == 1 and report.decoy_failures == []
    assert set(report.by_genre) == {"press_release", "news"}
    out = format_report(report)
    assert "genre press_release" in out and "misses (0)" in out


def test_decoy_with_a_capacity_deal_is_reported(tmp_path):
    docs = {
        "c.html": PAGE.format(
            title="Crusoe and Mistral AI",
            body="Crusoe signed a $2 billion agreement to provide Mistral AI with GPU capacity.",
        )
    }
    path = _labels(
        tmp_path,
        docs,
        """\
        documents:
          - {file: c.html, genre: news, published: 2026-03-03, decoy: true, deals: []}
        """,
    )
    report = evaluate([path])
    assert [d.label() for _, d in report.decoy_failures] == [
        "Mistral AI <- Crusoe (capacity_contract)"
    ]
    assert "DECOY c.html" in format_report(report)


def test_bad_labels_name_the_file_and_entry(tmp_path):
    path = tmp_path / "labels.yaml"
    path.write_text("documents:\n  - {genre: news, deals: []}\n", encoding="utf-8")
    with pytest.raises(LabelsError, match=r"labels.yaml: documents\[0\]"):
        evaluate([path])
    path.write_text("documents:\n  - {file: missing.html, deals: []}\n", encoding="utf-8")
    with pytest.raises(LabelsError, match="missing.html"):
        evaluate([path])


def test_module_entry_point_prints_the_table(tmp_path, capsys):
    docs = {"a.html": PAGE.format(title="Nothing", body="Nothing happened today.")}
    path = _labels(tmp_path, docs, "documents:\n  - {file: a.html, decoy: true, deals: []}\n")
    assert main([str(path), "--brief"]) == 0
    out = capsys.readouterr().out
    assert "deal level" in out and "misses" not in out
