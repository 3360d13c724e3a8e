"""A publisher's conventions, worked out from the sheets before the pipeline reads them. Pure."""

from releases import published
from requests_app.ingest.read import read_file


def prepared(text: str, expected_unit: str = published.PERSONS):
    sheets, _ = read_file(text.encode(), "table.csv")
    return published.prepare(sheets, expected_unit=expected_unit)


WIDE = """Immigration and emigration, year ending December 2023
Figures are in thousands
,,,
Year ending,Immigration,Emigration,Net migration
Dec 2023,1218,532,686
"""


def test_a_file_in_thousands_says_so_and_its_counts_are_multiplied_out():
    _, publication, problems = prepared(WIDE)
    assert publication.unit == published.THOUSANDS and publication.factor == 1000
    assert not [p for p in problems if p.severity == "error"]


def test_a_net_migration_column_is_set_aside_as_a_balance_not_a_count():
    sheets, publication, problems = prepared(WIDE)
    assert publication.balances == ["Net migration"]
    assert "686" not in set(sheets[0].cells.stack())
    assert "1218" in set(sheets[0].cells.stack())
    assert any(p.type == "set-aside" and "balance" in p.message for p in problems)


def test_a_table_from_a_source_printed_in_thousands_that_does_not_say_its_unit_is_refused():
    text = "Year ending,Immigration,Emigration\nDec 2023,1218,532\n"
    _, publication, problems = prepared(text, expected_unit=published.THOUSANDS)
    assert publication.unit == ""
    assert [p.type for p in problems if p.severity == "error"] == ["unit-unknown"]


def test_the_same_table_from_a_source_of_persons_is_read_as_persons():
    _, publication, problems = prepared("Year ending,Immigration\nDec 2023,1218\n")
    assert publication.factor == 1 and not problems


def test_rounding_to_the_nearest_thousand_is_not_a_statement_that_figures_are_in_thousands():
    text = "Figures are rounded to the nearest thousand.\n,,\nYear,Count\n2023,12000\n"
    _, publication, _ = prepared(text)
    assert publication.unit == "" and publication.declared.rounding == 1000


def test_nomis_units_line_says_persons():
    text = '"Units      :","Persons"\n\n"ward","mnemonic","All persons"\n"Northgate","E05009901",148\n'
    _, publication, _ = prepared(text)
    assert publication.unit == published.PERSONS


def test_lower_and_upper_bounds_under_a_merged_interval_heading_are_set_aside():
    text = ",,95% confidence interval,\nNationality,Estimate,Lower,Upper\nPolish,30,25,35\nIndian,40,33,47\n"
    sheets, publication, _ = prepared(text)
    assert len(publication.intervals) == 2
    assert len(sheets[0].cells.columns) == 2


def test_a_status_column_marks_provisional_rows_and_is_not_a_dimension():
    text = "Period,Flow,Estimate,Status\nYE Jun 23,Immigration,1000,Updated\nYE Jun 24,Immigration,900,Provisional\n"
    sheets, publication, _ = prepared(text)
    assert publication.provisional and publication.provisional_rows == 1
    assert "Provisional" not in set(sheets[0].cells.stack())


def test_an_immigration_status_column_is_not_taken_for_an_estimates_status():
    text = "Status,Count\nRefugee,12\nAsylum seeker,30\n"
    sheets, publication, _ = prepared(text)
    assert not publication.provisional and "Refugee" in set(sheets[0].cells.stack())


def test_a_note_saying_the_estimates_are_provisional_marks_the_release():
    text = "These estimates are provisional and will be revised.\n,\nYear,Count\n2024,10\n"
    _, publication, _ = prepared(text)
    assert publication.provisional


def test_a_column_holding_one_total_selection_on_every_row_is_a_filter_not_total_rows():
    text = "geography,Rural Urban,Count\nNorthgate,Total,10\nSouthbank,Total,12\n"
    sheets, _, _ = prepared(text)
    assert "Total" not in set(sheets[0].cells.stack())
