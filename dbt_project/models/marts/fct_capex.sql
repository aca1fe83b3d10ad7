{#-
    Annual capital expenditure of each company filing with the SEC, from XBRL company facts:
    the concept PaymentsToAcquirePropertyPlantAndEquipment only (purchase obligations and
    other concepts measure other things and are never added), in USD, as reported in annual
    reports (10-K, 10-K/A) for a period of about a year (350 to 380 days: 52/53-week years
    included, quarters and transition periods not). A period is reported again by later
    10-Ks (comparative columns, restatements): the latest filing wins.
-#}
with

facts as (

    select * from {{ ref('stg_raw__xbrl_facts') }}

),

companies as (

    select * from {{ ref('stg_companies') }}

),

annual as (

    select
        *,
        -- a fiscal year is named by the calendar year it ends in (a 52/53-week year that
        -- ends in the first week of January belongs to the year before)
        year(period_end)
            - case when month(period_end) = 1 and day(period_end) <= 7 then 1 else 0 end
            as fiscal_year

    from facts
    where concept = 'PaymentsToAcquirePropertyPlantAndEquipment'
        and unit = 'USD'
        and form in ('10-K', '10-K/A')
        and period_start is not null
        and period_end - period_start between 350 and 380

),

ranked as (

    select
        *,
        count(distinct accession) over company_year as filings,
        count(distinct value) over company_year > 1 as restated,
        row_number() over (
            partition by cik, fiscal_year
            order by filed desc nulls last, accession desc
        ) as filing_rank

    from annual
    window company_year as (partition by cik, fiscal_year)

),

gazetteer_ciks as (

    select company, try_cast(cik as bigint) as cik
    from companies
    where try_cast(cik as bigint) is not null
    qualify count(*) over (partition by try_cast(cik as bigint)) = 1

),

final as (

    select
        -- the gazetteer's canonical name (as in fct_deals), else the SEC's entity name
        coalesce(gazetteer_ciks.company, ranked.entity_name, 'CIK ' || ranked.cik) as company,
        ranked.fiscal_year,
        ranked.period_start,
        ranked.period_end,
        ranked.value as capex_usd,
        ranked.cik,
        ranked.entity_name,
        gazetteer_ciks.company is not null as company_known,
        ranked.form,
        ranked.filed,
        ranked.accession,
        ranked.filings,
        ranked.restated

    from ranked
    left join gazetteer_ciks
        on ranked.cik = gazetteer_ciks.cik
    where ranked.filing_rank = 1

)

select * from final
