"""Market share, concentration (HHI, CR4) and hyperscalers versus neoclouds.

Pure functions over a deals DataFrame shaped like ``marts.fct_deals``; no Dagster, no I/O.

Method
------
* A market is a set of deal types: the compute-capacity market is ``capacity_contract`` +
  ``expansion`` (sellers are providers); the chip-supply market is ``chip_supply`` (sellers
  are chip makers).
* Each deal's value, power and GPU count is a range with a central value
  (:mod:`pipelines.analytics.imputation`): stated values as they are, "up to" and
  "at least" as bounds, undisclosed values imputed from power or GPU count at benchmark
  prices or from similar deals (:mod:`pipelines.analytics.assumptions` cites the figures).
* For a period (``2025``, ``2025-Q3``, ``ttm-2025-Q3`` = the four quarters ending then,
  ``all``) and a metric (``value_usd``, ``power_mw``, ``gpu_count``) a provider's amount is
  the sum of the central values of its deals announced in the period; its share is amount /
  total. Deals with no figure for the metric (and none imputable) are left out and counted
  in ``deals_undisclosed``; ``imputed`` and ``bounded`` count the deals whose figure was
  imputed or is a bound.
* HHI = sum of squared percentage shares (0–10,000); CR4 = the four largest shares' sum.
  Bands follow the 2023 US Merger Guidelines: above 1,800 highly concentrated,
  1,000–1,800 moderately concentrated, below 1,000 unconcentrated. ``hhi_change`` is the
  change from the previous period of the same kind (year, quarter, trailing twelve months).
* Intervals (``*_low``, ``*_high``): 90% from a seeded deal-level bootstrap in which each
  draw also samples every deal's value inside its range (:mod:`pipelines.analytics.bootstrap`).
* Provider groups: hyperscalers are Amazon, Microsoft, Google and Oracle (Meta buys compute
  but does not sell it); neoclouds are the providers whose gazetteer role is ``neocloud``;
  anything else is ``other``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

from .assumptions import DEFAULT_ASSUMPTIONS, Assumptions
from .bootstrap import cr4, hhi
from .grouping import DealArrays, period_estimates, period_members, rows_by_name
from .imputation import MARKETS, METRICS, deal_values, metric_frame

__all__ = [
    "CONCENTRATION_COLUMNS",
    "GROUP_COLUMNS",
    "HYPERSCALERS",
    "MARKETS",
    "METRICS",
    "SHARE_COLUMNS",
    "band",
    "compute_all",
    "cr4",
    "hhi",
    "market_share",
    "period_members",
    "provider_group",
    "provider_groups",
]

HYPERSCALERS = ("Amazon", "Microsoft", "Google", "Oracle")
GROUPS = ("hyperscaler", "neocloud", "other")

SHARE_COLUMNS = [
    "market",
    "period",
    "metric",
    "provider",
    "amount",
    "amount_low",
    "amount_high",
    "share",
    "share_low",
    "share_high",
    "deals",
    "imputed",
    "bounded",
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
    "cr4_low",
    "cr4_high",
    "n_providers",
    "band",
    "band_low",
    "band_high",
    "hhi_change",
    "total_amount",
    "total_low",
    "total_high",
    "deals",
    "deals_undisclosed",
    "imputed",
    "bounded",
    "deal_ids",
]
GROUP_COLUMNS = [
    "market",
    "period",
    "metric",
    "provider_group",
    "amount",
    "amount_low",
    "amount_high",
    "share",
    "share_low",
    "share_high",
    "deals",
    "imputed",
    "bounded",
    "providers",
    "deal_ids",
]


def band(hhi_value: float) -> str:
    """Concentration band of the 2023 US Merger Guidelines."""
    if hhi_value > 1800:
        return "highly concentrated"
    if hhi_value >= 1000:
        return "moderately concentrated"
    return "unconcentrated"


def provider_group(provider: object, provider_type: object) -> str:
    if provider in HYPERSCALERS:
        return "hyperscaler"
    if provider_type == "neocloud":
        return "neocloud"
    return "other"


def quarter_of(d: date) -> str:
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def _quarter_index(label: str) -> int:
    year, q = label.split("-Q")
    return int(year) * 4 + int(q) - 1


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
    assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
    impute: bool = True,
    values: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compute (market_share, concentration) tables for one market.

    ``values`` (the output of ``deal_values``) can be passed to avoid recomputing it.
    """
    if values is None:
        values = deal_values(deals, assumptions, impute=impute)
    share_rows, conc_rows = [], []
    for metric in metrics:
        scope = metric_frame(values, market, metric)
        if scope.empty:
            continue
        arrays = DealArrays.of(scope)
        for period, in_period, valued, est in period_estimates(
            arrays,
            arrays.rows,
            arrays.provider,
            ("market_share", market, metric),
            n_boot=n_boot,
            seed=seed,
        ):
            mine_by_name = rows_by_name(est, valued, arrays.provider)
            for j, (name, mine) in enumerate(zip(est.names, mine_by_name, strict=True)):
                share_rows.append(
                    (
                        market,
                        period,
                        metric,
                        name,
                        *est.figures(j),
                        len(mine),
                        *arrays.flags(mine),
                        arrays.ids(mine),
                    )
                )
            conc_rows.append(
                (
                    market,
                    period,
                    metric,
                    est.hhi,
                    est.hhi_low,
                    est.hhi_high,
                    est.cr4,
                    est.cr4_low,
                    est.cr4_high,
                    len(est.names),
                    band(est.hhi),
                    band(est.hhi_low),
                    band(est.hhi_high),
                    None,
                    est.total,
                    float(est.amount_low.sum()),
                    float(est.amount_high.sum()),
                    len(in_period),
                    len(in_period) - len(valued),
                    *arrays.flags(valued),
                    arrays.ids(valued),
                )
            )
    shares_df = pd.DataFrame(share_rows, columns=SHARE_COLUMNS)
    conc_df = pd.DataFrame(conc_rows, columns=CONCENTRATION_COLUMNS)
    if not conc_df.empty:
        conc_df["hhi_change"] = _changes(conc_df)
    return shares_df, conc_df


def _changes(conc: pd.DataFrame) -> list[float | None]:
    lookup = {(r.market, r.metric, r.period): r.hhi for r in conc.itertuples()}
    result = []
    for r in conc.itertuples():
        labels = {p for (m, met, p) in lookup if m == r.market and met == r.metric}
        prev = _previous(r.period, labels)
        prev_value = lookup.get((r.market, r.metric, prev)) if prev else None
        result.append(None if prev_value is None else float(r.hhi - prev_value))
    return result


def provider_groups(
    deals: pd.DataFrame,
    *,
    metrics: Iterable[str] = METRICS,
    n_boot: int = 1000,
    seed: int = 7,
    assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
    values: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Share of hyperscalers, neoclouds and others in the compute-capacity market.

    One row per period, metric and group; every group appears (with zeros when absent).
    """
    market = "compute_capacity"
    if values is None:
        values = deal_values(deals, assumptions)
    rows = []
    for metric in metrics:
        scope = metric_frame(values, market, metric)
        if scope.empty:
            continue
        groups = np.array(
            [
                provider_group(p, t)
                for p, t in zip(scope["provider"], scope["provider_type"], strict=True)
            ]
        )
        arrays = DealArrays.of(scope)
        for period, _, valued, est in period_estimates(
            arrays,
            arrays.rows,
            groups,
            ("provider_groups", market, metric),
            n_boot=n_boot,
            seed=seed,
        ):
            position = {name: j for j, name in enumerate(est.names)}
            for group in GROUPS:
                mine = valued[groups[valued] == group]
                j = position.get(group)
                rows.append(
                    (
                        market,
                        period,
                        metric,
                        group,
                        *((0.0,) * 6 if j is None else est.figures(j)),
                        len(mine),
                        *arrays.flags(mine),
                        sorted(set(arrays.provider[mine].tolist())),
                        arrays.ids(mine),
                    )
                )
    return pd.DataFrame(rows, columns=GROUP_COLUMNS)


def compute_all(
    deals: pd.DataFrame,
    *,
    n_boot: int = 1000,
    seed: int = 7,
    assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
    values: pd.DataFrame | None = None,
):
    """Both markets, all metrics: (market_share, concentration)."""
    if values is None:
        values = deal_values(deals, assumptions)
    parts = [
        market_share(deals, market=m, n_boot=n_boot, seed=seed, values=values) for m in MARKETS
    ]
    shares = pd.concat([p[0] for p in parts], ignore_index=True)
    conc = pd.concat([p[1] for p in parts], ignore_index=True)
    return shares, conc
