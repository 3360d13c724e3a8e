import pandas as pd
import pytest

from requests_app.ingest.counts import SUPPRESSION_MARKERS, parse_counts


def parsed(value):
    row = parse_counts(pd.Series([value], dtype=object)).iloc[0]
    return (None if pd.isna(row["count"]) else int(row["count"]), bool(row["suppressed"]), row["marker"], row["error"])


@pytest.mark.parametrize(
    "value, count",
    [
        ("1,234", 1234),
        ("1 234", 1234),
        ("1\u00a0234", 1234),  # non-breaking space
        ("1\u202f234", 1234),  # narrow non-breaking space, as French-locale Excel writes
        ("1,234,567", 1234567),
        ("12.0", 12),
        ("12.00", 12),
        ("+7", 7),
        ("  42  ", 42),
        ("0", 0),
    ],
)
def test_whole_numbers_in_everyday_spellings_are_counts(value, count):
    assert parsed(value) == (count, False, "", "")


def test_a_fraction_is_not_whole():
    assert parsed("12.5") == (None, False, "", "not-whole")


def test_a_negative_number_is_negative():
    assert parsed("-3") == (None, False, "", "negative")


@pytest.mark.parametrize("value", ["abc", "#N/A", "1 2", "12,34", "five"])
def test_text_that_is_not_a_number_is_not_a_number(value):
    assert parsed(value) == (None, False, "", "not-a-number")


@pytest.mark.parametrize(
    "value", sorted(SUPPRESSION_MARKERS) + ["X", "[C]", "<5", "< 5", "<10", "<3", "\u22645", "1-4", "Suppressed", "N/A"]
)
def test_every_suppression_marker_is_suppressed_and_never_zero(value):
    count, suppressed, marker, error = parsed(f" {value} ")
    assert (count, suppressed, error) == (None, True, "")
    assert marker == value  # as written, without the surrounding spaces


@pytest.mark.parametrize("value", ["", "   ", "\u00a0", None])
def test_blank_is_missing_not_suppressed(value):
    assert parsed(value) == (None, False, "", "blank")


def test_count_column_is_nullable_integer_and_index_is_kept():
    result = parse_counts(pd.Series(["5", "c"], index=[3, 4]))
    assert str(result["count"].dtype) == "Int64"
    assert result["suppressed"].dtype == bool
    assert result.index.tolist() == [3, 4]
    assert result["count"].isna().tolist() == [False, True]


def test_a_million_row_column_with_fifty_distinct_values_goes_through_parse_counts():
    distinct = [str(n) for n in range(44)] + ["1,234", "c", "..", "", "12.5", "abc"]
    values = pd.Series(distinct * 20_000)
    assert len(values) == 1_000_000
    result = parse_counts(values)
    assert result["suppressed"].sum() == 2 * 20_000
    assert (result["error"] == "").sum() == 47 * 20_000
    assert int(result["count"].sum()) == (sum(range(44)) + 1234) * 20_000
