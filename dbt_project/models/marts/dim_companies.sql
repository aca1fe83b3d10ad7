with

companies as (

    select * from {{ ref('stg_companies') }}

),

deals as (

    select * from {{ ref('fct_deals') }}

),

as_buyer as (

    select buyer as company, count(*) as deals
    from deals
    group by buyer

),

as_provider as (

    select provider as company, count(*) as deals
    from deals
    group by provider

),

final as (

    select
        companies.company,
        companies.role,
        companies.ticker,
        companies.cik,
        companies.aliases,
        coalesce(as_buyer.deals, 0) as deals_as_buyer,
        coalesce(as_provider.deals, 0) as deals_as_provider

    from companies
    left join as_buyer
        on companies.company = as_buyer.company
    left join as_provider
        on companies.company = as_provider.company

)

select * from final
