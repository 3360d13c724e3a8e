"""Completeness of each requested field: the share of rows with a known value, the evidence the
checklist answers are compared with."""

import pandas as pd

from requests_app.ingest import codes
from requests_app.ingest.result import DIMENSION_COLUMNS

KEY_FIELDS = ("country-of-birth", "nationality", "immigration-status", "main-language")
# Where the row is and when are not answers a person gives: a blank there is a broken row, reported
# by the geography and period checks, not a gap in what the agency records.
NOT_MEASURED = ("period", "ward")
# Fields whose harmonised column holds a code: "not known" is the code the harmoniser gave, so a
# word the catalogue maps to UNKNOWN counts as unknown even when the vocabulary lacks it.
CODED = ("country-of-birth", "nationality", "main-language")


def of_fields(frame: pd.DataFrame, dims: dict[str, pd.Series], live: pd.Series) -> dict[str, float]:
    """Field code -> share of the rows kept (totals left out) whose value is known, key fields first.

    Blank is not known, and neither is any of the words and codes that say the answer is missing
    (codes.not_known_code: "Unclassified", "Refused", "Prefer not to say", the field's own codes).
    """
    completeness = {}
    measured = [c for c in KEY_FIELDS if c in dims] + [c for c in dims if c not in KEY_FIELDS + NOT_MEASURED]
    for code in measured:
        values = dims[code][live]
        known = (values != "") & (codes.not_known(values, code) == "")
        if code in CODED:
            known &= ~frame.loc[live, DIMENSION_COLUMNS[code]].isin([codes.UNKNOWN, codes.NOT_RECORDED]).fillna(False)
        completeness[code] = round(float(known.mean()), 4) if len(values) else 0.0
    return completeness
