{#-
    The quarterly backlog is consistent: for each provider, backlog at the end of a quarter
    = backlog at the end of the previous quarter + value contracted in the quarter - value
    delivered in it (the first quarter starts from zero), within a dollar per billion of
    rounding; and no amount is negative.
-#}
with

quarters as (

    select * from {{ ref('fct_provider_capacity_quarterly') }}

),

rolled as (

    select
        provider,
        quarter,
        backlog_usd,
        new_contracted_value_usd,
        delivered_value_usd,
        coalesce(
            lag(backlog_usd) over (partition by provider order by quarter_start), 0
        ) + new_contracted_value_usd - delivered_value_usd as expected_backlog_usd

    from quarters

),

final as (

    select *
    from rolled
    where abs(backlog_usd - expected_backlog_usd) > 1e-9 * greatest(abs(backlog_usd), 1e9)
        or backlog_usd < -1e-6
        or delivered_value_usd < -1e-6
        or new_contracted_value_usd < 0

)

select * from final
