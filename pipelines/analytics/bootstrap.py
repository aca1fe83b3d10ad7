"""Shares of sellers with 90% intervals from a deal-level bootstrap over value ranges.

One estimator serves every table (market share, provider groups, buyer dependency,
provider customer concentration). Given the deals of one group (a market in a period, a
buyer's commitments ...) with each deal's seller and its value range:

* point: each deal counts its central value; a seller's share is its sum over the total.
* each of ``n_boot`` draws resamples the deals with replacement and gives each drawn deal a
  value uniformly inside its [low, high] range (a stated exact value has low = high), so
  both sampling uncertainty and the uncertainty of bounds and imputations reach the
  interval. The 5th and 95th percentiles of the draws give the 90% interval of each share,
  of HHI and of CR4 (and, on request, of the combined share of the k largest sellers).
* with ``resample=False`` the deals are kept as they are and only their values are drawn,
  for tables about one company's known book (buyer dependency, customer concentration),
  where resampling a handful of deals would say little beyond "the list could differ".
* intervals are widened to include the point estimate if they miss it (the point uses
  central values, which a skewed draw distribution can leave just outside).

Seeds are derived from the group's key, so a group's interval does not depend on which
other groups were computed, nor on the order of the deals (callers sort by deal_id).
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np

INTERVAL = (5.0, 95.0)


def hhi(shares: Iterable[float]) -> float:
    """Herfindahl–Hirschman index of fractional shares, on the 0–10,000 scale."""
    arr = np.asarray(list(shares), dtype=float)
    return float(np.sum((arr * 100.0) ** 2))


def cr4(shares: Iterable[float]) -> float:
    """Combined share of the four largest sellers (0–1)."""
    arr = np.sort(np.asarray(list(shares), dtype=float))[::-1]
    return float(arr[:4].sum())


def rng_for(seed: int, *key: object) -> np.random.Generator:
    """A generator seeded by ``seed`` and a stable hash of the group key."""
    digest = zlib.crc32("|".join(map(str, key)).encode("utf-8"))
    return np.random.default_rng([seed, digest])


@dataclass
class ShareEstimate:
    names: np.ndarray  # sellers, sorted
    amount: np.ndarray  # sum of central values per seller
    amount_low: np.ndarray  # sum of range lows
    amount_high: np.ndarray  # sum of range highs
    share: np.ndarray
    share_low: np.ndarray
    share_high: np.ndarray
    hhi: float
    hhi_low: float
    hhi_high: float
    cr4: float
    cr4_low: float
    cr4_high: float
    draws: np.ndarray  # (n_boot, k) shares per draw, for callers' own statistics
    leaders: list[int]  # indices into names, largest share first (ties by name)
    top: dict[int, tuple[float, float, float]]  # k -> point, low, high of the k largest

    @property
    def total(self) -> float:
        return float(self.amount.sum())

    def figures(self, j: int) -> tuple[float, ...]:
        """Seller j's amount, amount_low, amount_high, share, share_low and share_high."""
        columns = (
            self.amount,
            self.amount_low,
            self.amount_high,
            self.share,
            self.share_low,
            self.share_high,
        )
        return tuple(float(x[j]) for x in columns)


def _intervals(per_draw: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """90% interval of each column's statistic over the draws (rows), widened to its point."""
    low, high = np.percentile(per_draw, INTERVAL, axis=0)
    return np.minimum(low, points), np.maximum(high, points)


def estimate_shares(
    sellers: np.ndarray,
    point: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    *,
    n_boot: int,
    rng: np.random.Generator,
    resample: bool = True,
    top: Collection[int] = (),
) -> ShareEstimate | None:
    """Shares of each seller; None when there is nothing positive to share.

    ``resample=False`` keeps every deal in every draw and samples only the values inside
    their ranges: the interval then reflects bounds and imputations alone.
    ``top`` asks for the combined share of the k largest sellers for each k in it
    (``est.top[k]``); its interval is over whichever sellers are largest in each draw.
    """
    point = np.asarray(point, dtype=float)
    low = np.asarray(low, dtype=float)
    high = np.asarray(high, dtype=float)
    keep = np.isfinite(point) & (point > 0)
    if not keep.any():
        return None
    sellers, point, low, high = np.asarray(sellers)[keep], point[keep], low[keep], high[keep]
    low = np.where(np.isfinite(low), np.minimum(low, point), point)
    high = np.where(np.isfinite(high), np.maximum(high, point), point)
    names, idx = np.unique(sellers.astype(str), return_inverse=True)
    k, n = len(names), len(point)
    amount = np.bincount(idx, weights=point, minlength=k)
    share = amount / amount.sum()

    width = high - low
    if resample:
        picked = rng.integers(0, n, size=(n_boot, n))
        drawn_low, drawn_width, drawn_seller = low[picked], width[picked], idx[picked]
    else:  # every draw holds every deal: the per-deal arrays broadcast over the draws
        drawn_low, drawn_width, drawn_seller = low, width, idx
    u = rng.random((n_boot, n))
    values = drawn_low + drawn_width * u
    flat = (np.arange(n_boot)[:, None] * k + drawn_seller).ravel()
    sums = np.bincount(flat, weights=values.ravel(), minlength=n_boot * k).reshape(n_boot, k)
    totals = sums.sum(axis=1, keepdims=True)
    totals[totals == 0] = 1.0
    draws = sums / totals

    point_hhi = hhi(share)
    point_cr4 = cr4(share)
    leaders = sorted(range(k), key=lambda j: (-share[j], j))
    point_top = [float(share[leaders[:t]].sum()) for t in top]
    draw_hhi = np.sum((draws * 100.0) ** 2, axis=1)
    ranked = np.sort(draws, axis=1)[:, ::-1]  # each draw's shares, largest first
    draw_cr4 = ranked[:, :4].sum(axis=1)
    draw_top = [ranked[:, :t].sum(axis=1) for t in top]
    # one percentile pass over every statistic, one column each
    stat_low, stat_high = _intervals(
        np.column_stack([draws, draw_hhi, draw_cr4, *draw_top]),
        np.concatenate([share, [point_hhi, point_cr4], point_top]),
    )
    top_low, top_high = stat_low[k + 2 :], stat_high[k + 2 :]
    return ShareEstimate(
        names=names,
        amount=amount,
        amount_low=np.bincount(idx, weights=low, minlength=k),
        amount_high=np.bincount(idx, weights=high, minlength=k),
        share=share,
        share_low=stat_low[:k],
        share_high=stat_high[:k],
        hhi=point_hhi,
        hhi_low=float(stat_low[k]),
        hhi_high=float(stat_high[k]),
        cr4=point_cr4,
        cr4_low=float(stat_low[k + 1]),
        cr4_high=float(stat_high[k + 1]),
        draws=draws,
        leaders=leaders,
        top={
            t: (point, float(low_t), float(high_t))
            for t, point, low_t, high_t in zip(top, point_top, top_low, top_high, strict=True)
        },
    )
