{#-
    Each buyer-provider pair's cumulative compute commitment over time: one row per
    compute-capacity deal (capacity_contract, expansion) with the running totals of its pair
    after that deal. Deals are taken in order of announced_on, then capacity_contract before
    expansion, then deal_id, so two deals of a pair on the same day are two rows and the
    running total always equals the previous row's plus value_usd. A deal without a value
    adds nothing to cumulative_value_usd and is counted in deals_without_value_to_date.
-#}
with

deals as (

    select * from {{ ref('fct_deals') }}
    where deal_type in ('capacity_contract', 'expansion')

),

final as (

    select
        deal_id,
        buyer,
        provider,
        announced_on,
        deal_type,
        expands_deal_id,
        value_usd,
        value_qualifier,
        coalesce(sum(value_usd) over pair_to_date, 0) as cumulative_value_usd,
        count(*) over pair_to_date as deals_to_date,
        count(*) filter (where value_usd is null) over pair_to_date as deals_without_value_to_date,
        min(announced_on) over (partition by buyer, provider) as pair_first_announced_on

    from deals
    window pair_to_date as (
        partition by buyer, provider
        order by announced_on, deal_type, deal_id
        rows between unbounded preceding and current row
    )

)

select * from final
