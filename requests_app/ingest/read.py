"""Read a returned file (CSV, XLSX or ODS) into sheets of text, and pick the sheet that holds the data.

Every cell comes out as a str ("" when empty) so that nothing is guessed at this stage: "NA" stays
Namibia, "007" keeps its zeros, "x" and ".." stay suppression markers. Rows are indexed by the
row number the sender sees in their spreadsheet, so that every problem reported later can point
at a row they can find.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import io
import math
import numbers
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePath
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from .problems import ERROR, WARNING, Problem

CSV_EXTENSIONS = {".csv", ".txt", ".tsv"}
WORKBOOK_EXTENSIONS = {".xlsx", ".xlsm", ".ods"}
DELIMITERS = [",", ";", "\t", "|"]

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

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and also any encrypted .xlsx


@dataclass
class RawSheet:
    name: str
    hidden: bool
    cells: (
        pd.DataFrame
    )  # every cell a str ("" for empty); index = spreadsheet row numbers; columns 0..n-1 (0 = column A)


class Unreadable(Exception):
    """The bytes are not a file of a format we accept; the message is for the sender."""


# --------------------------------------------------------------------------------------------
# read_file


def read_file(data: bytes, filename: str) -> tuple[list[RawSheet], list[Problem]]:
    """Every sheet of the file as text, with the problems that stop it being read at all."""
    try:
        sheets = _read_any(data, filename)
    except Unreadable as exc:
        return [], [Problem("unreadable-file", ERROR, str(exc))]

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


def _read_any(data: bytes, filename: str) -> list[RawSheet]:
    extension = PurePath(filename or "").suffix.lower()
    # The bytes decide before the name does: people rename files (an .xlsx saved as "return.csv").
    if data.startswith(ZIP_MAGIC):
        return _read_zip_workbook(data)
    if data.startswith(OLE_MAGIC):
        raise Unreadable(OLD_EXCEL_MESSAGE)
    if extension in WORKBOOK_EXTENSIONS or extension == ".xls":
        # Named as a workbook but not one: reading it as text would only produce nonsense.
        raise Unreadable(OLD_EXCEL_MESSAGE if extension == ".xls" else UNREADABLE_MESSAGE)
    # .csv, .txt, .tsv and unknown extensions: it must be delimited text.
    name = PurePath(filename or "").stem or "Sheet1"  # what Excel shows on the tab of an opened CSV
    return [RawSheet(name=name, hidden=False, cells=read_csv_text(decode_text(data)))]


def _read_zip_workbook(data: bytes) -> list[RawSheet]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
    except zipfile.BadZipFile:
        raise Unreadable(UNREADABLE_MESSAGE) from None
    # A parser meeting a damaged or hostile file can raise almost anything; whatever it raises,
    # the sender's answer is the same: save the file again in a format we accept.
    try:
        if mimetype.startswith("application/vnd.oasis.opendocument.spreadsheet"):
            return _read_ods(data)
        if "xl/workbook.xml" in names:
            return _read_xlsx(data)
    except Unreadable:
        raise
    except Exception:
        raise Unreadable(UNREADABLE_MESSAGE) from None
    raise Unreadable(UNREADABLE_MESSAGE)  # some other zip: a Word document, a folder of files...


# --------------------------------------------------------------------------------------------
# CSV


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is taken as Windows-1252,
    which is what Excel on Windows writes for "CSV (comma delimited)" (£ = 0xA3, – = 0x96)."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        # Excel's "Unicode text" export: UTF-16 with a BOM, tab-delimited.
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise Unreadable(UNREADABLE_MESSAGE) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # cp1252 leaves five byte values undefined; replacing them beats refusing the file.
            text = data.decode("cp1252", errors="replace")
    text = text.rstrip("\x1a")  # old DOS end-of-file marker
    if _looks_binary(text):
        raise Unreadable(UNREADABLE_MESSAGE)
    # One pass over the whole text normalises line ends between rows and inside quoted cells.
    return text.replace("\r\n", "\n").replace("\r", "\n")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _looks_binary(text: str) -> bool:
    sample = text[:100_000]
    if "\x00" in sample:
        return True
    return len(_CONTROL.findall(sample)) > len(sample) / 1000


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; tab |: csv.Sniffer's guess, checked by counting fields per line."""
    sample = text[:65_536]
    if "\n" in sample and len(text) > len(sample):
        sample = sample[: sample.rindex("\n")]  # whole lines only
    scores = {d: _delimiter_score(sample, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: scores[d])  # ties: the earlier in DELIMITERS (comma first)
    try:
        sniffed = csv.Sniffer().sniff(sample[:20_000], delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    # The Sniffer is easily misled by metadata lines above the header (Nomis) or commas inside
    # text; trust it only when counting agrees that it splits as many lines.
    if sniffed in scores and scores[sniffed][0] >= scores[best][0] and scores[sniffed][0] > 0:
        return sniffed
    return best if scores[best][0] > 0 else ","


def _delimiter_score(sample: str, delimiter: str) -> tuple[int, int, int]:
    """(lines split into 2+ fields, lines with the most common field count, that count)."""
    lines = sample.split("\n")[:500]
    try:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if any(cell.strip() for cell in row)]
    except csv.Error:  # a field over the csv module's size limit: this delimiter cannot be judged
        return (0, 0, 0)
    multi = [count for count in counts if count > 1]
    if not multi:
        return (0, 0, 0)
    mode, frequency = Counter(multi).most_common(1)[0]
    return (len(multi), frequency, mode)


def read_csv_text(text: str) -> pd.DataFrame:
    if not text.strip():
        return _empty_frame()
    delimiter = sniff_delimiter(text)
    options = dict(
        sep=delimiter,
        header=None,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
        quotechar='"',
        engine="c",  # the C engine: a million rows in seconds
    )
    try:
        frame = pd.read_csv(io.StringIO(text), **options)
    except pd.errors.ParserError:
        # The C engine sizes rows by the first line and fails on a later, longer one (a title line
        # above the header is the usual cause). Count the widest row and give it the column names.
        try:
            width = max((len(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)), default=1)
            try:
                frame = pd.read_csv(io.StringIO(text), names=range(width), **options)
            except pd.errors.ParserError:
                # Still refused (a quote left open to the end of the file): the csv module is
                # more forgiving, and slower, which matters little on such a file.
                frame = _frame(list(csv.reader(io.StringIO(text), delimiter=delimiter)))
        except csv.Error:
            raise Unreadable(UNREADABLE_MESSAGE) from None
    except pd.errors.EmptyDataError:
        return _empty_frame()
    frame.columns = range(frame.shape[1])
    frame.index = range(1, len(frame) + 1)  # record n is spreadsheet row n (a quoted newline does not start a row)
    if frame.isna().to_numpy().any():  # short rows are padded with missing values
        frame = frame.fillna("")
    return frame


# --------------------------------------------------------------------------------------------
# XLSX and ODS


def _read_xlsx(data: bytes) -> list[RawSheet]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheets = []
        for worksheet in workbook.worksheets:  # chart sheets are not worksheets and are left out
            # Some programs write a wrong <dimension>; read-only mode would trust it and cut rows off.
            worksheet.reset_dimensions()
            rows = [[cell_text(value) for value in row] for row in worksheet.iter_rows(values_only=True)]
            hidden = worksheet.sheet_state in ("hidden", "veryHidden")
            sheets.append(RawSheet(name=worksheet.title, hidden=hidden, cells=_frame(rows)))
        return sheets
    finally:
        workbook.close()


def _read_ods(data: bytes) -> list[RawSheet]:
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
    hidden = _ods_hidden_sheets(data)
    sheets = []
    for name, frame in frames.items():
        rows = [[cell_text(value) for value in row] for row in frame.itertuples(index=False, name=None)]
        sheets.append(RawSheet(name=str(name), hidden=name in hidden, cells=_frame(rows)))
    return sheets


_ODS_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
}


def _ods_hidden_sheets(data: bytes) -> set[str]:
    """Names of the ODS sheets whose table style says table:display="false" (how LibreOffice
    records a hidden sheet). pandas does not report this, so content.xml is read for it; if that
    fails the sheets are simply treated as visible."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            root = ElementTree.fromstring(archive.read("content.xml"))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return set()
    style_name = f"{{{_ODS_NS['style']}}}name"
    display = f"{{{_ODS_NS['table']}}}display"
    hidden_styles = {
        style.get(style_name)
        for style in root.iter(f"{{{_ODS_NS['style']}}}style")
        for properties in style.iter(f"{{{_ODS_NS['style']}}}table-properties")
        if properties.get(display) == "false"
    }
    return {
        table.get(f"{{{_ODS_NS['table']}}}name")
        for table in root.iter(f"{{{_ODS_NS['table']}}}table")
        if table.get(f"{{{_ODS_NS['table']}}}style-name") in hidden_styles
    }


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


def _frame(rows: list[list[str]]) -> pd.DataFrame:
    """Rows of text into a frame indexed 1..n, trailing empty rows and columns cut off (a sheet
    formatted down to row 1,048,576 should not become a million blank rows)."""
    last_row = max((i for i, row in enumerate(rows) if any(row)), default=-1)
    rows = rows[: last_row + 1]
    width = max((max((j for j, cell in enumerate(row) if cell), default=-1) for row in rows), default=-1) + 1
    if not rows or not width:
        return _empty_frame()
    padded = [row[:width] + [""] * (width - len(row)) for row in rows]
    return pd.DataFrame(padded, index=range(1, len(padded) + 1), columns=range(width), dtype=str)


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame(index=pd.RangeIndex(1, 1), columns=pd.RangeIndex(0), dtype=str)


def has_data(cells: pd.DataFrame) -> bool:
    """True when at least one cell holds more than whitespace."""
    for _, column in cells.items():
        values = column[column.ne("")]
        # Stops at the first real value: quick even on a million rows.
        if any(value.strip() for value in values):
            return True
    return False


# --------------------------------------------------------------------------------------------
# pick_sheet

# A number as written in a table (1,234 / -5 / 12.5 / 7% / 1.2E+05) or a suppression marker (DfE x c z,
# ONS .. and [x], "-", "*", "<5").
NUMBER = r"[-+\u2212]?£?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?%?|[-+]?\.\d+%?|\(\d[\d,]*(?:\.\d+)?\)"
MARKER = r"\[?[xczu]\]?|\[(?:low|[a-z])\]|\.\.?|[-\u2013\u2014*~:]|<\s*\d+(?:\.\d+)?"
NUMERIC_LOOKING = re.compile(rf"(?:{NUMBER}|{MARKER})", re.IGNORECASE)

DATA_NAME = re.compile(r"^\s*(?:data|table|return)\b|\bdata\b|\breturns?\b", re.IGNORECASE)
NOT_DATA_NAME = re.compile(
    r"\b(?:cover|contents?|notes?|metadata|meta data|field ?lists?|list of fields|fields|pivot|charts?|graphs?"
    r"|instructions?|guidance|allowed codes|codes|lookups?|read ?me|readme|about|definitions?|glossary"
    r"|dictionary|validation)\b|^\s*toc\s*$",
    re.IGNORECASE,
)
SCORED_ROWS = 5000  # enough to tell a data sheet from a cover sheet, quick on a big one


def pick_sheet(sheets: list[RawSheet]) -> tuple[RawSheet | None, list[Problem]]:
    """The visible sheet that holds the data, judged by what is in it and by its name (never by
    its position: cover, contents and notes sheets usually come first)."""
    candidates = [sheet for sheet in sheets if not sheet.hidden and has_data(sheet.cells)]
    if not candidates:
        message = "No visible sheet in the file has any data in it."
        if any(sheet.hidden and has_data(sheet.cells) for sheet in sheets):
            message += " The data may be on a hidden sheet: unhide it, or copy the data to a visible sheet."
        return None, [Problem("empty-file", ERROR, message)]
    if len(candidates) == 1:
        return candidates[0], []
    return max(candidates, key=sheet_score), []


def sheet_score(sheet: RawSheet) -> float:
    """numeric-looking cells x rows with 3+ filled cells, raised or lowered by the sheet's name."""
    cells = sheet.cells.iloc[:SCORED_ROWS]
    stripped = cells.apply(lambda column: column.str.strip())
    filled = stripped.ne("")
    numeric = stripped.apply(lambda column: column.str.fullmatch(NUMERIC_LOOKING).fillna(False)) & filled
    score = float(numeric.to_numpy().sum()) * float((filled.sum(axis=1) >= 3).sum())
    score += filled.to_numpy().sum() / 1000  # between sheets without numbers, prefer the fuller one
    if NOT_DATA_NAME.search(sheet.name):
        return score * 0.05
    if DATA_NAME.search(sheet.name):
        return score * 4
    return score
