"""Nomis query downloads of Census 2021 tables: the categories are the column headings, written
as Nomis shows them ("Europe: Poland", "Middle East and Asia: India", "Total: All usual
residents"), and the field they are categories of is named only in the table's title
("TS004 - Country of birth"). The returns pipeline reads a heading as a category of a field when
the heading names the field, as Nomis bulk files do ("Country of birth: Poland; measures:
Value"), so the headings are written in that form.

The period is a metadata line above the table ("Date       :","2021"), beside the population,
units and area type lines; the pipeline reads a period from a table's title when no column gives
one, so the date is added to the title ("TS004 - Country of birth, 2021"). Pure: sheets of text
in, sheets of text out."""

from __future__ import annotations

import re

from requests_app.ingest.read import RawSheet

# "TS004 - Country of birth", "TS004 - Country of birth (detailed)", "KS204EW - Country of birth"
_TITLE = re.compile(r"^\s*([A-Z]{2}\d{3}[A-Z]{0,2})\s+-\s+(.+?)\s*(?:\(.*\))?\s*$")
# The header of a Nomis query table: the area's column, then its code under "mnemonic".
_MNEMONIC = "mnemonic"
_DATE_LINE = re.compile(r"^date\s*:$", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_TITLE_ROWS = 3
_HEADER_ROWS = 30


def _title(sheet: RawSheet) -> tuple[int, int, str] | None:
    """(row, column, text) of a Nomis table's title ("TS004 - Country of birth")."""
    for row in sheet.cells.index[:_TITLE_ROWS]:
        for column, cell in sheet.cells.loc[row].items():
            if str(cell).strip():
                return (row, column, str(cell).strip()) if _TITLE.match(str(cell).strip()) else None
    return None


def _dated(sheet: RawSheet, title: tuple[int, int, str], header: int) -> RawSheet:
    """The sheet with its "Date :" line's period added to its title, when the title has none."""
    row, column, text = title
    if _YEAR.search(text):
        return sheet
    for line in sheet.cells.index[sheet.cells.index < header]:
        values = [str(v).strip() for v in sheet.cells.loc[line] if str(v).strip()]
        if len(values) == 2 and _DATE_LINE.match(values[0]):
            cells = sheet.cells.copy()
            cells.at[row, column] = f"{text}, {values[1]}"
            return RawSheet(sheet.name, sheet.hidden, cells, list(sheet.merged), sheet.pivot)
    return sheet


def _category(heading: str) -> str:
    """The category a Nomis heading names: its last part, or Total for a heading of a total."""
    parts = [part.strip() for part in heading.split(":")]
    return "Total" if parts[0].casefold() == "total" else parts[-1]


def with_nomis_metadata(sheets: list[RawSheet]) -> list[RawSheet]:
    """Each Nomis query sheet with its "Date :" line in its title and, when its headings are
    categories ("Europe: Poland"), the field of its title put in front of them ("Country of
    birth: Poland"); any other sheet as it was."""
    out = []
    for sheet in sheets:
        title = _title(sheet)
        topic = _TITLE.match(title[2]).group(2) if title else ""
        cells = sheet.cells
        header = next(
            (
                row
                for row in cells.index[:_HEADER_ROWS]
                if any(str(v).strip().casefold() == _MNEMONIC for v in cells.loc[row])
            ),
            None,
        )
        if not topic or header is None:
            out.append(sheet)
            continue
        sheet = _dated(sheet, title, header)
        cells = sheet.cells
        values = [str(v).strip() for v in cells.loc[header]]
        after = values.index(next(v for v in values if v.casefold() == _MNEMONIC)) + 1
        headings = values[after:]
        # Headings of categories under broader ones carry a colon; a table of plain headings
        # ("All persons", "Female", "Male") is read as it is.
        if not any(":" in h for h in headings) or any(topic.casefold() in h.casefold() for h in headings):
            out.append(sheet)
            continue
        cells = cells.copy()
        for offset, heading in enumerate(headings):
            if heading:
                cells.at[header, cells.columns[after + offset]] = f"{topic}: {_category(heading)}"
        out.append(RawSheet(sheet.name, sheet.hidden, cells, list(sheet.merged), sheet.pivot))
    return out
