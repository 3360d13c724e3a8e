"""Reading returned files into sheets of text, and picking the sheet that holds the data."""

import datetime
import io
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from requests_app.ingest.problems import ERROR, WARNING
from requests_app.ingest.read import Merge, RawSheet, cell_text, read_file
from requests_app.ingest.sheets import pick_sheet

FIXTURES = Path(__file__).parent / "fixtures"


def only_sheet(data: bytes, filename: str = "return.csv") -> RawSheet:
    sheets, problems = read_file(data, filename)
    assert problems == []
    assert len(sheets) == 1
    return sheets[0]


def rows_of(sheet: RawSheet) -> list[list[str]]:
    return sheet.cells.values.tolist()


def xlsx_bytes(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def types_of(problems) -> list[str]:
    return [problem.type for problem in problems]


# --- CSV: encodings ------------------------------------------------------------------------------


def test_a_utf8_csv_with_a_byte_order_mark_is_read_without_the_mark():
    sheet = only_sheet("\ufeffNationality,Count\nAfghanistan,12\n".encode("utf-8"))
    assert rows_of(sheet) == [["Nationality", "Count"], ["Afghanistan", "12"]]


def test_a_plain_utf8_csv_keeps_accented_letters_and_symbols():
    sheet = only_sheet("Nationality,Count\nCôte d’Ivoire,5\nSão Tomé,£3\n".encode())
    assert rows_of(sheet)[1:] == [["Côte d’Ivoire", "5"], ["São Tomé", "£3"]]


def test_a_windows_1252_csv_with_a_pound_sign_and_an_en_dash_is_read_as_cp1252():
    data = "Age band,Cost\n16–17,£1,200\n".replace("£1,200", '"£1,200"').encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    sheet = only_sheet(data)
    assert rows_of(sheet) == [["Age band", "Cost"], ["16–17", "£1,200"]]


def test_a_utf16_unicode_text_export_from_excel_is_read():
    sheet = only_sheet("Ward\tCount\r\nAdur\t7\r\n".encode("utf-16"), "return.txt")
    assert rows_of(sheet) == [["Ward", "Count"], ["Adur", "7"]]


# --- CSV: delimiters and cells -------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_detected_among_comma_semicolon_tab_and_pipe(delimiter):
    text = "\n".join(delimiter.join(row) for row in [["Ward", "Sex", "Count"], ["Adur", "F", "12"], ["Arun", "M", "7"]])
    sheet = only_sheet(text.encode())
    assert rows_of(sheet) == [["Ward", "Sex", "Count"], ["Adur", "F", "12"], ["Arun", "M", "7"]]


def test_a_semicolon_file_with_decimal_commas_is_split_on_the_semicolons():
    sheet = only_sheet(b"Ward;Rate;Count\nAdur;1,5;12\nArun;2,25;7\n")
    assert rows_of(sheet) == [["Ward", "Rate", "Count"], ["Adur", "1,5", "12"], ["Arun", "2,25", "7"]]


def test_na_meaning_namibia_stays_na_and_no_cell_is_ever_missing():
    sheet = only_sheet(b"Code,Country,Count\nNA,Namibia,3\nNAN,,null\n")
    assert rows_of(sheet) == [["Code", "Country", "Count"], ["NA", "Namibia", "3"], ["NAN", "", "null"]]
    assert not sheet.cells.isna().any().any()


def test_cells_are_not_trimmed_and_leading_zeros_are_kept():
    sheet = only_sheet(b"School,URN\n St Mary's ,007\n")
    assert rows_of(sheet)[1] == [" St Mary's ", "007"]


def test_blank_lines_keep_their_row_numbers():
    sheet = only_sheet(b"Title\n\nWard,Count\nAdur,1\n\nArun,2\n")
    assert sheet.cells.index.tolist() == [1, 2, 3, 4, 5, 6]
    assert sheet.cells.loc[6].tolist() == ["Arun", "2"]
    assert sheet.cells.loc[2].tolist() == ["", ""]


def test_rows_of_unequal_length_are_padded_with_empty_cells():
    sheet = only_sheet(b"Table 1\nWard,Sex,Count\nAdur,F\nArun,M,7,extra\n")
    assert rows_of(sheet) == [
        ["Table 1", "", "", ""],
        ["Ward", "Sex", "Count", ""],
        ["Adur", "F", "", ""],
        ["Arun", "M", "7", "extra"],
    ]


def test_a_quoted_cell_over_two_lines_is_one_spreadsheet_row_with_its_line_ending_normalised():
    sheet = only_sheet(b'Ward,"Internal Migration\r\n (within UK)"\r\nAdur,5\r\n')
    assert sheet.cells.index.tolist() == [1, 2]
    assert sheet.cells.loc[1, 1] == "Internal Migration\n (within UK)"


def test_a_quote_left_open_to_the_end_of_the_file_does_not_stop_the_file_being_read():
    sheet = only_sheet(b'Ward,Count\nAdur,"1\nArun,2\n')
    assert sheet.cells.loc[1].tolist() == ["Ward", "Count"]
    assert sheet.cells.loc[2, 0] == "Adur"


def test_a_csv_takes_the_file_name_as_its_sheet_name_as_excel_shows_it():
    sheets, _ = read_file(b"Ward,Count\nAdur,1\n", "police_return_2024.csv")
    assert sheets[0].name == "police_return_2024"
    assert sheets[0].hidden is False


@pytest.mark.parametrize("filename", ["export.dat", "export", "return.json"])
def test_text_with_an_extension_the_upload_form_refuses_is_refused_here_too(filename):
    sheets, problems = read_file(b"Ward;Count\nAdur;1\n", filename)
    assert sheets == [] and types_of(problems) == ["unreadable-file"]
    assert "Upload a CSV, Excel or OpenDocument file" in problems[0].message


def test_the_csv_reader_uses_pandas_fast_c_engine(monkeypatch):
    # A million-row return must read in seconds: the python engine would take minutes.
    engines = []
    real_read_csv = pd.read_csv

    def spy(*args, **kwargs):
        engines.append(kwargs.get("engine"))
        return real_read_csv(*args, **kwargs)

    monkeypatch.setattr(pd, "read_csv", spy)
    rows = "\n".join(f"E0{i:07d},Ward {i},{i % 97}" for i in range(5000))
    sheet = only_sheet(("Code,Name,Count\n" + rows).encode())
    assert sheet.cells.shape == (5001, 3)
    assert engines == ["c"]


def test_a_csv_with_a_title_line_above_the_header_still_uses_the_c_engine(monkeypatch):
    engines = []
    real_read_csv = pd.read_csv
    monkeypatch.setattr(pd, "read_csv", lambda *a, **k: engines.append(k["engine"]) or real_read_csv(*a, **k))
    sheet = only_sheet(b"Pupils by ethnicity\nLA,Ethnicity,Headcount\n201,Indian,12\n")
    assert sheet.cells.shape == (3, 3)
    assert set(engines) == {"c"}


# --- empty and unreadable files ------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b",,,\n,,,\n", b" , \n"])
def test_a_csv_without_any_value_is_an_empty_file(data):
    _, problems = read_file(data, "return.csv")
    assert types_of(problems) == ["empty-file"]
    assert problems[0].severity == ERROR


@pytest.mark.parametrize("filename", ["return.xlsx", "return.csv", "return.ods", "return"])
def test_garbage_bytes_are_an_unreadable_file_that_names_the_accepted_formats(filename):
    sheets, problems = read_file(b"\x00\x01PK garbage", filename)
    assert sheets == []
    assert types_of(problems) == ["unreadable-file"]
    assert problems[0].severity == ERROR
    assert "CSV" in problems[0].message and ".xlsx" in problems[0].message and ".ods" in problems[0].message


def test_an_old_xls_workbook_is_unreadable_with_advice_to_save_as_xlsx():
    _, problems = read_file(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "return.xls")
    assert types_of(problems) == ["unreadable-file"]
    assert ".xls" in problems[0].message and "CSV UTF-8" in problems[0].message


def test_a_zip_that_is_not_a_workbook_is_unreadable():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    _, problems = read_file(buffer.getvalue(), "return.xlsx")
    assert types_of(problems) == ["unreadable-file"]


def test_a_damaged_xlsx_is_unreadable_rather_than_a_crash():
    data = xlsx_bytes(openpyxl.Workbook())
    _, problems = read_file(data[: len(data) // 2], "return.xlsx")
    assert types_of(problems) == ["unreadable-file"]


# --- XLSX ----------------------------------------------------------------------------------------


def home_office_workbook() -> bytes:
    """Cover, Contents, a hidden sheet with data, then the data sheet: the Home Office layout."""
    workbook = openpyxl.Workbook()
    cover = workbook.active
    cover.title = "Cover_sheet"
    for line in ["Irregular Migration Statistics", "Published: 23 November 2023", "Crown copyright © 2023"]:
        cover.append([line])
    contents = workbook.create_sheet("Contents")
    contents.append(["Table", "Description"])
    contents.append(["Data - Table 1", "Detected attempts to enter the UK irregularly"])
    contents.append(["End of contents"])
    workings = workbook.create_sheet("Workings")
    workings.sheet_state = "hidden"
    for i in range(20):
        workings.append([f"Area {i}", i, i * 2, i * 3, i * 4])
    data = workbook.create_sheet("Data - Table 1")
    data.append(["Detected attempts to enter the UK irregularly, 2018 to 2023 - dataset"])
    data.append(["Year", "Quarter", "Nationality", "Sex", "Number of detections"])
    data.append([2018, "2018 Q1", "Afghanistan", "Female", 14.0])
    data.append([2018, "2018 Q1", "Afghanistan", "Male", 21])
    data.append([])
    data.append([2018, "2018 Q2", "Albania", "Female", 3])
    data.append(["End of table"])
    data.append(["Source: Home Office, Irregular migration statistics"])
    return xlsx_bytes(workbook)


def test_every_sheet_of_a_workbook_is_read_and_hidden_ones_are_marked():
    sheets, _ = read_file(home_office_workbook(), "irregular-migration.xlsx")
    assert [(sheet.name, sheet.hidden) for sheet in sheets] == [
        ("Cover_sheet", False),
        ("Contents", False),
        ("Workings", True),
        ("Data - Table 1", False),
    ]


def test_a_hidden_sheet_with_data_gives_a_warning_and_is_not_picked():
    sheets, problems = read_file(home_office_workbook(), "irregular-migration.xlsx")
    assert types_of(problems) == ["hidden-sheet"]
    assert problems[0].severity == WARNING
    assert problems[0].sheet == "Workings"
    assert '"Workings" is hidden and was not read; unhide it if it holds the data' in problems[0].message
    picked, pick_problems = pick_sheet(sheets)
    assert picked.name == "Data - Table 1"
    assert pick_problems == []


def test_a_very_hidden_sheet_counts_as_hidden_and_an_empty_hidden_sheet_is_not_reported():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Ward", "Count"])
    workbook.active.append(["Adur", 1])
    secret = workbook.create_sheet("Lists")
    secret.sheet_state = "veryHidden"
    secret.append(["F", "M"])
    workbook.create_sheet("Spare").sheet_state = "hidden"
    sheets, problems = read_file(xlsx_bytes(workbook), "return.xlsx")
    assert [sheet.hidden for sheet in sheets] == [False, True, True]
    assert [problem.sheet for problem in problems] == ["Lists"]


def test_the_data_sheet_keeps_the_row_numbers_and_cells_the_sender_sees():
    sheets, _ = read_file(home_office_workbook(), "irregular-migration.xlsx")
    data = sheets[3].cells
    assert data.index.tolist() == list(range(1, 9))
    assert data.loc[3].tolist() == ["2018", "2018 Q1", "Afghanistan", "Female", "14"]
    assert data.loc[5].tolist() == ["", "", "", "", ""]
    assert data.loc[7, 0] == "End of table"


def test_workbook_values_are_written_as_text_the_way_the_sender_reads_them():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["whole float", 12.0, "float", 0.5, "computed", 0.1 + 0.2])
    sheet.append(["date", datetime.datetime(2023, 4, 1), "datetime", datetime.datetime(2023, 4, 1, 9, 30)])
    sheet.append(["true", True, "empty", None, "negative", -3.0, "big", 51815853.0])
    sheet.append(["text", "Line one\r\nline two", "NA", "NA", "zero", "007"])
    cells = only_sheet(xlsx_bytes(workbook), "return.xlsx").cells
    assert cells.loc[1].tolist()[:6] == ["whole float", "12", "float", "0.5", "computed", "0.3"]
    assert cells.loc[2].tolist()[:4] == ["date", "2023-04-01", "datetime", "2023-04-01 09:30:00"]
    assert cells.loc[3].tolist() == ["true", "TRUE", "empty", "", "negative", "-3", "big", "51815853"]
    assert cells.loc[4].tolist()[:6] == ["text", "Line one\nline two", "NA", "NA", "zero", "007"]
    assert not cells.isna().any().any()


def test_a_table_away_from_the_corner_keeps_its_row_numbers_and_column_positions():
    workbook = openpyxl.Workbook()
    workbook.active["C4"] = "Ward"
    workbook.active["D4"] = "Count"
    workbook.active["C5"] = "Adur"
    workbook.active["D5"] = 3
    cells = only_sheet(xlsx_bytes(workbook), "return.xlsx").cells
    assert cells.index.tolist() == [1, 2, 3, 4, 5]
    assert cells.loc[5].tolist() == ["", "", "Adur", "3"]


def test_merged_ranges_are_read_in_the_row_numbers_and_column_positions_of_the_cells():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Pupils by ward"])
    sheet.append(["Ward", None, "Count"])
    sheet.append(["Code", "Name", None])
    sheet.merge_cells("A1:C1")
    sheet.merge_cells("A2:B2")
    sheet.merge_cells("C2:C3")
    (read,) = read_file(xlsx_bytes(workbook), "return.xlsx")[0]
    assert read.merged == [Merge(1, 0, 1, 2), Merge(2, 0, 2, 1), Merge(2, 2, 3, 2)]
    assert read.cells.loc[2].tolist() == ["Ward", "", "Count"], "covered cells read as empty"
    assert read.pivot is False


def with_pivot_table(data: bytes, sheet_file: str) -> bytes:
    """The workbook with a pivot table linked from one sheet, as Excel links it."""
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'pivotTable" Target="../pivotTables/pivotTable1.xml"/></Relationships>'
    )
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            out.writestr(item, source.read(item.filename))
        out.writestr("xl/pivotTables/pivotTable1.xml", "<pivotTableDefinition/>")
        out.writestr(f"xl/worksheets/_rels/{sheet_file}.rels", rels)
    return target.getvalue()


def test_a_sheet_holding_a_pivot_table_is_marked_as_such():
    workbook = openpyxl.Workbook()
    workbook.active.title = "Sheet1"
    workbook.active.append(["Nationality", "Count"])
    workbook.create_sheet("Sheet2").append(["Row Labels", "Sum of Count"])
    sheets, problems = read_file(with_pivot_table(xlsx_bytes(workbook), "sheet2.xml"), "return.xlsx")
    assert problems == []
    assert [(sheet.name, sheet.pivot) for sheet in sheets] == [("Sheet1", False), ("Sheet2", True)]


def test_cell_text_writes_whole_floats_without_a_decimal_point_whatever_their_type():
    assert cell_text(12.0) == "12"
    assert cell_text(np.float64(12.0)) == "12"
    assert cell_text(np.int64(12)) == "12"
    assert cell_text(1.5) == "1.5"
    assert cell_text(float("nan")) == ""
    assert cell_text(pd.NaT) == ""
    assert cell_text(pd.Timestamp("2023-04-01")) == "2023-04-01"
    assert cell_text(datetime.date(2023, 4, 1)) == "2023-04-01"


def test_a_column_mixing_booleans_and_numbers_keeps_each_as_written():
    workbook = openpyxl.Workbook()
    for row in (["Flag"], [True], [1], [False], [0], [1.5]):
        workbook.active.append(row)
    cells = only_sheet(xlsx_bytes(workbook), "return.xlsx").cells
    assert cells[0].tolist() == ["Flag", "TRUE", "1", "FALSE", "0", "1.5"]


def test_a_value_repeated_down_a_workbook_column_is_one_string_shared_by_its_cells():
    workbook = openpyxl.Workbook()
    for n in range(50):
        workbook.active.append(["Polish", n % 2])
    cells = only_sheet(xlsx_bytes(workbook), "return.xlsx").cells
    assert len({id(text) for text in cells[0]}) == 1 and len({id(text) for text in cells[1]}) == 2


def test_a_workbook_without_any_value_is_an_empty_file():
    _, problems = read_file(xlsx_bytes(openpyxl.Workbook()), "return.xlsx")
    assert types_of(problems) == ["empty-file"]


def test_an_xlsx_renamed_to_csv_is_still_read_as_a_workbook():
    sheets, problems = read_file(home_office_workbook(), "return.csv")
    assert len(sheets) == 4 and types_of(problems) == ["hidden-sheet"]


# --- ODS -----------------------------------------------------------------------------------------


def test_an_ods_file_written_by_pandas_reads_back_with_its_rows_and_values(tmp_path):
    path = tmp_path / "return.ods"
    frame = pd.DataFrame(
        {
            "Ward": ["Adur", "Arun"],
            "Count": [12.0, 7.5],
            "As at": [datetime.datetime(2023, 4, 1)] * 2,
            "Code": ["NA", "007"],
        }
    )
    with pd.ExcelWriter(path, engine="odf") as writer:
        frame.to_excel(writer, sheet_name="Data", index=False, startrow=2)
        pd.DataFrame({"Read me": ["Fill in the Data sheet"]}).to_excel(writer, sheet_name="Notes", index=False)
    sheets, problems = read_file(path.read_bytes(), path.name)
    assert problems == []
    assert [(sheet.name, sheet.hidden) for sheet in sheets] == [("Data", False), ("Notes", False)]
    cells = sheets[0].cells
    assert cells.index.tolist() == [1, 2, 3, 4, 5]
    assert cells.loc[3].tolist() == ["Ward", "Count", "As at", "Code"]
    assert cells.loc[4].tolist() == ["Adur", "12", "2023-04-01", "NA"]
    assert cells.loc[5].tolist() == ["Arun", "7.5", "2023-04-01", "007"]
    assert pick_sheet(sheets)[0].name == "Data"


def test_a_hidden_ods_sheet_is_marked_hidden(tmp_path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableProperties
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    hidden_style = Style(name="HiddenTable", family="table")
    hidden_style.addElement(TableProperties(display="false"))
    document.automaticstyles.addElement(hidden_style)
    for name, style in [("Data", None), ("Lookups", "HiddenTable")]:
        table = Table(name=name, stylename=style) if style else Table(name=name)
        for values in [["Ward", "Count"], ["Adur", "4"]]:
            row = TableRow()
            for value in values:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=value))
                row.addElement(cell)
            table.addElement(row)
        document.spreadsheet.addElement(table)
    path = tmp_path / "return.ods"
    document.save(str(path))
    sheets, problems = read_file(path.read_bytes(), "return.ods")
    assert [(sheet.name, sheet.hidden) for sheet in sheets] == [("Data", False), ("Lookups", True)]
    assert types_of(problems) == ["hidden-sheet"]


def test_merged_cells_and_pivot_tables_of_an_ods_file_are_read_after_repeated_rows_and_cells(tmp_path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, DataPilotTable, DataPilotTables, Table, TableCell, TableRow
    from odf.text import P

    def text_cell(value, **extra):
        cell = TableCell(valuetype="string", **extra)
        cell.addElement(P(text=value))
        return cell

    document = OpenDocumentSpreadsheet()
    data = Table(name="Data")
    data.addElement(TableRow(numberrowsrepeated=2))  # two blank rows written as one
    header = TableRow()
    header.addElement(TableCell(numbercolumnsrepeated=2))  # two blank cells written as one
    header.addElement(text_cell("Ward", numbercolumnsspanned=2, numberrowsspanned=1))
    header.addElement(CoveredTableCell())
    header.addElement(text_cell("Count", numbercolumnsspanned=1, numberrowsspanned=2))
    data.addElement(header)
    lower = TableRow()
    lower.addElement(TableCell(numbercolumnsrepeated=2))
    for value in ["Code", "Name"]:
        lower.addElement(text_cell(value))
    lower.addElement(CoveredTableCell())
    data.addElement(lower)
    document.spreadsheet.addElement(data)
    summary = Table(name="Pivot of data")
    row = TableRow()
    row.addElement(text_cell("Ward"))
    summary.addElement(row)
    document.spreadsheet.addElement(summary)
    pilots = DataPilotTables()
    pilots.addElement(
        DataPilotTable(name="DataPilot1", targetrangeaddress="'Pivot of data'.A1:'Pivot of data'.B5", buttons="")
    )
    document.spreadsheet.addElement(pilots)
    path = tmp_path / "return.ods"
    document.save(str(path))
    sheets, _ = read_file(path.read_bytes(), "return.ods")
    assert sheets[0].cells.loc[3].tolist() == ["", "", "Ward", "", "Count"]
    assert sheets[0].merged == [Merge(3, 2, 3, 3), Merge(3, 4, 4, 4)]
    assert [(sheet.name, sheet.pivot) for sheet in sheets] == [("Data", False), ("Pivot of data", True)]
