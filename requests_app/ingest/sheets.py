"""Which sheets of a workbook, and which tables on them, hold the data asked for.

A workbook often holds more than the return: cover, contents and notes sheets, pivot tables
summarising the data sheet, a second table under the first. Sheets are judged by what is in them
and by their names, never by their position. When several tables could be the return, each is
read as its own table only when that cannot count anyone twice: they have the same columns and
one of those columns tells them apart (different periods, wards, nationalities). Otherwise the
file is refused with the tables named, so the sender can say which one they mean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations

import pandas as pd

from . import periods
from .headers import MARKER, NUMBER, Table
from .layout import Located, locate_tables
from .mapping import Mapping
from .problems import ERROR, WARNING, Problem
from .read import RawSheet, has_data
from .totals import TOTAL_LABELS

NUMERIC_LOOKING = re.compile(rf"(?:{NUMBER}|{MARKER})", re.IGNORECASE)
DATA_NAME = re.compile(r"^\s*(?:data|table|return)\b|\bdata\b|\breturns?\b", re.IGNORECASE)
NOT_DATA_NAME = re.compile(
    r"\b(?:cover|contents?|notes?|metadata|meta data|field ?lists?|list of fields|fields|pivot|charts?|graphs?"
    r"|instructions?|guidance|allowed codes|codes|lookups?|read ?me|readme|about|definitions?|glossary"
    r"|dictionary|validation)\b|^\s*toc\s*$",
    re.IGNORECASE,
)
# A table of notes below the data ("Notes" | "Note number", "Note text") is not data.
NOTES_TITLE = re.compile(r"^\s*(?:notes?|footnotes?|definitions?|glossary)\b", re.IGNORECASE)
NOTES_LABEL = re.compile(r"^\s*(?:notes?|footnotes?)\b", re.IGNORECASE)
SCORED_ROWS = 5000  # enough to tell a data sheet from a cover sheet, quick on a big one
# Fields that split people apart: each person has one period, area, nationality, age band... A
# general heading ("Category", "Service") can hold a different breakdown on each sheet (ages on
# one, sexes on another, the same people both times), so it never tells tables apart.
PARTITIONING = {
    "period",
    "ward",
    "nationality",
    "country-of-birth",
    "main-language",
    "immigration-status",
    "age",
    "gender",
}
GSS_CODE = re.compile(r"^[EKNSW]\d{8}$")


def pick_sheet(sheets: list[RawSheet]) -> tuple[RawSheet | None, list[Problem]]:
    """The visible sheet that most looks like data, judged by what is in it and by its name."""
    candidates = [sheet for sheet in sheets if not sheet.hidden and has_data(sheet.cells)]
    if not candidates:
        message = "No visible sheet in the file has any data in it."
        if any(sheet.hidden and has_data(sheet.cells) for sheet in sheets):
            message += " The data may be on a hidden sheet: unhide it, or copy the data to a visible sheet."
        return None, [Problem("empty-file", ERROR, message)]
    if len(candidates) == 1:
        return candidates[0], []
    return max(candidates, key=sheet_score), []


def sheet_score(sheet: RawSheet) -> float:
    """numeric-looking cells x rows with 3+ filled cells, raised or lowered by the sheet's name."""
    cells = sheet.cells.iloc[:SCORED_ROWS]
    stripped = cells.apply(lambda column: column.str.strip())
    filled = stripped.ne("")
    numeric = stripped.apply(lambda column: column.str.fullmatch(NUMERIC_LOOKING).fillna(False)) & filled
    score = float(numeric.to_numpy().sum()) * float((filled.sum(axis=1) >= 3).sum())
    score += filled.to_numpy().sum() / 1000  # between sheets without numbers, prefer the fuller one
    if set_aside(sheet):
        return score * 0.05
    if DATA_NAME.search(sheet.name):
        return score * 4
    return score


def set_aside(sheet: RawSheet) -> bool:
    """Cover, contents, notes and lookup sheets, and pivot tables (summaries of data held elsewhere)."""
    return sheet.pivot or bool(NOT_DATA_NAME.search(sheet.name))


def data_tables(sheets: list[RawSheet]) -> tuple[list[Located], RawSheet | None, list[Problem]]:
    """The tables that could hold the return, the sheet that most looks like data (to report on
    when no table is found), and the problems met.

    Sheets named as data ("Data - Table 1") are read first; if none holds a table, sheets with
    other names; cover, notes and pivot sheets only when nothing else holds one."""
    best, problems = pick_sheet(sheets)
    if best is None:
        return [], None, problems
    visible = [sheet for sheet in sheets if not sheet.hidden and has_data(sheet.cells)]
    tiers = [
        [s for s in visible if not set_aside(s) and DATA_NAME.search(s.name)],
        [s for s in visible if not set_aside(s) and not DATA_NAME.search(s.name)],
        [s for s in visible if set_aside(s)],
    ]
    for tier in tiers:
        found = [item for sheet in tier for item in locate_tables(sheet)[0] if not _notes_table(item.table)]
        if found:
            return found, best, []
    return [], best, locate_tables(best)[1]


def _notes_table(table: Table) -> bool:
    return bool(NOTES_TITLE.match(table.title) or (table.labels and NOTES_LABEL.match(table.labels[0])))


@dataclass
class Candidate:
    """One table that could be the return, as found and as it will be read."""

    located: Located  # as found on the sheet: named in messages
    table: Table  # as it will be read (periods across the columns turned into rows...)
    column_map: Mapping
    problems: list[Problem]  # its own, from finding and mapping it
    timing: object = None  # period_columns.Timing: which columns give each row's period, and how

    @property
    def fields(self) -> set[str]:
        return set(self.column_map.fields.values())

    def name(self, names: dict[str, str]) -> str:
        """'the sheet "By ward" (rows 3 to 9: Ward)', in words the sender can find."""
        table = self.located.table
        first = table.header_rows[0]
        last = int(table.body.index.max()) if len(table.body) else table.header_rows[-1]
        where = f'the sheet "{table.sheet}"'
        if table.title:
            where = f'the table "{table.title}" on {where}'
        columns = f"{table.letters[0]} to {table.letters[-1]}" if len(table.letters) > 1 else table.letters[0]
        held = ", ".join(sorted(names.get(code, code) for code in self.fields)) or "none of the fields asked for"
        return f"{where} (rows {first} to {last}, columns {columns}: {held})"


_TITLE_BREAKS = re.compile(r"[:;,|()\[\]]| - | \u2013 | \u2014 ")
_AS_AT = re.compile(r"\b(?:as at|as of|at|on|snapshot)$", re.IGNORECASE)
_LONGEST_PERIOD = 6  # words: "year ending 31 March 2024" is five
# A year before one of these words names a set of boundaries ("for 2023 wards"), not a period.
_BOUNDARY_WORDS = {
    "ward",
    "wards",
    "lsoa",
    "lsoas",
    "msoa",
    "msoas",
    "boundary",
    "boundaries",
    "lad",
    "lads",
    "geography",
}


def title_period(title: str) -> tuple[str, bool] | None:
    """The one period a title names ("Table 2: Quarter ending June 2024" -> "Quarter ending June
    2024") and whether it says the counts were taken on that day ("... as at 31 March 2024");
    None when it names none, or two that are not one inside the other."""
    found: list[tuple[int, int, int, str, bool]] = []  # (segment, first word, last word, text, as at)
    for index, segment in enumerate(_TITLE_BREAKS.split(title)):
        words = segment.split()
        windows = [
            (first, last)
            for first in range(len(words))
            for last in range(first + 1, min(len(words), first + _LONGEST_PERIOD) + 1)
            if last == len(words) or words[last].casefold() not in _BOUNDARY_WORDS
        ]
        if not windows:
            continue
        texts = [" ".join(words[a:b]) for a, b in windows]
        spans = periods.parse_periods(pd.Series(texts))
        for (first, last), text, start in zip(windows, texts, spans["start"], strict=True):
            if not pd.isna(start):
                found.append((index, first, last, text, bool(_AS_AT.search(" ".join(words[:first])))))
    if not found:
        return None
    longest = max(found, key=lambda f: f[2] - f[1])
    inside = all(f[0] == longest[0] and longest[1] <= f[1] and f[2] <= longest[2] for f in found)
    return (longest[3], longest[4]) if inside else None


def named_period(table: Table, label: str, from_title: bool) -> tuple[Table, Problem] | None:
    """The table with a period column taken from its title ("Table 2: Quarter ending June 2024")
    when from_title (the period was asked for), or else its sheet's name ("2024 Q3"), and a note
    saying so; None when neither names one period."""
    titled = title_period(table.title) if table.title and from_title else None
    if titled is not None:
        name, as_at = titled
        heading = f"{label} (as at)" if as_at else label
        where = f'the table\'s title "{table.title}"'
    else:
        name, heading = table.sheet.strip(), label
        if periods.parse_periods(pd.Series([name]))["start"].isna().all():
            return None
        where = f'the sheet\'s name "{name}"'
    body = table.body.copy()
    body[len(table.labels)] = name
    named = Table(
        table.sheet,
        table.header_rows,
        [*table.labels, heading],
        [*table.letters, ""],
        body,
        table.notes,
        [*table.label_parts, (heading,)],
        table.title,
    )
    said = Problem(
        "missing-label",
        WARNING,
        f'No column of the table on the sheet "{table.sheet}" gives the period, so {where} gave it: "{name}" was '
        f"taken as the period of every row. If that is wrong, add a {label} column.",
        sheet=table.sheet,
        row=table.header_rows[0] if table.header_rows else None,
        value="period",
    )
    return named, said


def choose(
    candidates: list[Candidate], requested: list[str], names: dict[str, str]
) -> tuple[list[Candidate], list[Problem]]:
    """The tables to read as the return, and what was decided about the others. An empty list
    means the file is refused: the problems say which table to send."""
    if len(candidates) == 1:
        return candidates, []
    wanted = set(requested)
    fits = [c for c in candidates if c.column_map.count is not None and wanted <= c.fields]
    if len(fits) == 1:
        return fits, _left_out(fits, candidates, names, "it does not have all the columns asked for")
    if not fits:
        partial = [c for c in candidates if c.column_map.count is not None and (c.fields & wanted or not wanted)]
        if len(partial) > 1:
            return [], [_refusal(partial, names, _no_table_has(wanted, names))]
        best = partial[0] if partial else max(candidates, key=lambda c: len(c.fields & wanted))
        return [best], _left_out([best], candidates, names, "it does not have the columns asked for either")
    if len({frozenset(c.fields) for c in fits}) > 1:
        return [], [_refusal(fits, names, _different_cuts())]
    apart = _telling_apart(fits)
    if apart is None:
        return [], [_refusal(fits, names, _overlapping())]
    listed = "; ".join(c.name(names) for c in fits)
    message = (
        f"The file holds {len(fits)} tables with the same columns: {listed}. No two of them share a value in "
        f'the column "{apart}", so they count different rows: each was read as its own table and their rows '
        "were stored together."
    )
    return fits, [Problem("several-tables", WARNING, message)] + _left_out(fits, candidates, names, "")


def _telling_apart(tables: list[Candidate]) -> str | None:
    """The heading of a column that shows the tables count different people, or None."""
    for code in sorted(set.intersection(*(c.fields for c in tables)) & PARTITIONING):
        if _apart(code, [_values(candidate, code) for candidate in tables]):
            first = tables[0]
            return first.table.labels[next(p for p, c in first.column_map.fields.items() if c == code)]
    return None


def _values(candidate: Candidate, code: str) -> set[str]:
    """The distinct values of a field in a table, blanks and totals left aside."""
    position = next(p for p, c in candidate.column_map.fields.items() if c == code)
    values = {str(v).strip() for v in candidate.table.body[position].unique()}
    return {v for v in values if v and v.casefold() not in TOTAL_LABELS}


def _apart(code: str, values: list[set[str]]) -> bool:
    """Do no two tables share a value? Periods must not overlap at all (a year and its quarters
    count the same people), and areas must be of one level (wards on every sheet, not wards on
    one and the council's total on another)."""
    if not all(values):
        return False
    if code == "period":
        spans = [periods.parse_periods(pd.Series(sorted(found))) for found in values]
        if any(span["start"].isna().any() for span in spans):
            return False
        return not any(_meet(a, b) for a, b in combinations(spans, 2))
    if code == "ward":
        if not all(GSS_CODE.match(value) for found in values for value in found):
            return False
        if len({frozenset(value[:3] for value in found) for found in values}) > 1:
            return False
    keys = [{value.casefold() for value in found} for found in values]
    return not any(a & b for a, b in combinations(keys, 2))


def _meet(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Does any span of a overlap any span of b?"""
    a_start, a_end = a["start"].to_numpy()[:, None], a["end"].to_numpy()[:, None]
    return bool(((a_start <= b["end"].to_numpy()) & (b["start"].to_numpy() <= a_end)).any())


def _left_out(chosen: list[Candidate], candidates: list[Candidate], names: dict[str, str], why: str) -> list[Problem]:
    reason = f": {why}" if why else ""
    problems = []
    for candidate in candidates:
        if candidate in chosen:
            continue
        table, named = candidate.located.table, candidate.name(names)
        problems.append(
            Problem(
                "several-tables",
                WARNING,
                f"{named[:1].upper()}{named[1:]} was not read{reason}. If it is part of the return, send it on "
                "its own or in the same table as the rest.",
                sheet=table.sheet,
                row=table.header_rows[0],
            )
        )
    return problems


def _refusal(tables: list[Candidate], names: dict[str, str], why: str) -> Problem:
    listed = "; ".join(c.name(names) for c in tables)
    return Problem("several-tables", ERROR, f"The file holds {len(tables)} tables: {listed}. {why}")


def _no_table_has(wanted: set[str], names: dict[str, str]) -> str:
    asked = ", ".join(sorted(names.get(code, code) for code in wanted)) or "a count"
    return (
        f"No one of them has all of {asked}, and they may count the same people broken down in different ways, "
        "so they cannot be added together. Nothing was stored. Send one table with a column for each of "
        f"{asked} and a count on each row, or only the table you mean to return."
    )


def _different_cuts() -> str:
    return (
        "Each has the columns asked for but they are laid out differently, so they may count the same people "
        "broken down in different ways and cannot be added together. Nothing was stored. Send only the table "
        "you mean to return (delete or move the others), or put all the rows in one table."
    )


def _overlapping() -> str:
    return (
        "They have the same columns, and no column tells them apart (such as a different period or area on each), "
        "so adding them could count the same people twice. Nothing was stored. Send only the table you mean to "
        "return, or put them in one table with a column saying what each row is (for example its period)."
    )
