"""Market share and concentration: hand-computed cases and properties."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.analytics.concentration import band, compute_all, cr4, hhi, market_share


def deals(rows):
    return pd.DataFrame(
        rows,
        columns=[
            "deal_id",
            "announced_on",
            "provider",
            "deal_type",
            "value_usd",
            "power_mw",
            "gpu_count",
        ],
    )


def test_hhi_hand_computed():
    assert hhi([0.3, 0.3, 0.2, 0.2]) == pytest.approx(2600)
    assert cr4([0.3, 0.3, 0.2, 0.1, 0.1]) == pytest.approx(0.9)
    assert band(2600) == "highly concentrated"
    assert band(1800) == "moderately concentrated"
    assert band(999) == "unconcentrated"


def test_shares_and_periods():
    frame = deals(
        [
            ("a", date(2025, 3, 10), "CoreWeave", "capacity_contract", 30e9, None, None),
            ("b", date(2025, 9, 8), "Nebius", "capacity_contract", 30e9, 300, None),
            ("c", date(2025, 9, 30), "Oracle", "expansion", 20e9, None, None),
            ("d", date(2026, 1, 5), "Amazon", "capacity_contract", 20e9, None, None),
            ("e", date(2026, 1, 6), "Nvidia", "chip_supply", 99e9, None, None),
            ("f", date(2026, 1, 7), "Lambda", "capacity_contract", None, None, None),
        ]
    )
    shares, conc = market_share(frame, n_boot=200)
    all_value = shares[(shares.period == "all") & (shares.metric == "value_usd")]
    assert set(all_value.provider) == {"CoreWeave", "Nebius", "Oracle", "Amazon"}
    assert all_value.share.sum() == pytest.approx(1.0)
    row = conc[(conc.period == "all") & (conc.metric == "value_usd")].iloc[0]
    assert row.hhi == pytest.approx(2600)
    assert row.deals_undisclosed == 1  # Lambda's undisclosed value
    assert {"2025", "2026", "2025-Q3", "ttm-2026-Q1", "all"} <= set(conc.period)
    q3 = conc[(conc.period == "2025-Q3") & (conc.metric == "value_usd")].iloc[0]
    assert q3.hhi == pytest.approx(10000 * (0.6**2 + 0.4**2))
    y26 = conc[(conc.period == "2026") & (conc.metric == "value_usd")].iloc[0]
    y25 = conc[(conc.period == "2025") & (conc.metric == "value_usd")].iloc[0]
    assert y26.hhi_change == pytest.approx(y26.hhi - y25.hhi)
    ttm = shares[(shares.period == "ttm-2026-Q1") & (shares.metric == "value_usd")]
    assert set(ttm.provider) == {"Nebius", "Oracle", "Amazon"}  # March 2025 is outside
    coreweave = all_value[all_value.provider == "CoreWeave"].iloc[0]
    assert coreweave.deal_ids == ["a"]


def test_chip_market_is_separate():
    frame = deals(
        [
            ("a", date(2025, 10, 6), "AMD", "chip_supply", None, 6000, None),
            ("b", date(2025, 9, 22), "Nvidia", "chip_supply", None, 10000, None),
            ("c", date(2025, 9, 30), "CoreWeave", "capacity_contract", 14.2e9, None, None),
        ]
    )
    shares, _ = compute_all(frame, n_boot=50)
    chips = shares[(shares.market == "chip_supply") & (shares.period == "all")]
    assert set(chips.provider) == {"AMD", "Nvidia"}
    assert chips[chips.provider == "Nvidia"].share.iloc[0] == pytest.approx(0.625)


deal_rows = st.lists(
    st.tuples(
        st.sampled_from(["CoreWeave", "Nebius", "Oracle", "Amazon", "Microsoft", "Lambda"]),
        st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31)),
        st.floats(min_value=1e6, max_value=5e11),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=40, deadline=None)
@given(deal_rows)
def test_properties(rows):
    frame = deals(
        [(f"d{i}", d, p, "capacity_contract", v, None, None) for i, (p, d, v) in enumerate(rows)]
    )
    shares, conc = market_share(frame, metrics=["value_usd"], n_boot=100)
    for _, group in shares.groupby("period"):
        assert group.share.sum() == pytest.approx(1.0)
        assert (group.share_low <= group.share + 1e-12).all()
        assert (group.share_high >= group.share - 1e-12).all()
    for row in conc.itertuples():
        assert 10000 / row.n_providers - 1e-6 <= row.hhi <= 10000 + 1e-6
        assert row.cr4 <= 1 + 1e-12
        assert row.hhi_low <= row.hhi <= row.hhi_high
