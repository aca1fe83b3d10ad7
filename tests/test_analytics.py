"""Market share and concentration: hand-computed cases, bounds, imputation and properties."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from frame_rows import one, pick
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.analytics.assumptions import DEFAULT_ASSUMPTIONS, Assumptions, Span, gpu_class
from pipelines.analytics.concentration import (
    band,
    compute_all,
    cr4,
    hhi,
    market_share,
    provider_groups,
)
from pipelines.analytics.imputation import deal_values

COLUMNS = [
    "deal_id",
    "announced_on",
    "buyer",
    "provider",
    "provider_type",
    "deal_type",
    "value_usd",
    "value_qualifier",
    "duration_years",
    "gpu_model",
    "gpu_count",
    "power_mw",
]


def deal(deal_id, announced_on, provider, value=None, **kw):
    row = dict.fromkeys(COLUMNS)
    row.update(
        deal_id=deal_id,
        announced_on=announced_on,
        buyer="Meta",
        provider=provider,
        deal_type="capacity_contract",
        value_usd=value,
        value_qualifier="exact" if value is not None else None,
    )
    row.update(kw)
    return row


def frame(rows):
    return pd.DataFrame(rows, columns=COLUMNS)


# --- hand-computed -----------------------------------------------------------------------


def test_hhi_hand_computed():
    assert hhi([0.3, 0.3, 0.2, 0.2]) == pytest.approx(2600)
    assert cr4([0.3, 0.3, 0.2, 0.1, 0.1]) == pytest.approx(0.9)
    assert band(2600) == "highly concentrated"
    assert band(1801) == "highly concentrated"
    assert band(1800) == "moderately concentrated"
    assert band(1000) == "moderately concentrated"
    assert band(999) == "unconcentrated"


def test_shares_30_30_20_20_give_hhi_2600():
    deals = frame(
        [
            deal("a", date(2025, 3, 10), "CoreWeave", 30e9),
            deal("b", date(2025, 9, 8), "Nebius", 30e9, power_mw=300),
            deal("c", date(2025, 9, 30), "Oracle", 20e9, deal_type="expansion"),
            deal("d", date(2026, 1, 5), "Amazon", 20e9),
            deal("e", date(2026, 1, 6), "Nvidia", 99e9, deal_type="chip_supply"),
        ]
    )
    shares, conc = market_share(deals, n_boot=200)
    all_value = pick(shares, period="all", metric="value_usd")
    assert dict(zip(all_value.provider, all_value.share, strict=True)) == pytest.approx(
        {"CoreWeave": 0.3, "Nebius": 0.3, "Oracle": 0.2, "Amazon": 0.2}
    )
    row = one(conc, period="all", metric="value_usd")
    assert row.hhi == pytest.approx(2600)
    assert row.cr4 == pytest.approx(1.0)
    assert row.band == "highly concentrated"
    assert row.n_providers == 4
    assert row.hhi_low <= row.hhi <= row.hhi_high
    assert row.imputed == 0 and row.bounded == 0 and row.deals_undisclosed == 0
    assert sorted(row.deal_ids) == ["a", "b", "c", "d"]  # the chip deal is another market
    assert one(all_value, provider="CoreWeave").deal_ids == ["a"]
    # exact values: the amount range is a point
    assert (all_value.amount_low == all_value.amount).all()
    assert (all_value.amount_high == all_value.amount).all()


def test_periods_and_hhi_change():
    deals = frame(
        [
            deal("a", date(2025, 3, 10), "CoreWeave", 30e9),
            deal("b", date(2025, 9, 8), "Nebius", 30e9),
            deal("c", date(2025, 9, 30), "Oracle", 20e9),
            deal("d", date(2026, 1, 5), "Amazon", 20e9),
        ]
    )
    shares, conc = market_share(deals, n_boot=100)
    values = pick(conc, metric="value_usd")
    assert {"2025", "2026", "2025-Q1", "2025-Q3", "ttm-2026-Q1", "all"} <= set(values.period)
    q3 = one(values, period="2025-Q3")
    assert q3.hhi == pytest.approx(10000 * (0.6**2 + 0.4**2))
    y25, y26 = one(values, period="2025"), one(values, period="2026")
    assert y26.hhi_change == pytest.approx(y26.hhi - y25.hhi)
    assert pd.isna(y25.hhi_change)  # no 2024
    assert pd.isna(one(values, period="all").hhi_change)
    ttm = pick(shares, period="ttm-2026-Q1", metric="value_usd")
    assert set(ttm.provider) == {"Nebius", "Oracle", "Amazon"}  # March 2025 is outside
    # quarter-on-quarter: no change when the previous quarter had no deal
    assert pd.isna(one(values, period="2025-Q3").hhi_change)  # 2025-Q2 had no deal


def test_chip_market_is_separate():
    deals = frame(
        [
            deal("a", date(2025, 10, 6), "AMD", None, deal_type="chip_supply", gpu_count=6000),
            deal("b", date(2025, 9, 22), "Nvidia", None, deal_type="chip_supply", gpu_count=1e4),
            deal("c", date(2025, 9, 30), "CoreWeave", 14.2e9),
        ]
    )
    shares, _ = compute_all(deals, n_boot=50)
    chips = pick(shares, market="chip_supply", period="all", metric="gpu_count")
    assert set(chips.provider) == {"AMD", "Nvidia"}
    assert one(chips, provider="Nvidia").share == pytest.approx(0.625)
    compute = pick(shares, market="compute_capacity", period="all", metric="value_usd")
    assert list(compute.provider) == ["CoreWeave"]


# --- bounds and imputation ---------------------------------------------------------------


def test_up_to_and_at_least_are_bounds_not_points():
    deals = frame(
        [
            deal("a", date(2025, 9, 1), "Nebius", 10e9),
            deal("b", date(2025, 9, 2), "CoreWeave", 20e9, value_qualifier="up_to"),
            deal("c", date(2025, 9, 3), "Google", 8e9, value_qualifier="at_least"),
            deal("d", date(2025, 9, 4), "Oracle", 5e9, value_qualifier="approx"),
        ]
    )
    values = pick(deal_values(deals), metric="value_usd").set_index("deal_id")
    b, c, d = values.loc["b"], values.loc["c"], values.loc["d"]
    assert (b.method, b.point, b.low, b.high) == ("up_to", 15e9, 10e9, 20e9)
    assert bool(b.bounded) and not bool(b.imputed)
    assert (c.method, c.point, c.low, c.high) == ("at_least", 10e9, 8e9, 12e9)
    assert (d.method, d.point) == ("approx", 5e9)
    assert d.low == pytest.approx(4.5e9) and d.high == pytest.approx(5.5e9)

    shares, conc = market_share(deals, metrics=["value_usd"], n_boot=300)
    coreweave = one(shares, period="all", provider="CoreWeave")
    assert coreweave.amount == 15e9
    assert (coreweave.amount_low, coreweave.amount_high) == (10e9, 20e9)
    assert coreweave.bounded == 1
    assert coreweave.share == pytest.approx(15 / 40)
    assert coreweave.share_low <= coreweave.share <= coreweave.share_high
    assert one(conc, period="all").bounded == 2


def test_bound_interval_without_resampling():
    """Two exact-vs-bound deals, values sampled only: the interval stays inside the bound."""
    from pipelines.analytics.dependency import buyer_dependency

    deals = frame(
        [
            deal("a", date(2025, 9, 1), "Nebius", 10e9),
            deal("b", date(2025, 9, 2), "CoreWeave", 20e9, value_qualifier="up_to"),
        ]
    )
    dep = buyer_dependency(deals, metrics=["value_usd"], n_boot=400)
    row = one(dep, period="all", provider="CoreWeave")
    # CoreWeave's value is uniform in [10, 20]B against Nebius' 10B: share in [1/2, 2/3]
    assert row.share == pytest.approx(15 / 25)
    assert 0.5 <= row.share_low < row.share < row.share_high <= 2 / 3 + 1e-12


def test_imputation_from_power_gpus_and_similar_deals_is_flagged():
    deals = frame(
        [
            deal("a", date(2025, 1, 1), "Nebius", 10e9),
            deal("b", date(2025, 2, 1), "CoreWeave", 20e9),
            deal("c", date(2025, 3, 1), "Oracle", 30e9),
            deal("mw", date(2025, 4, 1), "IREN", None, power_mw=100, duration_years=5),
            deal("gpu", date(2025, 5, 1), "Nscale", None, gpu_count=1000, gpu_model="GB300"),
            deal("none", date(2025, 6, 1), "Lambda", None),
        ]
    )
    values = pick(deal_values(deals), metric="value_usd").set_index("deal_id")
    mw = values.loc["mw"]
    assert mw.method == "from_power_mw" and bool(mw.imputed)
    assert mw.point == pytest.approx(100 * 11e6 * 5)  # $11M per MW-year, 5 stated years
    assert (mw.low, mw.high) == pytest.approx((100 * 8e6 * 5, 100 * 14e6 * 5))
    gpu = values.loc["gpu"]
    assert gpu.method == "from_gpu_count"
    # Blackwell-class $3.25/GPU-h, 8,760 h, default 5-year term (4-6)
    assert gpu.point == pytest.approx(1000 * 3.25 * 8760 * 5)
    assert (gpu.low, gpu.high) == pytest.approx((1000 * 2.5 * 8760 * 4, 1000 * 4.0 * 8760 * 6))
    similar = values.loc["none"]
    assert similar.method == "similar_deals" and bool(similar.imputed)
    # median and IQR of the five valued deals' central values
    known = sorted([10e9, 20e9, 30e9, mw.point, gpu.point])
    assert similar.point == pytest.approx(np.quantile(known, 0.5))
    assert similar.low == pytest.approx(np.quantile(known, 0.25))

    shares, conc = market_share(deals, metrics=["value_usd"], n_boot=200)
    assert one(shares, period="all", provider="IREN").imputed == 1
    assert one(shares, period="all", provider="Nebius").imputed == 0
    row = one(conc, period="all")
    assert row.imputed == 3 and row.deals_undisclosed == 0 and row.n_providers == 6
    iren = one(shares, period="all", provider="IREN")
    assert iren.amount_low < iren.amount < iren.amount_high
    assert iren.share_low <= iren.share <= iren.share_high


def test_too_few_similar_deals_leaves_the_deal_undisclosed():
    deals = frame(
        [
            deal("a", date(2025, 1, 1), "Nebius", 10e9),
            deal("b", date(2025, 2, 1), "Lambda", None),
        ]
    )
    values = pick(deal_values(deals), metric="value_usd").set_index("deal_id")
    assert values.loc["b"].method == "undisclosed" and np.isnan(values.loc["b"].point)
    _, conc = market_share(deals, metrics=["value_usd"], n_boot=50)
    row = one(conc, period="all")
    assert row.deals == 2 and row.deals_undisclosed == 1 and row.deal_ids == ["a"]


def test_impute_false_keeps_stated_figures_only():
    deals = frame(
        [
            deal("a", date(2025, 1, 1), "Nebius", 10e9),
            deal("b", date(2025, 2, 1), "IREN", None, power_mw=100),
        ]
    )
    _, conc = market_share(deals, n_boot=50, impute=False)
    assert one(conc, period="all", metric="value_usd").deals_undisclosed == 1
    assert pick(conc, period="all", metric="gpu_count").empty  # no GPU count stated


def test_power_and_gpu_count_imputed_from_each_other_and_chip_prices():
    deals = frame(
        [
            deal("a", date(2025, 1, 1), "Nscale", None, gpu_count=1000),
            deal("b", date(2025, 1, 2), "AMD", None, deal_type="chip_supply", power_mw=1000),
        ]
    )
    values = deal_values(deals).set_index(["deal_id", "metric"])
    power = values.loc[("a", "power_mw")]
    assert power.method == "from_gpu_count" and power.point == pytest.approx(1.6)
    gpus = values.loc[("b", "gpu_count")]
    assert gpus.method == "from_power_mw" and gpus.point == pytest.approx(1000 * 1000 / 1.6)
    chips = values.loc[("b", "value_usd")]
    assert chips.point == pytest.approx(1000 * 27.5e6)  # $27.5M of chips per MW
    assert values.loc[("a", "gpu_count")].method == "exact"


def test_assumptions_are_one_place_to_change():
    deals = frame([deal("a", date(2025, 1, 1), "IREN", None, power_mw=10, duration_years=1)])
    cheap = Assumptions(usd_per_mw_year=Span(1e6, 1e6, 1e6))
    point = pick(deal_values(deals, cheap), metric="value_usd").point.iloc[0]
    assert point == pytest.approx(10e6)
    with pytest.raises(ValueError):
        Span(2, 1, 1.5)
    assert DEFAULT_ASSUMPTIONS.up_to == Span(0.5, 1.0, 0.75)
    assert gpu_class("GB300") == "blackwell_or_newer"
    assert gpu_class("H100") == gpu_class(None) == "other"


def test_results_do_not_depend_on_row_order():
    rows = [
        deal("a", date(2025, 3, 10), "CoreWeave", 30e9, value_qualifier="up_to"),
        deal("b", date(2025, 9, 8), "Nebius", 30e9),
        deal("c", date(2025, 9, 30), "Oracle", None, power_mw=500),
        deal("d", date(2026, 1, 5), "Amazon", 20e9),
    ]
    first = market_share(frame(rows), n_boot=100)
    second = market_share(frame(rows[::-1]), n_boot=100)
    cols = ["period", "metric", "provider", "share", "share_low", "share_high"]
    key = ["period", "metric", "provider"]
    pd.testing.assert_frame_equal(
        first[0][cols].sort_values(key).reset_index(drop=True),
        second[0][cols].sort_values(key).reset_index(drop=True),
    )


def test_provider_groups_hyperscalers_versus_neoclouds():
    deals = frame(
        [
            deal("a", date(2025, 1, 1), "Microsoft", 50e9, provider_type="hyperscaler"),
            deal("b", date(2025, 1, 2), "Oracle", 10e9, provider_type="hyperscaler"),
            deal("c", date(2025, 1, 3), "CoreWeave", 30e9, provider_type="neocloud"),
            deal("d", date(2025, 1, 4), "Meta", 10e9, provider_type="hyperscaler"),
        ]
    )
    groups = provider_groups(deals, metrics=["value_usd"], n_boot=100)
    all_time = pick(groups, period="all").set_index("provider_group")
    assert list(all_time.index) == ["hyperscaler", "neocloud", "other"]
    assert all_time.share.to_dict() == pytest.approx(
        {"hyperscaler": 0.6, "neocloud": 0.3, "other": 0.1}  # Meta sells as 'other'
    )
    assert all_time.loc["hyperscaler"].providers == ["Microsoft", "Oracle"]
    assert all_time.loc["other"].deal_ids == ["d"]
    assert (all_time.share_low <= all_time.share).all()
    assert (all_time.share <= all_time.share_high).all()


# --- properties --------------------------------------------------------------------------

PROVIDERS = ["CoreWeave", "Nebius", "Oracle", "Amazon", "Microsoft", "Lambda"]
deal_rows = st.lists(
    st.tuples(
        st.sampled_from(PROVIDERS),
        st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31)),
        st.one_of(st.none(), st.floats(min_value=1e6, max_value=5e11)),
        st.sampled_from(["exact", "up_to", "at_least", "approx", None]),
        st.one_of(st.none(), st.floats(min_value=1, max_value=5000)),
        st.sampled_from(["capacity_contract", "expansion", "chip_supply"]),
    ),
    min_size=1,
    max_size=20,
)


def _frame_from(rows):
    return frame(
        [
            deal(
                f"d{i}",
                d,
                p,
                v,
                value_qualifier=q if v is not None else None,
                power_mw=mw,
                deal_type=t,
            )
            for i, (p, d, v, q, mw, t) in enumerate(rows)
        ]
    )


@settings(max_examples=40, deadline=None)
@given(deal_rows)
def test_share_and_concentration_properties(rows):
    shares, conc = compute_all(_frame_from(rows), n_boot=60)
    for _, group in shares.groupby(["market", "period", "metric"]):
        assert group.share.sum() == pytest.approx(1.0)
        assert (group.share_low <= group.share + 1e-12).all()
        assert (group.share_high >= group.share - 1e-12).all()
        assert (group.amount_low <= group.amount * (1 + 1e-12)).all()
        assert (group.amount <= group.amount_high * (1 + 1e-12)).all()
    for row in conc.itertuples():
        assert 10000 / row.n_providers - 1e-6 <= row.hhi <= 10000 + 1e-6
        assert row.cr4 <= 1 + 1e-12
        assert row.hhi_low <= row.hhi <= row.hhi_high
        assert row.cr4_low <= row.cr4 <= row.cr4_high
        assert row.band == band(row.hhi)
        n_rows = len(pick(shares, market=row.market, period=row.period, metric=row.metric))
        assert n_rows == row.n_providers
        assert len(row.deal_ids) == row.deals - row.deals_undisclosed
