"""Buyer dependency, provider customer concentration and build-versus-rent."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from frame_rows import one, pick
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.analytics.build_vs_rent import build_vs_rent, fiscal_year_of
from pipelines.analytics.dependency import buyer_dependency, provider_customer_concentration
from pipelines.analytics.inputs import DealsInputError
from pipelines.analytics.tables import SCHEMAS, compute_tables

COLUMNS = [
    "deal_id",
    "announced_on",
    "buyer",
    "provider",
    "provider_type",
    "deal_type",
    "value_usd",
    "value_qualifier",
    "power_mw",
]


def deal(deal_id, announced_on, buyer, provider, value=None, **kw):
    row = dict.fromkeys(COLUMNS)
    row.update(
        deal_id=deal_id,
        announced_on=announced_on,
        buyer=buyer,
        provider=provider,
        deal_type="capacity_contract",
        value_usd=value,
        value_qualifier="exact" if value is not None else None,
    )
    row.update(kw)
    return row


def frame(rows):
    return pd.DataFrame(rows, columns=COLUMNS)


def test_buyer_with_two_providers_75_25():
    deals = frame(
        [
            deal("a", date(2025, 9, 30), "Meta", "CoreWeave", 10e9, provider_type="neocloud"),
            deal("b", date(2026, 1, 15), "Meta", "CoreWeave", 5e9, deal_type="expansion"),
            deal("c", date(2025, 11, 3), "Meta", "Google", 5e9, provider_type="hyperscaler"),
            deal("d", date(2025, 11, 4), "OpenAI", "Oracle", 300e9),
            deal("e", date(2025, 11, 5), "Meta", "Nvidia", 50e9, deal_type="chip_supply"),
        ]
    )
    dep = buyer_dependency(deals, n_boot=100)
    meta = pick(dep, buyer="Meta", period="all", metric="value_usd").set_index("provider")
    assert meta.share.to_dict() == pytest.approx({"CoreWeave": 0.75, "Google": 0.25})
    assert meta.supplier_hhi.tolist() == pytest.approx([6250, 6250])
    assert meta.strategic_exposure.to_dict() == {"CoreWeave": True, "Google": False}
    assert meta.loc["CoreWeave"].deal_ids == ["a", "b"]
    assert meta.loc["CoreWeave"].buyer_total == 20e9
    assert meta.loc["CoreWeave"].provider_group == "neocloud"
    assert meta.loc["Google"].provider_group == "hyperscaler"
    # exact values, no resampling: the interval is the point
    assert meta.loc["CoreWeave"].share_low == meta.loc["CoreWeave"].share_high == 0.75
    # periods: the trailing twelve months ending 2025-Q4 exclude the 2026 expansion
    ttm = pick(dep, buyer="Meta", period="ttm-2025-Q4", metric="value_usd")
    assert dict(zip(ttm.provider, ttm.share, strict=True)) == pytest.approx(
        {"CoreWeave": 2 / 3, "Google": 1 / 3}
    )
    # a single supplier is total exposure
    openai = one(dep, buyer="OpenAI", period="all", metric="value_usd")
    assert openai.share == 1.0 and openai.supplier_hhi == 10000 and openai.strategic_exposure
    assert "Nvidia" not in set(dep.provider)  # chips are not rented compute


def test_exposure_needs_more_than_half():
    deals = frame(
        [
            deal("a", date(2025, 1, 1), "Meta", "CoreWeave", 5e9),
            deal("b", date(2025, 1, 2), "Meta", "Google", 5e9),
        ]
    )
    dep = buyer_dependency(deals, metrics=["value_usd"], n_boot=50)
    assert not pick(dep, period="all").strategic_exposure.any()


def test_provider_customer_concentration_names_top_customers():
    deals = frame(
        [
            deal("a", date(2025, 1, 1), "Meta", "CoreWeave", 50e9),
            deal("b", date(2025, 1, 2), "OpenAI", "CoreWeave", 30e9),
            deal("c", date(2025, 1, 3), "Microsoft", "CoreWeave", 15e9),
            deal("d", date(2025, 1, 4), "Google", "CoreWeave", 5e9),
            deal("e", date(2025, 1, 5), "OpenAI", "AMD", None, deal_type="chip_supply"),
        ]
    )
    table = provider_customer_concentration(deals, n_boot=100)
    row = one(table, market="compute_capacity", provider="CoreWeave", period="all")
    assert row.top_customer == "Meta"
    assert row.top_customer_share == pytest.approx(0.5)
    assert row.top3_customers == ["Meta", "OpenAI", "Microsoft"]
    assert row.top3_share == pytest.approx(0.95)
    assert row.n_customers == 4
    assert row.customer_hhi == pytest.approx(10000 * (0.25 + 0.09 + 0.0225 + 0.0025))
    assert row.deal_ids == ["a", "b", "c", "d"]
    assert row.top_customer_share_low <= row.top_customer_share <= row.top_customer_share_high
    assert pick(table, provider="AMD").empty  # no value, no way to impute it


def test_build_vs_rent_fiscal_years_and_ratio():
    deals = frame(
        [
            # Microsoft's fiscal year ends 30 June: Sep 2025 is FY2026, Mar 2025 FY2025
            deal("a", date(2025, 3, 1), "Microsoft", "CoreWeave", 10e9),
            deal("b", date(2025, 9, 8), "Microsoft", "Nebius", 17.4e9),
            deal("c", date(2025, 9, 30), "Meta", "CoreWeave", 14.2e9, value_qualifier="up_to"),
            deal("d", date(2025, 11, 3), "OpenAI", "Amazon", 38e9),
            deal("e", date(2025, 11, 4), "Meta", "Nvidia", 5e9, deal_type="chip_supply"),
        ]
    )
    capex = pd.DataFrame(
        [
            ("Microsoft", 2025, date(2024, 7, 1), date(2025, 6, 30), 64.6e9),
            ("Meta", 2025, date(2025, 1, 1), date(2025, 12, 31), 70e9),
            ("Meta", 2024, None, date(2024, 12, 31), 39.2e9),
        ],
        columns=["company", "fiscal_year", "period_start", "period_end", "capex_usd"],
    )
    table = build_vs_rent(deals, capex)
    msft25 = one(table, buyer="Microsoft", fiscal_year=2025)
    assert msft25.fiscal_year_basis == "reported"
    assert msft25.commitments_usd == 10e9 and msft25.deal_ids == ["a"]
    assert msft25.rent_to_capex_ratio == pytest.approx(10 / 64.6)
    msft26 = one(table, buyer="Microsoft", fiscal_year=2026)
    assert msft26.fiscal_year_basis == "extrapolated"
    assert (msft26.period_start, msft26.period_end) == (date(2025, 7, 1), date(2026, 6, 30))
    assert pd.isna(msft26.capex_usd) and pd.isna(msft26.rent_to_capex_ratio)
    meta25 = one(table, buyer="Meta", fiscal_year=2025)
    # the up-to bound counts at its central value 0.75x, its range 0.5x-1x
    assert meta25.commitments_usd == pytest.approx(0.75 * 14.2e9)
    assert (meta25.commitments_low, meta25.commitments_high) == pytest.approx((7.1e9, 14.2e9))
    assert meta25.ratio_low < meta25.rent_to_capex_ratio < meta25.ratio_high
    assert meta25.bounded == 1 and meta25.deal_ids == ["c"]  # the chip deal is not rent
    meta24 = one(table, buyer="Meta", fiscal_year=2024)  # capex, no commitments: kept
    assert meta24.period_start == date(2024, 1, 1)
    assert pd.isna(meta24.commitments_usd) and pd.isna(meta24.rent_to_capex_ratio)
    assert meta24.deals == 0 and meta24.deal_ids == []
    openai = one(table, buyer="OpenAI")  # commitments, no capex: kept, calendar year
    assert openai.fiscal_year == 2025 and openai.fiscal_year_basis == "calendar"
    assert pd.isna(openai.rent_to_capex_ratio)


def test_build_vs_rent_without_capex_table():
    deals = frame([deal("a", date(2025, 3, 1), "Meta", "CoreWeave", 10e9)])
    table = build_vs_rent(deals, None)
    assert len(table) == 1 and pd.isna(table.capex_usd.iloc[0])
    with pytest.raises(ValueError, match="capex_usd"):
        build_vs_rent(deals, pd.DataFrame({"company": ["Meta"], "fiscal_year": [2025]}))


def test_fiscal_year_handles_month_ends():
    capex = pd.DataFrame(
        [("Nvidia", 2025, date(2024, 1, 29), date(2025, 1, 26), 3.2e9)],
        columns=["company", "fiscal_year", "period_start", "period_end", "capex_usd"],
    )
    assert fiscal_year_of(date(2025, 3, 1), capex)[0] == 2026
    assert fiscal_year_of(date(2025, 1, 1), capex)[3] == "reported"


def test_compute_tables_match_schemas_even_when_empty():
    empty = compute_tables(frame([]), None, n_boot=10)
    full = compute_tables(
        frame([deal("a", date(2025, 1, 1), "Meta", "CoreWeave", 1e9)]), None, n_boot=10
    )
    for tables in (empty, full):
        assert set(tables) == set(SCHEMAS)
        for name, table in tables.items():
            assert list(table.columns) == list(SCHEMAS[name])


def test_compute_tables_name_deals_without_a_buyer_or_date():
    """A deal with no buyer would be counted as a company named "nan"; one with no date
    would stop build-versus-rent with a TypeError. Both are refused, by deal_id and field."""
    deals = frame(
        [
            deal("ok", date(2025, 1, 1), "Meta", "CoreWeave", 1e9),
            deal("no-buyer", date(2025, 2, 1), None, "CoreWeave", 2e9),
            deal("no-date", None, "OpenAI", "Oracle", 3e9),
            deal("ok", date(2025, 3, 1), "Meta", "Nebius", 1e9),
        ]
    )
    with pytest.raises(DealsInputError) as caught:
        compute_tables(deals, None, n_boot=10)
    message = str(caught.value)
    assert "deal_id=no-buyer row=1 field=buyer" in message
    assert "deal_id=no-date row=2 field=announced_on" in message
    assert "field=deal_id value='ok'" in message and "unique" in message
    with pytest.raises(DealsInputError, match="missing columns: buyer"):
        compute_tables(frame([]).drop(columns=["buyer"]), None, n_boot=10)


def test_compute_tables_in_a_worker_pool_equal_in_process(monkeypatch):
    """With enough deals the bootstrap families run in worker processes: same tables."""
    import pipelines.analytics.tables as tables

    pools = []

    class Recorded(tables.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(tables, "ProcessPoolExecutor", Recorded)
    rng = np.random.default_rng(3)
    buyers, providers = ["Meta", "Microsoft", "OpenAI"], ["CoreWeave", "Nebius", "Oracle"]
    rows = [
        deal(
            f"d{i:04d}",
            date(2024, 1, 1) + pd.Timedelta(days=int(rng.integers(0, 900))),
            buyers[i % 3],
            providers[(i // 3) % 3],
            float(rng.integers(1, 50)) * 1e9 if i % 4 else None,
            power_mw=float(rng.integers(50, 500)) if i % 5 == 0 else None,
        )
        for i in range(600)
    ]
    deals = frame(rows)
    alone = compute_tables(deals, None, n_boot=50, workers=1)
    assert pools == []
    pooled = compute_tables(deals, None, n_boot=50, workers=2)
    assert pools == [(2,)]
    for name in SCHEMAS:
        pd.testing.assert_frame_equal(alone[name], pooled[name], check_exact=True)


# --- properties --------------------------------------------------------------------------

deal_rows = st.lists(
    st.tuples(
        st.sampled_from(["Meta", "Microsoft", "OpenAI", "Anthropic"]),
        st.sampled_from(["CoreWeave", "Nebius", "Oracle", "Google", "Nscale"]),
        st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 6, 30)),
        st.one_of(st.none(), st.floats(min_value=1e6, max_value=5e11)),
        st.sampled_from(["exact", "up_to", "at_least", "approx"]),
    ),
    min_size=1,
    max_size=15,
)


@settings(max_examples=30, deadline=None)
@given(deal_rows)
def test_dependency_and_customer_properties(rows):
    deals = frame(
        [
            deal(f"d{i}", d, b, p, v, value_qualifier=q if v is not None else None)
            for i, (b, p, d, v, q) in enumerate(rows)
        ]
    )
    dep = buyer_dependency(deals, metrics=["value_usd"], n_boot=40)
    for _, group in dep.groupby(["buyer", "period"]):
        assert group.share.sum() == pytest.approx(1.0)
        assert (group.strategic_exposure == (group.share > 0.5)).all()
        assert group.strategic_exposure.sum() <= 1
        n = group.n_providers.iloc[0]
        assert n == len(group)
        assert 10000 / n - 1e-6 <= group.supplier_hhi.iloc[0] <= 10000 + 1e-6
        assert (group.share_low <= group.share + 1e-12).all()
        assert (group.share <= group.share_high + 1e-12).all()
    customers = provider_customer_concentration(deals, metrics=["value_usd"], n_boot=40)
    for row in customers.itertuples():
        assert row.top_customer_share <= row.top3_share + 1e-12 <= 1 + 2e-12
        assert row.top_customer == row.top3_customers[0]
        assert len(row.top3_customers) == min(3, row.n_customers)
        assert row.top_customer_share_low <= row.top_customer_share
        assert row.top_customer_share <= row.top_customer_share_high
