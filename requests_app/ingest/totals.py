"""Rows that sum other rows: left out of the observations so nothing is counted twice, and reported."""

import pandas as pd

from requests_app.ingest import codes
from requests_app.ingest.problems import WARNING, ProblemLog

# Rows whose label says they sum other rows; kept out of the observations and reported.
TOTAL_LABELS = {
    "total",
    "totals",
    "grand total",
    "sub total",
    "subtotal",
    "sub-total",
    "all",
    "all persons",
    "all people",
    "all ages",
    "all nationalities",
    "all countries",
    "all areas",
    "all wards",
    "all languages",
    "overall",
    "total all",
}


def total_rows(dims: dict[str, pd.Series], index: pd.Index, problems: ProblemLog) -> pd.Series:
    """True on each row whose label in any dimension says it is a total; each such row is reported."""
    is_total = pd.Series(False, index=index)
    for values in dims.values():
        keys = codes.normalised(values)
        is_total |= keys.isin(TOTAL_LABELS) | keys.str.startswith("total ")
    first_dim = next(iter(dims.values()), pd.Series("", index=index))
    problems.add_rows(
        is_total,
        first_dim,
        type="total-row",
        severity=WARNING,
        column="",
        message=lambda v: f"'{v}' looks like a total; the row was left out so nothing is counted twice.",
    )
    return is_total
