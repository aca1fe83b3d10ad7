{#-
    Company names found in deal mentions that the gazetteer does not know, one row per
    name, so a user can extend seeds/companies.csv. Such mentions are never dropped: their
    deals are in fct_deals under the name as extracted (provider_type NULL), and
    tests/assert_unknown_companies_are_listed.sql checks every such name is here.
-#}
with

mentions as (

    select * from {{ ref('int_deal_clusters') }}

),

names as (

    select
        buyer as name,
        'buyer' as side,
        buyer_text as written_as,
        mention_id,
        document_id,
        deal_id,
        url,
        evidence,
        fetched_at

    from mentions
    where not buyer_known

    union all

    select
        provider as name,
        'provider' as side,
        provider_text as written_as,
        mention_id,
        document_id,
        deal_id,
        url,
        evidence,
        fetched_at

    from mentions
    where not provider_known

),

final as (

    select
        name,
        case
            when bool_or(side = 'buyer') and bool_or(side = 'provider') then 'buyer_and_provider'
            when bool_or(side = 'buyer') then 'buyer'
            else 'provider'
        end as role_in_mentions,
        count(distinct mention_id) as mentions,
        count(distinct mention_id) filter (where side = 'buyer') as mentions_as_buyer,
        count(distinct mention_id) filter (where side = 'provider') as mentions_as_provider,
        count(distinct document_id) as documents,
        count(distinct deal_id) as deals,
        list_sort(list_distinct(list(written_as))) as written_as,
        min(fetched_at) as first_seen_at,
        max(fetched_at) as last_seen_at,
        -- the most recently fetched mention (then the smallest mention_id) as the example
        first(mention_id order by fetched_at desc nulls last, mention_id) as example_mention_id,
        first(document_id order by fetched_at desc nulls last, mention_id) as example_document_id,
        first(url order by fetched_at desc nulls last, mention_id) as example_url,
        first(evidence order by fetched_at desc nulls last, mention_id) as example_evidence

    from names
    group by name

)

select * from final
