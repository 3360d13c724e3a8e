"""The returns pipeline: pure functions over pandas DataFrames and plain dicts, no Django.

read (bytes -> sheets of text) -> headers (find the table) -> mapping (columns to canonical
fields) -> codes, periods, counts (clean values) -> validate (observations and a report).
"""
