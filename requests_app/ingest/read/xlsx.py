"""Excel workbooks (.xlsx): every worksheet as text, with its merged ranges and pivot tables.

The cells are read by calamine (python-calamine), which reads a million-row sheet in seconds where
openpyxl takes minutes (bench/ingest.py measures both). calamine builds each sheet whole, as wide
and as tall as its farthest cell, so every sheet's extent is found first by scanning its XML as it
is decompressed, and a sheet beyond the caps is refused before calamine allocates anything.
A sheet whose cells lack references is measured by slower patterns; before the first of them, its
row and cell tags are counted (precount.py), so that three million such rows are refused in a
second, not after a scan of their first million and a half. A sheet Excel wrote costs no such count.
"""

from __future__ import annotations

import io
import operator
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from .cells import UNREADABLE_MESSAGE, Merge, RawSheet, Unreadable, sheet_frame
from .limits import Limits, Tally
from .precount import check_sheet_tags, worksheet_tags

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_STRICT_MAIN = "{http://purl.oclc.org/ooxml/spreadsheetml/main}"
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_RELATIONSHIP_IDS = (
    "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id",
    "{http://purl.oclc.org/ooxml/officeDocument/relationships}id",
)
_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]+\d+(?::[A-Za-z]+\d+)?)"')
_ROOT_PREFIX = re.compile(rb"<(\w+:)?worksheet\b")
_CHUNK = 1 << 20


@dataclass
class _Part:
    """What the scan of one worksheet's XML found."""

    merged: list[Merge] = field(default_factory=list)
    pivot: bool = False
    rows: int = 0  # the farthest row number
    columns: int = 0  # the farthest column


def read_xlsx(data: bytes, tally: Tally) -> list[RawSheet]:
    import python_calamine

    parts = _sheet_parts(data, tally.limits)
    for name, part in parts.items():
        tally.add(rows=part.rows, columns=part.columns, where=f'sheet "{name}"')
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        sheets = []
        for meta in workbook.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue  # chart and dialog sheets hold no cells
            if meta.name not in parts:
                raise Unreadable(UNREADABLE_MESSAGE)  # a sheet whose size could not be checked is not read
            cells = sheet_frame(workbook.get_sheet_by_name(meta.name))  # calamine's copy goes once read
            hidden = meta.visible != python_calamine.SheetVisibleEnum.Visible
            part = parts[meta.name]
            sheets.append(RawSheet(meta.name, hidden, cells, part.merged, part.pivot))
        return sheets
    finally:
        workbook.close()


def _sheet_parts(data: bytes, limits: Limits) -> dict[str, _Part]:
    """Sheet name -> its merged ranges, whether it holds a pivot table, and its extent. calamine
    reports no pivot tables, so the workbook's parts are read for them."""
    try:
        return _parts(data, limits)
    except (KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError, EOFError):
        raise Unreadable(UNREADABLE_MESSAGE) from None


def _parts(data: bytes, limits: Limits) -> dict[str, _Part]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        targets = _relationships(archive, "xl/_rels/workbook.xml.rels", "xl")
        out = {}
        for sheet in book.iter():
            if sheet.tag not in (f"{_MAIN}sheet", f"{_STRICT_MAIN}sheet"):
                continue
            rid = next((sheet.get(key) for key in _RELATIONSHIP_IDS if sheet.get(key)), None)
            path, kind = targets.get(rid, ("", ""))
            if path not in names or not kind.endswith("/worksheet"):
                continue
            folder, base = posixpath.split(path)
            own = _relationships(archive, f"{folder}/_rels/{base}.rels", folder)
            part = _scan(archive, path, limits, f'sheet "{sheet.get("name")}"')
            part.pivot = any(kind.endswith("/pivotTable") for _, kind in own.values())
            out[sheet.get("name")] = part
        return out


def _relationships(archive: zipfile.ZipFile, path: str, folder: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (the part it points at, its type)."""
    try:
        root = ElementTree.fromstring(archive.read(path))
    except KeyError:
        return {}
    out = {}
    for relation in root.iter(_RELATIONSHIPS):
        target = relation.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[relation.get("Id")] = (part, relation.get("Type", ""))
    return out


def _scan(archive: zipfile.ZipFile, path: str, limits: Limits, where: str) -> _Part:
    """The merged ranges (<mergeCell ref="A1:C1"/>) and the farthest row and column of a sheet,
    found by scanning its XML as it is decompressed: a million-row sheet is never held in memory
    for them, and counting tags costs a fraction of parsing them."""
    from openpyxl.utils.cell import range_boundaries

    refs: set[bytes] = set()

    def count_first():
        with archive.open(path) as again:
            check_sheet_tags(again, worksheet_tags, limits, where)

    extent = _Extent(count_first)
    tail = b""
    with archive.open(path) as stream:
        while chunk := stream.read(_CHUNK):
            text = tail + chunk
            if b"mergeCell" in text:
                refs.update(match.group(1) for match in _MERGE_CELL.finditer(text))
            end = extent.row_end(text)
            cut = text.rfind(end)
            # Whole rows only, so that no tag is counted in two pieces; a sheet of rows that never
            # close (<row r="9"/>) is counted in pieces all the same.
            cut = cut + len(end) if cut >= 0 else (len(text) if len(text) > 4 * _CHUNK else 0)
            extent.add(text[:cut])
            tail = text[cut:]
            if extent.rows > limits.rows or extent.cells > limits.cells:
                break  # past a cap already: the tally refuses the sheet without reading on
    extent.add(tail)
    merges = []
    for ref in refs:
        first_column, first_row, last_column, last_row = range_boundaries(ref.decode("ascii").upper())
        if (first_row, first_column) != (last_row, last_column):
            merges.append(Merge(first_row, first_column - 1, last_row, last_column - 1))
    return _Part(merged=sorted(merges), rows=extent.rows, columns=extent.columns)


_LETTERS, _NUMBER = operator.itemgetter(0), operator.itemgetter(1)
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')


class _Extent:
    """The farthest row and column holding a cell, over a sheet's XML piece by piece: calamine
    places a cell by its reference (r="B7"), or after the cell before it when it has none.

    Every writer we know (Excel, LibreOffice, openpyxl, xlsxwriter, Google Sheets) writes the
    reference first in each cell's tag, and that common case is read by one pattern; references
    written elsewhere in the tag, or missing, are found by slower patterns."""

    def __init__(self, before_slow=lambda: None):
        # Called once, before the first row is measured by the slow patterns: a sheet written so
        # (three million rows without numbers) is first refused on its tag count if too tall.
        self._before_slow = before_slow
        self.prefix: bytes | None = None
        self.rows = 0
        self.columns = 0
        self.cells = 0

    def row_end(self, text: bytes) -> bytes:
        if self.prefix is None:
            match = _ROOT_PREFIX.search(text)
            self.prefix = (match.group(1) or b"") if match else b""
            quoted = re.escape(self.prefix)
            self._first = re.compile(rb"<" + quoted + rb'c r="([A-Za-z]+)(\d+)"')
            self._anywhere = re.compile(rb"<" + quoted + rb'c\s[^>]*?\br="([A-Za-z]+)(\d+)"')
        return b"</" + self.prefix + b"row>"

    def add(self, body: bytes) -> None:
        if not body:
            return
        self.row_end(body)
        cell = b"<" + self.prefix + b"c"
        cells = _tags(body, cell)
        self.cells += cells
        before = self.rows
        refs = self._first.findall(body)
        rows_numbered_first = body.count(b"<" + self.prefix + b'row r="')
        if body.count(b' r="') != len(refs) + rows_numbered_first:
            refs = self._anywhere.findall(body)  # some reference is not first in its tag
        if refs:
            # Each distinct row number and column once (a chunk holds some 40,000 references, six
            # to a row, and a few columns), gathered by set() in C: twice as quick as over each one.
            self.rows = max(self.rows, *map(int, set(map(_NUMBER, refs))))
            self.columns = max(
                self.columns, *map(_column_number, {found.upper() for found in set(map(_LETTERS, refs))})
            )
        if len(refs) < cells:
            self._before_slow()
            self._before_slow = lambda: None
            self._unreferenced(body, cell, before)

    def _unreferenced(self, body: bytes, cell: bytes, row: int) -> None:
        """Rows holding cells without a reference, measured one by one: such a cell follows the
        cell before it, and a row without a number the row before it (at most the farthest yet)."""
        for match in _ROW.finditer(body):
            number = _ROW_NUMBER.search(match.group(1))
            row = int(number.group(1)) if number else row + 1
            inner = match.group(2) or b""
            own = self._anywhere.findall(inner)
            farthest = max((_column_number(letters.upper()) for letters, _ in own), default=0)
            self.rows = max(self.rows, row)
            self.columns = max(self.columns, farthest + _tags(inner, cell) - len(own))


def _tags(text: bytes, opening: bytes) -> int:
    return text.count(opening + b" ") + text.count(opening + b">") + text.count(opening + b"/>")


def _column_number(letters: bytes) -> int:
    number = 0
    for code in letters:
        number = number * 26 + code - 64
    return number
