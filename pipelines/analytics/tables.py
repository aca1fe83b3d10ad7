"""Every analytics.* table: its columns with SQL types, and one call that computes them all."""

from __future__ import annotations

import pandas as pd

from .assumptions import DEFAULT_ASSUMPTIONS, Assumptions
from .build_vs_rent import BUILD_VS_RENT_COLUMNS, build_vs_rent
from .concentration import (
    CONCENTRATION_COLUMNS,
    GROUP_COLUMNS,
    SHARE_COLUMNS,
    compute_all,
    provider_groups,
)
from .dependency import (
    CUSTOMER_COLUMNS,
    DEPENDENCY_COLUMNS,
    buyer_dependency,
    provider_customer_concentration,
)
from .imputation import DEAL_VALUE_COLUMNS, deal_values

_TYPES = {
    # text
    **dict.fromkeys(
        [
            "market",
            "period",
            "metric",
            "provider",
            "buyer",
            "provider_group",
            "provider_type",
            "band",
            "band_low",
            "band_high",
            "top_customer",
            "fiscal_year_basis",
            "deal_id",
            "deal_type",
            "qualifier",
            "method",
            "basis",
        ],
        "varchar",
    ),
    # lists of names / ids
    **dict.fromkeys(
        ["deal_ids", "providers", "top3_customers"],
        "varchar[]",
    ),
    # counts
    **dict.fromkeys(
        [
            "deals",
            "imputed",
            "bounded",
            "n_providers",
            "n_customers",
            "deals_undisclosed",
            "deals_without_value",
            "fiscal_year",
        ],
        "integer",
    ),
    "strategic_exposure": "boolean",
    "announced_on": "date",
    "period_start": "date",
    "period_end": "date",
}
# in deal_values, imputed/bounded are flags, not counts
_DEAL_VALUE_TYPES = {"imputed": "boolean", "bounded": "boolean"}


def _schema(columns: list[str], overrides: dict[str, str] | None = None) -> dict[str, str]:
    overrides = overrides or {}
    return {c: overrides.get(c, _TYPES.get(c, "double")) for c in columns}


SCHEMAS: dict[str, dict[str, str]] = {
    "deal_values": _schema(DEAL_VALUE_COLUMNS, _DEAL_VALUE_TYPES),
    "market_share": _schema(SHARE_COLUMNS),
    "concentration": _schema(CONCENTRATION_COLUMNS),
    "provider_groups": _schema(GROUP_COLUMNS),
    "buyer_dependency": _schema(DEPENDENCY_COLUMNS),
    "provider_customer_concentration": _schema(CUSTOMER_COLUMNS),
    "build_vs_rent": _schema(BUILD_VS_RENT_COLUMNS),
}


def empty_table(name: str) -> pd.DataFrame:
    return pd.DataFrame(columns=list(SCHEMAS[name]))


def compute_tables(
    deals: pd.DataFrame,
    capex: pd.DataFrame | None = None,
    *,
    n_boot: int = 1000,
    seed: int = 7,
    assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
) -> dict[str, pd.DataFrame]:
    """All analytics tables, keyed by table name (the keys of ``SCHEMAS``)."""
    values = deal_values(deals, assumptions)
    common = {"n_boot": n_boot, "seed": seed, "values": values}
    shares, conc = compute_all(deals, **common)
    tables = {
        "deal_values": values,
        "market_share": shares,
        "concentration": conc,
        "provider_groups": provider_groups(deals, **common),
        "buyer_dependency": buyer_dependency(deals, **common),
        "provider_customer_concentration": provider_customer_concentration(deals, **common),
        "build_vs_rent": build_vs_rent(deals, capex, values=values),
    }
    return {name: frame[list(SCHEMAS[name])] for name, frame in tables.items()}
