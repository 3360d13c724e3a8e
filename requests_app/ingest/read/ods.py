"""OpenDocument spreadsheets (.ods): every sheet as text, with the hidden ones, merged ranges and
pivot tables (LibreOffice's "DataPilot") that the pandas reader does not report."""

from __future__ import annotations

import contextlib
import io
import zipfile
from xml.etree import ElementTree

import pandas as pd

from .cells import UNREADABLE_MESSAGE, Merge, RawSheet, Unreadable, cell_text, frame

_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_CELLS = {f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"}


def read_ods(data: bytes) -> list[RawSheet]:
    # dtype=object keeps the reader's Python values (int, float, Timestamp) so that cell_text can
    # write them the same way as for XLSX; dtype=str would turn a date into "2023-04-01 00:00:00".
    # odfpy does not raise on a part it cannot parse: it prints the part, whole, to standard output
    # (before check_return's JSON, into the worker's log) and goes on with the rows before the
    # fault, so a file cut short would be read as a smaller one. What it prints is that fault.
    complaint = io.StringIO()
    with contextlib.redirect_stdout(complaint):
        frames = pd.read_excel(
            io.BytesIO(data),
            engine="odf",
            sheet_name=None,
            header=None,
            dtype=object,
            keep_default_na=False,
        )
    if complaint.getvalue():
        raise Unreadable(UNREADABLE_MESSAGE)
    layout = _layout(data)
    sheets = []
    for name, values in frames.items():
        rows = [[cell_text(value) for value in row] for row in values.itertuples(index=False, name=None)]
        hidden, merged, pivot = layout.get(str(name), (False, [], False))
        sheets.append(RawSheet(str(name), hidden, frame(rows), merged, pivot))
    return sheets


def _layout(data: bytes) -> dict[str, tuple[bool, list[Merge], bool]]:
    """Sheet name -> (hidden, merged ranges, holds a pivot table), from content.xml.

    A hidden sheet is one whose table style says table:display="false". A merged cell carries
    table:number-columns-spanned / number-rows-spanned and the cells it covers follow it as
    covered cells; rows and cells are counted with their repeats, as the pandas reader counts
    them, so that positions match the cells read. If content.xml cannot be read, every sheet is
    taken as visible and unmerged."""
    hidden_styles: set[str] = set()
    hidden: set[str] = set()
    merged: dict[str, list[Merge]] = {}
    pivots: set[str] = set()
    style = name = None
    row = column = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as stream:
            for event, element in ElementTree.iterparse(stream, events=("start", "end")):
                tag = element.tag
                if event == "end":
                    if tag == f"{_TABLE}table-row":
                        row += int(element.get(f"{_TABLE}number-rows-repeated", "1"))
                        element.clear()  # a big sheet is never held whole
                    continue
                if tag == f"{_STYLE}style":
                    style = element.get(f"{_STYLE}name")
                elif tag == f"{_STYLE}table-properties" and element.get(f"{_TABLE}display") == "false":
                    hidden_styles.add(style)
                elif tag == f"{_TABLE}table":
                    name, row = element.get(f"{_TABLE}name"), 0
                    merged.setdefault(name, [])
                    if element.get(f"{_TABLE}style-name") in hidden_styles:
                        hidden.add(name)
                elif tag == f"{_TABLE}table-row":
                    column = 0
                elif tag in _CELLS:
                    across = int(element.get(f"{_TABLE}number-columns-spanned", "1"))
                    down = int(element.get(f"{_TABLE}number-rows-spanned", "1"))
                    if across > 1 or down > 1:
                        merged[name].append(Merge(row + 1, column, row + down, column + across - 1))
                    column += int(element.get(f"{_TABLE}number-columns-repeated", "1"))
                elif tag == f"{_TABLE}data-pilot-table":
                    pivots.add(_sheet_of(element.get(f"{_TABLE}target-range-address", "")))
    except (KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}
    return {sheet: (sheet in hidden, merges, sheet in pivots) for sheet, merges in merged.items()}


def _sheet_of(address: str) -> str:
    """The sheet named in a cell range address: "'Pivot of data'.A1:'Pivot of data'.D9", "$Sheet2.$A$1"."""
    start = address.split(":")[0].lstrip("$")
    if start.startswith("'"):
        return start[1:].split("'.")[0].replace("''", "'")
    return start.rsplit(".", 1)[0]
