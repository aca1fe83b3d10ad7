{#-
    Per provider and calendar quarter, from the quarter of the provider's first
    compute-capacity deal to the latest quarter with any compute-capacity deal, without
    gaps. A deal's value is spread evenly over its term (int_compute_deal_terms): delivery
    starts the quarter after the announcement, so the backlog at the end of the announcement
    quarter is the whole value, then falls by value / duration_quarters each quarter. Hence
    backlog_usd = previous backlog_usd + new_contracted_value_usd - delivered_value_usd
    (tests/assert_backlog_rolls_forward.sql).
-#}
with

deals as (

    select * from {{ ref('int_compute_deal_terms') }}

),

provider_quarters as (

    select
        provider,
        min(announced_quarter_index) as first_quarter_index

    from deals
    group by provider

),

latest as (

    select max(announced_quarter_index) as last_quarter_index
    from deals

),

panel as (

    select
        provider_quarters.provider,
        unnest(
            range(provider_quarters.first_quarter_index, latest.last_quarter_index + 1)
        ) as quarter_index

    from provider_quarters
    cross join latest

),

-- every deal announced by the end of the quarter, with how many quarters of its term have
-- elapsed by the end of this quarter and of the previous one
deal_quarters as (

    select
        panel.provider,
        panel.quarter_index,
        deals.deal_id,
        deals.buyer,
        deals.provider_type,
        deals.value_usd,
        deals.power_mw,
        deals.gpu_count,
        deals.duration_quarters,
        deals.duration_source,
        deals.buyer_first_quarter_index,
        deals.announced_quarter_index = panel.quarter_index as is_new,
        panel.quarter_index <= deals.last_delivery_quarter_index as is_active,
        least(
            greatest(panel.quarter_index - deals.announced_quarter_index, 0),
            deals.duration_quarters
        ) as elapsed_quarters,
        least(
            greatest(panel.quarter_index - 1 - deals.announced_quarter_index, 0),
            deals.duration_quarters
        ) as elapsed_quarters_before

    from panel
    left join deals
        on panel.provider = deals.provider
        and deals.announced_quarter_index <= panel.quarter_index

),

final as (

    select
        provider,
        {{ quarter_label('quarter_index') }} as quarter,
        {{ quarter_start('quarter_index') }} as quarter_start,
        {{ quarter_end('quarter_index') }} as quarter_end,
        max(provider_type) as provider_type,
        count(deal_id) filter (where is_new) as new_deals,
        count(deal_id) filter (where is_new and value_usd is null) as new_deals_without_value,
        coalesce(sum(value_usd) filter (where is_new), 0) as new_contracted_value_usd,
        coalesce(
            sum(value_usd * (elapsed_quarters - elapsed_quarters_before) / duration_quarters),
            0
        ) as delivered_value_usd,
        coalesce(sum(value_usd * (duration_quarters - elapsed_quarters) / duration_quarters), 0)
            as backlog_usd,
        coalesce(sum(power_mw) filter (where is_new), 0) as new_contracted_mw,
        coalesce(sum(gpu_count) filter (where is_new), 0) as new_contracted_gpus,
        coalesce(sum(power_mw), 0) as contracted_mw_to_date,
        coalesce(sum(gpu_count), 0) as contracted_gpus_to_date,
        count(distinct buyer) filter (where buyer_first_quarter_index = quarter_index)
            as new_customers,
        count(distinct buyer) as customers_to_date,
        count(distinct buyer) filter (where is_active) as active_customers,
        count(deal_id) filter (where is_active) as active_deals,
        count(deal_id) filter (where is_active and duration_source = 'default')
            as active_deals_with_default_duration,
        coalesce(bool_or(is_active and duration_source = 'default'), false)
            as uses_default_duration

    from deal_quarters
    group by provider, quarter_index

)

select * from final
