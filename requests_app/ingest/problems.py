"""What the pipeline reports back to the person who sent the file."""

from dataclasses import asdict, dataclass

import pandas as pd

ERROR, WARNING = "error", "warning"
# Only this many problems of each type are kept in detail; the rest are counted.
DETAIL_LIMIT = 1000

# The problem types of the validation report (stable: the command line's JSON uses them).
TYPES = {
    "unreadable-file",
    "too-large",
    "active-content",
    "empty-file",
    "blank-header",
    "duplicate-label",
    "missing-label",
    "unknown-label",
    "type-error",
    "constraint-error",
    "unknown-code",
    "level-mismatch",
    "personal-data",
    "suppressed-cell",
    "total-row",
    "total-checked",
    "total-mismatch",
    "duplicate-key",
    "hidden-sheet",
    "several-tables",
    "merged-cells",
    "mixed-measures",
    "ambiguous-label",
    "code-name-mismatch",
    "other-area",
    "mixed-levels",
    "area-total",
    "boundary-vintage",
    "ambiguous-period",
    "period-meaning",
    # Public tables (releases/published.py): figures that are not counts, and a unit not stated.
    "set-aside",
    "unit-unknown",
}


# How the report page names each type.
LABELS = {
    "unreadable-file": "The file could not be read",
    "too-large": "Too large or too complex to read",
    "active-content": "Macros or embedded objects",
    "empty-file": "No data found",
    "blank-header": "Columns without a heading",
    "duplicate-label": "Headings used twice",
    "missing-label": "Missing columns",
    "unknown-label": "Columns not used",
    "type-error": "Values of the wrong kind",
    "constraint-error": "Values out of range",
    "unknown-code": "Unknown codes or names",
    "level-mismatch": "Areas of the wrong kind",
    "personal-data": "Personal data",
    "suppressed-cell": "Suppressed counts",
    "total-row": "Total rows left out",
    "total-checked": "Totals checked against their rows",
    "total-mismatch": "Totals that do not add up",
    "duplicate-key": "Rows that repeat the same categories",
    "hidden-sheet": "Hidden sheets",
    "several-tables": "More than one table",
    "merged-cells": "Merged cells over figures",
    "mixed-measures": "Different measures in one table",
    "ambiguous-label": "Headings that could mean more than one thing",
    "code-name-mismatch": "Codes and names that disagree",
    "other-area": "Rows for other areas or levels left out",
    "mixed-levels": "Kinds of area that cannot be told apart",
    "area-total": "Area totals checked against their parts",
    "boundary-vintage": "Codes from other boundaries",
    "ambiguous-period": "Periods with two possible readings",
    "period-meaning": "How the periods were read",
    "set-aside": "Intervals and balances that are not counts",
    "unit-unknown": "Figures of an unstated unit",
}


@dataclass(frozen=True)
class Problem:
    type: str
    severity: str  # ERROR blocks storage; WARNING is reported and the file is still accepted
    message: str  # plain English: what is wrong and how to fix it
    sheet: str = ""
    row: int | None = None  # the spreadsheet row number the sender sees (1-based)
    column: str = ""  # the spreadsheet column letter ("A", "AB"); "" when not about one column
    value: str = ""

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"unknown problem type {self.type!r}")
        if self.severity not in (ERROR, WARNING):
            raise ValueError(f"unknown severity {self.severity!r}")

    def as_dict(self) -> dict:
        return asdict(self)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: as spreadsheet programs label columns."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def columns_named(letters: list[str]) -> str:
    """['C'] -> 'column C'; ['C', 'D'] -> 'columns C and D'; a run of three or more -> 'columns C to G'."""
    letters = [letter for letter in letters if letter]
    if len(letters) == 1:
        return f"column {letters[0]}"
    indexes = [column_index(letter) for letter in letters]
    if len(letters) > 2 and indexes == list(range(indexes[0], indexes[0] + len(indexes))):
        return f"columns {letters[0]} to {letters[-1]}"
    return f"columns {', '.join(letters[:-1])} and {letters[-1]}"


def column_index(letter: str) -> int:
    """'A' -> 0, 'AB' -> 27: the inverse of column_letter."""
    index = 0
    for char in letter:
        index = index * 26 + ord(char) - 64
    return index - 1


def row_list(numbers: list[int]) -> str:
    """[5] -> "row 5"; [5, 6, 7, 9] -> "rows 5 to 7 and 9": rows as a message names them."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    spans = [f"{r[0]} to {r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs]
    head, _, tail = ", ".join(spans).rpartition(", ")
    return ("row " if len(numbers) == 1 else "rows ") + (f"{head} and {tail}" if head else tail)


class ProblemLog:
    """The problems of one sheet as they are found: each is counted, the first DETAIL_LIMIT of a type kept."""

    def __init__(self, sheet: str, row_numbers: pd.Series | None = None):
        self.sheet, self.errors, self.warnings, self.counts = sheet, [], [], {}
        self.row_numbers = row_numbers  # position -> spreadsheet row (rows repeat when periods were melted)

    def add(self, problem: Problem) -> None:
        self.counts[problem.type] = self.counts.get(problem.type, 0) + 1
        if self.counts[problem.type] <= DETAIL_LIMIT:
            (self.errors if problem.severity == ERROR else self.warnings).append(problem)

    def withdraw(self, type: str, columns: set[str]) -> None:
        """Takes back the problems of a type about these columns: a later step made sense of them."""
        for kept in (self.errors, self.warnings):
            gone = [p for p in kept if p.type == type and p.column in columns]
            for p in gone:
                kept.remove(p)
            self.counts[type] = self.counts.get(type, 0) - len(gone)
        if not self.counts.get(type):
            self.counts.pop(type, None)

    def tally(self, type: str, more: int) -> None:
        """Counts more problems of a type beyond those added in detail."""
        if more > 0:
            self.counts[type] = self.counts.get(type, 0) + more

    def add_rows(
        self, mask: pd.Series, values: pd.Series, *, type: str, severity: str, column: str | pd.Series, message
    ) -> None:
        """One problem per flagged row, built only for the rows kept in detail. column is a letter, or
        each row's letter where the rows came from different columns (categories across the columns)."""
        flagged = mask[mask].index
        if not len(flagged):
            return
        already = self.counts.get(type, 0)
        room = max(DETAIL_LIMIT - already, 0)
        for position in flagged[:room]:
            value = str(values.at[position])
            row = int(self.row_numbers.at[position]) if self.row_numbers is not None else int(position)
            letter = column if isinstance(column, str) else str(column.at[position])
            problem = Problem(type, severity, message(value), sheet=self.sheet, row=row, column=letter, value=value)
            (self.errors if severity == ERROR else self.warnings).append(problem)
        self.counts[type] = already + len(flagged)
