import random
from datetime import date, timedelta

import pandas as pd
import pytest

from requests_app.ingest.personal import looks_record_level, record_level_signals
from tests.requests_app.ingest import pure

# NHS numbers with valid check digits, spaced and unspaced (943 476 5919 is the NHS Data
# Dictionary's worked example).
VALID_NHS = ["943 476 5919", "9434765870", "401 023 2137", "4010232145"]


def check_digit(first_nine: str) -> int | None:
    """The NHS modulus 11 check digit, or None when no valid number starts with these nine digits."""
    remainder = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return None if check == 10 else check


def nhs_numbers(count: int, right: bool = True) -> list[str]:
    """count ten-digit numbers starting with 4; with the right check digit, or deliberately one off."""
    numbers = []
    for i in range(count):
        first_nine = f"4{i:08d}"
        check = check_digit(first_nine)
        if check is not None:
            numbers.append(first_nine + str(check if right else (check + 1) % 10))
    return numbers


def aggregate_table() -> tuple[list[str], pd.DataFrame]:
    body = pd.DataFrame(
        {
            0: ["E05000001", "E05000001", "E05000002", "E05000002"] * 20,
            1: ["Polish", "Romanian", "Polish", "Romanian"] * 20,
            2: ["2023 Q1"] * 40 + ["2023 Q2"] * 40,
            3: [str(n) for n in range(80)],
        }
    )
    return ["Ward code", "Nationality", "Period", "Count"], body


def people(rows: int = 60, **columns) -> pd.DataFrame:
    data = {"id": [f"row {i}" for i in range(rows)]}
    data.update(columns)
    return pd.DataFrame({i: values for i, values in enumerate(data.values())})


def test_an_aggregate_table_gives_no_signals():
    labels, body = aggregate_table()
    assert record_level_signals(labels, body, has_count_column=True) == []
    assert not looks_record_level(labels, body, has_count_column=True)


@pytest.mark.parametrize(
    "label",
    [
        "Name",
        "First name",
        "Forename",
        "Surname",
        "Full name",
        "Child's name",
        "Date of birth",
        "DOB",
        "D.O.B.",
        "NHS number",
        "NHS No.",
        "UPN",
        "Unique pupil number",
        "Pupil number",
        "Full postcode",
        "Address",
        "Home address line 1",
        "Email",
        "E-mail address",
        "Phone",
        "Telephone number",
    ],
)
def test_identifier_column_labels_are_signals(label):
    body = pd.DataFrame({0: ["x", "y"]})
    signals = record_level_signals([label], body, has_count_column=False)
    assert len(signals) == 1 and f'"{label}"' in signals[0]
    assert looks_record_level([label], body, has_count_column=False)


@pytest.mark.parametrize("label", ["Ward name", "Country name", "Language", "Postcode district", "Number of pupils"])
def test_labels_of_what_is_counted_are_not_signals(label):
    assert record_level_signals([label], pd.DataFrame({0: ["x", "y"]}), has_count_column=True) == []


def test_a_bare_name_column_beside_a_count_column_is_the_name_of_what_is_counted():
    body = pd.DataFrame({0: ["E05000001", "E05000002"], 1: ["Linthorpe", "Park"], 2: ["5", "7"]})
    assert record_level_signals(["Code", "Name", "Count"], body, has_count_column=True) == []


def test_nhs_numbers_with_valid_check_digits_are_detected():
    numbers = nhs_numbers(200)
    body = pd.DataFrame({0: numbers, 1: ["1"] * len(numbers)})
    signals = record_level_signals(["Reference", "Count"], body, has_count_column=True)
    assert len(signals) == 1 and "NHS numbers" in signals[0]


def test_the_known_valid_nhs_numbers_pass_the_check():
    body = pd.DataFrame({0: VALID_NHS, 1: ["1"] * 4})
    assert any("NHS numbers" in s for s in record_level_signals(["Reference", "Count"], body, has_count_column=True))


def test_ten_digit_numbers_with_a_wrong_check_digit_are_not_nhs_numbers():
    wrong = nhs_numbers(200, right=False)
    body = pd.DataFrame({0: wrong, 1: ["1"] * len(wrong)})
    assert record_level_signals(["Reference", "Count"], body, has_count_column=True) == []


def test_unique_pupil_numbers_are_detected():
    upns = [f"A{i:011d}{'BCDEFGHJKLMNPQRTUVWXYZ'[i % 22]}" for i in range(100)]
    body = pd.DataFrame({0: upns, 1: ["1"] * 100})
    signals = record_level_signals(["Reference", "Count"], body, has_count_column=True)
    assert len(signals) == 1 and "UPN" in signals[0]


def test_full_postcodes_are_detected_but_postcode_districts_are_not():
    full = pd.DataFrame({0: ["TS1 2AB", "ts5 6xy", "SW1A 1AA", "W1A\u00a00AX", "TS12AB"] * 10, 1: ["3"] * 50})
    signals = record_level_signals(["Where", "Count"], full, has_count_column=True)
    assert len(signals) == 1 and "full postcodes" in signals[0]
    districts = pd.DataFrame({0: ["TS1", "TS5", "SW1A", "W1"] * 10, 1: ["3"] * 40})
    assert record_level_signals(["Postcode", "Count"], districts, has_count_column=True) == []


def test_a_value_pattern_needs_a_fifth_of_the_column_to_match():
    values = ["TS1 2AB"] * 10 + ["Middlesbrough"] * 90
    body = pd.DataFrame({0: values, 1: ["1"] * 100})
    assert record_level_signals(["Area", "Count"], body, has_count_column=True) == []
    values = ["TS1 2AB"] * 20 + ["Middlesbrough"] * 80
    body = pd.DataFrame({0: values, 1: ["1"] * 100})
    assert len(record_level_signals(["Area", "Count"], body, has_count_column=True)) == 1


def test_dates_of_birth_in_an_unlabelled_column_are_detected():
    births = [
        (date(2010, 1, 1) + timedelta(days=offset)).strftime("%d/%m/%Y")
        for offset in random.Random(0).sample(range(3000), 100)
    ]
    body = pd.DataFrame({0: births, 1: ["1"] * 100})
    signals = record_level_signals(["When", "Count"], body, has_count_column=True)
    assert len(signals) == 1 and "dates of birth" in signals[0]


def test_a_daily_time_series_is_not_dates_of_birth():
    days = [(date(2015, 1, 1) + timedelta(days=i)).isoformat() for i in range(100)]
    body = pd.DataFrame({0: days, 1: [str(i) for i in range(100)]})
    assert record_level_signals(["Date", "Count"], body, has_count_column=True) == []


def test_no_count_column_and_every_row_different_is_a_signal():
    body = people(60, gender=["F", "M"] * 30)
    signals = record_level_signals(["Ref", "Gender"], body, has_count_column=False)
    assert signals == ["there is no count column and every row is different (60 rows)"]
    assert looks_record_level(["Ref", "Gender"], body, has_count_column=False)


def test_distinct_rows_are_not_a_signal_with_few_rows_repeats_or_a_count_column():
    assert record_level_signals(["Ref", "Gender"], people(49, gender=["F"] * 49), has_count_column=False) == []
    repeated = pd.DataFrame({0: ["Polish", "Romanian"] * 30, 1: ["F", "M"] * 30})
    assert record_level_signals(["Nationality", "Gender"], repeated, has_count_column=False) == []
    assert record_level_signals(["Ref", "Gender"], people(60, gender=["F"] * 60), has_count_column=True) == []


def test_large_tables_are_sampled_and_still_detected():
    numbers = nhs_numbers(30_000)
    body = pd.DataFrame({0: numbers, 1: ["1"] * len(numbers)})
    assert looks_record_level(["Reference", "Count"], body, has_count_column=True)


# --- person-level data with no identifying label ---------------------------------------------------

WARDS = ["E05009901", "E05009902", "E05009903"]
NATIONALITIES = ["Polish", "Romanian", "Syrian", "British"]


def pupil_list(rows: int = 40, count: str = "1") -> str:
    lines = ["Pupil ref,Year group,Ward code,Nationality,Count"]
    lines += [f"NA-{1000 + i},Year {7 + i % 5},{WARDS[i % 3]},{NATIONALITIES[i % 4]},{count}" for i in range(rows)]
    return "\n".join(lines) + "\n"


def test_a_reference_unique_on_every_row_with_every_count_1_is_one_row_per_person():
    _, report = pure.run(pupil_list(), ["ward", "nationality"])
    assert report["quarantine"] and not report["valid"]
    [reason] = pure.messages(report, "personal-data")
    assert 'column "Pupil ref" has a different value on every row (40 rows) and every count is 1' in reason


def test_a_unique_column_in_an_aggregate_of_larger_counts_is_a_row_per_group_not_per_person():
    _, report = pure.run(pupil_list(count="12"), ["ward", "nationality"])
    assert not report["quarantine"]


def test_small_area_codes_one_per_row_are_not_identifiers():
    lines = ["LSOA code,MSOA code,Nationality,Count"]
    lines += [f"E0103{5100 + i:04d},E0200{7001 + i % 3},Polish,1" for i in range(40)]
    _, report = pure.run("\n".join(lines) + "\n", ["nationality"], level="")
    assert not report["quarantine"], report["errors"]


def test_every_count_1_beside_exact_dates_is_one_row_per_person():
    lines = ["Date of first contact,Ward code,Nationality,Count"]
    lines += [f"2025-03-{1 + i // 2:02d},{WARDS[i % 3]},{NATIONALITIES[i % 4]},1" for i in range(24)]
    _, report = pure.run("\n".join(lines) + "\n", ["ward", "nationality"])
    assert report["quarantine"]
    assert any('"Date of first contact" holds exact dates' in m for m in pure.messages(report, "personal-data"))


def test_every_count_1_beside_single_years_of_age_is_one_row_per_person():
    lines = ["Age,Gender,Nationality,Count"]
    lines += [f"{20 + (i * 7) % 50},{'FM'[i % 2]},{NATIONALITIES[i % 4]},1" for i in range(30)]
    _, report = pure.run("\n".join(lines) + "\n", ["age", "gender", "nationality"], level="")
    assert report["quarantine"]
    assert any('"Age" holds single years of age' in m for m in pure.messages(report, "personal-data"))


def test_single_years_of_age_with_real_counts_are_an_aggregate():
    lines = ["Age,Count"] + [f"{age},{100 + age}" for age in range(60)]
    _, report = pure.run("\n".join(lines) + "\n", ["age"], level="")
    assert report["valid"], report["errors"]


def test_the_same_categories_on_many_rows_each_counting_one_person_are_a_list_of_people():
    lines = ["Ward code,Nationality,Count"] + [f"{WARDS[i % 3]},{NATIONALITIES[i % 2]},1" for i in range(12)]
    _, report = pure.run("\n".join(lines) + "\n", ["ward", "nationality"])
    assert report["quarantine"]
    assert any("repeat the categories of an earlier row" in m for m in pure.messages(report, "personal-data"))


def test_the_same_categories_twice_with_large_counts_are_refused_naming_both_rows_not_quarantined():
    text = "Ward code,Nationality,Count\nE05009901,Polish,40\nE05009901,Romanian,31\nE05009901,Polish,40\n"
    _, report = pure.run(text, ["ward", "nationality"])
    assert not report["valid"] and not report["quarantine"]
    [repeat] = report["errors"]
    assert repeat["type"] == "duplicate-key" and repeat["row"] == 4 and "same categories as row 2" in repeat["message"]


def test_repeats_are_only_looked_for_among_rows_that_are_not_totals():
    text = "Ward code,Nationality,Count\nE05009901,Polish,4\nTotal,,4\nE05009902,Polish,3\nTotal,,3\n"
    _, report = pure.run(text, ["ward", "nationality"])
    assert "duplicate-key" not in pure.types(report, "errors")


def test_a_list_of_people_may_be_sent_where_the_request_accepts_records():
    _, report = pure.run(pupil_list(), ["ward", "nationality"], aggregate_only=False)
    assert not report["quarantine"]
