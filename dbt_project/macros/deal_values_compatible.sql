{#-
    True when two reported deal values can describe the same deal:
      - either value is missing, or
      - they are equal within `tolerance` (10 %) of the larger one, whatever the qualifiers, or
      - one is a bound and the other lies inside it: `up_to A` with a point (or an
        `at_least` floor) at or below A, `at_least A` with a point (or an `up_to`
        ceiling) at or above A.
    Two bounds of the same direction are compatible only when equal within tolerance.
    Arguments are SQL expressions; qualifiers are canonical ('exact', 'approx', 'up_to',
    'at_least') or NULL (treated as a point value).
-#}
{% macro deal_values_compatible(value_a, qualifier_a, value_b, qualifier_b, tolerance=0.10) -%}
(
    {{ value_a }} is null
    or {{ value_b }} is null
    or abs({{ value_a }} - {{ value_b }})
        <= {{ tolerance }} * greatest(abs({{ value_a }}), abs({{ value_b }}))
    or (coalesce({{ qualifier_a }}, '') = 'up_to'
        and coalesce({{ qualifier_b }}, '') <> 'up_to'
        and {{ value_b }} <= {{ value_a }})
    or (coalesce({{ qualifier_b }}, '') = 'up_to'
        and coalesce({{ qualifier_a }}, '') <> 'up_to'
        and {{ value_a }} <= {{ value_b }})
    or (coalesce({{ qualifier_a }}, '') = 'at_least'
        and coalesce({{ qualifier_b }}, '') <> 'at_least'
        and {{ value_b }} >= {{ value_a }})
    or (coalesce({{ qualifier_b }}, '') = 'at_least'
        and coalesce({{ qualifier_a }}, '') <> 'at_least'
        and {{ value_a }} >= {{ value_b }})
)
{%- endmacro %}
