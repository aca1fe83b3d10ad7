{#-
    The term of each compute-capacity deal (capacity_contract, expansion), for spreading its
    value over time. Delivery starts the quarter after the deal is announced and runs for
    duration_quarters:
      - duration_years * 4 when the deal states a duration,
      - else the quarters from the announcement quarter to end_date's quarter (at least 1),
      - else the default, var('capacity_default_duration_years') (5 years) * 4,
        flagged with duration_source = 'default'.
-#}
{%- set default_years = var('capacity_default_duration_years') -%}

with

deals as (

    select * from {{ ref('fct_deals') }}
    where deal_type in ('capacity_contract', 'expansion')

),

terms as (

    select
        *,
        {{ quarter_index('announced_on') }} as announced_quarter_index,
        case
            when duration_years > 0 then duration_years * 4
            when end_date > announced_on then greatest(
                {{ quarter_index('end_date') }} - {{ quarter_index('announced_on') }}, 1
            )
        end as stated_duration_quarters

    from deals

),

final as (

    select
        deal_id,
        provider,
        provider_type,
        buyer,
        deal_type,
        announced_on,
        announced_quarter_index,
        value_usd,
        value_qualifier,
        power_mw,
        gpu_count,
        cast(coalesce(stated_duration_quarters, {{ default_years }} * 4) as double)
            as duration_quarters,
        case
            when duration_years > 0 then 'duration_years'
            when stated_duration_quarters is not null then 'end_date'
            else 'default'
        end as duration_source,
        -- the last quarter the deal delivers in (a partial quarter counts)
        announced_quarter_index
            + cast(ceil(coalesce(stated_duration_quarters, {{ default_years }} * 4)) as integer)
            as last_delivery_quarter_index,
        -- the quarter this buyer first contracted with this provider
        min(announced_quarter_index) over (partition by provider, buyer)
            as buyer_first_quarter_index

    from terms

)

select * from final
