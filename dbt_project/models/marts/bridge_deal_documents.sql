{#-
    Incremental by deal: value_preference_rank depends on all the mentions of a deal, so a
    run recomputes, in full, every deal that gained, lost or changed a mention since the
    last run (rows compared column by column with the stored ones, both ways), and replaces
    those mentions' rows (unique_key mention_id). A mention that moved to another deal (a
    newly found earlier mention changes a deal's id) is found on both sides, so the old
    and the new deal are both recomputed; the post-hook deletes mentions gone upstream. A
    table stored before one of the compared columns existed is recomputed in full
    (macros/incremental.sql).
-#}
{{
    config(
        materialized='incremental',
        unique_key='mention_id',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
        post_hook="
            delete from {{ this }}
            where mention_id not in (select mention_id from {{ ref('int_deal_clusters') }})
        ",
    )
}}
{%- set reported_columns = [
    'deal_id', 'document_id', 'url', 'published_at', 'source', 'evidence', 'mention_id',
    'reported_value_usd', 'reported_value_qualifier', 'reported_value_text', 'genre',
    'source_authority', 'confidence', 'fetched_at',
] -%}

with

mentions as (

    select * from {{ ref('int_deal_clusters') }}

),

reported as (

    select
        deal_id,
        document_id,
        url,
        published_at,
        source,
        evidence,
        mention_id,
        value_usd as reported_value_usd,
        value_qualifier as reported_value_qualifier,
        value_text as reported_value_text,
        genre,
        source_authority,
        confidence,
        fetched_at

    from mentions

),

{% if is_incremental() and not missing_columns(this, reported_columns) %}
-- rows that differ between upstream and what is stored, both ways
changed_rows as (

    {{ rows_differing('reported', this, reported_columns) }}

),

scoped as (

    select reported.*
    from reported
    semi join (select distinct deal_id from changed_rows) as changed_deals
        on reported.deal_id = changed_deals.deal_id

),
{% else %}
scoped as (

    select * from reported

),
{% endif %}

final as (

    select
        *,
        -- 1 = the mention whose value fct_deals reports (same order as fct_deals)
        row_number() over (
            partition by deal_id
            order by
                reported_value_usd is null,
                {{ deal_mention_preference_order(
                    value='reported_value_usd', qualifier='reported_value_qualifier'
                ) }}
        ) as value_preference_rank

    from scoped

)

select * from final
