"""Who depends on whom: buyers on their providers, providers on their customers.

Pure functions over a deals DataFrame shaped like ``marts.fct_deals``; values, bounds and
imputations as in :mod:`pipelines.analytics.imputation`, intervals from the bootstrap of
:mod:`pipelines.analytics.bootstrap`, periods as in :mod:`pipelines.analytics.concentration`.

Intervals here carry the uncertainty of the values only (bounds and imputations sampled
inside their ranges); a company's deals are taken as its known book and not resampled, as
resampling a handful of deals says little beyond "the list could differ".

* ``buyer_dependency``: for each buyer, period and metric, the share of its external
  compute commitments (compute-capacity deals where it is the buyer) held by each
  provider, with the HHI of its supplier base. ``strategic_exposure`` marks the rows where
  one provider holds more than half (point estimate).
* ``provider_customer_concentration``: for each market, provider, period and metric, the
  share of its contracted book (the deals announced in the period; ``all`` = the whole
  book, delivered or not) that comes from its largest customer and its top three,
  named. The interval of ``top_customer_share`` is that of the largest customer's share
  in each draw, whoever it is (likewise for the top three). For the time-decayed backlog
  per quarter see ``marts.fct_provider_capacity_quarterly``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .assumptions import DEFAULT_ASSUMPTIONS, Assumptions
from .bootstrap import estimate_shares, rng_for
from .concentration import _ids, _valued, period_members, provider_group
from .imputation import MARKETS, METRICS, deal_values, metric_frame

STRATEGIC_EXPOSURE_SHARE = 0.5

DEPENDENCY_COLUMNS = [
    "period",
    "metric",
    "buyer",
    "provider",
    "provider_group",
    "amount",
    "amount_low",
    "amount_high",
    "share",
    "share_low",
    "share_high",
    "strategic_exposure",
    "buyer_total",
    "n_providers",
    "supplier_hhi",
    "supplier_hhi_low",
    "supplier_hhi_high",
    "deals",
    "imputed",
    "bounded",
    "deal_ids",
]
CUSTOMER_COLUMNS = [
    "market",
    "period",
    "metric",
    "provider",
    "total_amount",
    "n_customers",
    "top_customer",
    "top_customer_amount",
    "top_customer_share",
    "top_customer_share_low",
    "top_customer_share_high",
    "top3_customers",
    "top3_share",
    "top3_share_low",
    "top3_share_high",
    "customer_hhi",
    "customer_hhi_low",
    "customer_hhi_high",
    "deals",
    "imputed",
    "bounded",
    "deal_ids",
]


def buyer_dependency(
    deals: pd.DataFrame,
    *,
    metrics: Iterable[str] = METRICS,
    n_boot: int = 1000,
    seed: int = 7,
    assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
    values: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per buyer, period, metric and provider of the compute-capacity market."""
    market = "compute_capacity"
    if values is None:
        values = deal_values(deals, assumptions)
    rows = []
    for metric in metrics:
        scope = metric_frame(values, market, metric)
        if scope.empty:
            continue
        for buyer, mine in scope.groupby("buyer", sort=True):
            mine = mine.reset_index(drop=True)
            for period, mask in period_members(mine["announced_on"]).items():
                sub = _valued(mine[mask])
                if sub.empty:
                    continue
                est = estimate_shares(
                    sub["provider"].to_numpy(),
                    sub["point"].to_numpy(),
                    sub["low"].to_numpy(),
                    sub["high"].to_numpy(),
                    n_boot=n_boot,
                    rng=rng_for(seed, "buyer_dependency", buyer, metric, period),
                    resample=False,
                )
                if est is None:
                    continue
                for j, provider in enumerate(est.names):
                    pair = sub[sub["provider"].astype(str) == provider]
                    rows.append(
                        (
                            period,
                            metric,
                            buyer,
                            provider,
                            provider_group(
                                provider, next(iter(pair["provider_type"].dropna()), None)
                            ),
                            float(est.amount[j]),
                            float(est.amount_low[j]),
                            float(est.amount_high[j]),
                            float(est.share[j]),
                            float(est.share_low[j]),
                            float(est.share_high[j]),
                            bool(est.share[j] > STRATEGIC_EXPOSURE_SHARE),
                            est.total,
                            len(est.names),
                            est.hhi,
                            est.hhi_low,
                            est.hhi_high,
                            len(pair),
                            int(pair["imputed"].sum()),
                            int(pair["bounded"].sum()),
                            _ids(pair),
                        )
                    )
    return pd.DataFrame(rows, columns=DEPENDENCY_COLUMNS)


def _top_k(draws: np.ndarray, k: int) -> np.ndarray:
    return np.sort(draws, axis=1)[:, ::-1][:, :k].sum(axis=1)


def provider_customer_concentration(
    deals: pd.DataFrame,
    *,
    metrics: Iterable[str] = METRICS,
    n_boot: int = 1000,
    seed: int = 7,
    assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
    values: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per market, provider, period and metric: its largest customers' share."""
    if values is None:
        values = deal_values(deals, assumptions)
    rows = []
    for market in MARKETS:
        for metric in metrics:
            scope = metric_frame(values, market, metric)
            if scope.empty:
                continue
            for provider, book in scope.groupby("provider", sort=True):
                book = book.reset_index(drop=True)
                for period, mask in period_members(book["announced_on"]).items():
                    sub = _valued(book[mask])
                    if sub.empty:
                        continue
                    est = estimate_shares(
                        sub["buyer"].to_numpy(),
                        sub["point"].to_numpy(),
                        sub["low"].to_numpy(),
                        sub["high"].to_numpy(),
                        n_boot=n_boot,
                        rng=rng_for(seed, "customers", market, provider, metric, period),
                        resample=False,
                    )
                    if est is None:
                        continue
                    # largest first; ties by name so the order is stable
                    order = sorted(range(len(est.names)), key=lambda j: (-est.share[j], j))
                    top1, top3 = order[0], order[:3]
                    top1_share = float(est.share[top1])
                    top3_share = float(est.share[top3].sum())
                    rows.append(
                        (
                            market,
                            period,
                            metric,
                            provider,
                            est.total,
                            len(est.names),
                            str(est.names[top1]),
                            float(est.amount[top1]),
                            top1_share,
                            *est.interval(_top_k(est.draws, 1), top1_share),
                            [str(est.names[j]) for j in top3],
                            top3_share,
                            *est.interval(_top_k(est.draws, 3), top3_share),
                            est.hhi,
                            est.hhi_low,
                            est.hhi_high,
                            len(sub),
                            int(sub["imputed"].sum()),
                            int(sub["bounded"].sum()),
                            _ids(sub),
                        )
                    )
    return pd.DataFrame(rows, columns=CUSTOMER_COLUMNS)
