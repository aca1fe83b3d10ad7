"""The analytics tables are recomputed when a deal changes and kept when nothing they are
computed from changed; keeping them gives exactly what recomputing gives."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from pipelines.analytics.refresh import FINGERPRINT_TABLE, inputs_fingerprint, refresh_analytics
from pipelines.analytics.tables import SCHEMAS


@pytest.fixture
def warehouse(recorded_run, tmp_path):
    """A copy of the recorded run's warehouse (its second run already found nothing new)."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copy2(recorded_run[0], path)
    return str(path)


def stored(path: str) -> dict[str, pd.DataFrame]:
    with duckdb.connect(path, read_only=True) as con:
        tables = {name: con.execute(f"select * from analytics.{name}").df() for name in SCHEMAS}
        tables["fingerprint"] = con.execute(f"select * from {FINGERPRINT_TABLE}").df()
        return tables


def test_unchanged_marts_keep_the_tables_and_recomputing_gives_the_same(warehouse):
    before = stored(warehouse)
    kept = refresh_analytics(warehouse)
    assert kept.unchanged and kept.deals > 10
    after = stored(warehouse)
    for name in before:  # not rewritten: even computed_at is the same
        pd.testing.assert_frame_equal(before[name], after[name])
    for name in SCHEMAS:
        pd.testing.assert_frame_equal(kept.tables[name], after[name])

    forced = refresh_analytics(warehouse, force=True)
    assert not forced.unchanged and forced.fingerprint == kept.fingerprint
    recomputed = stored(warehouse)
    for name in SCHEMAS:
        pd.testing.assert_frame_equal(before[name], recomputed[name], check_exact=True)
    assert recomputed["fingerprint"].computed_at[0] > before["fingerprint"].computed_at[0]


def test_a_changed_deal_recomputes(warehouse):
    with duckdb.connect(warehouse) as con:
        deal_id, value = con.execute(
            "select deal_id, value_usd from marts.fct_deals where provider = 'Oracle' "
            "and value_usd is not null order by value_usd desc limit 1"
        ).fetchone()
        con.execute(
            "update marts.fct_deals set value_usd = ? where deal_id = ?", [value / 10, deal_id]
        )
    before = stored(warehouse)
    result = refresh_analytics(warehouse)
    assert not result.unchanged
    after = stored(warehouse)
    assert after["fingerprint"].fingerprint[0] != before["fingerprint"].fingerprint[0]

    def oracle_share(tables):
        share = tables["market_share"]
        row = share[
            (share.provider == "Oracle") & (share.period == "all") & (share.metric == "value_usd")
        ]
        return row.share.iloc[0]

    assert oracle_share(after) < oracle_share(before)
    assert refresh_analytics(warehouse).unchanged  # and the next run keeps them


def test_fingerprint_ignores_row_order_and_sees_every_input():
    deals = pd.DataFrame(
        {
            "deal_id": ["a", "b"],
            "buyer": ["Meta", "OpenAI"],
            "value_usd": [1e9, None],
            "deal_ids": [["x"], ["y", "z"]],
        }
    )
    base = inputs_fingerprint(deals, None, n_boot=100, seed=7)
    assert inputs_fingerprint(deals.iloc[::-1], None, n_boot=100, seed=7) == base
    assert inputs_fingerprint(deals[deals.columns[::-1]], None, n_boot=100, seed=7) == base
    assert inputs_fingerprint(deals, None, n_boot=200, seed=7) != base
    assert inputs_fingerprint(deals, None, n_boot=100, seed=8) != base
    assert inputs_fingerprint(deals, deals.iloc[:0], n_boot=100, seed=7) != base
    changed = deals.copy()
    changed.loc[1, "value_usd"] = 2e9
    assert inputs_fingerprint(changed, None, n_boot=100, seed=7) != base
