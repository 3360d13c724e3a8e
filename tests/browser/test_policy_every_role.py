"""Every role's main pages and the admin site under the Content Security Policy.

Chromium reports on the console each script, style or image the policy refuses; the package's
`csp_refusals` fixture collects them, and each page here is checked as soon as it has loaded, so a
failure names the page. The admin site is Django's own: its pages are checked for the policy and
for loading, not for the tracker's accessibility and phone-width rules.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from requests_app.models import Status
from tests.browser.pages import log_in
from tests.factories import PASSWORD, force_status

pytestmark = [pytest.mark.browser]

EVERYONE = ["/", "/catalogue/", "/catalogue/definitions/", "/notifications/", "/api/tokens/"]
COORDINATOR = [
    "/catalogue/local-sources/",
    "/requests/",
    "/requests/new/",
    "/requests/agencies/",
    "/requests/blocked/",
    "/requests/campaigns/",
    "/requests/campaigns/new/",
    "/agreements/",
    "/agreements/new/",
    "/reports/coverage/",
    "/reports/recommendations/",
    "/reports/indicators/",
    "/reports/report/",
    "/plan/",
    "/plan/edit/",
    "/plan/checklist/",
    "/plan/register/",
    "/plan/calendar/",
    "/partners/",
    "/partners/agencies/new/",
    "/accounts/lockouts/",
    "/accounts/second-factor/enrol/",
]
DPO = ["/agreements/dpo/", "/agreements/audit/", "/agreements/", "/reports/coverage/", "/plan/", "/partners/"]


def visit(page, csp_refusals, path: str) -> None:
    response = page.goto(path)
    # A round trip to the page, so that the console messages of its loading have all arrived.
    page.evaluate("document.readyState")
    assert response.status < 400, f"{path} answered {response.status}"
    assert not csp_refusals, f"Content Security Policy refusals on {path}: " + "; ".join(csp_refusals)


@pytest.fixture
def held(agency_a, contact_a, coordinator, make_request, make_agreement):
    """A request of agency A named to its contact, and an agreement, so that detail pages exist."""
    agreement = make_agreement([agency_a])
    request = force_status(make_request(agency_a, agency_contact=contact_a), Status.SENT)
    return request, agreement


def test_every_roles_main_pages_keep_to_the_policy(page, csp_refusals, held, coordinator, dpo, contact_a, agency_a):
    request, agreement = held
    details = [f"/requests/{request.public_id}/", f"/agreements/{agreement.public_id}/"]
    log_in(page, coordinator)
    mine = [
        reverse("partners:team"),
        reverse("partners:contacts", args=[agency_a.public_id]),
        reverse("partners:contact-leaving", args=[agency_a.public_id, contact_a.pk]),
        reverse("partners:colleague-leaving", args=[dpo.pk]),
    ]
    for path in EVERYONE + COORDINATOR + details + mine:
        visit(page, csp_refusals, path)
    log_in(page, dpo)
    for path in EVERYONE + DPO + details[1:]:
        visit(page, csp_refusals, path)
    log_in(page, contact_a)
    for path in EVERYONE + ["/requests/", details[0], "/accounts/second-factor/enrol/"]:
        visit(page, csp_refusals, path)


def test_the_admin_site_keeps_to_the_policy(page, csp_refusals, held, coordinator):
    request, agreement = held
    admin = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    log_in(page, admin)
    paths = [
        "/admin/",
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        f"/admin/auth/user/{coordinator.pk}/change/",
        f"/admin/auth/user/{coordinator.pk}/password/",
        "/admin/auth/group/",
        "/admin/catalogue/source/",
        "/admin/catalogue/agency/",
        "/admin/requests_app/datarequest/",
        f"/admin/requests_app/datarequest/{request.pk}/change/",
        "/admin/sharing/sharingagreement/",
        f"/admin/sharing/sharingagreement/{agreement.pk}/change/",
        "/admin/sharing/auditentry/",
        "/admin/otp_totp/totpdevice/",
    ]
    for path in paths:
        visit(page, csp_refusals, path)
    # The scripts the policy lets through work: the user list's "select all" and action bar.
    page.goto("/admin/auth/user/")
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text("selected")
    assert not csp_refusals


def test_a_coordinator_invites_a_colleague_and_hands_a_leavers_work_on(
    page, check, outsider, held, coordinator, contact_a, agency_a, mailoutbox
):
    request, _ = held
    log_in(page, coordinator)
    page.goto(reverse("partners:team"))
    check(page)
    page.get_by_label("First name").fill("Kim")
    page.get_by_label("Last name").fill("Lee")
    page.get_by_label("Email address").fill("kim@council.example.gov.uk")
    page.get_by_label("Data Protection Officer (DPO)").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to kim@council.example.gov.uk")).to_be_visible()
    expect(page.locator(".contacts li", has_text="Kim Lee")).to_contain_text("invited")
    check(page)

    page.goto(reverse("partners:contacts", args=[agency_a.public_id]))
    page.get_by_role("link", name="Deactivate Contact_A").click()
    expect(page.get_by_role("heading", name="What they hold")).to_be_visible()
    expect(page.get_by_text(request.reference)).to_be_visible()
    check(page)
    # The browser will not send the form until someone is chosen; the server refuses it too (unit tests).
    expect(page.get_by_label("Pass their work to")).to_have_attribute("required", "")
    page.get_by_label("Pass their work to").select_option(label="Coordinator (coordinator)")
    page.get_by_role("button", name="Deactivate Contact_A and pass their work on").click()
    expect(page.get_by_text("Contact_A can no longer sign in.")).to_be_visible()
    check(page)
    request.refresh_from_db()
    assert request.agency_contact is None and request.coordinator == coordinator
    outsider(
        reverse("partners:team"),
        reverse("partners:contacts", args=[agency_a.public_id]),
        reverse("partners:contact-leaving", args=[agency_a.public_id, contact_a.pk]),
    )
