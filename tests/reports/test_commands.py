import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command


def run(*args) -> str:
    out = io.StringIO()
    call_command("coverage_report", *args, stdout=out)
    return out.getvalue()


def test_coverage_report_prints_json_by_default(agency_a):
    data = json.loads(run())
    assert data["area"] == "Testborough"
    assert data["agencies"][0]["name"] == "Agency A School"
    assert data["recommendations"][0]["rank"] == 1


def test_coverage_report_prints_csv(agency_a):
    lines = list(csv.DictReader(io.StringIO(run("--format", "csv"))))
    assert {"coverage", "recommendation"} == {line["section"] for line in lines}


def test_coverage_report_prints_the_printable_report_as_html(agency_a):
    html = run("--format", "html")
    assert html.startswith("<!doctype html>") and "@media print" in html and "Recommendations" in html


def test_coverage_report_says_when_there_is_no_area(db):
    with pytest.raises(CommandError, match="No area is set up yet"):
        run()
