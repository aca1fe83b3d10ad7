{#-
    Unknown companies are never silently dropped: every buyer or provider of a deal that is
    not in the gazetteer (dim_companies) is listed in fct_unresolved_companies, and every
    name listed there is indeed unknown to the gazetteer.
-#}
{#- dagster-dbt attaches a test of several models to one model:
    the asset check sits on fct_unresolved_companies -#}
{{ config(meta={'dagster': {'ref': {'name': 'fct_unresolved_companies'}}}) }}

with

deals as (

    select * from {{ ref('fct_deals') }}

),

companies as (

    select * from {{ ref('dim_companies') }}

),

unresolved as (

    select * from {{ ref('fct_unresolved_companies') }}

),

deal_companies as (

    select buyer as name from deals
    union
    select provider as name from deals

),

unlisted as (

    select name, 'in a deal, unknown to the gazetteer, not listed as unresolved' as problem
    from deal_companies
    where name not in (select company from companies)
        and name not in (select name from unresolved)

),

wrongly_listed as (

    select name, 'listed as unresolved but in the gazetteer' as problem
    from unresolved
    where name in (select company from companies)

),

final as (

    select * from unlisted
    union all
    select * from wrongly_listed

)

select * from final
