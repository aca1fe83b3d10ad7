"""What the analytics need of their input deals, checked before anything is computed.

``marts.fct_deals`` already promises these (its dbt tests), but ``compute_tables`` is also
called on frames built by hand (tests, notebooks, the benchmark). Without the check a deal
with no buyer would reach the bootstrap as a company named "nan", and one with no date
would stop the build-versus-rent table with a bare TypeError.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

KEY_COLUMNS = ("deal_id", "announced_on", "buyer", "provider", "deal_type")


def _nonblank(series: pd.Series) -> pd.Series:
    return series.map(lambda v: isinstance(v, str) and bool(v.strip()))


_name = pa.Column(None, checks=pa.Check(_nonblank, element_wise=False, name="non_blank"))

DealsInputSchema = pa.DataFrameSchema(
    {
        "deal_id": pa.Column(None, unique=True, nullable=False),
        "announced_on": pa.Column(None, nullable=False),
        "buyer": _name,
        "provider": _name,
        "deal_type": _name,
    },
    strict=False,
    ordered=False,
    name="analytics deals",
)


class DealsInputError(ValueError):
    """The deals given to the analytics break :data:`DealsInputSchema`."""


def validate_deals(deals: pd.DataFrame, limit: int = 20) -> pd.DataFrame:
    """``deals`` unchanged, or :class:`DealsInputError` naming each offending deal_id, field
    and value (all checks run; the first ``limit`` are listed)."""
    missing = [c for c in KEY_COLUMNS if c not in deals.columns]
    if missing:
        raise DealsInputError(f"analytics deals are missing columns: {', '.join(missing)}")
    try:
        DealsInputSchema.validate(deals, lazy=True)
    except SchemaErrors as exc:
        lines = []
        for _, case in exc.failure_cases.iterrows():
            idx, column = case.get("index"), case.get("column")
            known = idx is not None and not pd.isna(idx) and idx in deals.index
            deal = deals.at[idx, "deal_id"] if known else "?"
            value = deals.at[idx, column] if known and column in deals.columns else None
            value = case.get("failure_case") if value is None else value
            lines.append(
                f"  deal_id={deal!s} row={idx} field={column} value={value!r} "
                f"check={case.get('check')}"
            )
        more = f"\n  ... and {len(lines) - limit} more" if len(lines) > limit else ""
        raise DealsInputError(
            "analytics deals failed validation:\n" + "\n".join(lines[:limit]) + more
        ) from None
    return deals
