"""Signing in with a second factor, and the coordinator's locked sign-ins, in a real browser."""

from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.browser.pages import log_in

pytestmark = [pytest.mark.browser]


def code_for(secret_text: str) -> str:
    secret = secret_text.replace(" ", "")
    return f"{totp(b32decode(secret + '=' * (-len(secret) % 8))):06d}"


def test_a_coordinator_enrols_an_app_at_the_first_sign_in_and_lifts_a_lock(page, check, settings, coordinator):
    settings.TRACKER_REQUIRE_2FA = True
    log_in(page, coordinator)
    expect(page.get_by_role("heading", name="Enrol an authenticator app")).to_be_visible()
    expect(page.get_by_role("img", name="QR code holding the secret for your authenticator app")).to_be_visible()
    check(page)
    secret = page.locator("code").first.inner_text()
    page.get_by_label("Code from your authenticator app").fill(code_for(secret))
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("Your authenticator app is enrolled")).to_be_visible()
    check(page)

    page.get_by_role("link", name="Locked sign-ins").click()
    expect(page.get_by_text("Nobody is locked out.")).to_be_visible()
    check(page)
