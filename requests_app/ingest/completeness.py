"""Completeness of the key fields: the share of rows with a known value, the evidence the checklist
answers are compared with."""

import pandas as pd

from requests_app.ingest import codes
from requests_app.ingest.result import DIMENSION_COLUMNS

# Values that mean the field was not recorded for those people.
UNKNOWN_CODES = {"UNKNOWN", "NOT-RECORDED"}
KEY_FIELDS = ("country-of-birth", "nationality", "immigration-status", "main-language")


def of_key_fields(frame: pd.DataFrame, dims: dict[str, pd.Series], live: pd.Series) -> dict[str, float]:
    """Key field code -> share of the rows kept (totals left out) whose value is known."""
    completeness = {}
    for code in KEY_FIELDS:
        if code not in dims:
            continue
        values = dims[code][live]
        known = values != ""
        if code in ("country-of-birth", "nationality"):
            known &= ~frame.loc[live, DIMENSION_COLUMNS[code]].isin(UNKNOWN_CODES).fillna(False)
        else:
            known &= ~codes.normalised(values).isin({"unknown", "not recorded", "not known", "not stated"})
        completeness[code] = round(float(known.mean()), 4) if len(values) else 0.0
    return completeness
