"""Data-collection templates an agency downloads, fills in with aggregate counts and uploads back.

Pure on purpose (openpyxl and the standard library, no Django): the request views build a
TemplateSpec from the catalogue, and the returns pipeline can rebuild the same spec to check an
upload against exactly what was asked for. The pipeline reads the header from row 1 of the first
sheet (or the first CSV line), so nothing may ever be written above it.
"""

import csv
import io
import re
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from project.lib.spreadsheet import neutralise as neutralise_cell

DATA_SHEET, CODES_SHEET, INSTRUCTIONS_SHEET = "Data", "Allowed codes", "Instructions"
LAST_ROW = 5000  # validations cover rows 2..LAST_ROW: far more rows than an aggregate return needs
CREATOR = "Migration data tracker"
BOLD = Font(bold=True)

# Excel rejects the whole file ("We found a problem with some content") if these are exceeded.
MAX_TITLE, MAX_PROMPT, MAX_ERROR = 32, 255, 225


@dataclass(frozen=True)
class TemplateColumn:
    header: str  # the column heading, e.g. "Nationality"
    field_code: str | None  # canonical field code; None marks a count column
    note: str = ""  # what to write, e.g. "ISO country code or name; see Allowed codes"


@dataclass(frozen=True)
class CodeList:
    column: str  # the header of the column these codes apply to
    title: str  # e.g. "Age bands"
    codes: list[tuple[str, str]]  # (code, label)
    closed: bool = True  # True: only these values allowed (dropdown); False: guidance only


@dataclass(frozen=True)
class TemplateSpec:
    title: str
    reference: str
    agency: str
    columns: list[TemplateColumn]
    code_lists: list[CodeList]
    instructions: list[str]
    threshold: int


def neutralise(text) -> str:
    """Make spec text inert in a spreadsheet; the pipeline can apply this to compare headers."""
    return neutralise_cell("" if text is None else str(text))


def _check(spec: TemplateSpec) -> None:
    # The returns pipeline matches columns by header, so an ambiguous header can't be validated.
    headers = [c.header for c in spec.columns]
    if not headers:
        raise ValueError("a template needs at least one column")
    if len(set(headers)) != len(headers):
        raise ValueError(f"duplicate column headers: {headers}")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _write_codes(ws, spec: TemplateSpec) -> dict[str, tuple[CodeList, str]]:
    """Lay the lists side by side (code, label, gap) so each list's codes are one contiguous range.

    Returns, per column header, the first closed list for it and the absolute range of its codes.
    """
    ranges: dict[str, tuple[CodeList, str]] = {}
    for i, code_list in enumerate(spec.code_lists):
        col = 1 + 3 * i
        code_letter, label_letter = get_column_letter(col), get_column_letter(col + 1)
        ws.cell(1, col, neutralise(code_list.title)).font = BOLD
        ws.cell(2, col, "Code").font = BOLD
        ws.cell(2, col + 1, "Label").font = BOLD
        for row, (code, label) in enumerate(code_list.codes, start=3):
            ws.cell(row, col, neutralise(code))
            ws.cell(row, col + 1, neutralise(label))
        longest = max([len(str(c)) for c, _ in code_list.codes] + [len(code_list.title), 4])
        ws.column_dimensions[code_letter].width = min(max(longest, 10) + 2, 30)
        ws.column_dimensions[label_letter].width = min(max([len(str(lb)) for _, lb in code_list.codes] + [10]) + 2, 50)
        ws.column_dimensions[get_column_letter(col + 2)].width = 3
        # An empty list would make an invalid range; Excel allows one validation per cell, so first list wins.
        if code_list.closed and code_list.codes and code_list.column not in ranges:
            last = 2 + len(code_list.codes)
            ref = f"{quote_sheetname(CODES_SHEET)}!${code_letter}$3:${code_letter}${last}"
            ranges[code_list.column] = (code_list, ref)
    return ranges


def _write_data(ws, spec: TemplateSpec, ranges: dict[str, tuple[CodeList, str]]) -> None:
    for col, column in enumerate(spec.columns, start=1):
        cell = ws.cell(1, col, neutralise(column.header))
        cell.font = BOLD
        if column.note:
            cell.comment = Comment(column.note, CREATOR)
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = min(max(len(column.header), 10) + 4, 40)
        cells = f"{letter}2:{letter}{LAST_ROW}"
        if column.header in ranges:
            code_list, ref = ranges[column.header]
            dv = DataValidation(type="list", formula1=ref, allow_blank=True)
            dv.errorTitle = _clip(f"Not an allowed {column.header}", MAX_TITLE)
            dv.error = _clip(f"Use a code from the '{code_list.title}' list on the '{CODES_SHEET}' sheet.", MAX_ERROR)
        elif column.field_code is None:
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
            dv.errorTitle = "Not a count"
            dv.error = "Enter a whole number, 0 or more."
            dv.promptTitle = "Count"
            dv.prompt = _clip(
                f"Whole number, 0 or more. Enter the real count even if it is below {spec.threshold}: "
                "the council suppresses small numbers before anything is published.",
                MAX_PROMPT,
            )
            dv.showInputMessage = True
        else:
            continue
        dv.showErrorMessage = True
        dv.add(cells)
        ws.add_data_validation(dv)
    ws.freeze_panes = "A2"


def _write_instructions(ws, spec: TemplateSpec) -> None:
    lines = [
        (spec.title, Font(bold=True, size=14)),
        (f"Reference: {spec.reference}", BOLD),
        (f"Agency: {spec.agency}", None),
        ("", None),
        *[(line, None) for line in spec.instructions],
        (
            f"Enter every count as the real number, even when it is below {spec.threshold}. Do not write "
            f"'<{spec.threshold}', '*' or leave it blank: the council suppresses small numbers before anything "
            "is published.",
            BOLD,
        ),
        ("", None),
        (f"Columns on the '{DATA_SHEET}' sheet:", BOLD),
        *[
            (
                f"{c.header}: {c.note or 'see the allowed codes'}"
                if c.field_code
                else f"{c.header}: {c.note or 'the count, a whole number'}",
                None,
            )
            for c in spec.columns
        ],
    ]
    for row, (text, font) in enumerate(lines, start=1):
        cell = ws.cell(row, 1, neutralise(text))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if font:
            cell.font = font
    ws.column_dimensions["A"].width = 100


def build_xlsx(spec: TemplateSpec) -> bytes:
    _check(spec)
    wb = Workbook()
    data = wb.active
    data.title = DATA_SHEET
    codes = wb.create_sheet(CODES_SHEET)
    _write_data(data, spec, _write_codes(codes, spec))
    _write_instructions(wb.create_sheet(INSTRUCTIONS_SHEET), spec)
    wb.active = 0  # the agency should land on the sheet they fill in
    wb.properties.title = spec.title
    wb.properties.creator = CREATOR
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build_csv(spec: TemplateSpec) -> bytes:
    # The BOM makes Excel read UTF-8 (accented place names); CRLF is what RFC 4180 and Excel expect.
    _check(spec)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([neutralise(c.header) for c in spec.columns])
    return out.getvalue().encode("utf-8-sig")


def _safe_stem(reference: str) -> str:
    # Only characters that are safe in a path and a Content-Disposition header on every platform.
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", reference or "").strip("-_")[:80].strip("-_")
    return stem or "data-request"


def xlsx_filename(spec: TemplateSpec) -> str:
    return f"{_safe_stem(spec.reference)}-template.xlsx"


def csv_filename(spec: TemplateSpec) -> str:
    return f"{_safe_stem(spec.reference)}-template.csv"
