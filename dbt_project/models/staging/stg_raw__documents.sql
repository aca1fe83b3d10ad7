with

source as (

    select * from {{ source('raw', 'documents') }}

),

final as (

    select
        trim(document_id) as document_id,
        lower(trim(source)) as source,
        lower(trim(kind)) as kind,
        lower(trim(genre)) as genre,
        trim(url) as url,
        nullif(trim(final_url), '') as final_url,
        cast(fetched_at as timestamp) as fetched_at,
        http_status,
        nullif(lower(trim(content_type)), '') as content_type,
        lower(trim(sha256)) as sha256,
        bytes,
        nullif(trim(feed_title), '') as feed_title,
        cast(feed_published_at as timestamp) as feed_published_at,
        etag,
        last_modified

    from source

)

select * from final
