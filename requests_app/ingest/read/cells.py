"""What every reader hands back: sheets of text cells, with the merged ranges the sender sees."""

from __future__ import annotations

import datetime
import math
import numbers
import sys
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

UNREADABLE_MESSAGE = (
    "This file could not be read. Accepted formats are CSV (.csv), Excel workbook (.xlsx) and "
    "OpenDocument spreadsheet (.ods). Open it in your spreadsheet program, save it as "
    '"CSV UTF-8 (comma delimited)" or as an Excel workbook (.xlsx), and send it again.'
)
OLD_EXCEL_MESSAGE = (
    "This file is an old-style Excel workbook (.xls) or a password-protected workbook, which cannot be read. "
    "Accepted formats are CSV (.csv), Excel workbook (.xlsx) and OpenDocument spreadsheet (.ods). "
    'Remove any password, save it as "CSV UTF-8 (comma delimited)" or as an Excel workbook (.xlsx), and send it again.'
)


class Merge(NamedTuple):
    """A merged range: its value sits in the first cell, the others read as empty."""

    first_row: int  # spreadsheet row numbers, as in RawSheet.cells.index
    first_column: int  # column positions, as in RawSheet.cells.columns (0 = column A)
    last_row: int
    last_column: int


@dataclass
class RawSheet:
    name: str
    hidden: bool
    cells: (
        pd.DataFrame
    )  # every cell a str ("" for empty); index = spreadsheet row numbers; columns 0..n-1 (0 = column A)
    merged: list[Merge] = field(default_factory=list)
    pivot: bool = False  # holds a pivot table: a summary of data held elsewhere in the workbook


class Unreadable(Exception):
    """The bytes are not a file of a format we accept; the message is for the sender."""

    type = "unreadable-file"  # the problem type it is reported as


def cell_text(value) -> str:
    """A spreadsheet value written as the sender would read it, without guessing at meaning."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if value is pd.NaT:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        if math.isnan(value) or math.isinf(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))  # counts are often stored as 12.0
        text = repr(value)
        # Float arithmetic in formulas leaves tails (0.30000000000000004) that Excel, showing 15
        # significant digits, never displays; write what the sender sees.
        shown = format(value, ".15g")
        return shown if len(shown) < len(text) and "e" not in shown else text
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    return str(value)


def frame(rows: list[list[str]]) -> pd.DataFrame:
    """Rows of text into a frame indexed 1..n, trailing empty rows and columns cut off (a sheet
    formatted down to row 1,048,576 should not become a million blank rows)."""
    last_row = max((i for i, row in enumerate(rows) if any(row)), default=-1)
    rows = rows[: last_row + 1]
    width = max((max((j for j, cell in enumerate(row) if cell), default=-1) for row in rows), default=-1) + 1
    if not rows or not width:
        return empty_frame()
    padded = [row[:width] + [""] * (width - len(row)) for row in rows]
    return pd.DataFrame(padded, index=range(1, len(padded) + 1), columns=range(width), dtype=str)


def sheet_frame(sheet) -> pd.DataFrame:
    """A calamine sheet as text from row 1 and column A, trimmed as frame() trims.

    Written a column at a time, each distinct value once: a return repeats few values (its areas,
    categories, periods, small counts) over many rows, so a million rows are written in a second
    or two, and every cell holding a value shares that value's one string."""
    if sheet.start is None:
        return empty_frame()
    # From A1: calamine gives every row from the first, each from the first column holding a value.
    # Copied a row at a time, each text once (calamine makes a string per cell), so that a million
    # rows are never held as calamine gives them.
    (last_row, last_column), lead = sheet.end, sheet.start[1]
    values = np.full((last_row + 1, last_column + 1), "", dtype=object)
    for number, row in enumerate(sheet.iter_rows()):
        values[number, lead:] = [sys.intern(value) if value.__class__ is str else value for value in row]
    texts = [_column_text(values[:, j]) for j in range(values.shape[1])]
    del values
    filled = [np.flatnonzero(column != "") for column in texts]
    height = max((found[-1] + 1 for found in filled if len(found)), default=0)
    width = max((j + 1 for j, found in enumerate(filled) if len(found)), default=0)
    if not height:
        return empty_frame()
    cells = pd.DataFrame(
        dict(enumerate(column[:height] for column in texts[:width])), index=range(1, height + 1), dtype=str
    )
    cells.columns = range(width)
    return cells


def _column_text(values: np.ndarray) -> np.ndarray:
    """One column's values as text, each distinct value written once."""
    if bool in set(map(type, values)):
        # A hash table takes True for 1 and False for 0: such a column is written cell by cell.
        return np.array([cell_text(value) for value in values], dtype=object)
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    return np.array([cell_text(value) for value in distinct], dtype=object)[codes]


def empty_frame() -> pd.DataFrame:
    return pd.DataFrame(index=pd.RangeIndex(1, 1), columns=pd.RangeIndex(0), dtype=str)


def has_data(cells: pd.DataFrame) -> bool:
    """True when at least one cell holds more than whitespace."""
    for _, column in cells.items():
        values = column[column.ne("")]
        # Stops at the first real value: quick even on a million rows.
        if any(value.strip() for value in values):
            return True
    return False
