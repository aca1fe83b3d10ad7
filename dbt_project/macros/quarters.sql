{#-
    Calendar quarters as integers, so quarters can be counted and generated without gaps:
    quarter_index(date) = year * 4 + quarter - 1 (2025-Q1 = 8100). The label is the
    analytics period format, '2025-Q3'.
-#}
{% macro quarter_index(date_expr) -%}
    (year({{ date_expr }}) * 4 + quarter({{ date_expr }}) - 1)
{%- endmacro %}

{% macro quarter_label(index_expr) -%}
    (cast(({{ index_expr }}) // 4 as varchar) || '-Q' || cast(({{ index_expr }}) % 4 + 1 as varchar))
{%- endmacro %}

{% macro quarter_start(index_expr) -%}
    make_date(cast(({{ index_expr }}) // 4 as integer), cast((({{ index_expr }}) % 4) * 3 + 1 as integer), 1)
{%- endmacro %}

{% macro quarter_end(index_expr) -%}
    cast({{ quarter_start(index_expr) }} + interval 3 month - interval 1 day as date)
{%- endmacro %}
