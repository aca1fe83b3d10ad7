{#-
    Incremental: a run resolves only the mentions staging has added or rewritten since (new
    (mention_id, extracted_at)), unless the gazetteer changed: every row records the
    fingerprint of the gazetteer that resolved it (gazetteer_version), and when that differs
    from the current one every mention is resolved again, so adding an alias to
    seeds/companies.csv fixes old mentions too. Documents and their parsed rows are written
    once, before any mention of them (pipelines/documents.py), so they never change under a
    stored mention. The post-hook deletes mentions gone from staging. A table stored before
    extracted_at / gazetteer_version existed is resolved again in full (macros/incremental.sql).
-#}
{{
    config(
        materialized='incremental',
        unique_key='mention_id',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
        post_hook="
            delete from {{ this }}
            where mention_id not in (select mention_id from {{ ref('stg_raw__deal_mentions') }})
        ",
    )
}}

with

all_mentions as (

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

gazetteer as (

    -- fingerprint of what resolution depends on (names, roles, aliases)
    select
        md5(coalesce(
            string_agg(
                concat_ws('|', company, role, array_to_string(list_sort(aliases), ';')),
                chr(10) order by company
            ),
            ''
        )) as gazetteer_version

    from companies

),

mentions as (

    select * from all_mentions

    {% if is_incremental() and not missing_columns(this, ['extracted_at', 'gazetteer_version']) %}
    where not exists (
        select 1
        from {{ this }} as stored
        where stored.mention_id = all_mentions.mention_id
            and stored.extracted_at = all_mentions.extracted_at
    )
        or exists (
            select 1
            from {{ this }} as stored
            where stored.gazetteer_version is distinct from (select gazetteer_version from gazetteer)
        )
    {% endif %}

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
        -- a date outside 1995 .. a year after the fetch is never used (the parse stage
        -- refuses such dates since; this guards rows parsed before it did)
        case
            when coalesce(parsed_documents.published_at, documents.feed_published_at)
                between timestamp '1995-01-01' and documents.fetched_at + interval 366 day
                then coalesce(parsed_documents.published_at, documents.feed_published_at)
        end as published_at,
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
        mentions.extracted_at,
        (select gazetteer_version from gazetteer) as gazetteer_version,

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
