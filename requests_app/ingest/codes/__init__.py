"""Clean code columns: countries and nationalities, languages and GSS geography codes.

Every function takes a whole column (a pandas Series of text) and works on its distinct
values only, then maps the answers back: a return can have a million rows but rarely more
than a few hundred distinct countries, so the per-value Python work stays small.

Matching is exact after normalise(), plus a handful of deterministic rewrites. There is no
fuzzy matching on purpose: "Niger" and "Nigeria" are one edit apart, and a wrong country
silently published is worse than an unknown one reported back to the sender.
"""

from ..missing_answers import NOT_RECORDED, UNKNOWN
from .gss import check_geography, clean_code, clean_gss
from .names import harmonise_countries, harmonise_languages, nationality_groups
from .reference import (
    COUNTRY_CODES,
    GSS_RE,
    LOCAL_AUTHORITY,
    LOCAL_AUTHORITY_PREFIXES,
    PARENT_LEVEL,
    POSTCODE_DISTRICT,
    POSTCODE_DISTRICT_RE,
    SPECIAL,
    Reference,
    ancestors,
    contains,
    level_of,
)
from .text import is_missing, normalise, normalised, not_known, not_known_code, per_unique

__all__ = [
    "COUNTRY_CODES",
    "GSS_RE",
    "LOCAL_AUTHORITY",
    "LOCAL_AUTHORITY_PREFIXES",
    "NOT_RECORDED",
    "PARENT_LEVEL",
    "POSTCODE_DISTRICT",
    "POSTCODE_DISTRICT_RE",
    "SPECIAL",
    "UNKNOWN",
    "Reference",
    "ancestors",
    "check_geography",
    "clean_code",
    "clean_gss",
    "contains",
    "harmonise_countries",
    "harmonise_languages",
    "is_missing",
    "level_of",
    "nationality_groups",
    "normalise",
    "normalised",
    "not_known",
    "not_known_code",
    "per_unique",
]
