{#- Authority of a document genre: filing 3 > press_release 2 > news 1 (unknown 0). -#}
{% macro source_authority(genre) -%}
    case {{ genre }}
        when 'filing' then 3
        when 'press_release' then 2
        when 'news' then 1
        else 0
    end
{%- endmacro %}

{#-
    Preference among the reported values of one deal, 1 = most precise:
    exact 1 > approx 2 > a point value without qualifier 3 > a bound (up_to / at_least) 4 >
    no value 5.
-#}
{% macro value_qualifier_rank(value, qualifier) -%}
    case
        when {{ value }} is null then 5
        when {{ qualifier }} = 'exact' then 1
        when {{ qualifier }} = 'approx' then 2
        when {{ qualifier }} in ('up_to', 'at_least') then 4
        else 3
    end
{%- endmacro %}

{#-
    ORDER BY list that ranks the mentions of one deal, best first: most authoritative
    source (filing > press_release > news), then the most precise value (see
    value_qualifier_rank), then the most recent document, then mention_id so ties are
    deterministic. fct_deals takes the value and every other field from the first mention
    in this order that has it; bridge_deal_documents shows the resulting rank. `value` and
    `qualifier` name the value columns where they are renamed (the bridge's reported_*).
-#}
{% macro deal_mention_preference_order(
    prefix='', value='value_usd', qualifier='value_qualifier'
) -%}
    {{ prefix }}source_authority desc,
    {{ value_qualifier_rank(prefix ~ value, prefix ~ qualifier) }},
    {{ prefix }}published_at desc nulls last,
    {{ prefix }}fetched_at desc nulls last,
    {{ prefix }}mention_id
{%- endmacro %}
