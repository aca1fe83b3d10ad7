{#-
    Resolves mentions into deals. Mentions of one (buyer, provider, cluster_type) are walked
    in order (announced_on, then most authoritative source first, then mention_id) by a
    recursive CTE that carries the deals still open:
      - a deal stays open for 21 days after its FIRST mention's announced_on;
      - a mention joins the earliest-opened open deal whose every reported value is
        compatible with its own (macros/deal_values_compatible.sql), else it opens a new deal.
    cluster_type is the deal type, except that capacity_contract and expansion share one:
    the same announcement is often called a new contract by one outlet and an expansion by
    another, so same-pair capacity mentions with compatible values in the window are one
    deal, typed by its first mention (deal_type_of_deal). An expansion with its own value
    (another $4B on top of $11.9B) is incompatible with the original and stays a deal of its
    own, as do two deals of the same parties months apart.

    Incremental by partition: how a (buyer, provider, cluster_type) clusters depends on all
    its mentions (a newly found earlier mention moves a deal's first date, so its deal_id),
    so a run re-walks, in full, every partition where a mention was added, changed or
    removed since the last run (compared column by column with the stored rows), and
    replaces those mentions' rows (unique_key mention_id). A mention that moved to another
    partition (the gazetteer renamed a company) is found on both sides, so both partitions
    are re-walked; the post-hook deletes mentions gone upstream. Untouched partitions are
    not walked again. When the enriched model has a column this table lacks (a new column
    upstream), every partition is walked again (macros/incremental.sql).
-#}
{{
    config(
        materialized='incremental',
        unique_key='mention_id',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
        post_hook="
            delete from {{ this }}
            where mention_id not in (
                select mention_id from {{ ref('int_deal_mentions_enriched') }}
            )
        ",
    )
}}
{%- set window_days = 21 -%}
{#- columns of the enriched model that change without changing how a mention clusters -#}
{%- set bookkeeping_columns = ['extracted_at', 'gazetteer_version'] -%}
{#- on an incremental run: the enriched columns compared with the stored rows -#}
{%- set compared_columns = [] -%}
{%- if is_incremental() -%}
    {%- for column in adapter.get_columns_in_relation(ref('int_deal_mentions_enriched')) -%}
        {%- if column.name | lower not in bookkeeping_columns -%}
            {%- do compared_columns.append(column.name) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif -%}
{%- set compared = [] -%}
{%- for name in compared_columns -%}
    {%- do compared.append(adapter.quote(name)) -%}
{%- endfor %}

with recursive

all_mentions as (

    select * exclude ({{ bookkeeping_columns | join(', ') }})
    from {{ ref('int_deal_mentions_enriched') }}

),

{#- a table stored before deals carried their own type (deal_type_of_deal) is walked again
    in full, so every stored row gets it -#}
{% if is_incremental() and not missing_columns(this, compared_columns + ['deal_type_of_deal']) %}
-- mentions whose row differs between upstream and what was clustered last time, both ways
changed_mentions as (

    {{ rows_differing('all_mentions', this, compared) }}

),

changed_partitions as (

    select distinct buyer, provider, {{ cluster_type('deal_type') }} as cluster_type
    from changed_mentions

),

mentions as (

    select all_mentions.*
    from all_mentions
    semi join changed_partitions
        on all_mentions.buyer = changed_partitions.buyer
        and all_mentions.provider = changed_partitions.provider
        and {{ cluster_type('all_mentions.deal_type') }} = changed_partitions.cluster_type

),
{% else %}
mentions as (

    select * from all_mentions

),
{% endif %}

sequenced as (

    select
        mention_id,
        buyer,
        provider,
        {{ cluster_type('deal_type') }} as cluster_type,
        announced_on,
        value_usd,
        value_qualifier,
        row_number() over (
            partition by buyer, provider, {{ cluster_type('deal_type') }}
            order by announced_on nulls last, source_authority desc, mention_id
        ) as seq

    from mentions

),

-- one row per mention: the deal (cluster_no, per buyer/provider/cluster_type) it joined,
-- plus the state carried to the next mention: how many deals were opened so far and the
-- deals still open, each with its first date and the values reported for it
walked as (

    select
        buyer,
        provider,
        cluster_type,
        seq,
        mention_id,
        1 as cluster_no,
        1 as clusters_opened,
        [
            struct_pack(
                cluster_no := 1,
                first_announced_on := announced_on,
                reported := case
                    when value_usd is null
                        then []::struct(value_usd double, value_qualifier varchar)[]
                    else [struct_pack(value_usd := value_usd, value_qualifier := value_qualifier)]
                end
            )
        ] as open_clusters

    from sequenced
    where seq = 1

    union all

    select
        buyer,
        provider,
        cluster_type,
        seq,
        mention_id,
        case when pick is null then clusters_opened + 1 else open_clusters[pick].cluster_no end
            as cluster_no,
        clusters_opened + case when pick is null then 1 else 0 end as clusters_opened,
        case
            when pick is null then list_append(
                open_clusters,
                struct_pack(
                    cluster_no := clusters_opened + 1,
                    first_announced_on := announced_on,
                    reported := case
                        when value_usd is null
                            then []::struct(value_usd double, value_qualifier varchar)[]
                        else [
                            struct_pack(value_usd := value_usd, value_qualifier := value_qualifier)
                        ]
                    end
                )
            )
            when value_usd is null then open_clusters
            else list_transform(
                open_clusters,
                lambda cluster, i: case
                    when i = pick then struct_pack(
                        cluster_no := cluster.cluster_no,
                        first_announced_on := cluster.first_announced_on,
                        reported := list_append(
                            cluster.reported,
                            struct_pack(value_usd := value_usd, value_qualifier := value_qualifier)
                        )
                    )
                    else cluster
                end
            )
        end as open_clusters

    from (

        select
            *,
            -- the earliest-opened deal this mention is compatible with (NULL: none)
            list_position(
                list_transform(
                    open_clusters,
                    lambda cluster: coalesce(
                        list_bool_and(
                            list_transform(
                                cluster.reported,
                                lambda reported: {{ deal_values_compatible(
                                    'reported.value_usd', 'reported.value_qualifier',
                                    'value_usd', 'value_qualifier'
                                ) }}
                            )
                        ),
                        true
                    )
                ),
                true
            ) as pick

        from (

            select
                previous.clusters_opened,
                current_mention.buyer,
                current_mention.provider,
                current_mention.cluster_type,
                current_mention.seq,
                current_mention.mention_id,
                current_mention.announced_on,
                current_mention.value_usd,
                current_mention.value_qualifier,
                -- deals opened more than {{ window_days }} days before this mention are closed
                -- for good (mentions come in date order)
                list_filter(
                    previous.open_clusters,
                    lambda cluster: coalesce(
                        current_mention.announced_on - cluster.first_announced_on
                            <= {{ window_days }},
                        cluster.first_announced_on is null
                            and current_mention.announced_on is null
                    )
                ) as open_clusters

            from walked as previous
            inner join sequenced as current_mention
                on previous.buyer = current_mention.buyer
                and previous.provider = current_mention.provider
                and previous.cluster_type = current_mention.cluster_type
                and current_mention.seq = previous.seq + 1

        )

    )

),

clusters as (

    select
        walked.buyer,
        walked.provider,
        walked.cluster_type,
        walked.cluster_no,
        -- the type its first mention gives (the walk's order)
        arg_min(mentions.deal_type, walked.seq) as deal_type_of_deal,
        min(mentions.announced_on) as deal_first_announced_on,
        count(*) as deal_mention_count

    from walked
    inner join mentions
        on walked.mention_id = mentions.mention_id
    group by walked.buyer, walked.provider, walked.cluster_type, walked.cluster_no

),

deal_ids as (

    select
        *,
        -- deals of the same parties and type first announced the same day (values that
        -- cannot be the same deal) get an ordinal so ids stay unique
        row_number() over (
            partition by buyer, provider, deal_type_of_deal, deal_first_announced_on
            order by cluster_no
        ) as same_day_ordinal

    from clusters

),

final as (

    select
        md5(
            concat_ws(
                '|',
                deal_ids.buyer,
                deal_ids.provider,
                deal_ids.deal_type_of_deal,
                coalesce(strftime(deal_ids.deal_first_announced_on, '%Y-%m-%d'), 'undated')
            )
            || case
                when deal_ids.same_day_ordinal > 1 then '|' || deal_ids.same_day_ordinal
                else ''
            end
        ) as deal_id,
        deal_ids.deal_type_of_deal,
        deal_ids.deal_first_announced_on,
        deal_ids.deal_mention_count,
        row_number() over (partition by deal_ids.buyer, deal_ids.provider, deal_ids.cluster_type,
            deal_ids.cluster_no order by walked.seq) as mention_seq_in_deal,
        mentions.*

    from walked
    inner join mentions
        on walked.mention_id = mentions.mention_id
    inner join deal_ids
        on walked.buyer = deal_ids.buyer
        and walked.provider = deal_ids.provider
        and walked.cluster_type = deal_ids.cluster_type
        and walked.cluster_no = deal_ids.cluster_no

)

select * from final
