with

source as (

    select * from {{ source('raw', 'deal_mentions') }}

),

cleaned as (

    select
        trim(mention_id) as mention_id,
        trim(document_id) as document_id,
        mention_index,
        trim(buyer) as buyer,
        trim(provider) as provider,
        nullif(trim(buyer_text), '') as buyer_text,
        nullif(trim(provider_text), '') as provider_text,
        -- canonical enums: lower case, words joined by underscores ('Up to' -> 'up_to')
        regexp_replace(lower(trim(deal_type)), '[\s-]+', '_', 'g') as deal_type,
        value_usd,
        nullif(regexp_replace(lower(trim(value_qualifier)), '[\s-]+', '_', 'g'), '')
            as value_qualifier,
        nullif(trim(value_text), '') as value_text,
        nullif(upper(trim(currency)), '') as currency,
        duration_years,
        cast(end_date as date) as end_date,
        nullif(trim(gpu_model), '') as gpu_model,
        gpu_count,
        power_mw,
        cast(announced_on as date) as announced_on,
        trim(evidence) as evidence,
        evidence_start,
        evidence_end,
        confidence,
        trim(extractor_version) as extractor_version,
        cast(extracted_at as timestamp) as extracted_at

    from source

),

final as (

    select
        * replace (
            -- a qualifier says how precise a value is: without a value it means nothing
            case when value_usd is null then null else value_qualifier end as value_qualifier
        )

    from cleaned

)

select * from final
