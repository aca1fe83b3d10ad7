with

source as (

    select * from {{ source('raw', 'fetch_log') }}

),

final as (

    select
        trim(attempt_id) as attempt_id,
        trim(run_id) as run_id,
        lower(trim(source)) as source,
        trim(url) as url,
        cast(attempted_at as timestamp) as attempted_at,
        attempt,
        http_status,
        lower(trim(outcome)) as outcome,
        nullif(trim(error), '') as error,
        elapsed_ms,
        bytes,
        nullif(trim(document_id), '') as document_id

    from source

)

select * from final
