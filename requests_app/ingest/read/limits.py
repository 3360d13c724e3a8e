"""The caps that keep one file from holding a worker: checked before the work, or while rows are
read, so a hostile or runaway file is refused in seconds instead of being read in minutes.

The defaults are sized so that every real return passes: a CSV that fills the upload limit, a
workbook as tall as Excel allows; the cells bound the memory and time the pipeline needs (a
million rows of six columns is a return the tracker is built to take). Settings can change them
(TRACKER_INGEST_* in settings.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .cells import Unreadable

SPLIT_ADVICE = (
    "Split it into smaller files (for example one per year or one per area) and send each one, "
    "or send only the rows and columns the request asks for."
)


@dataclass(frozen=True)
class Limits:
    # More than an Excel sheet holds (1,048,576): a CSV of six short columns filling the 50 MB
    # upload limit runs to 1.5 million rows, and its processing stays under 1 GB (bench/ingest.py).
    rows: int = 1_500_000
    columns: int = 2_000  # wider than any cross-tabulation a return needs (areas by quarters)
    cells: int = 9_000_000  # over every sheet: the pipeline's memory grows with them
    # A workbook is a zip of XML parts: what it unpacks to, and how much smaller it was packed.
    unpacked_bytes: int = 1024 * 1024 * 1024
    ratio: int = 100  # judged on the whole archive, once it unpacks to more than RATIO_FLOOR
    parts: int = 2_000


# Small parts compress very well (an empty sheet is mostly repeated tags): a ratio says nothing
# until the archive unpacks to this much.
RATIO_FLOOR = 20 * 1024 * 1024


class TooLarge(Unreadable):
    """The file is beyond one of the caps; the message names the cap and how to split it."""

    type = "too-large"


def too_large(what: str, limit: int, noun: str) -> TooLarge:
    return TooLarge(f"The file has more than {limit:,} {noun} ({what}), more than the tracker reads. {SPLIT_ADVICE}")


def check_shape(limits: Limits, *, rows: int, columns: int, cells: int, where: str) -> None:
    """Refuses a sheet (or the file so far) beyond the row, column or cell cap."""
    if rows > limits.rows:
        raise too_large(where, limits.rows, "rows")
    if columns > limits.columns:
        raise too_large(where, limits.columns, "columns")
    if cells > limits.cells:
        raise too_large("all its sheets together", limits.cells, "cells")


class Tally:
    """Counts the cells read so far over every sheet of a file."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.cells = 0

    def rows(self, rows: Iterable[list[str]], where: str) -> list[list[str]]:
        """The rows of one sheet, stopping at the first one past a cap: a sheet of three million
        rows is refused after the millionth, not after the last."""
        kept: list[list[str]] = []
        widest = 0
        for row in rows:
            kept.append(row)
            widest = max(widest, len(row))
            self.cells += len(row)
            if len(kept) > self.limits.rows or widest > self.limits.columns or self.cells > self.limits.cells:
                check_shape(self.limits, rows=len(kept), columns=widest, cells=self.cells, where=where)
        return kept

    def add(self, *, rows: int, columns: int, where: str) -> None:
        """A sheet whose size is known before it is read."""
        self.cells += rows * columns
        check_shape(self.limits, rows=rows, columns=columns, cells=self.cells, where=where)
