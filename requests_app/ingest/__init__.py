"""The returns pipeline: pure functions over pandas DataFrames and plain dicts, no Django.

validate runs it for one file: read (bytes -> sheets of text) -> headers (find the table) ->
tables (reshape it) -> mapping (columns to canonical fields) -> period_columns (which columns give
the period, and what their headings say it means) -> totals (rows that sum others, by label or
arithmetic) -> personal (lists of people, however disguised) -> geography (with levels: the
council's rows of the level asked for; the rest left out) -> checks (counts, periods), reconcile
(stated totals against their rows), harmonise (countries, languages), geography (area codes, with
vintages), area_totals (the council's own totals against their parts), each cleaning values with
codes, periods (with period_forms) and counts and reporting bad ones by row -> completeness ->
result (observations and a report). problems collects what is reported.
"""
