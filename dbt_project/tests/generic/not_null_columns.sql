{#-
    Fails for each of `columns` that holds NULLs, returning the column's name and how many
    rows are NULL there. One query per model instead of one not_null test per column: dbt
    runs every test as its own node (about 25 ms each), and eighty of them were a large part
    of a small rerun's `dbt build`.
-#}
{% test not_null_columns(model, columns) %}

{% for column in columns %}
select '{{ column }}' as column_name, count(*) as null_rows
from {{ model }}
where {{ column }} is null
having count(*) > 0
{% if not loop.last %}union all{% endif %}
{% endfor %}

{% endtest %}
