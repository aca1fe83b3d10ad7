"""The whole pipeline, materialized by Dagster on the shipped recordings (no network)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipelines.cli import app

pytestmark = pytest.mark.e2e


def q(warehouse: str, sql: str, params=None):
    with duckdb.connect(warehouse, read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def deal(warehouse: str, buyer: str, provider: str, deal_type: str):
    rows = q(
        warehouse,
        "select announced_on, value_usd, value_qualifier, deal_id, expands_deal_id, source_count "
        "from marts.fct_deals where buyer = ? and provider = ? and deal_type = ? "
        "order by announced_on",
        [buyer, provider, deal_type],
    )
    return rows


def test_every_stage_materialized(recorded_run):
    _, _, (refresh, digest, week) = recorded_run
    keys = {
        "/".join(e.asset_key.path)
        for result in (refresh, digest)
        for e in result.get_asset_materialization_events()
    }
    for expected in (
        "source_catalog",
        "raw_documents",
        "parsed_documents",
        "deal_mentions",
        "marts/fct_deals",
        "marts/bridge_deal_documents",
        "market_share",
        "concentration",
        "warehouse_snapshot",
        "weekly_digest",
    ):
        assert expected in keys
    assert week == "2026-04-06"  # the week of the latest recorded deal (Meta–CoreWeave)
    snapshot = next(
        e.materialization.metadata
        for e in refresh.get_asset_materialization_events()
        if e.asset_key.path == ["warehouse_snapshot"]
    )
    assert snapshot["new_deals"].value == snapshot["deals"].value > 20  # all new on a first run
    checks = {e.check_name: e.passed for e in refresh.get_asset_check_evaluations()}
    assert checks["mentions_match_schema"] is True
    assert checks["sources_fresh"] is True  # everything was just fetched


def test_documents_and_fetch_log(recorded_run):
    warehouse, _, _ = recorded_run
    n_docs, n_sources = q(warehouse, "select count(*), count(distinct source) from raw.documents")[
        0
    ]
    from pipelines.ingest.runner import SHIPPED_SOURCES
    from pipelines.ingest.specs import load_sources

    declared = {s.name for s in load_sources(SHIPPED_SOURCES).sources if s.enabled}
    assert n_docs >= 25 and n_sources == len(declared)  # every shipped source delivered
    # every text document has exactly one parsed row (XBRL company facts are data, not text)
    facts = q(warehouse, "select count(*) from raw.documents where kind = 'xbrl_facts'")[0][0]
    assert q(warehouse, "select count(*) from raw.parsed_documents")[0][0] == n_docs - facts
    assert q(warehouse, "select count(*) from raw.xbrl_facts")[0][0] > 0
    assert q(warehouse, "select count(*) from raw.fetch_log where outcome = 'stored'")[0][0] == (
        n_docs
    )


def test_meta_coreweave_contract_and_expansion(recorded_run):
    warehouse, _, _ = recorded_run
    contract = deal(warehouse, "Meta", "CoreWeave", "capacity_contract")
    assert len(contract) == 1
    announced, value, qualifier, contract_id, _, sources = contract[0]
    assert announced == date(2025, 9, 30)
    assert value == pytest.approx(14.2e9) and qualifier == "up_to"
    assert sources >= 2  # reported by more than one outlet, one row
    expansion = deal(warehouse, "Meta", "CoreWeave", "expansion")
    assert len(expansion) == 1
    announced, value, qualifier, _, expands, _ = expansion[0]
    assert announced == date(2026, 4, 9)
    assert value == pytest.approx(21e9) and qualifier == "approx"
    assert expands == contract_id


def test_other_real_deals(recorded_run):
    warehouse, _, _ = recorded_run
    nebius = deal(warehouse, "Microsoft", "Nebius", "capacity_contract")
    assert len(nebius) == 1 and nebius[0][1] == pytest.approx(17.4e9)
    aws = deal(warehouse, "OpenAI", "Amazon", "capacity_contract")
    assert len(aws) == 1 and aws[0][1] == pytest.approx(38e9)
    iren = deal(warehouse, "Microsoft", "IREN", "capacity_contract")
    assert len(iren) == 1 and iren[0][1] == pytest.approx(9.7e9)


def test_decoys_yield_no_capacity_deal(recorded_run):
    warehouse, _, _ = recorded_run
    rows = q(
        warehouse,
        "select buyer, provider, deal_type from marts.fct_deals "
        "where provider in ('Scale AI', 'Core Scientific') or buyer = 'Scale AI'",
    )
    assert all(r[2] not in ("capacity_contract", "expansion") for r in rows), rows


def test_share_sums_to_one_and_hhi_by_hand(recorded_run):
    warehouse, _, _ = recorded_run
    total = q(
        warehouse,
        "select sum(share) from analytics.market_share where market = 'compute_capacity' "
        "and metric = 'value_usd' and period = 'all'",
    )[0][0]
    assert total == pytest.approx(1.0)
    # the central value of each deal: stated values as documented (up to → 0.75×, at least →
    # 1.25×, exact/approx → 1×); undisclosed ones imputed (pipelines/analytics/assumptions.py)
    factor = {"exact": 1.0, "approx": 1.0, "up_to": 0.75, "at_least": 1.25}
    stated = q(
        warehouse,
        "select d.value_usd, d.value_qualifier, v.point from marts.fct_deals d "
        "join analytics.deal_values v using (deal_id) "
        "where v.metric = 'value_usd' and d.value_usd is not null "
        "and d.deal_type in ('capacity_contract', 'expansion')",
    )
    assert stated
    for value, qualifier, point in stated:
        assert point == pytest.approx(value * factor[qualifier or "exact"])
    per_provider = q(
        warehouse,
        "select provider, sum(point) from analytics.deal_values where market = "
        "'compute_capacity' and metric = 'value_usd' and point > 0 group by 1",
    )
    grand = sum(v for _, v in per_provider)
    by_hand = sum((100 * v / grand) ** 2 for _, v in per_provider)
    stored = q(
        warehouse,
        "select hhi, n_providers from analytics.concentration where market = 'compute_capacity' "
        "and metric = 'value_usd' and period = 'all'",
    )[0]
    assert stored[0] == pytest.approx(by_hand)
    assert stored[1] == len(per_provider)


def test_digest_written_for_latest_week(recorded_run):
    warehouse, digests, _ = recorded_run
    latest = q(warehouse, "select max(announced_on) from marts.fct_deals")[0][0]
    year, week, _ = latest.isocalendar()
    md = Path(digests) / f"{year}-W{week:02d}.md"
    html = Path(digests) / f"{year}-W{week:02d}.html"
    assert md.exists() and html.exists()
    text = md.read_text(encoding="utf-8")
    assert "## New deals this week" in text and "CoreWeave" in text
    assert "<script" not in html.read_text(encoding="utf-8")


def test_cli_sql_prints_table(recorded_run):
    warehouse, _, _ = recorded_run
    result = CliRunner().invoke(
        app,
        [
            "sql",
            "select buyer, provider, value_usd from marts.fct_deals "
            "order by value_usd desc nulls last limit 10",
            "--warehouse",
            warehouse,
        ],
    )
    assert result.exit_code == 0, result.output
    assert "buyer" in result.output and "OpenAI" in result.output
    assert "10 rows" in result.output


def test_cli_sql_error_is_clear(recorded_run):
    warehouse, _, _ = recorded_run
    result = CliRunner().invoke(app, ["sql", "select * from marts.nope", "--warehouse", warehouse])
    assert result.exit_code == 1
    assert "nope" in result.output
