"""Find the table on a sheet: its header row(s), its data rows, and the notes around it.

Public-sector spreadsheets put titles and metadata above the header ("Units : Persons"), spread
the header over several rows (a period merged over groups of columns, a measure under it,
inflow/outflow under that), separate groups of rows with blank rows, and end with "End of table"
and footnotes. This module turns that into one flat label per column and a body of text cells,
still indexed by the row numbers the sender sees.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from .problems import ERROR, Problem, column_letter
from .read import MARKER, NUMBER, RawSheet

HEADER_WINDOW = 200  # non-blank rows searched for the header: titles and notes above it are never longer
LOOKAHEAD = 10  # non-blank rows looked at below a candidate header for the first data row

_NUMBER = re.compile(NUMBER)
_MARKER = re.compile(MARKER, re.IGNORECASE)
_YEAR = re.compile(r"(?:1[89]|20)\d\d")  # a year is a label over a column as often as it is a value
_END_OF_TABLE = re.compile(r"^\s*end of table", re.IGNORECASE)
_NOTE_WORD = re.compile(r"^(?:notes?\b|sources?\b|footnotes?\b|copyright\b|©|\[note\b)", re.IGNORECASE)
_NOTE_MARK = re.compile(r"^(?:\*|\d+\s*[.)](?:\s|$)|\(\d+\))")

TEXT, YEAR, NUMBER_KIND, MARKER_KIND = "text", "year", "number", "marker"
FIGURES = (NUMBER_KIND, MARKER_KIND, YEAR)  # what a data row holds under its header


@dataclass
class Table:
    sheet: str
    header_rows: list[int]  # spreadsheet row numbers that formed the header
    labels: list[str]  # one flattened label per kept column, whitespace collapsed
    letters: list[str]  # the spreadsheet column letter of each kept column
    body: pd.DataFrame  # str cells; columns 0..len(labels)-1; index = spreadsheet row numbers of data rows
    notes: list[str] = field(default_factory=list)  # text above the header and below the table


def collapse(text: str) -> str:
    """Runs of whitespace (newlines, tabs, non-breaking spaces) to one space, ends trimmed."""
    return " ".join(text.split())


@lru_cache(maxsize=65_536)
def cell_kind(value: str) -> str | None:
    """None for an empty cell, else text, year, number or marker (a suppression sign like x or ..)."""
    value = value.strip()
    if not value:
        return None
    if _YEAR.fullmatch(value):
        return YEAR
    if _NUMBER.fullmatch(value):
        return NUMBER_KIND
    if _MARKER.fullmatch(value):
        return MARKER_KIND
    return TEXT


def locate_table(sheet: RawSheet) -> tuple[Table | None, list[Problem]]:
    finder = _Finder(sheet)
    found = finder.header_block()
    if found is None:
        return None, [
            Problem(
                "empty-file",
                ERROR,
                f'Could not find a header row on the sheet "{sheet.name}". Put the column headings in one row '
                "directly above the data, with the data below them.",
                sheet=sheet.name,
            )
        ]
    top, last = found
    return finder.table(top, last)


def _filled(column: pd.Series) -> np.ndarray:
    # Decided once per distinct value: a million-row column holds few distinct values.
    positions, uniques = pd.factorize(column)
    return (
        np.array([str(u).strip() != "" for u in uniques], dtype=bool)[positions]
        if len(uniques)
        else np.zeros(len(column), bool)
    )


class _Finder:
    """The sheet as arrays, with the questions the search asks about its rows."""

    def __init__(self, sheet: RawSheet):
        self.sheet = sheet
        self.cells = sheet.cells
        self.values = sheet.cells.to_numpy(dtype=object)
        self.rows = sheet.cells.index.to_numpy()
        n, width = self.values.shape
        if n and width:
            # Whitespace-only cells (often a stray space or a non-breaking space) count as empty.
            self.filled = np.column_stack([_filled(column) for _, column in sheet.cells.items()])
        else:
            self.filled = np.zeros((n, width), dtype=bool)
        self.counts = self.filled.sum(axis=1)
        self.nonblank = np.flatnonzero(self.counts)

    # -- looking at one row ---------------------------------------------------------------

    def kinds(self, position: int) -> dict[int, str]:
        """Column -> kind for the filled cells of a row."""
        return {int(c): cell_kind(self.values[position, c]) for c in np.flatnonzero(self.filled[position])}

    def first_value(self, position: int) -> str:
        return self.values[position, int(np.argmax(self.filled[position]))].strip()

    def is_metadata(self, position: int) -> bool:
        """A "Units :", "Persons" line (Nomis, Stat-Xplore): a name ending in a colon, then its value."""
        return self.counts[position] <= 3 and self.first_value(position).endswith(":")

    def is_label_row(self, position: int) -> bool:
        """Could be the header: 2+ filled cells, mostly words (years allowed), not a metadata line."""
        if self.counts[position] < 2 or self.is_metadata(position):
            return False
        kinds = Counter(self.kinds(position).values())
        return kinds[TEXT] >= 1 and (kinds[TEXT] + kinds[YEAR]) * 2 > self.counts[position]

    def only_labels(self, position: int) -> bool:
        return not self.is_metadata(position) and set(self.kinds(position).values()) <= {TEXT, YEAR}

    def is_note_line(self, position: int) -> bool:
        """A footnote, source or copyright line below the table."""
        if not self.counts[position]:
            return False
        first = self.first_value(position)
        if self.counts[position] == 1:
            return bool(_NOTE_WORD.match(first) or _NOTE_MARK.match(first))
        # "Source:" | "DfE school census", or Stat-Xplore's closing "Data:" | "Figures are rounded"
        # lines: a note spread over cells, with no figures in it.
        return (bool(_NOTE_WORD.match(first)) or self.is_metadata(position)) and set(self.kinds(position).values()) <= {
            TEXT,
            YEAR,
        }

    # -- the header -----------------------------------------------------------------------

    def header_block(self) -> tuple[int, int] | None:
        """(first, last) row positions of the header, scanning from the top for the first row that
        reads as labels and has figures below it in the same columns."""
        for position in self.nonblank[:HEADER_WINDOW]:
            position = int(position)
            if not self.is_label_row(position):
                continue
            last = position
            while last + 1 < len(self.values) and self.continues_header(position, last + 1):
                last += 1
            if not self.followed_by_data(position, last):
                continue
            top = position
            first_column = int(np.flatnonzero(self.filled[position : last + 1].any(axis=0))[0])
            # An upper header row (a period over groups of columns) sits directly above and holds
            # only labels; a title sits alone in the first column and is left to the notes.
            while (
                top > 0
                and self.counts[top - 1]
                and self.only_labels(top - 1)
                and (self.counts[top - 1] >= 2 or int(np.argmax(self.filled[top - 1])) > first_column)
            ):
                top -= 1
            return top, last
        return None

    def continues_header(self, top: int, position: int) -> bool:
        """Is the row directly below the header rows top..position-1 a lower header row?

        It must hold only labels, and either fill columns the rows above left blank (inflow /
        outflow under a merged measure, "Area code" at the foot of its column) or put words over
        the figures ("Number" under "Males"). A data row whose count is missing ("E05000001",
        "Adur", "") does neither: its words sit over the codes and names of the rows below."""
        if not self.counts[position] or not self.only_labels(position):
            return False
        if (self.filled[position] & ~self.filled[top:position].any(axis=0)).any():
            return True
        figures = self.next_figures(position)
        return any(kind == TEXT and column in figures for column, kind in self.kinds(position).items())

    def next_figures(self, position: int) -> set[int]:
        """The columns holding figures in the first row below position that has any."""
        below = self.nonblank[np.searchsorted(self.nonblank, position + 1) :][:LOOKAHEAD]
        for row in below:
            columns = {column for column, kind in self.kinds(int(row)).items() if kind in FIGURES}
            if columns:
                return columns
        return set()

    def followed_by_data(self, top: int, last: int) -> bool:
        """Do figures follow, in columns the header covers, before anything that reads as a
        better header (a row of labels at least as full as the header)?"""
        covered = np.flatnonzero(self.filled[top : last + 1].any(axis=0))
        left, right = covered[0], covered[-1]
        widest = int(self.counts[top : last + 1].max())
        below = self.nonblank[np.searchsorted(self.nonblank, last + 1) :][:LOOKAHEAD]
        for position in below:
            position = int(position)
            if self.counts[position] < 2:
                continue  # a group label ("England") between the header and the figures
            if any(left <= column <= right and kind in FIGURES for column, kind in self.kinds(position).items()):
                return True
            if self.counts[position] >= widest and self.is_label_row(position):
                return False  # the candidate was a title line, this is the header
            # else a data row whose figures are missing: look further down
        return False

    def labels(self, top: int, last: int, columns: np.ndarray) -> list[str]:
        """One label per column: upper header rows forward-filled across the columns they were
        merged over, then the parts joined top to bottom."""
        left, right = int(columns[0]), int(columns[-1])
        grid = [[collapse(self.values[r, c]) for c in range(left, right + 1)] for r in range(top, last + 1)]
        filled_grid = [row[:] for row in grid]
        for r in range(len(grid) - 1):  # the lowest header row names single columns: never filled
            carried = ""
            for c in range(len(grid[r])):
                if grid[r][c]:
                    carried = grid[r][c]
                elif any(grid[upper][c] for upper in range(r)):
                    carried = ""  # a new group starts in a row above: the merge ends here
                filled_grid[r][c] = carried
        labels = []
        for c in columns:
            parts: list[str] = []
            for row in filled_grid:
                part = row[int(c) - left]
                if part and part.casefold() not in (p.casefold() for p in parts):
                    parts.append(part)
            labels.append(" ".join(parts))
        return labels

    # -- the body and the notes -----------------------------------------------------------

    def row_text(self, position: int) -> str:
        return " ".join(collapse(self.values[position, c]) for c in np.flatnonzero(self.filled[position]))

    def end_of_table(self, start: int) -> int:
        """Position of the "End of table" line at or after start, else the number of rows."""
        rows = np.flatnonzero(self.counts[start:]) + start
        if not len(rows):
            return len(self.values)
        firsts = pd.Series(self.values[rows, np.argmax(self.filled[rows], axis=1)], dtype=object)
        hits = np.flatnonzero(firsts.str.match(_END_OF_TABLE).fillna(False).to_numpy(dtype=bool))
        return int(rows[hits[0]]) if len(hits) else len(self.values)

    def notes_start(self, start: int, end: int) -> int:
        """Where the trailing notes begin in rows start..end-1 (end when there are none).

        The table closes with a run of blank, one-cell and note lines; the notes begin at the first
        blank or note line of that run. One-cell lines before it stay data (a last "Total" or
        group label); one-cell lines after a blank are sentences such as Nomis's disclosure
        notice, since a group label with no rows under it would carry nothing."""
        position = end
        while position > start and (self.counts[position - 1] <= 1 or self.is_note_line(position - 1)):
            position -= 1
        for p in range(position, end):
            if self.counts[p] == 0 or self.is_note_line(p):
                return p
        return end

    def table(self, top: int, last: int) -> tuple[Table, list[Problem]]:
        name = self.sheet.name
        end = self.end_of_table(last + 1)
        cut = self.notes_start(last + 1, end)
        body_positions = np.flatnonzero(self.counts[last + 1 : cut]) + last + 1

        notes = [self.row_text(p) for p in range(top) if self.counts[p]]
        notes += [self.row_text(p) for p in range(cut, len(self.values)) if self.counts[p] and p != end]

        in_body = self.filled[last + 1 : cut].any(axis=0)
        columns = np.flatnonzero(self.filled[top : last + 1].any(axis=0) | in_body)
        labels = self.labels(top, last, columns)
        kept = [(int(c), label) for c, label in zip(columns, labels) if label or in_body[c]]

        header_row = int(self.rows[last])
        problems = []
        seen: dict[str, str] = {}
        for c, label in kept:
            letter = column_letter(c)
            if not label:
                problems.append(
                    Problem(
                        "blank-header",
                        ERROR,
                        f"Column {letter} has data but no heading in row {header_row}; give this column a "
                        "heading such as the field name.",
                        sheet=name,
                        row=header_row,
                        column=letter,
                    )
                )
            elif label.casefold() in seen:
                problems.append(
                    Problem(
                        "duplicate-label",
                        ERROR,
                        f'The heading "{label}" in column {letter} is the same as in column '
                        f"{seen[label.casefold()]}; give each column its own heading.",
                        sheet=name,
                        row=header_row,
                        column=letter,
                        value=label,
                    )
                )
            else:
                seen[label.casefold()] = letter

        body = self.cells.iloc[body_positions, [c for c, _ in kept]]
        body.columns = range(len(kept))
        return Table(
            sheet=name,
            header_rows=[int(r) for r in self.rows[top : last + 1]],
            labels=[label for _, label in kept],
            letters=[column_letter(c) for c, _ in kept],
            body=body,
            notes=notes,
        ), problems
