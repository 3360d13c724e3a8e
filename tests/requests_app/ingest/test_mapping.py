"""Headings by meaning: which column is which field, the count, a category across the columns,
a total, or unused (and why). Pure: hand-built synonyms and reference, no database."""

from datetime import date

import pandas as pd
import pytest

from requests_app.ingest import codes, headers, headings, mapping
from requests_app.ingest.categories import HEADING, TEXT, TOTAL, VALUE, Reader
from requests_app.ingest.problems import column_letter

SYNONYMS = {
    "country-of-birth": ["Country of birth", "cob", "birth country"],
    "nationality": ["Nationality", "citizenship", "nationality group"],
    "main-language": ["Main language", "first language", "language"],
    "immigration-status": ["Immigration status / migrant type", "immigration status", "status"],
    "ward": ["Ward or small area", "ward", "ward code", "ward name", "area", "lsoa", "la code", "local authority"],
    "period": ["Period", "date", "month", "quarter", "year"],
    "age": ["Age or age band", "age", "age band", "age group"],
    "gender": ["Gender", "gender", "sex"],
    "offence-type": ["Offence type", "offence"],
    "economic-activity": ["Economic activity", "employment status"],
}


@pytest.fixture(scope="module")
def reference():
    return codes.Reference(
        country_aliases={
            "polish": "PL",
            "poland": "PL",
            "pl": "PL",
            "romanian": "RO",
            "romania": "RO",
            "ro": "RO",
            "british": "GB",
            "syria": "SY",
        },
        group_members=[("EU8", "PL", date(2004, 5, 1), None), ("EU2", "RO", date(2007, 1, 1), None)],
        residual_group="NON-EU",
        language_aliases={"polish": "pol", "arabic": "ara", "tigrinya": "tir", "romanian": "ron"},
        gss_levels={"E05": "ward", "E01": "lsoa", "E06": "local-authority"},
    )


def table(labels, rows, header_rows=(1,)):
    body = pd.DataFrame([[str(v) for v in row] for row in rows], index=range(2, 2 + len(rows)))
    letters = [column_letter(i) for i in range(len(labels))]
    return headers.Table("Sheet1", list(header_rows), labels, letters, body, [])


def plan(labels, rows, requested=(), parts=None, level="", reference=None):
    t = table(labels, rows)
    return mapping.map_columns(
        t,
        parts or [[label] for label in labels],
        aliases=SYNONYMS,
        requested=list(requested),
        reference=reference,
        geography_level=level,
    )


def of_type(problems, kind):
    return [p for p in problems if p.type == kind]


# -- one heading ------------------------------------------------------------------------------


def test_headings_become_words_whatever_their_case_punctuation_or_database_style():
    assert headings.words("Pupil's First_Language") == ("pupil", "first", "language")
    assert headings.words("WD23CD") == ("ward", "code")
    assert headings.words("LSOA21NM") == ("lsoa", "name")
    assert headings.words("ClientNationality") == ("client", "nationality")


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Nationality of client", "nationality"),
        ("Pupil's first language", "main-language"),
        ("CLIENT_NATIONALITY", "nationality"),
        ("Victim nationality", "nationality"),
        ("Age at referral", "age"),
        ("Date (as at...)", "period"),
        ("Gender of pupil", "gender"),
        ("Age (years)", "age"),
        ("Quarter ending", "period"),
        ("Referral date", "period"),
        ("Month of registration", "period"),
        ("Employment status", "economic-activity"),
    ],
)
def test_a_heading_names_a_field_inside_a_longer_phrase(heading, field):
    assert headings.Vocabulary(SYNONYMS).field_of(heading).field == field


@pytest.mark.parametrize(
    "heading", ["Marital status", "Area of need", "Date of birth", "Year group", "Area type", "Date of entry to the UK"]
)
def test_a_word_of_a_synonym_inside_another_thing_names_no_field(heading):
    assert headings.Vocabulary(SYNONYMS).field_of(heading) is None


def test_a_heading_about_another_person_is_recognised_as_not_the_person_counted():
    found = headings.Vocabulary(SYNONYMS).field_of("Country of birth of mother")
    assert (found.field, found.other_person) == ("country-of-birth", "mother")
    assert headings.Vocabulary(SYNONYMS).field_of("Mother's country of birth").other_person == "mother"


def test_a_heading_says_whether_it_holds_codes_or_names():
    vocabulary = headings.Vocabulary(SYNONYMS)
    assert vocabulary.field_of("Ward code").kind == "code"
    assert vocabulary.field_of("Ward name").kind == "name"
    assert vocabulary.field_of("LSOA code").level < vocabulary.field_of("Ward code").level


@pytest.mark.parametrize(
    "heading",
    [
        "Number of pupils",
        "Headcount",
        "Value",
        "Number",
        "Registrations",
        "Frequency",
        "Count of cases",
        "Number of people",
        "No. of clients",
        "Number of households",
        "Total number of households",
        "Pupil count",
        "measures: Value",
    ],
)
def test_the_count_has_many_names(heading):
    assert headings.count_rank(heading) is not None


@pytest.mark.parametrize("heading", ["Rate per 1,000", "Percentage", "% of pupils", "Average age"])
def test_a_rate_is_never_the_count(heading):
    assert headings.count_rank(heading) is None


def test_a_total_heading_is_the_count_only_as_a_last_resort():
    assert headings.count_rank("Total") > headings.count_rank("Registrations") > headings.count_rank("Count")
    assert headings.is_total("All persons") and headings.is_total("Male total") and not headings.is_total("All other")


# -- categories written as headings -------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Girls", [(VALUE, {"gender"})]),
        ("65+", [(VALUE, {"age"})]),
        ("Aged 16 to 24", [(VALUE, {"age"})]),
        ("EU8", [(VALUE, {"nationality"})]),
        ("Non-EU", [(VALUE, {"nationality"})]),
        ("Refugees", [(VALUE, {"immigration-status"})]),
        ("2024 Q1", [(VALUE, {"period"})]),
        ("Tigrinya", [(VALUE, {"main-language"})]),
        ("Polish", [(VALUE, {"country-of-birth", "nationality", "main-language"})]),
        ("Males 0-15", [(VALUE, {"gender"}), (VALUE, {"age"})]),
        ("MALE_0-4", [(VALUE, {"gender"}), (VALUE, {"age"})]),
        ("TOTAL_MALE", [(TOTAL, set()), (VALUE, {"gender"})]),
        ("Sex: Males", [(HEADING, {"gender"}), (VALUE, {"gender"})]),
        ("Mid-2022 Population Estimate", [(VALUE, {"period"}), (TEXT, set())]),
        ("Population (mid-2022)", [(VALUE, {"period"}), (TEXT, set())]),
    ],
)
def test_a_heading_can_be_a_value_of_a_field(reference, heading, expected):
    atoms = Reader(headings.Vocabulary(SYNONYMS), reference).atoms(heading)
    assert [(a.kind, set(a.fields)) for a in atoms] == expected


# -- the role of every column -------------------------------------------------------------------


def test_the_code_column_is_used_wherever_it_is_and_the_name_column_is_kept_for_the_check(reference):
    found, problems = plan(
        ["Ward name", "Ward code", "Count"], [["Northgate", "E05000001", 3]], ["ward"], reference=reference
    )
    assert found.fields == {1: "ward"} and found.names == {"ward": 0} and found.count == 2
    assert "checked against the codes" in of_type(problems, "unknown-label")[0].message


def test_without_code_or_name_in_the_headings_the_values_tell_the_code_column(reference):
    found, _ = plan(["Area", "Area ", "Count"], [["Northgate", "E05000001", 3]], ["ward"], reference=reference)
    assert found.fields == {1: "ward"}


def test_the_geography_asked_for_is_used_and_a_coarser_one_reported(reference):
    labels = ["LA code", "Ward code", "LSOA code", "Count"]
    rows = [["E06000001", "E05000001", "E01000001", 3]]
    assert plan(labels, rows, ["ward"], level="ward", reference=reference)[0].fields == {1: "ward"}
    finest, problems = plan(labels, rows, ["ward"], reference=reference)
    assert finest.fields == {2: "ward"}
    assert {p.column for p in of_type(problems, "unknown-label")} == {"A", "B"}


def test_the_period_column_that_reads_finest_is_the_period(reference):
    found, problems = plan(
        ["Date (as at...)", "Year", "Quarter", "People"],
        [["2014-03-31", "2014", "1", 5]],
        ["period"],
        reference=reference,
    )
    assert found.fields == {0: "period"} and found.count == 3
    assert {p.column for p in of_type(problems, "unknown-label")} == {"B", "C"}


def test_two_columns_that_could_both_be_the_field_are_refused(reference):
    found, problems = plan(
        ["Offence", "Victim nationality", "Suspect nationality", "Count"],
        [["Theft", "Polish", "British", 3]],
        ["nationality"],
        reference=reference,
    )
    (error,) = [p for p in problems if p.severity == "error"]
    assert error.type == "ambiguous-label" and "B and C" in error.message


def test_two_columns_that_say_the_same_thing_are_one_field_and_not_a_question(reference):
    found, problems = plan(
        ["DATE", "DATE_NAME", "Nationality", "Count"],
        [["2021", "2021", "Polish", 3], ["2022", "2022", "Polish", 4]],
        ["period", "nationality"],
        reference=reference,
    )
    assert found.fields == {0: "period", 2: "nationality"}
    assert [p.column for p in problems] == ["B"]


def test_every_unused_column_is_reported_by_name_and_letter(reference):
    _, problems = plan(
        ["Ward code", "School name", "Nationality", "Count", "Percentage"],
        [["E05000001", "Hill School", "Polish", 3, "12%"]],
        ["ward", "nationality"],
        reference=reference,
    )
    unused = {(p.column, p.value) for p in of_type(problems, "unknown-label")}
    assert unused == {("B", "School name"), ("E", "Percentage")}
    assert any("rates or percentages" in p.message for p in problems)


def test_categories_across_the_columns_have_their_field_from_the_values(reference):
    found, problems = plan(
        ["Ward code", "Girls", "Boys", "Total"], [["E05000001", 4, 5, 9]], ["ward", "gender"], reference=reference
    )
    assert found.across == {1: {"gender": "Girls"}, 2: {"gender": "Boys"}}
    assert found.totals == {3: {}} and found.count is None
    assert not [p for p in problems if p.severity == "error"]


def test_a_heading_over_the_columns_names_their_field_whatever_the_values(reference):
    parts = [["Category", ""], ["Need", "Housing"], ["Need", "Health"], ["Need", "Total"]]
    synonyms = {**SYNONYMS, "category-of-need": ["Category of need", "need"]}
    t = table(["Category", "Need Housing", "Need Health", "Need Total"], [["x", 4, 5, 9]], header_rows=(1, 2))
    found, _ = mapping.map_columns(t, parts, aliases=synonyms, requested=["category-of-need"], reference=reference)
    assert found.across == {1: {"category-of-need": "Housing"}, 2: {"category-of-need": "Health"}}
    assert found.totals == {3: {}}


def test_a_total_alone_is_the_count(reference):
    found, _ = plan(["Nationality", "Total"], [["Polish", 4]], ["nationality"], reference=reference)
    assert found.count == 1 and not found.totals


def test_an_unknown_word_beside_languages_is_a_language_but_beside_genders_it_is_not(reference):
    found, _ = plan(["Arabic", "Tigrinya", "Pashto"], [[3, 4, 5]], ["main-language"], reference=reference)
    assert found.across[2] == {"main-language": "Pashto"}
    found, problems = plan(
        ["Ward code", "Male", "Female", "Population"],
        [["E05000001", 3, 4, 900]],
        ["ward", "gender"],
        reference=reference,
    )
    assert set(found.across) == {1, 2} and [p.column for p in of_type(problems, "unknown-label")] == ["D"]


def test_values_that_fit_two_fields_are_settled_by_the_request_or_refused(reference):
    labels, rows = ["Ward code", "Polish", "Romanian"], [["E05000001", 3, 4]]
    found, _ = plan(labels, rows, ["ward", "nationality"], reference=reference)
    assert found.across == {1: {"nationality": "Polish"}, 2: {"nationality": "Romanian"}}
    _, problems = plan(labels, rows, ["ward"], reference=reference)
    assert [p.type for p in problems if p.severity == "error"] == ["ambiguous-label"]


def test_two_breakdowns_of_the_same_people_side_by_side_are_never_both_kept(reference):
    labels, rows = ["Ward code", "Male", "Female", "0-15", "16+", "Total"], [["E05000001", 3, 4, 2, 5, 7]]
    _, problems = plan(labels, rows, ["ward", "gender", "age"], reference=reference)
    assert [p.type for p in problems if p.severity == "error"] == ["mixed-measures"]
    found, problems = plan(labels, rows, ["ward", "age"], reference=reference)
    assert set(found.across) == {3, 4} and {p.column for p in of_type(problems, "unknown-label")} == {"B", "C"}


def test_headings_that_are_different_measures_are_refused_with_the_measures_named(reference):
    _, problems = plan(["Area code", "Inflow", "Outflow"], [["E06000001", 3, 4]], ["ward"], reference=reference)
    (error,) = [p for p in problems if p.severity == "error"]
    assert error.type == "mixed-measures" and "'Inflow'" in error.message and "'Outflow'" in error.message


def test_a_bare_country_column_is_the_one_person_country_asked_for_with_a_warning(reference):
    found, problems = plan(["Country", "Count"], [["Poland", 3]], ["nationality"], reference=reference)
    assert found.fields == {0: "nationality"}
    assert [p.type for p in problems] == ["ambiguous-label"] and problems[0].severity == "warning"
    found, _ = plan(["Country", "Count"], [["E92000001", 3]], ["nationality"], reference=reference)
    assert found.fields == {}


def test_the_area_country_of_a_dfe_file_is_never_read_as_a_person_country(reference):
    labels = ["country_code", "country_name", "headcount"]
    found, _ = plan(labels, [["E92000001", "England", 3]], ["nationality"], reference=reference)
    assert found.fields == {}
    found, _ = plan(["Country", "Count"], [["England", 3], ["Wales", 4]], ["nationality"], reference=reference)
    assert found.fields == {}
