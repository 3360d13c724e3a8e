"""Categories across the columns become rows; total columns are set aside and reconciled with the
columns they sum. Pure: hand-built synonyms and reference, no database."""

import io
from datetime import date

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from requests_app.ingest import codes, headers, layout, read, tables, validate
from requests_app.ingest.problems import columns_named

SYNONYMS = {
    "nationality": ["Nationality", "nationality group"],
    "main-language": ["Main language", "language"],
    "ward": ["Ward or small area", "ward code", "ward name", "area code"],
    "period": ["Period", "quarter", "date"],
    "age": ["Age or age band", "age band"],
    "gender": ["Gender", "sex"],
    "level-of-study": ["Level of study", "course level"],
}
REFERENCE = codes.Reference(
    country_aliases={"polish": "PL", "poland": "PL", "pl": "PL", "romania": "RO", "ro": "RO", "british": "GB"},
    group_members=[("EU8", "PL", date(2004, 5, 1), None), ("EU2", "RO", date(2007, 1, 1), None)],
    residual_group="NON-EU",
    language_aliases={"polish": "pol", "arabic": "ara", "tigrinya": "tir"},
    gss_levels={"E05": "ward", "E06": "local-authority"},
)


def run(text: str, requested, level="ward", name="return.csv"):
    data = text.encode() if isinstance(text, str) else text
    context = validate.Context(
        requested=list(requested), aliases=SYNONYMS, geography_level=level, aggregate_only=True, reference=REFERENCE
    )
    return validate.run(data, name, context)


def errors(result):
    return [p.type for p in result.errors]


def workbook(rows, merges=()) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    for cells in merges:
        book.active.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_label_merged_over_columns_is_carried_across_them():
    data = workbook(
        [
            ["Course level", "Gender", None, None, "Total"],
            [None, "Male", "Female", "Other", None],
            ["ESOL", 1, 2, 3, 6],
        ],
        ["B1:D1", "A1:A2", "E1:E2"],
    )
    (sheet,), _ = read.read_file(data, "college.xlsx")
    [located], _ = layout.locate_tables(sheet)
    assert located.table.label_parts == [
        ("Course level",),
        ("Gender", "Male"),
        ("Gender", "Female"),
        ("Gender", "Other"),
        ("Total",),
    ]


def test_a_merged_gender_heading_makes_other_a_gender_and_the_total_is_set_aside():
    data = workbook(
        [
            ["Course level", "Gender", None, None, "Total"],
            [None, "Male", "Female", "Other", None],
            ["ESOL", 1, 2, 3, 6],
        ],
        ["B1:D1", "A1:A2", "E1:E2"],
    )
    result = run(data, ["level-of-study", "gender"], level="", name="college.xlsx")
    assert result.valid, result.errors
    assert sorted(result.observations["gender"]) == ["Female", "Male", "Other"]
    assert result.total == 6


def test_each_category_column_becomes_a_row_and_its_problems_name_its_column():
    result = run("Ward code,Girls,Boys\nE05000001,4,-2\nE05000002,x,5\n", ["ward", "gender"])
    assert errors(result) == ["constraint-error"]
    (negative,) = result.errors
    assert (negative.row, negative.column) == (2, "C")
    (suppressed,) = result.warnings
    assert (suppressed.type, suppressed.row, suppressed.column) == ("suppressed-cell", 3, "B")


def test_a_total_column_that_agrees_is_reported_as_checked_and_never_stored():
    result = run("Ward code,Girls,Boys,Total\nE05000001,4,5,9\nE05000002,6,1,7\n", ["ward", "gender"])
    assert result.valid and result.total == 16 and len(result.observations) == 4
    assert result.rows_read == 2, "the rows of the sheet, not the rows made from its columns"
    (checked,) = [p for p in result.warnings if p.type == "total-checked"]
    assert "2 rows agree" in checked.message and checked.column == "D"


def test_a_total_column_that_disagrees_blocks_the_file_with_both_figures():
    result = run("Ward code,Girls,Boys,Total\nE05000001,4,5,9\nE05000002,6,1,9\n", ["ward", "gender"])
    assert errors(result) == ["total-mismatch"]
    (mismatch,) = result.errors
    assert (mismatch.row, mismatch.column) == (3, "D")
    assert "says 9" in mismatch.message and "add up to 7" in mismatch.message


def test_a_gap_within_the_rounding_the_file_declares_agrees_and_one_beyond_it_blocks():
    csv = (
        "Ward code,Girls,Boys,Total\nE05000001,40,50,100\nE05000002,60,10,{}\n\n"
        "Figures are rounded to the nearest ten.\n"
    )
    assert run(csv.format(70), ["ward", "gender"]).valid
    result = run(csv.format(150), ["ward", "gender"])
    assert errors(result) == ["total-mismatch"] and "multiples of 10" in result.errors[0].message


def test_noise_the_file_declares_excuses_a_small_gap_but_not_a_large_one():
    csv = "Ward code,Girls,Boys,Total\nE05000001,40,50,{}\n\nTotals may not sum because of disclosure control.\n"
    assert run(csv.format(95), ["ward", "gender"]).valid
    result = run(csv.format(120), ["ward", "gender"])
    assert errors(result) == ["total-mismatch"] and "may not add up" in result.errors[0].message


def test_a_suppressed_part_lets_the_total_be_checked_only_as_far_as_the_marker_allows():
    csv = "Ward code,Girls,Boys,Total\nE05000001,<5,5,9\nE05000002,<5,12,9\nE05000003,<5,2,9\n"
    result = run(csv, ["ward", "gender"])
    assert errors(result) == ["total-mismatch", "total-mismatch"]
    assert [p.row for p in result.errors] == [3, 4]
    assert "cannot make up the rest" in result.errors[0].message


def test_a_subtotal_column_is_found_by_its_label_or_by_arithmetic():
    labelled = run(
        "Ward code,EU8,EU2,All EU,Non-EU,Total\nE05000001,3,4,7,10,17\nE05000002,1,1,2,5,7\n", ["ward", "nationality"]
    )
    arithmetic = run(
        "Ward code,EU8,EU2,EU,Non-EU,Total\nE05000001,3,4,7,10,17\nE05000002,1,1,2,5,7\n", ["ward", "nationality"]
    )
    for result in (labelled, arithmetic):
        assert result.valid, result.errors
        assert result.total == 24
        assert sorted(result.observations["nationality_group"].unique()) == ["EU2", "EU8", "NON-EU"]


def test_a_subtotal_column_before_the_columns_it_adds_up_is_never_stored():
    without_total = run("Ward code,EU,EU8,EU2,Non-EU\nE05000001,7,3,4,10\nE05000002,2,1,1,5\n", ["ward", "nationality"])
    with_total = run(
        "Ward code,Total,EU,EU8,EU2,Non-EU\nE05000001,17,7,3,4,10\nE05000002,7,2,1,1,5\n", ["ward", "nationality"]
    )
    for result in (without_total, with_total):
        assert result.valid, result.errors
        assert result.total == 24
        assert sorted(result.observations["nationality_group"].unique()) == ["EU2", "EU8", "NON-EU"]


def test_periods_over_sexes_in_two_header_rows_are_one_key():
    data = workbook(
        [
            ["Area code", "2024 Q1", None, "2024 Q2", None],
            [None, "Male", "Female", "Male", "Female"],
            ["E05000001", 1, 2, 3, 4],
        ],
        ["B1:C1", "D1:E1"],
    )
    result = run(data, ["ward", "period", "gender"], name="t.xlsx")
    assert result.valid, result.errors
    frame = result.observations
    assert frame.loc[(frame["gender"] == "Female") & (frame["period_start"] == "2024-04-01"), "count"].tolist() == [4]


def test_a_code_and_a_name_for_the_same_country_that_disagree_are_reported():
    result = run("Nationality code,Nationality,Count\nPL,Poland,3\nRO,Poland,4\n", ["nationality"], level="")
    assert errors(result) == ["code-name-mismatch"]
    assert result.errors[0].row == 3 and result.errors[0].column == "B"


GENDERS = ["Girls", "Boys", "Other"]
BANDS = ["0-15", "16-24", "25-64", "65+"]


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    categories=st.sampled_from([GENDERS, BANDS, ["EU8", "EU2", "Non-EU"]]),
    with_total=st.booleans(),
)
def test_the_stored_total_is_the_sum_of_the_category_cells_and_a_total_column_is_never_stored(
    data, categories, with_total
):
    wards = data.draw(
        st.lists(st.sampled_from(["E05000001", "E05000002", "E05000003"]), min_size=1, max_size=3, unique=True)
    )
    cells = data.draw(
        st.lists(
            st.lists(st.integers(0, 500), min_size=len(categories), max_size=len(categories)),
            min_size=len(wards),
            max_size=len(wards),
        )
    )
    off = data.draw(st.integers(-3, 3)) if with_total else 0
    lines = [",".join(["Ward code", *categories, *(["Total"] if with_total else [])])]
    for ward, row in zip(wards, cells, strict=True):
        lines.append(",".join([ward, *map(str, row), *([str(sum(row) + off)] if with_total else [])]))
    field = {"Girls": "gender", "0-15": "age", "EU8": "nationality"}[categories[0]]
    result = run("\n".join(lines) + "\n", ["ward", field])
    if off:
        assert not result.valid and set(errors(result)) == {"total-mismatch"}
        return
    assert result.valid, result.errors
    assert result.total == sum(map(sum, cells))
    assert len(result.observations) == len(wards) * len(categories)


def test_a_table_with_one_row_per_figure_is_left_as_it_is():
    t = headers.Table("S", [1], ["Ward code", "Count"], ["A", "B"], pd.DataFrame([["E05000001", "3"]], index=[2]), [])
    plan = tables.mapping.Mapping(fields={0: "ward"}, count=1)
    assert tables.reshape(t, plan) == (t, plan, [])


@pytest.mark.parametrize(
    ("letters", "words"),
    [
        (["B"], "column B"),
        (["B", "C"], "columns B and C"),
        (["B", "C", "D"], "columns B to D"),
        (["B", "D", "F"], "columns B, D and F"),
    ],
)
def test_columns_are_named_as_a_reader_would(letters, words):
    assert columns_named(letters) == words
