"""What a publisher's own conventions mean for a downloaded public table, before the returns
pipeline reads it. Pure: sheets of text in, sheets of text and what was found out.

Public tables print things beside their counts that are not counts: confidence intervals, net
balances (immigration minus emigration, which can be negative), a status column saying which
estimates are provisional, and a statement of the unit (persons, or thousands of persons). The
intervals and balances are set aside, never stored; the unit and the provisional marks are kept
with the release.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from requests_app.ingest.declared import Declared, from_notes
from requests_app.ingest.problems import ERROR, WARNING, Problem
from requests_app.ingest.read import Merge, RawSheet

PERSONS, THOUSANDS = "persons", "thousands"
FACTORS = {PERSONS: 1, THOUSANDS: 1000}

_INTERVAL = re.compile(
    r"confidence interval|confidence limit|\bci\b|\+/-|\u00b1|margin of error|standard error|"
    r"^(?:lower|upper)$|\b(?:lower|upper)\s+(?:bound|limit|ci|estimate|95)|\b9[05] ?%"
)
_BALANCE = re.compile(r"^net\b|\bnet (?:migration|flow|change|international|internal)|\bbalance\b")
_STATUS_HEADING = re.compile(
    r"^(?:status|estimate status|data status|estimate type|revision status|status of estimate)$"
)
_STATUS_VALUES = {"provisional", "updated", "final", "revised", "p", "r", "not provisional", "finalised"}
_PROVISIONAL_VALUES = {"provisional", "p"}
_PROVISIONAL_NOTE = re.compile(r"\bprovisional\b")
_IN_THOUSANDS = re.compile(
    r"\bunits?\s*:?\s*thousands\b|\bin thousands\b|\(thousands\)|\bthousands\)|\(000s?\)|\b000s\b|'000|"
    r"\bthousands of (?:people|persons|residents)\b|^thousands$"
)
_IN_PERSONS = re.compile(r"\bunits?\s*:?\s*(?:persons|people|number|count|households|residents)\b")
# A column holding one selection on every row ("Rural Urban: Total") says what the table was
# filtered to; its "Total" does not make every row a total.
_FILTER_VALUES = {"total", "all", "all persons", "all usual residents", "all categories"}
_NUMBER = re.compile(r"^-?[\d,]*\.?\d+$")
# Header lines sit above the first rows of figures; a heading is looked for there only.
HEAD_ROWS = 40
HEADING_WORDS = 6


@dataclass(frozen=True)
class Publication:
    """What a public table says about its own figures."""

    unit: str = ""  # PERSONS, THOUSANDS, or "" when the file does not say
    provisional: bool = False  # some or all of its estimates are marked provisional
    provisional_rows: int = 0  # rows a status column marks provisional
    intervals: list[str] = field(default_factory=list)  # interval headings set aside
    balances: list[str] = field(default_factory=list)  # net balance headings or labels set aside
    declared: Declared = Declared()  # the publisher's rounding, noise and suppression

    @property
    def factor(self) -> int:
        return FACTORS.get(self.unit, 1)

    def as_dict(self) -> dict:
        return {
            "unit": self.unit or "not stated",
            "provisional": self.provisional,
            "provisional_rows": self.provisional_rows,
            "intervals_set_aside": self.intervals,
            "balances_set_aside": self.balances,
            "rounding": self.declared.rounding,
            "random_rounding": self.declared.random_rounding,
            "noise": self.declared.noise,
            "suppression_threshold": self.declared.threshold,
        }


def prepare(
    sheets: list[RawSheet], *, expected_unit: str = PERSONS, measure: str = ""
) -> tuple[list[RawSheet], Publication, list[Problem]]:
    """The sheets without their intervals, balances and status columns, what they say of their
    figures, and the problems: a table from a source printed in thousands must say its unit. A
    table holding several measures (the LAMI workbook's population, inflows and outflows) is read
    for the one measure named, whose words its columns' headings must all hold."""
    texts = [line for sheet in sheets if not sheet.hidden for line in _row_texts(sheet.cells)]
    unit = _unit(texts)
    problems: list[Problem] = []
    if not unit and expected_unit == THOUSANDS:
        problems.append(
            Problem(
                "unit-unknown",
                ERROR,
                "This source publishes its figures in thousands, but the file does not say what unit its "
                "figures are in, so they cannot be stored as numbers of people. Download the table again "
                "with its title and notes (the line saying 'thousands' or 'Units'), or add a line saying "
                "'Figures are in thousands'.",
            )
        )
    prepared, intervals, balances, provisional_rows = [], [], [], 0
    for sheet in sheets:
        cells, merged = sheet.cells, list(sheet.merged)
        drop, statuses = _columns_to_drop(cells, intervals, balances)
        for column in statuses:
            values = _body_values(cells[column])
            provisional_rows += int(values.isin(_PROVISIONAL_VALUES).sum())
        if measure:
            drop |= _other_measures(cells, merged, measure)
        cells, merged = _without_columns(cells, merged, drop | statuses)
        cells = _without_balance_rows(cells, balances)
        prepared.append(RawSheet(sheet.name, sheet.hidden, cells, merged, sheet.pivot))
    for what, found in (("confidence interval", intervals), ("net balance", balances)):
        if found:
            problems.append(
                Problem(
                    "set-aside",
                    WARNING,
                    f"{_listed(found)}: a {what}, not a count of people, so it is not stored. "
                    + (
                        "A balance is worked out from the counts in and out when it is needed."
                        if what == "net balance"
                        else "The estimate it goes with is stored as published."
                    ),
                )
            )
    provisional = bool(provisional_rows) or any(_PROVISIONAL_NOTE.search(t) and len(t.split()) > 3 for t in texts)
    publication = Publication(
        unit=unit,
        provisional=provisional,
        provisional_rows=provisional_rows,
        intervals=intervals,
        balances=balances,
        declared=from_notes(texts),
    )
    return prepared, publication, problems


def scaled(observations: pd.DataFrame, publication: Publication) -> pd.DataFrame:
    """Counts as numbers of people: a table in thousands is multiplied out, its unit kept."""
    if publication.factor == 1 or observations.empty:
        return observations
    out = observations.copy()
    out["count"] = (out["count"].astype("Int64") * publication.factor).astype("Int64")
    return out


def _row_texts(cells: pd.DataFrame) -> list[str]:
    """Each row's words in one line, lower case, for the statements a file makes about itself."""
    lines = []
    for row in cells.itertuples(index=False, name=None):
        words = " ".join(" ".join(str(c).split()) for c in row if str(c).strip() and not _NUMBER.match(str(c).strip()))
        if words:
            lines.append(words.casefold())
    return lines


def _unit(texts: list[str]) -> str:
    if any(_IN_THOUSANDS.search(t) for t in texts):
        return THOUSANDS
    if any(_IN_PERSONS.search(t) for t in texts):
        return PERSONS
    return ""


def _columns_to_drop(cells: pd.DataFrame, intervals: list[str], balances: list[str]) -> tuple[set[int], set[int]]:
    """Columns whose heading (above the first row of figures) names an interval or a balance, and
    status columns whose every value is an estimate's status."""
    drop: set[int] = set()
    statuses: set[int] = set()
    start = _body_start(cells)
    for column in cells.columns:
        heading = _heading(cells[column], start)
        if not heading:
            continue
        key = heading.casefold()
        if _INTERVAL.search(key):
            drop.add(column)
            intervals.append(heading)
        elif _BALANCE.search(key):
            drop.add(column)
            balances.append(heading)
        elif _STATUS_HEADING.match(key):
            values = _body_values(cells[column])
            if len(values) and values.isin(_STATUS_VALUES).all():
                statuses.add(column)
        elif _is_filter(cells[column], start):
            drop.add(column)
    return drop, statuses


def _other_measures(cells: pd.DataFrame, merged: list[Merge], measure: str) -> set[int]:
    """The figure columns whose headings (merged headings spread over their columns) lack a word
    of the measure asked for; columns of labels are kept."""
    start = _body_start(cells)
    above = cells[cells.index < start].copy()
    for m in merged:
        if m.first_row < start and m.first_row in above.index:
            value = above.at[m.first_row, m.first_column]
            for column in range(m.first_column + 1, m.last_column + 1):
                above.at[m.first_row, column] = value
    wanted = set(_words(measure))
    body = cells[cells.index >= start]
    drop = set()
    for column in cells.columns:
        has_figures = body[column].str.strip().str.match(_NUMBER.pattern).any()
        if has_figures and not wanted <= set(_words(" ".join(above[column]))):
            drop.add(column)
    return drop


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.casefold())


def _is_filter(column: pd.Series, start: int) -> bool:
    body = column[column.index >= start].map(lambda v: " ".join(str(v).split()).casefold())
    body = body[body != ""]
    return len(body) > 1 and body.nunique() == 1 and body.iloc[0] in _FILTER_VALUES


def _body_start(cells: pd.DataFrame) -> int:
    """The first row of figures: a row filled at least half across that holds a number (a
    metadata line such as "Date :", "2011" is narrower)."""
    if cells.empty:
        return 0
    filled = cells.apply(lambda column: column.str.strip() != "").sum(axis=1)
    numeric = cells.apply(lambda column: column.str.strip().str.match(_NUMBER.pattern)).any(axis=1)
    wide = filled >= max(2, len(cells.columns) / 2)
    found = cells.index[(wide & numeric).to_numpy()]
    return int(found[0]) if len(found) else int(cells.index[-1]) + 1


def _heading(column: pd.Series, start: int) -> str:
    """The words above the table's first row of figures (or this column's first figure)."""
    words = []
    for row, text in column.head(HEAD_ROWS).items():
        text = " ".join(str(text).split())
        if row >= start or _NUMBER.match(text):
            break
        # Titles and notes are sentences in the first column, not headings.
        if text and len(text.split()) <= HEADING_WORDS:
            words.append(text)
    return " ".join(words[-2:])


def _body_values(column: pd.Series) -> pd.Series:
    values = column.map(lambda v: " ".join(str(v).split()).casefold())
    heading_at = next((i for i, v in enumerate(values) if _STATUS_HEADING.match(v)), None)
    body = values.iloc[heading_at + 1 :] if heading_at is not None else values
    return body[body != ""]


def _without_columns(cells: pd.DataFrame, merged: list[Merge], drop: set[int]) -> tuple[pd.DataFrame, list[Merge]]:
    if not drop:
        return cells, merged
    kept = [c for c in cells.columns if c not in drop]
    position = {old: new for new, old in enumerate(kept)}
    out = cells[kept].copy()
    out.columns = range(len(kept))
    moved = []
    for m in merged:
        inside = [c for c in range(m.first_column, m.last_column + 1) if c in position]
        if inside:
            # A merged heading's text sits in its first cell: it moves to the first column kept.
            for row in range(m.first_row, m.last_row + 1):
                if row in out.index:
                    out.at[row, position[inside[0]]] = cells.at[row, m.first_column]
            moved.append(Merge(m.first_row, position[inside[0]], m.last_row, position[inside[-1]]))
    return out, moved


def _without_balance_rows(cells: pd.DataFrame, balances: list[str]) -> pd.DataFrame:
    """Rows labelled as a balance ("Net migration" down a Flow column) are not counts."""
    if cells.empty:
        return cells
    labels = cells.apply(lambda column: column.map(lambda v: " ".join(str(v).split()).casefold()))
    is_balance = labels.apply(lambda column: column.map(lambda v: bool(v) and bool(_BALANCE.search(v)) and len(v) < 40))
    rows = is_balance.any(axis=1)
    # A title or note mentioning net migration is a sentence, not a row label of a table.
    rows &= labels.apply(lambda row: sum(bool(v) for v in row), axis=1) > 1
    if not rows.any():
        return cells
    found = {value for row in rows[rows].index for value in labels.loc[row][is_balance.loc[row]]}
    balances.extend(f"{label[:1].upper()}{label[1:]} (rows)" for label in sorted(found))
    return cells[~rows]


def _listed(items: list[str]) -> str:
    quoted = [f"'{item}'" for item in dict.fromkeys(items)]
    return ", ".join(quoted[:-1]) + (" and " if len(quoted) > 1 else "") + quoted[-1]
