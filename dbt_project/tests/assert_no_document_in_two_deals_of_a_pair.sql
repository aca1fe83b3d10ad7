{#-
    No document's evidence is attributed to two different deals of the same buyer-provider
    pair (whatever their deal types). Severity warn: one document can legitimately report
    two deals of a pair of different types (a chip order with an equity warrant, a contract
    recalled in a story about its expansion), but it is more often a misread (two readings
    of one agreement, roles reversed); each row is worth a look. The same-type case, a
    split deal, is an error: assert_no_document_splits_a_deal.sql. Returns one row per
    document and pair.
-#}
{#- dagster-dbt attaches a test of several models to one model:
    the asset check sits on bridge_deal_documents -#}
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'bridge_deal_documents'}}}) }}

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
        count(distinct bridge.deal_id) as deals,
        list(distinct deals.deal_type order by deals.deal_type) as deal_types,
        list(distinct bridge.deal_id order by bridge.deal_id) as deal_ids,
        list(bridge.evidence order by bridge.mention_id) as evidence

    from bridge
    inner join deals
        on bridge.deal_id = deals.deal_id
    group by bridge.document_id, deals.buyer, deals.provider
    having count(distinct bridge.deal_id) > 1

)

select * from final
