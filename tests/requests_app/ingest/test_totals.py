"""Rows that are totals, by their label in any column or by their arithmetic, are never stored."""

import pandas as pd
import pytest

from requests_app.ingest import totals
from tests.requests_app.ingest.pure import messages, run, types


@pytest.mark.parametrize(
    "label",
    [
        "Total",
        "TOTAL",
        "Totals",
        "Grand total",
        "Grand Total",
        "Sub-total",
        "Subtotal",
        "Sub total",
        "All",
        "All persons",
        "All people",
        "Persons",
        "Both sexes",
        "All ages",
        "All usual residents",
        "All usual residents aged 16 and over",
        "All categories: Country of birth",
        "Total: All usual residents",
        "Total (all nationalities)",
        "Total - all ages",
        "Total [note 3]",
        "Total*",
        "Unknown/All",
        "Northgate total",
        "Europe: Total",
        "Total for Northgate",
        "Year to date",
        "All pupils",
    ],
)
def test_total_words_and_phrases_are_totals(label):
    assert totals.classify(label)[0] == totals.TOTAL


@pytest.mark.parametrize(
    "label",
    [
        "All Saints",
        "All Souls",
        "Allerton",
        "All other nationalities",
        "Other",
        "Totnes",
        "Person with no fixed abode",
        "Total income of households in the ward rose sharply after the closure of the works and the docks",
        "Polish",
        "",
    ],
)
def test_names_and_categories_that_merely_look_like_totals_are_not(label):
    assert totals.classify(label)[0] != totals.TOTAL


def test_a_total_names_what_it_totals():
    assert totals.classify("Northgate total") == (totals.TOTAL, "northgate")
    assert totals.classify("Europe: Total") == (totals.TOTAL, "europe")
    assert totals.classify("Total for Northgate") == (totals.TOTAL, "northgate")
    assert totals.classify("Total") == (totals.TOTAL, "")
    assert totals.classify("All persons") == (totals.TOTAL, "")


@pytest.mark.parametrize(
    "label",
    [
        "All schemes",
        "All Saints",
        "All ASB types",
        "Total number of referrals received in the quarter",
        "Total includes late returns",
        "Not included in the ward total",
    ],
)
def test_other_labels_starting_with_all_only_may_be_totals(label):
    assert totals.classify(label) == (totals.MAYBE, "")


@pytest.mark.parametrize("label", ["All other nationalities", "All others", "All the rest"])
def test_the_rest_of_the_categories_is_not_a_total(label):
    assert totals.classify(label)[0] == ""


def test_a_label_that_may_be_a_total_is_one_when_its_count_is_the_sum_of_the_rows_it_covers():
    _, report = run(
        "Scheme,Quarter,Count\n"
        "Homes for Ukraine,2024 Q4,35\n"
        "UK Resettlement Scheme,2024 Q4,15\n"
        "All schemes,2024 Q4,50\n",
        ["period"],
        level="",
    )
    assert report["valid"] and report["total"] == 50 and len(report["observations"]) == 2


def test_a_ward_called_all_saints_is_kept():
    _, report = run(
        "Ward name,Ward code,Quarter,Count\n"
        "All Saints,E05009901,2024 Q4,50\n"
        "Northgate,E05009902,2024 Q4,35\n"
        "Southbank,E05009903,2024 Q4,14\n",
        ["ward", "period"],
    )
    assert report["valid"] and report["total"] == 99 and "total-row" not in types(report, "warnings")


def test_a_total_whose_label_sits_in_a_column_nobody_asked_for_is_not_stored():
    _, report = run(
        "Ward code,Ward name,Nationality,Quarter,Count\n"
        "E05009901,Northgate,Polish,2025 Q1,14\n"
        "E05009901,Northgate,Romanian,2025 Q1,9\n"
        "E05009902,Southbank,Polish,2025 Q1,5\n"
        "E05009902,Total,,2025 Q1,5\n"
        ",Grand total,,2025 Q1,28\n",
        ["ward", "nationality", "period"],
    )
    assert report["valid"], report["errors"]
    assert len(report["observations"]) == 3 and report["total"] == 28
    assert {p["column"] for p in report["warnings"] if p["type"] == "total-row"} == {"B"}


def test_a_subtotal_row_with_a_blank_column_above_its_rows_is_left_out():
    result, report = run(
        "Ward code,Nationality,Quarter,Count\n"
        "E05009901,,2025 Q1,23\n"
        "E05009901,Polish,2025 Q1,14\n"
        "E05009901,Romanian,2025 Q1,9\n"
        "E05009902,,2025 Q1,11\n"
        "E05009902,Polish,2025 Q1,5\n"
        "E05009902,Syrian,2025 Q1,6\n",
        ["ward", "nationality", "period"],
    )
    assert report["valid"] and report["total"] == 34 and len(report["observations"]) == 4
    assert [p["row"] for p in report["warnings"] if p["type"] == "total-row"] == [2, 5]
    assert result.observations["nationality"].notna().all()


def test_a_subtotal_below_its_rows_and_a_grand_subtotal_below_them_all_are_left_out():
    _, report = run(
        "Ward code,Nationality,Quarter,Count\n"
        "E05009901,Polish,2025 Q1,14\n"
        "E05009901,Romanian,2025 Q1,9\n"
        "E05009901,,2025 Q1,23\n"
        "E05009902,Polish,2025 Q1,5\n"
        "E05009902,Syrian,2025 Q1,6\n"
        "E05009902,,2025 Q1,11\n"
        ",,2025 Q1,34\n",
        ["ward", "nationality", "period"],
    )
    assert report["valid"] and report["total"] == 34 and len(report["observations"]) == 4


def test_a_blank_category_that_is_not_the_sum_of_its_neighbours_is_a_count_of_people_not_recorded():
    _, report = run(
        "Ward code,Nationality,Quarter,Count\n"
        "E05009901,,2025 Q1,19\n"
        "E05009901,Polish,2025 Q1,8\n"
        "E05009901,Syrian,2025 Q1,9\n"
        "E05009901,,2025 Q1,2\n"
        "E05009902,,2025 Q1,3\n"
        "E05009902,Polish,2025 Q1,3\n",
        ["ward", "nationality", "period"],
    )
    # 19 = 8 + 9 + 2: a subtotal over the not-recorded row too; the Southbank 3 has one part only,
    # which is no evidence (a single row of 3 beside a not-recorded 3 is as likely).
    assert report["valid"] and report["total"] == 8 + 9 + 2 + 3 + 3
    assert [p["row"] for p in report["warnings"] if p["type"] == "total-row"] == [2]


def test_a_row_equal_to_rows_elsewhere_in_the_table_is_not_taken_as_a_subtotal():
    _, report = run(
        "Ward code,Nationality,Quarter,Count\n"
        "E05009901,,2025 Q1,23\n"
        "E05009902,Polish,2025 Q1,40\n"
        "E05009901,Polish,2025 Q1,14\n"
        "E05009901,Romanian,2025 Q1,9\n",
        ["ward", "nationality", "period"],
    )
    assert report["total"] == 23 + 40 + 14 + 9 and "total-row" not in types(report, "warnings")


def test_the_head_of_a_hierarchy_equal_to_its_parts_is_a_subtotal():
    _, report = run(
        "Ward code,Country of birth,Date,Count\n"
        "E05009901,Europe,2021,120\n"
        "E05009901,Europe: United Kingdom,2021,100\n"
        "E05009901,Europe: Other Europe,2021,20\n"
        "E05009901,Europe: Other Europe: EU countries,2021,15\n"
        "E05009901,Europe: Other Europe: Rest of Europe,2021,5\n"
        "E05009901,Africa,2021,7\n",
        ["ward", "period"],
    )
    assert report["valid"] and report["total"] == 100 + 15 + 5 + 7 and len(report["observations"]) == 4
    assert any("heads the rows" in m for m in messages(report, "total-row"))


def test_the_labels_of_every_column_are_read_once_per_distinct_value():
    columns = {0: pd.Series(["E05009901", "Total"] * 500_000), 1: pd.Series(["Polish", "All"] * 500_000)}
    found = totals.labelled(totals.comparable(columns))
    assert found.rows.sum() == 500_000 and found.cells[1].sum() == 500_000


def test_a_note_starting_with_total_in_a_comments_column_leaves_its_row_as_data():
    _, report = run(
        "Ward code,Nationality,Quarter,Count,Comments\n"
        "E05009901,Polish,2025 Q1,14,Total includes late returns\n"
        "E05009901,Romanian,2025 Q1,9,\n"
        "E05009902,Polish,2025 Q1,5,\n",
        ["ward", "nationality", "period"],
    )
    # 14 is also the sum of the rows below it: a block beside a row is no evidence for a note.
    assert report["valid"] and report["total"] == 28 and "total-row" not in types(report, "warnings")
