"""Analytics assets: every analytics.* table, written in one step from the marts."""

import pandas as pd
from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, multi_asset

from pipelines.analytics.refresh import refresh_analytics
from pipelines.analytics.tables import N_BOOT, SEED

from .assets import FCT_DEALS, WAREHOUSE_POOL, _md_table
from .resources import CsiSettings

FCT_CAPEX = AssetKey(["marts", "fct_capex"])

DESCRIPTIONS = {
    "deal_values": "Each deal's value, MW and GPUs as a range: stated, bound (up to / at "
    "least) or imputed at cited benchmark prices, with the method (analytics.deal_values).",
    "market_share": "Providers' share of contracted value, MW and GPUs per period, "
    "with 90% bootstrap intervals (analytics.market_share).",
    "concentration": "HHI, CR4 and merger-guideline band per period and metric, with "
    "intervals and the change from the previous period (analytics.concentration).",
    "provider_groups": "Hyperscalers versus neoclouds: each group's share of the compute "
    "market per period and metric, with intervals (analytics.provider_groups).",
    "buyer_dependency": "Each buyer's external compute commitments by provider: shares, "
    "supplier HHI, strategic exposure above 50% (analytics.buyer_dependency).",
    "provider_customer_concentration": "Each provider's contracted book from its largest "
    "customer and top three, named (analytics.provider_customer_concentration).",
    "build_vs_rent": "Per buyer and fiscal year: capex, external compute commitments "
    "announced and their ratio (analytics.build_vs_rent).",
}
DEPS = {"build_vs_rent": [FCT_DEALS, FCT_CAPEX]}


def _billions(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for c in columns:
        out[c] = (pd.to_numeric(out[c], errors="coerce") / 1e9).round(2)
    return out.rename(columns={c: f"{c} ($B)" for c in columns})


def _preview(name: str, frame: pd.DataFrame):
    if frame.empty:
        return _md_table(frame)
    all_value = (
        frame[(frame["period"] == "all") & (frame["metric"] == "value_usd")]
        if {"period", "metric"} <= set(frame.columns)
        else frame
    )
    if name == "deal_values":
        sub = frame[(frame["metric"] == "value_usd") & (frame["method"] != "exact")]
        return _md_table(sub[["buyer", "provider", "method", "point", "basis"]], 30)
    if name == "market_share":
        sub = all_value.sort_values(["market", "share"], ascending=[False, False])
        sub = _billions(sub, ["amount"])
        cols = ["market", "provider", "amount ($B)", "share", "share_low", "share_high"]
        return _md_table(sub[cols + ["deals", "imputed"]], 20)
    if name == "concentration":
        cols = ["market", "hhi", "hhi_low", "hhi_high", "cr4", "n_providers", "band"]
        return _md_table(all_value[cols + ["deals", "imputed", "bounded"]])
    if name == "provider_groups":
        cols = ["provider_group", "share", "share_low", "share_high", "deals"]
        return _md_table(all_value[cols])
    if name == "buyer_dependency":
        cols = ["buyer", "provider", "share", "share_low", "share_high", "strategic_exposure"]
        return _md_table(all_value[cols + ["supplier_hhi"]], 30)
    if name == "provider_customer_concentration":
        cols = ["market", "provider", "top_customer", "top_customer_share", "top3_share"]
        return _md_table(all_value[cols + ["n_customers"]], 30)
    sub = _billions(frame, ["capex_usd", "commitments_usd"])
    cols = ["buyer", "fiscal_year", "capex_usd ($B)", "commitments_usd ($B)"]
    return _md_table(sub[cols + ["rent_to_capex_ratio", "fiscal_year_basis"]], 30)


@multi_asset(
    specs=[
        AssetSpec(
            name,
            group_name="analytics",
            deps=DEPS.get(name, [FCT_DEALS]),
            description=description,
        )
        for name, description in DESCRIPTIONS.items()
    ],
    pool=WAREHOUSE_POOL,
)
def market_analytics(context: AssetExecutionContext, csi: CsiSettings):
    """Every analytics table: shares, concentration, groups, dependency, build vs rent."""
    result = refresh_analytics(csi.warehouse_file, n_boot=N_BOOT, seed=SEED)
    for message in sorted(set(result.notes.values())):
        context.log.warning(message)
    if result.unchanged:
        context.log.info(
            f"marts.fct_deals and marts.fct_capex are unchanged since the analytics were last "
            f"computed ({result.deals:,} deals): kept the stored tables"
        )
    tables, notes = result.tables, result.notes
    for name, frame in tables.items():
        metadata = {
            "table": f"analytics.{name}",
            "rows": len(frame),
            "recomputed": not result.unchanged,
        }
        if name in notes:
            metadata["note"] = notes[name]
        if "imputed" in frame.columns and name != "deal_values" and len(frame):
            metadata["rows_with_imputed_deals"] = int((frame["imputed"] > 0).sum())
        metadata["preview"] = _preview(name, frame)
        yield MaterializeResult(asset_key=name, metadata=metadata)
