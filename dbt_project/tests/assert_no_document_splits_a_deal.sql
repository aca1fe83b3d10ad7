{#-
    No document's evidence is attributed to two different deals of the same pair and deal
    type. One article naming a pair twice for the same kind of deal describes one deal:
    when its mentions land in two deals, clustering split a deal (values read as
    incompatible, or a recap of an old deal dated as new, which counts it twice). Returns
    one row per offending document, pair and deal type.
-#}
{#- dagster-dbt attaches a test of several models to one model:
    the asset check sits on bridge_deal_documents -#}
{{ config(meta={'dagster': {'ref': {'name': 'bridge_deal_documents'}}}) }}

with

bridge as (

    select * from {{ ref('bridge_deal_documents') }}

),

deals as (

    select * from {{ ref('fct_deals') }}

),

final as (

    select
        bridge.document_id,
        deals.buyer,
        deals.provider,
        deals.deal_type,
        count(distinct bridge.deal_id) as deals,
        list(distinct bridge.deal_id order by bridge.deal_id) as deal_ids,
        list(bridge.evidence order by bridge.mention_id) as evidence

    from bridge
    inner join deals
        on bridge.deal_id = deals.deal_id
    group by bridge.document_id, deals.buyer, deals.provider, deals.deal_type
    having count(distinct bridge.deal_id) > 1

)

select * from final
