"""Excel workbooks (.xlsx, .xlsm): every worksheet as text, with its merged ranges and pivot tables."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from xml.etree import ElementTree

from .cells import Merge, RawSheet, cell_text, frame

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_STRICT_MAIN = "{http://purl.oclc.org/ooxml/spreadsheetml/main}"
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_RELATIONSHIP_IDS = (
    "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id",
    "{http://purl.oclc.org/ooxml/officeDocument/relationships}id",
)
_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]+\d+(?::[A-Za-z]+\d+)?)"')
_CHUNK = 1 << 20


def read_xlsx(data: bytes) -> list[RawSheet]:
    import openpyxl

    parts = _sheet_parts(data)
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheets = []
        for worksheet in workbook.worksheets:  # chart sheets are not worksheets and are left out
            # Some programs write a wrong <dimension>; read-only mode would trust it and cut rows off.
            worksheet.reset_dimensions()
            rows = [[cell_text(value) for value in row] for row in worksheet.iter_rows(values_only=True)]
            hidden = worksheet.sheet_state in ("hidden", "veryHidden")
            merged, pivot = parts.get(worksheet.title, ([], False))
            sheets.append(RawSheet(worksheet.title, hidden, frame(rows), merged, pivot))
        return sheets
    finally:
        workbook.close()


def _sheet_parts(data: bytes) -> dict[str, tuple[list[Merge], bool]]:
    """Sheet name -> (its merged ranges, whether it holds a pivot table). Read-only openpyxl
    reports neither, so the workbook's parts are read for them; parts this cannot make sense of
    leave the sheets unmerged rather than the file unread."""
    try:
        return _parts(data)
    except (KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}


def _parts(data: bytes) -> dict[str, tuple[list[Merge], bool]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        targets = _relationships(archive, "xl/_rels/workbook.xml.rels", "xl")
        out = {}
        for sheet in book.iter():
            if sheet.tag not in (f"{_MAIN}sheet", f"{_STRICT_MAIN}sheet"):
                continue
            rid = next((sheet.get(key) for key in _RELATIONSHIP_IDS if sheet.get(key)), None)
            path, _ = targets.get(rid, ("", ""))
            if path not in names:
                continue
            folder, base = posixpath.split(path)
            own = _relationships(archive, f"{folder}/_rels/{base}.rels", folder)
            pivot = any(kind.endswith("/pivotTable") for _, kind in own.values())
            out[sheet.get("name")] = (_merges(archive, path), pivot)
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


def _merges(archive: zipfile.ZipFile, path: str) -> list[Merge]:
    """The <mergeCell ref="A1:C1"/> ranges of a sheet, found by scanning its XML as it is
    decompressed: a million-row sheet is never held in memory twice for them."""
    from openpyxl.utils.cell import range_boundaries

    refs: set[bytes] = set()
    tail = b""
    with archive.open(path) as stream:
        while chunk := stream.read(_CHUNK):
            text = tail + chunk
            if b"mergeCell" in text:
                refs.update(match.group(1) for match in _MERGE_CELL.finditer(text))
            tail = text[-200:]  # a tag cut in two by the chunk boundary is found whole next time
    merges = []
    for ref in refs:
        first_column, first_row, last_column, last_row = range_boundaries(ref.decode("ascii").upper())
        if (first_row, first_column) != (last_row, last_column):
            merges.append(Merge(first_row, first_column - 1, last_row, last_column - 1))
    return sorted(merges)
