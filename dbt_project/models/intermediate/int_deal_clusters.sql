{#-
    Resolves mentions into deals. Mentions of one (buyer, provider, deal_type) are walked in
    order (announced_on, then most authoritative source first, then mention_id) by a
    recursive CTE that carries the deals still open:
      - a deal stays open for 21 days after its FIRST mention's announced_on;
      - a mention joins the earliest-opened open deal whose every reported value is
        compatible with its own (macros/deal_values_compatible.sql), else it opens a new deal.
    capacity_contract and expansion are different deal types, so an expansion is always a
    deal of its own; two deals of the same parties months apart stay two deals.
-#}
{%- set window_days = 21 -%}

with recursive

mentions as (

    select * from {{ ref('int_deal_mentions_enriched') }}

),

sequenced as (

    select
        mention_id,
        buyer,
        provider,
        deal_type,
        announced_on,
        value_usd,
        value_qualifier,
        row_number() over (
            partition by buyer, provider, deal_type
            order by announced_on nulls last, source_authority desc, mention_id
        ) as seq

    from mentions

),

-- one row per mention: the deal (cluster_no, per buyer/provider/deal_type) it joined,
-- plus the state carried to the next mention: how many deals were opened so far and the
-- deals still open, each with its first date and the values reported for it
walked as (

    select
        buyer,
        provider,
        deal_type,
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
        deal_type,
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
                current_mention.deal_type,
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
                and previous.deal_type = current_mention.deal_type
                and current_mention.seq = previous.seq + 1

        )

    )

),

clusters as (

    select
        walked.buyer,
        walked.provider,
        walked.deal_type,
        walked.cluster_no,
        min(mentions.announced_on) as deal_first_announced_on,
        count(*) as deal_mention_count

    from walked
    inner join mentions
        on walked.mention_id = mentions.mention_id
    group by all

),

deal_ids as (

    select
        *,
        -- deals of the same parties and type first announced the same day (values that
        -- cannot be the same deal) get an ordinal so ids stay unique
        row_number() over (
            partition by buyer, provider, deal_type, deal_first_announced_on
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
                deal_ids.deal_type,
                coalesce(strftime(deal_ids.deal_first_announced_on, '%Y-%m-%d'), 'undated')
            )
            || case
                when deal_ids.same_day_ordinal > 1 then '|' || deal_ids.same_day_ordinal
                else ''
            end
        ) as deal_id,
        deal_ids.deal_first_announced_on,
        deal_ids.deal_mention_count,
        row_number() over (partition by deal_ids.buyer, deal_ids.provider, deal_ids.deal_type,
            deal_ids.cluster_no order by walked.seq) as mention_seq_in_deal,
        mentions.*

    from walked
    inner join mentions
        on walked.mention_id = mentions.mention_id
    inner join deal_ids
        on walked.buyer = deal_ids.buyer
        and walked.provider = deal_ids.provider
        and walked.deal_type = deal_ids.deal_type
        and walked.cluster_no = deal_ids.cluster_no

)

select * from final
