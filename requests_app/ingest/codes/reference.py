"""The lookups the cleaners take from the catalogue, and the chain of geography levels they check codes against."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from ..missing_answers import NOT_RECORDED, UNKNOWN

SPECIAL = {"STATELESS", UNKNOWN, NOT_RECORDED}
GSS_RE = r"^[EWSNK]\d{8}$"
POSTCODE_DISTRICT_RE = r"^[A-Z]{1,2}\d[A-Z\d]?$"

# GSS entity codes for local authorities: unitary authorities (E06), non-metropolitan districts
# (E07), metropolitan districts (E08), London boroughs (E09), Welsh unitary authorities (W06),
# Scottish council areas (S12) and Northern Ireland districts (N09). A "local-authority" column
# legitimately mixes them, whatever finer level the reference gives each prefix.
LOCAL_AUTHORITY_PREFIXES = frozenset({"E06", "E07", "E08", "E09", "W06", "S12", "N09"})
LOCAL_AUTHORITY = "local-authority"
POSTCODE_DISTRICT = "postcode-district"

# The areas a council sits in and the areas inside it. A row for a containing area may be the total
# of rows below it; areas on different branches (wards and LSOAs) are cut differently and never are.
# Counties hold districts, not unitary councils, but a county row is never one of a unitary's totals
# either, so one chain serves both.
PARENT_LEVEL = {
    "country": "uk",
    "region": "country",
    "county": "region",
    LOCAL_AUTHORITY: "county",
    "ward": LOCAL_AUTHORITY,
    "msoa": LOCAL_AUTHORITY,
    "lsoa": "msoa",
    "output-area": "lsoa",
}
# Prefixes the catalogue has no level for, placed in that chain: counties (E10) and metropolitan
# counties (E11), output areas, Great Britain (K03) and England and Wales (K04).
_CHAIN_PREFIXES = {
    "E10": "county",
    "E11": "county",
    "E00": "output-area",
    "W00": "output-area",
    "S00": "output-area",
    "K03": "uk",
    "K04": "uk",
}
COUNTRY_CODES = {"E": "E92000001", "W": "W92000004", "S": "S92000003", "N": "N92000002"}


@dataclass(frozen=True)
class Reference:
    """The lookups the cleaners need, built by the caller from the catalogue (keys pre-normalised)."""

    country_aliases: dict[str, str]  # normalise(alias) -> ISO alpha-2 code or a SPECIAL code
    group_members: list[tuple[str, str, date | None, date | None]]  # (group, country, valid_from, valid_to)
    residual_group: str  # the group of every country in no other group on that date ("NON-EU")
    language_aliases: dict[str, str]  # normalise(name or ISO 639-1/639-3 code) -> ISO 639-3 code
    gss_levels: dict[str, str]  # GSS prefix ("E05") -> geography level code ("ward")
    area_codes: frozenset[str] | None = None  # the area's known codes when a lookup is loaded
    # The council itself, when known: its GSS code, its region's, its name, and the year of the
    # boundaries its lookup's codes come from, per level ({"ward": 2023, "lsoa": 2021}).
    local_authority: str = ""
    region: str = ""
    area_name: str = ""
    vintages: dict[str, int] = field(default_factory=dict)

    @cached_property
    def own_codes(self) -> dict[str, frozenset[str]]:
        """The council's codes at each level it knows them for: itself, its region and country,
        and the wards and small areas of its lookup."""
        found: dict[str, set[str]] = {}
        for code in self.area_codes or ():
            if re.match(GSS_RE, code):
                found.setdefault(level_of(code, self), set()).add(code)
        if self.local_authority:
            found[LOCAL_AUTHORITY] = {self.local_authority}
            if country := COUNTRY_CODES.get(self.local_authority[:1]):
                found["country"] = {country}
        if self.region:
            found["region"] = {self.region}
        found.pop("", None)
        return {level: frozenset(codes) for level, codes in found.items()}


def level_of(code: str, ref: Reference) -> str:
    """The geography level of a clean GSS code, "" when its prefix is not one the tracker knows."""
    prefix = code[:3]
    if prefix in LOCAL_AUTHORITY_PREFIXES:
        return LOCAL_AUTHORITY
    return ref.gss_levels.get(prefix) or _CHAIN_PREFIXES.get(prefix, "")


def ancestors(level: str) -> list[str]:
    """The levels containing `level`, nearest first."""
    found = []
    while level := PARENT_LEVEL.get(level, ""):
        found.append(level)
    return found


def contains(outer: str, inner: str) -> bool:
    """Whether every area of level `inner` lies inside one area of level `outer`."""
    return outer in ancestors(inner)
