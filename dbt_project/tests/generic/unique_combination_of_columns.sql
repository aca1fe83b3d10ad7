{#-
    Fails for each combination of `combination_of_columns` that occurs on more than one
    row: a composite key (dbt_utils is not available offline). Pair with not_null on each
    column.
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

select
    {{ combination_of_columns | join(', ') }},
    count(*) as rows_with_this_key
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
