"""Splitting deals by company and period as row positions, and the top-k shares estimate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipelines.analytics.bootstrap import estimate_shares, rng_for
from pipelines.analytics.grouping import period_members, split_by


def test_split_by_gives_the_groups_of_a_sorted_groupby():
    keys = np.array(["b", "a", None, "b", "c", np.nan, "a", "b"], dtype=object)
    expected = {k: g.to_numpy() for k, g in pd.Series(range(len(keys))).groupby(keys, sort=True)}

    groups = list(split_by(keys))

    assert [k for k, _ in groups] == ["a", "b", "c"]  # sorted, missing keys dropped
    for key, rows in groups:
        assert rows.tolist() == expected[key].tolist()  # rows in their original order


def test_split_by_with_no_keys():
    assert list(split_by(np.array([None, np.nan], dtype=object))) == []


def test_period_members_order_and_masks():
    announced = pd.Series(pd.to_datetime(["2024-11-05", "2025-05-20", None, "2025-04-01"]))

    periods = period_members(announced)

    assert list(periods) == [
        "all",
        "2024",
        "2025",
        "2024-Q4",
        "ttm-2024-Q4",
        "ttm-2025-Q1",  # no deal in 2025-Q1 itself, but in the four quarters ending then
        "2025-Q2",
        "ttm-2025-Q2",
    ]
    as_lists = {label: mask.tolist() for label, mask in periods.items()}
    assert as_lists["all"] == [True, True, True, True]  # the undated deal is in 'all' only
    assert as_lists["2025"] == [False, True, False, True]
    assert as_lists["ttm-2025-Q1"] == [True, False, False, False]
    assert as_lists["ttm-2025-Q2"] == [True, True, False, True]


def test_period_members_without_dates():
    assert list(period_members(pd.Series([pd.NaT, pd.NaT]))) == ["all"]


def test_top_k_shares_lead_by_share_then_name():
    sellers = np.array(["c", "a", "b", "d", "a"], dtype=object)
    point = np.array([25.0, 10.0, 40.0, 10.0, 15.0])
    low, high = point * 0.5, point * 2.0

    est = estimate_shares(
        sellers, point, low, high, n_boot=400, rng=rng_for(7, "t"), resample=False, top=(1, 3, 4)
    )

    assert est.names.tolist() == ["a", "b", "c", "d"]
    assert est.leaders == [1, 0, 2, 3]  # b 40%, then a and c tie at 25%: by name
    assert set(est.top) == {1, 3, 4}
    top1, top1_low, top1_high = est.top[1]
    assert top1 == pytest.approx(0.4)
    ranked = np.sort(est.draws, axis=1)[:, ::-1]
    assert top1_low == pytest.approx(min(np.percentile(ranked[:, 0], 5), top1))
    assert top1_high == pytest.approx(max(np.percentile(ranked[:, 0], 95), top1))
    assert est.top[3][0] == pytest.approx(0.9)
    assert est.top[4] == pytest.approx((est.cr4, est.cr4_low, est.cr4_high))
