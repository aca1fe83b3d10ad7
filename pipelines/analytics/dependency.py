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
from .concentration import provider_group
from .grouping import DealArrays, period_estimates, rows_by_name, split_by
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
        arrays = DealArrays.of(scope)
        for buyer, commitments in split_by(arrays.buyer):
            for period, _, valued, est in period_estimates(
                arrays,
                commitments,
                arrays.provider,
                ("buyer_dependency", buyer, metric),
                n_boot=n_boot,
                seed=seed,
                resample=False,
            ):
                pairs = rows_by_name(est, valued, arrays.provider)
                for j, (provider, pair) in enumerate(zip(est.names, pairs, strict=True)):
                    rows.append(
                        (
                            period,
                            metric,
                            buyer,
                            provider,
                            provider_group(provider, _first_present(arrays.provider_type[pair])),
                            *est.figures(j),
                            bool(est.share[j] > STRATEGIC_EXPOSURE_SHARE),
                            est.total,
                            len(est.names),
                            est.hhi,
                            est.hhi_low,
                            est.hhi_high,
                            len(pair),
                            *arrays.flags(pair),
                            arrays.ids(pair),
                        )
                    )
    return pd.DataFrame(rows, columns=DEPENDENCY_COLUMNS)


def _first_present(values: np.ndarray) -> object:
    """The first non-missing value, or None."""
    return next((v for v in values if not pd.isna(v)), None)


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
            arrays = DealArrays.of(scope)
            for provider, book in split_by(arrays.provider):
                for period, _, valued, est in period_estimates(
                    arrays,
                    book,
                    arrays.buyer,
                    ("customers", market, provider, metric),
                    n_boot=n_boot,
                    seed=seed,
                    resample=False,
                    top=(1, 3),
                ):
                    top1, top3 = est.leaders[0], est.leaders[:3]
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
                            *est.top[1],
                            [str(est.names[j]) for j in top3],
                            *est.top[3],
                            est.hhi,
                            est.hhi_low,
                            est.hhi_high,
                            len(valued),
                            *arrays.flags(valued),
                            arrays.ids(valued),
                        )
                    )
    return pd.DataFrame(rows, columns=CUSTOMER_COLUMNS)
