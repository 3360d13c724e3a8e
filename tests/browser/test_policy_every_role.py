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
    page.wait_for_load_state("networkidle")
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
