"""Completeness counts every way agencies write "not known" as not known, field by field."""

import pytest

from tests.requests_app.ingest.pure import run


def test_unclassified_refused_and_prefer_not_to_say_are_not_known_values():
    text = (
        "Nationality,Main language,Ethnicity,Gender,Count\n"
        "Polish,Polish,White - Other,Female,10\n"
        "Refused,Arabic,Z,Prefer not to say,4\n"
        "Unclassified,NOT,Asian - Other,Male,3\n"
        "Not stated,English,99,Male,2\n"
        "Syrian,Prefer not to say,REFU,Female,6\n"
        "Eritrean,Tigrinya,White - British,Not known,5\n"
    )
    _, report = run(text, ["nationality", "main-language", "ethnicity", "gender"], level="")
    assert report["valid"], report["errors"]
    assert report["completeness"] == {
        "nationality": pytest.approx(3 / 6, abs=1e-4),
        "main-language": pytest.approx(4 / 6, abs=1e-4),
        "ethnicity": pytest.approx(3 / 6, abs=1e-4),
        "gender": pytest.approx(4 / 6, abs=1e-4),
    }
    assert list(report["completeness"])[:2] == ["nationality", "main-language"], "key fields first"


def test_where_and_when_are_not_measured_as_completeness():
    _, report = run(
        "Ward code,Quarter,Nationality,Count\nE05009901,2025 Q1,Polish,3\n", ["ward", "period", "nationality"]
    )
    assert set(report["completeness"]) == {"nationality"}
