"""The DPO's journey: an amended agreement reviewed, sent back, approved and later suspended."""

import re

import pytest
from playwright.sync_api import expect

from requests_app.models import Status
from tests.browser.pages import log_in
from tests.factories import force_status

pytestmark = [pytest.mark.browser]


def test_a_dpo_sends_an_amendment_back_approves_it_and_suspends_sharing(
    page, check, outsider, agency_a, coordinator, dpo, contact_a, make_agreement, make_request
):
    first = make_agreement([agency_a])
    request = force_status(make_request(agency_a), Status.SENT)

    log_in(page, coordinator)
    page.goto(f"/agreements/{first.public_id}/")
    page.get_by_role("button", name="Amend (new version)").click()
    check(page)
    expect(page.get_by_label("Start date")).to_have_value(f"{first.start_date:%Y-%m-%d}")
    page.get_by_label("Age or age band").check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", name=re.compile("What changed since"))).to_be_visible()
    page.get_by_role("button", name="Submit for DPO review").click()
    amended = page.url

    log_in(page, dpo)
    page.goto("/agreements/dpo/")
    check(page)
    page.get_by_role("link", name="Pupils by nationality").first.click()
    check(page)
    expect(page.locator("#diff-h + table")).to_contain_text("added: Age or age band")
    page.get_by_text("Request changes…").click()
    page.get_by_label("What must change?").fill("Say why age is needed, in the purpose.")
    page.get_by_role("button", name="Request changes").click()
    expect(page.locator(".status-tag").first).to_contain_text(re.compile("changes", re.I))

    log_in(page, coordinator)
    page.goto(amended + "edit/")
    page.get_by_label("Purpose").fill("Planning school places; age shows which phases need support.")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Submit for DPO review").click()

    log_in(page, dpo)
    page.goto(amended)
    page.get_by_role("button", name="Approve").click()
    page.get_by_label("SIRO's name").fill("Pat Senior")
    page.get_by_label("Date the SIRO signed").fill("2026-01-05")
    page.get_by_role("button", name="Record SIRO sign-off and activate").click()
    expect(page.locator(".status-tag").first).to_contain_text("Active")
    check(page)
    page.goto("/agreements/audit/")
    check(page)
    expect(page.locator("table")).to_contain_text("Approved, awaiting SIRO sign-off → Active")

    page.goto(amended)
    page.get_by_text("Suspend…").click()
    page.get_by_label("Why is sharing suspended?").fill("The school reported a breach; paused while we look.")
    page.get_by_role("button", name="Suspend").click()
    expect(page.locator(".status-tag").first).to_contain_text("Suspended")

    log_in(page, contact_a)
    page.goto(f"/requests/{request.public_id}/")
    check(page)
    expect(page.get_by_text("Data cannot be accepted yet")).to_be_visible()
    page.get_by_label(re.compile("Completed file")).set_input_files(
        files=[{"name": "pupils.csv", "mimeType": "text/csv", "buffer": b"Nationality,Ward,Period,Count\n"}]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".message-error")).to_contain_text(re.compile("suspended|no active", re.I))
    expect(page.get_by_text("No file has been accepted yet")).to_have_count(0)

    outsider(f"/requests/{request.public_id}/", f"/requests/{request.public_id}/checklist/", amended)
