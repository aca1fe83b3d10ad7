with

source as (

    select * from {{ source('raw', 'parsed_documents') }}

),

final as (

    select
        trim(document_id) as document_id,
        nullif(trim(title), '') as title,
        cast(published_at as timestamp) as published_at,
        lower(trim(published_from)) as published_from,
        text,
        text_chars,
        trim(parser) as parser,
        cast(parsed_at as timestamp) as parsed_at

    from source

)

select * from final
