"""Clean code columns: countries and nationalities, languages and GSS geography codes.

Every function takes a whole column (a pandas Series of text) and works on its distinct
values only, then maps the answers back: a return can have a million rows but rarely more
than a few hundred distinct countries, so the per-value Python work stays small.

Matching is exact after normalise(), plus a handful of deterministic rewrites. There is no
fuzzy matching on purpose: "Niger" and "Nigeria" are one edit apart, and a wrong country
silently published is worse than an unknown one reported back to the sender.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd

from .missing_answers import FIELD_CODES, FIELD_WORDS, NOT_KNOWN, NOT_RECORDED, PARTS, UNKNOWN

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

# Characters that are invisible in a spreadsheet but break an exact match. Removed, not turned
# into spaces, because they usually sit inside a word ("Pol\u200bish") after a copy and paste.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]")
# Python's \s already covers NBSP, narrow NBSP, thin and other Unicode spaces.
_SPACES = re.compile(r"\s+")
_QUOTES = "\"'`\u00b4\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a"
# Curly apostrophes inside a name ("Côte d’Ivoire") are typed both ways.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})


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


def is_missing(value) -> bool:
    """None, NaN, pd.NA and NaT: the shapes "no value" takes in a column of text."""
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def normalise(text: str) -> str:
    """The form aliases are stored and looked up in: casefolded, single spaces, no wrapping quotes or trailing dots."""
    if is_missing(text):
        return ""
    # NFKC folds compatibility characters (NBSP, full-width letters) and makes accented letters
    # compare equal whether typed as one character or as a letter plus combining accent.
    text = unicodedata.normalize("NFKC", str(text))
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text.casefold())
    previous = None
    while text != previous:  # '"Poland."' needs quotes, then the dot, then nothing more
        previous = text
        text = text.strip(" " + _QUOTES).rstrip(".")
    return text.translate(_APOSTROPHES)


def normalised(values: pd.Series) -> pd.Series:
    """normalise once per distinct value: a million rows hold a few hundred distinct values."""
    return values.map({value: normalise(value) for value in values.unique()})


def per_unique(values: pd.Series, func: Callable[[object], tuple], columns: dict[str, str]) -> pd.DataFrame:
    """Call func once per distinct value (missing included) and spread its tuple over the rows.

    columns maps each output column name to its pandas dtype, in the order of func's tuple.
    """
    values = pd.Series(values)
    positions, uniques = pd.factorize(values, use_na_sentinel=False)
    results = [func(value) for value in uniques]
    data = {}
    for i, (name, dtype) in enumerate(columns.items()):
        small = pd.array([result[i] for result in results], dtype=dtype)
        data[name] = small.take(positions)
    return pd.DataFrame(data, index=values.index)


# --- values that say the answer is not known ------------------------------------------------------


def not_known_code(value, field: str = "") -> str:
    """UNKNOWN or NOT_RECORDED when the value says the answer is not known, else "" (blank included)."""
    text = normalise(value).strip("()[]<>*_ ")
    if not text:
        return ""
    if text in FIELD_CODES.get(field, {}):
        return FIELD_CODES[field][text]
    for candidate in (text, _SPACES.sub(" ", FIELD_WORDS.sub(" ", text)).strip(" ()[]-:")):
        if candidate in NOT_KNOWN:
            return NOT_KNOWN[candidate]
        parts = [part for part in PARTS.split(candidate) if part]
        if len(parts) > 1 and all(part in NOT_KNOWN for part in parts):
            return NOT_RECORDED if any(NOT_KNOWN[part] == NOT_RECORDED for part in parts) else UNKNOWN
    return ""


def not_known(values: pd.Series, field: str = "") -> pd.Series:
    """not_known_code of each value, worked out once per distinct value."""
    return per_unique(values, lambda value: (not_known_code(value, field),), {"code": "str"})["code"]


# --- countries ---------------------------------------------------------------------------------

_NATIONALS_SUFFIX = re.compile(r"\s+(?:nationals?|citizens?)$")
_REP = re.compile(r"\brep\b\.?")
_DEM = re.compile(r"\bdem\b\.?")
_SAINT = re.compile(r"\bst\b\.?(?=\s)")
# "Korea, Republic of" / "Congo, Democratic Republic of the" / "Gambia, The": the official
# short names sort by the main word; senders write them in reading order, or the other way.
_INVERTED = re.compile(r"^(?P<main>[^,]+),\s*(?P<prefix>(?:[^,]*\bof(?: the)?)|the)$")
_REPUBLIC_FIRST = re.compile(r"^(?P<prefix>(?:[\w.]+ )*?republic of(?: the)?) (?P<main>[^,]+)$")


def _country_rewrites(text: str) -> Iterator[str]:
    """Deterministic alternative spellings of one normalised value, in a fixed order."""
    yield _NATIONALS_SUFFIX.sub("", text)  # "polish nationals" -> "polish"
    yield _REP.sub("republic", text)  # "rep. of korea" -> "republic of korea"
    yield _DEM.sub("democratic", text)
    yield _SPACES.sub(" ", text.replace("&", " and ")).strip()  # "bosnia & herzegovina"
    yield _SAINT.sub("saint", text)  # "st. lucia", "st kitts and nevis"
    if text.startswith("the "):
        yield text[4:]  # "the gambia"
    if "." in text:
        yield _SPACES.sub(" ", text.replace(".", "")).strip()  # "u.k." -> "uk"
    if match := _INVERTED.match(text):
        yield f"{match['prefix']} {match['main']}"  # "korea, republic of" -> "republic of korea"
    if match := _REPUBLIC_FIRST.match(text):
        yield f"{match['main']}, {match['prefix']}"  # and back, for references holding ISO's order
    # Never "republic of x" -> "x": "Republic of China" is Taiwan, not China.


def _alternatives(text: str, rewrites: Callable[[str], Iterator[str]]) -> list[str]:
    """Every spelling reachable by combining rewrites ("St. Kitts & Nevis" needs two), breadth first."""
    seen, queue = {text}, [text]
    for current in queue:
        for candidate in rewrites(current):
            if candidate and candidate not in seen:
                seen.add(candidate)
                queue.append(candidate)
    return queue[1:]


def harmonise_countries(values: pd.Series, ref: Reference) -> pd.DataFrame:
    """Country or nationality text -> ISO code.

    matched_by is "code" (a two- or three-letter code), "name" (any other alias: a name, a
    nationality word or a historic name; the reference does not say which), "rewrite" (found
    after one of the deterministic rewrites) or "" (blank or unmapped).
    Blank values are not "unmapped": the caller reports them as missing values.
    """
    aliases = ref.country_aliases

    def match(value) -> tuple:
        text = normalise(value)
        if not text:
            return pd.NA, "", False
        if special := not_known_code(text):
            return special, "name", False
        if text in aliases:
            return aliases[text], "code" if re.fullmatch(r"[a-z]{2,3}", text) else "name", False
        for candidate in _alternatives(text, _country_rewrites):
            if candidate in aliases:
                return aliases[candidate], "rewrite", False
        return pd.NA, "", True

    return per_unique(values, match, {"code": "string", "matched_by": "str", "unmapped": "bool"})


def nationality_groups(codes: pd.Series, on: pd.Series | date, ref: Reference) -> pd.Series:
    """ISO code -> nationality group on the given date(s), so accession dates are respected.

    valid_from and valid_to are inclusive; None means open-ended. A country in no group on that
    date falls into ref.residual_group. When the date is missing, a country whose membership
    depends on the date gets NA rather than a guess; the other countries are still grouped.
    A Series of dates is lined up with codes by position, not by index.
    """
    codes = pd.Series(codes)
    spans: dict[str, list[tuple[str, pd.Timestamp | None, pd.Timestamp | None]]] = {}
    for group, country, valid_from, valid_to in ref.group_members:
        spans.setdefault(country, []).append(
            (
                group,
                None if valid_from is None else pd.Timestamp(valid_from),
                None if valid_to is None else pd.Timestamp(valid_to),
            )
        )

    def group_of(code, day) -> object:
        if is_missing(code) or str(code) == "":
            return pd.NA
        code = str(code)
        if code in SPECIAL:
            return code  # "stateless" is an answer in itself, not a country outside the EU
        memberships = spans.get(code, [])
        if day is pd.NaT or is_missing(day):
            if any(start is not None or end is not None for _, start, end in memberships):
                return pd.NA
            return memberships[0][0] if memberships else ref.residual_group
        for group, start, end in memberships:
            if (start is None or start <= day) and (end is None or day <= end):
                return group
        return ref.residual_group

    code_positions, code_uniques = pd.factorize(codes, use_na_sentinel=False)
    if isinstance(on, pd.Series):
        days = pd.to_datetime(pd.Series(on.to_numpy(), index=codes.index), errors="coerce").dt.normalize()
        day_positions, day_uniques = pd.factorize(days, use_na_sentinel=False)
        # One integer per (code, date) pair, so the work is per distinct pair, not per row.
        pair_positions, pair_uniques = pd.factorize(code_positions.astype(np.int64) * len(day_uniques) + day_positions)
        groups = [
            group_of(code_uniques[pair // len(day_uniques)], day_uniques[pair % len(day_uniques)])
            for pair in pair_uniques
        ]
        positions = pair_positions
    else:
        day = pd.NaT if is_missing(on) else pd.Timestamp(on).normalize()
        groups = [group_of(code, day) for code in code_uniques]
        positions = code_positions
    return pd.Series(pd.array(groups, dtype="string").take(positions), index=codes.index, name="group")


# --- languages ---------------------------------------------------------------------------------

_LANGUAGE_SUFFIX = re.compile(r"\s+language$")


def _language_rewrites(text: str) -> Iterator[str]:
    yield _LANGUAGE_SUFFIX.sub("", text)  # "polish language" -> "polish"
    yield _SPACES.sub(" ", text.replace("&", " and ")).strip()


def harmonise_languages(values: pd.Series, ref: Reference) -> pd.DataFrame:
    """Language name or ISO 639-1/639-3 code -> ISO 639-3 code; same no-fuzzy rules as countries."""
    aliases = ref.language_aliases

    def match(value) -> tuple:
        text = normalise(value)
        if not text:
            return pd.NA, False
        if special := not_known_code(text, "main-language"):
            return special, False
        for candidate in [text, *_alternatives(text, _language_rewrites)]:
            if candidate in aliases:
                return aliases[candidate], False
        return pd.NA, True

    return per_unique(values, match, {"code": "string", "unmapped": "bool"})


# --- geography ---------------------------------------------------------------------------------

_ALL_SPACE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]+")


def clean_code(value) -> str:
    if is_missing(value):
        return ""
    return _ALL_SPACE.sub("", unicodedata.normalize("NFKC", str(value))).upper()


def clean_gss(values: pd.Series) -> pd.Series:
    """Remove every kind of space (a GSS code never contains one) and uppercase; blanks become ""."""
    return per_unique(values, lambda value: (clean_code(value),), {"code": "str"})["code"]


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
