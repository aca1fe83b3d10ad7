with

mentions as (

    select * from {{ ref('int_deal_mentions_enriched') }}

),

names as (

    select buyer as company, 'buyer' as side, mention_id, fetched_at
    from mentions
    where not buyer_known

    union all

    select provider as company, 'provider' as side, mention_id, fetched_at
    from mentions
    where not provider_known

),

final as (

    select
        company,
        count(*) filter (where side = 'buyer') as mentions_as_buyer,
        count(*) filter (where side = 'provider') as mentions_as_provider,
        min(fetched_at) as first_seen_at,
        min(mention_id) as example_mention_id

    from names
    group by company

)

select * from final
