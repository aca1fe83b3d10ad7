{#- The type deals are clustered by: capacity_contract and expansion are one (the same
    announcement is called either by different outlets); the other types are their own. -#}
{% macro cluster_type(deal_type) -%}
    case when {{ deal_type }} in ('capacity_contract', 'expansion') then 'capacity'
        else {{ deal_type }} end
{%- endmacro %}
