"""Sheets built by hand and the one table found on each, for the header and layout tests."""

import io
from pathlib import Path

import openpyxl
import pandas as pd

from requests_app.ingest.headers import Table
from requests_app.ingest.layout import locate_tables
from requests_app.ingest.read import RawSheet

FIXTURES = Path(__file__).parent / "fixtures"


def sheet_of(rows: list[list], name: str = "Data") -> RawSheet:
    """A sheet as read_file would give it: text cells, "" when empty, rows numbered from 1."""
    width = max(len(row) for row in rows)
    padded = [[str(cell) for cell in row] + [""] * (width - len(row)) for row in rows]
    return RawSheet(name, False, pd.DataFrame(padded, index=range(1, len(rows) + 1), dtype=str))


def locate_table(sheet: RawSheet) -> tuple[Table | None, list]:
    """The one table on a sheet, with its problems; None and why when there is none."""
    found, problems = locate_tables(sheet)
    if not found:
        return None, problems
    assert len(found) == 1, [item.table.labels for item in found]
    return found[0].table, problems + found[0].problems


def table_of(rows: list[list]) -> Table:
    table, problems = locate_table(sheet_of(rows))
    assert problems == []
    return table


def body_rows(table: Table) -> list[list[str]]:
    return table.body.values.tolist()


def workbook_bytes(rows: list[list], title: str = "Data") -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.title = title
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
