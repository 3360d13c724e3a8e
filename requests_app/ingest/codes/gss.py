"""GSS geography codes and postcode districts: cleaned, then checked for shape, level and area."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from .reference import GSS_RE, POSTCODE_DISTRICT, POSTCODE_DISTRICT_RE, Reference, level_of
from .text import _INVISIBLE, _SPACES, is_missing, per_unique

_ALL_SPACE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]+")


def clean_code(value) -> str:
    if is_missing(value):
        return ""
    return _ALL_SPACE.sub("", unicodedata.normalize("NFKC", str(value))).upper()


def clean_gss(values: pd.Series) -> pd.Series:
    """Remove every kind of space (a GSS code never contains one) and uppercase; blanks become ""."""
    return per_unique(values, lambda value: (clean_code(value),), {"code": "str"})["code"]


def _clean_district(value) -> str:
    """Like a GSS code but keeping inner spaces, so a full postcode ("TS1 2AB") reads back as written."""
    if is_missing(value):
        return ""
    return _SPACES.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFKC", str(value)))).strip().upper()


def check_geography(values: pd.Series, level: str, ref: Reference) -> pd.DataFrame:
    """Check each geography code has the right shape, the requested level and belongs to the area.

    problem: "" | "format" | "level" | "area". A well-formed GSS code whose prefix the reference
    does not know is a "level" problem (found_level ""): it is not a code of the requested level.
    Blank values have no problem here; the caller reports them as missing.
    Postcode districts are checked against area_codes only when that lookup lists postcode
    districts at all: a lookup of GSS codes says nothing about postcodes. Likewise a GSS code is
    checked against the council's codes of its level only when the council has some: a lookup of
    wards says nothing about LSOAs, and the council's own code is known without a lookup.
    """
    own = ref.own_codes
    if level == POSTCODE_DISTRICT:
        district_lookup = ref.area_codes is not None and any(re.match(POSTCODE_DISTRICT_RE, c) for c in ref.area_codes)

        def check(value) -> tuple:
            code = _clean_district(value)
            if not code:
                return code, "", ""
            if not re.match(POSTCODE_DISTRICT_RE, code):
                return code, "format", ""
            if district_lookup and code not in ref.area_codes:
                return code, "area", POSTCODE_DISTRICT
            return code, "", POSTCODE_DISTRICT
    else:

        def check(value) -> tuple:
            code = clean_code(value)
            if not code:
                return code, "", ""
            if not re.match(GSS_RE, code):
                return code, "format", ""
            found = level_of(code, ref)
            if found != level:
                return code, "level", found
            if found in own and code not in own[found]:
                return code, "area", found
            return code, "", found

    return per_unique(values, check, {"code": "str", "problem": "str", "found_level": "str"})
