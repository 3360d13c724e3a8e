"""Where the tables are on a sheet: their header rows, data rows, and the notes around them.

Sheets separate groups of rows with blank rows, and end with "End of table" and footnotes. Some
put a second table below the first (after a blank row or a new title) or beside it (after a
blank column). Each table becomes a headers.Table: one label per column (and the parts it was
built from) and a body of text cells, still indexed by the row numbers the sender sees.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

import numpy as np
import pandas as pd

from .headers import FIGURES, NUMBER_KIND, TEXT, YEAR, SheetRows, Table, cell_kind, collapse
from .problems import ERROR, Problem, column_letter
from .read import RawSheet

SAMPLED = 50  # body rows looked at to tell a table's own labels from a block of figures
_END_OF_TABLE = re.compile(r"^\s*end of table", re.IGNORECASE)


class Located(NamedTuple):
    table: Table
    problems: list[Problem]  # the table's own: columns without a heading, headings used twice


def locate_tables(sheet: RawSheet) -> tuple[list[Located], list[Problem]]:
    """Every table on the sheet, top to bottom and left to right; a problem when there is none."""
    finder = _Finder(sheet)
    regions = []
    found = finder.header_block(0)
    start = 0
    while found is not None:
        top, last = found
        end = finder.end_of_table(last + 1)
        following = finder.next_header(top, last, end)
        if following is None and end < len(finder.values):
            after = finder.header_block(end + 1)
            following = (end + 1, *after) if after else None
        stop = following[0] if following else len(finder.values)
        regions.append((start, top, last, min(end, stop), stop))
        start, found = (following[0], following[1:]) if following else (0, None)
    located = [table for region in regions for table in finder.tables(*region)]
    if located:
        return located, []
    return [], [
        Problem(
            "empty-file",
            ERROR,
            f'Could not find a header row on the sheet "{sheet.name}". Put the column headings in one row '
            "directly above the data, with the data below them.",
            sheet=sheet.name,
        )
    ]


class _Finder(SheetRows):
    """The questions asked about the rows below a header: where the body ends, where another
    table starts, what is beside it."""

    # -- another table below --------------------------------------------------------------

    def next_header(self, top: int, last: int, end: int) -> tuple[int, int, int] | None:
        """(start of its title, first, last header row) of another table below the header
        top..last and above end, or None.

        Another table starts with a header after a blank row or a title line, whose words sit
        over figures in the rows below it and are not values of the table above; or with the
        same header again (two extracts pasted one under the other)."""
        positions = np.arange(last + 1, end)
        if not len(positions):
            return None
        after_gap = (self.counts[last + 1 : end] >= 2) & (self.counts[last : end - 1] <= 1)
        # The same header again: one column is compared over all rows, the rest on its matches.
        columns = np.flatnonzero(self.filled[last])
        matches = positions[self.values[last + 1 : end, columns[0]] == self.values[last, columns[0]]]
        repeated = {int(p) for p in matches if (self.values[p, columns] == self.values[last, columns]).all()}
        for position in sorted(set(positions[after_gap].tolist()) | repeated):
            found = self.header_at(position, last + 1)
            if found is None:
                continue
            new_top, new_last = found
            if position in repeated or (
                self.words_over_figures(new_top, new_last) and not self.seen_above(position, last)
            ):
                return self.title_start(new_top, last), new_top, new_last
        return None

    def seen_above(self, position: int, last: int) -> bool:
        """Does a word of row position appear in the same column among the rows last..position?
        Then the row is data (a count given as "n/a" after a blank row), not a new header."""
        for column, kind in self.kinds(position).items():
            if kind == TEXT and (self.values[last + 1 : position, column] == self.values[position, column]).any():
                return True
        return False

    def title_start(self, top: int, floor: int) -> int:
        """Where the title lines of the table whose header starts at top begin: the one-cell
        lines above it, after the first blank line below the table above (lines before that
        blank are that table's footnotes)."""
        position = top
        while position - 1 > floor and self.counts[position - 1] <= 1:
            position -= 1
        blanks = [p for p in range(position, top) if not self.counts[p]]
        return blanks[0] + 1 if blanks else position

    # -- the body and the notes -----------------------------------------------------------

    def row_text(self, position: int) -> str:
        return " ".join(collapse(self.values[position, c]) for c in np.flatnonzero(self.filled[position]))

    def end_of_table(self, start: int) -> int:
        """Position of the "End of table" line at or after start, else the number of rows."""
        rows = np.flatnonzero(self.counts[start:]) + start
        if not len(rows):
            return len(self.values)
        # Matched once per distinct first cell: a million rows hold few.
        positions, firsts = pd.factorize(self.values[rows, np.argmax(self.filled[rows], axis=1)])
        ends = np.array([bool(_END_OF_TABLE.match(str(first))) for first in firsts], dtype=bool)
        hits = np.flatnonzero(ends[positions])
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

    def tables(self, start: int, top: int, last: int, end: int, stop: int) -> list[Located]:
        """The tables under the header top..last: one, or several side by side. Rows start..top-1
        and the notes after the body up to stop are their notes."""
        cut = self.notes_start(last + 1, end)
        above = [p for p in range(start, top) if self.counts[p]]
        notes = [self.row_text(p) for p in above]
        notes += [self.row_text(p) for p in range(cut, stop) if self.counts[p] and p != end]
        title = self.row_text(above[0]) if above else ""
        groups = self.side_by_side(top, last, cut)
        located = []
        for columns in groups:
            lower = self.own_header(columns, last, cut) if len(groups) > 1 else None
            if lower is not None:
                located.append(self.table(lower, lower, cut, columns, notes, self.own_title(columns, top, lower)))
                continue
            header_top, own_title = top, title
            # Beside another table, a line over this one's first column alone is its title.
            while (
                len(groups) > 1
                and header_top < last
                and np.flatnonzero(self.filled[header_top, columns]).tolist() == [0]
            ):
                own_title = collapse(self.values[header_top, columns[0]])
                header_top += 1
            located.append(self.table(header_top, last, cut, columns, notes, own_title))
        return located

    def own_header(self, block: list[int], last: int, cut: int) -> int | None:
        """The header row of a table beside another when it sits lower than the other's (each
        under a title of its own): the first row below last that puts two or more labels over
        figures in the table's columns; None when the table's header is in the shared rows."""
        if self.filled[last, block].sum() >= 2:
            return None
        for position in range(last + 1, cut):
            kinds = [cell_kind(self.values[position, c]) for c in block if self.filled[position, c]]
            if len(kinds) < 2:
                continue  # blank, or the table's title
            if TEXT not in kinds or not set(kinds) <= {TEXT, YEAR}:
                return None  # figures before any header: the table has none of its own
            for below in range(position + 1, cut):
                found = [cell_kind(self.values[below, c]) for c in block if self.filled[below, c]]
                if found:
                    return position if any(kind in FIGURES for kind in found) else None
            return None
        return None

    def own_title(self, block: list[int], top: int, header: int) -> str:
        """The one-cell line nearest above a table's own header, in its columns."""
        for position in range(header - 1, top - 1, -1):
            filled = [c for c in block if self.filled[position, c]]
            if len(filled) == 1:
                return collapse(self.values[position, filled[0]])
            if filled:
                break
        return ""

    def blocks(self, top: int, cut: int) -> list[list[int]]:
        """Runs of columns with something in them between top and cut, split by empty columns."""
        used = np.flatnonzero(self.filled[top:cut].any(axis=0))
        runs = np.split(used, np.flatnonzero(np.diff(used) > 1) + 1) if len(used) else []
        return [[int(c) for c in run] for run in runs]

    def side_by_side(self, top: int, last: int, cut: int) -> list[list[int]]:
        """The columns of each table beside the others. A run of columns after an empty one is a
        table of its own when it has both its own labels down its rows (codes or names) and
        figures; any other run (figures after a spacer column, a column of comments, codes cut off
        from their names by an empty column) belongs to the table on its left, or the first one
        on its right."""
        blocks = self.blocks(top, cut)
        if len(blocks) < 2:
            return blocks
        body = self.nonblank[(self.nonblank > last) & (self.nonblank < cut)][:SAMPLED]
        kinds = {c: self.column_kinds(body, c) for block in blocks for c in block}
        own = [any(TEXT in kinds[c] for c in b) and any(NUMBER_KIND in kinds[c] for c in b) for b in blocks]
        tables: list[list[int]] = []
        loose: list[int] = []  # runs before the first table of its own
        for block, alone in zip(blocks, own, strict=True):
            if alone:
                tables.append(loose + block)
                loose = []
            elif tables:
                tables[-1] += block
            else:
                loose += block
        return tables or [loose]

    def column_kinds(self, body: np.ndarray, column: int) -> set[str]:
        """What most of a column's sampled body cells hold: text, figures, or both."""
        kinds = Counter(cell_kind(self.values[p, column]) for p in body if self.filled[p, column])
        text, figures = kinds[TEXT], sum(kinds[kind] for kind in FIGURES)
        found = set()
        if text and text * 2 >= text + figures:
            found.add(TEXT)
        if figures and figures * 2 >= text + figures:
            found.add(NUMBER_KIND)
        return found

    def table(self, top: int, last: int, cut: int, block: list[int], notes: list[str], title: str) -> Located:
        name = self.sheet.name
        positions = np.arange(last + 1, cut)
        body_positions = positions[self.filled[last + 1 : cut][:, block].any(axis=1)]
        in_body = dict(zip(block, self.filled[body_positions][:, block].any(axis=0), strict=True))
        in_header = self.filled[top : last + 1][:, block].any(axis=0)
        columns = [c for c, used in zip(block, in_header, strict=True) if used or in_body[c]]
        parts = self.label_parts(top, last, columns)
        kept = [(c, part) for c, part in zip(columns, parts, strict=True) if part or in_body[c]]

        header_row = int(self.rows[last])
        problems = []
        seen: dict[str, str] = {}
        for c, part in kept:
            letter, label = column_letter(c), " ".join(part)
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
        body, merged = self.merged_body(body, body_positions, [c for c, _ in kept])
        table = Table(
            sheet=name,
            header_rows=[int(r) for r in self.rows[top : last + 1]],
            labels=[" ".join(part) for _, part in kept],
            letters=[column_letter(c) for c, _ in kept],
            body=body,
            notes=notes,
            label_parts=[part for _, part in kept],
            title=title,
        )
        return Located(table, problems + merged)

    def merged_body(self, body: pd.DataFrame, positions: np.ndarray, columns: list[int]):
        """A name merged down several data rows (a ward over its nationalities) belongs to each
        of them, so it is written into each; a figure merged down several rows is one figure for
        all of them, which cannot be split between them, so it is reported."""
        problems = []
        for first, first_column, final, _ in self.merges:
            if final == first or first_column not in columns or not np.isin(first, positions):
                continue
            value = self.values[first, first_column]
            rows = self.rows[first : final + 1]
            at = columns.index(first_column)
            if cell_kind(value) == TEXT:
                covered = body.index.isin(rows[1:])
                body.loc[covered & body[at].eq(""), at] = value
                continue
            letter = column_letter(first_column)
            problems.append(
                Problem(
                    "merged-cells",
                    ERROR,
                    f"Cells {letter}{rows[0]} to {letter}{rows[-1]} are merged, so one figure ({value.strip()}) "
                    f"stands for {len(rows)} rows. Unmerge them and write each row's own figure in its row.",
                    sheet=self.sheet.name,
                    row=int(rows[0]),
                    column=letter,
                    value=value.strip(),
                )
            )
        return body, problems
