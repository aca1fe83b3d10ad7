with

mentions as (

    select * from {{ ref('int_deal_clusters') }}

),

ranked as (

    select
        *,
        -- best mention first: filing > press_release > news, then exact > approx > bound,
        -- then the most recent document (macros/deal_preference.sql)
        row_number() over (
            partition by deal_id
            order by {{ deal_mention_preference_order() }}
        ) as preference_rank

    from mentions

),

deals as (

    select
        deal_id,
        buyer,
        provider,
        -- one type per deal: its first mention's (capacity_contract and expansion mentions of
        -- one announcement cluster together, see int_deal_clusters)
        any_value(coalesce(deal_type_of_deal, deal_type)) as deal_type,
        min(announced_on) as announced_on,
        max(provider_type) as provider_type,
        -- the value of the best mention that has one, with its qualifier
        arg_min(value_usd, preference_rank) filter (where value_usd is not null) as value_usd,
        arg_min(value_qualifier, preference_rank) filter (where value_usd is not null)
            as value_qualifier,
        -- every other field: first non-null in the same order
        arg_min(duration_years, preference_rank) filter (where duration_years is not null)
            as duration_years,
        arg_min(end_date, preference_rank) filter (where end_date is not null) as end_date,
        arg_min(gpu_model, preference_rank) filter (where gpu_model is not null) as gpu_model,
        arg_min(gpu_count, preference_rank) filter (where gpu_count is not null) as gpu_count,
        arg_min(power_mw, preference_rank) filter (where power_mw is not null) as power_mw,
        count(distinct document_id) as source_count,
        min(fetched_at) as first_seen_at,
        max(confidence) as confidence

    from ranked
    group by deal_id, buyer, provider

),

expansion_links as (

    -- an expansion extends the latest earlier compute deal of the same buyer and provider
    select
        expansions.deal_id,
        earlier.deal_id as expands_deal_id

    from deals as expansions
    inner join deals as earlier
        on expansions.buyer = earlier.buyer
        and expansions.provider = earlier.provider
        and earlier.deal_type in ('capacity_contract', 'expansion')
        and earlier.announced_on < expansions.announced_on
    where expansions.deal_type = 'expansion'
    qualify row_number() over (
        partition by expansions.deal_id
        order by earlier.announced_on desc, earlier.deal_id
    ) = 1

),

final as (

    select
        deals.deal_id,
        deals.announced_on,
        deals.buyer,
        deals.provider,
        deals.provider_type,
        deals.deal_type,
        deals.value_usd,
        deals.value_qualifier,
        deals.duration_years,
        deals.end_date,
        deals.gpu_model,
        deals.gpu_count,
        deals.power_mw,
        expansion_links.expands_deal_id,
        deals.source_count,
        deals.first_seen_at,
        deals.confidence

    from deals
    left join expansion_links
        on deals.deal_id = expansion_links.deal_id

)

select * from final
