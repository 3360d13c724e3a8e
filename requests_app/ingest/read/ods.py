"""OpenDocument spreadsheets (.ods): every sheet as text, with the hidden ones, merged ranges and
pivot tables (LibreOffice's "DataPilot")."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from .cells import UNREADABLE_MESSAGE, Merge, RawSheet, Unreadable, sheet_frame
from .limits import Limits, Tally
from .precount import check_sheet_tags, ods_tags

_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_CELLS = {f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"}


def read_ods(data: bytes, tally: Tally) -> list[RawSheet]:
    """Read by calamine, as workbooks are (see xlsx.py), once content.xml has been scanned for
    what calamine does not report and for each sheet's extent, counted with its repeats: a row
    "repeated 1,048,576 times" of cells "repeated 16,384 times" is a few bytes of XML."""
    import python_calamine

    layout = _layout(data, tally.limits)
    for name, sheet in layout.items():
        tally.add(rows=sheet.rows, columns=sheet.columns, where=f'sheet "{name}"')
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        sheets = []
        for meta in workbook.sheets_metadata:
            if meta.name not in layout:
                raise Unreadable(UNREADABLE_MESSAGE)  # a sheet whose size could not be checked is not read
            found = layout[meta.name]
            cells = sheet_frame(workbook.get_sheet_by_name(meta.name))
            sheets.append(RawSheet(meta.name, found.hidden, cells, found.merged, found.pivot))
        return sheets
    finally:
        workbook.close()


@dataclass
class _Table:
    hidden: bool = False
    merged: list[Merge] = field(default_factory=list)
    pivot: bool = False
    rows: int = 0  # the farthest row and column holding a value, with their repeats
    columns: int = 0


def _layout(data: bytes, limits: Limits) -> dict[str, _Table]:
    """Sheet name -> hidden, merged ranges, holds a pivot table, extent; from content.xml.

    A hidden sheet is one whose table style says table:display="false". A merged cell carries
    table:number-columns-spanned / number-rows-spanned and the cells it covers follow it as
    covered cells; rows and cells are counted with their repeats, as the reader counts them, so
    that positions match the cells read. Trailing empty repeats (LibreOffice writes rows to the
    sheet's last) do not count towards the extent. A content.xml that cannot be read makes the
    file unreadable: a sheet cut short would otherwise be read as a smaller one. Its row and cell
    tags are counted first (precount.py): parsing three million rows would take over a minute."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            with archive.open("content.xml") as stream:
                check_sheet_tags(stream, ods_tags, limits, "one of its sheets")
            with archive.open("content.xml") as stream:
                return _parse(stream)
    except (KeyError, ValueError, AttributeError, zipfile.BadZipFile, ElementTree.ParseError):
        raise Unreadable(UNREADABLE_MESSAGE) from None


def _parse(stream) -> dict[str, _Table]:
    hidden_styles: set[str] = set()
    tables: dict[str, _Table] = {}
    pivots: set[str] = set()
    style = table = None
    row = column = row_repeat = 0
    for event, element in ElementTree.iterparse(stream, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == f"{_STYLE}style":
                style = element.get(f"{_STYLE}name")
            elif tag == f"{_STYLE}table-properties" and element.get(f"{_TABLE}display") == "false":
                hidden_styles.add(style)
            elif tag == f"{_TABLE}table":
                table, row = tables.setdefault(element.get(f"{_TABLE}name"), _Table()), 0
                table.hidden = element.get(f"{_TABLE}style-name") in hidden_styles
            elif tag == f"{_TABLE}table-row":
                column, row_repeat = 0, int(element.get(f"{_TABLE}number-rows-repeated", "1"))
            elif tag == f"{_TABLE}data-pilot-table":
                pivots.add(_sheet_of(element.get(f"{_TABLE}target-range-address", "")))
            continue
        if tag == f"{_TABLE}table-row":
            row += row_repeat
            element.clear()  # a big sheet is never held whole
        elif tag in _CELLS:
            across = int(element.get(f"{_TABLE}number-columns-spanned", "1"))
            down = int(element.get(f"{_TABLE}number-rows-spanned", "1"))
            if across > 1 or down > 1:
                table.merged.append(Merge(row + 1, column, row + down, column + across - 1))
            repeat = int(element.get(f"{_TABLE}number-columns-repeated", "1"))
            if element.get(f"{_OFFICE}value-type") or len(element):
                table.rows = max(table.rows, row + row_repeat)
                table.columns = max(table.columns, column + repeat)
            column += repeat
    for name, found in tables.items():
        found.pivot = name in pivots
    return tables


def _sheet_of(address: str) -> str:
    """The sheet named in a cell range address: "'Pivot of data'.A1:'Pivot of data'.D9", "$Sheet2.$A$1"."""
    start = address.split(":")[0].lstrip("$")
    if start.startswith("'"):
        return start[1:].split("'.")[0].replace("''", "'")
    return start.rsplit(".", 1)[0]
