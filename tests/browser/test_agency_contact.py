"""An agency contact's journey: from the request in their inbox to data the council can use."""

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from requests_app.models import Status
from requests_app.services.requests import request_transition
from tests.browser.pages import log_in, stacks_on_a_phone

pytestmark = [pytest.mark.browser, pytest.mark.worker]


def filled_template(download, path, nationality):
    """The downloaded Excel template with a few counts typed in below its header."""
    download.save_as(path)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    for row, (period, count) in enumerate((("2025 Q3", 14), ("2025 Q4", 9)), start=2):
        values = {"Nationality": nationality, "Ward": "E05000001", "Period": period, "Count": count}
        for col, label in enumerate(header, start=1):
            sheet.cell(row, col, next((v for k, v in values.items() if label and label.startswith(k)), None))
    book.save(path)
    return path


def test_a_contact_acknowledges_answers_uploads_and_fixes_a_flawed_file(
    page, check, outsider, worker, tmp_path, agency_a, agency_b, coordinator, contact_a, make_request, make_agreement
):
    make_agreement([agency_a])
    ours = make_request(agency_a, title="Pupils by nationality and ward")
    theirs = make_request(agency_b, title="Patients by nationality")
    for request in (ours, theirs):
        request_transition(request=request, action="send", user=coordinator)

    log_in(page, contact_a)
    page.goto("/requests/")
    check(page)
    expect(page.get_by_role("link", name="Pupils by nationality and ward")).to_be_visible()
    expect(page.get_by_text("Patients by nationality")).to_have_count(0)

    page.get_by_role("link", name="Pupils by nationality and ward").click()
    check(page)
    assert stacks_on_a_phone(page, ".two-col > section:nth-child(1)", ".two-col > section:nth-child(2)")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".status-tag").first).to_contain_text("Acknowledged")
    page.get_by_text("Ask a question (pauses the clock)…").click()
    page.get_by_label("What needs clarifying?").fill("Do you want pupils on roll or all admissions?")
    page.get_by_role("button", name="Ask a question (pauses the clock)").click()
    expect(page.get_by_text("Do you want pupils on roll or all admissions?")).to_be_visible()
    expect(page.get_by_text("Uploads are paused while your question is open.")).to_be_visible()
    check(page)
    request_transition(request=ours, action="answer_clarification", user=coordinator, note="Pupils on roll.")
    page.reload()
    expect(page.get_by_label(re.compile("Completed file"))).to_be_visible()
    page.get_by_label("Write to the coordinator").fill("Thank you: on roll it is.")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("Thank you: on roll it is.")).to_be_visible()
    request_url = page.url

    page.get_by_role("link", name="Answer the checklist").click()
    check(page)
    page.get_by_label("Recorded? for Nationality").select_option(label="Yes")
    page.get_by_label("Mandatory in your system? for Nationality").select_option(label="No")
    page.get_by_label("Can be extracted electronically? for Nationality").select_option(label="Yes")
    page.get_by_label("Completeness % for Nationality").fill("80")
    page.get_by_role("button", name="Save checklist").click()
    expect(page.get_by_text("80% estimated")).to_be_visible()

    with page.expect_download() as template:
        page.get_by_role("link", name="Download template (Excel)").click()
    good = filled_template(template.value, tmp_path / "pupils.xlsx", "Polish")
    page.get_by_label(re.compile("Completed file")).set_input_files(good)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name="Accepted", exact=True)).to_be_visible(timeout=90_000)
    check(page)
    accepted_report = page.url

    page.goto(request_url)
    flawed = filled_template(template.value, tmp_path / "pupils-v2.xlsx", "Polska")
    page.get_by_label(re.compile("Completed file")).set_input_files(flawed)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name=re.compile("Not accepted"))).to_be_visible(timeout=90_000)
    check(page)
    expect(page.get_by_role("heading", name="Errors to fix")).to_be_visible()
    expect(page.get_by_text("Polska").first).to_be_visible()
    flawed_report = page.url

    page.goto(request_url)
    expect(page.get_by_text("Version 1 (pupils.xlsx) is in force")).to_be_visible()
    expect(page.get_by_text("version 1 stays in force")).to_be_visible()
    ours.refresh_from_db()
    assert ours.status == Status.RECEIVED

    page.goto(flawed_report)
    fixed = filled_template(template.value, tmp_path / "pupils-v3.xlsx", "Romanian")
    page.get_by_label(re.compile("Completed file")).set_input_files(fixed)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name="Accepted", exact=True)).to_be_visible(timeout=90_000)
    check(page)
    fixed_report = page.url
    page.goto(request_url)
    expect(page.get_by_text("Version 3 (pupils-v3.xlsx) is in force")).to_be_visible()

    outsider(
        request_url,
        accepted_report,
        flawed_report,
        fixed_report,
        flawed_report + "problems.csv",
        fixed_report + "status.json",
        fixed_report + "file/",
        request_url + "checklist/",
        request_url + "template.xlsx",
        request_url + "template.csv",
    )
