"""Read a returned file (CSV, XLSX or ODS) into sheets of text.

Every cell comes out as a str ("" when empty) so that nothing is guessed at this stage: "NA" stays
Namibia, "007" keeps its zeros, "x" and ".." stay suppression markers. Rows are indexed by the
row number the sender sees in their spreadsheet, so that every problem reported later can point
at a row they can find. Workbooks also say which ranges are merged and which sheets are hidden or
hold pivot tables; which sheet and table hold the data is decided later (sheets.py).

Nothing is parsed until it is known to fit: a workbook's zip directory is checked for its size,
packing and active content (package.py), and each sheet's extent, or a CSV's width and length,
against the caps (limits.py), so that no file can hold a worker for long or take its memory.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from ..problems import ERROR, WARNING, Problem
from .cells import OLD_EXCEL_MESSAGE, UNREADABLE_MESSAGE, Merge, RawSheet, Unreadable, cell_text, has_data
from .limits import Limits, Tally
from .ods import read_ods
from .package import MACRO_MESSAGE, check_package
from .text import decode_text, read_csv_text
from .xlsx import read_xlsx

__all__ = ["Limits", "Merge", "RawSheet", "cell_text", "has_data", "name_refusal", "read_file"]

# What the upload form and check_return take, by the same rule (name_refusal); once a name is
# taken, the bytes, not the name, decide how the file is read.
CSV_EXTENSIONS = {".csv", ".txt", ".tsv"}
WORKBOOK_EXTENSIONS = {".xlsx", ".ods"}
MACRO_EXTENSIONS = {".xlsm", ".xltm", ".xlam", ".xlsb"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and also any encrypted .xlsx
KINDS = "CSV or text (.csv, .tsv, .txt), Excel (.xlsx) or OpenDocument (.ods)"
WRONG_KIND_MESSAGE = (
    f"Upload a CSV, Excel or OpenDocument file: {KINDS}. Open it in your spreadsheet program, save it as "
    '"CSV UTF-8 (comma delimited)" or as an Excel workbook (.xlsx), and send it again.'
)


def name_refusal(filename: str) -> str:
    """Why a file of this name is not taken ("" when it is): the one rule for every way in."""
    extension = PurePath(filename or "").suffix.lower()
    if extension in CSV_EXTENSIONS | WORKBOOK_EXTENSIONS:
        return ""
    if extension in MACRO_EXTENSIONS:
        return MACRO_MESSAGE
    if extension == ".xls":
        return OLD_EXCEL_MESSAGE
    return WRONG_KIND_MESSAGE


def read_file(data: bytes, filename: str, *, limits: Limits | None = None) -> tuple[list[RawSheet], list[Problem]]:
    """Every sheet of the file as text, with the problems that stop it being read at all."""
    refusal = name_refusal(filename)
    if refusal:
        return [], [Problem("active-content" if refusal == MACRO_MESSAGE else "unreadable-file", ERROR, refusal)]
    try:
        sheets = _read_any(data, filename, Tally(limits or Limits()))
    except Unreadable as exc:
        return [], [Problem(exc.type, ERROR, str(exc))]

    problems = [
        Problem(
            "hidden-sheet",
            WARNING,
            f'The sheet "{sheet.name}" is hidden and was not read; unhide it if it holds the data.',
            sheet=sheet.name,
        )
        for sheet in sheets
        if sheet.hidden and has_data(sheet.cells)
    ]
    if not any(has_data(sheet.cells) for sheet in sheets):
        problems.append(
            Problem(
                "empty-file",
                ERROR,
                "The file has no data in it: every cell is empty. Check that you attached the right file.",
            )
        )
    return sheets, problems


def _read_any(data: bytes, filename: str, tally: Tally) -> list[RawSheet]:
    extension = PurePath(filename or "").suffix.lower()
    # The bytes decide before the name does: people rename files (an .xlsx saved as "return.csv").
    if data.startswith(ZIP_MAGIC):
        return _read_zip_workbook(data, tally)
    if data.startswith(OLE_MAGIC):
        raise Unreadable(OLD_EXCEL_MESSAGE)
    if extension in WORKBOOK_EXTENSIONS:
        # Named as a workbook but not one: reading it as text would only produce nonsense.
        raise Unreadable(UNREADABLE_MESSAGE)
    # .csv, .txt, .tsv: it must be delimited text.
    name = PurePath(filename or "").stem or "Sheet1"  # what Excel shows on the tab of an opened CSV
    return [RawSheet(name=name, hidden=False, cells=read_csv_text(decode_text(data), tally, name))]


def _read_zip_workbook(data: bytes, tally: Tally) -> list[RawSheet]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_package(archive, tally.limits)
            names = set(archive.namelist())
            mimetype = archive.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise Unreadable(UNREADABLE_MESSAGE) from None
    # A parser meeting a damaged or hostile file can raise almost anything; whatever it raises,
    # the sender's answer is the same: save the file again in a format we accept.
    try:
        if mimetype.startswith("application/vnd.oasis.opendocument.spreadsheet"):
            return read_ods(data, tally)
        if "xl/workbook.xml" in names:
            return read_xlsx(data, tally)
    except Unreadable:
        raise
    except Exception:
        raise Unreadable(UNREADABLE_MESSAGE) from None
    raise Unreadable(UNREADABLE_MESSAGE)  # some other zip: a Word document, a folder of files...
