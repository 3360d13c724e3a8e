"""Categories written as column headings: which field a heading such as "Girls", "16-24", "EU8",
"Polish", "Refugees" or "2024 Q1" is a value of.

Tables put a category across the columns as often as down a column. A heading row above the
categories ("Gender" merged over Male / Female) says the field outright; otherwise the values
themselves say it, and the whole row of headings must agree (see mapping.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from requests_app.ingest import codes, headings, periods

ANY = "*"  # "Other", "Not known": a value of whichever field its neighbours are values of

GENDERS = frozenset(
    {"male", "males", "female", "females", "men", "women", "man", "woman", "boys", "girls", "boy", "girl"}
    | {"non-binary", "non binary", "nonbinary"}
)
UNKNOWN_VALUES = frozenset(
    {
        "other",
        "others",
        "any other",
        "unknown",
        "not known",
        "not stated",
        "not recorded",
        "not given",
        "not provided",
        "not specified",
        "unspecified",
        "prefer not to say",
        "refused",
        "declined",
        "missing",
        "information not obtained",
        "unclassified",
    }
)
STATUSES = frozenset(
    {
        "asylum seeker",
        "asylum seekers",
        "refused asylum seekers",
        "refugee",
        "refugees",
        "resettled refugees",
        "eu settlement scheme",
        "euss",
        "settled status",
        "pre-settled status",
        "pre settled status",
        "indefinite leave to remain",
        "ilr",
        "limited leave to remain",
        "humanitarian protection",
        "discretionary leave",
        "no recourse to public funds",
        "nrpf",
        "uasc",
        "unaccompanied asylum seeking children",
        "unaccompanied asylum-seeking children",
        "homes for ukraine",
        "ukraine family scheme",
        "ukraine schemes",
        "bno visa",
        "hong kong bn(o)",
        "economic migrants",
        "migrant workers",
        "international students",
        "student visa",
        "skilled worker visa",
        "family visa",
    }
)
_AGE_BAND = re.compile(
    r"^(?:aged? )?(?:(?P<low>\d{1,3}) ?(?:-|to) ?(?P<high>\d{1,3})|(?P<over>\d{1,3}) ?(?:\+|plus|and over|and above"
    r"|and older|or over|or older)|(?:under|less than|below|up to) (?P<under>\d{1,3})|(?P<upto>\d{1,3}) and under)"
    r"(?: years?(?: old)?| yrs?)?$"
)
_AGE_YEAR = re.compile(r"^aged? (?P<age>\d{1,3})(?: years?(?: old)?)?$")
_DASHES = re.compile("[\u2010-\u2015\u2212]")
_PERIOD_WORDS = re.compile(
    r"\b(?:\d+|q[1-4]|quarter|year|years|month|ending|ended|end|to|mid|ye|fy|ay|financial|academic|calendar|school"
    r"|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?"
    r"|nov(?:ember)?|dec(?:ember)?|m\d{2}|\d{4}m\d{2}|\d{4}q[1-4])\b|[\s\-/().,]+"
)

HEADING, VALUE, TOTAL, COUNT, RATE, TEXT = "heading", "value", "total", "count", "rate", "text"


@dataclass(frozen=True)
class Atom:
    """One piece of a column's heading: a field's name, a value, or a word about the figures."""

    kind: str
    text: str
    fields: frozenset[str] = field(default_factory=frozenset)  # the field named, or the fields the value may be of


def is_age_band(text: str) -> bool:
    text = _DASHES.sub("-", codes.normalise(text))
    match = _AGE_BAND.match(text) or _AGE_YEAR.match(text)
    return bool(match) and all(int(n) <= 120 for n in match.groupdict().values() if n)


def is_period(text: str) -> bool:
    """A heading that is a period and nothing else: "2024 Q1", "YE Jun 2024", "2023/24", but not
    "Mid-2022 Population Estimate", which is a period and what is counted (Reader reads both)."""
    rest = _PERIOD_WORDS.sub(" ", codes.normalise(text))
    return not rest.strip(" -/()") and not pd.isna(periods.parse_periods(pd.Series([text]))["start"].iloc[0])


# What an estimate of the population is headed by, beside the date it is for.
_ESTIMATES = frozenset(
    {
        "population",
        "population estimate",
        "population estimates",
        "estimated population",
        "estimate",
        "estimates",
        "mid-year estimate",
        "mid-year population estimate",
        "usual resident population",
        "usually resident population",
        "all usual residents",
    }
)


def _counts_people(text: str) -> bool:
    key = _DASHES.sub("-", codes.normalise(text)).strip("()[], ")
    return key in _ESTIMATES or headings.count_rank(key) is not None


def group_codes(reference: codes.Reference) -> dict[str, str]:
    """'eu8', 'other eu', 'non-eu' (the ways the groups are written, squashed) -> group code."""
    names = {group for group, *_ in reference.group_members} | {reference.residual_group}
    return {_squash(name): name for name in names}


def _squash(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", codes.normalise(text)).removesuffix("nationals")


@dataclass
class Column:
    """One column's heading as read, and what mapping makes of it."""

    position: int
    label: str
    atoms: list[tuple[tuple[int, int], Atom]]  # (header row, piece) -> atom, in reading order
    heading: headings.Heading | None  # the field the whole heading names
    parts: list[str] = field(default_factory=list)  # the heading's text in each header row
    fixed: dict[int, str] = field(default_factory=dict)  # atom index -> field named by a heading above it
    key: dict[str, str] = field(default_factory=dict)
    total: bool = False
    rate: bool = False
    measure: list[str] = field(default_factory=list)


class Reader:
    """Reads the pieces of headings, with the catalogue's synonyms and the reference's lists."""

    def __init__(self, vocabulary: headings.Vocabulary, reference: codes.Reference):
        self.vocabulary = vocabulary
        self.reference = reference
        self.groups = group_codes(reference)

    def atoms_of(self, parts: list[str]) -> list[list[Atom]]:
        """The atoms of every part of one column's heading, top row first (one list per header row)."""
        return [self.atoms(part) if part else [] for part in parts]

    def atoms(self, part: str) -> list[Atom]:
        """One part of a heading as atoms: usually one, two for 'Males 0-15' or 'MALE_0-4', a
        field and its value for 'Sex: Males'."""
        pieces = [p.strip() for p in part.split(";") if p.strip()]
        if len(pieces) > 1:  # Nomis: "Sex: Males; Age: Aged 16 to 64; measures: Value"
            return [atom for piece in pieces for atom in self.atoms(piece)]
        if ":" in part:  # "Sex: Males", "Age: All categories: Age"
            left, right = (p.strip() for p in part.split(":", 1))
            named = self.atom(left)
            if named.kind == HEADING and right:
                inner = self.atom(right)
                return [named, inner if inner.kind in (TOTAL, VALUE) else Atom(TEXT, right)]
        whole = self.atom(part)
        if whole.kind not in (TEXT, TOTAL):
            return [whole]
        if whole.kind == TOTAL:
            # "TOTAL_MALE", "Male total": the total of one value, not of the whole row.
            pieces = self._split(part)
            return pieces if any(a.kind == VALUE for a in pieces) else [whole]
        return self._split(part) or self._period_and_count(part) or [whole]

    def _period_and_count(self, part: str) -> list[Atom]:
        """'Mid-2022 Population Estimate', 'Population (mid-2022)', '2023/24 Registrations': the
        period of the figures under a heading that also names what they count; [] otherwise."""
        spoken = part.split()
        for cut in range(1, len(spoken)):
            left, right = " ".join(spoken[:cut]), " ".join(spoken[cut:])
            for period, rest in ((left, right), (right, left)):
                period = period.strip("()[], ")
                if _counts_people(rest) and is_period(period):
                    # The words stay as what is measured, so that an estimate of the population
                    # beside inflows and outflows (ONS's migration indicators) is still a mix.
                    return [Atom(VALUE, period, frozenset({"period"})), Atom(TEXT, rest)]
        return []

    def _split(self, part: str) -> list[Atom]:
        """'MALE_0-4' or 'Males 0-15' as two values; [] when no split reads as values."""
        for separator in ("_", " - "):
            pieces = [p.strip() for p in part.split(separator) if p.strip()]
            if len(pieces) > 1:
                found = [self.atom(p) for p in pieces]
                if all(a.kind in (VALUE, TOTAL) for a in found):
                    return found
        spoken = part.split()
        for cut in range(1, len(spoken)):
            left, right = self.atom(" ".join(spoken[:cut])), self.atom(" ".join(spoken[cut:]))
            if left.kind in (VALUE, TOTAL) and right.kind in (VALUE, TOTAL) and (left.kind, right.kind) != (TOTAL,) * 2:
                return [left, right]  # "Males 0-15", "Female total", "2024 Male"
        return []

    def atom(self, text: str) -> Atom:
        key = codes.normalise(text)
        if not key:
            return Atom(TEXT, text)
        if headings.is_rate(text):
            return Atom(RATE, text)
        if headings.is_total(text):
            return Atom(TOTAL, text)
        if headings.starts_as_count(text):
            return Atom(COUNT, text)
        if key in UNKNOWN_VALUES:
            return Atom(VALUE, text, frozenset({ANY}))
        if key in GENDERS:
            return Atom(VALUE, text, frozenset({"gender"}))
        if is_age_band(text):
            return Atom(VALUE, text, frozenset({"age"}))
        if key in STATUSES:
            return Atom(VALUE, text, frozenset({"immigration-status"}))
        if _squash(text) in self.groups:
            return Atom(VALUE, text, frozenset({"nationality"}))
        if is_period(text):
            return Atom(VALUE, text, frozenset({"period"}))
        named = self.vocabulary.field_of(text)
        if named is not None and not named.other_person:
            return Atom(HEADING, text, frozenset({named.field}))
        if headings.count_rank(text) is not None:
            return Atom(COUNT, text)
        return self._country_or_language(text, key)

    def _country_or_language(self, text: str, key: str) -> Atom:
        # Two- and three-letter codes are too easily ordinary words ("NO", "ARE") to read in a heading.
        if len(key) <= 3:
            return Atom(TEXT, text)
        fields = set()
        country = codes.harmonise_countries(pd.Series([text]), self.reference).iloc[0]
        if not country["unmapped"] and not pd.isna(country["code"]) and country["code"] not in codes.SPECIAL:
            fields |= {"country-of-birth", "nationality"}
        language = codes.harmonise_languages(pd.Series([text]), self.reference).iloc[0]
        if not language["unmapped"] and not pd.isna(language["code"]):
            fields.add("main-language")
        return Atom(VALUE, text, frozenset(fields)) if fields else Atom(TEXT, text)


def groups_named(values: pd.Series, reference: codes.Reference) -> pd.Series:
    """'EU8', 'Other EU', 'Non-EU nationals' -> the group's code; NA for anything else."""
    names = group_codes(reference)
    return values.map({value: names.get(_squash(value), pd.NA) for value in values.unique()})
