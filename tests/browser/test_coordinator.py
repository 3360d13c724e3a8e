"""The coordinator's journey: from the catalogue to a request, a campaign and the reports."""

import datetime
import re
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from requests_app.models import DataRequest, Status
from requests_app.services.processing import return_process
from requests_app.services.returns import return_upload
from requests_app.tasks import process_return
from tests.browser.pages import log_in
from tests.factories import force_status

pytestmark = [pytest.mark.browser]


def returned(agency, coordinator, make_request, make_agreement):
    """Counts already processed from agency A, so the indicators have a table to show."""
    make_agreement([agency])
    request = force_status(make_request(agency), Status.SENT)
    content = b"Nationality,Ward or small area,Period,Count\nPolish,E05000001,2025 Q1,12\nSyrian,E05000001,2025 Q2,30\n"
    with mock.patch.object(process_return, "delay"):
        stored = return_upload(request=request, user=coordinator, upload=SimpleUploadedFile("r.csv", content))
    return_process(return_id=stored.pk)


def test_a_coordinator_finds_sources_requests_data_chases_and_reads_the_reports(
    page, check, outsider, tmp_path, agency_a, agency_b, coordinator, make_request, make_agreement
):
    returned(agency_a, coordinator, make_request, make_agreement)
    log_in(page, coordinator)
    page.goto("/catalogue/")
    check(page)
    page.get_by_label("Search").fill("school")
    page.get_by_role("button", name="Search", exact=True).click()
    check(page)
    page.locator("label.facet-option:not(.facet-empty) input").first.check()
    page.get_by_role("button", name="Apply filters").click()
    check(page)
    expect(page.get_by_text(re.compile("match your filters"))).to_be_visible()
    boxes = page.get_by_role("checkbox", name=re.compile("^Compare "))
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="Compare ticked sources").click()
    check(page)
    expect(page.get_by_role("heading", name="Compare sources")).to_be_visible()

    page.goto("/requests/new/")
    check(page)
    page.get_by_label("Agency").select_option(label=re.compile("Agency A School").pattern)
    page.get_by_label("Title").fill("Pupils by nationality and ward")
    page.get_by_label("Source").select_option(index=1)
    page.get_by_label("Purpose").fill("To plan support for new arrivals.")
    page.get_by_label("Nationality", exact=True).check()
    page.get_by_label("Geography level").select_option(index=1)
    page.get_by_label("Period start").fill("2025-04-01")
    page.get_by_label("Period end").fill("2026-03-31")
    page.get_by_role("button", name="Save draft").click()
    check(page)
    page.get_by_role("button", name="Send to the agency").click()
    expect(page.locator(".status-tag").first).to_contain_text("Sent")
    expect(page.get_by_role("button", name="Acknowledge")).to_have_count(0)
    single = page.url
    for path in ("/requests/", "/requests/blocked/"):
        page.goto(path)
        check(page)

    page.goto("/requests/campaigns/new/")
    check(page)
    page.get_by_label("Name").fill("EAL everywhere")
    page.get_by_label("Agency A School").check()
    page.get_by_label("Agency B Trust").check()
    page.get_by_label("Title").fill("EAL pupils")
    page.get_by_label("Source").select_option(index=1)
    page.get_by_label("Purpose").fill("Planning")
    page.get_by_label("Nationality", exact=True).check()
    page.get_by_label("Geography level").select_option(index=1)
    page.get_by_label("Period start").fill("2025-09-01")
    page.get_by_label("Period end").fill("2026-07-31")
    page.get_by_role("button", name=re.compile("Start|Send|Create")).click()
    campaign = page.url
    DataRequest.objects.filter(campaign__isnull=False, agency=agency_b).update(due_date=datetime.date(2020, 1, 6))
    page.reload()
    check(page)
    page.get_by_role("button", name="Chase 1 overdue agency").click()
    expect(page.get_by_text("Chased 1 overdue agency")).to_be_visible()

    for path in ("/reports/coverage/", "/reports/recommendations/", "/reports/indicators/"):
        page.goto(path)
        check(page)
    page.get_by_label(re.compile("school census", re.I)).first.check()
    page.get_by_role("button", name="Show").click()
    check(page)
    query = page.url.partition("?")[2]
    for export, kind in (("indicators.csv", "text/csv"), ("indicators.xlsx", "spreadsheetml")):
        response = page.request.get(f"/reports/{export}?{query}")
        assert response.ok and kind in response.headers["content-type"], (export, response.status)

    page.goto("/reports/report/")
    check(page)
    page.emulate_media(media="print")
    pdf = page.pdf(path=tmp_path / "report.pdf")
    assert pdf.startswith(b"%PDF")

    outsider(single, campaign, single + "checklist/")
