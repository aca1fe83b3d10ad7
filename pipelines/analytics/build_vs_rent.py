"""How much each buyer builds (capex) versus rents (external compute commitments).

Pure functions; no Dagster, no I/O.

Per buyer and fiscal year:

* ``capex_usd``: from ``marts.fct_capex`` (company, fiscal_year, period_start, period_end,
  capex_usd — XBRL ``PaymentsToAcquirePropertyPlantAndEquipment``); NULL when the company
  has no capex figure for that year (or the table does not exist yet).
* ``commitments_usd``: the compute-capacity deals (capacity_contract, expansion) the company
  announced as buyer in that fiscal year, summed at their central values, with
  ``commitments_low`` / ``commitments_high`` the sums of their ranges ("up to" and
  "at least" are bounds, undisclosed values imputed; see
  :mod:`pipelines.analytics.assumptions`). NULL when it announced none. These are whole
  multi-year contract values set against one year of capex, not annualised: a ratio above 1
  means the year's new rental commitments exceed the year's own spending on property and
  equipment.
* ``rent_to_capex_ratio`` = commitments / capex (with ``ratio_low`` / ``ratio_high`` from
  the commitment range); NULL unless both are known.

Fiscal years: a deal falls in the fiscal year of the company's capex row whose
[period_start, period_end] contains its announcement date (``fiscal_year_basis`` =
'reported'); past the last reported year, the company's fiscal calendar (the month and day
its fiscal years end) is extended ('extrapolated'); a company without capex rows uses
calendar years ('calendar'). A fiscal year is labelled like the capex rows (normally the
calendar year in which it ends).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import numpy as np
import pandas as pd

from .assumptions import DEFAULT_ASSUMPTIONS, Assumptions
from .imputation import deal_values, metric_frame

CAPEX_COLUMNS = ["company", "fiscal_year", "period_start", "period_end", "capex_usd"]
BUILD_VS_RENT_COLUMNS = [
    "buyer",
    "fiscal_year",
    "period_start",
    "period_end",
    "fiscal_year_basis",
    "capex_usd",
    "commitments_usd",
    "commitments_low",
    "commitments_high",
    "rent_to_capex_ratio",
    "ratio_low",
    "ratio_high",
    "deals",
    "imputed",
    "bounded",
    "deals_without_value",
    "deal_ids",
]


def _as_date(x: object) -> date | None:
    if x is None or (not isinstance(x, date) and pd.isna(x)):
        return None
    return pd.Timestamp(x).date()


def _same_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _clean_capex(capex: pd.DataFrame | None) -> pd.DataFrame:
    if capex is None or capex.empty:
        return pd.DataFrame(columns=CAPEX_COLUMNS)
    missing = [c for c in CAPEX_COLUMNS if c not in capex.columns]
    if missing:
        raise ValueError(f"capex table lacks column(s) {missing}; has {list(capex.columns)}")
    frame = capex[CAPEX_COLUMNS].copy()
    frame["period_end"] = [_as_date(x) for x in frame["period_end"]]
    frame["period_start"] = [
        _as_date(s) or (e and _same_day(e.year - 1, e.month, e.day) + timedelta(days=1))
        for s, e in zip(frame["period_start"], frame["period_end"], strict=True)
    ]
    frame["capex_usd"] = pd.to_numeric(frame["capex_usd"], errors="coerce").astype(float)
    frame = frame.dropna(subset=["company", "fiscal_year", "period_end"])
    frame["fiscal_year"] = frame["fiscal_year"].astype(int)
    # one row per company and fiscal year: the latest-ending if the source repeats one
    frame = frame.sort_values(["company", "fiscal_year", "period_end"], kind="stable")
    return frame.drop_duplicates(["company", "fiscal_year"], keep="last").reset_index(drop=True)


def fiscal_year_of(day: date, company_capex: pd.DataFrame) -> tuple[int, date, date, str]:
    """(fiscal_year, period_start, period_end, basis) of a date for one company."""
    columns = ("period_start", "period_end", "fiscal_year")  # not itertuples: once per deal
    periods = zip(*(company_capex[c] for c in columns), strict=True)
    for start, end, fiscal_year in periods:
        if start <= day <= end:
            return int(fiscal_year), start, end, "reported"
    if company_capex.empty:
        return day.year, date(day.year, 1, 1), date(day.year, 12, 31), "calendar"
    last = company_capex.sort_values("period_end").iloc[-1]
    end_ref: date = last["period_end"]
    offset = int(last["fiscal_year"]) - end_ref.year
    end = _same_day(day.year, end_ref.month, end_ref.day)
    if end < day:
        end = _same_day(day.year + 1, end_ref.month, end_ref.day)
    start = _same_day(end.year - 1, end_ref.month, end_ref.day) + timedelta(days=1)
    return end.year + offset, start, end, "extrapolated"


def build_vs_rent(
    deals: pd.DataFrame,
    capex: pd.DataFrame | None = None,
    *,
    assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
    values: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per buyer and fiscal year with capex, commitments or both."""
    if values is None:
        values = deal_values(deals, assumptions)
    capex = _clean_capex(capex)
    commitments = metric_frame(values, "compute_capacity", "value_usd")
    by_company = {c: g.reset_index(drop=True) for c, g in capex.groupby("company")}
    empty = capex.iloc[0:0]

    keyed: dict[tuple[str, int], dict] = {}
    for r in capex.itertuples():
        keyed[(r.company, r.fiscal_year)] = {
            "period_start": r.period_start,
            "period_end": r.period_end,
            "fiscal_year_basis": "reported",
            "capex_usd": float(r.capex_usd) if np.isfinite(r.capex_usd) else None,
            "deals": [],
        }
    for deal in commitments.itertuples():
        day = _as_date(deal.announced_on)
        if day is None or not isinstance(deal.buyer, str):
            continue
        fy, start, end, basis = fiscal_year_of(day, by_company.get(deal.buyer, empty))
        entry = keyed.setdefault(
            (deal.buyer, fy),
            {
                "period_start": start,
                "period_end": end,
                "fiscal_year_basis": basis,
                "capex_usd": None,
                "deals": [],
            },
        )
        entry["deals"].append(deal)

    rows = []
    for (buyer, fy), entry in sorted(keyed.items()):
        found = entry["deals"]
        valued = [d for d in found if pd.notna(d.point) and d.point > 0]
        if valued:
            total = float(sum(d.point for d in valued))
            low = float(sum(d.low for d in valued))
            high = float(sum(d.high for d in valued))
        else:
            total = low = high = None
        capex_usd = entry["capex_usd"]
        ratio = ratio_low = ratio_high = None
        if total is not None and capex_usd:
            ratio, ratio_low, ratio_high = total / capex_usd, low / capex_usd, high / capex_usd
        rows.append(
            (
                buyer,
                fy,
                entry["period_start"],
                entry["period_end"],
                entry["fiscal_year_basis"],
                capex_usd,
                total,
                low,
                high,
                ratio,
                ratio_low,
                ratio_high,
                len(valued),
                sum(bool(d.imputed) for d in valued),
                sum(bool(d.bounded) for d in valued),
                len(found) - len(valued),
                sorted(str(d.deal_id) for d in valued),
            )
        )
    return pd.DataFrame(rows, columns=BUILD_VS_RENT_COLUMNS)
