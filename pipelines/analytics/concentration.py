"""Market share and concentration (HHI, CR4) of providers, with bootstrap intervals.

Pure functions over a deals DataFrame shaped like ``marts.fct_deals``; no Dagster, no I/O.

Method
------
* A market is a set of deal types: the compute-capacity market is ``capacity_contract`` +
  ``expansion`` (sellers are providers); the chip-supply market is ``chip_supply``.
* For a period and a metric (``value_usd``, ``power_mw``, ``gpu_count``) a provider's amount
  is the sum of the metric over its deals announced in the period that disclose it; its
  share is amount / total. Deals that do not disclose the metric are left out (counted in
  ``deals_undisclosed``) — imputation is a later refinement.
* HHI = sum of squared percentage shares (0–10,000); CR4 = the four largest shares' sum.
  Bands follow the 2023 US Merger Guidelines: above 1,800 highly concentrated,
  1,000–1,800 moderately concentrated, below 1,000 unconcentrated.
* Intervals: a deal-level bootstrap (resample the period's deals with replacement,
  ``n_boot`` times, fixed seed) gives the 5th and 95th percentiles of each share and of HHI.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

MARKETS = {
    "compute_capacity": ("capacity_contract", "expansion"),
    "chip_supply": ("chip_supply",),
}
METRICS = ("value_usd", "power_mw", "gpu_count")
SHARE_COLUMNS = [
    "market",
    "period",
    "metric",
    "provider",
    "amount",
    "share",
    "share_low",
    "share_high",
    "deals",
    "deal_ids",
]
CONCENTRATION_COLUMNS = [
    "market",
    "period",
    "metric",
    "hhi",
    "hhi_low",
    "hhi_high",
    "cr4",
    "n_providers",
    "band",
    "hhi_change",
    "total_amount",
    "deals",
    "deals_undisclosed",
]


def hhi(shares: Iterable[float]) -> float:
    """Herfindahl–Hirschman index of fractional shares, on the 0–10,000 scale."""
    arr = np.asarray(list(shares), dtype=float)
    return float(np.sum((arr * 100.0) ** 2))


def cr4(shares: Iterable[float]) -> float:
    """Combined share of the four largest sellers (0–1)."""
    arr = np.sort(np.asarray(list(shares), dtype=float))[::-1]
    return float(arr[:4].sum())


def band(hhi_value: float) -> str:
    if hhi_value > 1800:
        return "highly concentrated"
    if hhi_value >= 1000:
        return "moderately concentrated"
    return "unconcentrated"


def quarter_of(d: date) -> str:
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def _quarter_index(label: str) -> int:
    year, q = label.split("-Q")
    return int(year) * 4 + int(q) - 1


def period_members(announced: pd.Series) -> dict[str, np.ndarray]:
    """Boolean masks of deals per period label: years, quarters, ttm-quarters and 'all'."""
    dates = pd.to_datetime(announced)
    valid = dates.notna().to_numpy()
    years = dates.dt.year
    quarters = dates.dt.year * 4 + (dates.dt.month - 1) // 3
    out: dict[str, np.ndarray] = {"all": np.ones(len(dates), dtype=bool)}
    if not valid.any():
        return out
    for y in sorted(years[valid].astype(int).unique()):
        out[str(y)] = (years == y).to_numpy()
    q_values = quarters[valid].astype(int)
    for qi in range(int(q_values.min()), int(q_values.max()) + 1):
        label = f"{qi // 4}-Q{qi % 4 + 1}"
        mask_q = (quarters == qi).to_numpy()
        if mask_q.any():
            out[label] = mask_q
        ttm = ((quarters > qi - 4) & (quarters <= qi)).to_numpy()
        if ttm.any():
            out[f"ttm-{label}"] = ttm
    return out


def _previous(period: str, labels: set[str]) -> str | None:
    """The period before this one of the same kind, if it has figures."""
    if period == "all":
        return None
    if period.startswith("ttm-"):
        candidate = f"ttm-{_previous_quarter(period[4:])}"
    elif "-Q" in period:
        candidate = _previous_quarter(period)
    else:
        candidate = str(int(period) - 1)
    return candidate if candidate in labels else None


def _previous_quarter(label: str) -> str:
    qi = _quarter_index(label) - 1
    return f"{qi // 4}-Q{qi % 4 + 1}"


def market_share(
    deals: pd.DataFrame,
    *,
    market: str = "compute_capacity",
    metrics: Iterable[str] = METRICS,
    n_boot: int = 1000,
    seed: int = 7,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compute (market_share, concentration) tables for one market."""
    types = MARKETS[market]
    # sorted so the seeded bootstrap gives the same intervals whatever order rows arrive in
    scope = deals[deals["deal_type"].isin(types)]
    if "deal_id" in scope.columns:
        scope = scope.sort_values("deal_id", kind="stable")
    scope = scope.reset_index(drop=True)
    rng = np.random.default_rng(seed)
    members = period_members(scope["announced_on"]) if len(scope) else {}
    share_rows, conc_rows = [], []
    for metric in metrics:
        values = pd.to_numeric(scope[metric], errors="coerce") if len(scope) else pd.Series()
        for period, mask in members.items():
            in_period = scope[mask]
            disclosed_mask = mask & values.notna().to_numpy() & (values.fillna(0) > 0).to_numpy()
            sub = scope[disclosed_mask]
            undisclosed = int(mask.sum() - disclosed_mask.sum())
            if sub.empty:
                continue
            amounts = values[disclosed_mask].to_numpy(dtype=float)
            providers = sub["provider"].to_numpy()
            names, idx = np.unique(providers, return_inverse=True)
            totals = np.bincount(idx, weights=amounts, minlength=len(names))
            shares = totals / totals.sum()
            boot = _bootstrap_shares(idx, amounts, len(names), n_boot, rng)
            boot_hhi = np.sum((boot * 100) ** 2, axis=1)
            low, high = np.percentile(boot, [5, 95], axis=0)
            for j, name in enumerate(names):
                ids = sorted(sub.loc[providers == name, "deal_id"].tolist())
                share_rows.append(
                    (
                        market,
                        period,
                        metric,
                        name,
                        float(totals[j]),
                        float(shares[j]),
                        float(min(low[j], shares[j])),
                        float(max(high[j], shares[j])),
                        len(ids),
                        ids,
                    )
                )
            point = hhi(shares)
            conc_rows.append(
                (
                    market,
                    period,
                    metric,
                    point,
                    float(min(np.percentile(boot_hhi, 5), point)),
                    float(max(np.percentile(boot_hhi, 95), point)),
                    cr4(shares),
                    len(names),
                    band(point),
                    None,
                    float(totals.sum()),
                    int(len(in_period)),
                    undisclosed,
                )
            )
    shares_df = pd.DataFrame(share_rows, columns=SHARE_COLUMNS)
    conc_df = pd.DataFrame(conc_rows, columns=CONCENTRATION_COLUMNS)
    if not conc_df.empty:
        conc_df["hhi_change"] = _changes(conc_df)
    return shares_df, conc_df


def _bootstrap_shares(
    idx: np.ndarray, amounts: np.ndarray, k: int, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    n = len(amounts)
    draws = rng.integers(0, n, size=(n_boot, n))
    out = np.zeros((n_boot, k))
    rows = np.repeat(np.arange(n_boot), n)
    np.add.at(out, (rows, idx[draws].ravel()), amounts[draws].ravel())
    sums = out.sum(axis=1, keepdims=True)
    sums[sums == 0] = 1.0
    return out / sums


def _changes(conc: pd.DataFrame) -> list[float | None]:
    lookup = {(r.market, r.metric, r.period): r.hhi for r in conc.itertuples()}
    result = []
    for r in conc.itertuples():
        labels = {p for (m, met, p) in lookup if m == r.market and met == r.metric}
        prev = _previous(r.period, labels)
        prev_value = lookup.get((r.market, r.metric, prev)) if prev else None
        result.append(None if prev_value is None else float(r.hhi - prev_value))
    return result


def compute_all(deals: pd.DataFrame, *, n_boot: int = 1000, seed: int = 7):
    """Both markets, all metrics: (market_share, concentration)."""
    parts = [market_share(deals, market=m, n_boot=n_boot, seed=seed) for m in MARKETS]
    shares = pd.concat([p[0] for p in parts], ignore_index=True)
    conc = pd.concat([p[1] for p in parts], ignore_index=True)
    return shares, conc
