"""The page a contact reads after an upload: every problem in the file's row order, where the
allowed codes are, and the box to send the corrected file from there."""

import re
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalogue.services import area_lookup_load
from requests_app.models import Return, Status
from requests_app.services.returns import return_upload
from requests_app.tasks import process_return
from sharing.models import Status as AgreementStatus
from tests.factories import force_agreement_status, force_status

pytestmark = pytest.mark.django_db


def problem(kind, row, column, value, severity="error"):
    return {
        "type": kind,
        "severity": severity,
        "message": f"Fix {value}.",
        "sheet": "pupils",
        "row": row,
        "column": column,
        "value": value,
    }


# Found kind by kind, as the pipeline finds them: the unknown codes first, then the counts.
ERRORS = [problem("unknown-code", row, "B", f"X{row}") for row in range(3, 123, 2)] + [
    problem("constraint-error", row, "D", f"-{row}") for row in range(2, 122, 2)
]
REPORT = {
    "valid": False,
    "rows_read": 121,
    "errors": ERRORS,
    "warnings": [problem("total-row", 130, "", "Total", severity="warning")],
    "problem_counts": {"unknown-code": 60, "constraint-error": 60, "total-row": 1},
    "completeness": {"nationality": 0.5},
}


@pytest.fixture
def covered_request(agency_a, make_request, make_agreement):
    make_agreement([agency_a])
    return force_status(make_request(agency_a), Status.SENT)


def checked(data_request, user, status=Return.Status.FAILED, report=REPORT, **values) -> Return:
    """A return as processing leaves it, without running the pipeline."""
    with mock.patch.object(process_return, "delay"):
        stored = return_upload(request=data_request, user=user, upload=SimpleUploadedFile("pupils.csv", b"a,b\n"))
    Return.objects.filter(pk=stored.pk).update(status=status, report=report, **values)
    return Return.objects.get(pk=stored.pk)


def report_url(stored):
    return reverse("requests:return-report", args=[stored.request.public_id, stored.public_id])


def rows_on(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td class="where">Row (\d+)', html)]


def test_errors_are_listed_in_the_files_row_order_before_warnings_and_completeness(
    contact_a_client, covered_request, contact_a
):
    html = contact_a_client.get(report_url(checked(covered_request, contact_a))).content.decode()
    assert rows_on(html)[:6] == [2, 3, 4, 5, 6, 7]
    assert html.index("Errors to fix (120)") < html.index("Warnings (1)") < html.index("How complete")


def test_every_error_can_be_reached_a_page_at_a_time_with_a_count_of_each_kind(
    contact_a_client, covered_request, contact_a
):
    stored = checked(covered_request, contact_a)
    first = contact_a_client.get(report_url(stored)).content.decode()
    assert "Unknown codes or names: 60" in first and "Values out of range: 60" in first
    seen = []
    for page in (1, 2, 3):
        html = contact_a_client.get(report_url(stored), {"errors": page}).content.decode()
        seen += [row for row in rows_on(html) if row != 130]
    assert sorted(seen) == list(range(2, 122))
    assert "Page 1 of 3" in first and "errors=2#errors" in first


def test_problems_counted_past_the_kept_detail_are_said_to_be_there(contact_a_client, covered_request, contact_a):
    counted = {**REPORT, "problem_counts": {"unknown-code": 1060, "constraint-error": 60, "total-row": 1}}
    html = contact_a_client.get(report_url(checked(covered_request, contact_a, report=counted))).content.decode()
    assert "Errors to fix (1,120)" in html and "Unknown codes or names: 1,060" in html
    assert "1,000 more were counted past the first 1,000 of a kind" in html


def test_a_refused_file_never_says_its_problems_did_not_stop_it(contact_a_client, covered_request, contact_a):
    html = contact_a_client.get(report_url(checked(covered_request, contact_a))).content.decode()
    assert "Not accepted" in html
    assert "did not stop" not in html


def test_a_code_error_points_to_the_allowed_codes_of_the_template(contact_a_client, covered_request, contact_a, area):
    area_lookup_load(area=area, rows=[{"LAD24CD": area.gss_code, "WD24CD": "E05999901", "WD24NM": "Northgate"}])
    html = contact_a_client.get(report_url(checked(covered_request, contact_a))).content.decode()
    assert html.count('href="#allowed-codes"') == html.count("<strong>Unknown codes or names</strong>") == 25
    assert 'id="allowed-codes"' in html
    assert reverse("requests:template-xlsx", args=[covered_request.public_id]) in html
    assert "<code>E05999901</code></td><td>Northgate" in html


def test_a_report_without_code_errors_sends_nobody_to_the_codes(contact_a_client, covered_request, contact_a):
    report = {**REPORT, "errors": [problem("constraint-error", 2, "D", "-2")], "problem_counts": {}}
    html = contact_a_client.get(report_url(checked(covered_request, contact_a, report=report))).content.decode()
    assert "allowed-codes" not in html


def test_the_contact_sends_the_corrected_file_from_the_report_page(contact_a_client, covered_request, contact_a):
    stored = checked(covered_request, contact_a)
    html = contact_a_client.get(report_url(stored)).content.decode()
    assert reverse("requests:upload", args=[covered_request.public_id]) in html
    assert f'name="from_return" value="{stored.public_id}"' in html
    upload = reverse("requests:upload", args=[covered_request.public_id])
    refused = contact_a_client.post(
        upload, {"file": SimpleUploadedFile("pupils.exe", b"MZ"), "from_return": stored.public_id}
    )
    assert refused.url == report_url(stored)
    with mock.patch.object(process_return, "delay"):
        sent = contact_a_client.post(
            upload, {"file": SimpleUploadedFile("pupils-fixed.csv", b"a,b\n"), "from_return": stored.public_id}
        )
    newer = covered_request.returns.get(version=2)
    assert sent.url == report_url(newer)


def test_the_report_page_upload_is_held_to_the_gate(contact_a_client, covered_request, contact_a):
    stored = checked(covered_request, contact_a)
    force_agreement_status(stored.agreement, AgreementStatus.SUSPENDED)
    data_request = covered_request
    html = contact_a_client.get(report_url(stored)).content.decode()
    assert "Data cannot be accepted today." in html
    response = contact_a_client.post(
        reverse("requests:upload", args=[data_request.public_id]),
        {"file": SimpleUploadedFile("pupils.csv", b"a,b\n"), "from_return": stored.public_id},
        follow=True,
    )
    assert "nothing of it was kept" in response.content.decode()
    assert data_request.returns.count() == 1


def test_a_finished_request_offers_no_upload_and_says_why(coordinator_client, covered_request, contact_a):
    stored = checked(covered_request, contact_a)
    force_status(covered_request, Status.COMPLETED)
    html = coordinator_client.get(report_url(stored)).content.decode()
    assert 'name="from_return"' not in html
    assert "This request is completed: it takes no more files." in html


def test_the_dpo_reads_the_report_without_an_upload_box(dpo_client, covered_request, contact_a):
    html = dpo_client.get(report_url(checked(covered_request, contact_a))).content.decode()
    assert "Errors to fix" in html and 'id="upload"' not in html


def test_another_agencys_contact_gets_not_found_on_the_report_and_its_upload(
    contact_b_client, covered_request, contact_a
):
    stored = checked(covered_request, contact_a)
    assert contact_b_client.get(report_url(stored)).status_code == 404
    assert contact_b_client.get(report_url(stored), {"errors": 2}).status_code == 404
    response = contact_b_client.post(
        reverse("requests:upload", args=[covered_request.public_id]),
        {"file": SimpleUploadedFile("pupils.csv", b"a,b\n"), "from_return": stored.public_id},
    )
    assert response.status_code == 404
    assert covered_request.returns.count() == 1


def test_an_accepted_return_gives_its_figures_with_thousands_separators(contact_a_client, covered_request, contact_a):
    report = {"valid": True, "errors": [], "warnings": [], "stock_totals": {}, "completeness": {}}
    stored = checked(
        covered_request,
        contact_a,
        status=Return.Status.DONE,
        report=report,
        observation_count=12345,
        rows_read=23456,
        total=1234567,
    )
    html = contact_a_client.get(report_url(stored)).content.decode()
    assert "<strong>12,345</strong> counts stored from 23,456 rows; total 1,234,567" in html
