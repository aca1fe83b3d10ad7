with

mentions as (

    select * from {{ ref('stg_raw__deal_mentions') }}

),

documents as (

    select * from {{ ref('stg_raw__documents') }}

),

parsed_documents as (

    select * from {{ ref('stg_raw__parsed_documents') }}

),

companies as (

    select * from {{ ref('stg_companies') }}

),

company_names as (

    -- every name a company goes by, lower case; the canonical name beats an alias
    select lower(company) as name_key, company, role, 1 as priority
    from companies

    union all

    select lower(alias) as name_key, company, role, 2 as priority
    from (select company, role, unnest(aliases) as alias from companies)

),

name_lookup as (

    select name_key, company, role
    from company_names
    qualify row_number() over (partition by name_key order by priority, company) = 1

),

dated_documents as (

    select
        documents.document_id,
        documents.source,
        documents.genre,
        documents.url,
        documents.fetched_at,
        coalesce(parsed_documents.published_at, documents.feed_published_at) as published_at,
        coalesce(parsed_documents.title, documents.feed_title) as title

    from documents
    left join parsed_documents
        on documents.document_id = parsed_documents.document_id

),

final as (

    select
        mentions.mention_id,
        mentions.document_id,
        mentions.mention_index,

        -- names are canonical from Python already; an alias is mapped to its company, and
        -- a name the gazetteer does not know is kept as written (flagged, never dropped)
        coalesce(buyers.company, mentions.buyer) as buyer,
        buyers.company is not null as buyer_known,
        buyers.role as buyer_role,
        coalesce(providers.company, mentions.provider) as provider,
        providers.company is not null as provider_known,
        providers.role as provider_type,
        mentions.buyer_text,
        mentions.provider_text,

        mentions.deal_type,
        case
            when mentions.deal_type in ('capacity_contract', 'expansion') then 'compute_capacity'
            when mentions.deal_type = 'chip_supply' then 'chip_supply'
            when mentions.deal_type = 'equity_investment' then 'equity'
            when mentions.deal_type = 'backstop' then 'backstop'
        end as market,

        mentions.value_usd,
        mentions.value_qualifier,
        mentions.value_text,
        mentions.duration_years,
        mentions.end_date,
        mentions.gpu_model,
        mentions.gpu_count,
        mentions.power_mw,

        -- the date the mention states, else the document's publication date, else the
        -- day it was fetched
        coalesce(
            mentions.announced_on,
            cast(dated_documents.published_at as date),
            cast(dated_documents.fetched_at as date)
        ) as announced_on,
        case
            when mentions.announced_on is not null then 'mention'
            when dated_documents.published_at is not null then 'published_at'
            when dated_documents.fetched_at is not null then 'fetched_at'
        end as announced_on_from,

        mentions.evidence,
        mentions.confidence,
        mentions.extractor_version,

        dated_documents.source,
        dated_documents.genre,
        {{ source_authority('dated_documents.genre') }} as source_authority,
        dated_documents.url,
        dated_documents.title,
        dated_documents.published_at,
        dated_documents.fetched_at

    from mentions
    left join dated_documents
        on mentions.document_id = dated_documents.document_id
    left join name_lookup as buyers
        on lower(mentions.buyer) = buyers.name_key
    left join name_lookup as providers
        on lower(mentions.provider) = providers.name_key

)

select * from final
