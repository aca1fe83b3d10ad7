"""Each deal's value, power and GPU count as a range: stated, bounded or imputed.

``deal_values`` turns ``marts.fct_deals`` into one row per deal and metric with a point
(central) value, a [low, high] range and the method that produced it; the rules and their
benchmark figures are in :mod:`pipelines.analytics.assumptions`. Every analytics table
reads these ranges: the point estimate sums the central values, each bootstrap draw samples
each deal uniformly inside its range.

Methods: ``exact``, ``approx``, ``up_to``, ``at_least`` (stated value; the last two are
bounds, flagged ``bounded``), ``from_power_mw``, ``from_gpu_count``, ``similar_deals``
(imputed, flagged ``imputed``) and ``undisclosed`` (no figure and no way to impute one:
point NaN, left out of shares and counted as undisclosed).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .assumptions import DEFAULT_ASSUMPTIONS, HOURS_PER_YEAR, Assumptions, Span, gpu_class

MARKETS = {
    "compute_capacity": ("capacity_contract", "expansion"),
    "chip_supply": ("chip_supply",),
}
METRICS = ("value_usd", "power_mw", "gpu_count")
DEAL_COLUMNS = (
    "deal_id",
    "announced_on",
    "buyer",
    "provider",
    "provider_type",
    "deal_type",
    "value_usd",
    "value_qualifier",
    "duration_years",
    "end_date",
    "gpu_model",
    "gpu_count",
    "power_mw",
)
DEAL_VALUE_COLUMNS = [
    "deal_id",
    "market",
    "deal_type",
    "announced_on",
    "buyer",
    "provider",
    "provider_type",
    "metric",
    "stated",
    "qualifier",
    "point",
    "low",
    "high",
    "method",
    "imputed",
    "bounded",
    "basis",
]
BOUND_METHODS = ("up_to", "at_least")
IMPUTED_METHODS = ("from_power_mw", "from_gpu_count", "similar_deals")


def market_of(deal_type: object) -> str | None:
    for market, types in MARKETS.items():
        if deal_type in types:
            return market
    return None


def normalise_deals(deals: pd.DataFrame) -> pd.DataFrame:
    """The deal columns analytics use (missing ones as NULL), sorted by deal_id.

    Sorting makes the seeded bootstrap give the same intervals whatever order rows arrive in.
    """
    frame = deals.copy()
    for col in DEAL_COLUMNS:
        if col not in frame.columns:
            frame[col] = None
    for col in ("value_usd", "duration_years", "gpu_count", "power_mw"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    frame["announced_on"] = pd.to_datetime(frame["announced_on"], errors="coerce")
    frame["end_date"] = pd.to_datetime(frame["end_date"], errors="coerce")
    frame["deal_id"] = frame["deal_id"].astype(str)
    return frame.sort_values("deal_id", kind="stable").reset_index(drop=True)


def _positive(x: object) -> float | None:
    try:
        value = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and value > 0 else None


def _scaled(base: float, span: Span) -> tuple[float, float, float]:
    return base * span.central, base * span.low, base * span.high


def _term(deal: pd.Series, a: Assumptions) -> tuple[Span, str]:
    years = _positive(deal["duration_years"])
    if years:
        return Span(years, years, years), f"{years:g} y stated"
    start, end = deal["announced_on"], deal["end_date"]
    if pd.notna(start) and pd.notna(end) and end > start:
        years = (end - start).days / 365.25
        return Span(years, years, years), f"{years:.1f} y to {end:%Y-%m-%d}"
    t = a.default_term_years
    return t, f"{t.low:g}-{t.high:g} y (default term)"


def _stated_value(value: float, qualifier: object, a: Assumptions):
    q = qualifier if qualifier in ("approx", "up_to", "at_least") else "exact"
    if q == "exact":
        return value, value, value, "exact", f"${value / 1e9:,.2f}B stated"
    span = getattr(a, q)
    point, low, high = _scaled(value, span)
    note = f"{q.replace('_', ' ')} ${value / 1e9:,.2f}B -> {span.low:g}-{span.high:g}x"
    return point, low, high, q, note


def _value_from_capacity(deal: pd.Series, market: str, a: Assumptions):
    """Value from power or GPU count and the benchmark prices; None if neither is stated."""
    mw, gpus = _positive(deal["power_mw"]), _positive(deal["gpu_count"])
    if market == "compute_capacity":
        term, term_note = _term(deal, a)
        if mw:
            rate = a.usd_per_mw_year
            note = f"{mw:,.0f} MW x ${rate.low / 1e6:g}-{rate.high / 1e6:g}M/MW-y x {term_note}"
            return (
                mw * rate.central * term.central,
                mw * rate.low * term.low,
                mw * rate.high * term.high,
                "from_power_mw",
                note,
            )
        if gpus:
            cls = gpu_class(deal["gpu_model"])
            rate = a.usd_per_gpu_hour[cls]
            hours = HOURS_PER_YEAR
            note = (
                f"{gpus:,.0f} GPUs ({cls}) x ${rate.low:.2f}-{rate.high:.2f}/GPU-h x "
                f"{hours:,.0f} h/y x {term_note}"
            )
            return (
                gpus * rate.central * hours * term.central,
                gpus * rate.low * hours * term.low,
                gpus * rate.high * hours * term.high,
                "from_gpu_count",
                note,
            )
        return None
    if mw:
        rate = a.chip_usd_per_mw
        point, low, high = _scaled(mw, rate)
        note = f"{mw:,.0f} MW x ${rate.low / 1e6:g}-{rate.high / 1e6:g}M/MW of chips"
        return point, low, high, "from_power_mw", note
    if gpus:
        rate = a.chip_usd_per_gpu
        point, low, high = _scaled(gpus, rate)
        note = f"{gpus:,.0f} GPUs x ${rate.low:,.0f}-{rate.high:,.0f} each"
        return point, low, high, "from_gpu_count", note
    return None


def _physical(deal: pd.Series, metric: str, a: Assumptions):
    """Power from GPU count or GPU count from power (kW per accelerator)."""
    stated = _positive(deal[metric])
    if stated:
        return stated, stated, stated, "exact", "stated"
    kw = a.kw_per_gpu
    if metric == "power_mw":
        gpus = _positive(deal["gpu_count"])
        if gpus:
            note = f"{gpus:,.0f} GPUs x {kw.low:g}-{kw.high:g} kW"
            return (
                gpus * kw.central / 1000,
                gpus * kw.low / 1000,
                gpus * kw.high / 1000,
                "from_gpu_count",
                note,
            )
    else:
        mw = _positive(deal["power_mw"])
        if mw:
            note = f"{mw:,.0f} MW / {kw.low:g}-{kw.high:g} kW per GPU"
            return (
                mw * 1000 / kw.central,
                mw * 1000 / kw.high,
                mw * 1000 / kw.low,
                "from_power_mw",
                note,
            )
    return None


def deal_values(
    deals: pd.DataFrame, assumptions: Assumptions = DEFAULT_ASSUMPTIONS, *, impute: bool = True
) -> pd.DataFrame:
    """One row per deal of a market (compute_capacity, chip_supply) and metric.

    ``impute=False`` keeps stated figures only (bounds still become ranges).
    """
    a = assumptions
    frame = normalise_deals(deals)
    rows = []
    for _, deal in frame.iterrows():
        market = market_of(deal["deal_type"])
        if market is None:
            continue
        base = (
            deal["deal_id"],
            market,
            deal["deal_type"],
            deal["announced_on"],
            deal["buyer"],
            deal["provider"],
            deal["provider_type"],
        )
        for metric in METRICS:
            stated = _positive(deal[metric])
            qualifier = deal["value_qualifier"] if metric == "value_usd" else None
            if metric == "value_usd":
                if stated:
                    found = _stated_value(stated, qualifier, a)
                else:
                    found = _value_from_capacity(deal, market, a) if impute else None
            else:
                found = _physical(deal, metric, a)
                if found and found[3] != "exact" and not impute:
                    found = None
            if found is None:
                found = (np.nan, np.nan, np.nan, "undisclosed", "no figure stated")
            point, low, high, method, basis = found
            rows.append(
                (
                    *base,
                    metric,
                    stated,
                    qualifier if stated and isinstance(qualifier, str) else None,
                    point,
                    low,
                    high,
                    method,
                    method in IMPUTED_METHODS,
                    method in BOUND_METHODS,
                    basis,
                )
            )
    out = pd.DataFrame(rows, columns=DEAL_VALUE_COLUMNS)
    if impute and not out.empty:
        out = _impute_from_similar_deals(out, a)
    return out


def _impute_from_similar_deals(values: pd.DataFrame, a: Assumptions) -> pd.DataFrame:
    """Deals still without a value take the median value of their market (IQR as range)."""
    values = values.copy()
    q_low, q_mid, q_high = a.similar_deals_quantiles
    for market in MARKETS:
        is_value = (values["market"] == market) & (values["metric"] == "value_usd")
        known = values.loc[is_value & values["point"].notna(), "point"].to_numpy(dtype=float)
        missing = is_value & values["point"].isna()
        if not missing.any() or len(known) < a.similar_deals_minimum:
            continue
        low, mid, high = np.quantile(known, [q_low, q_mid, q_high])
        values.loc[missing, ["point", "low", "high"]] = [mid, low, high]
        values.loc[missing, "method"] = "similar_deals"
        values.loc[missing, "imputed"] = True
        values.loc[missing, "basis"] = (
            f"median of {len(known)} valued {market} deals (${mid / 1e9:,.2f}B), "
            f"IQR ${low / 1e9:,.2f}-{high / 1e9:,.2f}B"
        )
    return values


def metric_frame(values: pd.DataFrame, market: str, metric: str) -> pd.DataFrame:
    """The rows of ``deal_values`` for one market and metric, sorted by deal_id."""
    sub = values[(values["market"] == market) & (values["metric"] == metric)]
    return sub.sort_values("deal_id", kind="stable").reset_index(drop=True)
