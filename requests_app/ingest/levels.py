"""Which kind of area each row of a table is for: its level column, its code columns, its codes.

Public tables mix levels in one file: a DfE open data CSV has National, Regional and Local
authority rows, each with its own code in the column of its level (country_code, region_code,
new_la_code) and a geographic_level column saying which; a Nomis or ONS table has one code column
holding England (E92), regions (E12) and authorities (E06...) alike. A row's own area is its most
detailed code; the coarser codes on the same row say which areas contain it.

Work is per distinct value of each column, never per row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from requests_app.ingest import authority_names, codes
from requests_app.ingest.mapping import label_key

# Headings of a column saying which kind of area each row is for.
LEVEL_HEADINGS = {
    "geographic level",
    "geographical level",
    "geography level",
    "level of geography",
    "geographic type",
    "geography type",
    "area type",
    "type of area",
    "area level",
}

# The words public files use for each level (DfE's geographic_level, Nomis's geography types,
# ONS's area types), tried in order: "RSC region" and "local skills improvement plan area" are not
# regions or local authorities, so the kinds of area the tracker does not store come first.
OTHER = "other"
_LEVEL_WORDS = [
    (
        r"\brsc\b|school|provider|institution|\bmat\b|trust|sponsor|planning area|opportunity area|skills"
        r"|enterprise|devolved|combined authority|constituenc|\bpcon\b|police|health|\bicb\b|\bccg\b"
        r"|parish|built.up|travel to work|postcode",
        OTHER,
    ),
    (r"\bwards?\b|electoral division", "ward"),
    (r"lower layer|\blsoa", "lsoa"),
    (r"middle layer|\bmsoa", "msoa"),
    (r"output areas?\b|\boa\b", "output-area"),
    (
        r"local authorit|\bla\b|\blad\b|\bltla\b|\butla\b|district|unitary|borough|council area|\bcounty\b"
        r"|counties",
        codes.LOCAL_AUTHORITY,
    ),
    (r"\bregions?\b|regional|\brgn\b", "region"),
    (r"united kingdom|\buk\b|great britain", "uk"),
    (r"national|countr|\bnations?\b|\bctry\b", "country"),
]
# Headings of columns that may hold GSS codes; only these (and the mapped area column) are read
# for codes, so a million-row file with a handful of columns pays for one or two of them.
_GEOGRAPHY_WORDS = {
    "code",
    "cd",
    "gss",
    "geography",
    "geog",
    "area",
    "la",
    "lad",
    "ward",
    "wd",
    "lsoa",
    "msoa",
    "region",
    "rgn",
    "country",
    "ctry",
    "district",
    "authority",
    "borough",
    "mnemonic",
    "location",
}
# The other location columns of DfE's open data standard, read with its geographic_level column.
_DFE_LOCATION = re.compile(
    r"^(?:country|region|la|new la|old la|lad|ward|pcon|lsip|local enterprise partnership|english devolved area"
    r"|opportunity area|rsc region lead|planning area|trust|sponsor|school|provider|institution) "
    r"(?:code|name|id|urn|ukprn|laestab)$"
)
# Headings of a column naming areas: by its own words, or by "name" beside the code column's words.
_AREA_WORDS = {"geography", "area", "authority", "region", "country", "ward", "borough", "district"}
_NAME_WORDS = {"name", "nm"}
_CODE_WORDS = {"code", "cd", "gss", "new", "old", "ons", "mnemonic"}
_DEPTH = {"uk": 0, "country": 1, "region": 2, "county": 3, codes.LOCAL_AUTHORITY: 4}


def depth(level: str) -> int | None:
    """How far down the chain of containing areas a level sits; None off the chain."""
    if level in _DEPTH:
        return _DEPTH[level]
    chain = codes.ancestors(level)
    return len(chain) if chain and chain[-1] == "uk" else None


def level_word(value: str) -> str:
    """'Local authority' -> 'local-authority', 'Regional' -> 'region'; OTHER for kinds of area the
    tracker does not store; "" when the words are not recognised."""
    text = codes.normalise(value)
    for pattern, level in _LEVEL_WORDS:
        if re.search(pattern, text):
            return level
    return ""


@dataclass
class CodeColumn:
    position: int
    letter: str
    label: str
    codes: pd.Series  # clean code per row, "" when blank
    levels: pd.Series  # level per row, "" when blank or not a known prefix
    deepest: int  # the most detailed level in the column, by depth (-1 when off the chain)


@dataclass
class Places:
    """Each row's own area: its most detailed code, that code's level (or what the level column
    says) and the authority containing it when the row also gives that."""

    codes: pd.Series  # clean GSS code per row, "" when the row gives none
    levels: pd.Series  # level per row, "" when unknown
    letters: pd.Series  # column letter of each row's own code
    authority: pd.Series  # the local authority code on the row beside a finer code, else ""
    names: dict[str, str] = field(default_factory=dict)  # code -> name, for the report
    level_column: str = ""  # letter of the level column, when there is one
    level_values: pd.Series | None = None  # its text on each row
    conflicts: pd.Series | None = None  # rows whose level column disagrees with their code
    unplaced: pd.Series | None = None  # the name of each authority row without a code that may be the council's
    code_columns: list[CodeColumn] = field(default_factory=list)
    used: set[int] = field(default_factory=set)  # positions of the columns read here

    def at_level(self, level: str, live: pd.Series) -> Places | None:
        """The same rows placed by their column of codes at `level`, when a file gives a finer code
        beside it ("Ward code" and "LSOA code" on each row) and the level asked for is the coarser."""
        if self.level_column:
            return None
        column = next((c for c in self.code_columns if (c.levels[live] == level).any()), None)
        if column is None or len(self.code_columns) < 2:
            return None
        index = column.codes.index
        return replace(
            self,
            codes=column.codes,
            levels=column.levels,
            letters=_blank(index, column.letter),
            authority=_blank(index),
            conflicts=None,
        )


def _tokens(label: str) -> set[str]:
    return set(label_key(label).split())


def _distinct(values: pd.Series) -> tuple[pd.Series, list[str]]:
    positions, uniques = pd.factorize(values.astype(str), use_na_sentinel=False)
    return pd.Series(positions, index=values.index), [str(u) for u in uniques]


def _spread(positions: pd.Series, small: list[str]) -> pd.Series:
    """One value per row from one per distinct value, as categories: the comparisons that follow
    then look at a million small integers, not a million strings."""
    return pd.Series(pd.Categorical(small)[positions.to_numpy()], index=positions.index)


def _blank(index: pd.Index, letter: str = "") -> pd.Series:
    return pd.Series(pd.Categorical.from_codes(np.zeros(len(index), dtype=np.int8), categories=[letter]), index=index)


def _code_column(position: int, letter: str, label: str, values: pd.Series, ref: codes.Reference) -> CodeColumn | None:
    positions, uniques = _distinct(values)
    cleaned = [codes.clean_code(u) for u in uniques]
    filled = [c for c in cleaned if c]
    gss = [c for c in filled if re.match(codes.GSS_RE, c)]
    # A column of codes with a few typos is still a column of codes; one of names is not.
    if not gss or len(gss) * 2 < len(filled):
        return None
    levels = [codes.level_of(c, ref) if re.match(codes.GSS_RE, c) else "" for c in cleaned]
    depths = [d for d in (depth(level) for level in levels if level) if d is not None]
    return CodeColumn(
        position, letter, label, _spread(positions, cleaned), _spread(positions, levels), max(depths, default=-1)
    )


def _name_column(code: CodeColumn, labels: list[str], taken: set[int]) -> int | None:
    """The column naming the areas of a code column: one sharing a word with its heading
    ("region_code" and "region_name"), else the one beside it ("LAD Code" and "Local Authority")."""
    words = _tokens(code.label) - _CODE_WORDS
    free = [i for i in range(len(labels)) if i not in taken]
    for i in free:
        if _tokens(labels[i]) & _NAME_WORDS and words & (_tokens(labels[i]) - _NAME_WORDS):
            return i
    for i in (code.position + 1, code.position - 1):
        if i in free and _tokens(labels[i]) & _AREA_WORDS:
            return i
    return None


def _combined(columns: list[CodeColumn], index: pd.Index) -> tuple[pd.Series, ...]:
    """Each row's most detailed code among several code columns, its level and column, and the
    authority code on the same row when the row's own code is finer than that."""
    empty = pd.Series("", index=index, dtype=object)
    own_codes, own_levels, own_letters, authority = empty, empty, empty, empty
    # Coarsest column first, so that each finer code on a row replaces the coarser one.
    for column in sorted(columns, key=lambda c: c.deepest):
        filled = column.codes != ""
        # A finer code's authority is the last local-authority code seen on its row before it.
        authority = authority.where(~filled | (own_levels != codes.LOCAL_AUTHORITY), own_codes)
        own_codes = own_codes.where(~filled, column.codes.astype(object))
        own_levels = own_levels.where(~filled, column.levels.astype(object))
        own_letters = own_letters.where(~filled, column.letter)
    authority = authority.where(own_levels != codes.LOCAL_AUTHORITY, "")
    return tuple(series.astype("category") for series in (own_codes, own_levels, own_letters, authority))


def read_places(
    labels: list[str],
    letters: list[str],
    body: pd.DataFrame,
    *,
    skip: set[int],
    area_position: int | None,
    ref: codes.Reference,
) -> Places | None:
    """The areas of the rows, or None when the table has no code column and no level column.

    skip holds the positions of columns mapped to other fields and of the count; area_position
    is the column mapped to the area field, if any. body is positionally indexed.
    """
    columns = []
    level_position = None
    for position, label in enumerate(labels):
        if position in skip and position != area_position:
            continue
        key = label_key(label)
        if key in LEVEL_HEADINGS and level_position is None:
            level_position = position
            continue
        if position == area_position or _tokens(label) & _GEOGRAPHY_WORDS:
            found = _code_column(position, letters[position], label, body[position], ref)
            if found is not None:
                columns.append(found)
    if not columns and level_position is None:
        return None
    index = body.index
    if len(columns) == 1:
        [column] = columns
        own_codes, own_levels, authority = column.codes, column.levels, _blank(index)
        own_letters = _blank(index, column.letter)
    else:
        own_codes, own_levels, own_letters, authority = _combined(columns, index)
    places = Places(own_codes, own_levels, own_letters, authority, code_columns=columns)
    places.used = {c.position for c in columns}
    if level_position is not None:
        positions, uniques = _distinct(body[level_position])
        places.level_values = _spread(positions, [u.strip() for u in uniques])
        words = _spread(positions, [level_word(u) for u in uniques]).astype(object)
        _place_by_name(places, words, labels, letters, body, ref)
        found = places.levels.astype(object)
        # The level column says what each row is; where it names a level its code contradicts, the
        # file is inconsistent, and the row is reported rather than trusted either way.
        # A county council (E10) is one of the "Local authority" rows of DfE and Nomis files.
        agree = (words == found) | ((words == codes.LOCAL_AUTHORITY) & (found == "county"))
        places.conflicts = (found != "") & (words != "") & (words != OTHER) & ~agree
        places.levels = words.where(words != "", found).astype("category")
        places.level_column = letters[level_position]
        places.used.add(level_position)
        places.used |= {p for p, label in enumerate(labels) if p not in skip and _DFE_LOCATION.match(label_key(label))}
    taken = skip | {c.position for c in columns} | ({level_position} if level_position is not None else set())
    for column in columns:
        name_at = _name_column(column, labels, taken)
        if name_at is None:
            continue
        taken.add(name_at)
        places.used.add(name_at)
        first = (column.codes != "") & ~column.codes.duplicated()
        names = body.loc[first, name_at].astype(str).str.strip()
        places.names.update(dict(zip(column.codes[first], names, strict=True)))
    return places


def _place_by_name(
    places: Places, words: pd.Series, labels: list[str], letters: list[str], body: pd.DataFrame, ref: codes.Reference
) -> None:
    """Rows the level column calls local-authority rows whose finest code is a coarser area's (a DfE
    row with new_la_code blank keeps its region_code): placed by their old code or name, or left
    with no code of their own, so that they are never read as their region's rows."""
    lacking = (words == codes.LOCAL_AUTHORITY) & places.levels.astype(object).isin(["", "uk", "country", "region"])
    if not lacking.any():
        return
    found, letter, used, doubtful = authority_names.fill(places.codes, lacking, labels, letters, body, ref)
    got = found != ""
    places.codes = places.codes.astype(object).where(~lacking, found).astype("category")
    levels = places.levels.astype(object).where(~lacking, "")
    places.levels = levels.where(~got, codes.LOCAL_AUTHORITY).astype("category")
    places.letters = places.letters.astype(object).where(~got, letter).astype("category")
    places.used |= used
    places.unplaced = doubtful
