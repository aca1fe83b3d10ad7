{#-
    Names in `column_names` that `relation` lacks (case-insensitive); [] when it has them
    all. An incremental model whose stored table predates one of the columns its
    change detection reads recomputes every row instead (on_schema_change='sync_all_columns'
    adds the column), so an older warehouse upgrades itself on the next run. Only call it
    inside `{% if is_incremental() %}` (it reads the warehouse).
-#}
{% macro missing_columns(relation, column_names) -%}
    {%- set present = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- do present.append(column.name | lower) -%}
    {%- endfor -%}
    {%- set missing = [] -%}
    {%- for name in column_names -%}
        {%- if name | lower not in present -%}
            {%- do missing.append(name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(missing) }}
{%- endmacro %}


{#-
    The rows of `columns` that are in one of `left` and `right` but not in the other (each
    side's EXCEPT, unioned): how the incremental models find what changed between their
    upstream and what they stored last time, both ways.
-#}
{% macro rows_differing(left, right, columns) -%}
    (
        select {{ columns | join(', ') }} from {{ left }}
        except
        select {{ columns | join(', ') }} from {{ right }}
    )

    union all

    (
        select {{ columns | join(', ') }} from {{ right }}
        except
        select {{ columns | join(', ') }} from {{ left }}
    )
{%- endmacro %}
