"""Period columns: each period as returned, and the quarter and financial-year totals over them."""

import datetime
from collections import defaultdict

from project.lib.periods import bucket, period_bucket


def _column_of(start: datetime.date | None, end: datetime.date | None, stock: bool) -> tuple[datetime.date, str]:
    """The leaf column of a period as returned: (sort key, label). A stock counted on a day keeps
    its day, so that two counts in one month are never added together."""
    if stock and start is not None and end in (None, start):
        return start, f"{start.day} {start:%b %Y}"
    return period_bucket(start, end, "month")


def _period_columns(
    rows: list[dict], stock: bool = False
) -> tuple[list[str], dict[str, list[str]], dict[str, list[str]]]:
    """Sets each row's column (its period as returned) and gives the columns in order with the
    quarter and financial-year totals over them; a stock has no totals over time."""
    column_keys, starts = {}, {}
    for r in rows:
        key, r["column"] = _column_of(r["period_start"], r["period_end"], stock)
        column_keys.setdefault(r["column"], (key, r["column"]))
        starts.setdefault(r["column"], r["period_start"])
        r["span"] = (r["period_start"], r["period_end"])
    leaf_columns = sorted(column_keys, key=lambda c: column_keys[c])
    if stock:
        return leaf_columns, {}, {}
    quarters, years = defaultdict(list), defaultdict(list)
    for column in leaf_columns:
        if starts[column] is None:
            continue
        month, quarter, year = (bucket(starts[column], g)[2] for g in ("month", "quarter", "year"))
        if column == month:
            quarters[quarter].append(column)
        if column in (month, quarter):
            years[year].append(column)
    # A total of one column would only publish the same count twice; and a label already used by
    # a column as returned cannot also name a total.
    quarters = {q: parts for q, parts in quarters.items() if len(parts) > 1 and q not in column_keys}
    years = {y: parts for y, parts in years.items() if len(parts) > 1 and y not in column_keys}
    return leaf_columns, quarters, years


def _spans(rows: list[dict], groups: dict[str, list[str]]) -> dict[str, tuple[datetime.date, datetime.date]]:
    """The first and last day each column covers, for filtering by period: its periods as
    returned, and a quarter or year total the span of its parts."""
    spans = {}
    for r in rows:
        start, end = r["span"]
        if start is None or end is None:
            continue
        low, high = spans.get(r["column"], (start, end))
        spans[r["column"]] = (min(low, start), max(high, end))
    for group, parts in groups.items():
        if all(part in spans for part in parts):
            spans[group] = (min(spans[p][0] for p in parts), max(spans[p][1] for p in parts))
    return spans
