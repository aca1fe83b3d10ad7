"""Splitting one market's deals by period and by company, and estimating shares per split.

Every table walks the same shape: take the rows of ``deal_values`` for a market and metric
(``metric_frame``, sorted by deal_id), optionally split them by buyer or provider, then for
each period of those rows estimate the sellers' shares over the deals with a positive value.
Those splits are done here on numpy arrays taken once from the frame (row positions in, row
positions out) rather than by filtering a DataFrame per group, which dominated run time.

Periods are ``all``, each year, each quarter and each ``ttm-`` quarter (the four quarters
ending then) of the rows' own dates, in that order; a quarter is listed when it has deals,
a ttm quarter when its four quarters have any, from the first dated quarter to the last.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .bootstrap import ShareEstimate, estimate_shares, rng_for


def quarter_numbers(announced: pd.Series) -> np.ndarray:
    """year * 4 + quarter - 1 of each date, as floats with NaN for a missing date."""
    dates = pd.to_datetime(announced)
    quarters = dates.dt.year * 4 + (dates.dt.month - 1) // 3
    return quarters.to_numpy(dtype=float, na_value=np.nan)


def period_masks(quarters: np.ndarray) -> dict[str, np.ndarray]:
    """Boolean masks of rows per period label, given their ``quarter_numbers``."""
    out: dict[str, np.ndarray] = {"all": np.ones(len(quarters), dtype=bool)}
    dated = quarters[~np.isnan(quarters)].astype(int)
    if not dated.size:
        return out
    years = quarters // 4
    for y in np.unique(dated // 4):
        out[str(y)] = years == y
    for qi in range(int(dated.min()), int(dated.max()) + 1):
        label = f"{qi // 4}-Q{qi % 4 + 1}"
        in_quarter = quarters == qi
        if in_quarter.any():
            out[label] = in_quarter
        ttm = (quarters > qi - 4) & (quarters <= qi)
        if ttm.any():
            out[f"ttm-{label}"] = ttm
    return out


def period_members(announced: pd.Series) -> dict[str, np.ndarray]:
    """Boolean masks of deals per period label: years, quarters, ttm-quarters and 'all'."""
    return period_masks(quarter_numbers(announced))


@dataclass(frozen=True)
class DealArrays:
    """The columns of a ``metric_frame`` as numpy arrays, rows in the frame's order."""

    deal_id: np.ndarray  # as text
    buyer: np.ndarray
    provider: np.ndarray
    provider_type: np.ndarray
    point: np.ndarray
    low: np.ndarray
    high: np.ndarray
    imputed: np.ndarray
    bounded: np.ndarray
    quarter: np.ndarray  # quarter_numbers of announced_on
    valued: np.ndarray  # a positive point value: the deal counts in shares

    @classmethod
    def of(cls, frame: pd.DataFrame) -> DealArrays:
        point = frame["point"].to_numpy(dtype=float)
        return cls(
            deal_id=frame["deal_id"].astype(str).to_numpy(),
            buyer=frame["buyer"].to_numpy(),
            provider=frame["provider"].to_numpy(),
            provider_type=frame["provider_type"].to_numpy(),
            point=point,
            low=frame["low"].to_numpy(dtype=float),
            high=frame["high"].to_numpy(dtype=float),
            imputed=frame["imputed"].to_numpy(dtype=bool),
            bounded=frame["bounded"].to_numpy(dtype=bool),
            quarter=quarter_numbers(frame["announced_on"]),
            valued=point > 0,  # NaN (no figure) compares false
        )

    @property
    def rows(self) -> np.ndarray:
        """Every row position."""
        return np.arange(len(self.point))

    def flags(self, rows: np.ndarray) -> tuple[int, int]:
        """How many of the rows are imputed, and how many are bounds."""
        return int(self.imputed[rows].sum()), int(self.bounded[rows].sum())

    def ids(self, rows: np.ndarray) -> list[str]:
        """The rows' deal ids, sorted."""
        return sorted(self.deal_id[rows].tolist())


def split_by(keys: np.ndarray) -> Iterator[tuple[object, np.ndarray]]:
    """(key, row positions) per distinct key, keys sorted, rows in order, missing keys dropped.

    The groups of ``DataFrame.groupby(column, sort=True)``, as positions.
    """
    present = np.flatnonzero(pd.notna(keys))
    names, inverse = np.unique(keys[present], return_inverse=True)
    by_key = present[np.argsort(inverse, kind="stable")]
    start = 0
    for name, count in zip(names, np.bincount(inverse, minlength=len(names)), strict=True):
        yield name, by_key[start : start + count]
        start += count


def period_estimates(
    deals: DealArrays,
    rows: np.ndarray,
    sellers: np.ndarray,
    key: tuple[object, ...],
    *,
    n_boot: int,
    seed: int,
    resample: bool = True,
    top: Collection[int] = (),
) -> Iterator[tuple[str, np.ndarray, np.ndarray, ShareEstimate]]:
    """(period, rows in it, valued rows in it, shares of ``sellers``) per period of ``rows``.

    ``sellers`` is indexed by row position like ``deals``; ``resample`` and ``top`` go to
    ``estimate_shares``. Periods whose deals have no positive value are skipped; each
    period's draws are seeded by ``key`` and the period.
    """
    for period, mask in period_masks(deals.quarter[rows]).items():
        in_period = rows[mask]
        valued = in_period[deals.valued[in_period]]
        if not valued.size:
            continue
        est = estimate_shares(
            sellers[valued],
            deals.point[valued],
            deals.low[valued],
            deals.high[valued],
            n_boot=n_boot,
            rng=rng_for(seed, *key, period),
            resample=resample,
            top=top,
        )
        if est is not None:
            yield period, in_period, valued, est


def rows_by_name(est: ShareEstimate, rows: np.ndarray, sellers: np.ndarray) -> list[np.ndarray]:
    """The rows of each of ``est.names`` (in that order) among ``rows``."""
    labels = sellers[rows]
    return [rows[labels == name] for name in est.names]
