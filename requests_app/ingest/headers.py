"""Header rows and labels: which rows of a sheet form a table's header, and one label per column.

Public-sector spreadsheets put titles and metadata above the header ("Units : Persons"), spread
the header over several rows (a period merged over groups of columns, a measure under it,
inflow/outflow under that) and merge cells over the columns a heading covers. Each column gets
the header cells over it (its label parts) and one label joining them. Where the tables are on
the sheet, and where their bodies end, is layout.py's part.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from .read import RawSheet

HEADER_WINDOW = 200  # non-blank rows searched for the header: titles and notes above it are never longer
LOOKAHEAD = 10  # non-blank rows looked at below a candidate header for the first data row

# A number as written in a table (1,234 / -5 / 12.5 / 7% / 1.2E+05) or a suppression marker (DfE x c z,
# ONS .. and [x], "-", "*", "<5").
NUMBER = r"[-+\u2212]?£?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?%?|[-+]?\.\d+%?|\(\d[\d,]*(?:\.\d+)?\)"
MARKER = r"\[?[xczu]\]?|\[(?:low|[a-z])\]|\.\.?|[-\u2013\u2014*~:]|<\s*\d+(?:\.\d+)?"

_NUMBER = re.compile(NUMBER)
_MARKER = re.compile(MARKER, re.IGNORECASE)
_YEAR = re.compile(r"(?:1[89]|20)\d\d")  # a year is a label over a column as often as it is a value
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
    # Per column, the header cells it was labelled from, top row first ("2024", "Females",
    # "Number"), a merged or grouped heading given to every column under it; labels joins them.
    label_parts: list[tuple[str, ...]] = field(default_factory=list)
    title: str = ""  # the first line above the header, which usually names the table

    def __post_init__(self):
        if len(self.label_parts) != len(self.labels):
            self.label_parts = [(label,) if label else () for label in self.labels]


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


def _filled(column: pd.Series) -> np.ndarray:
    # Decided once per distinct value: a million-row column holds few distinct values.
    positions, uniques = pd.factorize(column)
    return (
        np.array([str(u).strip() != "" for u in uniques], dtype=bool)[positions]
        if len(uniques)
        else np.zeros(len(column), bool)
    )


class SheetRows:
    """The sheet as arrays, with the questions the search for a header asks about its rows."""

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
        # Merged ranges in row positions, cut to the cells read (trailing empty rows are dropped).
        self.merges = []
        for merge in sheet.merged:
            first = int(np.searchsorted(self.rows, merge.first_row))
            last = int(np.searchsorted(self.rows, merge.last_row, side="right")) - 1
            if first < n and merge.first_column < width and first <= last:
                self.merges.append((first, merge.first_column, last, min(merge.last_column, width - 1)))

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

    def header_block(self, start: int) -> tuple[int, int] | None:
        """(first, last) row positions of the first header at or below start: the first row that
        reads as labels and has figures below it in the same columns."""
        for position in self.nonblank[np.searchsorted(self.nonblank, start) :][:HEADER_WINDOW]:
            found = self.header_at(int(position), start)
            if found is not None:
                return found
        return None

    def header_at(self, position: int, floor: int) -> tuple[int, int] | None:
        """(first, last) row positions of a header whose first label row is at position, or None."""
        if not self.is_label_row(position):
            return None
        last = position
        while last + 1 < len(self.values) and self.continues_header(position, last + 1):
            last += 1
        if not self.followed_by_data(position, last):
            return None
        top = position
        covered = np.flatnonzero(self.filled[position : last + 1].any(axis=0))
        # An upper header row (a period over groups of columns) sits directly above and holds
        # only labels; a title sits alone in the first column and is left to the notes, unless
        # it is merged over some of the columns only: then it heads them.
        while (
            top > floor
            and self.counts[top - 1]
            and self.only_labels(top - 1)
            and (
                self.counts[top - 1] >= 2
                or int(np.argmax(self.filled[top - 1])) > covered[0]
                or self.merged_heading(top - 1, int(covered[-1]))
            )
        ):
            top -= 1
        return top, last

    def merged_heading(self, position: int, right: int) -> bool:
        """Is the one cell of the row merged across several columns, ending before the header's
        last column? A title merged across the whole table is not a heading."""
        column = int(np.argmax(self.filled[position]))
        return any(
            first <= position <= final and first_column == column and column < final_column < right
            for first, first_column, final, final_column in self.merges
        )

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
        return self.words_over_figures(position, position)

    def words_over_figures(self, top: int, last: int) -> bool:
        """Do rows top..last put words over columns that hold figures in the rows below?"""
        figures = self.next_figures(last)
        return any(
            kind == TEXT and column in figures
            for position in range(top, last + 1)
            for column, kind in self.kinds(position).items()
        )

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

    # -- the labels -----------------------------------------------------------------------

    def label_parts(self, top: int, last: int, columns: list[int]) -> list[tuple[str, ...]]:
        """The header cells over each column, top to bottom. A merged cell gives its value to
        every cell it covers. Where a row has no merged range, an upper header row's label is
        carried across the blanks to its right (a merge that the file did not record, as in a
        CSV) until a new group starts in a row above; the lowest row names single columns."""
        left, right = columns[0], columns[-1]
        grid = [[collapse(self.values[r, c]) for c in range(left, right + 1)] for r in range(top, last + 1)]
        spread = [row[:] for row in grid]
        merged_rows = set()
        for first, first_column, final, final_column in self.merges:
            if not (top <= first <= last and first_column <= right and final_column >= left):
                continue
            value = collapse(self.values[first, first_column])
            for r in range(first, min(final, last) + 1):
                if final_column > first_column:
                    merged_rows.add(r)
                for c in range(max(first_column, left), min(final_column, right) + 1):
                    spread[r - top][c - left] = value
        for r in range(len(grid) - 1):
            if top + r in merged_rows:
                continue
            carried = ""
            for c in range(len(grid[r])):
                if grid[r][c]:
                    carried = grid[r][c]
                elif any(grid[upper][c] for upper in range(r)):
                    carried = ""  # a new group starts in a row above: the merge ends here
                spread[r][c] = carried
        parts = []
        for c in columns:
            column: list[str] = []
            for row in spread:
                part = row[c - left]
                if part and part.casefold() not in (p.casefold() for p in column):
                    column.append(part)
            parts.append(tuple(column))
        return parts
