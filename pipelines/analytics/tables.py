"""Every analytics.* table: its columns with SQL types, and one call that computes them all."""

from __future__ import annotations

import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

from pipelines.parallel import worker_count

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
from .inputs import validate_deals

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


def write_table(con, name: str, frame: pd.DataFrame) -> None:
    """Replace ``analytics.<name>`` with ``frame``, columns cast to the table's SQL types.

    ``con`` is an open DuckDB connection to the warehouse (the caller decides transactions)."""
    schema = SCHEMAS[name]
    columns = ", ".join(f'"{c}" {t}' for c, t in schema.items())
    casts = ", ".join(f'cast("{c}" as {t})' for c, t in schema.items())
    con.execute(f"create or replace table analytics.{name} ({columns})")
    con.register("analytics_frame", frame[list(schema)])
    try:
        con.execute(f"insert into analytics.{name} select {casts} from analytics_frame")
    finally:
        con.unregister("analytics_frame")


def empty_table(name: str) -> pd.DataFrame:
    return pd.DataFrame(columns=list(SCHEMAS[name]))


N_BOOT = 1000  # bootstrap draws per figure (seeded: reruns give identical intervals)
SEED = 7
POOL_MIN_DEALS = 500  # fewer deals than this are computed in-process (no pool start-up)


def compute_tables(
    deals: pd.DataFrame,
    capex: pd.DataFrame | None = None,
    *,
    n_boot: int = N_BOOT,
    seed: int = SEED,
    assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
    workers: int | None = None,
) -> dict[str, pd.DataFrame]:
    """All analytics tables, keyed by table name (the keys of ``SCHEMAS``).

    The four bootstrap families (shares and concentration, provider groups, buyer
    dependency, customer concentration) are independent, so with ``POOL_MIN_DEALS`` deals
    or more they run in a pool of worker processes (one per core, ``CSI_WORKERS``
    overrides). Every estimate is seeded by its own key, so the tables are identical either
    way. Raises :class:`~pipelines.analytics.inputs.DealsInputError`, naming the deals,
    when a deal lacks its id, date, buyer, provider or type."""
    validate_deals(deals)
    values = deal_values(deals, assumptions)
    common = {"n_boot": n_boot, "seed": seed, "values": values}
    # the slowest first, so two workers finish together
    jobs = {
        "provider_customer_concentration": provider_customer_concentration,
        "buyer_dependency": buyer_dependency,
        "market_share": compute_all,
        "provider_groups": provider_groups,
    }
    n = worker_count(workers)
    if n > 1 and len(deals) >= POOL_MIN_DEALS:
        context = mp.get_context("forkserver")
        with ProcessPoolExecutor(min(n, len(jobs)), mp_context=context) as pool:
            futures = {name: pool.submit(fn, deals, **common) for name, fn in jobs.items()}
            results = {name: future.result() for name, future in futures.items()}
    else:
        results = {name: fn(deals, **common) for name, fn in jobs.items()}
    shares, conc = results["market_share"]
    tables = {
        "deal_values": values,
        "market_share": shares,
        "concentration": conc,
        "provider_groups": results["provider_groups"],
        "buyer_dependency": results["buyer_dependency"],
        "provider_customer_concentration": results["provider_customer_concentration"],
        "build_vs_rent": build_vs_rent(deals, capex, values=values),
    }
    return {name: frame[list(SCHEMAS[name])] for name, frame in tables.items()}
