"""The analytics tables as the real pipeline writes them from the recorded sources."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from pipelines.analytics.concentration import band
from pipelines.analytics.tables import SCHEMAS

COMPUTE = ("capacity_contract", "expansion")


@pytest.fixture(scope="module")
def warehouse(recorded_run):
    path, _, _ = recorded_run
    with duckdb.connect(path, read_only=True) as con:
        yield con


def q(con, sql, params=None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def test_every_analytics_table_is_written_with_its_columns(warehouse):
    for name, schema in SCHEMAS.items():
        described = q(warehouse, f"describe analytics.{name}")
        assert list(described.column_name) == list(schema), name
    for name in ("deal_values", "market_share", "concentration", "buyer_dependency"):
        assert q(warehouse, f"select count(*) n from analytics.{name}").n[0] > 0, name


def test_meta_depends_on_coreweave(warehouse):
    """The question users ask: what share of Meta's rented compute is CoreWeave's?"""
    answer = q(
        warehouse,
        "select provider, share, share_low, share_high, strategic_exposure, deal_ids, "
        "supplier_hhi from analytics.buyer_dependency "
        "where buyer = 'Meta' and period = 'all' and metric = 'value_usd' order by share desc",
    )
    assert answer.share.sum() == pytest.approx(1.0)
    coreweave = answer[answer.provider == "CoreWeave"].iloc[0]
    assert coreweave.share > 0.5 and bool(coreweave.strategic_exposure)
    assert coreweave.share_low <= coreweave.share <= coreweave.share_high
    assert answer.provider.iloc[0] == "CoreWeave"
    meta_coreweave = q(
        warehouse,
        "select deal_id from marts.fct_deals where buyer = 'Meta' and provider = 'CoreWeave' "
        "and deal_type in ('capacity_contract', 'expansion')",
    )
    assert sorted(coreweave.deal_ids) == sorted(meta_coreweave.deal_id)
    assert coreweave.supplier_hhi == pytest.approx(10000 * (answer.share**2).sum())
    # and over the trailing twelve months too
    ttm = q(
        warehouse,
        "select period, sum(share) s from analytics.buyer_dependency "
        "where buyer = 'Meta' and metric = 'value_usd' and period like 'ttm-%' group by period",
    )
    assert len(ttm) > 0 and ttm.s.tolist() == pytest.approx([1.0] * len(ttm))


def test_all_time_concentration_row(warehouse):
    row = q(
        warehouse,
        "select * from analytics.concentration "
        "where market = 'compute_capacity' and period = 'all' and metric = 'value_usd'",
    ).iloc[0]
    shares = q(
        warehouse,
        "select * from analytics.market_share "
        "where market = 'compute_capacity' and period = 'all' and metric = 'value_usd'",
    )
    assert row.n_providers == len(shares)
    assert row.hhi == pytest.approx(10000 * (shares.share**2).sum())
    assert row.hhi_low <= row.hhi <= row.hhi_high
    assert row.band == band(row.hhi)
    assert row.cr4 == pytest.approx(shares.share.nlargest(4).sum())
    assert row.total_amount == pytest.approx(shares.amount.sum())
    compute_deals = q(
        warehouse,
        "select deal_id from marts.fct_deals where deal_type in ('capacity_contract', 'expansion')",
    )
    assert row.deals == len(compute_deals)
    assert sorted(row.deal_ids) == sorted(d for ids in shares.deal_ids for d in ids)
    assert len(row.deal_ids) == row.deals - row.deals_undisclosed
    assert (shares.share_low <= shares.share).all() and (shares.share <= shares.share_high).all()


def test_bounds_and_imputations_are_flagged(warehouse):
    values = q(
        warehouse,
        "select v.*, d.value_usd as fct_value from analytics.deal_values v "
        "join marts.fct_deals d using (deal_id) where v.metric = 'value_usd'",
    )
    up_to = values[values.qualifier == "up_to"]
    assert len(up_to) > 0 and up_to.bounded.all()
    assert (up_to.point == 0.75 * up_to.fct_value).all()
    assert (up_to.high == up_to.fct_value).all()
    imputed = values[values.imputed]
    assert len(imputed) > 0  # the recordings hold deals announced without a value
    assert imputed.fct_value.isna().all()
    assert set(imputed.method) <= {"from_power_mw", "from_gpu_count", "similar_deals"}
    assert (imputed.low <= imputed.point).all() and (imputed.point <= imputed.high).all()
    counted = q(
        warehouse,
        "select sum(imputed) n from analytics.market_share "
        "where market = 'compute_capacity' and period = 'all' and metric = 'value_usd'",
    )
    compute_imputed = imputed[imputed.market == "compute_capacity"]
    assert counted.n[0] == len(compute_imputed)


def test_every_listed_deal_exists(warehouse):
    known = set(q(warehouse, "select deal_id from marts.fct_deals").deal_id)
    for name, schema in SCHEMAS.items():
        if "deal_ids" not in schema:
            continue
        listed = q(warehouse, f"select unnest(deal_ids) d from analytics.{name}")
        assert set(listed.d) <= known, name


def test_groups_customers_and_build_vs_rent(warehouse):
    groups = q(
        warehouse,
        "select provider_group, share from analytics.provider_groups "
        "where period = 'all' and metric = 'value_usd'",
    )
    assert set(groups.provider_group) == {"hyperscaler", "neocloud", "other"}
    assert groups.share.sum() == pytest.approx(1.0)
    assert groups.set_index("provider_group").share[["hyperscaler", "neocloud"]].gt(0).all()
    coreweave = q(
        warehouse,
        "select * from analytics.provider_customer_concentration where provider = 'CoreWeave' "
        "and market = 'compute_capacity' and period = 'all' and metric = 'value_usd'",
    ).iloc[0]
    assert coreweave.top_customer in set(coreweave.top3_customers)
    assert coreweave.top_customer_share <= coreweave.top3_share <= 1 + 1e-9
    rent = q(warehouse, "select * from analytics.build_vs_rent where buyer = 'Meta'")
    assert len(rent) > 0 and (rent.commitments_usd.notna() | rent.capex_usd.notna()).all()
    with_both = rent[rent.capex_usd.notna() & rent.commitments_usd.notna()]
    assert (with_both.rent_to_capex_ratio == with_both.commitments_usd / with_both.capex_usd).all()
    assert rent[rent.capex_usd.isna()].rent_to_capex_ratio.isna().all()
    has_capex = q(
        warehouse,
        "select count(*) n from information_schema.tables "
        "where table_schema = 'marts' and table_name = 'fct_capex'",
    ).n[0]
    if has_capex:  # every reported fiscal year of capex is a row, with or without deals
        capex = q(
            warehouse,
            "select count(distinct (company, fiscal_year)) n from marts.fct_capex "
            "where company is not null",
        ).n[0]
        reported = q(
            warehouse,
            "select count(*) n from analytics.build_vs_rent where fiscal_year_basis = 'reported'",
        ).n[0]
        assert reported == capex
