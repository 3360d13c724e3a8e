"""Country, nationality and language text to ISO codes, by exact match and deterministic rewrites."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date

import numpy as np
import pandas as pd

from .reference import SPECIAL, Reference
from .text import _SPACES, is_missing, normalise, not_known_code, per_unique

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
