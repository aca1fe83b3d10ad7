"""The document-level pass: recaps, background, tallies, declined deals and hypotheticals
are dropped with the rule that decided; the deal a document reports is kept."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.extract.gazetteer import Gazetteer
from pipelines.extract.mentions import extract_mentions

PUB = date(2025, 11, 4)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def _read(gaz, text: str, title: str, published: date = PUB):
    decisions: list = []
    kept = extract_mentions(
        text, title=title, published_at=published, gazetteer=gaz, decisions=decisions
    )
    judged = {(m.buyer, m.provider): (d.status, d.rule) for m, d in decisions}
    return {(m.buyer, m.provider) for m in kept}, judged


def test_the_reported_deal_is_kept_and_an_older_one_recalled_is_not(gaz):
    text = (
        "IREN signed a five-year, $9.7 billion contract to supply Microsoft with GPU capacity "
        "on Monday. The September agreement under which Nebius provides Microsoft with GPU "
        "capacity was worth $17.4 billion."
    )
    kept, judged = _read(gaz, text, "Microsoft signs $9.7 billion GPU deal with IREN")
    assert kept == {("Microsoft", "IREN")}
    assert judged[("Microsoft", "Nebius")] == ("recap", "dated_by_month_before")


def test_a_pair_outside_the_headline_and_lead_is_background(gaz):
    text = (
        "Nebius agreed to provide Meta with about $3 billion of AI infrastructure over five "
        "years, the company said. Demand is broad. Oracle has agreed to supply OpenAI with "
        "4.5 gigawatts of capacity under its Stargate agreement."
    )
    kept, judged = _read(gaz, text, "Nebius lands $3 billion Meta contract")
    assert kept == {("Meta", "Nebius")}
    assert judged[("OpenAI", "Oracle")] == ("background", "outside_the_story")


def test_a_wrap_up_keeps_every_deal_of_its_week(gaz):
    text = (
        "Three capacity agreements were announced on Monday.\n"
        "- IREN signed a $9.7 billion contract to provide Microsoft with GPU capacity.\n"
        "- Amazon agreed to provide OpenAI with $38 billion of computing capacity.\n"
    )
    kept, _ = _read(gaz, text, "The week in AI infrastructure")
    assert {("Microsoft", "IREN"), ("OpenAI", "Amazon")} <= kept


def test_running_totals_and_sums_are_tallies(gaz):
    text = (
        "CoreWeave agreed to provide OpenAI with up to $6.5 billion of additional capacity, "
        "it said today. OpenAI's contracts with CoreWeave now total $22.4 billion across "
        "three agreements."
    )
    kept, judged = _read(gaz, text, "CoreWeave expands OpenAI deal by $6.5 billion")
    assert kept == {("OpenAI", "CoreWeave")}
    statuses = [s for (b, p), s in judged.items() if (b, p) == ("OpenAI", "CoreWeave")]
    assert statuses and statuses[0][0] == "new"


def test_a_value_before_a_bringing_the_total_clause_is_kept(gaz):
    text = (
        "Google agreed to backstop another $1.4 billion of Fluidstack's lease obligations, "
        "bringing its total guarantee to $3.2 billion."
    )
    decisions: list = []
    extract_mentions(
        text, title="Google lifts TeraWulf backstop", published_at=PUB, gazetteer=gaz,
        decisions=decisions,
    )  # fmt: skip
    assert decisions and all(d.rule != "sum_or_running_total" for _, d in decisions)


@pytest.mark.parametrize(
    "sentence, rule",
    [
        ("Microsoft passed on the option to buy $12 billion more capacity from CoreWeave.",
         "declined_or_abandoned"),
        ("If, say, Microsoft agreed to a $1 billion backstop with CoreWeave, the math changes.",
         "hypothetical"),
        ("Related: Nebius signs $17.4 billion deal with Microsoft",
         "related_link"),
    ],
)  # fmt: skip
def test_declined_hypothetical_and_related_lines_are_dropped(gaz, sentence, rule):
    kept, judged = _read(gaz, sentence, "Compute markets this morning")
    assert kept == set()
    assert [r for _s, r in judged.values()] == [rule]


def test_a_year_in_review_reports_no_deal(gaz):
    text = "Nebius agreed to provide Microsoft with $17.4 billion of GPU capacity."
    kept, judged = _read(gaz, text, "2025 in AI compute deals: the list", date(2025, 12, 30))
    assert kept == set()
    assert judged[("Microsoft", "Nebius")][1] == "retrospective_document"


def test_servers_bought_from_an_oem_to_equip_a_contract_are_background(gaz):
    text = (
        "IREN signed a $9.7 billion contract to provide Microsoft with GPU capacity. "
        "To equip the site, IREN agreed to buy GPUs and servers from Dell for $5.8 billion."
    )
    kept, judged = _read(gaz, text, "Microsoft signs $9.7 billion deal with IREN")
    assert ("IREN", "Dell") not in kept
    assert judged[("IREN", "Dell")][1] == "equipment_purchase"


NEWSLETTER = """The compute beat: Meta doubles down on CoreWeave

CoreWeave and Meta have deepened their relationship again. Last autumn's capacity contract was
already one of the largest any neocloud had signed; Meta is now going all in.

This $21 billion expansion suggests something deeper than a one-off top-up: Meta wants
dedicated clusters it does not have to build itself.

Elsewhere, analysts kept arguing about capex."""


def test_parties_in_one_paragraph_and_the_amount_later_make_one_deal(gaz):
    kept = extract_mentions(
        NEWSLETTER, title="The compute beat: Meta doubles down on CoreWeave",
        published_at=date(2026, 4, 10), gazetteer=gaz,
    )  # fmt: skip
    assert [(m.buyer, m.provider, m.deal_type, m.value_usd) for m in kept] == [
        ("Meta", "CoreWeave", "expansion", 21e9)
    ]


def test_the_firm_part_beats_the_ceiling(gaz):
    text = (
        "Meta agreed to buy as much as $27 billion of computing capacity from Nebius over five "
        "years. The core of the agreement is $12 billion of dedicated capacity that Nebius "
        "will build for Meta."
    )
    kept = extract_mentions(text, title="Meta and Nebius", published_at=PUB, gazetteer=gaz)
    assert [(m.buyer, m.provider, m.value_usd) for m in kept] == [("Meta", "Nebius", 12e9)]


def test_listed_and_side_by_side_companies_are_not_a_deal_between_them(gaz):
    text = (
        "OpenAI raised $110 billion in a round with Amazon, Nvidia and SoftBank supplying all "
        "of it. Nvidia and SoftBank are each investing $30 billion."
    )
    kept, judged = _read(gaz, text, "OpenAI raises $110 billion")
    assert not {("Nvidia", "SoftBank"), ("SoftBank", "Nvidia")} & kept
    side_by_side = [r for (b, p), (_s, r) in judged.items() if {b, p} == {"Nvidia", "SoftBank"}]
    assert side_by_side and set(side_by_side) <= {"listed_counterparties", "coordinated_each"}


def test_a_wrap_up_arrow_reads_buyer_to_provider(gaz):
    text = "OpenAI → AWS, $38 billion. OpenAI will buy capacity from AWS over seven years."
    kept = extract_mentions(text, published_at=PUB, gazetteer=gaz)
    assert [(m.buyer, m.provider, m.value_usd) for m in kept] == [("OpenAI", "Amazon", 38e9)]


def test_coinvestors_each_get_a_stake_and_a_split_gives_their_amounts(gaz):
    text = (
        "Anthropic has agreed to buy $30 billion of computing capacity from Microsoft's Azure "
        "cloud, and Microsoft and Nvidia will invest up to $15 billion in the Claude developer. "
        "Of that amount, Nvidia will contribute as much as $10 billion and Microsoft as much "
        "as $5 billion."
    )
    kept = extract_mentions(text, title="Anthropic commits $30 billion to Azure",
                            published_at=PUB, gazetteer=gaz)  # fmt: skip
    got = {(m.buyer, m.provider, m.deal_type): m.value_usd for m in kept}
    assert got == {
        ("Anthropic", "Microsoft", "capacity_contract"): 30e9,
        ("Nvidia", "Anthropic", "equity_investment"): 10e9,
        ("Microsoft", "Anthropic", "equity_investment"): 5e9,
    }


def test_each_investing_gives_each_the_amount(gaz):
    kept = extract_mentions(
        "Nvidia and SoftBank are each investing $30 billion in OpenAI.", published_at=PUB,
        gazetteer=gaz,
    )  # fmt: skip
    assert {(m.buyer, m.value_usd) for m in kept} == {("Nvidia", 30e9), ("SoftBank", 30e9)}


def test_a_deal_dated_in_an_aside_days_earlier_is_a_recap(gaz):
    text = (
        "Microsoft passed on the option to buy $12 billion more capacity from CoreWeave. "
        "OpenAI's five-year, $11.9 billion contract with CoreWeave, announced on March 10, "
        "absorbed most of it."
    )
    kept, judged = _read(gaz, text, "Microsoft lets CoreWeave option lapse", date(2025, 3, 20))
    assert kept == set()
    assert judged[("OpenAI", "CoreWeave")] == ("recap", "dated_aside")


def test_sentence_filters_name_themselves(gaz):
    rejections: list = []
    kept = extract_mentions(
        "Oracle is in talks with Meta about a cloud deal worth about $20 billion.",
        published_at=PUB, gazetteer=gaz, rejections=rejections,
    )  # fmt: skip
    assert kept == []
    assert [(names, rule) for _s, names, rule in rejections] == [
        (frozenset({"Oracle", "Meta"}), "talks_denial_or_conditional")
    ]


def test_eval_explain_names_the_rule_for_misses_and_false_positives(tmp_path):
    from typer.testing import CliRunner

    from pipelines.cli import app

    (tmp_path / "a.md").write_text(
        "---\ntitle: Oracle and Meta\ndate: 2025-11-04\n---\n"
        "Oracle is in talks with Meta about a cloud deal worth about $20 billion.\n",
        encoding="utf-8",
    )
    (tmp_path / "labels.yaml").write_text(
        "documents:\n  - file: a.md\n    genre: news\n    published: 2025-11-04\n    deals:\n"
        "      - {buyer: Meta, provider: Oracle, deal_type: capacity_contract}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["eval", str(tmp_path / "labels.yaml"), "--explain"])
    assert result.exit_code == 0, result.output
    assert "why: no candidate: sentence filter talks_denial_or_conditional" in result.output


def test_the_newsletter_case_end_to_end_links_to_the_earlier_deal(tmp_path):
    """The issue's newsletter case through the whole pipeline: with the September contract
    in the warehouse, the April newsletter's expansion becomes one deal that expands it."""
    import duckdb

    from pipelines.definitions import run_everything
    from pipelines.defs.resources import CsiSettings

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "2025-09-30-release.md").write_text(
        "---\ntitle: CoreWeave signs up to $14.2 billion agreement with Meta\n"
        "date: 2025-09-30\n---\nCoreWeave today announced an agreement to provide Meta with "
        "AI cloud capacity worth up to $14.2 billion through December 2031.\n",
        encoding="utf-8",
    )
    (notes / "2026-04-10-newsletter.md").write_text(
        '---\ntitle: "The compute beat: Meta doubles down on CoreWeave"\ndate: 2026-04-10\n'
        "---\n" + NEWSLETTER.split("\n", 1)[1],
        encoding="utf-8",
    )
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - {name: notes, kind: local, path: notes, genre: news}\n", encoding="utf-8"
    )
    warehouse = tmp_path / "w.duckdb"
    csi = CsiSettings(
        sources_file=str(sources), warehouse=str(warehouse), digest_dir=str(tmp_path / "d")
    )
    first, second, _ = run_everything(csi)
    assert first.success and second is not None and second.success
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        deals = con.execute(
            "select deal_id, deal_type, value_usd, expands_deal_id from marts.fct_deals "
            "where buyer = 'Meta' and provider = 'CoreWeave' order by announced_on"
        ).fetchall()
    finally:
        con.close()
    assert [(t, v) for _id, t, v, _x in deals] == [
        ("capacity_contract", 14.2e9), ("expansion", 21e9),
    ]  # fmt: skip
    assert deals[1][3] == deals[0][0]  # the expansion points at the September contract
