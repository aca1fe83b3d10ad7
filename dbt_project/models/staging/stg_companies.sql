with

companies as (

    select * from {{ ref('companies') }}

),

final as (

    select
        trim(company) as company,
        lower(trim(role)) as role,
        nullif(upper(trim(ticker)), '') as ticker,
        nullif(trim(cik), '') as cik,
        -- 'Facebook|Meta Platforms' -> ['Facebook', 'Meta Platforms'] (empty list if none)
        list_filter(
            list_transform(string_split(coalesce(aliases, ''), '|'), lambda alias: trim(alias)),
            lambda alias: alias <> ''
        ) as aliases

    from companies

)

select * from final
