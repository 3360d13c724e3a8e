import csv
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from sharing.models import AuditEntry
from tests.factories import Q1, rows


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
    # No processed return, so no returned figures left the database and nothing is logged.
    assert "No local returns have been processed yet" in html
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DATA_VIEWED).exists()


@pytest.fixture
def pupils(agency_a, received, add_return):
    """A processed return in which one count (EU2, 4) is below the threshold."""
    request = received(agency_a)
    add_return(request, rows(("EU8", "", Q1, 40), ("EU2", "", Q1, 4), ("NON-EU", "", Q1, 61)))
    return request


def test_coverage_report_html_shows_indicator_tables_with_small_counts_suppressed(pupils):
    html = run("--format", "html")
    tables = re.findall(r'<table class="grid numbers">(.*?)</table>', html, flags=re.S)
    assert len(tables) == 1
    cells = re.findall(r"<td>(.*?)</td>", tables[0])
    assert "[c]" in cells
    counts = [int(cell.rstrip("†")) for cell in cells if cell != "[c]"]
    assert counts, "the table shows the counts that are safe to show"
    assert not [n for n in counts if 0 < n < pupils.reporting_threshold]
    assert "<td>4</td>" not in html


def test_coverage_report_html_with_indicators_is_written_to_the_audit_log(pupils):
    run("--format", "html")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DATA_VIEWED)
    assert (entry.actor, entry.actor_name, entry.object_type) == (None, "system", "reports.report")
    assert "coverage_report" in entry.detail


def test_coverage_report_says_when_there_is_no_area(db):
    with pytest.raises(CommandError, match="No area is set up yet"):
        run()
