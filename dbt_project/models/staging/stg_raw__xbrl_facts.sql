with

source as (

    select * from {{ source('raw', 'xbrl_facts') }}

),

final as (

    select
        trim(fact_id) as fact_id,
        cik,
        nullif(trim(company), '') as entity_name,
        lower(trim(taxonomy)) as taxonomy,
        trim(concept) as concept,
        upper(trim(unit)) as unit,
        fiscal_year as filing_fiscal_year,
        upper(trim(fiscal_period)) as filing_fiscal_period,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        value,
        upper(trim(form)) as form,
        cast(filed as date) as filed,
        trim(accession) as accession,
        nullif(trim(frame), '') as frame,
        lower(trim(source)) as source,
        document_id,
        cast(loaded_at as timestamp) as loaded_at

    from source

)

select * from final
