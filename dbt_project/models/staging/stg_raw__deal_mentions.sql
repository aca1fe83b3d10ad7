{#-
    Incremental: a run reads only the raw mentions it has not seen, i.e. whose
    (mention_id, extracted_at) is not stored yet. That covers new mentions and mentions
    rewritten by a new extractor version (pipelines/documents.py replaces all of a
    document's mentions, with a new extracted_at). The post-hook deletes mentions that are
    no longer in raw.deal_mentions (a re-extraction can find fewer mentions), so the table
    always equals a full refresh. A changed definition of this model needs
    `dbt build --full-refresh` (on_schema_change='fail' stops with that advice when the
    columns change).
-#}
{{
    config(
        materialized='incremental',
        unique_key='mention_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook="
            delete from {{ this }}
            where mention_id not in (
                select trim(mention_id) from {{ source('raw', 'deal_mentions') }}
            )
        ",
    )
}}

with

source as (

    select * from {{ source('raw', 'deal_mentions') }} as raw_mentions

    {% if is_incremental() %}
    where not exists (
        select 1
        from {{ this }} as stored
        where stored.mention_id = trim(raw_mentions.mention_id)
            and stored.extracted_at = cast(raw_mentions.extracted_at as timestamp)
    )
    {% endif %}

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
