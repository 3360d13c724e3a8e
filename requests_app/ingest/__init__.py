"""The returns pipeline: pure functions over pandas DataFrames and plain dicts, no Django.

validate runs it for one file: read (bytes -> sheets of text) -> headers (find the table) ->
tables (reshape it) -> mapping (columns to canonical fields) -> totals (rows that sum others, by
label or arithmetic) -> personal (lists of people, however disguised) -> checks (counts, periods),
reconcile (stated totals against their rows), harmonise (countries, languages), geography (area
codes), each cleaning values with codes, periods and counts and reporting bad ones by row ->
completeness -> result (observations and a report). problems collects what is reported.
"""
