"""Analytics assets: market share, concentration (and later dependency, build-vs-rent)."""

from dagster import AssetExecutionContext, AssetSpec, MaterializeResult, multi_asset

from pipelines.analytics.concentration import compute_all
from pipelines.warehouse import connect

from .assets import FCT_DEALS, WAREHOUSE_POOL, _md_table
from .resources import CsiSettings


@multi_asset(
    specs=[
        AssetSpec(
            "market_share",
            group_name="analytics",
            deps=[FCT_DEALS],
            description="Providers' share of contracted value, MW and GPUs per period, "
            "with 90% bootstrap intervals (analytics.market_share).",
        ),
        AssetSpec(
            "concentration",
            group_name="analytics",
            deps=[FCT_DEALS],
            description="HHI, CR4 and merger-guideline band per period and metric "
            "(analytics.concentration).",
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def market_analytics(context: AssetExecutionContext, csi: CsiSettings):
    """Market share and concentration of providers."""
    with connect(csi.warehouse_file) as con:
        deals = con.execute("select * from marts.fct_deals").df()
    shares, conc = compute_all(deals)
    with connect(csi.warehouse_file) as con:
        con.execute("create schema if not exists analytics")
        con.register("shares_df", shares)
        con.register("conc_df", conc)
        con.execute("create or replace table analytics.market_share as select * from shares_df")
        con.execute("create or replace table analytics.concentration as select * from conc_df")
    all_time = shares[(shares.period == "all") & (shares.metric == "value_usd")]
    all_time = all_time.sort_values("share", ascending=False)
    yield MaterializeResult(
        asset_key="market_share",
        metadata={
            "rows": len(shares),
            "all_time_value_share": _md_table(
                all_time[["market", "provider", "amount", "share", "deals"]], 15
            ),
        },
    )
    headline = conc[(conc.period == "all") & (conc.metric == "value_usd")]
    yield MaterializeResult(
        asset_key="concentration",
        metadata={
            "rows": len(conc),
            "all_time": _md_table(headline[["market", "hhi", "cr4", "n_providers", "band"]]),
        },
    )
