"""Analytics over the marts: pure functions on DataFrames, no Dagster, no I/O.

- ``assumptions``: every benchmark figure and rule for bounds and imputation, cited.
- ``imputation``: each deal's value, MW and GPUs as a range with its method (deal_values).
- ``bootstrap``: shares, HHI and CR4 with 90% intervals.
- ``grouping``: deals split by period and company as arrays, and the estimate per split.
- ``concentration``: market share, concentration, hyperscalers versus neoclouds.
- ``dependency``: buyers' dependency on providers, providers' customer concentration.
- ``build_vs_rent``: capex versus external compute commitments per fiscal year.
- ``tables``: the analytics.* tables' columns and types, and ``compute_tables``.
"""
