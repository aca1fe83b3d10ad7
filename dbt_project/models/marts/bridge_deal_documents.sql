with

mentions as (

    select * from {{ ref('int_deal_clusters') }}

),

final as (

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
        -- 1 = the mention whose value fct_deals reports (same order as fct_deals)
        row_number() over (
            partition by deal_id
            order by value_usd is null, {{ deal_mention_preference_order() }}
        ) as value_preference_rank

    from mentions

)

select * from final
