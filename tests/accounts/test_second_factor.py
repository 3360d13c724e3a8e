"""A code from an authenticator app: required of the coordinator and the DPO, optional for agency contacts."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.views import ENROL_KEY
from sharing.models import AuditEntry
from tests.factories import client_for


@pytest.fixture
def required(settings):
    settings.TRACKER_REQUIRE_2FA = True


def code(key: str, steps_ahead: int = 0) -> str:
    # A code is accepted once: a later check in the same test takes the next step's code.
    return f"{totp(bytes.fromhex(key), drift=steps_ahead):06d}"


def enrol(client) -> str:
    client.get(reverse("accounts:second-factor-enrol"))
    key = client.session[ENROL_KEY]
    response = client.post(reverse("accounts:second-factor-enrol"), {"token": code(key), "next": "/requests/"})
    assert response.status_code == 302 and response.headers["Location"] == "/requests/"
    return key


@pytest.mark.usefixtures("required")
@pytest.mark.parametrize("persona", ["coordinator", "dpo"])
def test_the_coordinator_and_the_dpo_must_enrol_an_app_before_any_page(persona, request):
    client = client_for(request.getfixturevalue(persona))
    response = client.get(reverse("requests:list"))
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("accounts:second-factor-enrol") + "?next=%2Frequests%2F"


@pytest.mark.usefixtures("required")
def test_an_agency_contact_is_not_asked_for_a_code_unless_they_enrolled(contact_a):
    assert client_for(contact_a).get(reverse("requests:list")).status_code == 200


def test_without_the_setting_nobody_is_asked_to_enrol(coordinator, dpo):
    assert client_for(coordinator).get(reverse("requests:list")).status_code == 200
    assert client_for(dpo).get(reverse("home")).status_code == 200


@pytest.mark.usefixtures("required")
def test_the_enrol_page_shows_the_secret_as_a_qr_code_and_as_text(coordinator):
    client = client_for(coordinator)
    page = client.get(reverse("accounts:second-factor-enrol")).content.decode()
    assert 'src="data:image/svg+xml' in page
    assert "Secret: <code>" in page and "every agency" in page


@pytest.mark.usefixtures("required")
def test_a_valid_code_enrols_the_app_and_opens_the_pages(coordinator):
    client = client_for(coordinator)
    enrol(client)
    assert client.get(reverse("requests:list")).status_code == 200
    assert TOTPDevice.objects.get(user=coordinator).confirmed
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SECOND_FACTOR_ENROLLED)
    assert entry.actor == coordinator


@pytest.mark.usefixtures("required")
def test_a_wrong_code_enrols_nothing(coordinator):
    client = client_for(coordinator)
    client.get(reverse("accounts:second-factor-enrol"))
    response = client.post(reverse("accounts:second-factor-enrol"), {"token": "000000"})
    assert response.status_code == 200 and b"not the one the app shows" in response.content
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert client.get(reverse("requests:list")).status_code == 302


@pytest.mark.usefixtures("required")
def test_at_the_next_sign_in_the_code_is_asked_for_and_checked(dpo):
    key = enrol(client_for(dpo))
    client = client_for(dpo)
    asked = client.get(reverse("sharing:dpo"))
    assert asked.headers["Location"] == reverse("accounts:second-factor") + "?next=%2Fagreements%2Fdpo%2F"
    wrong = client.post(reverse("accounts:second-factor"), {"token": "123456", "next": "/agreements/dpo/"})
    assert wrong.status_code == 200 and b"not right" in wrong.content
    # Each failure makes the next try wait longer (one second, then two, ...): the test does not wait.
    TOTPDevice.objects.get(user=dpo).throttle_reset()
    right = client.post(reverse("accounts:second-factor"), {"token": code(key, 1), "next": "/agreements/dpo/"})
    assert right.headers["Location"] == "/agreements/dpo/"
    assert client.get(reverse("sharing:dpo")).status_code == 200


@pytest.mark.usefixtures("required")
def test_a_password_alone_cannot_swap_the_enrolled_app(coordinator):
    enrol(client_for(coordinator))
    thief = client_for(coordinator)
    response = thief.get(reverse("accounts:second-factor-enrol"))
    assert response.headers["Location"] == reverse("accounts:second-factor")
    assert thief.post(reverse("accounts:second-factor-enrol"), {"token": "000000"}).status_code == 302
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


def test_an_agency_contact_may_enrol_and_is_then_asked_at_each_sign_in(contact_a):
    enrol(client_for(contact_a))
    client = client_for(contact_a)
    assert client.get(reverse("requests:list")).headers["Location"].startswith(reverse("accounts:second-factor"))


@pytest.mark.usefixtures("required")
def test_someone_who_owes_a_code_can_still_sign_out(coordinator):
    client = client_for(coordinator)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.headers["Location"] == reverse("login")


@pytest.mark.usefixtures("required")
def test_the_code_page_never_sends_anyone_to_another_site(coordinator):
    client = client_for(coordinator)
    key = enrol(client)
    client = client_for(coordinator)
    response = client.post(reverse("accounts:second-factor"), {"token": code(key, 1), "next": "https://evil.example/"})
    assert response.headers["Location"] == reverse("home")


@pytest.mark.usefixtures("required")
def test_after_a_wrong_code_even_the_right_one_must_wait(coordinator):
    key = enrol(client_for(coordinator))
    client = client_for(coordinator)
    client.post(reverse("accounts:second-factor"), {"token": "123456"})
    response = client.post(reverse("accounts:second-factor"), {"token": code(key, 1)})
    assert response.status_code == 200 and b"not right" in response.content
