"""The data-collection template an agency fills in: exact headers, dropdowns from code lists, no injection."""

import csv
import io

import pytest
from openpyxl import load_workbook
from openpyxl.utils.cell import range_to_tuple

from requests_app.collection_template import (
    CodeList,
    TemplateColumn,
    TemplateSpec,
    build_csv,
    build_xlsx,
    csv_filename,
    neutralise,
    xlsx_filename,
)

AGE_BANDS = [("0-4", "Under 5"), ("5-10", "5 to 10"), ("11-15", "11 to 15"), ("16-17", "16 or 17")]
WARDS = [("E05000001", "Abbey"), ("E05000002", "Brook"), ("E05000003", "Castle")]
NATIONALITIES = [("PL", "Poland"), ("RO", "Romania"), ("UA", "Ukraine")]


def make_spec(**changes) -> TemplateSpec:
    values = dict(
        title="Pupils by nationality and ward, 2025/26",
        reference="REQ-2026-0042",
        agency="Testborough schools",
        columns=[
            TemplateColumn("Nationality", "nationality", "ISO country code; see Allowed codes"),
            TemplateColumn("Ward", "ward", "Ward GSS code"),
            TemplateColumn("Age band", "age_band", "One of the age bands"),
            TemplateColumn("Quarter", "quarter", "e.g. 2025-Q3"),
            TemplateColumn("Count", None, "Number of pupils"),
        ],
        code_lists=[
            CodeList("Nationality", "Nationalities", NATIONALITIES, closed=False),
            CodeList("Ward", "Wards", WARDS),
            CodeList("Age band", "Age bands", AGE_BANDS),
        ],
        instructions=[
            "One row per combination of nationality, ward, age band and quarter.",
            "Leave out combinations with no pupils.",
        ],
        threshold=10,
    )
    values.update(changes)
    return TemplateSpec(**values)


def load(spec: TemplateSpec):
    return load_workbook(io.BytesIO(build_xlsx(spec)))


def header_of(ws) -> list:
    return [cell.value for cell in ws[1]]


def validations_by_column(ws) -> dict:
    """Map column letter -> DataValidation, checking each validation covers exactly rows 2..5000."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            assert (cell_range.min_row, cell_range.max_row) == (2, 5000)
            assert cell_range.min_col == cell_range.max_col
            found[cell_range.coord[0]] = dv
    return found


def resolve(wb, formula: str) -> list:
    sheet_name, (min_col, min_row, max_col, max_row) = range_to_tuple(formula)
    assert min_col == max_col
    ws = wb[sheet_name]
    return [ws.cell(row, min_col).value for row in range(min_row, max_row + 1)]


def all_cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def test_the_data_sheet_is_first_and_active_with_exactly_the_spec_headers_in_row_1():
    spec = make_spec()
    wb = load(spec)
    assert wb.sheetnames[0] == "Data"
    assert wb.active.title == "Data"
    assert header_of(wb["Data"]) == [c.header for c in spec.columns]
    assert all(cell.font.bold for cell in wb["Data"][1])
    assert wb["Data"].freeze_panes == "A2"
    assert wb["Data"].max_row == 1


def test_the_workbook_has_the_three_sheets_and_its_properties():
    wb = load(make_spec())
    assert wb.sheetnames == ["Data", "Allowed codes", "Instructions"]
    assert wb.properties.title == "Pupils by nationality and ward, 2025/26"
    assert wb.properties.creator == "Migration data tracker"


def test_the_csv_header_is_exactly_the_spec_headers_with_a_bom_and_crlf():
    spec = make_spec()
    raw = build_csv(spec)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.endswith(b"\r\n") and raw.count(b"\n") == 1
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows == [[c.header for c in spec.columns]]


def test_the_csv_keeps_commas_and_accents_in_headers_intact():
    columns = [TemplateColumn("Région, départ", "region"), TemplateColumn("Count", None)]
    spec = make_spec(columns=columns, code_lists=[])
    rows = list(csv.reader(io.StringIO(build_csv(spec).decode("utf-8-sig"))))
    assert rows == [["Région, départ", "Count"]]


def test_each_closed_code_list_becomes_a_list_validation_over_exactly_its_codes():
    wb = load(make_spec())
    validations = validations_by_column(wb["Data"])
    for letter, codes, title in [("B", WARDS, "Wards"), ("C", AGE_BANDS, "Age bands")]:
        dv = validations[letter]
        assert dv.type == "list"
        assert dv.formula1.startswith("'Allowed codes'!$")
        assert resolve(wb, dv.formula1) == [code for code, _ in codes]
        assert dv.showErrorMessage and title in dv.error


def test_an_open_code_list_gets_no_validation():
    wb = load(make_spec())
    validations = validations_by_column(wb["Data"])
    assert "A" not in validations  # Nationality: examples only
    assert "D" not in validations  # Quarter: no code list at all


def test_a_closed_list_for_a_column_not_in_the_template_adds_no_validation():
    spec = make_spec(code_lists=[CodeList("Sex", "Sexes", [("F", "Female"), ("M", "Male")])])
    assert set(validations_by_column(load(spec)["Data"])) == {"E"}


def test_the_count_column_takes_whole_numbers_of_zero_or_more_and_mentions_the_threshold():
    dv = validations_by_column(load(make_spec())["Data"])["E"]
    assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0")
    assert "10" in dv.prompt and dv.showInputMessage


def test_codes_and_labels_sit_on_the_allowed_codes_sheet_in_blocks_side_by_side():
    ws = load(make_spec())["Allowed codes"]
    assert [ws["A1"].value, ws["D1"].value, ws["G1"].value] == ["Nationalities", "Wards", "Age bands"]
    assert ws["A1"].font.bold
    assert [ws["D2"].value, ws["E2"].value] == ["Code", "Label"]
    assert [(ws.cell(r, 7).value, ws.cell(r, 8).value) for r in range(3, 7)] == AGE_BANDS
    assert ws["F3"].value is None  # the gap column keeps the blocks apart


def test_the_instructions_give_the_reference_agency_threshold_and_each_column_note():
    spec = make_spec(threshold=7)
    text = "\n".join(str(c.value) for c in load(spec)["Instructions"]["A"] if c.value)
    assert text.startswith(spec.title)
    assert "REQ-2026-0042" in text and "Testborough schools" in text
    assert all(line in text for line in spec.instructions)
    assert "below 7" in text and "real number" in text and "suppresses" in text
    assert all(f"{c.header}: {c.note}" in text for c in spec.columns)


def test_formula_looking_text_from_the_spec_is_neutralised_everywhere():
    evil = '=HYPERLINK("http://evil.example","click")'
    spec = make_spec(
        title=evil,
        agency="+cmd|' /C calc'!A0",
        columns=[TemplateColumn("@SUM(1)", "x"), TemplateColumn("Count", None)],
        code_lists=[CodeList("@SUM(1)", "-2+3", [("A", evil), ("B", "fine")])],
        instructions=["=1+1"],
    )
    wb = load(spec)
    assert not [c.coordinate for c in all_cells(wb) if c.data_type == "f"]
    assert wb["Instructions"]["A1"].value == "'" + evil
    assert wb["Allowed codes"]["B3"].value == "'" + evil
    assert wb["Allowed codes"]["A1"].value == "'-2+3"
    assert header_of(wb["Data"]) == ["'@SUM(1)", "Count"]
    assert "'=1+1" in [c.value for c in wb["Instructions"]["A"]]
    rows = list(csv.reader(io.StringIO(build_csv(spec).decode("utf-8-sig"))))
    assert rows == [["'@SUM(1)", "Count"]]


def test_neutralise_leaves_ordinary_text_alone():
    assert neutralise("Age band") == "Age band"
    assert neutralise("0-4") == "0-4"
    assert neutralise("-5") == "'-5"
    assert neutralise("\t=1") == "'\t=1"


def test_filenames_are_safe_for_a_reference_with_odd_characters():
    spec = make_spec(reference='../REQ 2026/0042: "pupils" <ward>\\x')
    for name in (xlsx_filename(spec), csv_filename(spec)):
        assert not set(name) & set('/\\ :"<>')
        assert not name.startswith(".")
    assert xlsx_filename(spec).endswith("-template.xlsx")
    assert csv_filename(spec).endswith("-template.csv")


def test_filenames_use_the_reference_as_it_is_when_it_is_already_safe():
    spec = make_spec()
    assert xlsx_filename(spec) == "REQ-2026-0042-template.xlsx"
    assert csv_filename(spec) == "REQ-2026-0042-template.csv"


def test_a_reference_with_nothing_usable_still_gives_a_filename():
    assert xlsx_filename(make_spec(reference="///")) == "data-request-template.xlsx"


def test_ten_columns_and_three_hundred_countries_work():
    countries = [(f"C{i:03d}", f"Country {i}") for i in range(300)]
    columns = [TemplateColumn("Country", "country")] + [TemplateColumn(f"Field {i}", f"field_{i}") for i in range(8)]
    columns.append(TemplateColumn("Count", None))
    spec = make_spec(columns=columns, code_lists=[CodeList("Country", "Countries", countries)])
    wb = load(spec)
    assert header_of(wb["Data"]) == [c.header for c in columns]
    validations = validations_by_column(wb["Data"])
    assert resolve(wb, validations["A"].formula1) == [code for code, _ in countries]
    assert validations["J"].type == "whole"
    assert len(next(csv.reader(io.StringIO(build_csv(spec).decode("utf-8-sig"))))) == 10


def test_long_titles_are_clipped_to_what_excel_accepts_in_validation_messages():
    spec = make_spec(
        columns=[TemplateColumn("W" * 60, "ward"), TemplateColumn("Count", None)],
        code_lists=[CodeList("W" * 60, "L" * 300, WARDS)],
    )
    dv = validations_by_column(load(spec)["Data"])["A"]
    assert len(dv.errorTitle) <= 32 and len(dv.error) <= 225


def test_a_spec_with_duplicate_or_no_headers_is_refused():
    with pytest.raises(ValueError):
        build_xlsx(make_spec(columns=[TemplateColumn("Ward", "ward"), TemplateColumn("Ward", "ward")]))
    with pytest.raises(ValueError):
        build_csv(make_spec(columns=[]))
